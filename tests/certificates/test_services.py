"""Issuing, recording, revoking and verifying certificates through the services."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jineng.catalog.models import Occupation, SkillLevel
from jineng.certificates import numbers, services, signing
from jineng.certificates.models import Certificate, CertificateKind, CertificateStatus
from jineng.core.models import AuditEntry
from jineng.core.personal import mask_name
from jineng.institutions import services as institutions
from jineng.people.models import LedgerEvent
from jineng.people.services import decrypt_id_number
from tests.factories import PersonFactory
from tests.live import ENVIRONMENTS


def test_issue_numbers_signs_and_records(issue, yongcheng_person, centre):
    certificate = issue()
    parsed = numbers.parse(certificate.number)
    year = certificate.issued_on.year % 100
    assert certificate.number.startswith(f"S023141411001{year:02d}4")
    assert parsed.serial >= 1 and certificate.issued_here and certificate.key_id == "test-1"
    claims = signing.verify(services.keys().public, certificate.signed_payload).claims
    assert claims["no"] == certificate.number and claims["occ"] == "6-18-02-04"
    assert claims["occ_name"] == "焊工" and claims["level"] == "4"
    assert claims["issuer"] == centre.organisation.name
    assert claims["holder"] == mask_name(yongcheng_person.name)
    assert claims["holder"] != yongcheng_person.name
    assert claims["holder_id"] == yongcheng_person.id_number_masked
    assert decrypt_id_number(yongcheng_person) not in certificate.signed_payload
    assert decrypt_id_number(yongcheng_person) not in str(claims)
    audit = AuditEntry.objects.get(object_type="certificates.certificate",
                                   object_id=str(certificate.pk))  # fmt: skip
    assert audit.action == "create" and audit.actor.username == "evaluator"
    event = LedgerEvent.objects.get(person=yongcheng_person, kind="certificate")
    assert certificate.number in event.title


def test_masked_names():
    assert mask_name("张小三") == "张*三"
    assert mask_name("李四") == "李*"
    assert mask_name("欧阳小锋") == "欧**锋"
    assert mask_name("王") == "*"


def test_each_issue_gets_the_next_serial(issue, yongcheng_person, db):

    others = PersonFactory.create_batch(2)
    serials = [numbers.parse(issue(person).number).serial for person in [yongcheng_person, *others]]
    assert serials == [serials[0], serials[0] + 1, serials[0] + 2]


def test_a_second_valid_certificate_of_the_same_kind_is_refused(issue):
    issue()
    with pytest.raises(ValidationError, match="已持有该证书"):
        issue()


def test_skill_level_certificates_need_the_codes_and_a_level(issue, centre, act):
    with act("city_reviewer"):
        institutions.set_numbering_codes(centre, register_code="", station_code="")
    with pytest.raises(ValidationError, match="尚无备案代码和站点代码"):
        issue()
    with act("city_reviewer"):
        institutions.set_numbering_codes(centre, register_code="0231", station_code="411001")
    with pytest.raises(ValidationError, match="没有 专项职业能力 这一评价等级") as refused:
        issue(level="special")
    assert "level" in refused.value.message_dict
    with pytest.raises(ValidationError, match="职业技能等级证书须注明等级") as refused:
        issue(level=None)
    assert "level" in refused.value.message_dict


def test_only_the_bureau_records_numbering_codes(centre, act):
    with (
        act("evaluator"),
        pytest.raises(PermissionDenied, match="只有人社部门可以登记评价机构的备案代码和站点代码"),
    ):
        institutions.set_numbering_codes(centre, register_code="0001", station_code="000001")


def test_other_kinds_have_their_own_numbers(issue):
    special = issue(kind=CertificateKind.SPECIAL_ABILITY, level=None, occupation="4-03-02-03")
    assert special.number.startswith(f"ZX{special.issued_on.year}")
    assert numbers.parse(special.number).kind == CertificateKind.SPECIAL_ABILITY
    completion = issue(kind=CertificateKind.TRAINING_COMPLETION, level="5")
    assert completion.number.startswith("PX")


def test_no_certificate_is_issued_in_the_future(issue):
    with pytest.raises(ValidationError, match="发证日期不能晚于今天") as refused:
        issue(days_ago=-1)
    assert "issued_on" in refused.value.message_dict


# Verification ---------------------------------------------------------------------------------


def test_round_trip_valid(issue, yongcheng_person):
    certificate = issue()
    result = services.verify_payload(certificate.signed_payload)
    assert result["valid"] is True and result["reason"] == ""
    assert result["number"] == certificate.number
    assert result["occupation"] == {"code": "6-18-02-04", "name": "焊工"}
    assert result["level"]["code"] == "4"
    assert result["issued_on"] == certificate.issued_on.isoformat()
    assert result["holder"] == mask_name(yongcheng_person.name)
    assert result["issuer"] == "商丘市职业技能等级认定评价中心"
    assert services.verify_number(certificate.number)["valid"] is True
    assert services.verify(certificate.number.lower())["valid"] is True


def test_a_tampered_payload_is_reported(issue):
    token = issue().signed_payload
    header, body, signature = token.split(".")
    import json

    claims = json.loads(signing.unb64url(body))
    claims["level"], claims["level_name"] = "1", "一级/高级技师"
    forged = f"{header}.{signing.b64url(json.dumps(claims).encode())}.{signature}"
    result = services.verify_payload(forged)
    assert result["valid"] is False and result["reason"] == "bad_signature"
    assert result["number"] == "" and result["level"]["code"] == ""  # nothing repeated


def test_an_unknown_key_is_reported(issue):
    certificate = issue()
    stranger = signing.KeySet.parse(signing=signing.new_signing_key("elsewhere"))
    claims = signing.verify(services.keys().public, certificate.signed_payload).claims
    result = services.verify_payload(signing.sign(stranger, claims))
    assert result["valid"] is False and result["reason"] == "unknown_key"
    assert result["key_id"] == "elsewhere"


def test_a_revoked_certificate_is_reported_with_reason_and_date(issue, act):
    certificate = issue()
    with act("city_reviewer"):
        services.revoke(certificate, "  替考，撤销  ")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_by.username == "city_reviewer"
    result = services.verify_payload(certificate.signed_payload)
    assert result["valid"] is False and result["reason"] == "revoked"
    assert result["revoked_reason"] == "替考，撤销"
    assert result["revoked_on"] == timezone.localdate().isoformat()
    assert result["number"] == certificate.number  # the signature held: say what it is
    assert services.verify_number(certificate.number)["reason"] == "revoked"
    update = AuditEntry.objects.get(
        object_type="certificates.certificate", object_id=str(certificate.pk), action="update"
    )
    assert update.after["status"] == "revoked" and update.actor.username == "city_reviewer"
    titles = LedgerEvent.objects.filter(person=certificate.person, kind="certificate")
    assert titles.count() == 2


def test_only_reviewers_revoke(issue, act):
    certificate = issue()
    for username in ("evaluator", "institution", "worker", "department"):
        with act(username), pytest.raises(PermissionDenied, match="只有人社部门可以撤销证书"):
            services.revoke(certificate, "no")
    with act("finance"), pytest.raises(PermissionDenied, match="只有人社部门可以撤销证书"):
        services.revoke(certificate, "read-only")
    with act("city_reviewer"):
        with pytest.raises(ValidationError, match="请填写撤销原因") as refused:
            services.revoke(certificate, "   ")
        assert "revoked_reason" in refused.value.message_dict
        services.revoke(certificate, "错误发证")
        with pytest.raises(ValidationError, match="已于 .* 撤销"):
            services.revoke(certificate, "again")


@pytest.mark.parametrize("text", ["", "   ", "not a token", "a.b.c", "x" * 100 + ".y.z"])
def test_malformed_input(text, db):
    result = services.verify_payload(text)
    assert result["valid"] is False and result["reason"] == "malformed"


def test_unknown_numbers_are_not_found(db):
    result = services.verify_number("S023141411001264999999")
    assert result["reason"] == "not_found" and result["number"] == "S023141411001264999999"
    assert services.verify_number("")["reason"] == "malformed"
    assert services.verify_number("x" * 80)["reason"] == "malformed"


def test_a_signed_payload_of_a_deleted_row_is_not_found(issue, settings):
    keys = services.keys()
    claims = signing.verify(keys.public, issue().signed_payload).claims
    claims["no"] = "S023141411001264888888"
    result = services.verify_payload(signing.sign(keys, claims))
    assert result["reason"] == "not_found"


def test_rotation_keeps_old_certificates_valid(issue, settings, yongcheng_person):
    old = issue()
    new_key = signing.new_signing_key("test-2")
    settings.CERT_RETIRED_KEYS = signing.public_of(settings.CERT_SIGNING_KEY)
    settings.CERT_SIGNING_KEY = new_key
    assert services.verify_payload(old.signed_payload)["valid"] is True
    new = issue(level="5")
    assert new.key_id == "test-2"
    assert services.verify_payload(new.signed_payload)["key_id"] == "test-2"
    assert {key["kid"] for key in services.jwks()["keys"]} == {"test-1", "test-2"}
    settings.CERT_RETIRED_KEYS = ""  # the old key dropped: its certificates no longer verify
    assert services.verify_payload(old.signed_payload)["reason"] == "unknown_key"


def test_verification_reads_one_statement_and_builds_no_model(issue, monkeypatch):
    certificate = issue()
    payload = certificate.signed_payload

    def no_model(*args, **kwargs):
        raise AssertionError("verification built a model instance")

    monkeypatch.setattr(Certificate, "__init__", no_model)
    statements = []
    if connection.vendor == "sqlite":
        connection.connection.set_trace_callback(statements.append)
    try:
        with CaptureQueriesContext(connection) as orm_queries:
            result = services.verify_payload(payload)
    finally:
        if connection.vendor == "sqlite":
            connection.connection.set_trace_callback(None)
    assert result["valid"] is True
    assert len(orm_queries) == 0  # not through the ORM nor Django's cursor
    if connection.vendor == "sqlite":
        assert len(statements) == 1 and "WHERE number = " in statements[0]
        plan = connection.connection.execute(
            "EXPLAIN QUERY PLAN " + services._status_sql("sqlite"), (certificate.number,)
        ).fetchall()
        assert "USING INDEX" in str(plan)  # the unique index on number


def test_external_certificates_are_recorded_unsigned(yongcheng_person, act):
    with act("city_reviewer"):
        certificate = services.record_external(
            yongcheng_person, kind=CertificateKind.QUALIFICATION, number=" 1941 1400 0300 9999 ",
            occupation=Occupation.objects.get(code="6-31-01-03"),
            level=SkillLevel.objects.get(code="4"), issued_on=date(2018, 5, 4),
            issuer_name="河南省职业技能鉴定指导中心",
        )  # fmt: skip
    assert certificate.number == "1941140003009999"
    assert not certificate.issued_here and certificate.signed_payload == ""
    result = services.verify_number("1941140003009999")
    assert result["valid"] is False and result["reason"] == "not_issued_here"
    assert result["issuer"] == "河南省职业技能鉴定指导中心" and result["issued_here"] is False
    with (
        act("city_reviewer"),
        pytest.raises(ValidationError, match="该编号的证书已登记") as refused,
    ):
        services.record_external(
            yongcheng_person, kind=CertificateKind.QUALIFICATION, number="1941140003009999",
            occupation=Occupation.objects.get(code="6-31-01-03"), level=None,
            issued_on=date(2018, 5, 4), issuer_name="x",
        )  # fmt: skip
    assert "number" in refused.value.message_dict


@pytest.mark.usefixtures("full_demo")
def test_the_demo_has_a_revoked_an_external_and_a_downloadable_certificate(db):
    assert Certificate.objects.filter(status="revoked").exists()
    assert Certificate.objects.filter(issued_here=False, person__user__username="worker").exists()
    mine = Certificate.objects.filter(issued_here=True, person__user__username="worker").first()
    assert mine is not None and services.verify_payload(mine.signed_payload)["valid"]
    revoked = Certificate.objects.filter(status="revoked").first()
    assert services.verify_number(revoked.number)["revoked_reason"]


def test_issue_keeps_its_signature(issue, yongcheng_person, centre):
    """The evaluation service calls issue(person, *, kind, occupation, level, evaluation_org,
    issued_on, training_class=None): keyword-only, as here."""
    import inspect

    parameters = inspect.signature(services.issue).parameters
    assert list(parameters) == ["person", "kind", "occupation", "level", "evaluation_org",
                                "issued_on", "training_class"]  # fmt: skip
    assert parameters["training_class"].default is None


def test_the_postgresql_look_up_overlaps_the_signature_check(live_url):
    """Outside a transaction (as public verifications run), PostgreSQL answers the status while
    the signature is checked: a prepared statement sent before, read after. Run on the database
    of the live server, whose demo rows are committed, as a verification's connection sees them."""
    database = ENVIRONMENTS[live_url].get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        pytest.skip("PostgreSQL only")
    import psycopg

    with psycopg.connect(database, autocommit=True) as raw:
        number, reason, revoked_on = raw.execute(
            "SELECT number, revoked_reason, revoked_on FROM certificates_certificate"
            " WHERE status = 'revoked' ORDER BY id LIMIT 1"
        ).fetchone()
        look_up = services._PostgresStatus(raw)
        assert look_up.send(number)
        status, answered_on, answered_reason, issued_here = look_up.receive()
        assert status == "revoked" and answered_reason == reason and issued_here is True
        assert answered_on == revoked_on.isoformat()
        assert look_up.send("S023141411001264999999") and look_up.receive() is None
        raw.execute("DEALLOCATE ALL")  # the statement vanished: an error, then prepared again
        assert look_up.send(number)
        with pytest.raises(ValueError):
            look_up.receive()
        assert look_up.send(number) and look_up.receive()[0] == "revoked"
        raw.execute("BEGIN")
        assert not look_up.send(number)  # never inside a transaction
        raw.execute("ROLLBACK")


def test_no_postgresql_look_up_inside_the_test_transaction(db):
    """The look-up runs only outside a transaction: inside one (the test's) it is not sent."""
    assert services._status_sender("S023141411001264000001") is None
