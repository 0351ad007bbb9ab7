"""Reads of the statistics, scoped to the reader: totals from the daily rollup, the indicators
from the indicator rollup, and the rows behind every figure (drill-down, counted live).

Who sees what (the ScopeSpec patterns of core.scope): a reviewer or finance/audit user their
bureau's region (a county its county, a city all its counties); institution staff their own
institution's training; a department's staff the training their department funds (004 §五(一));
a system administrator everything.
"""

from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from jineng.catalog.models import Occupation, PersonCategory, Region
from jineng.core.models import Organisation
from jineng.core.roles import REGIONAL_ROLES, OrgKind, Role
from jineng.core.scope import scope_of
from jineng.stats import facts
from jineng.stats.measures import AT_ENROLMENT, INDICATORS, NO_DATA, TRAINING_AT_ENROLMENT
from jineng.stats.models import DailyCount, IndicatorCount


def scope_q(user, org_field: str = "org_path", dept_field: str = "department_path") -> Q | None:
    """The rows of the statistics the user may read (None: nothing)."""
    scope = scope_of(user)
    if scope.everything:
        return Q()
    org = getattr(user, "organisation", None)
    if org is None:
        return None
    roles = user.role_set
    conditions = []
    if roles & REGIONAL_ROLES:
        bureau = org.nearest_bureau()
        if bureau is not None:
            conditions.append(Q(**{f"{org_field}__startswith": bureau.path}))
    if Role.INSTITUTION_STAFF in roles:
        conditions.append(Q(**{f"{org_field}__startswith": org.path}))
    if Role.DEPARTMENT_STAFF in roles:
        conditions.append(Q(**{f"{dept_field}__startswith": org.path}))
    return reduce(or_, conditions) if conditions else None


def _scoped(user, rows: QuerySet, **fields) -> QuerySet:
    condition = scope_q(user, **fields)
    return rows.none() if condition is None else rows.filter(condition)


def _narrow(rows: QuerySet, region: Organisation | None, department: Organisation | None,
            org_field="org_path", dept_field="department_path") -> QuerySet:  # fmt: skip
    """A region (a bureau: rows under it) and a department (the training it funds)."""
    if region is not None:
        rows = rows.filter(**{f"{org_field}__startswith": region.path})
    if department is not None:
        rows = rows.filter(**{f"{dept_field}__startswith": department.path})
    return rows


def rollup_code(measure: str, counted_at: str = "completion") -> str:
    return (
        TRAINING_AT_ENROLMENT if measure == "training" and counted_at == AT_ENROLMENT else measure
    )


# by -> (the rollup column grouped on, whether it reads the category rows)
GROUPS = {
    "county": "county_code",
    "city": "city_code",
    "department": "department_id",
    "institution": "institution_id",
    "occupation": "occupation_id",
    "category": "category",
    "month": "month",
    "week": "week",  # the dashboards' trend (not a choice of the statistics page)
}


def measure_totals(user, measure: str, period_start: date | None, period_end: date | None,
                   by: str | None = None, *, counted_at: str = "completion",
                   region: Organisation | None = None,
                   department: Organisation | None = None) -> dict:  # fmt: skip
    """The total of one measure (measures.MEASURES code) over period_start..period_end (both
    included; None: open), from the daily rollup, within the reader's scope.

    by=None gives {"total": n}; by in county/city/department/institution/occupation/category/
    month gives {key: n}: a GB/T 2260 code, an organisation or occupation id (None: none), a
    category code ("-": none; a person in two categories counts in both), or "YYYY-MM";
    by="week" gives the Monday of each ISO week ("YYYY-MM-DD").
    `counted_at` ("completion" or "enrolment") is for `training` only. `region` and
    `department` narrow further (organisations)."""
    rows = DailyCount.objects.filter(measure=rollup_code(measure, counted_at))
    rows = facts.in_period(rows, period_start, period_end)
    rows = _narrow(_scoped(user, rows), region, department)
    # The category rows only for the category breakdown (they count a person once per category).
    rows = rows.exclude(category="") if by == "category" else rows.filter(category="")
    if by is None:
        return {"total": rows.aggregate(n=Sum("value"))["n"] or 0}
    column = GROUPS[by]
    if by == "month":
        rows = rows.annotate(month=TruncMonth("day"))
    if by == "week":
        rows = rows.annotate(week=TruncWeek("day"))
    grouped = rows.values(column).annotate(n=Sum("value")).order_by(column)
    result = {}
    for row in grouped:
        key = row[column]
        if by == "month":
            key = key.strftime("%Y-%m")
        if by == "week":
            key = key.strftime("%Y-%m-%d")
        result[key] = row["n"]
    return result


def weekly_change(user, measure: str, as_of: date, **kwargs) -> int:
    """What the week up to `as_of` added (002 §五(三) 周调度)."""
    week = measure_totals(user, measure, as_of - timedelta(days=6), as_of, **kwargs)
    return week["total"]


