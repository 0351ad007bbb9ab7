"""Each person's free-evaluation agreement (免费技能评价协议书, 004 §四(五): 由考核评价机构与补贴
申请人签订免费技能评价协议书), recorded on the evaluation booking's page one by one, in bulk by the
`evaluation_agreements` import into a booking, or through the API.

Who records: the evaluation organisation's staff and the bureau's reviewers
(`evaluations.agreements`), each for bookings in their data scope. When: for a booking the
organisation has accepted (or finished), for a trainee who completed the class. The date: not
before the class's first day (the person signs as its trainee), not in the future, and not after
the evaluation date, since the agreement is what makes the evaluation free. One agreement per
organisation and trainee; a recorded agreement is not changed (the same one sent again is
"unchanged"), but a scanned copy may be added to one that has none. The scan is a PDF, JPEG or
PNG file of at most 10 MB, kept encrypted (it holds the ID number and the signature).

The claims app reads `signed_on_by_enrollment` for each evaluation subsidy line: the policy pack
(`evaluation.applicant_agreement_required`) refuses a line without an agreement signed on or
before the evaluation date, naming the person.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.core import audit, crypto, writes
from jineng.core.imports import CREATED, UNCHANGED
from jineng.core.models import AuditAction
from jineng.core.readiness import Ready
from jineng.core.roles import Capability, acting_user, require_capability
from jineng.core.scope import scoped
from jineng.people import ledger
from jineng.training.models import Enrollment, EnrollmentState

from .models import ApplicantAgreement, BookingState, EvaluationBooking

ONLY_RECORDERS = gettext_lazy(
    "Only the evaluation organisation or the bureau records the free-evaluation agreements "
    "signed with the persons evaluated."
)
# The organisation signs with the persons it evaluates once it has taken the booking on.
RECORDING_STATES = (BookingState.ACCEPTED, BookingState.DONE)
MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_FIELD = "evaluation.applicantagreement.scan"  # authenticated with the encrypted scan
SCAN_KINDS = {  # the file's first bytes: what a scanner or a phone writes
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
SIGNATORY_LENGTH = 50


@dataclass(frozen=True)
class Scan:
    """An uploaded scanned copy of a signed agreement."""

    filename: str
    content: bytes


def scan_type(content: bytes) -> str:
    """The content type of a scanned copy by its first bytes; refused unless PDF, JPEG or PNG
    of at most 10 MB."""
    kind = next((kind for magic, kind in SCAN_KINDS.items() if content.startswith(magic)), None)
    if kind is None or len(content) > MAX_SCAN_BYTES:
        raise ValidationError(
            {"scan": _("The scanned copy must be a PDF, JPEG or PNG file of at most 10 MB.")}
        )
    return kind


def _scan_values(scan: Scan | None) -> dict:
    if scan is None:
        return {}
    return {
        "scan_name": (scan.filename or "scan")[:200],
        "scan_type": scan_type(scan.content),
        "scan": crypto.encrypt_bytes(scan.content, SCAN_FIELD),
        "scan_sha256": hashlib.sha256(scan.content).hexdigest(),
    }


def read_scan(agreement: ApplicantAgreement) -> bytes:
    """The scanned copy as uploaded, for those who record agreements and see this one; it
    shows the whole ID number, so each view goes to the audit log as a view of personal data."""
    require_capability(Capability.RECORD_EVALUATION_AGREEMENTS, ONLY_RECORDERS)
    user = acting_user()
    visible = ApplicantAgreement.objects.filter(pk=agreement.pk)
    if user is not None and not scoped(user, visible).exists():
        raise PermissionDenied(_("This agreement is not in your scope."))
    if not agreement.has_scan:
        raise ValidationError(_("No scanned copy of this agreement is kept."))
    content = crypto.decrypt_bytes(agreement.scan, SCAN_FIELD)
    audit.record(AuditAction.VIEW_PERSONAL, agreement, message="agreement scan")
    return content


# --- when and for whom ------------------------------------------------------------------------


def recording_readiness(booking: EvaluationBooking) -> Ready:
    """Whether agreements may be recorded for the booking now; the service and the booking's
    page (which shows the reason instead of the form) ask this one rule."""
    if booking.state not in RECORDING_STATES:
        return Ready.no(
            _("Free-evaluation agreements are recorded once the organisation has accepted the "
              "booking; this one is “%(state)s”.") % {"state": booking.get_state_display()}
        )  # fmt: skip
    return Ready()


def _check_scope(booking: EvaluationBooking) -> None:
    user = acting_user()
    visible = EvaluationBooking.objects.filter(pk=booking.pk)
    if user is not None and not scoped(user, visible).exists():
        raise PermissionDenied(_("This booking is not in your scope."))


def _check_trainee(booking: EvaluationBooking, enrollment: Enrollment) -> None:
    if enrollment.training_class_id != booking.training_class_id:
        raise ValidationError(_("This person is not a trainee of the booked class."))
    if enrollment.state != EnrollmentState.COMPLETED:
        raise ValidationError(
            _("%(name)s did not complete the class: only those who completed it are evaluated.")
            % {"name": enrollment.person.name}
        )


def check_signed_on(booking: EvaluationBooking, signed_on) -> date:
    """004 §四(五): the agreement makes the evaluation free, so it is signed on or before the
    evaluation date; never in the future, nor before the class's first day."""
    if not isinstance(signed_on, date):
        raise ValidationError({"signed_on": _("Give the date the agreement was signed.")})
    today = timezone.localdate()
    if signed_on > today:
        raise ValidationError(
            {"signed_on": _("The agreement cannot be signed in the future: today is %(today)s.")
             % {"today": today}}
        )  # fmt: skip
    if signed_on > booking.planned_date:
        raise ValidationError(
            {"signed_on": _("The free-evaluation agreement is signed on or before the evaluation "
                            "date, %(date)s (004 §四(五)).") % {"date": booking.planned_date}}
        )  # fmt: skip
    start = booking.training_class.start_date
    if signed_on < start:
        raise ValidationError(
            {"signed_on": _("The agreement is signed with a trainee of the class: not before its "
                            "first day, %(start)s.") % {"start": start}}
        )  # fmt: skip
    return signed_on


