"""Reads of target plans, always through the data scope.

Who sees what (docs/targets.md):
- the bureau of the plan's region and those above it (reviewers, finance/audit): the whole plan,
  every table with its sums and what is unallocated;
- a county reviewer (a bureau below the plan's): the plan's totals and its own county's row of the
  county table; not the other counties', departments' or programmes' rows, nor the tables' sums;
- a department: the plan's totals and its own row of the department table.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Q, QuerySet

from jineng.core.filters import run
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.core.scope import scoped
from jineng.stats import selectors as stats
from jineng.stats.measures import AT_COMPLETION, MEASURES
from jineng.targets.annex import persons_to_wan
from jineng.targets.filters import AllocationFilter, PlanFilter, VersionFilter
from jineng.targets.models import Allocation, Axis, Measure, Plan, PlanVersion, Programme


def allocations_for(user) -> QuerySet[Allocation]:
    return scoped(
        user,
        Allocation.objects.select_related(
            "measure", "organisation", "programme", "version__plan__bureau"
        ),
    )


def plans_for(user) -> QuerySet[Plan]:
    """Plans of the user's region, and plans in which the user has a row of their own."""
    own = scoped(user, Plan.objects.all()).values("pk")
    with_rows = allocations_for(user).values("version__plan")
    return Plan.objects.filter(Q(pk__in=own) | Q(pk__in=with_rows)).select_related("bureau")


def plan_list(user, filters=None) -> QuerySet[Plan]:
    return run(PlanFilter, plans_for(user), filters).order_by(
        "bureau__path", "-end_year", "start_year"
    )


def sees_whole(user, plan: Plan) -> bool:
    """Whether the user sees the whole plan (its region is in the user's scope)."""
    return scoped(user, Plan.objects.filter(pk=plan.pk)).exists()


def versions_for(user) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan__in=plans_for(user)).select_related("plan")


def version_list(user, filters=None) -> QuerySet[PlanVersion]:
    return run(VersionFilter, versions_for(user), filters).order_by("plan", "-number")


def allocation_list(user, filters=None) -> QuerySet[Allocation]:
    return run(AllocationFilter, allocations_for(user), filters).order_by(
        "version", "axis", "position", "measure__position"
    )


def latest_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


# The tables of a version -------------------------------------------------------------------


@dataclass
class TableRow:
    position: int
    label: str
    organisation_id: int | None
    programme_id: int | None
    values: dict[str, int] = field(default_factory=dict)
    note: str = ""  # a rate target of the programme (002 §三(十): 取证率百分之百)
    display: list[str] = field(default_factory=list)  # the values in 万, in the table's order
    # Per measure of the table, what the platform counted (add_progress); None: not counted.
    progress: list = field(default_factory=list)

    def cells(self, measures):
        return [persons_to_wan(self.values.get(m.code)) for m in measures]


@dataclass
class Table:
    axis: str
    label: str
    measures: list[Measure]
    rows: list[TableRow]
    whole: bool  # the reader sees every row: the sum and the unallocated are shown
    sums: dict[str, int] = field(default_factory=dict)
    unallocated: dict[str, int | None] = field(default_factory=dict)
    progress_sums: list = field(default_factory=list)  # the rows' progress added up

    def sum_cells(self):
        return [persons_to_wan(self.sums.get(m.code)) for m in self.measures]

    def unallocated_cells(self):
        """Per measure: (text in 万, kind) with kind "" (adds up), "under", "over" or "none"
        (the plan states no total of this measure)."""
        cells = []
        for m in self.measures:
            rest = self.unallocated.get(m.code)
            if rest is None:
                cells.append(("", "none"))
            elif rest == 0:
                cells.append((persons_to_wan(0), ""))
            elif rest > 0:
                cells.append((persons_to_wan(rest), "under"))
            else:
                cells.append(("−" + persons_to_wan(-rest), "over"))
        return cells


def totals_of(version: PlanVersion) -> dict[str, int]:
    return {t.measure.code: t.value for t in version.totals.select_related("measure")}


