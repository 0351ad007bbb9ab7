"""Training classes: every change through here, checked, audited, on the trainees' ledgers.

The opening application (开班申请, 004 §四(三)) is drafted by a designated institution, submitted,
and approved or rejected by the bureau; the class then runs, records attendance and completes
(结业) when its end date has passed and every trainee is decided by the policy pack.
"""

import hashlib
import secrets
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog import timetable
from jineng.catalog.packs import pack_for, record_decision
from jineng.core import audit, states, writes
from jineng.core.i18n import language
from jineng.core.models import Organisation
from jineng.core.readiness import Ready
from jineng.core.roles import (
    Capability,
    OrgKind,
    acting_user,
    require_actor,
    require_capability,
)
from jineng.core.scope import scoped
from jineng.institutions.models import Engagement, Institution, InstitutionState, Teacher
from jineng.people import ledger
from jineng.people.models import Person
from jineng.policy import (
    CompletionCase,
    check_commitment_allowed,
    check_training_end,
    decide_completion,
)
from jineng.training import eligibility, hooks, places, signals, signing
from jineng.training.models import (
    ACTIVE_STATES,
    EDITABLE_STATES,
    WORKFLOW,
    CheckIn,
    ClassSource,
    ClassState,
    Commitment,
    Device,
    Direction,
    Enrollment,
    EnrollmentState,
    Flag,
    LateMarkRequest,
    LateMarkState,
    ManualMark,
    Session,
    StudyMode,
    TrainingClass,
)

MAX_COMMITMENT_BYTES = 10 * 1024 * 1024
# Changes that need a reason, shown to the institution or written in the history.


def _reasons(decision) -> str:
    return "; ".join(decision.reasons("zh" if language() == "zh" else "en"))


# --- the class and its application ----------------------------------------------------------

CLASS_FIELDS = (
    "name", "occupation", "level", "training_type", "fund_channel", "funding_department",
    "start_date", "end_date", "venue", "site_latitude", "site_longitude", "site_radius",
    "capacity", "study_mode", "assessment_plan", "commitment_reason",
)  # fmt: skip


def funding_departments(institution: Institution) -> QuerySet[Organisation]:
    """The departments that may fund a class of the institution (004 §五(一)): those of the
    bureaus at or above it (the city's 市总工会 for a county institution too)."""
    bureaus = [int(pk) for pk in institution.organisation.path.strip("/").split("/")]
    return Organisation.objects.filter(
        kind=OrgKind.DEPARTMENT, parent_id__in=bureaus, is_active=True
    ).order_by("path")


def _check_funding_department(institution: Institution, values: dict) -> None:
    department = values.get("funding_department")
    if (
        department is not None
        and not funding_departments(institution).filter(pk=department.pk).exists()
    ):
        raise ValidationError(
            {"funding_department": _("%(name)s cannot fund this institution's classes.")
             % {"name": department}}
        )  # fmt: skip


