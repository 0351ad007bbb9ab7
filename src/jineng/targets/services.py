"""Writes to target plans: measures, programmes, plans and their versions. Each fails closed
(targets.manage, and the plan's bureau inside the actor's region), runs in a transaction and is
audited. A version is never changed once made: a reallocation makes the next one."""

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.core import audit, writes
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind, acting_user, require_capability
from jineng.core.scope import scoped
from jineng.targets.models import (
    Allocation,
    Axis,
    Measure,
    MeasureUnit,
    Plan,
    PlanTotal,
    PlanVersion,
    Programme,
    ProgrammeTarget,
    TrainingCountedAt,
)

NOT_ALLOWED = gettext_lazy("Only the bureau of the plan's region makes and changes target plans.")
LARGEST = 10**12  # a target beyond every population: a typing error

# The measures shared with the counting side (jineng.stats), by code.
SHARED_MEASURES = [
    ("training", "职业技能培训", MeasureUnit.PERSON_TIMES,
     "002 附件1/附件2 职业技能培训(万人次), §三 年培训…万人次: every completed enrolment in a "
     "subsidised or recorded training class counts once (person-times)."),
    ("new_skilled", "新增技能人才", MeasureUnit.PERSONS,
     "002 附件1/附件2 新增技能人才人数(万人): persons who obtain a skill certificate (职业资格, "
     "职业技能等级 or 专项职业能力) issued in the year, counted once each."),
    ("new_high_skilled", "新增高技能人才", MeasureUnit.PERSONS,
     "002 附件1/附件2 新增高技能人才数(万人), §二(二): persons who obtain a certificate of level "
     "三级/高级工 or above issued in the year, counted once each."),
    ("certified", "取证人数", MeasureUnit.PERSONS,
     "002 §二(二) 取得相应证书, §三 培训后取证人数: persons certified after training."),
    ("certified_high", "其中高级证书人数", MeasureUnit.PERSONS,
     "002 §三 其中高级证书人数: of those certified, the persons whose certificate is 高级工 "
     "(三级) or above."),
]  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One allocation as given to a service: the unit, the measure (its code) and the value."""

    axis: str
    position: int
    label: str
    measure: str
    value: int
    organisation: Organisation | None = None
    programme: Programme | None = None


def _require_manage(bureau: Organisation) -> None:
    require_capability(Capability.MANAGE_TARGETS, NOT_ALLOWED)
    user = acting_user()
    if user is not None and not scoped(user, Organisation.objects.filter(pk=bureau.pk)).exists():
        raise PermissionDenied(str(NOT_ALLOWED))
    writes.ensure_can_write()


def _check_value(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("%(what)s: a target is a whole number.") % {"what": what})
    if value < 0:
        raise ValidationError(_("%(what)s: a target cannot be negative.") % {"what": what})
    if value >= LARGEST:
        raise ValidationError(_("%(what)s: the target is too large.") % {"what": what})
    return value


def _check_reason(reason: str, document_number: str) -> None:
    problems = {}
    if not (reason or "").strip():
        problems["reason"] = _("Give the reason for this version.")
    if not (document_number or "").strip():
        problems["document_number"] = _("Give the document number (文件号) of this version.")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def ensure_measures() -> list[Measure]:
    """The shared measures (idempotent)."""
    require_capability(Capability.MANAGE_TARGETS, NOT_ALLOWED)
    measures = []
    for position, (code, name, unit, definition) in enumerate(SHARED_MEASURES, start=1):
        measure = Measure.objects.filter(code=code).first()
        if measure is None:
            measure = writes.create(
                Measure(code=code, name=name, unit=unit, definition=definition, position=position)
            )
        measures.append(measure)
    return measures


@transaction.atomic
def add_measure(*, bureau: Organisation, code: str, name: str, unit: str, definition: str):
    """A bureau's own measure (e.g. 企业新型学徒制培训 of 002 §三(一))."""
    _require_manage(bureau)
    if Measure.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A measure with this code exists already.")})
    position = 100 + Measure.objects.count()
    measure = Measure(
        code=code, name=name, unit=unit, definition=definition, bureau=bureau, position=position
    )
    return writes.create(measure)


