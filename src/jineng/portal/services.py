"""The portal's writes: notifications (on the site, and texted where the worker agreed), the
worker's consent, the phone change confirmed by a one-time code, correction requests and the
bureau's answer, and the worker's copy of their data (PIPL art. 45).

Notifications come from the apps below through their signals (receivers.py): those run inside
the sender's transaction, so a change undone is never notified, and the text message leaves only
once the change is committed (transaction.on_commit)."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.core import audit, crypto, phonecodes, states, writes
from jineng.core.models import AuditAction, PhoneCode
from jineng.core.personal import mask_phone
from jineng.core.roles import Capability, Role, acting_user, require_actor, require_capability
from jineng.core.scope import scoped
from jineng.core.sms import SmsError, send_sms
from jineng.people.models import Person
from jineng.people.services import check_phone, update_person
from jineng.portal.models import (
    CorrectionRequest,
    CorrectionState,
    Notification,
    NotificationKind,
    SmsState,
    WorkerSettings,
)

logger = logging.getLogger("jineng.portal")

ONLY_WORKER = gettext_lazy("Only a worker with a registry record does this, for themselves.")
ONLY_BUREAU_ANSWERS = gettext_lazy(
    "Only the bureau that keeps the record answers a correction request."
)


# --- notifications ------------------------------------------------------------------------------


def text_of(kind: str, params: dict) -> str:
    """What a notification says, in the active language (the page's, or zh-hans for a text)."""
    texts = {
        NotificationKind.ACCEPTED: _(
            "You are accepted into class %(code)s %(name)s, from %(start)s at %(venue)s."
        ),
        NotificationKind.STARTS_TOMORROW: _(
            "Your class %(code)s %(name)s starts tomorrow (%(start)s) at %(venue)s."
        ),
        NotificationKind.EVALUATION_BOOKED: _(
            "Your evaluation for class %(code)s is booked with %(org)s on %(date)s."
        ),
        NotificationKind.CERTIFICATE_ISSUED: _(
            "Your certificate %(number)s (%(what)s) is issued: download it on the platform."
        ),
        NotificationKind.SUBSIDY_PAID: _(
            "Your subsidy of %(amount)s yuan (claim %(claim)s) is paid."
        ),
    }
    try:
        return texts[kind] % params
    except (KeyError, TypeError, ValueError):
        return str(NotificationKind(kind).label) if kind in NotificationKind.values else kind


def sms_consent(user) -> bool:
    return WorkerSettings.objects.filter(user=user, sms_consent=True).exists()


def _phone_of(user) -> str:
    person = Person.objects.filter(user=user).only("phone_cipher").first()
    if person is None or not person.phone_cipher:
        return ""
    return crypto.decrypt(bytes(person.phone_cipher), "phone")


def _send(notification_id: int, phone: str, text: str) -> None:
    """After the commit: text the worker; the outcome is the notification's delivery state (a
    refused text is said on the site, never retried in a loop)."""
    try:
        send_sms(phone, text)
        outcome = SmsState.SENT
    except SmsError as problem:
        logger.warning("notification %s: text not sent to %s: %s", notification_id,
                       mask_phone(phone), problem)  # fmt: skip
        outcome = SmsState.FAILED
    # The delivery state only, not a change of what the worker was told: no audit entry.
    Notification.objects.filter(pk=notification_id).update(sms=outcome)


def notify(user, kind: str, event: str, params: dict, url: str = "") -> Notification | None:
    """Tell a worker once about one event: None when this event was told already. Texted after
    the commit when the worker agreed and has a phone."""
    if user is None or Role.WORKER not in user.role_set:
        return None
    if Notification.objects.filter(user=user, event=event).exists():
        return None
    notification = Notification(user=user, kind=kind, event=event[:80], params=params, url=url)
    phone = _phone_of(user) if sms_consent(user) else ""
    if phone:
        notification.sms = SmsState.QUEUED
    writes.create(notification, validate=False)
    if phone:
        with translation.override(settings.LANGUAGE_CODE):
            text = _("[jineng] ") + text_of(kind, params)
        transaction.on_commit(lambda: _send(notification.pk, phone, text))
    return notification


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def mark_read(user, notifications=None) -> int:
    """Mark the worker's own notifications read (all of them when none is named)."""
    require_actor()
    if acting_user() != user:
        raise PermissionDenied(ONLY_WORKER)
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notifications is not None:
        rows = rows.filter(pk__in=[n.pk for n in notifications])
    # Reading is not a change of record: no audit entry for each row read.
    return rows.update(read_at=timezone.now())


def _class_params(training_class) -> dict:
    return {
        "code": training_class.code,
        "name": training_class.name,
        "start": training_class.start_date.isoformat(),
        "venue": training_class.venue,
    }


def on_enrolled(enrollment) -> None:
    training_class = enrollment.training_class
    notify(
        enrollment.person.user,
        NotificationKind.ACCEPTED,
        f"accepted:{enrollment.pk}:{enrollment.enrolled_at:%Y%m%d%H%M%S}",
        _class_params(training_class),
        reverse("portal:classes"),
    )


def on_booked(booking, enrollments) -> None:
    params = {
        "code": booking.training_class.code,
        "org": booking.evaluation_org.organisation.name,
        "date": booking.planned_date.isoformat(),
    }
    for enrollment in enrollments:
        notify(enrollment.person.user, NotificationKind.EVALUATION_BOOKED,
               f"booked:{booking.pk}", params, reverse("portal:evaluations"))  # fmt: skip


def on_certificate_issued(certificate) -> None:
    from jineng.certificates.services import describe

    notify(
        certificate.person.user,
        NotificationKind.CERTIFICATE_ISSUED,
        f"certificate:{certificate.pk}",
        {"number": certificate.number, "what": describe(certificate)},
        reverse("portal:certificates"),
    )


def on_lines_paid(lines) -> None:
    for line in lines:
        notify(
            line.person.user,
            NotificationKind.SUBSIDY_PAID,
            f"paid:{line.pk}",
            {"amount": f"{line.amount:.2f}", "claim": line.claim.number},
            reverse("portal:subsidies"),
        )


def remind_class_starts(today: date | None = None) -> int:
    """The daily reminder: every worker on the roster of a class that starts tomorrow (approved,
    not cancelled) is told once. Returns how many were told now."""
    from jineng.training.models import ClassState, Enrollment, EnrollmentState

    require_actor()
    tomorrow = (today or timezone.localdate()) + timedelta(days=1)
    enrollments = Enrollment.objects.filter(
        training_class__start_date=tomorrow,
        training_class__state__in=(ClassState.APPROVED, ClassState.IN_PROGRESS),
        state=EnrollmentState.ENROLLED,
        person__user__isnull=False,
    ).select_related("training_class", "person__user")
    told = 0
    for enrollment in enrollments:
        with transaction.atomic():
            done = notify(
                enrollment.person.user,
                NotificationKind.STARTS_TOMORROW,
                f"starts:{enrollment.pk}:{tomorrow.isoformat()}",
                _class_params(enrollment.training_class),
                reverse("portal:classes"),
            )
        told += done is not None
    return told


# --- the worker's own settings and data ---------------------------------------------------------


def _require_worker(user) -> Person:
    """The acting user is this worker, with a registry record: else refused."""
    require_actor()
    if acting_user() != user or Role.WORKER not in user.role_set:
        raise PermissionDenied(ONLY_WORKER)
    person = Person.objects.filter(user=user).first()
    if person is None:
        raise ValidationError(
            _("Your bureau has not linked your account to your real-name registration yet.")
        )
    return person


@transaction.atomic
def set_sms_consent(user, agreed: bool) -> WorkerSettings:
    """The worker agrees to (or stops) text messages; the change and its time are recorded."""
    _require_worker(user)
    current, _created = WorkerSettings.objects.get_or_create(user=user)
    if current.sms_consent == bool(agreed):
        return current
    return writes.update(
        current, sms_consent=bool(agreed), consent_changed_at=timezone.now(),
        message="PIPL art. 14: consent to text messages",
    )  # fmt: skip


def ask_phone_change(user, phone: str, ip: str | None = None) -> PhoneCode:
    """Text a one-time code to the new mobile (core.phonecodes); the number changes once the
    code comes back. Refused: not a mobile number, the same number, too many codes asked this
    hour (by the worker, to the phone, from the address)."""
    person = _require_worker(user)
    phone = check_phone(phone)
    if "-" in phone:
        raise ValidationError({"phone": _("Give a mobile number: the code is sent by text.")})
    if person.phone_cipher and crypto.decrypt(bytes(person.phone_cipher), "phone") == phone:
        raise ValidationError({"phone": _("This is already your phone number.")})
    return phonecodes.issue(phonecodes.PHONE_CHANGE, phone, ip=ip, user=user, keep_number=True)


def confirm_phone_change(user, code: str) -> Person:
    """The code texted to the new phone: right, in time and within the tries, and the registry
    record takes the new number (people.services.update_person, audited). A wrong code counts
    against the tries in a transaction of its own, kept though the answer is a refusal."""
    person = _require_worker(user)
    sent = phonecodes.verify(phonecodes.PHONE_CHANGE, code, user=user)
    with transaction.atomic():
        sent = phonecodes.spend(phonecodes.PHONE_CHANGE, sent)
        return update_person(person, phone=phonecodes.number_of(sent))


def pending_phone_change(user) -> PhoneCode | None:
    return phonecodes.pending(phonecodes.PHONE_CHANGE, user=user)


def __getattr__(name: str):
    """The limits of a phone change's code, read where they are set (core.phonecodes: the
    settings every one-time code follows): CODE_VALID, CODE_TRIES, CODES_PER_HOUR."""
    limits = {
        "CODE_VALID": phonecodes.valid_for,
        "CODE_TRIES": phonecodes.tries_allowed,
        "CODES_PER_HOUR": phonecodes.codes_per_user,
    }
    if name in limits:
        return limits[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@transaction.atomic
def ask_correction(user, *, subject: str, text: str) -> CorrectionRequest:
    """更正 (PIPL art. 46): the worker says what is wrong; it waits on the to-do list of the
    bureau that keeps their record."""
    person = _require_worker(user)
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": _("Say what is wrong and what it should say.")})
    request = writes.create(
        CorrectionRequest(person=person, user=user, subject=subject, text=text[:1000])
    )
    states.record_start(request)
    return request


@transaction.atomic
def answer_correction(request: CorrectionRequest, *, corrected: bool, answer: str):
    """The bureau answers: corrected (say what was changed) or declined (say why). The worker
    sees the answer on their data page."""
    require_capability(Capability.CORRECT_PEOPLE, ONLY_BUREAU_ANSWERS)
    rows = CorrectionRequest.objects.select_for_update()
    if acting_user() is not None:
        rows = scoped(acting_user(), rows)
    request = rows.filter(pk=request.pk).first()
    if request is None:
        raise PermissionDenied(ONLY_BUREAU_ANSWERS)
    target = CorrectionState.CORRECTED if corrected else CorrectionState.DECLINED
    answer = " ".join((answer or "").split())[:300]
    states.move(request, target, reason=answer,
                values={"answer": answer, "answered_at": timezone.now()})  # fmt: skip
    return request


def record_data_copy(user, fmt: str) -> None:
    """The worker downloaded the copy of their data: on the audit log, as every full view of
    personal data is."""
    audit.record(
        AuditAction.VIEW_PERSONAL,
        Person.objects.filter(user=user).first(),
        message=f"PIPL art. 45: copy of one's own data ({fmt})",
    )