def next_code(institution: Institution, year: int) -> str:
    """Class numbers: year, institution, running number (2026-0012-003)."""
    prefix = f"{year}-{institution.pk:04d}-"
    taken = TrainingClass.objects.filter(code__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@transaction.atomic
def create_class(institution: Institution, *, teachers=None, **values) -> TrainingClass:
    """A draft opening application; it is checked in full when submitted. `teachers`, when
    given, are set with it (the application's form), in the same transaction."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution opens its classes."))
    _check_fields(values)
    _check_funding_department(institution, values)
    places.check_site(*(values.get(f"site_{name}") for name in SITE_PARTS))
    Institution.objects.select_for_update().get(pk=institution.pk)  # one number at a time
    start = values.get("start_date") or timezone.localdate()
    training_class = TrainingClass(
        institution=institution, code=next_code(institution, start.year), **values
    )
    _check_dates(training_class)
    training_class = writes.create(training_class)
    if teachers is not None:
        set_teachers(training_class, list(teachers))
    return training_class


@transaction.atomic
def update_class(training_class: TrainingClass, *, teachers=None, **values) -> TrainingClass:
    require_capability(Capability.RUN_CLASSES, _("Only the institution opens its classes."))
    training_class = _locked(training_class)
    _check_editable(training_class)
    _check_fields(values)
    _check_funding_department(training_class.institution, values)
    places.check_site(*(values.get(f"site_{name}", getattr(training_class, f"site_{name}"))
                        for name in SITE_PARTS))  # fmt: skip
    # Checked on a stand-in: writes.update must see the old values to save and log the change.
    _check_dates(
        TrainingClass(
            start_date=values.get("start_date", training_class.start_date),
            end_date=values.get("end_date", training_class.end_date),
        )
    )
    training_class = writes.update(training_class, **values)
    if teachers is not None:  # checked against the year of the (new) start date
        set_teachers(training_class, list(teachers))
    return training_class


SITE_PARTS = ("latitude", "longitude", "radius")


def _check_fields(values: dict) -> None:
    unknown = sorted(set(values) - set(CLASS_FIELDS))
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s") % {"names": ", ".join(unknown)})
    if "study_mode" in values and values["study_mode"] not in StudyMode.values:
        raise ValidationError({"study_mode": _("Choose full-time or part-time.")})


def _locked(training_class: TrainingClass) -> TrainingClass:
    return TrainingClass.objects.select_for_update().get(pk=training_class.pk)


def _check_editable(training_class: TrainingClass) -> None:
    if training_class.state not in EDITABLE_STATES:
        raise ValidationError(
            _("A class that is “%(state)s” can no longer be changed.")
            % {"state": training_class.get_state_display()}
        )


def _check_dates(training_class: TrainingClass) -> None:
    start, end = training_class.start_date, training_class.end_date
    if start and end and end < start:
        raise ValidationError({"end_date": _("The end is before the start.")})


def check_designated(training_class: TrainingClass) -> None:
    """A class only for an occupation and level the institution is designated for (定点),
    over its whole period, while the institution is designated."""
    institution = training_class.institution
    if institution.state != InstitutionState.DESIGNATED:
        raise ValidationError(
            _("The institution is “%(state)s”: only a designated institution opens classes.")
            % {"state": institution.get_state_display()}
        )
    covering = institution.designations.filter(
        occupation=training_class.occupation_id,
        level=training_class.level_id,
        valid_from__lte=training_class.start_date,
        valid_to__gte=training_class.end_date,
    )
    if not covering.exists():
        raise ValidationError(
            _("The institution is not designated for %(occupation)s at %(level)s from %(start)s "
              "to %(end)s.")
            % {
                "occupation": training_class.occupation.name,
                "level": training_class.level.name,
                "start": training_class.start_date,
                "end": training_class.end_date,
            }
        )  # fmt: skip


def _pack(training_class: TrainingClass, on_date: date):
    region = training_class.institution.organisation.region_code
    found = pack_for(region, on_date) if region else None
    if found is None:
        raise ValidationError(
            _("No policy pack covers region %(region)s on %(date)s.")
            % {"region": region or "—", "date": on_date}
        )
    return found


# 004 §四(三): the class is trained after the bureau has reviewed its application, so the
# application comes the pack's lead time before the start and is approved before the start.
LEAD_DAYS = "procedure.application_lead_days"


def submission_deadline(training_class: TrainingClass) -> date:
    """The last day the opening application may be submitted: the start date minus the pack's
    lead time in calendar days (the pack that covers the class's start)."""
    _version, pack = _pack(training_class, training_class.start_date)
    rule = pack.rule(LEAD_DAYS)
    if rule is None:
        raise ValidationError(
            _("The policy pack does not state how many days before its start a class is "
              "submitted (%(key)s): add it to the pack before submitting.")
            % {"key": LEAD_DAYS}
        )  # fmt: skip
    return training_class.start_date - timedelta(days=rule.value)


def timing_readiness(training_class: TrainingClass, to_state: str) -> Ready:
    """May the class be submitted, approved or started today (004 §四(三))? A class is
    submitted by its deadline, approved before its first day, started from it. The service and
    the class page's buttons (disabled with the reason) ask this one rule."""
    today = timezone.localdate()
    start = training_class.start_date
    if to_state == ClassState.SUBMITTED:
        try:
            deadline = submission_deadline(training_class)
        except ValidationError as problem:
            return Ready.no("; ".join(problem.messages))
        if today > deadline:
            return Ready.no(_(
                "Too late to submit: the class starts on %(start)s and its application had to "
                "be submitted by %(deadline)s (%(days)d days before the start); today is "
                "%(today)s. Move the class's dates."
            ) % {"start": start, "deadline": deadline, "days": (start - deadline).days,
                 "today": today})  # fmt: skip
    if to_state == ClassState.APPROVED and today >= start:
        return Ready.no(_(
            "Too late to approve: the class starts on %(start)s and is approved only before "
            "it starts; today is %(today)s. Reject it so that the institution moves its dates."
        ) % {"start": start, "today": today})  # fmt: skip
    if to_state == ClassState.IN_PROGRESS and today < start:
        return Ready.no(_("The class starts on %(date)s.") % {"date": start})
    return Ready()


def timetable_warning(training_class: TrainingClass, packs: dict | None = None) -> str:
    """004 §四(三) 确保8月底前完成培训任务: the warning when the class is planned to end after
    the training deadline of the year it starts in ("" when it ends in time, when it is past
    training recorded as history, or when no pack states the date). Shown on the class page,
    in the review queue and when the class is submitted or approved; never a refusal."""
    if training_class.source == ClassSource.HISTORY:
        return ""
    start, end = training_class.start_date, training_class.end_date
    return timetable.warning(
        training_class.institution.organisation.region_code,
        start.year,
        lambda pack: check_training_end(pack, start, end),
        packs,
    )


def check_application(training_class: TrainingClass) -> None:
    """Everything an opening application needs before the bureau sees it (004 §四(三))."""
    check_designated(training_class)
    problems = []
    if not training_class.sessions.exists():
        problems.append(_("The timetable has no session."))
    if not training_class.teachers.exists():
        problems.append(_("The class has no teacher."))
    if not training_class.assessment_plan.strip():
        problems.append(_("The assessment plan is empty."))
    enrolled = training_class.enrollments.filter(state=EnrollmentState.ENROLLED).count()
    if enrolled == 0:
        problems.append(_("The roster is empty."))
    if enrolled > training_class.capacity:
        problems.append(_("The roster is larger than the capacity."))
    outside = training_class.sessions.filter(
        Q(starts_at__date__lt=training_class.start_date)
        | Q(ends_at__date__gt=training_class.end_date)
    )
    if outside.exists():
        problems.append(_("A session lies outside the class's dates."))
    if training_class.commitment_reason:
        problems += _commitment_problems(training_class)
    if problems:
        raise ValidationError(problems)


def _commitment_problems(training_class: TrainingClass) -> list[str]:
    """承诺制 (004 §五(二)): allowed by the pack for this kind of training, commitment signed."""
    _version, pack = _pack(training_class, training_class.start_date)
    allowed = check_commitment_allowed(pack, training_class.commitment_reason)
    problems = [] if allowed.passed else [getattr(allowed, f"message_{language()}")]
    if not Commitment.objects.filter(training_class=training_class).exists():
        problems.append(_("Upload the signed commitment (承诺书)."))
    return problems


@transaction.atomic
def attach_commitment(training_class: TrainingClass, *, filename: str, content: bytes,
                      content_type: str) -> Commitment:  # fmt: skip
    """Store the signed commitment (承诺书) of a class under commitment, replacing a draft's."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution opens its classes."))
    training_class = _locked(training_class)
    _check_editable(training_class)
    if not training_class.commitment_reason:
        raise ValidationError(_("This class is not under commitment."))
    if not content or len(content) > MAX_COMMITMENT_BYTES:
        raise ValidationError(_("The commitment must be a file of at most 10 MB."))
    existing = Commitment.objects.filter(training_class=training_class).first()
    if existing is not None:
        writes.delete(existing)
    return writes.create(
        Commitment(
            training_class=training_class, filename=filename[:200],
            content_type=content_type[:100] or "application/octet-stream",
            content=Commitment.CONTENT.seal(content),
            sha256=hashlib.sha256(content).hexdigest(), uploaded_by=acting_user(),
        ),
        validate=False,
    )  # fmt: skip


def read_commitment(commitment: Commitment) -> bytes:
    """The signed commitment as uploaded, for those who see its class (sealed at rest)."""
    require_capability(Capability.VIEW_CLASSES, _("You cannot see training classes."))
    user = acting_user()
    visible = TrainingClass.objects.filter(pk=commitment.training_class_id)
    if user is not None and not scoped(user, visible).exists():
        raise PermissionDenied(_("This class is outside your scope."))
    return Commitment.CONTENT.open(commitment.content)


@transaction.atomic
def set_teachers(training_class: TrainingClass, teachers: list[Teacher]) -> None:
    """Teachers come from the institution's pool: engaged by it in the class's year."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution opens its classes."))
    training_class = _locked(training_class)
    _check_editable(training_class)
    year = training_class.start_date.year
    engaged = set(
        Engagement.objects.filter(
            institution=training_class.institution, year=year, teacher__in=teachers
        ).values_list("teacher_id", flat=True)
    )
    strangers = [str(t) for t in teachers if t.pk not in engaged]
    if strangers:
        raise ValidationError(
            _("Not a teacher of the institution in %(year)s: %(names)s")
            % {"year": year, "names": "、".join(strangers)}
        )
    before = sorted(training_class.teachers.values_list("pk", flat=True))
    training_class.teachers.set(teachers)
    after = sorted(t.pk for t in teachers)
    if before != after:
        audit.record("update", training_class, before={"teachers": before},
                     after={"teachers": after})  # fmt: skip


