"""The weekly dispatch table (002 §五(三) 周调度): per county and per department of a region, each
measure's target for the year, what is done so far (year-to-date as of the day), the share done,
the ranking (进度排名) and the week's change; the laggards highlighted.

- Target: the allocation of the latest version of the year's plan of the region's bureau or of
  the nearest bureau above it (a county's row of the city's plan is the county's target).
- Done: the kept snapshot of the day (snapshot.as_of); for a day whose snapshot was not kept,
  the rollup as it is now (the table says which).
- The week's change: done on the day minus done seven days earlier (0 before 1 January).
- Laggard: a unit whose share done is below the share of the year elapsed on the day (day of the
  year ÷ days in the year); without a target no share, no rank, and no laggard.
- Rank: by the share done, highest first; equal shares share a rank (1, 2, 2, 4).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models.functions import Length

from jineng.core.models import Organisation
from jineng.reports import snapshot
from jineng.reports.readers import SYSTEM
from jineng.stats import selectors as stats
from jineng.targets.models import Allocation, Axis, Plan, PlanVersion

ANNEX_MEASURES = ("training", "new_skilled", "new_high_skilled")  # 002 附件1, 附件2
AXES = {Axis.COUNTY: "county", Axis.DEPARTMENT: "department"}


def elapsed_percent(day: date) -> float:
    """The share of the year elapsed at the end of `day`, in percent (one decimal)."""
    first, last = date(day.year, 1, 1), date(day.year, 12, 31)
    return round(100 * ((day - first).days + 1) / ((last - first).days + 1), 1)


def plan_version(region: Organisation, year: int) -> PlanVersion | None:
    """The latest version of the year's plan of the region's bureau or the nearest above."""
    plans = (
        Plan.objects.filter(start_year=year, end_year=year)
        .annotate(depth=Length("bureau__path"))
        .order_by("-depth")
        .select_related("bureau")
    )
    for plan in plans:
        if region.path.startswith(plan.bureau.path):
            return plan.versions.order_by("-number").first()
    return None


@dataclass
class Cell:
    target: int | None
    done: int
    week: int
    percent: float | None = None
    rank: int | None = None
    laggard: bool = False


@dataclass
class Row:
    key: object
    label: str
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Table:
    axis: str
    measures: list[str]
    rows: list[Row]


@dataclass
class Dispatch:
    region: Organisation
    day: date
    elapsed: float
    version: PlanVersion | None
    kept: bool  # done read from the kept snapshot (else from the rollup as it is now)
    tables: list[Table]


def _done(user, day: date, measure: str, by: str, region) -> tuple[dict, bool]:
    """Year-to-date by county/department as of `day` and whether it is the kept snapshot."""
    kept = snapshot.as_of(user, day, measure, by, region=region)
    if kept is not None:
        return kept, True
    live = stats.measure_totals(user, measure, date(day.year, 1, 1), day, by, region=region)
    return live, False


def _rank(rows: list[Row], measure: str) -> None:
    shares = sorted(
        (r.cells[measure].percent for r in rows if r.cells[measure].percent is not None),
        reverse=True,
    )
    for row in rows:
        cell = row.cells[measure]
        if cell.percent is not None:
            cell.rank = shares.index(cell.percent) + 1


def table(region: Organisation, day: date, *, user=SYSTEM) -> Dispatch:
    version = plan_version(region, day.year)
    allocations = (
        Allocation.objects.filter(version=version, axis__in=list(AXES))
        .select_related("organisation", "measure")
        .order_by("axis", "position")
        if version
        else Allocation.objects.none()
    )
    measures = list(ANNEX_MEASURES)
    week_ago = day - timedelta(days=7)
    same_year = week_ago.year == day.year
    elapsed = elapsed_percent(day)
    kept_all, tables = True, []
    for axis, by in AXES.items():
        targets, labels, order = {}, {}, []
        for allocation in allocations:
            if allocation.axis != axis or allocation.measure.code not in measures:
                continue
            unit = allocation.organisation
            if axis == Axis.COUNTY and not unit.path.startswith(region.path):
                continue  # another county of the city's plan
            key = (unit.region_code or unit.code) if axis == Axis.COUNTY else unit.pk
            if key not in labels:
                labels[key] = allocation.label
                order.append(key)
            targets[(key, allocation.measure.code)] = allocation.value
        done, before = {}, {}
        for measure in measures:
            done[measure], kept = _done(user, day, measure, by, region)
            before[measure], kept_before = (
                _done(user, week_ago, measure, by, region) if same_year else ({}, True)
            )
            kept_all = kept_all and kept and kept_before
        extra = sorted(
            {k for m in measures for k in done[m] if k not in labels and k not in (None, "")},
            key=str,
        )
        names = stats.labels(by, extra)
        for key in extra:
            labels[key] = names.get(key, str(key))
            order.append(key)
        rows = []
        for key in order:
            row = Row(key, labels[key])
            for measure in measures:
                target = targets.get((key, measure))
                value = done[measure].get(key, 0)
                cell = Cell(target, value, value - before[measure].get(key, 0))
                if target:
                    cell.percent = round(100 * value / target, 1)
                    cell.laggard = cell.percent < elapsed
                row.cells[measure] = cell
            rows.append(row)
        for measure in measures:
            _rank(rows, measure)
        tables.append(Table(by, measures, rows))
    return Dispatch(region, day, elapsed, version, kept_all, tables)
