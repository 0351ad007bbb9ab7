"""The cadence of 002 §五(三) (日统计、周调度、月小结、季通报) and the performance report of
004 §五(五) (10月25日前): kept daily snapshots, the weekly dispatch table with its laggards, the
schedule, the kept reports (xlsx read back against the statistics, the PDF opened) and who may
download them.

The facts are those of tests/stats/test_stats.py (`world`), in 洛阳市 (410300), a region of its
own that the demo (商丘市) does not touch, read by its own reviewers: in 老城区 (410302) p1's
first skill certificate yesterday (p2's earlier one makes p2 not new); in 新安县 (410323) q1's
first yesterday (q2 not new)."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from jineng.certificates import services as certificates
from jineng.certificates.models import Certificate
from jineng.core.models import Organisation, User
from jineng.reports import dispatch, schedule, services, snapshot
from jineng.reports.models import Report, ReportKind
from jineng.stats import rollup, selectors
from jineng.stats.measures import MEASURES
from jineng.targets import services as targets
from jineng.targets.models import Axis
from tests.actors import act
from tests.clock import on_day
from tests.stats.test_stats import (
    CITY,
    COUNTY,
    COUNTY_READER,
    OTHER_COUNTY,
    READER,
    reader,
    world,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR_START = date(TODAY.year, 1, 1)


def take(day):
    """The daily snapshot, taken as the cadence takes it: the system's own work (it fails
    closed for anybody else)."""
    with act(None):
        return snapshot.take(day)


def bureau(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def ytd(measure: str, by=None, user=None):
    return selectors.measure_totals(user or reader(), measure, YEAR_START, TODAY, by)


def pdf_pages_and_text(data: bytes) -> tuple[int, str]:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(data)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
        return len(document), text
    finally:
        document.close()


@pytest.mark.skipif(TODAY.timetuple().tm_yday < 3, reason="yesterday is in last year")
def test_002_daily_snapshot_is_kept_after_a_later_revocation(world):  # noqa: F811
    """002 §五(三) 日统计: the snapshot of a day keeps what was reported that day; a certificate
    revoked later changes the recount, not the snapshot, and taking the day again changes
    nothing."""
    taken = take(TODAY)
    assert taken.rows > 0
    before = ytd("new_skilled")["total"]
    assert snapshot.as_of(reader(), TODAY, "new_skilled") == {"total": before}
    assert snapshot.as_of(reader(), TODAY, "new_skilled", "county")[COUNTY] == 1
    p1 = Certificate.objects.get(person=world["p"][0], training_class=world["a"])
    with act(COUNTY_READER):
        certificates.revoke(p1, "forged evidence")
    with act(None):
        rollup.rebuild(YEAR_START, TODAY)
    assert ytd("new_skilled")["total"] == before - 1  # the recount
    assert snapshot.as_of(reader(), TODAY, "new_skilled") == {"total": before}  # as reported
    assert take(TODAY).taken_at == taken.taken_at  # idempotent: kept as it was
    assert snapshot.as_of(reader(), TODAY, "new_skilled") == {"total": before}
    assert snapshot.as_of(reader(), TODAY - timedelta(days=3), "new_skilled") is None  # not kept


def test_002_snapshot_is_read_within_the_readers_scope(world):  # noqa: F811
    take(TODAY)
    county = User.objects.get(username=COUNTY_READER)
    assert set(snapshot.as_of(county, TODAY, "new_skilled", "county")) <= {COUNTY}
    # The indicators are kept too: numerator and denominator by place.
    kept = snapshot.as_of(reader(), TODAY, "placement", part="denominator")
    live = selectors.indicator_sets(reader(), "placement", YEAR_START, TODAY, today=TODAY)[0]
    assert kept["total"] == live.count()


def make_plan(values: dict[str, int]):
    """This year's plan of 洛阳市 with 新增技能人才 targets for 老城区 and 新安县 (002 附件1), made
    by its reviewer."""
    with act(None):
        targets.ensure_measures()
    rows = [
        targets.Row(Axis.COUNTY, n, name, "new_skilled", value, organisation=bureau(code))
        for n, (code, name, value) in enumerate(
            [(COUNTY, "老城区", values[COUNTY]), (OTHER_COUNTY, "新安县", values[OTHER_COUNTY])], 1
        )
    ]
    figures = {"reason": "test", "document_number": "商人社〔test〕1号",
               "totals": {"new_skilled": sum(values.values())}, "rows": rows}  # fmt: skip
    with act(READER):
        return targets.create_plan(bureau=bureau(CITY), start_year=TODAY.year,
                                   end_year=TODAY.year, title="test", **figures)  # fmt: skip


def county_row(table, code):
    county = next(t for t in table.tables if t.axis == "county")
    return next(r for r in county.rows if r.key == code)


@pytest.mark.skipif(TODAY.timetuple().tm_yday < 9, reason="a week ago is in last year")
def test_002_weekly_change_is_between_two_snapshots(world):  # noqa: F811
    """002 §五(三) 周调度: the week's change is done on the day minus done seven days earlier,
    both read from their kept snapshots."""
    take(TODAY - timedelta(days=7))
    take(TODAY)
    table = dispatch.table(bureau(CITY), TODAY)
    assert table.kept
    cell = county_row(table, COUNTY).cells["new_skilled"]
    assert (cell.done, cell.week) == (1, 1)  # p1's first certificate, yesterday
    assert (
        snapshot.as_of(reader(), TODAY - timedelta(days=7), "new_skilled", "county").get(COUNTY, 0)
        == 0
    )


def test_002_laggards_are_below_the_elapsed_share_of_the_year(world):  # noqa: F811
    """002 §五(三) 周调度 进度排名: share done = done ÷ target; a unit below the share of the year
    elapsed lags behind; the rank is by share done."""
    assert dispatch.elapsed_percent(date(2025, 7, 2)) == 50.1  # day 183 of 365
    assert dispatch.elapsed_percent(date(2024, 12, 31)) == 100.0
    make_plan({COUNTY: 1, OTHER_COUNTY: 10_000})
    take(TODAY)
    table = dispatch.table(bureau(CITY), TODAY)
    ahead = county_row(table, COUNTY).cells["new_skilled"]
    behind = county_row(table, OTHER_COUNTY).cells["new_skilled"]
    assert (ahead.target, ahead.done, ahead.percent, ahead.rank) == (1, 1, 100.0, 1)
    assert not ahead.laggard
    assert (behind.target, behind.done, behind.percent, behind.rank) == (10_000, 1, 0.0, 2)
    assert behind.laggard  # 0 % done while some of the year has elapsed
    # A county's table shows its own row only, with the city plan's target for it.
    own = dispatch.table(bureau(COUNTY), TODAY)
    assert [r.key for r in own.tables[0].rows] == [COUNTY]


def test_002_004_the_schedule_decides_what_is_due():
    """002 §五(三): weekly on Monday, monthly on the 1st, quarterly after a quarter; 004 §五(五):
    the performance report from 1 October until 25 October, for January to September."""

    def kinds(day):
        return {d.kind: (d.start, d.end) for d in schedule.periods(day)}

    monday = kinds(date(2025, 6, 2))
    assert monday["snapshot"] == (date(2025, 6, 1), date(2025, 6, 1))
    assert monday[ReportKind.WEEKLY] == (date(2025, 5, 26), date(2025, 6, 1))
    assert monday[ReportKind.MONTHLY] == (date(2025, 5, 1), date(2025, 5, 31))
    assert monday[ReportKind.QUARTERLY] == (date(2025, 1, 1), date(2025, 3, 31))
    assert ReportKind.PERFORMANCE not in monday
    assert kinds(date(2025, 7, 1))[ReportKind.QUARTERLY] == (date(2025, 4, 1), date(2025, 6, 30))
    assert kinds(date(2025, 1, 1))[ReportKind.QUARTERLY] == (date(2024, 10, 1), date(2024, 12, 31))
    assert kinds(date(2025, 1, 1))[ReportKind.MONTHLY] == (date(2024, 12, 1), date(2024, 12, 31))
    january_to_september = (date(2025, 1, 1), date(2025, 9, 30))
    assert kinds(date(2025, 10, 1))[ReportKind.PERFORMANCE] == january_to_september
    assert kinds(date(2025, 10, 25))[ReportKind.PERFORMANCE] == january_to_september
    assert ReportKind.PERFORMANCE not in kinds(date(2025, 10, 26))
    assert ReportKind.PERFORMANCE not in kinds(date(2025, 9, 30))


def test_002_the_cadence_runs_once_on_the_test_clock(db):
    """On Monday 2 June 2025 (test clock) the run takes Sunday's snapshot and makes the weekly,
    monthly and quarterly reports of the region; run again, nothing is due."""
    region = bureau("411402")
    with on_day(date(2025, 6, 2), hour=1):
        today = timezone.localdate()
        done = services.run_cadence(today, regions=[region])
        assert done["snapshot"] == "2025-06-01"
        assert sorted(r["kind"] for r in done["reports"]) == ["monthly", "quarterly", "weekly"]
        assert schedule.due(today, [region]) == []
        assert services.run_cadence(today, regions=[region]) == {"snapshot": None, "reports": []}
    weekly = Report.objects.get(kind=ReportKind.WEEKLY, region=region)
    assert (weekly.period_start, weekly.period_end, weekly.on_schedule) == (
        date(2025, 5, 26), date(2025, 6, 1), True,
    )  # fmt: skip


def sheet_rows(data: bytes, title: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return list(book[title].iter_rows(values_only=True))


def test_002_monthly_xlsx_matches_the_statistics(world, login):  # noqa: F811
    """002 §五(三) 月小结: the xlsx read back gives, for every county and measure, the figure the
    statistics page (measure_totals) gives the city's reader for the same period."""
    start, end = TODAY - timedelta(days=30), TODAY
    with act(READER):
        report = services.generate(ReportKind.MONTHLY, bureau(CITY), start, end)
    city = reader()
    data = login(READER).get(f"/reports/{report.pk}/xlsx/").content
    rows = sheet_rows(data, "按县区统计")
    end_of_table = next(i for i, row in enumerate(rows) if row[0] == "合计")  # Total
    header, body, total = rows[0], rows[1:end_of_table], rows[end_of_table]
    codes = list(MEASURES)
    assert len(header) == 2 + len(codes)
    expected = {code: selectors.measure_totals(city, code, start, end, "county") for code in codes}
    seen = set()
    for row in body:
        seen.add(row[0])
        for i, code in enumerate(codes):
            assert row[2 + i] == expected[code].get(row[0], 0), (row, code)
    assert seen == {k for column in expected.values() for k in column}
    assert seen >= {COUNTY, OTHER_COUNTY}
    for i, code in enumerate(codes):
        assert total[2 + i] == selectors.measure_totals(city, code, start, end)["total"]
    # The PDF opens, with its title and a page per section.
    pdf = login(READER).get(f"/reports/{report.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    pages, text = pdf_pages_and_text(pdf.content)
    assert pages >= 5 and "月小结" in text


def test_004_performance_report_per_institution_and_region(world):  # noqa: F811
    """004 §五(五): the four quality indicators per institution and for the region; a name that
    a spreadsheet would run as a formula is written as text."""
    inst = world["a"].institution.organisation
    Organisation.objects.filter(pk=inst.pk).update(name='=HYPERLINK("x")')
    start = TODAY - timedelta(days=400)
    with act(READER):
        report = services.generate(ReportKind.PERFORMANCE, bureau(CITY), start, TODAY)
    rows = sheet_rows(services.file_of(report, "xlsx"), "各机构培训质量指标")
    names = [r[0] for r in rows[1:]]
    assert '\'=HYPERLINK("x")' in names
    den, num = selectors.indicator_sets(reader(), "placement", start, TODAY, today=TODAY,
                                        region=bureau(CITY))  # fmt: skip
    region_row = next(row for row in rows if row[0] == "全区域合计")  # Region total
    assert region_row[2:5] == (num.count(), den.count(), round(100 * num.count() / den.count(), 1))
    pages, text = pdf_pages_and_text(services.file_of(report, "pdf"))
    assert pages >= 2 and "绩效评估" in text


def test_a_county_reader_gets_its_countys_reports_only(world, login):  # noqa: F811
    with act(None):
        city = services.generate(ReportKind.WEEKLY, bureau(CITY), *schedule.last_week(TODAY))
        own = services.generate(ReportKind.WEEKLY, bureau(COUNTY), *schedule.last_week(TODAY))
        other = services.generate(
            ReportKind.WEEKLY, bureau(OTHER_COUNTY), *schedule.last_week(TODAY)
        )
    client = login(COUNTY_READER)
    page = client.get("/reports/")
    assert page.status_code == 200
    assert f'data-report="{own.pk}"' in page.content.decode()
    assert f'data-report="{city.pk}"' not in page.content.decode()
    assert client.get(f"/reports/{own.pk}/xlsx/").status_code == 200
    assert client.get(f"/reports/{own.pk}/pdf/").status_code == 200
    assert client.get(f"/reports/{city.pk}/xlsx/").status_code == 404
    assert client.get(f"/reports/{other.pk}/pdf/").status_code == 404
    assert client.get(f"/reports/{own.pk}/doc/").status_code == 404
    # The city reader sees all three; a trainee (worker) none.
    assert login(READER).get(f"/reports/{other.pk}/pdf/").status_code == 200
    assert login("worker").get(f"/reports/{own.pk}/pdf/").status_code == 404


def test_generate_now_within_the_readers_region(world, login):  # noqa: F811
    client = login(COUNTY_READER)
    mine = Report.objects.filter(generated_by__username=COUNTY_READER)
    client.post("/reports/generate/", {"kind": "monthly", "region": bureau(CITY).pk})
    assert not mine.exists()  # the city is not the county reviewer's region
    response = client.post("/reports/generate/", {"kind": "monthly",
                                                  "region": bureau(COUNTY).pk})  # fmt: skip
    assert response.status_code == 302
    report = mine.get()
    assert (report.period_start, report.period_end) == schedule.last_month(TODAY)
    assert report.region == bureau(COUNTY) and not report.on_schedule
    bad = client.post(
        "/reports/generate/",
        {
            "kind": "monthly",
            "region": bureau(COUNTY).pk,
            "start": "2025-05-31",
            "end": "2025-05-01",
        },
    )
    assert bad.status_code == 302 and mine.count() == 1
    assert login("finance").post("/reports/generate/", {"kind": "monthly"}).status_code == 403
    with act(COUNTY_READER), pytest.raises(PermissionDenied, match="不在您的管辖范围"):
        services.generate(ReportKind.MONTHLY, bureau(CITY), *schedule.last_month(TODAY))


def test_the_dispatch_page_shows_the_readers_county(world, login):  # noqa: F811
    take(TODAY)
    page = login(COUNTY_READER).get("/reports/dispatch/", {"day": TODAY.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-key="{COUNTY}"' in html and f'data-key="{OTHER_COUNTY}"' not in html


def test_the_snapshot_fails_closed(world):  # noqa: F811
    """Only the cadence (the system's named work) or a signed-in user takes a snapshot."""
    with pytest.raises(PermissionDenied, match="请先登录"):
        snapshot.take(TODAY)
    assert not snapshot.is_taken(TODAY)
