"""The dashboards of issue 16: progress against target per county and per department, the map
of the city's counties coloured by completion, trends by week and month, and one indicator per
institution (a ranking with its formula).

`data(user, params)` computes every figure once, from the same selectors as the plan page and the
statistics (targets.selectors.progress_by, stats.selectors.measure_totals / indicator_sets): the
page renders its tables from it and the charts read the same dict as JSON from
/api/v1/targets/dashboard/. Every figure is counted within the reader's data scope, and every
figure links to the list behind it (the statistics' drill-down pages, scoped there too)."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from jineng.catalog.models import Region
from jineng.core.models import Organisation
from jineng.stats import selectors as stats
from jineng.stats.measures import INDICATORS, MEASURES
from jineng.targets import selectors
from jineng.targets.models import Axis, Plan

# The package's 商丘 map draws the nine counties of GB/T 2260 (梁园区 411402 … 永城市 411481);
# 示范区 (the local code 411499) has no polygon: the page lists it beside the map.
MAP_NAME = "商丘"
NO_POLYGON = {"411499"}
DEFAULT_MEASURE = "new_skilled"
DEFAULT_INDICATOR = "certificate_rate"


def default_plan(user, today: date) -> Plan | None:
    """The reader's plan for this year: the one-year plan of the highest region it may read."""
    plans = selectors.plans_for(user).filter(start_year=today.year, end_year=today.year)
    return min(plans, key=lambda p: (len(p.bureau.path), p.pk), default=None)


def _link(name: str, **params) -> str:
    values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()}
    return f"{reverse(name)}?{urlencode({k: v for k, v in values.items() if v is not None})}"


def _percent(done: int, target: int | None) -> float | None:
    return round(100 * done / target, 1) if target else None


def _unit_rows(user, plan, version, axis, measure, start, end, counted_at) -> list[dict]:
    """The rows of the plan's table on `axis` the reader sees, against what was counted."""
    rows = []
    table = next((t for t in selectors.tables(user, version) if t.axis == axis), None)
    if table is None:
        return rows
    done = selectors.progress_by(user, plan, axis, measure)
    orgs = Organisation.objects.in_bulk([r.organisation_id for r in table.rows])
    by = "county" if axis == Axis.COUNTY else "department"
    for row in table.rows:
        org = orgs.get(row.organisation_id)
        target = row.values.get(measure)
        n = done.get(row.organisation_id, 0)
        key = org.region_code if axis == Axis.COUNTY else row.organisation_id
        rows.append({
            "label": row.label, "code": org.region_code if org else "", "key": str(key),
            "target": target, "done": n, "percent": _percent(n, target),
            "left": None if target is None else max(target - n, 0),
            "url": _link("stats:measure-rows", measure=measure, by=by, key=key, start=start,
                         end=end, counted_at=counted_at, region=plan.bureau_id),
        })  # fmt: skip
    return rows


def _counted_rows(user, by, measure, start, end, counted_at) -> list[dict]:
    """Without a plan: what was counted by county or department, no target."""
    values = stats.measure_totals(user, measure, start, end, by, counted_at=counted_at)
    names = stats.labels(by, values)
    return [
        {"label": names.get(key, str(key)), "code": str(key) if by == "county" else "",
         "key": str(key), "target": None, "done": n, "percent": None, "left": None,
         "url": _link("stats:measure-rows", measure=measure, by=by, key=key, start=start,
                      end=end, counted_at=counted_at)}
        for key, n in values.items()
        if key is not None
    ]  # fmt: skip


def _trend(user, by, measure, start, end, counted_at, region) -> list[dict]:
    values = stats.measure_totals(user, measure, start, end, by, counted_at=counted_at,
                                  region=region)  # fmt: skip
    points = []
    for key, n in values.items():
        if by == "week":
            first = date.fromisoformat(key)
            link = {"start": max(first, start), "end": min(first + timedelta(days=6), end)}
        else:
            link = {"by": "month", "key": key, "start": start, "end": end}
        points.append({"key": key, "value": n, "url": _link(
            "stats:measure-rows", measure=measure, counted_at=counted_at,
            region=region.pk if region else None, **link)})  # fmt: skip
    return points


def _ranking(user, code, start, end, region) -> list[dict]:
    """The indicator per institution, best rate first (from the indicator rollup)."""
    counts = stats.indicator_by_institution(user, code, start, end, today=timezone.localdate(),
                                            region=region)  # fmt: skip
    names = dict(Organisation.objects.filter(pk__in=counts).values_list("pk", "name"))
    # Each figure links to the enrolments behind it: the indicator's drill-down narrowed to the
    # institution (and the plan's region), within the reader's scope as the figure is.
    link = {"indicator": code, "start": start, "end": end, "region": region.pk if region else None}
    rows = [
        {"institution": names.get(pk, "—"), "id": pk, "numerator": n, "denominator": d,
         "rate": _percent(n, d),
         "url": _link("stats:indicator-rows", institution=pk, part="numerator", **link),
         "denominator_url": _link("stats:indicator-rows", institution=pk, part="denominator",
                                  **link)}
        for pk, (n, d) in counts.items()
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (-(r["rate"] or 0), -r["denominator"], r["institution"]))


def data(user, params: dict) -> dict:
    """Every figure of the dashboards for `params` (DashboardForm.cleaned_data)."""
    today = timezone.localdate()
    plan = params.get("plan") or default_plan(user, today)
    measure = params.get("measure") or DEFAULT_MEASURE
    code = params.get("indicator") or DEFAULT_INDICATOR
    version = selectors.latest_version(plan) if plan else None
    if plan is not None:
        start, end = selectors.period_of(plan)
        counted_at = selectors.counted_at(plan, measure)
        region = plan.bureau
    else:
        start, end, counted_at, region = date(today.year, 1, 1), today, "completion", None
    if version is not None:
        counties = _unit_rows(user, plan, version, Axis.COUNTY, measure, start, end, counted_at)
        departments = _unit_rows(user, plan, version, Axis.DEPARTMENT, measure, start, end,
                                 counted_at)  # fmt: skip
    else:
        counties = _counted_rows(user, "county", measure, start, end, counted_at)
        departments = _counted_rows(user, "department", measure, start, end, counted_at)
    names = dict(Region.objects.filter(code__in=[c["code"] for c in counties])
                 .values_list("code", "name"))  # fmt: skip
    for row in counties:
        row["region_name"] = names.get(row["code"], row["label"])
        row["on_map"] = row["code"] not in NO_POLYGON
    m, indicator = MEASURES[measure], INDICATORS[code]
    return {
        "plan": {"id": plan.pk, "title": plan.title, "version": version and version.number}
        if plan else None,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "measure": {"code": measure, "name": str(m.name), "unit": str(m.unit),
                    "definition": str(m.definition), "counted_at": counted_at},
        "counties": counties,
        "departments": departments,
        # Coloured by the share of the target where the plan sets one for the measure, else
        # by the count.
        "map": {"name": MAP_NAME,
                "by": "percent" if any(r["target"] for r in counties) else "count"},
        "trends": {
            "week": _trend(user, "week", measure, start, end, counted_at, region),
            "month": _trend(user, "month", measure, start, end, counted_at, region),
        },
        "indicator": {"code": code, "name": str(indicator.name),
                      "formula": str(indicator.formula),
                      "numerator": str(indicator.numerator),
                      "denominator": str(indicator.denominator), "cite": indicator.cite,
                      "institutions": _ranking(user, code, start, end, region)},
    }  # fmt: skip
