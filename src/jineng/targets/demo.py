"""Target plans of the demo: 002 附件1 and 附件2 as the 2022 plan of 商丘市, the programmes of
§三 and the 2022–2025 goals of §二(二), through the services (targets.load). Idempotent.

The demo's classes and certificates happen around today, not in 2022, and are a few dozen, not
tens of thousands: so that the dashboards show something, the demo also makes a plan of this year
for 商丘市 with a thousandth of 2022's figures (at least 1 each; its reason and title say it is
demo data, not a document)."""

from dataclasses import replace

from django.utils import timezone

from jineng.targets import load as targets_load
from jineng.targets import selectors, services
from jineng.targets.models import Axis, Plan

DEMO_SCALE = 1000


def this_year_plan() -> str:
    year = timezone.localdate().year
    source = Plan.objects.filter(bureau__code="411400", start_year=2022, end_year=2022).first()
    if source is None or year == 2022:
        return ""
    if Plan.objects.filter(bureau=source.bureau, start_year=year, end_year=year).exists():
        return ""
    _, rows = services.rows_of(selectors.latest_version(source))
    rows = [replace(row, value=max(1, round(row.value / DEMO_SCALE))) for row in rows]
    county_rows = [row for row in rows if row.axis == Axis.COUNTY]
    totals = {}
    for row in county_rows:  # as the loader does: the county table's sums are the totals
        totals[row.measure] = totals.get(row.measure, 0) + row.value
    services.create_plan(
        bureau=source.bureau,
        start_year=year,
        end_year=year,
        title=f"{year}年目标任务（演示，2022年的千分之一）",
        reason="演示数据：2022年目标（002 附件1、附件2）的千分之一，用于展示进度",
        document_number="演示",
        totals=totals,
        rows=rows,
    )
    return f"; demo plan {year}"


def load() -> str:
    return str(targets_load.load_all()) + this_year_plan()
