"""三权分立 (GB/T 22239-2019 8.1.5.1-8.1.5.3): the system, security and audit administrators
are three roles held by three accounts; each does its own part only, and the audit
administrator's reads of the audit log are themselves in the log."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from jineng.core import audit, demo, services, writes
from jineng.core.models import AuditEntry, User, UserRole
from jineng.core.roles import ADMINISTRATOR_ROLES, CAPABILITIES, Capability, Role, has_capability

pytestmark = pytest.mark.django_db


def test_each_capability_of_the_three_is_given_to_the_right_one(users):
    admin, security, auditor = users["admin"], users["secadmin"], users["auditadmin"]
    assert has_capability(admin, Capability.MANAGE_ORGANISATIONS)
    assert has_capability(admin, Capability.MANAGE_CATALOGS)
    assert not has_capability(admin, Capability.MANAGE_USERS)
    assert not has_capability(admin, Capability.VIEW_AUDIT)
    assert has_capability(security, Capability.MANAGE_USERS)
    assert not has_capability(security, Capability.VIEW_AUDIT)
    assert not has_capability(security, Capability.MANAGE_CATALOGS)
    assert has_capability(auditor, Capability.VIEW_AUDIT)
    assert has_capability(auditor, Capability.EXPORT_AUDIT)
    # The audit administrator reads the log (and the accounts and organisations it names)
    # and does nothing else.
    granted = {cap for cap, roles in CAPABILITIES.items() if Role.AUDIT_ADMIN in roles}
    assert granted == {
        Capability.VIEW_AUDIT,
        Capability.EXPORT_AUDIT,
        Capability.VIEW_USERS,
        Capability.VIEW_ORGANISATIONS,
    }
    # Nobody but the security administrator manages accounts; nobody but the audit
    # administrator exports the log.
    assert CAPABILITIES[Capability.MANAGE_USERS] == {Role.SECURITY_ADMIN}
    assert CAPABILITIES[Capability.EXPORT_AUDIT] == {Role.AUDIT_ADMIN}


def test_only_the_security_administrator_creates_accounts_and_sets_roles(users, orgs):
    values = {
        "password": "Xk9#pLm2qR",
        "organisation": orgs["city"],
        "roles": [Role.REVIEWER],
    }
    for who in ("admin", "auditadmin", "city_reviewer"):
        with (
            audit.audit_context(actor=users[who]),
            pytest.raises(PermissionDenied, match="只有安全管理员"),
        ):
            services.create_user(username=f"by_{who}", **values)
    with audit.audit_context(actor=users["secadmin"]):
        made = services.create_user(username="by_secadmin", **values)
        services.set_roles(made, [Role.REVIEWER, Role.WORKER])
    with (
        audit.audit_context(actor=users["admin"]),
        pytest.raises(PermissionDenied, match="只有安全管理员"),
    ):
        services.set_roles(made, [Role.SYSTEM_ADMIN])
    assert User.objects.get(pk=made.pk).role_set == {Role.REVIEWER, Role.WORKER}


def test_the_audit_administrator_writes_nothing(users, orgs):
    with (
        audit.audit_context(actor=users["auditadmin"]),
        pytest.raises(PermissionDenied, match="您的角色为只读"),
    ):
        writes.update(orgs["city"], name="x")


@pytest.mark.parametrize(
    "roles",
    [
        [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN],
        [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN],
        [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN],
    ],
)
def test_no_account_holds_two_administrator_roles(users, roles):
    with audit.system_context("test"), pytest.raises(ValidationError, match="管理员角色"):
        services.create_user(
            username="two_hats", password="Xk9#pLm2qR", organisation=users["admin"].organisation,
            roles=roles,
        )  # fmt: skip
    assert not User.objects.filter(username="two_hats").exists()
    with audit.system_context("test"), pytest.raises(ValidationError, match="管理员角色"):
        services.set_roles(users["admin"], roles)
    assert users["admin"].roles.get().role == Role.SYSTEM_ADMIN


def test_the_database_refuses_a_second_administrator_role(users):
    """Below the services: the partial unique constraint of core.UserRole."""
    for role in ADMINISTRATOR_ROLES - {Role.SYSTEM_ADMIN}:
        with pytest.raises(IntegrityError), transaction.atomic():
            UserRole.objects.create(user=users["admin"], role=role)
    UserRole.objects.create(user=users["admin"], role=Role.REVIEWER)  # others: allowed


def test_createuser_refuses_two_administrator_roles(monkeypatch):
    monkeypatch.setenv("JINENG_NEW_PASSWORD", "Xk9#pLm2qR")
    with pytest.raises(CommandError, match="two of system_admin, security_admin"):
        call_command(
            "createuser", "two_hats", "--org", "410000", "--role", "security_admin",
            "--role", "audit_admin",
        )  # fmt: skip
    call_command("createuser", "auditor2", "--org", "410000", "--role", "audit_admin")
    assert User.objects.get(username="auditor2").role_set == {Role.AUDIT_ADMIN}


def reads(username: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(actor_label=username, action="read_audit").order_by("id"))


def test_every_read_of_the_audit_log_is_audited(login):
    client = login("auditadmin")
    entry = AuditEntry.objects.filter(action="login").latest("id")
    assert client.get("/audit/?action=login").status_code == 200
    assert client.get(f"/audit/{entry.pk}/").status_code == 200
    export = client.get("/audit/export/?action=login")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert client.get("/api/v1/audit-entries/?action=login").status_code == 200
    assert client.get(f"/api/v1/audit-entries/{entry.pk}/").status_code == 200
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert client.get("/").status_code == 200  # the home page's latest entries
    logged = reads("auditadmin")
    assert len(logged) == 7, [e.message for e in logged]
    assert "action=login" in logged[0].message
    assert logged[1].object_type == "core.auditentry" and logged[1].object_id == str(entry.pk)
    assert "action=login" in logged[2].message and logged[2].message.startswith("导出")
    assert all(e.hash for e in logged)  # chained like any other entry


def test_the_export_is_a_safe_csv_of_the_filtered_entries(login):
    with audit.system_context("test"):
        audit.record("update", message='=HYPERLINK("http://x")')
    client = login("auditadmin")
    response = client.get("/audit/export/?action=update")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    messages = [row[8] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in messages  # text, never a live formula
    assert all(row[4] == "修改" for row in rows[1:])
    assert all(len(row[14]) == 64 for row in rows[1:])  # each with its hash


@pytest.mark.parametrize("username", ["admin", "secadmin", "finance", "city_reviewer"])
def test_only_the_audit_administrator_exports(login, username):
    assert login(username).get("/audit/export/").status_code == 403


@pytest.mark.parametrize("username", ["admin", "secadmin"])
def test_neither_other_administrator_reads_the_audit_log(login, username):
    client = login(username)
    entry = AuditEntry.objects.latest("id")
    assert client.get("/audit/").status_code == 403
    assert client.get("/api/v1/audit-entries/").status_code == 403
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 403
    assert client.get("/admin/core/auditentry/").status_code == 403


def test_the_django_admin_keeps_accounts_to_the_security_administrator(login, users):
    target = users["worker"]
    url = f"/admin/core/user/{target.pk}/change/"
    values = {"full_name": "张三（改）", "email": "", "organisation": target.organisation_id,
              "is_active": "on"}  # fmt: skip
    # The system administrator (a superuser of Django's admin) sees the accounts, changes none.
    admin = login("admin")
    assert admin.get(url).status_code == 200
    assert admin.post(url, values).status_code == 403
    security = login("secadmin")
    assert security.post(url, values).status_code == 302
    assert User.objects.get(pk=target.pk).full_name == "张三（改）"
    # The audit administrator's Django admin holds the audit log and read-only accounts.
    auditor = login("auditadmin")
    assert auditor.get("/admin/core/auditentry/").status_code == 200
    assert auditor.post(url, values).status_code == 403
    assert auditor.get("/admin/core/organisation/").status_code == 403


def test_the_demo_has_one_account_for_each_administrator():
    by_role = {roles[0]: username for username, _name, _org, roles in demo.USERS}
    assert {by_role[role] for role in ADMINISTRATOR_ROLES} == {"admin", "secadmin", "auditadmin"}
