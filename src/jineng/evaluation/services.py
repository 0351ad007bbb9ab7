"""Evaluation (评价): every change through here, checked, audited, on the trainees' ledgers.

The institution books an evaluation of a completed class with an organisation on the year's
public list that has filed the class's occupation and level; the organisation accepts or declines
it. 004 §四(四): 考核评价机构要在培训结束后7日内完成考核评价工作 - the date falls within the pack's
deadline after the class's last day (`procedure.evaluation_deadline_days`); a later date is
refused unless the institution gives its reason and a reviewer grants an exception. Results are
recorded per trainee who completed the class, with the examiners (考评员) and the quality
supervisor (质量督导员); a pass issues a certificate (jineng.certificates.services.issue).

Entry levels (申报等级, 002 §四(二)1: 中等职业学校毕业生可直接参加中级工评价，高等职业学校、本科院校
应用型专业毕业生可参加高级工评价): every trainee to evaluate may take the class's level - by the
ladder of the pack (五级 without a certificate, then above the certificate of the occupation they
hold) or by their education record - or the booking is refused, naming each trainee, the highest
level they may take and why (entry_readiness).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog.models import PolicyPackVersion, SkillLevel
from jineng.catalog.packs import pack_for
from jineng.certificates import services as certificates
from jineng.certificates.models import Certificate, CertificateKind, CertificateStatus
from jineng.certificates.numbers import LEVEL_DIGITS
from jineng.core import audit, states, writes
from jineng.core.i18n import language
from jineng.core.imports import CREATED, UNCHANGED
from jineng.core.readiness import Ready
from jineng.core.roles import Capability, acting_user, require_actor, require_capability
from jineng.core.scope import scoped
from jineng.evaluation import signals
from jineng.institutions.models import EvaluationOrg, Examiner, ExaminerRole
from jineng.people import ledger
from jineng.people.models import EducationRecord
from jineng.policy import (
    HeldCertificate,
    RuleCheck,
    Schooling,
    check_entry_level,
    check_evaluation_deadline,
    evaluation_due_by,
)
from jineng.training.models import ClassState, Enrollment, EnrollmentState, TrainingClass

from .models import (
    ACTIVE_STATES,
    ONLY_INSTITUTION,
    ONLY_INSTITUTION_MOVES,
    ONLY_ORGANISATION,
    ONLY_ORGANISATION_MOVES,
    BookingState,
    EvaluationBooking,
    EvaluationResult,
    shown,
)

# A class is booked once it has completed (结业); a closed class may still be evaluated.
BOOKABLE_CLASS_STATES = {ClassState.COMPLETED, ClassState.CLOSED}
# SkillLevel codes: 五级 … 一级 lead to 职业技能等级证书, 专项职业能力 to 专项职业能力证书.
SPECIAL_LEVEL_CODE = "special"
DEADLINE_KEY = "procedure.evaluation_deadline_days"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _reason(text: str, field: str = "reason") -> str:
    reason = " ".join((text or "").split())
    if not reason:
        raise ValidationError({field: _("Give the reason.")})
    return reason[:300]


# --- the deadline (004 §四(四)) -----------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """The last day for a class's evaluation, from the pack that covers its region and end."""

    due: date
    days: int
    version: PolicyPackVersion
    pack: object  # jineng.policy.PolicyPack

    def check(self, training_end: date, evaluated_on: date):
        """The engine's rule check (with its citation) for a date."""
        return check_evaluation_deadline(self.pack, training_end, evaluated_on)


def deadline_for(training_class: TrainingClass) -> Deadline:
    region = training_class.institution.organisation.region_code
    found = pack_for(region, training_class.end_date) if region else None
    if found is None:
        raise ValidationError(
            _("No policy pack covers region %(region)s on %(date)s.")
            % {"region": region or "—", "date": training_class.end_date}
        )
    version, pack = found
    return Deadline(
        due=evaluation_due_by(pack, training_class.end_date),
        days=pack.require(DEADLINE_KEY).value,
        version=version,
        pack=pack,
    )


def late_refusal(days: int, due: date) -> str:
    return _(
        "The evaluation is due within %(days)d days of the end of training (004 §四(四)), by "
        "%(due)s. A later date needs the bureau's exception: give the reason."
    ) % {"days": days, "due": due}


# --- entry levels (002 §四(二)1) ---------------------------------------------------------------

