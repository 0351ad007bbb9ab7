"""The year's timetable on the bureau's to-do card (004 §四; the performance report 004 §五(五)):
each date from four weeks before it until it is done or past, with what is done so far, for the
city bureau (plan, lists, report) or every reviewer and payer (training, payment).

The demo region (商丘) has Shangqiu's pack, whose dates are assumed from 004 §四."""

import re
from datetime import date

import pytest
from django.utils import timezone

from jineng.catalog.models import Occupation, SkillLevel
from jineng.core import todo
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.institutions import services as institutions
from jineng.institutions.models import EvaluationOrg, Institution, InstitutionState
from jineng.training.models import ClassState, TrainingClass
from tests.actors import act
from tests.clock import on_day
from tests.factories import (
    ClaimFactory,
    InstitutionFactory,
    OrganisationFactory,
    TrainingClassFactory,
)

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year

PLAN = "制定本年度培训工作方案并报省人社厅"
INSTITUTIONS = "向社会公布承担培训任务的机构"
EVALUATION_ORGS = "向社会公布考核评价机构"
TRAINING = "完成本年度培训任务"
PAYMENT = "资金支付期结束前拨付补贴"
REPORT = "将绩效评估情况报省人社厅"


def new_evaluation_org() -> EvaluationOrg:
    """An evaluation organisation of 商丘 with a filed occupation, on no list yet."""
    organisation = OrganisationFactory(kind=OrgKind.EVALUATION_ORG, name="商丘市测试技能评价站")
    with act(None):
        org = institutions.register_evaluation_org(organisation, type="social")
        institutions.file_occupation(
            org, Occupation.objects.get(code="6-18-02-04"), SkillLevel.objects.get(code="5")
        )
    return org


def deadlines(user, day: date) -> dict:
    """{label: item} of the user's timetable items on the day."""
    with on_day(day):
        return {item.label: item for item in todo.items_for(user) if item.due is not None}


def unlisted_institutions(year: int) -> int:
    """Designated institutions of 商丘 with a designation in the year, not on its list."""
    city = Organisation.objects.get(code="411400")
    return (
        Institution.objects.filter(
            state=InstitutionState.DESIGNATED,
            organisation__path__startswith=city.path,
            designations__valid_from__lte=date(year, 12, 31),
            designations__valid_to__gte=date(year, 1, 1),
        )
        .exclude(listings__year=year)
        .distinct()
        .count()
    )


def test_the_plan_is_due_by_30_april_004_section_4_1(users):
    """004 §四(一) 各市4月底前将培训工作方案…报省: shown to the city's reviewer from 2 April (four
    weeks before) to 30 April, with the catalogues of the plan entered so far; not before,
    not after, and never to a county's reviewer (the plan is the city's)."""
    reviewer = users["city_reviewer"]
    item = deadlines(reviewer, date(YEAR, 4, 10))[PLAN]
    assert item.due == date(YEAR, 4, 30)
    assert item.cite == "依据 004 §四(一)，假定值"  # Shangqiu borrows 004's date
    assert not item.show_count
    assert f"{YEAR}年度已录入：补贴标准" in item.note
    assert PLAN in deadlines(reviewer, date(YEAR, 4, 2))
    assert PLAN in deadlines(reviewer, date(YEAR, 4, 30))
    assert PLAN not in deadlines(reviewer, date(YEAR, 4, 1))
    assert PLAN not in deadlines(reviewer, date(YEAR, 5, 1))
    assert PLAN not in deadlines(users["county_reviewer"], date(YEAR, 4, 10))
    assert PLAN not in deadlines(users["institution"], date(YEAR, 4, 10))