def _signatory(text: str) -> str:
    name = " ".join((text or "").split())
    if not name:
        raise ValidationError(
            {"signatory": _("Name who signed the agreement for the evaluation organisation.")}
        )
    if len(name) > SIGNATORY_LENGTH:
        raise ValidationError(
            {"signatory": _("A signatory's name has at most %(count)d characters.")
             % {"count": SIGNATORY_LENGTH}}
        )  # fmt: skip
    return name


def _locked(booking: EvaluationBooking) -> EvaluationBooking:
    return (
        EvaluationBooking.objects.select_for_update(of=("self",))
        .select_related("training_class", "evaluation_org__organisation")
        .get(pk=booking.pk)
    )


def existing(booking: EvaluationBooking, enrollment: Enrollment) -> ApplicantAgreement | None:
    return (
        ApplicantAgreement.objects.filter(
            evaluation_org=booking.evaluation_org_id, enrollment=enrollment.pk
        )
        .defer("scan")
        .first()
    )


# --- recording --------------------------------------------------------------------------------


@transaction.atomic
def record_agreement(
    booking: EvaluationBooking,
    enrollment: Enrollment,
    *,
    signed_on: date,
    signatory: str,
    scan: Scan | None = None,
) -> ApplicantAgreement:
    """Record the free-evaluation agreement the booking's organisation signed with a trainee
    (004 §四(五)): the date it was signed, who signed for the organisation, and optionally the
    scanned copy. Audited and on the person's ledger."""
    require_capability(Capability.RECORD_EVALUATION_AGREEMENTS, ONLY_RECORDERS)
    booking = _locked(booking)
    _check_scope(booking)
    recording_readiness(booking).check()
    enrollment = Enrollment.objects.select_related("person").get(pk=enrollment.pk)
    _check_trainee(booking, enrollment)
    signed_on = check_signed_on(booking, signed_on)
    signatory = _signatory(signatory)
    found = existing(booking, enrollment)
    if found is not None:
        raise ValidationError(
            _("The free-evaluation agreement with %(name)s is already recorded (signed on "
              "%(date)s).") % {"name": enrollment.person.name, "date": found.signed_on}
        )  # fmt: skip
    agreement = writes.create(
        ApplicantAgreement(
            evaluation_org=booking.evaluation_org,
            enrollment=enrollment,
            signed_on=signed_on,
            signatory=signatory,
            recorded_by=acting_user(),
            **_scan_values(scan),
        ),
        validate=False,  # checked above; the unique pair is the database's too
    )
    training_class = booking.training_class
    ledger.add(
        enrollment.person,
        ledger.Kind.EVALUATION,
        _("Free-evaluation agreement signed with %(org)s on %(date)s (class %(code)s)")
        % {"org": booking.evaluation_org.organisation.name, "date": signed_on,
           "code": training_class.code},
        obj=agreement,
        detail={
            "evaluation_org": booking.evaluation_org.organisation.name,
            "signed_on": signed_on.isoformat(),
            "signatory": signatory,
            "scan": agreement.has_scan,
        },
    )  # fmt: skip
    return agreement