@transaction.atomic
def save_programme(
    *, bureau: Organisation, number: int, name: str, responsible: str, targets_text: str,
    departments: list[Organisation], targets: dict[str, int | None], rates: dict[str, int],
    new: bool = False,
) -> Programme:  # fmt: skip
    """A programme (专项行动) of 002 §三 with its yearly targets: counts by measure code, and
    rates in % (§三(十): 取证率百分之百). A count of None removes that measure's target (unless a
    rate of it is given). `new`: refused if the bureau has a programme of this number (a page
    adding a programme never overwrites one)."""
    _require_manage(bureau)
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the programme's name.")})
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number < 1000:
        raise ValidationError({"number": _("A programme's number is between 1 and 999.")})
    measures = {m.code: m for m in Measure.objects.all()}
    for code in [*targets, *rates]:
        if code not in measures:
            raise ValidationError(_("Unknown measure: %(code)s") % {"code": code})
    for code in set(rates) & {c for c, v in targets.items() if v is not None}:
        raise ValidationError(
            _("%(measure)s: a target is a count or a rate, not both.") % {"measure": measures[code]}
        )
    programme = Programme.objects.filter(bureau=bureau, number=number).first()
    if programme is not None and new:
        raise ValidationError(
            {"number": _("This bureau has a programme with this number already: edit it.")}
        )
    if programme is None:
        programme = writes.create(
            Programme(
                bureau=bureau,
                number=number,
                name=name,
                responsible=responsible,
                targets_text=targets_text,
            )
        )
    else:
        programme = writes.update(
            programme, name=name, responsible=responsible, targets_text=targets_text
        )
    outside = [d for d in departments if not d.path.startswith(bureau.path)]
    if outside:
        raise ValidationError(
            _("%(unit)s is not in the bureau's region.") % {"unit": outside[0].name}
        )
    programme.departments.set(departments)
    for code, value in targets.items():
        if value is None:
            old = ProgrammeTarget.objects.filter(programme=programme, measure__code=code).first()
            if old is not None and code not in rates:
                writes.delete(old, message=_("target cleared"))
            continue
        _check_value(value, name)
        _save_target(programme, measures[code], value=value, rate_percent=None)
    for code, rate in rates.items():
        if isinstance(rate, bool) or not isinstance(rate, int) or not 0 <= rate <= 100:
            raise ValidationError(_("A rate is between 0 and 100 %."))
        _save_target(programme, measures[code], value=None, rate_percent=rate)
    return programme


def _save_target(programme, measure, *, value, rate_percent) -> None:
    target = ProgrammeTarget.objects.filter(programme=programme, measure=measure).first()
    if target is None:
        writes.create(
            ProgrammeTarget(
                programme=programme, measure=measure, value=value, rate_percent=rate_percent
            )
        )
    else:
        writes.update(target, value=value, rate_percent=rate_percent)


def _write_version(
    plan: Plan, *, reason: str, document_number: str, totals: dict[str, int], rows: list[Row]
) -> PlanVersion:
    _check_reason(reason, document_number)
    measures = {m.code: m for m in Measure.objects.all()}
    for code, value in totals.items():
        if code not in measures:
            raise ValidationError(_("Unknown measure: %(code)s") % {"code": code})
        _check_value(value, str(measures[code]))
    seen = set()
    for row in rows:
        if row.measure not in measures:
            raise ValidationError(_("Unknown measure: %(code)s") % {"code": row.measure})
        if row.axis not in Axis.values:
            raise ValidationError(_("Unknown axis: %(axis)s") % {"axis": row.axis})
        _check_value(row.value, f"{row.label} · {measures[row.measure]}")
        key = (row.axis, row.position, row.measure)
        if key in seen:
            raise ValidationError(_("%(unit)s appears twice.") % {"unit": row.label})
        seen.add(key)
    last = plan.versions.order_by("-number").first()
    user = acting_user()
    version = writes.create(
        PlanVersion(
            plan=plan,
            number=(last.number + 1) if last else 1,
            reason=reason.strip(),
            document_number=document_number.strip(),
            created_by=user,
            created_by_label=audit.current().label(),
        )
    )
    new_totals = PlanTotal.objects.bulk_create(
        [PlanTotal(version=version, measure=measures[c], value=v) for c, v in totals.items()]
    )
    allocations = [
        Allocation(
            version=version,
            measure=measures[row.measure],
            axis=row.axis,
            organisation=row.organisation,
            programme=row.programme,
            label=row.label,
            position=row.position,
            value=row.value,
        )
        for row in rows
    ]
    for allocation in allocations:
        allocation.full_clean(exclude=["version"], validate_constraints=False)
    created = Allocation.objects.bulk_create(allocations)
    audit.record_created(new_totals + created, message=str(version))
    return version