MAX_NAMED = 10  # trainees named in a refusal; the rest are counted


@dataclass(frozen=True)
class TraineeEntry:
    """One trainee to evaluate and the answer of the entry-level rule for the class's level."""

    enrollment: Enrollment
    check: RuleCheck

    @property
    def passed(self) -> bool:
        return self.check.passed

    @property
    def entry_level(self) -> str:
        """The code of the highest level the trainee may take ("" when the pack states none)."""
        return self.check.evidence.get("entry_level", "")

    @property
    def message(self) -> str:
        return self.check.message_en if language() == "en" else self.check.message_zh


def _held_certificates(person_ids, occupation_id: int) -> dict[int, list[HeldCertificate]]:
    """The persons' valid certificates of the occupation, issued here or recorded."""
    held: dict[int, list[HeldCertificate]] = {}
    rows = Certificate.objects.filter(
        person_id__in=person_ids, occupation_id=occupation_id, status=CertificateStatus.VALID
    ).select_related("occupation", "level")
    for certificate in rows:
        held.setdefault(certificate.person_id, []).append(
            HeldCertificate(
                number=certificate.number,
                kind=certificate.kind,
                occupation=certificate.occupation.code,
                level=certificate.level.code if certificate.level_id else None,
                issued_on=certificate.issued_on,
            )
        )
    return held


def _schooling(person_ids) -> dict[int, list[Schooling]]:
    finished: dict[int, list[Schooling]] = {}
    for record in EducationRecord.objects.filter(person_id__in=person_ids):
        finished.setdefault(record.person_id, []).append(
            Schooling(record.school_kind, record.school, record.major, record.graduated_on)
        )
    return finished


def trainee_entries(training_class: TrainingClass, on: date, pack) -> list[TraineeEntry]:
    """Each trainee who completed the class, with whether they may take its level on the
    evaluation day `on` under `pack` (002 §四(二)1 and the pack's ladder): their valid
    certificates of the occupation and their education records, read in two queries."""
    enrollments = list(completed_trainees(training_class).select_related("person").order_by("id"))
    ids = [enrollment.person_id for enrollment in enrollments]
    held = _held_certificates(ids, training_class.occupation_id)
    schooling = _schooling(ids)
    occupation, level = training_class.occupation.code, training_class.level.code
    return [
        TraineeEntry(
            enrollment,
            check_entry_level(
                pack,
                level,
                occupation,
                on,
                held.get(enrollment.person_id, ()),
                schooling.get(enrollment.person_id, ()),
            ),  # fmt: skip
        )
        for enrollment in enrollments
    ]


def entry_readiness(training_class: TrainingClass, on: date, pack) -> Ready:
    """Whether every trainee to evaluate may take the class's level on `on`; if not, the
    refusal names each one (up to ten), the highest level they may take and why. book() and
    the booking form (its button disabled with the reason) ask this one rule."""
    return entries_ready(training_class, trainee_entries(training_class, on, pack))


def accept_entry_readiness(booking: EvaluationBooking) -> Ready:
    """entry_readiness when the organisation accepts (its 资格审核): a certificate revoked or an
    education record removed since the booking may leave a trainee above their level."""
    training_class = booking.training_class
    return entry_readiness(training_class, booking.planned_date, deadline_for(training_class).pack)


def entries_ready(training_class: TrainingClass, entries: list[TraineeEntry]) -> Ready:
    """entry_readiness of entries already read (the booking form shows them too)."""
    refused = [entry for entry in entries if not entry.passed]
    if not refused:
        return Ready()
    if not refused[0].entry_level:  # the pack states no entry levels: one reason for all
        return Ready.no(refused[0].message)
    lines = [
        _("%(name)s (%(masked)s): %(reason)s")
        % {
            "name": entry.enrollment.person.name,
            "masked": entry.enrollment.person.id_number_masked,
            "reason": entry.message,
        }
        for entry in refused[:MAX_NAMED]
    ]
    if len(refused) > MAX_NAMED:
        lines.append(_("and %(count)d more") % {"count": len(refused) - MAX_NAMED})
    return Ready.no(
        _("Not every trainee may take the %(level)s evaluation yet (entry levels, 002 §四(二)1): "
          "%(lines)s. A certificate of the occupation obtained elsewhere is recorded by the "
          "bureau, and so is a graduate's education, on the person's page; or book the trainees "
          "at the level they may take in a class of that level.")
        % {"level": training_class.level.name, "lines": "; ".join(lines)}
    )  # fmt: skip


