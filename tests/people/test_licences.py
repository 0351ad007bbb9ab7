"""Practising licences (从业资格) in the registry, 004 §五(一): 对保安员、电工、焊工等有从业资格要求
的职业(工种),…对已取得从业资格的符合条件劳动者开展补贴性职业技能培训. The registry records the
licence a person holds (type, number, validity, evidence); the number is personal data:
encrypted at rest, found through a keyed hash, masked on screen, never logged."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from jineng.core import crypto
from jineng.core.imports import ImportOptions, run_import
from jineng.core.models import AuditEntry
from jineng.people import services
from jineng.people.imports import LICENCES
from jineng.people.models import LedgerEvent, LicenceRecord, LicenceType
from jineng.policy.codes import LicenceType as LicenceCode
from tests.factories import PersonFactory
from tests.tampered import ABSURD, refused

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NUMBER = "T41140220060101001X"  # a factory-style number no demo person has


def add(person, who="county_reviewer", **values):
    from tests.actors import act

    values = {"licence_type": "welding_work", "number": NUMBER,
              "valid_from": date(2024, 3, 1), "valid_to": date(2030, 2, 28),
              "issued_by": "商丘市应急管理局", "evidence": "证书原件"} | values  # fmt: skip
    with act(who):
        return services.add_licence(person, **values)


def test_the_registry_knows_the_licences_the_packs_name():
    """004 §五(一): the registry's licence types are the codes the packs use, one for one."""
    assert set(LicenceType.values) == set(LicenceCode)


def test_a_licence_is_stored_encrypted_hashed_and_masked(act):
    """004 §五(一): the licence with its evidence; the number never in clear in the database,
    the audit log or the ledger."""
    person = PersonFactory()
    record = add(person, number=" t41140220060101001x ")  # as typed: spaces, lower case
    assert record.number_masked == "T411***********001X"
    assert crypto.decrypt(record.number_cipher, "licence_number") == NUMBER
    assert record.number_hash == services.licence_hash("welding_work", NUMBER)
    assert services.find_licence("welding_work", NUMBER).get() == record
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_licencerecord WHERE id = %s", [record.pk])
        row = cursor.fetchone()
    assert not any(
        NUMBER in str(value) for value in row if not isinstance(value, bytes | memoryview)
    )
    assert all(NUMBER.encode() not in bytes(v) for v in row if isinstance(v, bytes | memoryview))
    entries = AuditEntry.objects.filter(
        object_type="people.licencerecord", object_id=str(record.pk)
    )
    assert entries.exists() and all(NUMBER not in str(e.__dict__) for e in entries)
    event = LedgerEvent.objects.get(person=person, kind="licence")
    assert event.title == "特种作业操作证（焊接与热切割作业） T411***********001X"
    assert NUMBER not in str(event.detail) and event.detail["to"] == "2030-02-28"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"valid_to": date(2024, 2, 1)}, "valid_to", "从业资格证的有效期止不能早于起始日期"),
        ({"valid_from": TODAY + timedelta(days=1)}, "valid_from", "不能晚于今天"),
        ({"number": "电工证"}, "number", "证书编号由4至40位字母、数字或连字符组成"),
        ({"licence_type": "driving"}, "licence_type", "请从列表中选择从业资格证"),
    ],
)
def test_bad_licences_are_refused_with_a_message(values, field, message):
    """004 §五(一): a licence that ends before it starts, starts in the future, has no proper
    number or type is refused, naming the field and never repeating the number."""
    person = PersonFactory()
    with pytest.raises(ValidationError, match=message) as refusal:
        add(person, **values)
    assert field in refusal.value.message_dict
    assert NUMBER not in str(refusal.value) and not person.licences.exists()


