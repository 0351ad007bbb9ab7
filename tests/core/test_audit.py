"""The audit log: every service write is recorded with who, when, where, before and after,
a request id ties a request's writes together, and no page, API, admin or SQL can change it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from jineng.core import audit, services, writes
from jineng.core.models import AuditEntry, Organisation
from jineng.core.roles import OrgKind

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def test_service_write_records_actor_address_before_and_after(users, orgs):
    admin = users["admin"]
    with audit.audit_context(actor=admin, ip="10.1.2.3", request_id="req-0001-abcd"):
        org = services.create_organisation(
            kind=OrgKind.INSTITUTION,
            name="测试培训学校",
            code="52411400MJ0009001C",
            parent=orgs["city"],
        )
        writes.update(org, name="测试职业培训学校")
    created, updated = entries_for(org).order_by("id")
    assert created.action == "create" and created.before is None
    assert created.after["name"] == "测试培训学校" and created.after["path"] == org.path
    assert updated.action == "update"
    assert updated.before["name"] == "测试培训学校"
    assert updated.after["name"] == "测试职业培训学校"
    assert updated.changed_fields() == [("name", "测试培训学校", "测试职业培训学校")]
    for entry in (created, updated):
        assert entry.actor_id == admin.pk and entry.actor_label == "admin"
        assert entry.ip == "10.1.2.3" and entry.request_id == "req-0001-abcd"
        assert entry.org_path == org.path  # auditors of the region see it


def test_an_update_that_changes_nothing_is_not_logged(orgs):
    before = AuditEntry.objects.count()
    with audit.system_context("test"):
        writes.update(orgs["city"], name=orgs["city"].name)
    assert AuditEntry.objects.count() == before


def test_one_request_ties_its_writes_together(client, login, users):
    """A request sends its id back; all entries it wrote carry it (here: the login's)."""
    response = client.post(
        "/accounts/login/",
        {"username": "admin", "password": "Jineng@2026"},
        HTTP_X_REQUEST_ID="bulk-import-42",
    )
    assert response["X-Request-ID"] == "bulk-import-42"
    entry = AuditEntry.objects.filter(request_id="bulk-import-42").get()
    assert entry.action == "login" and entry.actor_label == "admin"


def test_passwords_and_token_hashes_never_enter_the_log(users):
    with audit.audit_context(actor=users["secadmin"]):  # accounts: the security administrator
        user = services.create_user(
            username="newreviewer",
            password="Xk9#pLm2qR",
            organisation=users["secadmin"].organisation,
            roles=["reviewer"],
        )
        services.issue_api_token(user, "device")
    user.refresh_from_db()
    entries = list(AuditEntry.objects.all())
    fields = {name for e in entries for name in {**(e.before or {}), **(e.after or {})}}
    assert not fields & {"password", "key_hash"}  # when it changed (password_changed_at) may show
    texts = [str(e.after) + str(e.before) for e in entries]
    assert not any("Xk9#pLm2qR" in text or user.password in text for text in texts)


def test_orm_cannot_change_or_delete_an_entry():
    with audit.system_context("test"):
        entry = audit.record("update", message="original")
    entry.message = "tampered"
    with pytest.raises(PermissionError, match="append-only"):
        entry.save()
    with pytest.raises(PermissionError, match="append-only"):
        entry.delete()
    with pytest.raises(PermissionError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(message="tampered")
    with pytest.raises(PermissionError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).message == "original"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditentry SET message = 'tampered' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ],
)
def test_database_refuses_update_and_delete(statement):
    with audit.system_context("test"):
        entry = audit.record("update", message="original")
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).message == "original"


def test_api_offers_no_way_to_write(login):
    client = login("auditadmin")
    entry = AuditEntry.objects.first()
    url = f"/api/v1/audit-entries/{entry.pk}/"
    assert client.put(url, {}, content_type="application/json").status_code == 405
    assert client.patch(url, {}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405
    assert (
        client.post("/api/v1/audit-entries/", {}, content_type="application/json").status_code
        == 405
    )


def test_admin_offers_no_way_to_write(login):
    client = login("auditadmin")
    entry = AuditEntry.objects.first()
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200  # view only
    response = client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"message": "tampered"})
    assert response.status_code == 403
    assert (
        client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).message == entry.message


def test_admin_edits_go_through_services_and_are_audited(login, orgs):
    client = login("admin")
    org = orgs["union"]
    response = client.post(
        f"/admin/core/organisation/{org.pk}/change/",
        {
            "kind": org.kind,
            "name": "商丘市总工会（改）",
            "code": org.code,
            "region_code": org.region_code,
            "parent": org.parent_id,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:300]
    entry = entries_for(org).latest("id")
    assert entry.after["name"] == "商丘市总工会（改）" and entry.actor_label == "admin"


def test_failed_login_with_an_id_number_is_logged_masked(client):
    client.post("/accounts/login/", {"username": "41140219900307123X", "password": "x"})
    entry = AuditEntry.objects.filter(action="login_failed").latest("id")
    assert "41140219900307123X" not in entry.message
    assert "4114**********123X" in entry.message


def test_logins_and_logouts_are_logged(client, login):
    login("county_reviewer")
    client.post("/accounts/logout/")
    actions = list(
        AuditEntry.objects.filter(actor_label="county_reviewer").values_list("action", flat=True)
    )
    assert "login" in actions and "logout" in actions


def test_read_only_role_cannot_write(users, orgs):
    with (
        audit.audit_context(actor=users["finance"]),
        pytest.raises(PermissionDenied, match="您的角色为只读"),
    ):
        writes.update(orgs["city"], name="x")
    assert Organisation.objects.get(pk=orgs["city"].pk).name != "x"


def test_audit_page_filters(login):
    client = login("auditadmin")
    page = client.get("/audit/?action=login")
    assert page.status_code == 200
    assert "admin" in page.content.decode()
    bad = client.get("/audit/?since=2026-13-45")
    assert bad.status_code == 200  # a bad date is reported on the form, not a traceback