def record_or_same(
    booking: EvaluationBooking, enrollment: Enrollment, *, signed_on: date, signatory: str
) -> str:
    """record_agreement for imports and API calls sent again: CREATED, or UNCHANGED when the
    same agreement is stored; a different stored one is refused (agreements are not changed)."""
    require_capability(Capability.RECORD_EVALUATION_AGREEMENTS, ONLY_RECORDERS)
    _check_scope(booking)
    found = existing(booking, enrollment)
    if found is None:
        record_agreement(booking, enrollment, signed_on=signed_on, signatory=signatory)
        return CREATED
    if found.signed_on == signed_on and found.signatory == " ".join((signatory or "").split()):
        return UNCHANGED
    raise ValidationError(
        _("A different free-evaluation agreement with %(name)s is already recorded (signed on "
          "%(date)s by %(by)s): agreements are not changed.")
        % {"name": enrollment.person.name, "date": found.signed_on, "by": found.signatory}
    )  # fmt: skip


@transaction.atomic
def attach_scan(agreement: ApplicantAgreement, scan: Scan) -> ApplicantAgreement:
    """Add the scanned copy to an agreement recorded without one; a scan is kept once given."""
    require_capability(Capability.RECORD_EVALUATION_AGREEMENTS, ONLY_RECORDERS)
    agreement = (
        ApplicantAgreement.objects.select_for_update(of=("self",))
        .select_related("enrollment__person")
        .defer("scan")
        .get(pk=agreement.pk)
    )
    user = acting_user()
    visible = ApplicantAgreement.objects.filter(pk=agreement.pk)
    if user is not None and not scoped(user, visible).exists():
        raise PermissionDenied(_("This agreement is not in your scope."))
    if agreement.has_scan:
        raise ValidationError(
            {"scan": _("The scanned copy of the agreement with %(name)s is already kept.")
             % {"name": agreement.enrollment.person.name}}
        )  # fmt: skip
    return writes.update(agreement, validate=False, message="scan attached", **_scan_values(scan))


# --- reads --------------------------------------------------------------------------------------


def agreements_of(booking: EvaluationBooking) -> QuerySet[ApplicantAgreement]:
    """The agreements of the booking's trainees with its organisation (without the scans)."""
    return (
        ApplicantAgreement.objects.filter(
            evaluation_org=booking.evaluation_org_id,
            enrollment__training_class=booking.training_class_id,
        )
        .select_related("enrollment__person", "recorded_by")
        .defer("scan")
    )


def signed_on_by_enrollment(evaluation_org_id: int, enrollment_ids) -> dict[int, date]:
    """{enrollment id: the day its agreement with the organisation was signed}, for the claim's
    lines (one query)."""
    rows = ApplicantAgreement.objects.filter(
        evaluation_org=evaluation_org_id, enrollment__in=list(enrollment_ids)
    ).values_list("enrollment_id", "signed_on")
    return dict(rows)