def labels(by: str, keys) -> dict:
    """Display names of the keys of measure_totals."""
    keys = [k for k in keys if k is not None]
    if by in {"county", "city"}:
        return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    if by in {"department", "institution"}:
        return dict(Organisation.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "occupation":
        return dict(Occupation.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "category":
        return dict(PersonCategory.objects.filter(code__in=keys).values_list("code", "name"))
    return {}


# --- the rows behind a figure ------------------------------------------------------------------


def measure_rows(user, measure: str, period_start, period_end, *, counted_at="completion",
                 region=None, department=None, key_by=None, key=None) -> QuerySet:  # fmt: skip
    """The facts counted in a figure of measure_totals (enrolments or certificates)."""
    rows = facts.in_period(facts.facts(rollup_code(measure, counted_at)), period_start, period_end)
    rows = _narrow(_scoped(user, rows), region, department)
    if key_by and key not in (None, ""):
        rows = _by_key(rows, key_by, key)
    return rows.order_by("day", "id")


def _by_key(rows: QuerySet, by: str, key) -> QuerySet:
    if by in {"county", "city"}:
        bureau = Organisation.objects.filter(region_code=key, kind=OrgKind.BUREAU).first()
        if bureau is None:
            return rows.none()
        rows = rows.filter(org_path__startswith=bureau.path)
        if by == "county":
            # A city's code as a county is the city's own (市本级): not its counties' bureaus.
            below = Organisation.objects.filter(
                kind=OrgKind.BUREAU, path__startswith=bureau.path
            ).exclude(pk=bureau.pk)
            for path in below.values_list("path", flat=True):
                rows = rows.exclude(org_path__startswith=path)
        return rows
    if by == "department":
        return rows.filter(dept_id=key) if key != "none" else rows.filter(dept_id__isnull=True)
    if by == "institution":
        return rows.filter(inst_id=key) if key != "none" else rows.filter(inst_id__isnull=True)
    if by == "occupation":
        return rows.filter(occ_id=key)
    if by == "month":
        year, month = (int(part) for part in str(key).split("-"))
        return rows.filter(day__year=year, day__month=month)
    if by == "category":
        with_cat, without = facts.with_category(rows)
        return without if key == "-" else with_cat.filter(**{facts.CATEGORY: key}).distinct()
    return rows


# --- indicators --------------------------------------------------------------------------------


def indicator_sets(user, code: str, start, end, *, today: date, region=None,
                   department=None, institution=None) -> tuple[QuerySet, QuerySet]:  # fmt: skip
    """(denominator rows, numerator rows) of an indicator: enrolments of classes that ended in
    start..end, within the scope, counted live (the drill-down; the figures come from the
    rollup, see indicators()). `institution` (an organisation): its classes only, the rows
    behind its figure in indicator_by_institution."""
    den, hit = facts.indicator_facts(code)
    still_waiting = facts.waiting(today)
    if code in still_waiting:
        den = den.exclude(still_waiting[code])
    den = _narrow(_scoped(user, facts.in_period(den, start, end)), region, department)
    if institution is not None:
        den = den.filter(inst_id=institution.pk)
    return den, den.filter(hit)


def _indicator_rows(user, start, end, *, today: date, region=None, department=None) -> QuerySet:
    """The indicator rollup (IndicatorCount: the class's end day in start..end) within the
    reader's scope; retention only for classes that ended long enough before `today`."""
    rows = IndicatorCount.objects.all()
    for code, condition in facts.waiting(today).items():
        rows = rows.exclude(Q(indicator=code) & condition)
    return _narrow(_scoped(user, facts.in_period(rows, start, end)), region, department)


def indicators(user, start, end, *, today: date, region=None, department=None) -> list[dict]:
    """Every indicator with its numerator, denominator and rate (percent, one decimal; None
    without a denominator or without data), summed from the indicator rollup within the
    reader's scope: one grouped query."""
    rows = _indicator_rows(user, start, end, today=today, region=region, department=department)
    sums = {
        row["indicator"]: (row["n"], row["d"])
        for row in rows.values("indicator")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    }
    result = []
    for code, indicator in INDICATORS.items():
        if code in NO_DATA:
            result.append({"code": code, "indicator": indicator, "numerator": None,
                           "denominator": None, "rate": None, "available": False})  # fmt: skip
            continue
        n, d = sums.get(code, (0, 0))
        rate = round(100 * n / d, 1) if d else None
        result.append({"code": code, "indicator": indicator, "numerator": n, "denominator": d,
                       "rate": rate, "available": True})  # fmt: skip
    return result


def indicator_by_institution(user, code: str, start, end, *, today: date,
                             region=None) -> dict[int, tuple[int, int]]:  # fmt: skip
    """One indicator per institution (organisation id): {id: (numerator, denominator)}, from
    the indicator rollup within the reader's scope."""
    rows = _indicator_rows(user, start, end, today=today, region=region).filter(indicator=code)
    grouped = (
        rows.exclude(institution=None)
        .values("institution")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    return {row["institution"]: (row["n"], row["d"]) for row in grouped}


def enrollment_list(rows: QuerySet) -> QuerySet:
    return rows.select_related(
        "person", "training_class__institution__organisation", "training_class__occupation"
    ).order_by("training_class__end_date", "id")


def certificate_list(rows: QuerySet) -> QuerySet:
    return rows.select_related("person", "occupation", "level", "training_class")