def test_the_institution_list_is_due_by_15_may_until_every_one_is_listed_004_section_4_2(
    users,
):
    """004 §四(二) 5月15日前由市级人力资源社会保障部门向社会公布: the city's reviewer sees how many
    designated institutions are not on the year's list yet; once all are, the item is gone."""
    added = InstitutionFactory()  # designated this year, not listed
    reviewer = users["city_reviewer"]
    item = deadlines(reviewer, date(YEAR, 5, 1))[INSTITUTIONS]
    assert item.due == date(YEAR, 5, 15)
    assert item.count == unlisted_institutions(YEAR) >= 1
    assert item.cite == "依据 004 §四(二)，假定值"
    assert item.url == "/institutions/lists/"
    assert INSTITUTIONS not in deadlines(reviewer, date(YEAR, 4, 16))  # four weeks before: 4-17
    assert INSTITUTIONS not in deadlines(reviewer, date(YEAR, 5, 16))
    assert INSTITUTIONS not in deadlines(users["county_reviewer"], date(YEAR, 5, 1))
    waiting = Institution.objects.filter(state=InstitutionState.DESIGNATED).exclude(
        listings__year=YEAR
    )
    with on_day(date(YEAR, 5, 2)), act("city_reviewer"):
        for institution in waiting:
            if institution.designations.exists():
                institutions.list_institution_for_year(
                    institution, year=YEAR, published_on=date(YEAR, 5, 2)
                )
    assert added.listings.get(year=YEAR).published_on == date(YEAR, 5, 2)
    assert unlisted_institutions(YEAR) == 0
    assert INSTITUTIONS not in deadlines(reviewer, date(YEAR, 5, 3))  # done


def test_the_evaluation_organisation_list_is_due_by_25_may_004_section_4_4(users):
    """004 §四(四) 5月25日前向社会公布: from 27 April to 25 May, while an organisation with a
    filed occupation is not on the year's list; the note says how many are."""
    org = new_evaluation_org()
    reviewer = users["city_reviewer"]
    item = deadlines(reviewer, date(YEAR, 5, 20))[EVALUATION_ORGS]
    assert item.due == date(YEAR, 5, 25) and item.count >= 1
    assert item.cite == "依据 004 §四(四)，假定值"
    assert re.search(rf"{YEAR}年度名单已公布\d+家。|{YEAR}年度名单尚未公布。", item.note)
    assert EVALUATION_ORGS in deadlines(reviewer, date(YEAR, 4, 27))
    assert EVALUATION_ORGS not in deadlines(reviewer, date(YEAR, 4, 26))
    assert EVALUATION_ORGS not in deadlines(reviewer, date(YEAR, 5, 26))
    with on_day(date(YEAR, 5, 21)), act("city_reviewer"):
        institutions.list_for_year(org, year=YEAR, published_on=date(YEAR, 5, 21))
    after = deadlines(reviewer, date(YEAR, 5, 22)).get(EVALUATION_ORGS)
    assert after is None or after.count == item.count - 1


def test_training_is_due_by_31_august_004_section_4_3(users):
    """004 §四(三) 确保8月底前完成培训任务: every reviewer of the region sees, from 3 August, the
    classes of the year not finished yet, and how many are completed."""
    TrainingClassFactory(state="approved", start=date(YEAR, 8, 20), days=3)
    for who in ("city_reviewer", "county_reviewer"):
        assert TRAINING not in deadlines(users[who], date(YEAR, 8, 2))
    item = deadlines(users["city_reviewer"], date(YEAR, 8, 10))[TRAINING]
    unfinished = TrainingClass.objects.filter(
        start_date__year=YEAR,
        state__in=[ClassState.SUBMITTED, ClassState.APPROVED, ClassState.IN_PROGRESS],
        institution__organisation__path__startswith=users["city_reviewer"].organisation.path,
    ).exclude(source="history")
    assert item.due == date(YEAR, 8, 31) and item.count == unfinished.count() >= 1
    assert item.cite == "依据 004 §四(三)，假定值"
    assert f"{YEAR}年度已结业培训班" in item.note
    assert TRAINING not in deadlines(users["city_reviewer"], date(YEAR, 9, 1))
    assert TRAINING not in deadlines(users["institution"], date(YEAR, 8, 10))


