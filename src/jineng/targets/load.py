"""Loading 002 as Shangqiu's plans: the programmes of §三, the 2022 plan of 附件1 and 附件2 and
the 2022–2025 goals of §二(二). Used by the demo and by `jineng targets load-annex`; idempotent
(what exists is left as it is, so a reallocated plan is never overwritten).

The 2022 plan's totals: 002 prints no city-wide 2022 figure, only the two tables. The split by
place (附件1) covers the city's whole territory, so its sums are taken as the plan's totals and
the version's reason says so; the department table (附件2, the same training counted by
department) then shows its difference as unallocated (negative: more than the whole).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jineng.core import demo as core_demo
from jineng.core import services as core_services
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.targets import annex, services
from jineng.targets.models import Axis, Measure, MeasureUnit, Plan, Programme

CITY = "411400"


def department_code(number: int) -> str:
    """The code of 附件2's department in row `number` (the demo's codes)."""
    return f"DEPT-{CITY}-{number:02d}"


@dataclass
class Report:
    created: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(self.created) or "nothing to load: everything exists"


@transaction.atomic
def ensure_departments(city: Organisation, report: Report) -> None:
    """附件2's departments as organisations below the city's bureau, where missing (a database
    set up with `jineng setup --region 411400` only has the bureaus). Run by the system's named
    work (the command), never from a page."""
    for number, seed_name in enumerate(core_demo.DEPARTMENTS, start=1):
        code = department_code(number)
        if not Organisation.objects.filter(code=code).exists():
            core_services.create_organisation(
                kind=OrgKind.DEPARTMENT,
                name=core_demo.department_name(seed_name),
                code=code,
                parent=city,
                region_code=CITY,
            )
            report.created.append(code)


def _department(seed_name: str) -> Organisation | None:
    if seed_name not in core_demo.DEPARTMENTS:
        return None
    code = department_code(core_demo.DEPARTMENTS.index(seed_name) + 1)
    return Organisation.objects.filter(code=code, kind=OrgKind.DEPARTMENT).first()


@transaction.atomic
def load_programmes(city: Organisation, report: Report) -> None:
    services.ensure_measures()
    if not Measure.objects.filter(code="apprenticeship").exists():
        services.add_measure(
            bureau=city,
            code="apprenticeship",
            name="企业新型学徒制培训",
            unit=MeasureUnit.PERSON_TIMES,
            definition="002 §三(一) 其中企业新型学徒制培训0.15万人次以上: the training of the "
            "enterprises' new apprenticeships, part of the programme's training.",
        )
        report.created.append("measure apprenticeship")
    for spec in annex.PROGRAMMES:
        if Programme.objects.filter(bureau=city, number=spec.number).exists():
            continue
        departments = [d for d in map(_department, spec.departments()) if d is not None]
        services.save_programme(
            bureau=city,
            number=spec.number,
            name=spec.name,
            responsible=spec.responsible,
            targets_text=spec.targets_text,
            departments=departments,
            targets={
                "training": spec.training,
                "certified": spec.certified,
                "certified_high": spec.certified_high,
                "apprenticeship": spec.apprenticeship,
            },
            rates={"certified": spec.certified_rate} if spec.certified_rate else {},
        )
        report.created.append(f"programme ({spec.number})")


def annex_rows(city: Organisation) -> list[services.Row]:
    """附件1 by county, 附件2 by department, and §三's programme targets, as allocation rows."""
    tables = annex.parse()
    rows = []
    for axis, table in ((Axis.COUNTY, tables["附件1"]), (Axis.DEPARTMENT, tables["附件2"])):
        for line in table.rows:
            if axis == Axis.COUNTY:
                unit = Organisation.objects.filter(
                    code=annex.COUNTY_CODES[line.name], kind=OrgKind.BUREAU
                ).first()
            else:
                unit = _department(line.name)
            if unit is None:
                raise ValidationError(
                    _("%(unit)s has no organisation here: load the departments first.")
                    % {"unit": line.name}
                )
            for code, value in zip(annex.ANNEX_MEASURES, line.values, strict=True):
                rows.append(services.Row(axis, line.number, line.name, code, value, unit))
    for programme in Programme.objects.filter(bureau=city).prefetch_related("targets__measure"):
        for target in programme.targets.all():
            if target.value is not None and target.measure.code != "apprenticeship":
                rows.append(
                    services.Row(
                        Axis.PROGRAMME,
                        programme.number,
                        f"({programme.numeral}){programme.name}",
                        target.measure.code,
                        target.value,
                        programme=programme,
                    )
                )
    return rows


@transaction.atomic
def load_plans(city: Organisation, report: Report) -> None:
    if not Plan.objects.filter(bureau=city, start_year=2022, end_year=2022).exists():
        county_table = annex.parse()["附件1"]
        totals = {
            code: sum(row.values[i] for row in county_table.rows)
            for i, code in enumerate(annex.ANNEX_MEASURES)
        }
        services.create_plan(
            bureau=city,
            start_year=2022,
            end_year=2022,
            title="2022年“人人持证、技能河南”建设目标任务指导计划",
            # A bureau's record, in its language: the annexes as printed, and why the totals
            # are 附件1's sums (the document prints no city-wide figure for 2022).
            reason="按附件1、附件2原文录入；原文未列全市2022年总量，计划总量取附件1（县市区）合计",
            document_number=annex.DOCUMENT_NUMBER,
            totals=totals,
            rows=annex_rows(city),
        )
        report.created.append("plan 2022")
    start, end = annex.GOAL_YEARS
    if not Plan.objects.filter(bureau=city, start_year=start, end_year=end).exists():
        services.create_plan(
            bureau=city,
            start_year=start,
            end_year=end,
            title="“人人持证、技能河南”商丘新高地2025年主要目标",
            reason="按实施方案二（二）主要目标录入",
            document_number=annex.DOCUMENT_NUMBER,
            totals=dict(annex.GOAL_2025),
        )
        report.created.append(f"plan {start}–{end}")


@transaction.atomic
def load_all(*, create_departments: bool = False) -> Report:
    """Everything of 002 for 商丘市 (its bureau must exist: `jineng setup --region 411400`)."""
    report = Report()
    city = Organisation.objects.filter(code=CITY, kind=OrgKind.BUREAU).first()
    if city is None:
        raise ValidationError(_("No bureau of 411400: run `jineng setup --region 411400` first."))
    if create_departments:
        ensure_departments(city, report)
    load_programmes(city, report)
    load_plans(city, report)
    return report