# --- state changes ---------------------------------------------------------------------------


@transaction.atomic
def change_state(training_class: TrainingClass, to_state: str, *, reason: str = ""):
    """Take a step of the class's WORKFLOW: the bureau approves, rejects, cancels and closes;
    the institution submits, withdraws, revises and starts. Completion goes through complete()."""
    require_actor()  # before the lock: an anonymous caller reads nothing
    training_class = _locked(training_class)
    refuse_history(training_class)
    if to_state == ClassState.COMPLETED:  # only complete() takes it, deciding every trainee
        raise WORKFLOW.refused(training_class.state, to_state)
    states.check(training_class, to_state)
    _check_preconditions(training_class, to_state)
    return states.move(training_class, to_state, reason=reason)


def refuse_history(training_class: TrainingClass) -> None:
    """A class recorded as history (历史导入, training.history) ran under another system: no
    step of the platform's workflow applies to it."""
    if training_class.source == ClassSource.HISTORY:
        raise ValidationError(
            _("Class %(code)s is past training recorded as history (历史导入): it was not run "
              "on this platform and its state does not change.") % {"code": training_class.code}
        )  # fmt: skip


def _check_preconditions(training_class: TrainingClass, to_state: str) -> None:
    timing_readiness(training_class, to_state).check()
    if to_state in {ClassState.SUBMITTED, ClassState.APPROVED}:
        check_application(training_class)


def submit(training_class, reason: str = ""):
    return change_state(training_class, ClassState.SUBMITTED, reason=reason)


def approve(training_class, reason: str = ""):
    return change_state(training_class, ClassState.APPROVED, reason=reason)


def reject(training_class, reason: str):
    return change_state(training_class, ClassState.REJECTED, reason=reason)


def review_many(classes, *, approve_them: bool, reason: str = "") -> dict[str, list]:
    """Bulk review from the queue: each class on its own, so one refusal stops no other."""
    done, refused = [], []
    target = ClassState.APPROVED if approve_them else ClassState.REJECTED
    for training_class in classes:
        try:
            change_state(training_class, target, reason=reason)
            done.append(training_class)
        except ValidationError as problem:
            refused.append((training_class, "; ".join(problem.messages)))
    return {"done": done, "refused": refused}


def start_if_due(training_class: TrainingClass) -> None:
    """An approved class whose first session begins is in progress (attendance starts it)."""
    due = timezone.localdate() >= training_class.start_date
    if training_class.state != ClassState.APPROVED or not due:
        return
    locked = _locked(training_class)
    # Two first events at once: the second waits for the lock and finds the class started.
    if locked.state == ClassState.APPROVED:
        states.move(locked, ClassState.IN_PROGRESS, reason=_("first attendance"))
    training_class.state = ClassState.IN_PROGRESS


# --- timetable --------------------------------------------------------------------------------


