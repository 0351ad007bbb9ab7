"""What the portal reads for a worker: always their own rows, found from their registry record
(people.Person.user) and, where the model declares one, through the data scope's owner rule too,
so an id typed into an address never opens another person's row."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jineng.certificates.models import Certificate
from jineng.claims import selectors as claim_selectors
from jineng.claims.models import ClaimLine, ClaimState, LineState, Notice
from jineng.core import todo as todo_list
from jineng.core.filters import run
from jineng.core.models import CodePurpose, PhoneCode
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import scoped
from jineng.evaluation.models import EvaluationBooking, EvaluationResult
from jineng.people.models import Person
from jineng.portal.filters import CorrectionFilter
from jineng.portal.models import (
    CorrectionRequest,
    CorrectionState,
    Notification,
    WorkerSettings,
)
from jineng.training.models import Enrollment, Session
from jineng.training.services import attended_sessions
from jineng.vouchers.models import Voucher


def person_of(user) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return scoped(user, Person.objects.filter(user=user)).first()


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


# --- my classes ---------------------------------------------------------------------------------


@dataclass
class MyClass:
    enrollment: Enrollment
    sessions: list = field(default_factory=list)  # [(session, attended: bool | None)]
    attended: int = 0
    held: int = 0  # sessions already over


def my_enrollments(user) -> QuerySet[Enrollment]:
    return scoped(user, Enrollment.objects.filter(person__user=user)).select_related(
        "training_class__institution__organisation",
        "training_class__occupation",
        "training_class__level",
    ).order_by("-training_class__start_date", "-id")  # fmt: skip


def my_classes(user) -> list[MyClass]:
    """Each class with its timetable and, for each session over, whether the worker attended
    (the class's own count: a hand mark overrides the device, training.services)."""
    now = timezone.now()
    found = []
    enrollments = my_enrollments(user).prefetch_related(
        Prefetch("training_class__sessions", queryset=Session.objects.order_by("starts_at", "id"))
    )
    for enrollment in enrollments:
        training_class = enrollment.training_class
        attended = attended_sessions(training_class).get(enrollment.person_id, set())
        row = MyClass(enrollment)
        for session in training_class.sessions.all():
            over = session.ends_at <= now
            row.sessions.append((session, (session.pk in attended) if over else None))
            row.held += over
            row.attended += over and session.pk in attended
        found.append(row)
    return found


# --- my evaluations -----------------------------------------------------------------------------


@dataclass
class MyEvaluation:
    enrollment: Enrollment
    bookings: list  # the class's bookings, newest first
    result: EvaluationResult | None


def my_evaluations(user) -> list[MyEvaluation]:
    results = {
        result.enrollment_id: result
        for result in scoped(user, EvaluationResult.objects.filter(enrollment__person__user=user))
        .select_related("certificate", "booking__evaluation_org__organisation")
    }  # fmt: skip
    found = []
    for enrollment in my_enrollments(user):
        bookings = list(
            EvaluationBooking.objects.filter(training_class=enrollment.training_class)
            .select_related("evaluation_org__organisation")
            .order_by("-created_at", "-id")
        )
        if bookings or enrollment.pk in results:
            found.append(MyEvaluation(enrollment, bookings, results.get(enrollment.pk)))
    return found


# --- my certificates and vouchers ---------------------------------------------------------------


def my_certificates(user) -> QuerySet[Certificate]:
    return scoped(user, Certificate.objects.filter(person__user=user)).select_related(
        "occupation", "level"
    ).order_by("-issued_on", "-id")  # fmt: skip


def my_vouchers(user) -> QuerySet[Voucher]:
    return scoped(user, Voucher.objects.filter(person__user=user)).order_by("-issued_on", "-id")


# --- my subsidies and notices -------------------------------------------------------------------

# Lines of claims the worker may see: once the institution has submitted the claim.
SHOWN_CLAIM_STATES = (
    ClaimState.SUBMITTED,
    ClaimState.REVIEWED,
    ClaimState.IN_NOTICE,
    ClaimState.PAYABLE,
    ClaimState.PAID,
    ClaimState.CLOSED,
)


def my_lines(user) -> QuerySet[ClaimLine]:
    """ClaimLine has no owner in its scope (it is the claimant's and the bureau's record): the
    worker's own lines are those of their registry record, and only those."""
    person = person_of(user)
    if person is None:
        return ClaimLine.objects.none()
    return (
        ClaimLine.objects.filter(person=person, claim__state__in=SHOWN_CLAIM_STATES)
        .select_related("claim__notice", "occupation", "level", "decision")
        .order_by("-claim__submitted_at", "-id")
    )


@dataclass
class MySubsidy:
    line: ClaimLine
    stage: str  # decided | in_notice | paid | refused | failed
    label: str
    reasons: list  # the rules the pack checked, in plain words, for "why"
    rate: str


def _stage(line: ClaimLine, today: date) -> tuple[str, str]:
    notice = getattr(line.claim, "notice", None)
    if line.state == LineState.PAID:
        return "paid", _("Paid on %(day)s") % {"day": timezone.localdate(line.paid_at)}
    if line.state == LineState.REJECTED:
        return "refused", _("Refused: %(reason)s") % {
            "reason": line.review_reason or _("the rules of the policy pack")
        }
    if line.state == LineState.FAILED:
        return "failed", _("Payment failed: the bureau pays it again in a later batch")
    if (
        notice is not None
        and line.claim.state == ClaimState.IN_NOTICE
        and notice.ended_at is None
        and notice.starts_on <= today <= notice.ends_on
    ):
        return "in_notice", _("In public notice until %(day)s") % {"day": notice.ends_on}
    if line.state == LineState.APPROVED:
        return "decided", _("Decided: approved, waiting for payment")
    return "decided", _("Decided by the rules, waiting for the bureau's review")


def my_subsidies(user) -> list[MySubsidy]:
    today, lang = timezone.localdate(), _lang()
    found = []
    for line in my_lines(user):
        stage, label = _stage(line, today)
        checks = claim_selectors.checks_of(line, lang)
        # Plain words: the rules that decided it (the failed ones when it was refused).
        shown = [c for c in checks if not c["passed"]] if not line.granted else checks
        rate = claim_selectors.percent(claim_selectors.rate_of(line))
        found.append(MySubsidy(line, stage, label, [c["message"] for c in shown], rate))
    return found


@dataclass
class MyNotice:
    notice: Notice
    lines: list  # the worker's own lines on it
    running: bool


def my_notices(user) -> list[MyNotice]:
    """The public notices (公示, 004 §四(五)) that list the worker, running ones first."""
    today = timezone.localdate()
    by_notice: dict[int, MyNotice] = {}
    for line in my_lines(user).filter(claim__notice__isnull=False):
        notice = line.claim.notice
        running = notice.ended_at is None and notice.starts_on <= today <= notice.ends_on
        running = running and line.claim.state == ClaimState.IN_NOTICE
        entry = by_notice.setdefault(notice.pk, MyNotice(notice, [], running))
        entry.lines.append(line)
    return sorted(by_notice.values(), key=lambda n: (not n.running, -n.notice.pk))


def my_notice(user, pk: int) -> MyNotice | None:
    return next((n for n in my_notices(user) if n.notice.pk == pk), None)


# --- notifications and requests ------------------------------------------------------------------


def my_notifications(user) -> QuerySet[Notification]:
    return scoped(user, Notification.objects.filter(user=user))


def my_corrections(user) -> QuerySet[CorrectionRequest]:
    return scoped(user, CorrectionRequest.objects.filter(user=user))


def corrections_for(user) -> QuerySet[CorrectionRequest]:
    """The bureau's list: the requests of the persons its region keeps."""
    if not has_capability(user, Capability.CORRECT_PEOPLE):
        return CorrectionRequest.objects.none()
    return scoped(user, CorrectionRequest.objects.all()).select_related("person")


def correction_list(user, filters=None) -> QuerySet[CorrectionRequest]:
    """The bureau's list, by state (the open requests unless another state is asked)."""
    return run(CorrectionFilter, corrections_for(user), filters)


def todo(user) -> list[todo_list.Item]:
    if not has_capability(user, Capability.CORRECT_PEOPLE):
        return []
    waiting = corrections_for(user).filter(state=CorrectionState.OPEN).count()
    return [
        todo_list.Item(_("Workers' correction requests"), waiting, reverse("portal:corrections"))
    ]


def my_phone_changes(user) -> QuerySet[PhoneCode]:
    """The worker's phone changes: the codes that confirmed (or would have confirmed) a new
    number, with that number masked."""
    return scoped(user, PhoneCode.objects.filter(user=user, purpose=CodePurpose.PHONE_CHANGE))


# --- the copy of a worker's data (PIPL art. 45) ---------------------------------------------------

# Columns never copied: ciphertexts and look-up hashes (the clear values are given instead, where
# they are the worker's own), and the signed payload of a certificate (its PDF carries it).
_HIDDEN_SUFFIXES = ("_cipher", "_hash")
_HIDDEN = {"signed_payload", "detail", "params", "password"}


def _value(obj, field):
    value = getattr(obj, field.attname)
    if value is None:
        return None
    if field.is_relation:
        related = getattr(obj, field.name)
        return str(related)
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(value, (bytes, memoryview)):
        return None
    return value if isinstance(value, (bool, int, str)) else str(value)


def row_of(obj) -> dict:
    """One row as the worker reads it: every column but ciphertexts, hashes and internal
    payloads, related rows by their name, choices by their label."""
    return {
        str(field.verbose_name): _value(obj, field)
        for field in obj._meta.concrete_fields
        if not field.name.endswith(_HIDDEN_SUFFIXES) and field.name not in _HIDDEN
        and field.name not in ("id", "person", "user")
    }  # fmt: skip


def data_of(user) -> dict:
    """Everything the platform holds about one worker, sections by kind: their account, their
    registry record (with the ID number and phone in clear: they are the worker's own), their
    categories, licences, education, employment, classes and attendance, evaluations,
    certificates, vouchers, subsidy lines, notifications, requests and ledger. Only rows of
    this worker: each section is filtered by their registry record or their account."""
    from jineng.core import crypto
    from jineng.people.services import decrypt_id_number

    person = person_of(user)
    account = {
        _("Username"): user.username,
        _("Full name"): user.get_full_name() or user.username,
        _("Joined"): str(user.date_joined),
        _("Last login"): str(user.last_login) if user.last_login else None,
    }
    data = {_("Account"): account}
    chosen = WorkerSettings.objects.filter(user=user).first()
    data[_("Text messages")] = {
        _("agreed"): bool(chosen and chosen.sms_consent),
        _("changed at"): str(chosen.consent_changed_at or "") if chosen else "",
    }
    if person is None:
        return data
    record = row_of(person)
    record[_("ID number")] = decrypt_id_number(person)
    record[_("phone")] = (
        crypto.decrypt(bytes(person.phone_cipher), "phone") if person.phone_cipher else ""
    )
    data[_("Registry record")] = record
    sections = [
        (_("Person categories"), person.categories.select_related("category")),
        (_("Practising licences"), person.licences.all()),
        (_("Education"), person.education.all()),
        (_("Employment"), person.employment.all()),
        (_("Classes"), my_enrollments(user)),
        (_("Evaluation results"), EvaluationResult.objects.filter(enrollment__person=person)),
        (_("Certificates"), my_certificates(user)),
        (_("Vouchers"), my_vouchers(user)),
        (_("Subsidy lines"), my_lines(user)),
        (_("Notifications"), my_notifications(user)),
        (_("Correction requests"), my_corrections(user)),
        (_("Phone changes"), my_phone_changes(user)),
        (_("Ledger"), person.ledger.all()),
    ]
    for title, rows in sections:
        data[str(title)] = [row_of(row) for row in rows]
    attendance = []
    for row in my_classes(user):
        for session, attended in row.sessions:
            attendance.append({
                _("class number"): row.enrollment.training_class.code,
                _("session"): str(session),
                _("attended"): attended,
            })  # fmt: skip
    data[_("Attendance")] = attendance
    return {str(key): value for key, value in data.items()}
