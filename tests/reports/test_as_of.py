"""Statistics "as of a past day" (002 §五(三) 日统计): the page and the API give every measure
year to date as the kept snapshot of that day reported it (a certificate revoked later changes
the recount, not that day's figures), or the rollup summed up to the day when no snapshot was
kept; the indicators as of the day come from the indicator rollup, and the snapshot's
indicators are copied from it. The world is tests/stats/test_stats.py's (洛阳市): p1's first
skill certificate yesterday in 老城区 (410302), q1's in 新安县 (410323)."""

from datetime import date, timedelta

import pytest
from django.db.models import Sum

from jineng.certificates import services as certificates
from jineng.certificates.models import Certificate
from jineng.reports import snapshot
from jineng.stats import rollup, selectors
from jineng.stats.models import IndicatorCount
from tests.actors import act
from tests.reports.test_reports import TODAY, YEAR_START, bureau, take
from tests.stats.test_stats import (
    CITY,
    COUNTY,
    COUNTY_READER,
    READER,
    reader,
    world,  # noqa: F401 - the fixture
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(TODAY.timetuple().tm_yday < 3, reason="yesterday is in last year"),
]

MEASURES = "/api/v1/stats/measures/"


def figures(answer) -> dict:
    return {m["code"]: m["total"] for m in answer["measures"]}


def test_002_as_of_a_kept_day_reads_its_snapshot(world, login):  # noqa: F811
    """002 §五(三): as of today's kept snapshot, 新增技能人才 stays what was reported after p1's
    certificate is revoked; the rollup (without as_of, or by a dimension the snapshot does not
    keep) recounts it."""
    take(TODAY)
    client = login(READER)
    before = client.get(MEASURES, {"as_of": TODAY.isoformat()}).json()
    assert before["as_of"]["source"] == "snapshot" and before["as_of"]["taken_at"]
    assert figures(before)["new_skilled"] == selectors.measure_totals(
        reader(), "new_skilled", YEAR_START, TODAY)["total"]  # fmt: skip
    p1 = Certificate.objects.get(person=world["p"][0], training_class=world["a"])
    with act(COUNTY_READER):
        certificates.revoke(p1, "forged evidence")
    with act(None):
        rollup.rebuild(YEAR_START, TODAY)
    kept = client.get(MEASURES, {"as_of": TODAY.isoformat()}).json()
    assert figures(kept) == figures(before)  # as reported that day
    rows = {r["key"]: r["values"]["new_skilled"] for r in kept["rows"]}
    assert rows[COUNTY] == 1
    now = client.get(MEASURES, {"start": YEAR_START.isoformat(), "end": TODAY.isoformat()})
    assert figures(now.json())["new_skilled"] == figures(before)["new_skilled"] - 1
    by_city = client.get(MEASURES, {"as_of": TODAY.isoformat(), "by": "city"}).json()
    assert by_city["as_of"]["source"] == "rollup"
    assert figures(by_city)["new_skilled"] == figures(before)["new_skilled"] - 1
    # The county reviewer's view of the same day: its county only.
    county = login(COUNTY_READER).get(MEASURES, {"as_of": TODAY.isoformat()}).json()
    assert county["as_of"]["source"] == "snapshot"
    assert {r["key"] for r in county["rows"]} <= {COUNTY}
    # The page says where the figures come from.
    page = client.get("/stats/", {"as_of": TODAY.isoformat()}).content.decode()
    assert 'id="as-of" data-source="snapshot"' in page and "留存的每日快照" in page


def test_002_as_of_a_day_not_kept_is_the_rollup_up_to_it(world, login):  # noqa: F811
    day = TODAY - timedelta(days=2)
    answer = login(READER).get(MEASURES, {"as_of": day.isoformat()}).json()
    assert answer["as_of"] == {"day": day.isoformat(), "source": "rollup", "taken_at": None}
    start = date(day.year, 1, 1)
    for code, total in figures(answer).items():
        assert total == selectors.measure_totals(reader(), code, start, day)["total"], code
    # Indicators as of the day: the indicator rollup, with retention waiting from that day.
    indicators = login(READER).get("/api/v1/stats/indicators/", {"as_of": day.isoformat()})
    expected = selectors.indicators(reader(), start, day, today=day)
    got = {i["code"]: (i["numerator"], i["denominator"]) for i in indicators.json()["indicators"]}
    assert got == {i["code"]: (i["numerator"], i["denominator"]) for i in expected}


def test_a_day_to_come_is_refused(world, login):  # noqa: F811
    client = login(READER)
    bad = client.get(MEASURES, {"as_of": (TODAY + timedelta(days=1)).isoformat()})
    assert bad.status_code == 400 and "今天或之前" in bad.json()["as_of"][0]
    page = client.get("/stats/", {"as_of": "2025-02-30"})
    assert page.status_code == 200 and b"filter-errors" in page.content


def test_002_the_snapshot_copies_the_indicator_rollup(world):  # noqa: F811
    """The day's indicators are the indicator rollup's numerators and denominators of the
    classes that ended from 1 January (retention: ended 180 days before the day), not a
    recount of the enrolments."""
    take(TODAY)
    city = bureau(CITY)
    for code in ("placement", "certificate_rate", "high_skill_share"):
        rows = IndicatorCount.objects.filter(indicator=code, day__gte=YEAR_START, day__lte=TODAY,
                                             org_path__startswith=city.path)  # fmt: skip
        for part in ("numerator", "denominator"):
            kept = snapshot.as_of(reader(), TODAY, code, part=part)["total"]
            assert kept == (rows.aggregate(n=Sum(part))["n"] or 0), (code, part)
