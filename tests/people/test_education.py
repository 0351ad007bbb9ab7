"""Education records (学历) in the registry, for 002 §四(二)1: 中等职业学校毕业生可直接参加
中级工评价，高等职业学校、本科院校应用型专业毕业生可参加高级工评价. The bureau records a
graduation it has seen the diploma of (service, person page, import kind), checked and on the
ledger; the API shows it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from jineng.core import audit
from jineng.core.imports import ImportOptions, run_import
from jineng.core.models import AuditEntry, Organisation
from jineng.people import services
from jineng.people.imports import EDUCATION
from jineng.people.models import EducationRecord, LedgerEvent, SchoolKind
from jineng.policy.codes import SchoolKind as PolicySchoolKind
from tests.factories import PersonFactory
from tests.tampered import refused

pytestmark = pytest.mark.django_db

DIPLOMA = {
    "school_kind": "secondary_vocational",
    "school": "商丘市第一中等职业学校",
    "major": "焊接技术应用",
    "graduated_on": date(2025, 6, 30),
    "evidence": "中等职业学校毕业证书 编号41140120250001",
}


def test_the_kinds_of_school_are_the_packs_codes():
    """The registry's kinds of school are the codes the packs' entry levels name."""
    assert set(SchoolKind.values) == {kind.value for kind in PolicySchoolKind}


def test_the_bureau_records_a_graduation_002_section_4_2_1(act):
    """002 §四(二)1: the graduation is recorded with its evidence, audited, on the ledger; the
    same record again is "unchanged"."""
    person = PersonFactory()
    with act("county_reviewer"):
        record, outcome = services.add_education(person, source="test", **DIPLOMA)
        again, second = services.add_education(person, source="test", **DIPLOMA)
    assert (outcome, second, again.pk) == ("created", "unchanged", record.pk)
    assert record.get_school_kind_display() == "中等职业学校（中专、职业高中）"
    event = LedgerEvent.objects.get(person=person, kind="education")
    assert "商丘市第一中等职业学校" in event.title and "2025-06-30" in event.title
    assert AuditEntry.objects.filter(
        object_type="people.educationrecord", object_id=str(record.pk), action="create"
    ).exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"graduated_on": None}, "graduated_on", "毕业日期"),
        ({"school_kind": "kindergarten"}, "school_kind", "院校类别"),
        ({"school": "   "}, "school", "毕业院校"),
        ({"major": ""}, "major", "所学专业"),
        ({"evidence": ""}, "evidence", "毕业证书"),
        ({"school": "校" * 201}, "school", "200"),
        ({"graduated_on": date(1949, 12, 31)}, "graduated_on", "1950-01-01"),
    ],
)
def test_an_incomplete_record_is_refused_by_its_field(act, change, field, words):
    person = PersonFactory()
    with act("county_reviewer"), pytest.raises(ValidationError, match=words) as problem:
        services.add_education(person, **(DIPLOMA | change))
    assert field in problem.value.message_dict
    assert not EducationRecord.objects.filter(person=person).exists()


def test_a_graduation_in_the_future_or_in_childhood_is_refused(act):
    """Graduation not in the future (record it once the person has graduated), and not before
    the person was 14."""
    person = PersonFactory()  # factory people are born from 2006 on
    tomorrow = timezone.localdate() + timedelta(days=1)
    with act("county_reviewer"), pytest.raises(ValidationError, match="毕业后再登记"):
        services.add_education(person, **(DIPLOMA | {"graduated_on": tomorrow}))
    too_young = person.birth_date + timedelta(days=365 * 10)
    with act("county_reviewer"), pytest.raises(ValidationError, match="尚未满14周岁"):
        services.add_education(person, **(DIPLOMA | {"graduated_on": too_young}))
    assert not EducationRecord.objects.filter(person=person).exists()


def test_another_record_of_the_same_graduation_is_refused_until_the_wrong_one_is_removed(act):
    person = PersonFactory()
    with act("county_reviewer"):
        record, _ = services.add_education(person, **DIPLOMA)
    corrected = DIPLOMA | {"major": "机电技术应用"}
    with act("county_reviewer"), pytest.raises(ValidationError, match="请先删除原记录"):
        services.add_education(person, **corrected)
    with act("county_reviewer"), pytest.raises(ValidationError, match="请填写理由"):
        services.remove_education(record, " ")
    with act("county_reviewer"):
        services.remove_education(record, "专业登记错误")
        services.add_education(person, **corrected)
    assert list(person.education.values_list("major", flat=True)) == ["机电技术应用"]
    titles = list(LedgerEvent.objects.filter(person=person, kind="education").values_list(
        "title", flat=True
    ))  # fmt: skip
    assert any("专业登记错误" in title for title in titles) and len(titles) == 3


def test_only_the_bureau_of_the_person_records_their_education(act):
    """Fail closed: an institution's staff may not (the bureau has seen the diploma); a reviewer
    only for the persons of their region; nobody signed in, nothing."""
    person = PersonFactory(bureau="411481")  # 永城市
    with act("institution"), pytest.raises(PermissionDenied, match="由人社部门核验毕业证书后登记"):
        services.add_education(person, **DIPLOMA)
    with act("county_reviewer"), pytest.raises(PermissionDenied, match="不在您的管理范围内"):
        services.add_education(person, **DIPLOMA)  # 梁园区's reviewer
    with pytest.raises(PermissionDenied, match="请先登录"):
        services.add_education(person, **DIPLOMA)
    assert not EducationRecord.objects.filter(person=person).exists()


# --- the person page --------------------------------------------------------------------------


def test_the_person_page_records_and_shows_a_graduation_002_section_4_2_1(login):
    """002 §四(二)1: the reviewer records the graduation on the person's page; it is shown there
    and on the ledger; the institution's staff see no form."""
    person = PersonFactory()
    client = login("county_reviewer")
    url = reverse("people:detail", args=[person.pk])
    page = client.get(url).content.decode()
    assert 'id="education-form"' in page and "登记学历" in page
    posted = client.post(
        reverse("people:education", args=[person.pk]),
        {**DIPLOMA, "graduated_on": "2025-06-30"},
        follow=True,
    )
    html = posted.content.decode()
    assert posted.redirect_chain[-1][0] == url
    assert "已登记商丘市第一中等职业学校" in html
    assert "焊接技术应用" in html and "中等职业学校（中专、职业高中）" in html
    assert person.education.count() == 1
    assert login("institution").get(url).status_code == 404  # not on a roster of theirs


