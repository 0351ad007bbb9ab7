"""The facts behind each measure and each indicator, as querysets with the same annotations
(`day`, `org_path`, `department_path`): the rollups group them, the drill-down lists them, so a
figure and the list behind it are the same rows."""

from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate

from jineng.certificates.models import Certificate, CertificateStatus
from jineng.people.models import CategoryRecord, EmploymentRecord
from jineng.policy.codes import TrainingType
from jineng.stats import windows
from jineng.stats.measures import (
    AT_ENROLMENT,
    SKILL_KINDS,
    STAY_DAYS,
    TRAINING_AT_ENROLMENT,
)
from jineng.training.models import Enrollment, EnrollmentState

CLASS_ORG = "training_class__institution__organisation__path"
CLASS_DEPT = "training_class__funding_department__path"


def _subsidised_class() -> Q:
    # Platform classes always name a fund channel; history ones count when they were subsidised.
    return Q(training_class__fund_channel__isnull=False) | Q(
        training_class__history_subsidised=True
    )


def enrollments(counted_at: str) -> QuerySet[Enrollment]:
    """Training (人次): completed enrolments on the class's end day, or at enrolment every
    enrolment not withdrawn on its day."""
    rows = Enrollment.objects.filter(_subsidised_class())
    if counted_at == AT_ENROLMENT:
        rows = rows.exclude(state=EnrollmentState.WITHDRAWN).annotate(day=TruncDate("enrolled_at"))
    else:
        rows = rows.filter(state=EnrollmentState.COMPLETED).annotate(
            day=F("training_class__end_date")
        )
    return rows.annotate(
        org_path=F(CLASS_ORG),
        department_path=Coalesce(F(CLASS_DEPT), Value("")),
        dept_id=F("training_class__funding_department_id"),
        inst_id=F("training_class__institution__organisation_id"),
        occ_id=F("training_class__occupation_id"),
    )


def _valid_skill(**more) -> Q:
    return Q(status=CertificateStatus.VALID, kind__in=SKILL_KINDS, **more)


def certificates(measure: str) -> QuerySet[Certificate]:
    rows = Certificate.objects.filter(_valid_skill())
    if measure in {"new_skilled", "new_high_skilled"}:
        high = {"level__is_high_skill": True} if measure == "new_high_skilled" else {}
        rows = rows.filter(**high)
        # First ever for the person: no earlier one of the same sort (by day, then id).
        earlier = Certificate.objects.filter(
            _valid_skill(**high),
            Q(issued_on__lt=OuterRef("issued_on"))
            | Q(issued_on=OuterRef("issued_on"), id__lt=OuterRef("id")),
            person=OuterRef("person"),
        )
        rows = rows.filter(~Exists(earlier))
    else:
        rows = rows.filter(training_class__isnull=False)
        if measure == "certified_high":
            rows = rows.filter(level__is_high_skill=True)
    return rows.annotate(
        day=F("issued_on"),
        org_path=Coalesce(F(CLASS_ORG), F("person__organisation__path")),
        department_path=Coalesce(F(CLASS_DEPT), Value("")),
        dept_id=F("training_class__funding_department_id"),
        inst_id=F("training_class__institution__organisation_id"),
        occ_id=F("occupation_id"),
    )


def facts(measure: str) -> QuerySet:
    """The rows one measure counts (each row counts one), with `day`, `org_path` and
    `department_path`. `measure` may be the rollup's TRAINING_AT_ENROLMENT."""
    if measure == "training":
        return enrollments("completion")
    if measure == TRAINING_AT_ENROLMENT:
        return enrollments(AT_ENROLMENT)
    return certificates(measure)


def in_period(rows: QuerySet, start: date | None, end: date | None) -> QuerySet:
    if start:
        rows = rows.filter(day__gte=start)
    if end:
        rows = rows.filter(day__lte=end)
    return rows


CATEGORY = "person__categories__category__code"


def with_category(rows: QuerySet) -> tuple[QuerySet, QuerySet]:
    """The facts once per person category valid on their day (004 §二), grouped by CATEGORY,
    and the facts of persons with no category valid that day."""
    valid_on_day = Q(person__categories__valid_from__lte=F("day")) & (
        Q(person__categories__valid_to__isnull=True) | Q(person__categories__valid_to__gte=F("day"))
    )
    any_valid = CategoryRecord.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("day")),
        person=OuterRef("person"),
        valid_from__lte=OuterRef("day"),
    )
    return rows.filter(valid_on_day), rows.filter(~Exists(any_valid))