@transaction.atomic
def add_session(
    training_class: TrainingClass,
    *,
    starts_at: datetime,
    ends_at: datetime,
    topic: str,
    teacher: Teacher | None = None,
    site_address: str = "",
    site_latitude: float | None = None,
    site_longitude: float | None = None,
    site_radius: int | None = None,
) -> Session:
    """A session of the timetable; held away from the class's site, with a site of its own."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution opens its classes."))
    training_class = _locked(training_class)
    _check_editable(training_class)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session ends after it starts.")})
    day_start, day_end = (timezone.localtime(t).date() for t in (starts_at, ends_at))
    if day_start < training_class.start_date or day_end > training_class.end_date:
        raise ValidationError(_("A session lies outside the class's dates."))
    if not topic.strip():
        raise ValidationError({"topic": _("Give the session's topic.")})
    if teacher is not None and not training_class.teachers.filter(pk=teacher.pk).exists():
        raise ValidationError({"teacher": _("This teacher does not teach the class.")})
    if training_class.sessions.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationError(_("The session overlaps another session of the class."))
    places.check_site(site_latitude, site_longitude, site_radius)
    session = Session(training_class=training_class, starts_at=starts_at, ends_at=ends_at,
                      topic=topic.strip(), teacher=teacher, site_address=site_address.strip(),
                      site_latitude=site_latitude, site_longitude=site_longitude,
                      site_radius=site_radius)  # fmt: skip
    people = list(
        training_class.enrollments.filter(state=EnrollmentState.ENROLLED).values_list(
            "person_id", flat=True
        )
    )
    _refuse_overlaps(people, [(starts_at, ends_at)], training_class)
    return writes.create(session)


@transaction.atomic
def remove_session(session: Session) -> None:
    require_capability(Capability.RUN_CLASSES, _("Only the institution opens its classes."))
    _check_editable(_locked(session.training_class))
    writes.delete(session)


def _refuse_overlaps(person_ids, periods, training_class: TrainingClass) -> None:
    """The same person in another class whose sessions overlap these periods is refused."""
    clash = overlapping_classes(person_ids, periods, exclude=training_class.pk)
    if clash:
        names = "、".join(f"{person.name}（{other.code}）" for person, other in clash[:5])
        raise ValidationError(
            _("Already in a class whose sessions overlap: %(names)s") % {"names": names}
        )


def overlapping_classes(person_ids, periods, *, exclude: int | None = None):
    """[(person, other class)] for people enrolled in another active class with a session
    overlapping one of the periods [(start, end)]."""
    if not person_ids or not periods:
        return []
    overlap = Q()
    for start, end in periods:
        overlap |= Q(training_class__sessions__starts_at__lt=end,
                     training_class__sessions__ends_at__gt=start)  # fmt: skip
    found = (
        Enrollment.objects.filter(
            overlap,
            person_id__in=person_ids,
            state=EnrollmentState.ENROLLED,
            training_class__state__in=ACTIVE_STATES,
        )
        .exclude(training_class_id=exclude)
        .select_related("person", "training_class")
        .distinct()
    )
    return [(enrollment.person, enrollment.training_class) for enrollment in found]


# --- enrolment --------------------------------------------------------------------------------


def prior_training_subsidies(person: Person) -> list:
    """The person's earlier subsidies (PriorSubsidy, from their claim lines), for the limits of
    004 §四(五); the engine counts the types each limit names. Claims provides them."""
    return hooks.subsidy_history([person.pk])[person.pk]


@transaction.atomic
def enrol(training_class: TrainingClass, person: Person, *, voucher=None) -> Enrollment:
    """Put a registered person on the roster, with the eligibility the pack decides now.

    Refused: a full class, a person already on it, a person in another class whose sessions
    overlap, a person in another running class of the same occupation and level, and a person
    without the practising licence an occupation the pack lists needs, valid on the day the pack
    counts categories on (004 §五(一): 保安员、电工、焊工等). A `voucher`
    (电子培训券, 002 §四(五)3) is checked first and redeemed with the enrolment: the holder is the
    person, claimed, valid, for the class's occupation (the vouchers app, through training.hooks).
    """
    require_capability(Capability.RUN_CLASSES, _("Only the institution enrols its trainees."))
    training_class = _locked(training_class)
    if training_class.state not in EDITABLE_STATES | {ClassState.APPROVED}:
        raise ValidationError(
            _("A class that is “%(state)s” takes no more trainees.")
            % {"state": training_class.get_state_display()}
        )
    existing = training_class.enrollments.filter(person=person).first()
    if existing is not None and existing.state == EnrollmentState.ENROLLED:
        raise ValidationError(_("%(name)s is already on the roster.") % {"name": person.name})
    enrolled = training_class.enrollments.filter(state=EnrollmentState.ENROLLED).count()
    if enrolled >= training_class.capacity:
        raise ValidationError(
            _("The class is full (%(capacity)d places).") % {"capacity": training_class.capacity}
        )
    _refuse_same_training(training_class, person)
    periods = list(training_class.sessions.values_list("starts_at", "ends_at"))
    _refuse_overlaps([person.pk], periods, training_class)
    if voucher is not None:
        hooks.check_voucher(voucher, person, training_class)
    version, pack = _pack(training_class, timezone.localdate())
    # The categories of the day the pack names, as the claim will read them (eligibility.py).
    enrolled_on = timezone.localdate() if existing is None else eligibility.enrolled_on(existing)
    facts = eligibility.trainee_facts(pack, training_class, [(person.pk, enrolled_on)])
    # 004 §五(一): an occupation that needs a practising licence trains only its holders.
    eligibility.refuse_without_licence(pack, training_class, person, facts[person.pk])
    decision = eligibility.enrolment_decision(
        pack, training_class, facts[person.pk], prior_training_subsidies(person)
    )
    if existing is None:
        enrollment = writes.create(
            Enrollment(training_class=training_class, person=person, eligible=decision.granted)
        )
    else:  # back after withdrawing: the same row, decided again
        enrollment = writes.update(existing, state=EnrollmentState.ENROLLED, reason="",
                                   eligible=decision.granted)  # fmt: skip
    record = eligibility.store(enrollment, decision, version).eligibility
    title = _("Enrolled in %(code)s %(name)s") % {"code": training_class.code,
                                                   "name": training_class.name}  # fmt: skip
    ledger.add(person, ledger.Kind.CLASS, title, obj=enrollment, decision=record)
    if voucher is not None:
        hooks.redeem_voucher(voucher, enrollment)
    signals.enrolled.send(sender=Enrollment, enrollment=enrollment)
    return enrollment


def _refuse_same_training(training_class: TrainingClass, person: Person) -> None:
    """004 §四(五): the same occupation at the same level is subsidised once; a second running
    class of it for the same person is refused at enrolment rather than at the claim.

    A class recorded as history (历史导入) counts only when its record says it was subsidised
    (同一职业（工种）同一等级只能享受一次 is about subsidies): training once done at the person's
    own cost does not stop subsidised training of the same occupation and level. It is counted
    here, at enrolment, only: the engine's limits read claim lines, and a history class has none
    (no amount, no decision), so the enrolment refuses before any claim could be made."""
    other = (
        Enrollment.objects.filter(
            person=person,
            state__in=[EnrollmentState.ENROLLED, EnrollmentState.COMPLETED],
            training_class__occupation=training_class.occupation_id,
            training_class__level=training_class.level_id,
        )
        .exclude(training_class=training_class)
        .exclude(training_class__state__in=[ClassState.WITHDRAWN, ClassState.CANCELLED])
        .exclude(
            training_class__source=ClassSource.HISTORY, training_class__history_subsidised=False
        )  # fmt: skip
        .select_related("training_class")
        .first()
    )
    if other is not None:
        raise ValidationError(
            _("%(name)s is already trained for this occupation and level in class %(code)s.")
            % {"name": person.name, "code": other.training_class.code}
        )


@transaction.atomic
def withdraw_enrollment(enrollment: Enrollment, reason: str) -> Enrollment:
    require_capability(Capability.RUN_CLASSES, _("Only the institution enrols its trainees."))
    if enrollment.state != EnrollmentState.ENROLLED:
        raise ValidationError(_("This trainee is no longer enrolled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    writes.update(enrollment, state=EnrollmentState.WITHDRAWN, reason=reason.strip())
    ledger.add(enrollment.person, ledger.Kind.CLASS,
               _("Left class %(code)s: %(reason)s") % {"code": enrollment.training_class.code,
                                                       "reason": reason.strip()},
               obj=enrollment)  # fmt: skip
    signals.enrollment_withdrawn.send(sender=Enrollment, enrollment=enrollment)
    return enrollment


# --- attendance -------------------------------------------------------------------------------


def clock_tolerance() -> timedelta:
    """How far a device's clock may be off (settings.DEVICE_CLOCK_TOLERANCE, docs/devices.md)."""
    return timedelta(seconds=settings.DEVICE_CLOCK_TOLERANCE)


