"""The reports API (002 §五(三) 周调度、月小结、季通报; 004 §五(五) 绩效评估): the kept reports
within the caller's region, their files, and "generate now", through HTTP like the page; the
world is tests/stats/test_stats.py's (洛阳市, 老城区, 新安县)."""

import io

import pytest
from openpyxl import load_workbook

from jineng.reports import schedule, services
from jineng.reports.models import Report, ReportKind
from tests.actors import act
from tests.reports.test_reports import TODAY, bureau
from tests.stats.test_stats import (
    CITY,
    COUNTY,
    COUNTY_READER,
    OTHER_COUNTY,
    READER,
    world,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/reports/"


def kept_reports():
    with act(None):
        return {
            code: services.generate(ReportKind.WEEKLY, bureau(code), *schedule.last_week(TODAY))
            for code in (CITY, COUNTY, OTHER_COUNTY)
        }


def test_002_the_list_is_within_the_callers_region(world, login):  # noqa: F811
    """002 §五(三): a county reviewer lists and downloads its county's reports only; another's
    answers 404, as on the page."""
    kept = kept_reports()
    client = login(COUNTY_READER)
    answer = client.get(LIST, {"kind": "weekly"})
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert [r["id"] for r in rows] == [kept[COUNTY].pk]
    row = rows[0]
    assert (row["kind"], row["region_code"], row["on_schedule"]) == ("weekly", COUNTY, False)
    start, end = schedule.last_week(TODAY)
    assert (row["period_start"], row["period_end"]) == (start.isoformat(), end.isoformat())
    assert "周调度" in row["kind_label"]
    xlsx = client.get(row["xlsx_url"])
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(xlsx.content), read_only=True).sheetnames
    pdf = client.get(row["pdf_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The page's file and the API's are the same bytes.
    assert client.get(f"/reports/{kept[COUNTY].pk}/pdf/").content[:4] == b"%PDF"
    for other in (kept[CITY], kept[OTHER_COUNTY]):
        assert client.get(f"{LIST}{other.pk}/").status_code == 404
        assert client.get(f"{LIST}{other.pk}/xlsx/").status_code == 404
        assert client.get(f"{LIST}{other.pk}/pdf/").status_code == 404
    # The city's reviewer sees all three; the filter names are the page's.
    city = login(READER).get(LIST, {"kind": "weekly", "region": bureau(COUNTY).pk}).json()
    assert [r["id"] for r in city["results"]] == [kept[COUNTY].pk]
    every = {r["id"] for r in login(READER).get(LIST).json()["results"]}
    assert {r.pk for r in kept.values()} <= every
    assert login(READER).get(LIST, {"kind": "daily"}).status_code == 400
    # A worker has no reports at all.
    assert login("worker").get(LIST).status_code == 403
    assert login("worker").get(f"{LIST}{kept[COUNTY].pk}/pdf/").status_code == 404


def test_002_generate_now_through_the_api(world, login):  # noqa: F811
    """002 §五(三): "generate now" (reports.generate) for a region within the caller's, the
    page's form and task; errors by name in zh; finance/audit reads only."""
    client = login(COUNTY_READER)
    mine = Report.objects.filter(generated_by__username=COUNTY_READER)
    answer = client.post(LIST, {"kind": "monthly", "region": bureau(COUNTY).pk},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 202, answer.content
    report = mine.get()
    assert answer.json()["report"] == report.pk
    assert (report.period_start, report.period_end) == schedule.last_month(TODAY)
    assert client.get(f"{LIST}{report.pk}/").json()["generated_by_label"]
    refused = client.post(LIST, {"kind": "monthly", "region": bureau(CITY).pk},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    assert "有效的选项" in refused.json()["region"][0]  # not a region of the county's
    backwards = client.post(
        LIST,
        {"kind": "monthly", "region": bureau(COUNTY).pk, "start": "2025-05-31",
         "end": "2025-05-01"},
        content_type="application/json",
    )  # fmt: skip
    assert backwards.status_code == 400
    assert backwards.json() == {"non_field_errors": ["截止日期早于开始日期。"]}
    assert client.post(LIST, {"kind": "yearly", "region": bureau(COUNTY).pk},
                       content_type="application/json").status_code == 400  # fmt: skip
    assert mine.count() == 1
    assert login("finance").post(LIST, {"kind": "monthly"},
                                 content_type="application/json").status_code == 403  # fmt: skip


def test_the_reports_are_in_the_schema(world, login):  # noqa: F811
    schema = login(READER).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/reports/"])
    assert "/api/v1/reports/{id}/xlsx/" in paths and "/api/v1/reports/{id}/pdf/" in paths
    names = {p["name"] for p in paths["/api/v1/reports/"]["get"]["parameters"]}
    assert {"kind", "region", "year"} <= names  # the page's filter
