"""The facts behind each measure, as querysets with the same annotations (`day`, `org_path`,
`department_path`): the rollup groups them, the drill-down lists them, so a figure and the list
behind it are the same rows."""

from datetime import date

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate

from jineng.certificates.models import Certificate, CertificateStatus
from jineng.people.models import CategoryRecord
from jineng.stats.measures import AT_ENROLMENT, SKILL_KINDS, TRAINING_AT_ENROLMENT
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
