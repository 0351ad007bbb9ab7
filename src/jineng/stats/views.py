"""The statistics page (measures by a dimension, the indicators with their formulas) and the
lists behind every figure. The tables come from `tables()`, which the API returns as JSON too
(charts read the same figures)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jineng.core.replica import replica_view
from jineng.core.roles import Capability
from jineng.core.views import capability_required, page_of
from jineng.stats import hooks, selectors
from jineng.stats.forms import IndicatorForm, MeasureForm, StatsForm
from jineng.stats.measures import INDICATORS, MEASURES

DEFAULT_BY = "county"
BY_LABELS = {
    "county": _("county"),
    "city": _("city"),
    "department": _("funding department"),
    "institution": _("institution"),
    "occupation": _("occupation"),
    "category": _("person category"),
    "month": _("month"),
}


def _query(data: dict, **more) -> str:
    values = {
        "start": data["start"].isoformat(),
        "end": data["end"].isoformat(),
        "counted_at": data["counted_at"],
    }
    for name in ("region", "department"):
        if data.get(name) is not None:
            values[name] = data[name].pk
    values.update({k: v for k, v in more.items() if v is not None})
    return urlencode(values)


def tables(user, data: dict) -> dict:
    """Every measure by `data["by"]` (county unless given) and the indicators, with the link to
    the rows behind each figure: what the page shows and the API answers."""
    by = data.get("by") or DEFAULT_BY
    narrow = {"region": data.get("region"), "department": data.get("department")}
    start, end = data["start"], data["end"]
    as_of = _as_of(user, data, by, narrow)
    totals, columns = {}, {}
    for code in MEASURES:
        if as_of and as_of["kept"]:
            totals[code], columns[code] = as_of["kept"][code]["total"], as_of["kept"][code]["by"]
            continue
        columns[code] = selectors.measure_totals(
            user, code, start, end, by, counted_at=data["counted_at"], **narrow
        )
        totals[code] = selectors.measure_totals(
            user, code, start, end, counted_at=data["counted_at"], **narrow
        )["total"]
    keys = sorted({k for column in columns.values() for k in column}, key=lambda k: str(k))
    names = selectors.labels(by, keys)
    rows_url = reverse("stats:measure-rows")
    rows = []
    for key in keys:
        key_text = "none" if key is None else str(key)
        rows.append({
            "key": key_text,
            "label": names.get(key, "—" if key in (None, "-") else str(key)),
            "values": [
                {"measure": code, "value": columns[code].get(key, 0),
                 "url": f"{rows_url}?{_query(data, measure=code, by=by, key=key_text)}"}
                for code in MEASURES
            ],
        })  # fmt: skip
    week = {
        code: selectors.weekly_change(user, code, end, counted_at=data["counted_at"], **narrow)
        for code in MEASURES
    }
    indicator_url = reverse("stats:indicator-rows")
    indicators = []
    # As of a past day, the indicators count what had ended by then, retention waiting from it.
    today = data["as_of"] if data.get("as_of") else timezone.localdate()
    for item in selectors.indicators(user, start, end, today=today, **narrow):
        links = {}
        if item["available"]:
            for part in ("numerator", "denominator"):
                links[f"{part}_url"] = (
                    f"{indicator_url}?{_query(data, indicator=item['code'], part=part)}"
                )
        indicators.append({**item, **links})
    return {
        "by": by,
        "measures": [
            {
                "code": code,
                "measure": m,
                "total": totals[code],
                "week": week[code],
                "url": f"{rows_url}?{_query(data, measure=code)}",
            }
            for code, m in MEASURES.items()
        ],  # fmt: skip
        "rows": rows,
        "indicators": indicators,
        "category_note": by == "category",
        "as_of": as_of and {k: v for k, v in as_of.items() if k != "kept"},
    }


def _as_of(user, data: dict, by: str, narrow: dict) -> dict | None:
    """As of a past day (data["as_of"]): every measure year to date as the day's kept snapshot
    reported it (reports' SnapshotDay/Snapshot, through stats.hooks), or, when that day was not
    kept or the snapshot does not keep `by`, the daily rollup summed up to that day (what is
    known now). None without a day."""
    day = data.get("as_of")
    if day is None:
        return None
    kept = {}
    for code in MEASURES:
        answer = hooks.kept_snapshot(user, day, selectors.rollup_code(code, data["counted_at"]),
                                     by, narrow["region"], narrow["department"])  # fmt: skip
        if answer is None:
            kept = {}
            break
        kept[code] = answer
    taken_at = next(iter(kept.values()))["taken_at"] if kept else None
    return {"day": day, "source": "snapshot" if kept else "rollup", "taken_at": taken_at,
            "kept": kept}  # fmt: skip


@capability_required(Capability.VIEW_STATS)
@replica_view
def index(request):
    form = StatsForm(request.GET)
    context = {"form": form, "by_choices": BY_LABELS.items()}
    if form.is_valid():
        context.update(tables(request.user, form.cleaned_data))
        context["data"] = form.cleaned_data
        context["by_label"] = BY_LABELS[context["by"]]
    return render(request, "stats/index.html", context)


@capability_required(Capability.VIEW_STATS)
@replica_view
def measure_rows(request):
    form = MeasureForm(request.GET)
    context = {"form": form, "kind": None}
    if form.is_valid():
        data = form.cleaned_data
        measure = MEASURES[data["measure"]]
        rows = selectors.measure_rows(
            request.user, data["measure"], data["start"], data["end"],
            counted_at=data["counted_at"], region=data["region"],
            department=data["department"], key_by=data["by"], key=data["key"],
        )  # fmt: skip
        rows = (
            selectors.enrollment_list(rows)
            if measure.fact == "enrollment"
            else selectors.certificate_list(rows)
        )
        context.update(kind=measure.fact, title=measure.name, definition=measure.definition,
                       page=page_of(request, rows), data=data)  # fmt: skip
    return render(request, "stats/rows.html", context)


@capability_required(Capability.VIEW_STATS)
@replica_view
def indicator_rows(request):
    form = IndicatorForm(request.GET)
    context = {"form": form, "kind": None}
    if form.is_valid():
        data = form.cleaned_data
        indicator = INDICATORS[data["indicator"]]
        den, num = selectors.indicator_sets(
            request.user, data["indicator"], data["start"], data["end"],
            today=timezone.localdate(), region=data["region"], department=data["department"],
            institution=data["institution"],
        )  # fmt: skip
        part = data.get("part") or "numerator"
        rows = selectors.enrollment_list(num if part == "numerator" else den)
        definition = indicator.numerator if part == "numerator" else indicator.denominator
        context.update(kind="enrollment", title=indicator.name, definition=definition,
                       page=page_of(request, rows), data=data,
                       institution=data["institution"])  # fmt: skip
    return render(request, "stats/rows.html", context)
