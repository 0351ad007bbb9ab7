"""Target plans of the demo: 002 附件1 and 附件2 as the 2022 plan of 商丘市, the programmes of
§三 and the 2022–2025 goals of §二(二), through the services (targets.load). Idempotent.

The demo's classes and certificates happen around today, not in 2022, so the dashboards would
measure them against no plan: the demo also makes a plan of this year for 商丘市 with 2022's
figures (its reason says it is demo data, not a document)."""

from django.utils import timezone

from jineng.targets import load as targets_load
from jineng.targets import selectors, services
from jineng.targets.models import Plan


def this_year_plan() -> str:
    year = timezone.localdate().year
    source = Plan.objects.filter(bureau__code="411400", start_year=2022, end_year=2022).first()
    if source is None or year == 2022:
        return ""
    if Plan.objects.filter(bureau=source.bureau, start_year=year, end_year=year).exists():
        return ""
    totals, rows = services.rows_of(selectors.latest_version(source))
    services.create_plan(
        bureau=source.bureau,
        start_year=year,
        end_year=year,
        title=f"{year}年目标任务（演示）",
        reason="demo: 2022's figures (002 附件1/附件2) carried to this year to show progress",
        document_number="演示",
        totals=totals,
        rows=rows,
    )
    return f"; demo plan {year}"


def load() -> str:
    return str(targets_load.load_all()) + this_year_plan()
