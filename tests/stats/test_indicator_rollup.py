"""The indicator rollup (IndicatorCount, issue 16 "Scale"): the indicators of 004 §五(五) and
002 §五(三) read from it equal the live count of their rows (indicator_sets, the drill-down) for
a province, city and county reader and a department, narrowed or not; a rebuild twice changes
nothing; and an employment record entered after the class ended (within 004 §四(五)'s three
months) counts after the next default rebuild, even when the measures' range (the last 40 days)
does not reach the class's end day. The dataset is test_stats.world (its docstring), in 洛阳市,
read by its own readers: the demo's rows (商丘市) are outside their scope."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from jineng.core.models import Organisation, User
from jineng.core.roles import Role
from jineng.stats import rollup, selectors
from jineng.stats.measures import EMPLOYMENT_WINDOW_DAYS, INDICATORS, NO_DATA, STAY_DAYS
from jineng.stats.models import DailyCount, IndicatorCount
from jineng.stats.tasks import rebuild_rollup
from tests.actors import act
from tests.factories import PersonFactory, TrainingClassFactory, UserFactory, bureau
from tests.stats.test_stats import (
    COUNTY,
    COUNTY_READER,
    DEPARTMENT_READER,
    END,
    OTHER_COUNTY,
    QIHANG,
    READER,
    START,
    TODAY,
    WIDE,
    employed,
    institution,
    reader,
)
from tests.stats.test_stats import world as world  # noqa: PLC0414 (the shared fixture)

pytestmark = pytest.mark.django_db

CODES = [code for code in INDICATORS if code not in NO_DATA]


def from_rollup(user, start, end, today, **narrow) -> dict:
    return {
        i["code"]: (i["numerator"], i["denominator"])
        for i in selectors.indicators(user, start, end, today=today, **narrow)
        if i["available"]
    }


def live(user, start, end, today, **narrow) -> dict:
    result = {}
    for code in CODES:
        den, num = selectors.indicator_sets(user, code, start, end, today=today, **narrow)
        result[code] = (num.count(), den.count())
    return result


def rows():
    return sorted(
        IndicatorCount.objects.values_list(
            "day", "indicator", "org_path", "county_code", "city_code", "department_id",
            "department_path", "institution_id", "numerator", "denominator",
        )
    )  # fmt: skip


def test_the_rollup_equals_the_live_count_for_every_reader(world):
    """004 §五(五), 002 §五(三): the same figures from the rollup as from counting the rows behind
    them, per reader (province, administrator, city, county, department), narrowing, period and
    `today` (retention takes classes ended at least 180 days before it: D's end day decides)."""
    with act(None):
        province = UserFactory(organisation=bureau("410000"), roles=[Role.REVIEWER])
    readers = [province] + [
        User.objects.get(username=name)
        for name in ("admin", READER, COUNTY_READER, DEPARTMENT_READER)
    ]
    d_end = world["d"].end_date
    todays = [TODAY, d_end + timedelta(days=STAY_DAYS - 1), d_end + timedelta(days=STAY_DAYS)]
    narrowings = [{}, {"department": world["dept"]},
                  {"region": Organisation.objects.get(code=OTHER_COUNTY)}]  # fmt: skip
    for user in readers:
        for start, end in ((WIDE, END), (START, END), (None, None)):
            for today in todays:
                for narrow in narrowings:
                    expected = live(user, start, end, today, **narrow)
                    got = from_rollup(user, start, end, today, **narrow)
                    assert got == expected, (user.username, start, end, today, narrow)
    # Not a comparison of zeros: the worked figures of test_stats.test_indicators and a county's.
    city = reader()
    assert from_rollup(city, WIDE, END, TODAY)["retention"] == (1, 2)
    assert from_rollup(city, WIDE, END, d_end + timedelta(days=STAY_DAYS - 1))["retention"] == (
        0,
        0,
    )
    county = User.objects.get(username=COUNTY_READER)
    assert from_rollup(county, WIDE, END, TODAY)["placement"] == (1, 3)
    assert from_rollup(county, WIDE, END, TODAY)["retention"] == (0, 0)
    department = User.objects.get(username=DEPARTMENT_READER)
    assert from_rollup(department, WIDE, END, TODAY)["high_skill_share"] == (2, 2)


def test_a_rebuild_twice_changes_nothing(world):
    before = rows()
    assert {r[1] for r in before} == set(CODES)
    with act(None):
        rollup.rebuild(WIDE - timedelta(days=200), TODAY)
        rollup.rebuild(WIDE - timedelta(days=200), TODAY)
    assert rows() == before


def test_a_late_employment_record_counts_after_the_next_default_rebuild(world):
    """004 §四(五) (已实现就业的(3个月内)): a trainee of a 就业技能培训 class that ended 100 days
    ago, whose insured job began 60 days after it ended, entered only now. The rollup shows it
    after the next default rebuild (the task's: the last 40 days for the measures, the last
    indicator_recount_days() for the indicators); a class that ended before that needs a rebuild
    of its range (the command's --from)."""
    person, old_person = PersonFactory.create_batch(2, bureau=COUNTY)
    qihang, made = institution(QIHANG), {"staff": "admin", "approver": reader()}
    late = TrainingClassFactory(state="completed", institution=qihang, occupation="4-10-01-05",
                                trainees=[person], start=TODAY - timedelta(days=105),
                                **made)  # fmt: skip
    old = TrainingClassFactory(state="completed", institution=qihang, occupation="4-10-01-05",
                               trainees=[old_person], start=TODAY - timedelta(days=300),
                               **made)  # fmt: skip
    assert TODAY - late.end_date > timedelta(days=40)
    assert TODAY - old.end_date > timedelta(days=rollup.indicator_recount_days())
    with act(None):
        rollup.rebuild(WIDE - timedelta(days=200), TODAY)
    city = reader()  # 洛阳市's: the demo's classes that end on the same days are not its

    def placement(cls):
        return from_rollup(city, cls.end_date, cls.end_date, TODAY)["placement"]

    assert placement(late) == (0, 1) and placement(old) == (0, 1)
    employed(person, late.end_date + timedelta(days=60), n=7)
    employed(old_person, old.end_date + timedelta(days=EMPLOYMENT_WINDOW_DAYS), n=8)
    assert placement(late) == (0, 1)  # the rollup, until the next rebuild
    rebuild_rollup.call()
    assert placement(late) == (1, 1)
    assert placement(old) == (0, 1)  # older than the recount window: not yet
    out = StringIO()
    call_command("stats", "rollup", "--from", str(old.end_date), "--to", str(old.end_date),
                 stdout=out)  # fmt: skip
    assert f'"indicators": [["{old.end_date}", "{old.end_date}"], [' in out.getvalue()
    assert placement(old) == (1, 1)
    assert from_rollup(city, WIDE, END, TODAY) == live(city, WIDE, END, TODAY)


def test_the_recount_ranges():
    today = TODAY
    recent = today - timedelta(days=rollup.indicator_recount_days())
    assert rollup.indicator_recount_days() == STAY_DAYS + rollup.RECOUNT_MARGIN_DAYS
    assert rollup.indicator_ranges(today - timedelta(days=40), today, today) == [(recent, None)]
    early = today - timedelta(days=800)
    assert rollup.indicator_ranges(early, early + timedelta(days=30), today) == [
        (early, early + timedelta(days=30)),
        (recent, None),
    ]
    assert rollup.indicator_ranges(early, today, today) == [(early, None)]


def test_a_long_rebuild_keeps_the_rows_of_the_days_it_does_not_cover(world):
    """A rebuild of a year or more (rollup.BULK_DAYS) replaces both rollups in bulk on
    PostgreSQL, emptying a table at once (TRUNCATE) only when no row of it lies outside the
    days it recounts: a row of a day before them stays, and the days it covers are counted
    again (the indicators equal their live count)."""
    old = TODAY - timedelta(days=1200)
    IndicatorCount.objects.create(
        day=old, indicator="placement", org_path="/x/", numerator=1, denominator=2
    )
    DailyCount.objects.create(day=old, measure="training", org_path="/x/", value=3)
    with act(None):
        rollup.rebuild(WIDE - timedelta(days=200), TODAY)
    assert IndicatorCount.objects.filter(day=old).count() == 1
    assert DailyCount.objects.filter(day=old).count() == 1
    user = reader()
    assert from_rollup(user, WIDE, END, TODAY) == live(user, WIDE, END, TODAY)