def test_a_number_belongs_to_one_person_and_is_recorded_once(act):
    """004 §五(一): the same licence number of the same type for a second person is refused
    (naming the bureau, not the person); the same licence from the same day twice too; a
    renewal (复审) from a later day is a new record."""
    person, other = PersonFactory(), PersonFactory()
    add(person)
    with pytest.raises(ValidationError, match="已登记在其他人员名下") as refusal:
        add(other)
    assert "梁园区" in str(refusal.value) and person.name not in str(refusal.value)
    with pytest.raises(ValidationError, match="该从业资格证已登记，起始日期为2024-03-01"):
        add(person)
    add(person, valid_from=date(2027, 3, 1) if date(2027, 3, 1) <= TODAY else TODAY)
    assert person.licences.count() == 2 and not other.licences.exists()


def test_who_may_record_a_licence(users):
    """004 §五(一): the bureau records the licences of its own people (at the counter); a
    worker may not, an institution's staff only of people they see (none: the registry is
    the bureau's), another county's reviewer sees no such person, the system may."""
    person = PersonFactory(bureau="411402")
    with pytest.raises(PermissionDenied, match="无权登记从业资格"):
        add(person, who="worker")
    for who in ("institution", "county_reviewer"):
        stranger = PersonFactory(bureau="411481")
        with pytest.raises(ValidationError, match="实名制库中没有此人"):
            add(stranger, who=who)
    assert add(person, who=None).source == ""
    assert LicenceRecord.objects.filter(person=person).count() == 1


def test_the_bureau_ends_or_corrects_a_licence(act):
    """004 §五(一): a revoked or mistyped licence is ended or corrected by the bureau only,
    with the evidence, on the ledger."""
    person = PersonFactory()
    record = add(person)
    with act("institution"), pytest.raises(PermissionDenied, match="只有人社部门"):
        services.change_licence(record, valid_from=record.valid_from, valid_to=TODAY)
    with act("county_reviewer"):
        with pytest.raises(ValidationError, match="有效期止不能早于起始日期") as refusal:
            services.change_licence(record, valid_from=date(2024, 3, 1),
                                    valid_to=date(2024, 1, 1))  # fmt: skip
        assert "valid_to" in refusal.value.message_dict
        services.change_licence(record, valid_from=date(2024, 3, 1),
                                valid_to=date(2025, 5, 31), evidence="吊销决定书")  # fmt: skip
    record.refresh_from_db()
    assert (record.valid_to, record.evidence) == (date(2025, 5, 31), "吊销决定书")
    assert person.ledger.filter(kind="licence", title__contains="已变更：有效期").exists()


# --- the person page ---------------------------------------------------------------------------


def test_the_person_page_records_and_shows_a_licence(login):
    """004 §五(一): the reviewer records the licence shown at the counter on the person's
    page; the page lists it with the number masked, and the ledger has it."""
    person = PersonFactory(bureau="411402")
    client = login("county_reviewer")
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "登记从业资格证" in page and 'id="licence-form"' in page
    response = client.post(
        f"/people/{person.pk}/licences/",
        {"licence_type": "electrical_work", "number": "A1234567890",
         "issued_by": "商丘市应急管理局", "valid_from": "2024-05-01", "valid_to": "2030-04-30",
         "evidence": "证书原件"},
        follow=True,
    )  # fmt: skip
    content = response.content.decode()
    assert response.status_code == 200
    assert "特种作业操作证（电工作业）" in content and "A1*******90" in content
    assert "A1234567890" not in content and "已为" in content
    record = person.licences.get()
    assert record.source == "person page" and record.issued_by == "商丘市应急管理局"
    assert client.get(f"/api/v1/people/{person.pk}/").json()["licences"] == [
        {"id": record.pk, "licence_type": "electrical_work", "name": "特种作业操作证（电工作业）",
         "number_masked": "A1*******90", "issued_by": "商丘市应急管理局",
         "valid_from": "2024-05-01", "valid_to": "2030-04-30", "evidence": "证书原件"}
    ]  # fmt: skip