def test_a_wrong_graduation_is_shown_again_with_its_reason(login):
    person = PersonFactory()
    client = login("county_reviewer")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    answer = client.post(
        reverse("people:education", args=[person.pk]), {**DIPLOMA, "graduated_on": tomorrow}
    )
    refused(answer, "The graduation date is in the future: record it once the person has "
                    "graduated.")  # fmt: skip
    assert "商丘市第一中等职业学校" in answer.content.decode()  # what was typed stays
    refused(client.post(reverse("people:education", args=[person.pk]), {**DIPLOMA,
            "graduated_on": "2025-02-30"}))  # fmt: skip
    assert not person.education.exists()


def test_tampered_values_on_the_education_forms_are_answered(login):
    person = PersonFactory()
    client = login("county_reviewer")
    for value in ("abc", "-1", "99999999999999999999999", ""):
        refused(
            client.post(reverse("people:education", args=[person.pk]),
                        {**DIPLOMA, "school_kind": value})
        )  # fmt: skip
        answer = client.post(
            reverse("people:education-remove", args=[person.pk]),
            {"record": value, "reason": "x"}, follow=True,
        )  # fmt: skip
        refused(answer)
    beyond = {"record": "2147483647", "reason": "x"}
    remove = reverse("people:education-remove", args=[person.pk])
    assert client.post(remove, beyond).status_code == 404


def test_the_removal_form_on_the_page(login, act):
    person = PersonFactory()
    with act("county_reviewer"):
        record, _ = services.add_education(person, **DIPLOMA)
    client = login("county_reviewer")
    answer = client.post(
        reverse("people:education-remove", args=[person.pk]),
        {"record": record.pk, "reason": "毕业证书系伪造"},
        follow=True,
    )
    assert "学历记录已删除" in answer.content.decode()
    assert not person.education.exists()
    assert login("finance").post(
        reverse("people:education-remove", args=[person.pk]), {"record": 1, "reason": "x"}
    ).status_code == 404  # fmt: skip


def test_the_api_shows_the_education_of_a_person(login, act):
    person = PersonFactory()
    with act("county_reviewer"):
        services.add_education(person, **DIPLOMA)
    body = login("county_reviewer").get(f"/api/v1/people/{person.pk}/").json()
    (shown,) = body["education"]
    assert shown["school_kind"] == "secondary_vocational" and shown["graduated_on"] == "2025-06-30"
    assert shown["major"] == "焊接技术应用"


# --- the import kind --------------------------------------------------------------------------


def test_graduates_are_imported_from_a_schools_list_002_section_4_2_1():
    """A school's list of graduates (毕业生名单) through the import pipeline: kinds written as
    people write them (中专, 高职), a person of another bureau refused, the same file twice
    unchanged."""
    mine, other = PersonFactory(), PersonFactory(bureau="411481")
    numbers = [services.decrypt_id_number(p) for p in (mine, other)]
    rows = [
        "身份证号码,学校类别,毕业院校,专业,毕业日期,毕业证书编号",
        f"{numbers[0]},中专,商丘市第一中等职业学校,焊接技术应用,2025-06-30,A001",
        f"{numbers[0]},高职,商丘职业技术学院,智能焊接技术,2025-07-01,B002",
        f"{numbers[1]},中专,永城市职业中专,焊接技术应用,2025-06-30,C003",
        f"{numbers[0]},幼儿园,某幼儿园,—,2025-06-30,D004",
    ]
    data = "\n".join(rows).encode()
    liangyuan = Organisation.objects.get(code="411402")
    options = ImportOptions(context={"organisation": liangyuan})
    with audit.system_context("test"):
        report = run_import(EDUCATION, data, "graduates.csv", options=options)
        again = run_import(EDUCATION, data, "graduates.csv", options=options)
    assert report.counts["created"] == 2 and again.counts["unchanged"] == 2
    assert {r.row for r in report.rejected} == {4, 5}
    kinds = set(mine.education.values_list("school_kind", flat=True))
    assert kinds == {"secondary_vocational", "higher_vocational"}
    assert not other.education.exists()