def window_flag(session: Session, direction: str, device_time: datetime, server_time: datetime,
                clock_skew: timedelta | None = None):  # fmt: skip
    """(in_window, flag) of an event: outside the session's window, or the device's clock off:
    the event's time ahead of the server's (an offline batch comes later, never early), or the
    device's clock when it sent the batch further from the server's than the tolerance."""
    opens, closes = session.window(direction)
    in_window = opens <= device_time <= closes
    tolerance = clock_tolerance()
    if device_time > server_time + tolerance or (
        clock_skew is not None and abs(clock_skew) > tolerance
    ):
        return in_window, Flag.DEVICE_CLOCK
    return in_window, "" if in_window else Flag.OUTSIDE_WINDOW


def attendee(session: Session, person: Person) -> bool | None:
    """True for a teacher of the class, False for an enrolled trainee, None for anyone else."""
    training_class = session.training_class
    if training_class.teachers.filter(person=person).exists():
        return True
    if training_class.enrollments.filter(person=person, state=EnrollmentState.ENROLLED).exists():
        return False
    return None


class AttendanceLookups:
    """What record_attendance looks up for each event, loaded at once for all the events of a
    device's request: who attends which of the classes (as attendee() says: a teacher of the
    class, else an enrolled trainee), found by person id or by ID-number hash, and for a batch
    (`event_ids`) the device's events already stored among those coming.

    Without `event_ids` a new event is inserted at once and a repeat found by the unique (device,
    event id), a query fewer for the live terminal's one event. The roles come from one SQL query
    (a UNION of roster and teachers) rather than the ORM, whose compiling costs more than the
    query itself on the check-in path (bench/checkin_load.py)."""

    def __init__(self, device: Device, class_ids, *, person_ids=(), id_hashes=(),
                 event_ids=None):  # fmt: skip
        self.roles: dict[tuple[int, int], bool] = {}
        self.by_hash: dict[str, int] = {}  # ID-number hash → id, of the classes' attendees
        self.known: dict[str, CheckIn] | None = None
        if event_ids is not None:
            stored = CheckIn.objects.filter(device=device, event_id__in=set(event_ids))
            self.known = {event.event_id: event for event in stored} if event_ids else {}
        class_ids, person_ids, id_hashes = set(class_ids), set(person_ids), set(id_hashes)
        if class_ids and (person_ids or id_hashes):
            self._load_roles(sorted(class_ids), sorted(person_ids), sorted(id_hashes))

    def _load_roles(self, class_ids: list[int], person_ids: list[int], id_hashes: list[str]):
        def listed(values) -> str:
            return ", ".join(["%s"] * len(values))

        who = " OR ".join(
            condition for condition, values in (
                (f"p.id IN ({listed(person_ids)})", person_ids),
                (f"p.id_number_hash IN ({listed(id_hashes)})", id_hashes),
            ) if values
        )  # fmt: skip
        tables = {
            "enrollment": Enrollment._meta.db_table,
            "teaching": TrainingClass.teachers.through._meta.db_table,
            "teacher": Teacher._meta.db_table,
            "person": Person._meta.db_table,
        }
        sql = """
            SELECT e.training_class_id, p.id, p.id_number_hash, 0
            FROM {enrollment} e JOIN {person} p ON p.id = e.person_id
            WHERE e.training_class_id IN ({classes}) AND e.state = %s AND ({who})
            UNION ALL
            SELECT ct.trainingclass_id, p.id, p.id_number_hash, 1
            FROM {teaching} ct JOIN {teacher} t ON t.id = ct.teacher_id
                JOIN {person} p ON p.id = t.person_id
            WHERE ct.trainingclass_id IN ({classes}) AND ({who})
        """.format(classes=listed(class_ids), who=who, **tables)  # noqa: S608 - names, %s only
        params = [*class_ids, EnrollmentState.ENROLLED, *person_ids, *id_hashes]
        params += [*class_ids, *person_ids, *id_hashes]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for class_id, person_id, id_hash, teaches in sorted(rows, key=lambda row: row[3]):
            self.roles[(class_id, person_id)] = bool(teaches)  # a teacher's role wins
            self.by_hash[id_hash] = person_id

    def person(self, id_hashes) -> Person | None:
        """The attendee with one of these hashes, known by id only (other fields load on use)."""
        for id_hash in id_hashes:
            if id_hash in self.by_hash:
                return Person.from_db(connection.alias, ["id"], [self.by_hash[id_hash]])
        return None

    def role(self, session: Session, person: Person) -> bool | None:
        return self.roles.get((session.training_class_id, person.pk))