# --- who may evaluate ---------------------------------------------------------------------------


def check_listed(evaluation_org: EvaluationOrg, training_class: TrainingClass, on: date) -> None:
    """The organisation is on the public list of the evaluation's year (004 §四(四): 从全省公布的
    考核评价机构中筛选确定) and has filed (备案) the class's occupation and level."""
    name = evaluation_org.organisation.name
    if not evaluation_org.listings.filter(year=on.year).exists():
        raise ValidationError(
            {
                "evaluation_org": _(
                    "%(org)s is not on the %(year)d list of evaluation organisations."
                )
                % {"org": name, "year": on.year}
            }
        )
    filed = evaluation_org.filings.filter(
        occupation=training_class.occupation_id, level=training_class.level_id
    )
    if not filed.exists():
        raise ValidationError(
            {
                "evaluation_org": _("%(org)s has not filed %(occupation)s at %(level)s.")
                % {
                    "org": name,
                    "occupation": training_class.occupation.name,
                    "level": training_class.level.name,
                }
            }
        )


def certificate_kind(level: SkillLevel) -> str:
    """The certificate a pass leads to: 职业技能等级证书 for 五级 to 一级, 专项职业能力证书 for
    专项职业能力; other levels (学徒工, 特级技师, 首席技师) are not certified here yet."""
    if level.code in LEVEL_DIGITS:
        return CertificateKind.SKILL_LEVEL
    if level.code == SPECIAL_LEVEL_CODE:
        return CertificateKind.SPECIAL_ABILITY
    raise ValidationError(
        _("No certificate is issued here for the level %(level)s.") % {"level": level.name}
    )


def check_numbering_codes(evaluation_org: EvaluationOrg, level: SkillLevel) -> None:
    """A skill level certificate's number carries the organisation's register and station codes."""
    if certificate_kind(level) != CertificateKind.SKILL_LEVEL:
        return
    if not (evaluation_org.register_code and evaluation_org.station_code):
        raise ValidationError(
            _("%(org)s has no register and station codes: it cannot issue skill level "
              "certificates until the bureau records them.")
            % {"org": evaluation_org.organisation.name}
        )  # fmt: skip


# --- bookings -----------------------------------------------------------------------------------


def _locked(booking: EvaluationBooking) -> EvaluationBooking:
    return (
        EvaluationBooking.objects.select_for_update(of=("self",))
        .select_related(
            "training_class__institution__organisation",
            "training_class__occupation",
            "training_class__level",
            "evaluation_org__organisation",
        )
        .get(pk=booking.pk)
    )


def completed_trainees(training_class: TrainingClass):
    """The trainees to evaluate: those who completed the class (结业)."""
    return training_class.enrollments.filter(state=EnrollmentState.COMPLETED)


@transaction.atomic
def book(
    training_class: TrainingClass,
    evaluation_org: EvaluationOrg,
    planned_date: date,
    *,
    late_reason: str = "",
) -> EvaluationBooking:
    """预约评价: the institution books a completed class with a listed organisation.

    The date comes after the class's last day and within the pack's deadline (004 §四(四)); a
    later date is refused unless `late_reason` says why, and then waits for a reviewer's
    exception (grant_exception) before the organisation may accept it."""
    require_capability(Capability.BOOK_EVALUATIONS, ONLY_INSTITUTION)
    training_class = (
        TrainingClass.objects.select_for_update(of=("self",))
        .select_related("institution__organisation", "occupation", "level")
        .get(pk=training_class.pk)
    )
    if training_class.state not in BOOKABLE_CLASS_STATES:
        raise ValidationError(
            _("A class that is “%(state)s” cannot be booked for evaluation: it must be completed.")
            % {"state": training_class.get_state_display()}
        )
    if training_class.is_history:  # its evaluation, if any, was the other system's
        raise ValidationError(
            _("Class %(code)s is a record of past training (history import): it is not booked "
              "for evaluation here.") % {"code": training_class.code}
        )  # fmt: skip
    if not completed_trainees(training_class).exists():
        raise ValidationError(_("No trainee completed the class: there is nobody to evaluate."))
    active = training_class.evaluation_bookings.filter(state__in=ACTIVE_STATES).first()
    if active is not None:
        raise ValidationError(
            _("The class is already booked: %(org)s on %(date)s (%(state)s).")
            % {
                "org": active.evaluation_org,
                "date": active.planned_date,
                "state": active.get_state_display(),
            }
        )
    if planned_date <= training_class.end_date:
        raise ValidationError(
            {
                "planned_date": _("The evaluation comes after the class's last day (%(end)s).")
                % {"end": training_class.end_date}
            }
        )
    check_listed(evaluation_org, training_class, planned_date)
    deadline = deadline_for(training_class)
    late = planned_date > deadline.due
    if late and not " ".join(late_reason.split()):
        raise ValidationError({"planned_date": late_refusal(deadline.days, deadline.due)})
    entry_readiness(training_class, planned_date, deadline.pack).check()  # 002 §四(二)1
    booking = writes.create(
        EvaluationBooking(
            training_class=training_class,
            evaluation_org=evaluation_org,
            planned_date=planned_date,
            due_on=deadline.due,
            pack=deadline.version,
            late_reason=_reason(late_reason, "late_reason") if late else "",
            created_by=acting_user(),
        ),
        validate=False,  # checked above; the actor is empty when the system books
    )
    states.record_start(booking, reason=booking.late_reason)
    signals.booked.send(
        sender=EvaluationBooking, booking=booking,
        enrollments=list(completed_trainees(training_class).select_related("person")),
    )  # fmt: skip
    return booking


