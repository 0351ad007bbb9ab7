"""004 §二: 城乡未继续升学的应届初高中毕业生 count only in the year they left school, as 毕业年度
高校毕业生 count only in their graduation year: the category record needs that year (registration,
roster import, class roster import), is valid from 1 January to 31 December of it, and the
roster and the claim decide a class on the day the pack names (eligibility.category_date)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from jineng.catalog.packs import decision_of
from jineng.claims import services as claims
from jineng.core import audit
from jineng.core.imports import ImportOptions, run_import
from jineng.core.models import Organisation
from jineng.institutions import services as institutions
from jineng.people import services as people
from jineng.people.imports import ROSTER
from jineng.people.models import CategoryRecord, Person
from jineng.training import services as training
from jineng.training.imports import ENROLLMENTS
from jineng.training.models import ClassState, EnrollmentState, TrainingClass
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
NEEDS_YEAR = "应届初高中毕业生须填写毕业年份"
LEAVER = "城乡未继续升学的应届初高中毕业生"


def id_number(body: str) -> str:
    return body + people.identity.gb11643_check_character(body)


def leaver_of(year: int) -> Person:
    person = PersonFactory()
    with audit.system_context("test"):
        people.add_category(person, "school_leaver", valid_from=date(2020, 1, 1),
                            graduation_year=year)  # fmt: skip
    return person


def category_check(record) -> tuple[bool, str]:
    """The engine's category check of a stored decision: passed, and its words (zh)."""
    found = [c for c in decision_of(record).checks if c.code == "training.category"]
    assert len(found) == 1
    return found[0].passed, found[0].message_zh


def completed(training_class: TrainingClass) -> TrainingClass:
    """The class as it stands once run and completed (only the claim's reading matters here)."""
    TrainingClass.objects.filter(pk=training_class.pk).update(state=ClassState.COMPLETED)
    training_class.enrollments.update(state=EnrollmentState.COMPLETED, assessment_passed=True)
    training_class.refresh_from_db()
    return training_class


def test_a_school_leaver_counts_only_in_the_year_they_left_school():
    """004 §二: 应届初高中毕业生, the year's dates whatever was typed; without the year refused."""
    record = leaver_of(2026).categories.get()
    assert (record.valid_from, record.valid_to) == (date(2026, 1, 1), date(2026, 12, 31))
    assert record.is_valid_on(date(2026, 12, 31)) and not record.is_valid_on(date(2027, 1, 1))
    assert not record.is_valid_on(date(2025, 12, 31))
    with audit.system_context("test"), pytest.raises(ValidationError, match=NEEDS_YEAR) as refused:
        people.add_category(PersonFactory(), "school_leaver", valid_from=date(2026, 1, 1))
    assert "graduation_year" in refused.value.message_dict


def test_the_graduate_rule_is_unchanged():
    """004 §二: 毕业年度高校毕业生 still count in the graduation year only, with their message."""
    person = PersonFactory()
    with audit.system_context("test"):
        record = people.add_category(person, "graduate", valid_from=date(2020, 3, 1),
                                     graduation_year=2025)  # fmt: skip
        with pytest.raises(ValidationError, match="高校毕业生须填写毕业年份"):
            people.add_category(person, "graduate", valid_from=date(2025, 1, 1))
    assert (record.valid_from, record.valid_to) == (date(2025, 1, 1), date(2025, 12, 31))


def test_a_school_leaver_of_2026_counts_for_a_2026_class_not_a_2027_one(
    make_class, act, institution
):
    """004 §二: the roster and the claim give the same answer on the class's first day (the
    packs' eligibility.category_date), the 2027 class refused in plain words."""
    leaver = leaver_of(2026)
    with act("institution"):  # the 2027 class needs teachers engaged for 2027
        for engagement in institution.engagements.filter(year=2026):
            institutions.engage(engagement.teacher, institution, year=2027,
                                full_time=engagement.full_time)  # fmt: skip
    this_year = make_class(date(2026, 6, 1), people=0)
    next_year = make_class(date(2027, 3, 1), people=0, level="4")  # not the same training
    with act("institution"):
        counted = training.enrol(this_year, leaver)
        too_late = training.enrol(next_year, leaver)
    assert counted.eligible and not too_late.eligible
    passed, reason = category_check(too_late.eligibility)
    assert not passed and "人员类别（无）" in reason

    for training_class, enrollment in ((this_year, counted), (next_year, too_late)):
        with act("institution"):
            claim = claims.create_training_claim(completed(training_class))
        line = claim.lines.get(person=leaver)
        assert category_check(line.decision) == category_check(enrollment.eligibility)
    assert reason in claims.line_reasons(claim.lines.get(person=leaver))


def roster_import(rows: str):
    liangyuan = Organisation.objects.get(code="411402")
    with audit.system_context("test"):
        return run_import(ROSTER, f"姓名,身份证号码,人员类别,毕业年份\n{rows}".encode(), "r.csv",
                          options=ImportOptions(context={"organisation": liangyuan}))  # fmt: skip


def test_the_roster_import_refuses_a_school_leaver_without_the_year():
    """004 §二: the row is rejected with the message; with the year it counts in that year."""
    without, with_year = id_number("41140220080506123"), id_number("41140220080506131")
    report = roster_import(f"甲,{without},{LEAVER},\n乙,{with_year},school_leaver,2026\n")
    assert [r.message for r in report.rejected] == [NEEDS_YEAR + "（离校的年份）。"]
    assert people.find_by_id_number(without) is None
    record = CategoryRecord.objects.get(person=people.find_by_id_number(with_year))
    assert (record.valid_from, record.valid_to) == (date(2026, 1, 1), date(2026, 12, 31))


def test_the_class_roster_import_refuses_a_school_leaver_without_the_year(make_class, users, act):
    """004 §二: a trainee new to the registry, registered from the class roster."""
    training_class = make_class(people=0)
    number = id_number("41140220080506158")
    data = f"姓名,身份证号码,人员类别,毕业年份\n丙,{number},{LEAVER},\n".encode()
    options = ImportOptions(context={"user": users["institution"], "target": training_class.pk,
                                     "source": "test"})  # fmt: skip
    with act("institution"):
        report = run_import(ENROLLMENTS, data, "roster.csv", options=options)
    assert [r.message for r in report.rejected] == [NEEDS_YEAR + "（离校的年份）。"]
    assert people.find_by_id_number(number) is None and not training_class.enrollments.exists()