def record_attendance(
    session: Session,
    person: Person,
    direction: str,
    *,
    event_id: str,
    device_time: datetime,
    device: Device | None = None,
    photo_ref: str = "",
    lookups: AttendanceLookups | None = None,
    clock_skew: timedelta | None = None,
    position: places.Position | None = None,
) -> tuple[CheckIn, bool]:
    """Store one event once: (event, created). A repeated (device, event id) returns the first,
    whatever has changed since it was stored.

    `lookups` answers the per-event look-ups for a device's request. Outside a transaction the
    event is one INSERT; inside one it has its own savepoint, so the caller's transaction
    survives a repeat or a refusal. `position` is where the device said it was (optional).
    """
    # Only a device's events are unique in the database; the page's are checked beforehand.
    at_once = device is not None and lookups is not None and lookups.known is None
    known = None if at_once else _stored_event(device, event_id, lookups)
    if known is not None:
        return known, False
    try:
        role = _admissible(session, person, direction, lookups)
    except ValidationError:
        known = _stored_event(device, event_id, None) if at_once else None
        if known is not None:
            return known, False
        raise
    training_class = session.training_class
    if training_class.state == ClassState.APPROVED:
        with transaction.atomic():
            start_if_due(training_class)
    now = timezone.now()
    in_window, flag = window_flag(session, direction, device_time, now, clock_skew)
    event = CheckIn(
        session=session, person=person, is_teacher=role, direction=direction, device=device,
        event_id=event_id, device_time=device_time, server_time=now, in_window=in_window,
        flag=flag, photo_ref=photo_ref[:200], recorded_by=None if device else acting_user(),
        latitude=position.latitude if position else None,
        longitude=position.longitude if position else None,
        accuracy=position.accuracy if position else None,
    )  # fmt: skip
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # a savepoint, for the IntegrityError of a repeat
                event.save(force_insert=True)
        else:
            event.save(force_insert=True)  # autocommit: one statement, no transaction to open
    except IntegrityError:  # the same event arrived twice at once: the first one stands
        return CheckIn.objects.get(device=device, event_id=event_id), False
    if lookups is not None and lookups.known is not None:
        lookups.known[event_id] = event
    return event, True


def _stored_event(device: Device | None, event_id: str, lookups) -> CheckIn | None:
    if lookups is not None and lookups.known is not None:
        return lookups.known.get(event_id)
    return CheckIn.objects.filter(device=device, event_id=event_id).first()


def _admissible(session: Session, person: Person, direction: str, lookups) -> bool:
    """The person's role (True: a teacher) when the event may be recorded; else refused."""
    training_class = session.training_class
    if training_class.state not in {ClassState.APPROVED, ClassState.IN_PROGRESS}:
        raise ValidationError(
            _("A class that is “%(state)s” records no attendance.")
            % {"state": training_class.get_state_display()}
        )
    role = lookups.role(session, person) if lookups is not None else attendee(session, person)
    if role is None:
        raise ValidationError(_("This person is neither a trainee nor a teacher of the class."))
    if direction not in Direction.values:
        raise ValidationError({"direction": _("The direction is “in” or “out”.")})
    return role


# --- attendance entered by hand (手工补录) -----------------------------------------------------
#
# Attendance is what happened (人脸识别考勤 000 §三(八); 远程监控、过程留痕 003 §三10): a device's
# events are kept as they came. A hand mark is the exception and says so: who entered it, why,
# only once the session has started, on an open class, within the pack's window
# (attendance.manual_entry_days); later only with the bureau's approval. A correction is a new
# mark superseding the old one; both are kept, only the newest counts.

MANUAL_WINDOW_KEY = "attendance.manual_entry_days"
OPEN_STATES = {ClassState.APPROVED, ClassState.IN_PROGRESS}


def hand_entry_last_day(session: Session) -> date | None:
    """The last day a hand mark of the session may be entered without the bureau's approval;
    None when the pack states no window (then every hand mark needs the approval)."""
    day = timezone.localtime(session.ends_at).date()
    _version, pack = _pack(session.training_class, day)
    days = pack.value(MANUAL_WINDOW_KEY)
    return None if days is None else day + timedelta(days=days)


def hand_entry_late(session: Session) -> bool:
    last_day = hand_entry_last_day(session)
    return last_day is None or timezone.localdate() > last_day


def current_mark(session: Session, person: Person) -> ManualMark | None:
    """The hand mark that counts for the cell: the one no later mark superseded."""
    return ManualMark.objects.filter(
        session=session, person=person, superseded_by__isnull=True
    ).first()


def _device_attended(session: Session, person: Person) -> bool:
    directions = CheckIn.objects.filter(
        session=session, person=person, device__isnull=False, in_window=True
    ).values_list("direction", flat=True)
    return set(Direction.values) <= set(directions)