@transaction.atomic
def grant_exception(booking: EvaluationBooking, reason: str) -> EvaluationBooking:
    """A reviewer allows an evaluation date after the deadline, with the reason."""
    require_capability(
        Capability.REVIEW_EVALUATIONS, _("Only the bureau grants exceptions to the deadline.")
    )
    booking = _locked(booking)
    if booking.state not in (BookingState.REQUESTED, BookingState.ACCEPTED):
        raise ValidationError(
            _("A booking that is “%(state)s” needs no exception.")
            % {"state": booking.get_state_display()}
        )
    if not booking.late:
        raise ValidationError(
            _("The date is within the deadline (%(due)s): no exception is needed.")
            % {"due": booking.due_on}
        )
    if booking.exception_granted:
        raise ValidationError(_("The exception was already granted."))
    return writes.update(
        booking,
        message="deadline exception",
        exception_reason=_reason(reason),
        exception_by=acting_user(),
        exception_at=timezone.now(),
        validate=False,
    )


# Who moves the date of an open booking: the institution while the organisation has not
# answered (it then answers the new date); the organisation once it accepted, since its examiners
# and supervisor must be there (the institution asks it, or cancels and books again).
DATE_MOVERS = {
    BookingState.REQUESTED: (Capability.BOOK_EVALUATIONS, ONLY_INSTITUTION_MOVES),
    BookingState.ACCEPTED: (Capability.RUN_EVALUATIONS, ONLY_ORGANISATION_MOVES),
}
DATE_MOVED = "evaluation date moved"  # the audit entry's message; the page reads its before/after
NO_EXCEPTION = {"exception_reason": "", "exception_by": None, "exception_at": None}


def _check_new_date(booking: EvaluationBooking, planned_date: date) -> None:
    training_class = booking.training_class
    if planned_date == booking.planned_date:
        raise ValidationError(
            {"planned_date": _("The evaluation is already on %(date)s.") % {"date": planned_date}}
        )
    if planned_date < timezone.localdate():
        raise ValidationError({"planned_date": _("The new evaluation date cannot be in the past.")})
    if planned_date <= training_class.end_date:
        raise ValidationError(
            {
                "planned_date": _("The evaluation comes after the class's last day (%(end)s).")
                % {"end": training_class.end_date}
            }
        )
    check_listed(booking.evaluation_org, training_class, planned_date)
    # 002 §四(二)1: a certificate counts from its issue date, a graduation from its day.
    entry_readiness(training_class, planned_date, deadline_for(training_class).pack).check()


def _date_changes(booking: EvaluationBooking, planned_date: date, reason: str) -> dict:
    """The fields a move changes besides the date. Within the deadline: no reason, no exception.
    Later: the reason, and the exception again - but an exception granted for a late date still
    covers an earlier one."""
    if planned_date <= booking.due_on:
        return {"late_reason": "", **NO_EXCEPTION}
    if booking.exception_granted and booking.late and planned_date < booking.planned_date:
        return {}
    if not " ".join((reason or "").split()):
        days = (booking.due_on - booking.training_class.end_date).days
        raise ValidationError({"planned_date": late_refusal(days, booking.due_on)})
    return {"late_reason": _reason(reason), **NO_EXCEPTION}


