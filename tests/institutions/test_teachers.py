"""Teachers (师资库) and the rules of 000 §三(七), vocational colleges and 000 §二(二),
annual inspections; a breach shows on the institution's page and blocks renewing the
designation; one institution never sees another's teachers."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jineng.core import audit
from jineng.institutions import services
from jineng.institutions.models import Institution, Teacher
from jineng.people.models import Person

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def institution(name: str) -> Institution:
    return Institution.objects.get(organisation__name=name)


def failed_codes(decision) -> set[str]:
    return {check.code for check in decision.checks if not check.passed}


def test_demo_has_one_institution_in_breach():
    """000 §三(七): full-time teachers at least 1/3 of a private institution's teachers."""
    breach = services.teacher_rules(institution("梁园区启航职业培训学校"), YEAR)
    assert breach.outcome == "refused" and failed_codes(breach)
    for name in ("商丘市鸿鹄职业技能培训学校", "永城市技工学校"):
        assert services.teacher_rules(institution(name), YEAR).outcome == "granted", name


def test_a_part_time_teacher_at_a_fourth_institution_breaks_the_rule(users):
    """000 §三(七): a part-time teacher teaches at no more than 3 institutions in a year."""
    shared = Teacher.objects.filter(engagements__year=YEAR).order_by("pk").first()
    fourth = institution("民权县巧手家政职业培训学校")
    with audit.audit_context(actor=users["city_reviewer"]):
        services.engage(shared, fourth, year=YEAR, full_time=False)
    decision = services.teacher_rules(fourth, YEAR)
    assert decision.outcome == "refused"
    evidence = " ".join(str(c.evidence) for c in decision.checks if not c.passed)
    assert f"T{shared.pk}" in evidence  # the teacher's key, never a name or ID number


def renew_after_it_ends(school: Institution, reviewer):
    """Designate the school again for the year after its designation ends."""
    held = school.designations.order_by("-valid_to").first()
    after = held.valid_to.year + 1
    with audit.audit_context(actor=reviewer):
        return services.designate(
            school,
            held.occupation,
            held.level,
            valid_from=date(after, 1, 1),
            valid_to=date(after, 12, 31),
        )


def test_a_breach_blocks_renewing_the_designation(users):
    with pytest.raises(ValidationError, match="师资不符合规定，不能续认定点"):
        renew_after_it_ends(institution("梁园区启航职业培训学校"), users["county_reviewer"])
    renewed = renew_after_it_ends(institution("商丘市鸿鹄职业技能培训学校"), users["city_reviewer"])
    assert renewed.valid_from == date(YEAR + 2, 1, 1)


def test_the_breach_shows_on_the_institutions_page(login):
    school = institution("梁园区启航职业培训学校")
    body = login("county_reviewer").get(f"/institutions/{school.pk}/").content.decode()
    assert 'id="teacher-rules"' in body and "list-group-item-danger" in body


def test_the_rule_box_says_why_its_rules_are_assumed_in_the_readers_language(login):
    """000 §三(七) is an unnamed city's plan (XX市): Shangqiu's pack assumes its teacher rules,
    and the institution's rule box gives the pack's note in Chinese, or in English."""
    school = institution("梁园区启航职业培训学校")
    note_zh = "取自参考政策文件 000（XX市工作方案，未注明具体城市），并非商丘市文件"
    note = "From seed 000, the work plan of an unnamed city (XX市), not a Shangqiu document"
    client = login("county_reviewer")
    page = client.get(f"/institutions/{school.pk}/").content.decode()
    box = page.split('id="teacher-rules"')[1].split("</ul>")[0]
    assert note_zh in box and note not in box
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/institutions/{school.pk}/").content.decode()
    box = english.split('id="teacher-rules"')[1].split("</ul>")[0]
    assert note in box and note_zh not in box


def test_a_teacher_is_full_time_at_one_institution_only(users):
    teacher = Teacher.objects.filter(engagements__full_time=True, engagements__year=YEAR).first()
    other = institution("民权县巧手家政职业培训学校")
    with (
        audit.audit_context(actor=users["city_reviewer"]),
        pytest.raises(ValidationError, match="一名教师一年内最多在一个机构专职任教"),
    ):
        services.engage(teacher, other, year=YEAR, full_time=True)


def test_college_training_status():
    """000 §二(二): training person-times at least 50% of enrolled students."""
    college = institution("永城市技工学校")
    assert services.college_status(college, YEAR).outcome == "granted"
    with audit.system_context("test"):
        services.record_year(college, year=YEAR, enrolled_students=1000, training_person_times=499)
    assert services.college_status(college, YEAR).outcome == "refused"


def test_annual_inspection_once_a_year(users):
    school = institution("永城市技工学校")
    with audit.audit_context(actor=users["city_reviewer"]):
        services.record_inspection(
            school, year=YEAR - 1, inspected_on=date(YEAR - 1, 11, 1), result="passed"
        )
        with pytest.raises(ValidationError, match="该年度的年检已有记录"):
            services.record_inspection(
                school, year=YEAR - 1, inspected_on=date(YEAR - 1, 11, 2), result="failed"
            )


def test_one_institution_never_sees_anothers_teachers(login):
    mine = institution("商丘市鸿鹄职业技能培训学校")
    theirs = institution("梁园区启航职业培训学校")
    client = login("institution")
    page = client.get(f"/institutions/{mine.pk}/").content.decode()
    only_theirs = Person.objects.filter(teacher__engagements__institution=theirs).exclude(
        teacher__engagements__institution=mine
    )
    assert only_theirs.exists()
    for person in only_theirs:
        assert person.id_number_masked not in page
    assert client.get(f"/institutions/{theirs.pk}/").status_code == 404


def test_the_teachers_api_follows_the_scope(login):
    mine = institution("商丘市鸿鹄职业技能培训学校")
    client = login("institution")
    rows = client.get("/api/v1/teachers/?limit=200").json()["results"]
    assert rows and {row["institution"] for row in rows} == {mine.organisation.name}
    theirs = institution("梁园区启航职业培训学校").engagements.first()
    assert client.get(f"/api/v1/teachers/{theirs.pk}/").status_code == 404
    assert login("county_reviewer").get(f"/api/v1/teachers/{theirs.pk}/").status_code == 200