def _check_hand_entry(session: Session, person: Person, present: bool,
                      reason: str) -> ManualMark | None:  # fmt: skip
    """What every hand mark needs, before and after the bureau's approval alike."""
    training_class = session.training_class
    if training_class.state not in OPEN_STATES:
        raise ValidationError(
            _("A class that is “%(state)s” takes no attendance by hand: only an approved or "
              "running class does.") % {"state": training_class.get_state_display()}
        )  # fmt: skip
    if timezone.now() < session.starts_at:
        raise ValidationError(
            _("The session starts at %(time)s: attendance is entered once it has started.")
            % {"time": f"{timezone.localtime(session.starts_at):%Y-%m-%d %H:%M}"}
        )
    if attendee(session, person) is None:
        raise ValidationError(_("This person is neither a trainee nor a teacher of the class."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for entering attendance by hand.")})
    mark = current_mark(session, person)
    standing = mark.present if mark is not None else _device_attended(session, person)
    if standing == present:
        message = (
            _("%(name)s is already recorded as present at this session.")
            if present
            else _("%(name)s is not recorded as present at this session: nothing to remove.")
        )
        raise ValidationError(message % {"name": person.name})
    return mark


def _lock_and_check(session: Session, person: Person, present: bool,
                    reason: str) -> ManualMark | None:  # fmt: skip
    """Lock the session (one correction of a cell at a time), then check the mark under the
    lock; the hand mark that counts now, which the new one supersedes."""
    Session.objects.select_for_update().get(pk=session.pk)
    return _check_hand_entry(session, person, present, reason)


def _store_mark(session, person, present: bool, reason: str, *, previous, by,
                approval=None) -> ManualMark:  # fmt: skip
    """Store a mark that `_lock_and_check` allowed in this transaction."""
    has_events = CheckIn.objects.filter(session=session, person=person, device__isnull=False)
    mark = writes.create(
        ManualMark(
            session=session, person=person, present=present, reason=reason.strip()[:300],
            correction=previous is not None or has_events.exists(), supersedes=previous,
            approval=approval, recorded_by=by,
        ),
        validate=False,
    )  # fmt: skip
    if approval is None:  # the institution's first attendance starts its approved class
        start_if_due(session.training_class)
    return mark


@transaction.atomic
def mark_by_hand(session: Session, person: Person, *, present: bool = True,
                 reason: str) -> ManualMark:  # fmt: skip
    """Enter (or correct) a person's attendance of a session by hand, with the reason: once the
    session has started, on an approved or running class, within the pack's window."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution records attendance."))
    previous = _lock_and_check(session, person, present, reason)
    if hand_entry_late(session):
        raise ValidationError(_late_message(session), code="late")
    return _store_mark(session, person, present, reason, previous=previous, by=acting_user())


def _late_message(session: Session) -> str:
    last_day = hand_entry_last_day(session)
    if last_day is None:
        return _("The policy pack states no period for entering attendance by hand: ask the "
                 "bureau's approval, with the reason.")  # fmt: skip
    return _(
        "Attendance of this session could be entered by hand until %(day)s; later it needs the "
        "bureau's approval: ask for it, with the reason."
    ) % {"day": last_day}


@transaction.atomic
def request_late_mark(session: Session, person: Person, *, present: bool = True,
                      reason: str) -> LateMarkRequest:  # fmt: skip
    """After the window: the institution asks the bureau's approval for a hand mark."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution records attendance."))
    _check_hand_entry(session, person, present, reason)
    if not hand_entry_late(session):
        raise ValidationError(_("The window is still open: enter the attendance directly."))
    waiting = LateMarkRequest.objects.filter(
        session=session, person=person, state=LateMarkState.REQUESTED
    )
    if waiting.exists():
        raise ValidationError(_("A request for this person and session is already waiting."))
    request = writes.create(
        LateMarkRequest(session=session, person=person, present=present,
                        reason=reason.strip()[:300], requested_by=acting_user()),
        validate=False,
    )  # fmt: skip
    states.record_start(request, reason=request.reason)
    return request


def enter_by_hand(session: Session, person: Person, *, present: bool, reason: str):
    """The page's one form: a mark within the window, else a request for approval."""
    if hand_entry_late(session):
        return request_late_mark(session, person, present=present, reason=reason)
    return mark_by_hand(session, person, present=present, reason=reason)


@transaction.atomic
def decide_late_mark(request: LateMarkRequest, *, approve: bool, reason: str) -> LateMarkRequest:
    """The bureau's reviewer approves (the mark is stored, pointing at this request) or refuses
    a late hand mark, with a reason either way."""
    require_capability(
        Capability.REVIEW_CLASSES, _("Only the bureau approves a late attendance entry.")
    )
    user = acting_user()
    request = LateMarkRequest.objects.select_for_update().get(pk=request.pk)
    mine = LateMarkRequest.objects.filter(pk=request.pk)
    if user is not None and not scoped(user, mine).exists():
        raise ValidationError(_("This request is outside your region."))
    target = LateMarkState.APPROVED if approve else LateMarkState.REFUSED
    states.check(request, target)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if approve:  # the mark must still make sense: the class open, the cell not changed since
        previous = _lock_and_check(request.session, request.person, request.present, request.reason)
    states.move(request, target, reason=reason)
    if approve:
        _store_mark(request.session, request.person, request.present, request.reason,
                    previous=previous, by=request.requested_by, approval=request)  # fmt: skip
    return request


def current_marks(training_class: TrainingClass) -> dict[tuple[int, int], ManualMark]:
    """{(person id, session id): the hand mark that counts}, superseded ones left out."""
    marks = ManualMark.objects.filter(
        session__training_class=training_class, superseded_by__isnull=True
    )
    return {(mark.person_id, mark.session_id): mark for mark in marks}


def _device_pairs(training_class: TrainingClass) -> set[tuple[int, int]]:
    """(person id, session id) with a device's check-in and check-out, both in the window.
    Events without a device (entered on the page before hand marks existed) do not count:
    migration 0003 turned them into hand marks."""
    rows = (
        CheckIn.objects.filter(
            session__training_class=training_class, in_window=True, device__isnull=False
        )
        .values("person_id", "session_id")
        .annotate(directions=Count("direction", distinct=True))
        .filter(directions=2)
    )
    return {(row["person_id"], row["session_id"]) for row in rows}


def attended_sessions(training_class: TrainingClass) -> dict[int, set[int]]:
    """{person id: ids of sessions attended}: the current hand mark of a cell where there is
    one (a correction overrides the device), else the device's check-in and check-out."""
    marks = current_marks(training_class)
    attended: dict[int, set[int]] = defaultdict(set)
    for person_id, session_id in _device_pairs(training_class):
        if (person_id, session_id) not in marks:
            attended[person_id].add(session_id)
    for (person_id, session_id), mark in marks.items():
        if mark.present:
            attended[person_id].add(session_id)
    return attended


def attendance_figures(training_class: TrainingClass) -> dict[str, int]:
    """How the class's attendance was recorded, for a reviewer at a glance: person-sessions
    counted from devices, hand marks entered (every one, superseded ones too) and how many of
    them corrected a record, and late requests waiting."""
    marks = ManualMark.objects.filter(session__training_class=training_class)
    counted = current_marks(training_class)
    return {
        "device": sum(1 for pair in _device_pairs(training_class) if pair not in counted),
        "hand": marks.count(),
        "corrections": marks.filter(correction=True).count(),
        "waiting": LateMarkRequest.objects.filter(
            session__training_class=training_class, state=LateMarkState.REQUESTED
        ).count(),
    }


# --- devices ----------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _checked_public_key(text: str, device: Device | None = None) -> str:
    """The device's Ed25519 public key as registered (base64url of 32 bytes), checked: a key
    that is not one, or that another device already has, is refused (docs/devices.md)."""
    text = text.strip().rstrip("=")
    try:
        signing.public_key(text)
    except ValueError:
        raise ValidationError(
            {"public_key": _("This is not an Ed25519 public key: give the 43 characters "
                             "(base64url) the device printed.")}
        ) from None  # fmt: skip
    others = Device.objects.filter(public_key=text)
    if device is not None:
        others = others.exclude(pk=device.pk)
    if others.exists():
        raise ValidationError(
            {"public_key": _("Another device already has this public key: each device makes "
                             "its own key pair.")}
        )  # fmt: skip
    return text


@transaction.atomic
def register_device(institution: Institution, name: str,
                    public_key: str = "") -> tuple[Device, str]:  # fmt: skip
    """A new attendance terminal and its token, shown once (only its hash is kept); with the
    public key of the key pair it made itself, when it signs its events (devices offline)."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution registers its devices."))
    if not name.strip():
        raise ValidationError({"name": _("Name the device.")})
    key = _checked_public_key(public_key) if public_key.strip() else ""
    token = secrets.token_urlsafe(32)
    device = writes.create(
        Device(institution=institution, name=name.strip(), token_hash=token_hash(token),
               token_hint=token[:6], public_key=key),
        validate=False,
    )  # fmt: skip
    return device, token


@transaction.atomic
def register_device_key(device: Device, public_key: str) -> Device:
    """The public key of a device registered before it signed: given once. A device whose key
    is lost or replaced is revoked and registered anew (its counter starts again with its key)."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution registers its devices."))
    device = Device.objects.select_for_update().get(pk=device.pk)
    if not device.active:
        raise ValidationError(_("This device is revoked."))
    if device.public_key:
        raise ValidationError(
            {"public_key": _("This device already has its key: register a new device for a "
                             "new key, and revoke this one.")}
        )  # fmt: skip
    return writes.update(device, public_key=_checked_public_key(public_key, device),
                         validate=False)  # fmt: skip