def tables(user, version: PlanVersion) -> list[Table]:
    """The version's allocation tables as the user may see them, one per axis that has rows."""
    whole = sees_whole(user, version.plan)
    totals = totals_of(version)
    rows = list(allocations_for(user).filter(version=version))
    result = []
    for axis, label in Axis.choices:
        axis_rows = [a for a in rows if a.axis == axis]
        if not axis_rows:
            continue
        measures = sorted({a.measure for a in axis_rows}, key=lambda m: (m.position, m.code))
        by_unit: dict[int, TableRow] = {}
        for a in axis_rows:
            row = by_unit.setdefault(
                a.position, TableRow(a.position, a.label, a.organisation_id, a.programme_id)
            )
            row.values[a.measure.code] = a.value
        table = Table(
            axis, label, measures, sorted(by_unit.values(), key=lambda r: r.position), whole
        )
        for row in table.rows:
            row.display = row.cells(measures)
        if whole:
            for m in measures:
                table.sums[m.code] = sum(r.values.get(m.code, 0) for r in table.rows)
                total = totals.get(m.code)
                table.unallocated[m.code] = None if total is None else total - table.sums[m.code]
        result.append(table)
    return result


@dataclass
class Change:
    axis: str
    label: str
    measure: Measure
    before: int | None
    after: int | None

    @property
    def before_wan(self):
        return persons_to_wan(self.before)

    @property
    def after_wan(self):
        return persons_to_wan(self.after)

    @property
    def axis_label(self):
        return Axis(self.axis).label if self.axis else ""


def diff(user, old: PlanVersion, new: PlanVersion) -> list[Change]:
    """What changed between two versions of a plan, cell by cell, within what the user sees:
    the totals (axis ""), then every allocation whose value differs, appeared or went."""
    changes = []
    measures = {m.code: m for m in Measure.objects.all()}
    old_totals, new_totals = totals_of(old), totals_of(new)
    for code in sorted(set(old_totals) | set(new_totals), key=lambda c: measures[c].position):
        if old_totals.get(code) != new_totals.get(code):
            changes.append(
                Change("", "", measures[code], old_totals.get(code), new_totals.get(code))
            )

    def cells(version):
        return {
            (a.axis, a.position, a.measure.code): a
            for a in allocations_for(user).filter(version=version)
        }

    before, after = cells(old), cells(new)
    for key in sorted(
        set(before) | set(after), key=lambda k: (k[0], k[1], measures[k[2]].position)
    ):
        a, b = before.get(key), after.get(key)
        if a is None or b is None or a.value != b.value:
            label = (b or a).label
            changes.append(Change(key[0], label, measures[key[2]], a and a.value, b and b.value))
    return changes


@dataclass
class GoalLine:
    measure: Measure
    goal: int
    planned: int | None  # the yearly plans' sum (None: no yearly plan states this measure)
    years: list[int]

    @property
    def remaining(self):
        return None if self.planned is None else self.goal - self.planned


def towards_goal(plan: Plan) -> list[GoalLine]:
    """A multi-year plan's goals against the sum of the bureau's yearly plans (their latest
    versions) of the same years (002 §二(二): the yearly plans add up towards the 2025 goals)."""
    version = latest_version(plan)
    if version is None or not plan.is_multi_year:
        return []
    yearly = Plan.objects.filter(
        bureau=plan.bureau,
        start_year__gte=plan.start_year,
        end_year__lte=plan.end_year,
        start_year=F("end_year"),
    )
    planned: dict[str, int] = {}
    years: dict[str, list[int]] = {}
    for year_plan in yearly.order_by("start_year"):
        latest = latest_version(year_plan)
        if latest is None:
            continue
        for code, value in totals_of(latest).items():
            planned[code] = planned.get(code, 0) + value
            years.setdefault(code, []).append(year_plan.start_year)
    lines = []
    for total in version.totals.select_related("measure"):
        code = total.measure.code
        lines.append(GoalLine(total.measure, total.value, planned.get(code), years.get(code, [])))
    return lines


# What the forms that make plans, measures and programmes offer -----------------------------


def manageable_bureaus(user) -> QuerySet[Organisation]:
    """The bureaus in the user's region: its own and those below it (never above or beside)."""
    return scoped(user, Organisation.objects.filter(kind=OrgKind.BUREAU)).order_by("path")


def departments_for(user) -> QuerySet[Organisation]:
    """The departments a programme of the user's region may name as responsible."""
    return scoped(user, Organisation.objects.filter(kind=OrgKind.DEPARTMENT)).order_by(
        "path", "name"
    )


def whole_plans_for(user) -> QuerySet[Plan]:
    """Plans whose whole the user sees (their region is in the user's): those it may copy."""
    return (
        scoped(user, Plan.objects.all())
        .select_related("bureau")
        .order_by("bureau__path", "-end_year", "start_year")
    )