def test_classes_planned_to_end_after_31_august_are_counted_all_year_004_section_4_3(users, login):
    """004 §四(三): the bureau's to-do list counts the year's classes (applied for, approved or
    running) planned to end after the deadline, whatever the day, with a link to them."""
    late = TrainingClassFactory(state="submitted", start=date(YEAR, 8, 29), days=5)
    assert late.end_date == date(YEAR, 9, 2)
    label = f"计划于{YEAR}-08-31后结束的培训班（004 §四(三)）"
    with on_day(date(YEAR, 6, 1)):
        items = {item.label: item for item in todo.items_for(users["city_reviewer"])}
    expected = TrainingClass.objects.filter(
        start_date__year=YEAR,
        end_date__gt=date(YEAR, 8, 31),
        state__in=[ClassState.SUBMITTED, ClassState.APPROVED, ClassState.IN_PROGRESS],
    ).exclude(source="history")
    assert items[label].count == expected.count() >= 1 and items[label].due is None
    assert f"end_from={YEAR}-09-01" in items[label].url
    listed = login("city_reviewer").get(items[label].url).content.decode()
    assert late.code in listed  # the link leads to the late classes
    assert label not in {item.label for item in todo.items_for(users["institution"])}


def test_payment_is_due_by_31_october_004_section_4_5(users):
    """004 §四(五) 做好资金支付(4月至10月): the payers see the claims still payable from 3 October
    to 31 October, with what was paid this year; finance (no PAY_CLAIMS) does not."""
    ClaimFactory(state="payable")
    item = deadlines(users["city_reviewer"], date(YEAR, 10, 20))[PAYMENT]
    assert item.due == date(YEAR, 10, 31) and item.count >= 1
    assert item.cite == "依据 004 §四(五)，假定值"
    assert f"{YEAR}年已拨付" in item.note
    assert PAYMENT not in deadlines(users["city_reviewer"], date(YEAR, 10, 2))
    assert PAYMENT not in deadlines(users["city_reviewer"], date(YEAR, 11, 1))
    assert PAYMENT not in deadlines(users["finance"], date(YEAR, 10, 20))


def test_the_performance_report_is_due_by_25_october_004_section_5_5(users):
    """004 §五(五) 各市…10月25日前将绩效评估情况报省 (in §五, not §四): the city's reviewers, from
    27 September to 25 October."""
    item = deadlines(users["city_reviewer"], date(YEAR, 10, 1))[REPORT]
    assert item.due == date(YEAR, 10, 25)
    assert item.cite == "依据 004 §五(五)，假定值"
    assert item.url.endswith("#timetable")
    assert REPORT in deadlines(users["city_reviewer"], date(YEAR, 9, 27))
    assert REPORT not in deadlines(users["city_reviewer"], date(YEAR, 9, 26))
    assert REPORT not in deadlines(users["city_reviewer"], date(YEAR, 10, 26))
    assert REPORT not in deadlines(users["county_reviewer"], date(YEAR, 10, 1))


def test_the_home_page_lists_the_deadlines_soonest_first_004_section_4(login):
    """004 §四: on 1 May the city's reviewer reads the plan is past, the institutions' list due
    by 15 May and the evaluation organisations' by 25 May, in that order, with the days left
    and the cite; in English too."""
    InstitutionFactory()
    new_evaluation_org()
    client = login("city_reviewer")
    with on_day(date(YEAR, 5, 1)):
        html = client.get("/").content.decode()
        english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = re.search(r'<ul[^>]* id="todo-deadlines">(.*?)</ul>', html, re.S)
    assert section is not None
    body = section.group(1)
    assert PLAN not in body
    assert body.index(INSTITUTIONS) < body.index(EVALUATION_ORGS)
    assert f"{YEAR}-05-15前完成：还剩14天" in body
    assert "依据 004 §四(二)，假定值" in body
    assert "年度工作时限" in html
    assert "Publish the institutions undertaking training" in english
    assert f"By {YEAR}-05-15: 14 days left" in english
    assert "per 004 §四(二), assumed" in english


def test_no_deadline_before_the_reminder_weeks(login):
    """On 1 March nothing of the timetable is due within four weeks: no deadline section."""
    client = login("city_reviewer")
    with on_day(date(YEAR, 3, 1)):
        html = client.get("/").content.decode()
    assert 'id="todo-deadlines"' not in html