@transaction.atomic
def move_date(booking: EvaluationBooking, planned_date: date, *, reason: str = ""):
    """Move an open booking's evaluation date without cancelling it; its state does not change.

    The new date is today or later and after the class's last day, with the organisation on
    that year's list. Within the deadline kept since the booking (`due_on`, 004 §四(四)) nothing
    more is needed; a later date needs the reason and waits for a reviewer's exception again
    (grant_exception), before which the organisation neither accepts nor records results. The
    move is audited with the dates before and after (a date is not a state: no StateChange)."""
    require_actor()  # before reading the booking: who may move it depends on its state
    booking = _locked(booking)
    if booking.state not in DATE_MOVERS:
        raise ValidationError(
            _("A booking that is “%(state)s” keeps its date.")
            % {"state": booking.get_state_display()}
        )
    require_capability(*DATE_MOVERS[booking.state])
    user = acting_user()
    if (
        user is not None
        and not scoped(user, EvaluationBooking.objects.filter(pk=booking.pk)).exists()
    ):
        raise PermissionDenied(_("This booking is not in your scope."))
    if booking.results.exists():
        raise ValidationError(_("Results are recorded: the evaluation date no longer moves."))
    _check_new_date(booking, planned_date)
    changes = _date_changes(booking, planned_date, reason)
    return writes.update(
        booking, message=DATE_MOVED, validate=False, planned_date=planned_date, **changes
    )


@transaction.atomic
def accept(booking: EvaluationBooking) -> EvaluationBooking:
    require_capability(Capability.RUN_EVALUATIONS, ONLY_ORGANISATION)
    booking = _locked(booking)
    states.check(booking, BookingState.ACCEPTED)
    if booking.needs_exception:
        raise ValidationError(
            _("The date is after the deadline (%(due)s): the bureau must grant an exception "
              "before the booking is accepted.")
            % {"due": booking.due_on}
        )  # fmt: skip
    check_listed(booking.evaluation_org, booking.training_class, booking.planned_date)
    accept_entry_readiness(booking).check()  # a basis may have gone since the booking
    decided = {"decided_by": acting_user(), "decided_at": timezone.now()}
    states.move(booking, BookingState.ACCEPTED, values=decided, validate=False)
    return booking


@transaction.atomic
def decline(booking: EvaluationBooking, reason: str) -> EvaluationBooking:
    require_capability(Capability.RUN_EVALUATIONS, ONLY_ORGANISATION)
    booking = _locked(booking)
    states.check(booking, BookingState.DECLINED)
    reason = _reason(reason)
    decided = {"decided_by": acting_user(), "decided_at": timezone.now(), "reason": reason}
    states.move(booking, BookingState.DECLINED, reason=reason, values=decided, validate=False)
    return booking


@transaction.atomic
def cancel(booking: EvaluationBooking, reason: str) -> EvaluationBooking:
    """The institution withdraws a booking that has no result yet (to book another date or
    organisation)."""
    require_capability(Capability.BOOK_EVALUATIONS, ONLY_INSTITUTION)
    booking = _locked(booking)
    states.check(booking, BookingState.CANCELLED)
    if booking.results.exists():
        raise ValidationError(_("Results are recorded: the booking can no longer be cancelled."))
    reason = _reason(reason)
    states.move(
        booking, BookingState.CANCELLED, reason=reason, values={"reason": reason}, validate=False
    )
    return booking


def finish_readiness(booking: EvaluationBooking) -> Ready:
    """Whether the evaluation may be finished now, and if not why: accepted, its day come, a
    result for every trainee who completed the class. finish() and the booking's page (the
    button disabled with the reason) ask this one rule."""
    if booking.state != BookingState.ACCEPTED:
        return Ready.no(
            _("An evaluation is finished once its booking is accepted; this one is “%(state)s”.")
            % {"state": booking.get_state_display()}
        )
    if timezone.localdate() < booking.planned_date:
        return Ready.no(
            _("The evaluation is on %(date)s: it is finished once every result is recorded, "
              "from that day.")
            % {"date": booking.planned_date}
        )  # fmt: skip
    missing = completed_trainees(booking.training_class).exclude(
        pk__in=booking.results.values("enrollment")
    )
    names = list(missing.values_list("person__name", flat=True)[:10])
    if names:
        return Ready.no(_("Record the results of: %(names)s") % {"names": "、".join(names)})
    return Ready()