@transaction.atomic
def create_plan(
    *, bureau: Organisation, start_year: int, end_year: int, title: str, reason: str,
    document_number: str, totals: dict[str, int], rows: list[Row] = (),
    training_counted_at: str = TrainingCountedAt.COMPLETION,
    copy_from: Plan | None = None,
) -> Plan:  # fmt: skip
    """A new plan of a bureau for a year or a period, with its first version. Its training
    counts at completion unless the plan says at enrolment (`training_counted_at`). `copy_from`:
    a plan of the same bureau (e.g. last year's) whose latest version's allocation rows are
    copied as the starting point (its totals are not: the new plan states its own)."""
    _require_manage(bureau)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the plan's title.")})
    if copy_from is not None:
        if copy_from.bureau_id != bureau.pk:
            raise ValidationError({"copy_from": _("Copy the rows of a plan of the same bureau.")})
        if rows:
            raise ValidationError(_("Give the rows or a plan to copy them from, not both."))
        source = copy_from.versions.order_by("-number").first()
        rows = rows_of(source)[1] if source is not None else []
    if bureau.kind != OrgKind.BUREAU:
        raise ValidationError(_("A target plan belongs to a bureau."))
    if not 2000 <= start_year <= end_year <= 2100:
        raise ValidationError(_("The plan's years are not a period."))
    if Plan.objects.filter(bureau=bureau, start_year=start_year, end_year=end_year).exists():
        raise ValidationError(_("This bureau has a plan for this period already."))
    if training_counted_at not in TrainingCountedAt.values:
        raise ValidationError(_("Training counts at completion or at enrolment."))
    plan = writes.create(
        Plan(bureau=bureau, start_year=start_year, end_year=end_year, title=title.strip(),
             training_counted_at=training_counted_at)
    )  # fmt: skip
    _write_version(
        plan, reason=reason, document_number=document_number, totals=totals, rows=list(rows)
    )
    return plan


@transaction.atomic
def new_version(
    plan: Plan, *, reason: str, document_number: str, totals: dict[str, int], rows: list[Row]
) -> PlanVersion:
    """A new version of the whole plan (the earlier ones stay as they were)."""
    _require_manage(plan.bureau)
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one new version at a time
    return _write_version(
        plan, reason=reason, document_number=document_number, totals=totals, rows=rows
    )


def rows_of(version: PlanVersion) -> tuple[dict[str, int], list[Row]]:
    """A version's totals and rows, as the services take them."""
    totals = {t.measure.code: t.value for t in version.totals.select_related("measure")}
    rows = [
        Row(
            axis=a.axis,
            position=a.position,
            label=a.label,
            measure=a.measure.code,
            value=a.value,
            organisation=a.organisation,
            programme=a.programme,
        )
        for a in version.allocations.select_related("measure", "organisation", "programme")
    ]
    return totals, rows


@transaction.atomic
def reallocate(
    version: PlanVersion, *, reason: str, document_number: str,
    totals: dict[str, int] | None = None, values: dict[tuple[str, int, str], int] | None = None,
) -> PlanVersion:  # fmt: skip
    """A reallocation during the year: the next version, equal to `version` but for the totals
    and the cells (axis, row, measure code) given. Refused unless `version` is the latest (a
    reallocation starts from what is in force)."""
    _require_manage(version.plan.bureau)
    latest = version.plan.versions.order_by("-number").first()
    if latest.pk != version.pk:
        raise ValidationError(
            _("Reallocate from the latest version (%(n)s).") % {"n": latest.number}
        )
    old_totals, rows = rows_of(version)
    values = values or {}
    known = {(r.axis, r.position, r.measure) for r in rows}
    unknown = set(values) - known
    if unknown:
        raise ValidationError(_("No such row in this version."))
    new_rows = [
        replace(r, value=values.get((r.axis, r.position, r.measure), r.value)) for r in rows
    ]
    return new_version(
        version.plan,
        reason=reason,
        document_number=document_number,
        totals={**old_totals, **(totals or {})},
        rows=new_rows,
    )
