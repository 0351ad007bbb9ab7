"""When each report of the cadence is due (002 §五(三); 004 §五(五)), as a pure function of the
day, and the run that does what is due.

- daily snapshot (日统计): the snapshot of yesterday, once yesterday is over;
- weekly dispatch (周调度): on Monday, for the week Monday–Sunday just ended;
- monthly summary (月小结): on the 1st, for the month just ended;
- quarterly bulletin (季通报): on the first day after a quarter, for that quarter;
- performance evaluation (绩效评估, 004 §五(五): 10月25日前报省厅): from 1 October, for
  1 January – 30 September, until 25 October.

Each is "the last period that has ended": a run on a later day (after an outage) still finds
it due until it is kept, so nothing is missed; once kept it is not due again (idempotent).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from jineng.reports.models import Report, ReportKind

PERFORMANCE_FROM = (10, 1)
PERFORMANCE_BY = (10, 25)  # 004 §五(五): 各市人力资源社会保障部门10月25日前将绩效评估情况报省厅


@dataclass(frozen=True)
class Due:
    kind: str  # "snapshot" or a ReportKind
    start: date
    end: date


def last_week(today: date) -> tuple[date, date]:
    end = today - timedelta(days=today.weekday() + 1)  # the Sunday before today
    return end - timedelta(days=6), end


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def last_quarter(today: date) -> tuple[date, date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = today.replace(month=first_month, day=1) - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


def performance_period(today: date) -> tuple[date, date] | None:
    if PERFORMANCE_FROM <= (today.month, today.day) <= PERFORMANCE_BY:
        return date(today.year, 1, 1), date(today.year, 9, 30)
    return None


def periods(today: date) -> list[Due]:
    """Every period of the cadence that has ended by `today` (kept or not)."""
    yesterday = today - timedelta(days=1)
    due = [
        Due("snapshot", yesterday, yesterday),
        Due(ReportKind.WEEKLY, *last_week(today)),
        Due(ReportKind.MONTHLY, *last_month(today)),
        Due(ReportKind.QUARTERLY, *last_quarter(today)),
    ]
    performance = performance_period(today)
    if performance:
        due.append(Due(ReportKind.PERFORMANCE, *performance))
    return due


def due(today: date, regions) -> list[tuple[Due, object]]:
    """What is due on `today` and not kept yet: (period, region) pairs; region None for the
    snapshot, which covers everything."""
    from jineng.reports.snapshot import is_taken

    result = []
    for item in periods(today):
        if item.kind == "snapshot":
            if not is_taken(item.end):
                result.append((item, None))
            continue
        kept = set(
            Report.objects.filter(
                kind=item.kind, period_start=item.start, period_end=item.end, region__in=regions
            ).values_list("region_id", flat=True)
        )
        result += [(item, region) for region in regions if region.pk not in kept]
    return result