@transaction.atomic
def finish(booking: EvaluationBooking) -> EvaluationBooking:
    """Done once every trainee who completed the class has a result."""
    require_capability(Capability.RUN_EVALUATIONS, ONLY_ORGANISATION)
    booking = _locked(booking)
    states.check(booking, BookingState.DONE)
    finish_readiness(booking).check()
    finished = {"finished_at": timezone.now()}
    states.move(booking, BookingState.DONE, values=finished, validate=False)
    return booking


# --- results ------------------------------------------------------------------------------------


def score(value, field: str) -> Decimal:
    """A score from 0 to 100, with at most two decimals (85, 85.5, "92.25")."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not 0 <= number <= HUNDRED:
        raise ValidationError({field: _("A score is a number from 0 to 100.")})
    if number != number.quantize(CENT):
        raise ValidationError({field: _("A score has at most two decimals.")})
    return number.quantize(CENT)


def _check_panel(booking: EvaluationBooking, examiners, supervisor) -> list[Examiner]:
    """The examiners (考评员, at least one) and the quality supervisor (质量督导员): of the
    booking's organisation, in those roles, certified on the evaluation date; the supervisor
    watches, so they are not also an examiner of the evaluation."""
    examiners = list(dict.fromkeys(examiners or ()))
    org_id, day = booking.evaluation_org_id, booking.planned_date
    if not examiners:
        raise ValidationError({"examiners": _("Name at least one examiner.")})
    for examiner in examiners:
        if examiner.evaluation_org_id != org_id or examiner.role != ExaminerRole.EXAMINER:
            raise ValidationError(
                {"examiners": _("%(name)s is not an examiner of %(org)s.")
                 % {"name": examiner.person.name, "org": booking.evaluation_org}}
            )  # fmt: skip
        if examiner.valid_to is not None and examiner.valid_to < day:
            raise ValidationError(
                {"examiners": _("The certification of %(name)s ended on %(date)s.")
                 % {"name": examiner.person.name, "date": examiner.valid_to}}
            )  # fmt: skip
    if supervisor is None:
        raise ValidationError({"supervisor": _("Name the quality supervisor.")})
    if supervisor.evaluation_org_id != org_id or supervisor.role != ExaminerRole.SUPERVISOR:
        raise ValidationError(
            {"supervisor": _("%(name)s is not a quality supervisor of %(org)s.")
             % {"name": supervisor.person.name, "org": booking.evaluation_org}}
        )  # fmt: skip
    if supervisor.valid_to is not None and supervisor.valid_to < day:
        raise ValidationError(
            {"supervisor": _("The certification of %(name)s ended on %(date)s.")
             % {"name": supervisor.person.name, "date": supervisor.valid_to}}
        )  # fmt: skip
    if supervisor.person_id in {examiner.person_id for examiner in examiners}:
        raise ValidationError(
            {"supervisor": _("The quality supervisor cannot also examine the same evaluation.")}
        )
    return examiners


def _check_enrollment(booking: EvaluationBooking, enrollment: Enrollment) -> None:
    if enrollment.training_class_id != booking.training_class_id:
        raise ValidationError(_("This person is not a trainee of the booked class."))
    if enrollment.state != EnrollmentState.COMPLETED:
        raise ValidationError(
            _("%(name)s did not complete the class: only those who completed it are evaluated.")
            % {"name": enrollment.person.name}
        )


def recording_readiness(booking: EvaluationBooking) -> Ready:
    """Whether results may be recorded now, and if not why; the service and the booking's page
    (which shows the reason instead of the entry rows) ask this one rule."""
    if booking.state != BookingState.ACCEPTED:
        return Ready.no(
            _("Results are recorded for an accepted booking; this one is “%(state)s”.")
            % {"state": booking.get_state_display()}
        )
    if booking.needs_exception:  # the date moved after the deadline since it was accepted
        return Ready.no(
            _("The date is after the deadline (%(due)s): results wait for the bureau's exception.")
            % {"due": booking.due_on}
        )
    if timezone.localdate() < booking.planned_date:
        return Ready.no(
            _("The evaluation is on %(date)s: results are recorded from that day.")
            % {"date": booking.planned_date}
        )
    return Ready()


def _check_recordable(booking: EvaluationBooking) -> None:
    recording_readiness(booking).check()


def same_result(result: EvaluationResult, theory, practical, passed: bool, examiners,
                supervisor) -> bool:  # fmt: skip
    """Whether a stored result says what is sent again (for idempotent imports and API calls)."""
    return (
        result.theory_score == score(theory, "theory_score")
        and result.practical_score == score(practical, "practical_score")
        and result.passed == passed
        and result.supervisor_id == getattr(supervisor, "pk", None)
        and {e.pk for e in result.examiners.all()} == {e.pk for e in examiners}
    )


@transaction.atomic
def record_result(
    booking: EvaluationBooking,
    enrollment: Enrollment,
    *,
    theory,
    practical,
    passed: bool,
    examiners,
    supervisor: Examiner | None,
) -> EvaluationResult:
    """One trainee's result, once: scores from 0 to 100, pass or fail, the examiners and the
    quality supervisor. A pass issues the certificate of the level (职业技能等级证书 for 五级 to
    一级, 专项职业能力证书 for 专项职业能力) through the certificates service."""
    require_capability(Capability.RUN_EVALUATIONS, ONLY_ORGANISATION)
    booking = _locked(booking)  # one result at a time per booking
    _check_recordable(booking)
    enrollment = Enrollment.objects.select_related("person").get(pk=enrollment.pk)
    _check_enrollment(booking, enrollment)
    existing = EvaluationResult.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        raise ValidationError(
            _("A result is already recorded for %(name)s.") % {"name": enrollment.person.name}
        )
    theory_score = score(theory, "theory_score")
    practical_score = score(practical, "practical_score")
    examiners = _check_panel(booking, examiners, supervisor)
    passed = bool(passed)
    certificate = _issue(booking, enrollment) if passed else None
    result = writes.create(
        EvaluationResult(
            booking=booking,
            enrollment=enrollment,
            theory_score=theory_score,
            practical_score=practical_score,
            passed=passed,
            supervisor=supervisor,
            certificate=certificate,
            entered_by=acting_user(),
        ),
        validate=False,  # checked above; the unique enrollment is the database's too
    )
    result.examiners.set(examiners)
    audit.record("update", result, after={"examiners": sorted(e.pk for e in examiners)})
    training_class = booking.training_class
    values = {
        "code": training_class.code,
        "occupation": training_class.occupation.name,
        "level": training_class.level.name,
        "theory": shown(theory_score),
        "practical": shown(practical_score),
    }
    title = (
        _("Evaluated (class %(code)s, %(occupation)s %(level)s): passed, theory %(theory)s, "
          "practical %(practical)s")
        if passed
        else _("Evaluated (class %(code)s, %(occupation)s %(level)s): failed, theory %(theory)s, "
               "practical %(practical)s")
    ) % values  # fmt: skip
    ledger.add(
        enrollment.person,
        ledger.Kind.EVALUATION,
        title,
        obj=result,
        detail={
            "booking": booking.pk,
            "evaluation_org": booking.evaluation_org.organisation.name,
            "evaluated_on": booking.planned_date.isoformat(),
            "theory": str(theory_score),
            "practical": str(practical_score),
            "passed": passed,
            "certificate": certificate.number if certificate else "",
        },
    )
    return result


def _issue(booking: EvaluationBooking, enrollment: Enrollment) -> Certificate:
    training_class = booking.training_class
    level = training_class.level
    kind = certificate_kind(level)
    check_numbering_codes(booking.evaluation_org, level)
    return certificates.issue(
        enrollment.person,
        kind=kind,
        occupation=training_class.occupation,
        level=level,
        evaluation_org=booking.evaluation_org,
        issued_on=timezone.localdate(),
        training_class=training_class,
    )


def record_or_same(booking: EvaluationBooking, enrollment: Enrollment, **values) -> str:
    """record_result for imports and API calls sent again: CREATED, or UNCHANGED when the same
    result is stored; a different stored result is refused (results are not changed here)."""
    existing = (
        EvaluationResult.objects.filter(enrollment=enrollment).prefetch_related("examiners").first()
    )
    if existing is None:
        record_result(booking, enrollment, **values)
        return CREATED
    if existing.booking_id == booking.pk and same_result(existing, **values):
        return UNCHANGED
    raise ValidationError(
        _("A different result is already recorded for %(name)s: results are not changed.")
        % {"name": enrollment.person.name}
    )
