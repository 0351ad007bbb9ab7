"""What a report holds, computed once and written to both files (xlsx and PDF): a list of
sections, each a table (title, header, rows) and optionally a bar chart of one of its columns.

The figures are the statistics' own: `stats.selectors.measure_totals` and `indicators` for the
period and the report's region (read as the system, narrowed to the region), and the dispatch
table (dispatch.table) as of the period's last day. So a monthly summary's county table is the
statistics page's county table for the same month and region.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from jineng.core.models import Organisation
from jineng.institutions.models import CreditEvent, CreditEventKind
from jineng.reports import dispatch
from jineng.reports.models import ReportKind
from jineng.reports.readers import SYSTEM
from jineng.stats import selectors as stats
from jineng.stats.measures import INDICATORS, MEASURES

# The four quality indicators of 004 §五(五): 上岗率, 稳岗率, 创业培训合格率, 高技能人才培训占比.
PERFORMANCE = ("placement", "retention", "entrepreneurship_pass", "high_skill_share")


@dataclass
class Section:
    title: str
    header: list
    rows: list[list]
    chart_column: int | None = None  # a bar chart of this column by the first column
    note: str = ""
    highlight: set[int] = field(default_factory=set)  # rows shown as laggards


@dataclass
class Content:
    title: str
    kind: str
    region: Organisation
    start: date
    end: date
    sections: list[Section]


def _rate(n, d):
    return round(100 * n / d, 1) if d else None


def _measures_by(by: str, region, start, end) -> Section:
    columns = {
        code: stats.measure_totals(SYSTEM, code, start, end, by, region=region) for code in MEASURES
    }
    keys = sorted({k for column in columns.values() for k in column}, key=str)
    names = stats.labels(by, keys)
    title = _("Measures by county") if by == "county" else _("Measures by funding department")
    rows = []
    for key in keys:
        label = names.get(key, "—" if key in (None, "", "-") else str(key))
        rows.append(["" if key is None else str(key), label,
                     *(columns[c].get(key, 0) for c in MEASURES)])  # fmt: skip
    rows.append([_("Total"), "", *(sum(columns[c].values()) for c in MEASURES)])
    header = [_("Code"), _("Name"), *(str(m.name) for m in MEASURES.values())]
    note = _("The county table and the department table count the same training twice.")
    return Section(title, header, rows, chart_column=2 if len(rows) > 1 else None, note=note)


def _summary(region, start, end) -> Section:
    ytd = date(end.year, 1, 1)
    rows = []
    for code, measure in MEASURES.items():
        period = stats.measure_totals(SYSTEM, code, start, end, region=region)["total"]
        year = stats.measure_totals(SYSTEM, code, ytd, end, region=region)["total"]
        rows.append([str(measure.name), str(measure.unit), period, year])
    header = [_("Measure"), _("Unit"), _("In the period"), _("Year to date")]
    return Section(_("Measures"), header, rows)


def _dispatch(region, end) -> list[Section]:
    table = dispatch.table(region, end)
    sections = []
    note = _(
        "Share of the year elapsed on %(day)s: %(elapsed)s %%. A unit whose share done is below "
        "it lags behind (highlighted). Rank by share done; the week's change is done on the day "
        "minus done seven days earlier. Done: %(source)s."
    ) % {
        "day": end.isoformat(),
        "elapsed": table.elapsed,
        "source": _("the kept daily snapshot") if table.kept else _("the rollup as it is now"),
    }
    for t in table.tables:
        header = [_("Unit")]
        for code in t.measures:
            name = str(MEASURES[code].name)
            header += [f"{name} {_('target')}", f"{name} {_('done')}", f"{name} %",
                       f"{name} {_('rank')}", f"{name} {_('week')}"]  # fmt: skip
        rows, highlight = [], set()
        for i, row in enumerate(t.rows):
            line = [row.label]
            for code in t.measures:
                c = row.cells[code]
                line += [c.target, c.done, c.percent, c.rank, c.week]
                if c.laggard:
                    highlight.add(i)
            rows.append(line)
        title = _("Dispatch by county") if t.axis == "county" else _("Dispatch by department")
        sections.append(Section(title, header, rows, chart_column=3 if rows else None,
                                note=note, highlight=highlight))  # fmt: skip
    return sections


def _indicators(region, start, end) -> Section:
    rows = []
    for item in stats.indicators(SYSTEM, start, end, today=end, region=region):
        indicator = item["indicator"]
        if not item["available"]:
            rows.append([str(indicator.name), str(indicator.formula), None, None,
                         _("no data: the platform holds no income data")])  # fmt: skip
            continue
        rows.append([str(indicator.name), str(indicator.formula), item["numerator"],
                     item["denominator"], item["rate"]])  # fmt: skip
    header = [_("Indicator"), _("Formula"), _("Numerator"), _("Denominator"), _("Rate (%)")]
    return Section(_("Indicators"), header, rows)


def _performance(region, start, end) -> list[Section]:
    """004 §五(五): the four indicators per institution and for the region."""
    per_inst, names = {}, {}
    region_row = [_("Region total"), ""]
    for code in PERFORMANCE:
        den, num = stats.indicator_sets(SYSTEM, code, start, end, today=end, region=region)
        inst = "training_class__institution__organisation"
        grouped = (
            den.values(inst, f"{inst}__name")
            .annotate(d=Count("id"), n=Count("id", filter=Q(pk__in=num.values("pk"))))
            .order_by(f"{inst}__name")
        )
        for row in grouped:
            names[row[inst]] = row[f"{inst}__name"]
            per_inst.setdefault(row[inst], {})[code] = (row["n"], row["d"])
        d, n = den.count(), num.count()
        region_row += [n, d, _rate(n, d)]
    header = [_("Institution"), _("Code")]
    for code in PERFORMANCE:
        name = str(INDICATORS[code].name)
        header += [f"{name} {_('numerator')}", f"{name} {_('denominator')}", f"{name} (%)"]
    header.append(_("Violations confirmed"))
    violations = _violations(per_inst, start, end)
    rows = []
    for pk in sorted(per_inst, key=lambda k: names[k]):
        line = [names[pk], pk]
        for code in PERFORMANCE:
            n, d = per_inst[pk].get(code, (0, 0))
            line += [n, d, _rate(n, d)]
        rows.append([*line, violations.get(pk, 0)])
    rows.append([*region_row, sum(violations.values())])
    note = _("Formulas: %(formulas)s") % {
        "formulas": "; ".join(
            f"{INDICATORS[c].name} = {INDICATORS[c].formula}" for c in PERFORMANCE
        )
    }
    note += " " + _(
        "Violations confirmed: the violations in each institution's credit file dated in the "
        "period (findings of the data comparison confirmed, 004 §五(六)); they count against "
        "the institution in its assessment (000 §三(八) 奖优罚劣), and one in a year keeps its "
        "annual inspection from passing."
    )
    summary = Section(
        _("Quality indicators of the region (004 §五(五))"),
        [_("Indicator"), _("Numerator"), _("Denominator"), _("Rate (%)")],
        [[str(INDICATORS[c].name), *region_row[2 + 3 * i : 5 + 3 * i]]
         for i, c in enumerate(PERFORMANCE)],
        chart_column=3,
    )  # fmt: skip
    return [summary, Section(_("Quality indicators by institution"), header, rows, note=note)]


def _violations(per_inst: dict, start, end) -> dict:
    """{institution's organisation id: violations in its credit file dated in the period}."""
    return dict(
        CreditEvent.objects.filter(
            institution__organisation__in=list(per_inst), kind=CreditEventKind.VIOLATION,
            at__gte=start, at__lte=end,
        )
        .values("institution__organisation")
        .annotate(n=Count("id"))
        .values_list("institution__organisation", "n")
    )  # fmt: skip


TITLES = {
    ReportKind.WEEKLY: "周调度表",
    ReportKind.MONTHLY: "月小结",
    ReportKind.QUARTERLY: "季通报",
    ReportKind.PERFORMANCE: "职业技能培训绩效评估",
}


def build(kind: str, region: Organisation, start: date, end: date) -> Content:
    if kind == ReportKind.PERFORMANCE:
        sections = _performance(region, start, end)
    elif kind == ReportKind.WEEKLY:
        sections = [*_dispatch(region, end), _summary(region, start, end)]
    else:
        sections = [
            _summary(region, start, end),
            _measures_by("county", region, start, end),
            _measures_by("department", region, start, end),
            *_dispatch(region, end),
            _indicators(region, start, end),
        ]
    title = f"{region.name} {TITLES[kind]}（{start.isoformat()} — {end.isoformat()}）"
    return Content(title, kind, region, start, end, sections)