def _bureaus_of(user) -> Q:
    """The measures and programmes of the user's region, and of the bureaus above it."""
    organisation = getattr(user, "organisation", None)
    above = organisation.ancestor_paths() if organisation is not None else []
    return Q(bureau__path__in=above) | Q(bureau__in=scoped(user, Organisation.objects.all()))


def measures_for(user) -> QuerySet[Measure]:
    """The shared measures, and those the bureaus of the user's region or above it added."""
    return Measure.objects.filter(Q(bureau__isnull=True) | _bureaus_of(user)).order_by(
        "position", "code"
    )


def programmes_for(user) -> QuerySet[Programme]:
    """The programmes of the user's region and of the bureaus above it (the document is public)."""
    return (
        Programme.objects.filter(_bureaus_of(user))
        .select_related("bureau")
        .prefetch_related("departments", "targets__measure")
        .order_by("bureau__path", "number")
    )


def managed_programmes(user) -> QuerySet[Programme]:
    """The programmes the user may edit: those of the bureaus in its region."""
    return Programme.objects.filter(bureau__in=manageable_bureaus(user)).select_related("bureau")


# Progress against target (counted by jineng.stats) ---------------------------------------------


@dataclass(frozen=True)
class Progress:
    """What the platform counted of one measure against its target (whole persons)."""

    measure: str
    done: int
    target: int | None

    @property
    def percent(self) -> float | None:
        """Of the target, one decimal (None without a target or with a target of 0)."""
        return round(100 * self.done / self.target, 1) if self.target else None

    @property
    def left(self) -> int | None:
        """What is still to reach (0 once reached; None without a target)."""
        return None if self.target is None else max(self.target - self.done, 0)


def period_of(plan: Plan) -> tuple[date, date]:
    """The plan's years as the period its progress is counted over."""
    return date(plan.start_year, 1, 1), date(plan.end_year, 12, 31)


def counted_at(plan: Plan, measure: str) -> str:
    return plan.training_counted_at if measure == "training" else AT_COMPLETION


def counted(measure: str) -> bool:
    """Whether the statistics count the measure (a bureau's own measure may not be)."""
    return measure in MEASURES


def progress_by(user, plan: Plan, axis: str, measure: str) -> dict[int, int]:
    """What the statistics counted of `measure` over the plan's years in the plan's region, by
    the unit of the axis: {organisation id: n}. County rows are keyed by their bureau, counted
    by the bureau's region code (the county of the place of training); department rows by the
    funding department. Within the reader's statistics scope (stats.selectors)."""
    start, end = period_of(plan)
    by = "county" if axis == Axis.COUNTY else "department"
    values = stats.measure_totals(
        user, measure, start, end, by, counted_at=counted_at(plan, measure), region=plan.bureau
    )
    if axis == Axis.DEPARTMENT:
        return {key: n for key, n in values.items() if key is not None}
    bureaus = Organisation.objects.filter(region_code__in=[k for k in values if k])
    return {
        pk: values[code]
        for pk, code in bureaus.filter(kind=OrgKind.BUREAU).values_list("pk", "region_code")
    }


def plan_progress(user, plan: Plan, version: PlanVersion) -> dict[str, Progress]:
    """The plan's totals against what was counted in its whole region (for a reader who sees
    the whole plan)."""
    start, end = period_of(plan)
    result = {}
    for code, target in totals_of(version).items():
        if counted(code):
            done = stats.measure_totals(
                user, code, start, end, counted_at=counted_at(plan, code), region=plan.bureau
            )["total"]
            result[code] = Progress(code, done, target)
    return result


def add_progress(user, plan: Plan, tables_: list[Table]) -> None:
    """Fill the progress of the county and department rows (and their sums) of `tables_`."""
    for table in tables_:
        if table.axis not in (Axis.COUNTY, Axis.DEPARTMENT):
            continue
        done = {
            m.code: progress_by(user, plan, table.axis, m.code)
            for m in table.measures
            if counted(m.code)
        }
        for row in table.rows:
            row.progress = [
                Progress(m.code, done[m.code].get(row.organisation_id, 0), row.values.get(m.code))
                if m.code in done
                else None
                for m in table.measures
            ]
        if table.whole:
            table.progress_sums = [
                Progress(
                    m.code,
                    sum(r.progress[i].done for r in table.rows),
                    table.sums.get(m.code),
                )
                if m.code in done
                else None
                for i, m in enumerate(table.measures)
            ]