# --- indicators --------------------------------------------------------------------------------
# The enrolments behind each indicator (004 §五(五), 002 §五(三)), annotated like the facts of the
# measures with `day` (the class's end day), `org_path`, `department_path`, `dept_id` and
# `inst_id`: the indicator rollup groups them and the drill-down lists them.

CLASS_END = "training_class__end_date"
# An indicator whose denominator takes only classes that ended at least this many days before
# the reader's `today` (retention: the pack's stay_days, STAY_DAYS where no pack says). The
# rollup keeps the class's end day, so the filter applies when it is read (waiting()).
INDICATOR_WAIT_DAYS = {"retention": STAY_DAYS}


def waiting(today: date) -> dict[str, Q]:
    """Per indicator that waits, the condition (on `org_path` and `day`, which the indicator
    facts and the indicator rollup both have) of the rows still waiting on `today`: retention's
    classes that ended less than the governing pack's stay_days before it."""
    return {
        "retention": windows.per_scope(lambda w: Q(day__gt=today - timedelta(days=w.stay_days)))
    }


def _employed_within(days: int) -> Exists:
    return Exists(
        EmploymentRecord.objects.filter(
            Q(end__isnull=True) | Q(end__gt=OuterRef(CLASS_END)),
            person=OuterRef("person"),
            start__lte=OuterRef(CLASS_END) + timedelta(days=days),
        )
    )


def _insured_on_day_after(days: int) -> Exists:
    # In force on end + days: started by then and not ended before (end > the day before).
    return Exists(
        EmploymentRecord.objects.filter(
            Q(end__isnull=True) | Q(end__gt=OuterRef(CLASS_END) + timedelta(days=days - 1)),
            person=OuterRef("person"),
            start__lte=OuterRef(CLASS_END) + timedelta(days=days),
        )
    )


def _certified() -> Exists:
    return Exists(
        Certificate.objects.filter(
            person=OuterRef("person"),
            training_class=OuterRef("training_class"),
            status=CertificateStatus.VALID,
            kind__in=SKILL_KINDS,
        )
    )


COMPLETED = Q(state=EnrollmentState.COMPLETED)


def indicator_rows() -> QuerySet[Enrollment]:
    """Every enrolment not withdrawn, with the dimensions of the indicators: what each
    indicator's denominator narrows (indicator_conditions)."""
    return Enrollment.objects.exclude(state=EnrollmentState.WITHDRAWN).annotate(
        day=F(CLASS_END),
        org_path=F(CLASS_ORG),
        department_path=Coalesce(F(CLASS_DEPT), Value("")),
        dept_id=F("training_class__funding_department_id"),
        inst_id=F("training_class__institution__organisation_id"),
    )


def _of_type(training_type: str) -> Q:
    return Q(training_class__training_type__code=training_type)


def indicator_conditions(code: str) -> tuple[Q, Q | Exists]:
    """(the condition that puts one of indicator_rows in the denominator, the one that makes it
    count in the numerator) of an indicator: conditions, so that the rollup counts every
    indicator in one pass over the enrolments."""
    if code in {"placement", "employment_rate"}:
        employed = windows.per_scope(lambda w: _employed_within(w.employment_days))
        if code == "employment_rate":
            return COMPLETED, employed
        return COMPLETED & _of_type(TrainingType.EMPLOYMENT_SKILLS), employed
    if code == "retention":
        stayed = windows.per_scope(lambda w: _insured_on_day_after(w.stay_days))
        return COMPLETED & _of_type(TrainingType.JOB_SKILLS_UPGRADE), stayed
    if code == "entrepreneurship_pass":
        return _of_type(TrainingType.ENTREPRENEURSHIP), COMPLETED
    if code == "high_skill_share":
        return COMPLETED, Q(training_class__level__is_high_skill=True)
    if code == "certificate_rate":
        return COMPLETED, _certified()
    raise KeyError(code)


def indicator_facts(code: str) -> tuple[QuerySet[Enrollment], Q | Exists]:
    """(denominator rows, the condition that makes one of them count in the numerator) of an
    indicator, over every enrolment (no period, no scope, no `today`: see INDICATOR_WAIT_DAYS)."""
    den, hit = indicator_conditions(code)
    return indicator_rows().filter(den), hit