def test_the_page_shows_the_form_again_with_the_refusal(login):
    """004 §五(一): a refused licence comes back on the page with the reason under its field,
    in the reader's language, and nothing is stored."""
    person = PersonFactory(bureau="411402")
    client = login("county_reviewer")
    values = {"licence_type": "security_guard", "number": "HN0001", "valid_from": "2024-05-01",
              "valid_to": "2024-04-01"}  # fmt: skip
    response = client.post(f"/people/{person.pk}/licences/", values)
    assert response.status_code == 200
    assert "终止日期早于开始日期" in response.content.decode()
    assert not person.licences.exists()
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.post(
        f"/people/{person.pk}/licences/", values | {"number": "x", "valid_to": ""}
    )
    assert "A licence number has 4 to 40 letters, digits or hyphens." in english.content.decode()


def test_only_those_who_keep_the_registry_see_the_form(login):
    """004 §五(一): the form is the bureau's; a worker gets no form and cannot post one."""
    person = PersonFactory(bureau="411402")
    finance = login("finance")
    assert 'id="licence-form"' not in finance.get(f"/people/{person.pk}/").content.decode()
    assert finance.post(f"/people/{person.pk}/licences/", {}).status_code == 404
    assert not person.licences.exists()


def test_tampered_licence_posts_are_answered_with_a_message(login):
    """004 §五(一): absurd values in every field: a message, never a server error."""
    person = PersonFactory(bureau="411402")
    client = login("county_reviewer")
    fields = ("licence_type", "number", "valid_from", "valid_to", "issued_by", "evidence")
    good = {"licence_type": "security_guard", "number": "HN000123", "valid_from": "2024-05-01"}
    for field in fields:
        for value in ABSURD:
            response = client.post(f"/people/{person.pk}/licences/", good | {field: value})
            if response.status_code == 302:  # a harmless value (an empty optional field)
                person.licences.all().delete()
                continue
            refused(response)
    record = add(person, who="county_reviewer")
    for value in ABSURD:
        response = client.post(
            f"/people/{person.pk}/licences/{record.pk}/", {"valid_from": value}, follow=True
        )
        refused(response)


# --- the import ---------------------------------------------------------------------------------


def run(data: str, **context):
    from tests.actors import act

    with act("city_reviewer"):
        return run_import(LICENCES, data.encode(), "licences.csv",
                          options=ImportOptions(context=context))  # fmt: skip


def test_licences_import_keyed_and_in_the_bureaus_region(orgs):
    """004 §五(一): licences imported for the bureau's own people; a second run changes
    nothing, a new end date corrects the record; unknown people and licences are refused."""
    person, stranger = PersonFactory(bureau="411402"), PersonFactory(bureau="411481")
    number = services.decrypt_id_number(person)
    rows = (
        "身份证号码,从业资格证,证书编号,有效期起,有效期至,发证机关\n"
        f"{number},特种作业操作证（焊接与热切割作业）,T{number},2024-03-01,2030-02-28,商丘市应急管理局\n"
        f"{number},security_guard,HN000777,2023-01-05,,商丘市公安局\n"
        f"{services.decrypt_id_number(stranger)},保安员证,HN000778,2023-01-05,,\n"
        f"{number},驾驶证,D0001,2023-01-05,,\n"
    )
    report = run(rows, organisation=orgs["liangyuan"])
    assert report.counts["created"] == 2
    assert {r.row: r.message for r in report.rejected} == {
        4: "实名制库中没有此人。",
        5: "未知的从业资格证：驾驶证",
    }
    assert all(number not in r.message for r in report.rejected)
    assert sorted(person.licences.values_list("licence_type", flat=True)) == [
        "security_guard", "welding_work",
    ]  # fmt: skip
    again = run(rows, organisation=orgs["liangyuan"])
    assert (again.counts["created"], again.counts["unchanged"]) == (0, 2)
    corrected = run(rows.replace("2030-02-28", "2029-02-28"), organisation=orgs["liangyuan"])
    assert corrected.counts["updated"] == 1
    assert person.licences.get(licence_type="welding_work").valid_to == date(2029, 2, 28)