@transaction.atomic
def deactivate_device(device: Device) -> Device:
    """A lost or retired terminal is revoked: its token stops working and its signed batches are
    refused, whenever they were signed; its events already stored stay as they came."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution registers its devices."))
    if not device.active:
        return device
    return writes.update(device, active=False, revoked_at=timezone.now(), validate=False)


def device_for_token(token: str) -> Device | None:
    """The active device of a token; on every check-in request, so one lean query."""
    if not token:
        return None
    found = Device.objects.filter(token_hash=token_hash(token), active=True).order_by()[:1]
    return next(iter(found), None)


# --- completion (结业) ------------------------------------------------------------------------


@transaction.atomic
def set_assessment(enrollment: Enrollment, passed: bool) -> Enrollment:
    require_capability(Capability.RUN_CLASSES, _("Only the institution records the assessment."))
    if enrollment.training_class.state != ClassState.IN_PROGRESS:
        raise ValidationError(_("Assessment results are recorded while the class runs."))
    if enrollment.state != EnrollmentState.ENROLLED:
        raise ValidationError(_("This trainee is no longer enrolled."))
    return writes.update(enrollment, assessment_passed=passed)


def completion_readiness(training_class: TrainingClass) -> Ready:
    """Whether the class may be completed (结业) now, and if not why: running, its end date
    passed, every trainee's assessment recorded. complete() and the class page's button ask
    this one rule."""
    if training_class.state != ClassState.IN_PROGRESS:
        return Ready.no(
            _("A class that is “%(from)s” cannot become “%(to)s”.")
            % {"from": training_class.get_state_display(), "to": ClassState.COMPLETED.label}
        )
    if timezone.localdate() <= training_class.end_date:
        return Ready.no(
            _("The class ends on %(date)s: it completes after that day.")
            % {"date": training_class.end_date}
        )
    undecided = list(
        training_class.enrollments.filter(
            state=EnrollmentState.ENROLLED, assessment_passed__isnull=True
        ).values_list("person__name", flat=True)[:10]
    )
    if undecided:
        return Ready.no(_("Record the assessment of: %(names)s") % {"names": "、".join(undecided)})
    return Ready()


@transaction.atomic
def complete(training_class: TrainingClass) -> dict[str, int]:
    """结业: once the end date has passed and every trainee's assessment is recorded, decide
    each trainee by the pack (attendance share, assessment, commitment) and complete the class."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution completes its classes."))
    training_class = _locked(training_class)
    completion_readiness(training_class).check()
    enrollments = list(
        training_class.enrollments.filter(state=EnrollmentState.ENROLLED).select_related("person")
    )
    version, pack = _pack(training_class, training_class.end_date)
    scheduled = training_class.sessions.count()
    attended = attended_sessions(training_class)
    signed = Commitment.objects.filter(training_class=training_class).exists()
    counts = {"completed": 0, "not_completed": 0}
    path = training_class.institution.organisation.path
    for enrollment in enrollments:
        decision = decide_completion(
            pack,
            CompletionCase(
                person_key=f"P{enrollment.person_id}",
                attended=len(attended.get(enrollment.person_id, ())),
                scheduled=scheduled,
                assessment_passed=enrollment.assessment_passed,
                commitment_reason=training_class.commitment_reason or None,
                commitment_signed=signed,
            ),
        )
        _decide_one(enrollment, decision, version, path)
        counts["completed" if decision.granted else "not_completed"] += 1
    states.move(training_class, ClassState.COMPLETED)
    return counts


def _decide_one(enrollment: Enrollment, decision, version, path: str) -> None:
    record = record_decision(decision, version, subject=enrollment, org_path=path)
    state = EnrollmentState.COMPLETED if decision.granted else EnrollmentState.NOT_COMPLETED
    writes.update(enrollment, state=state, completion=record, reason=_reasons(decision)[:300],
                  validate=False)  # fmt: skip
    code = enrollment.training_class.code
    title = (
        _("Completed class %(code)s") if decision.granted else _("Did not complete class %(code)s")
    ) % {"code": code}
    ledger.add(enrollment.person, ledger.Kind.CLASS, title, obj=enrollment, decision=record)
