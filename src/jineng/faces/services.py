"""Face verification: consent, templates, 1:1 check-in, 1:N search, mismatches, retention.

Every write checks its capability, runs in a transaction and is audited through core.writes; a
template, a photo or a thumbnail never enters the audit log (the models' `audit_exclude`), a log
line or an answer. docs/faces.md gives the rules and their cites (PIPL art. 28-29; 000 §三(八)).
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog.packs import pack_for
from jineng.core import audit, crypto, writes
from jineng.core.models import AuditAction
from jineng.core.roles import Capability, acting_user, require_capability
from jineng.faces import engine, index
from jineng.faces.models import (
    PHOTO_FIELD,
    TEMPLATE_FIELD,
    THUMB_FIELD,
    FaceConsent,
    FaceDuplicate,
    FaceTemplate,
    FaceVerification,
)
from jineng.people.models import Person
from jineng.training import services as training
from jineng.training.models import CheckIn, Device, Session, Verification
from jineng.training.places import Position

# The version of the consent text (templates/faces/consent_text.html) a consent records; a new
# text is a new version, and a consent given to an older one still stands for what it said.
CONSENT_VERSION = "2026-12"
RETENTION_KEY = "faces.retention_days"


def refusal_message(refused: engine.FaceRefused) -> str:
    detail = refused.detail
    return {
        engine.Refusal.NOT_AN_IMAGE: _("The file is not a photo (JPEG or PNG)."),
        engine.Refusal.NO_FACE: _("No face was found in the photo."),
        engine.Refusal.SEVERAL_FACES: _(
            "The photo shows %(count)d faces: it must show exactly one."
        )
        % {"count": detail.get("count", 2)},
        engine.Refusal.TOO_SMALL: _(
            "The face is too small (%(width)d pixels wide, at least %(minimum)d): come closer."
        )
        % {"width": detail.get("width", 0), "minimum": detail.get("minimum", 0)},
        engine.Refusal.TOO_BLURRY: _("The photo is too blurry: hold still and take it again."),
    }[refused.code]


def encode(photo: bytes) -> engine.Face:
    """The photo's one face, or ValidationError with the reason (no face, several, too small,
    too blurry) in the user's language."""
    try:
        return engine.encode(
            photo, min_pixels=settings.FACE_MIN_PIXELS, min_sharpness=settings.FACE_MIN_SHARPNESS
        )
    except engine.FaceRefused as refused:
        raise ValidationError(refusal_message(refused), code=refused.code) from None


def region_of(person: Person) -> str:
    """The set a 1:N search covers: the top of the tree of the person's bureau (the province,
    one platform per province)."""
    path = person.organisation.path
    return path[: path.index("/", 1) + 1]


def seal_template(template) -> bytes:
    return crypto.encrypt_bytes(engine.to_bytes(template), TEMPLATE_FIELD)


def open_template(face: FaceTemplate):
    return engine.from_bytes(crypto.decrypt_bytes(face.template, TEMPLATE_FIELD))


# --- consent (PIPL art. 29: separate consent to sensitive personal information) ---------------


def active_consent(person: Person) -> FaceConsent | None:
    return person.face_consents.filter(withdrawn_at__isnull=True).first()


@transaction.atomic
def give_consent(person: Person, text_version: str = CONSENT_VERSION) -> FaceConsent:
    require_capability(
        Capability.REGISTER_PEOPLE, _("Only the counter or the institution records a consent.")
    )
    if text_version != CONSENT_VERSION:
        raise ValidationError(_("The consent was given to an outdated text: show the current one."))
    current = active_consent(person)
    if current is not None and current.text_version == text_version:
        return current
    if current is not None:
        writes.update(current, withdrawn_at=timezone.now(), message="superseded")
    return writes.create(
        FaceConsent(person=person, text_version=text_version, recorded_by=acting_user()),
        message="face consent",
    )


@transaction.atomic
def withdraw_consent(person: Person) -> None:
    """The person withdraws: the consent ends and the template is deleted at once (PIPL art.
    15, 47)."""
    require_capability(
        Capability.REGISTER_PEOPLE, _("Only the counter or the institution records a consent.")
    )
    current = active_consent(person)
    if current is None:
        raise ValidationError(_("This person has given no consent to face verification."))
    _delete_template(person, _("consent withdrawn"))
    writes.update(current, withdrawn_at=timezone.now(), message="face consent withdrawn")


def _delete_template(person: Person, why: str) -> bool:
    face = FaceTemplate.objects.filter(person=person).first()
    if face is None:
        return False
    region = face.region_path
    writes.delete(face, message=why)
    transaction.on_commit(lambda: index.invalidate(region))
    index.invalidate(region)
    return True


# --- enrolment --------------------------------------------------------------------------------


@transaction.atomic
def consent_and_enrol(person: Person, photo: bytes, text_version: str = CONSENT_VERSION):
    """The consent and the template in one step: a refused photo records no consent either."""
    give_consent(person, text_version)
    return enrol(person, photo)


@transaction.atomic
def enrol(person: Person, photo: bytes) -> tuple[FaceTemplate, list[FaceDuplicate]]:
    """The person's template from a photo (a new photo replaces the template), with the faces
    of other persons of the region it matches (one face, two names)."""
    require_capability(
        Capability.REGISTER_PEOPLE, _("Only the counter or the institution takes a face photo.")
    )
    consent = active_consent(person)
    if consent is None:
        raise ValidationError(
            _("The person has not given the separate consent to face verification.")
        )
    face = encode(photo)
    region = region_of(person)
    kept = crypto.encrypt_bytes(photo, PHOTO_FIELD) if settings.FACE_KEEP_PHOTOS else None
    values = {
        "consent": consent, "region_path": region, "template": seal_template(face.template),
        "photo": kept, "model_version": engine.MODEL_VERSION, "enrolled_at": timezone.now(),
        "enrolled_by": acting_user(),
    }  # fmt: skip
    existing = FaceTemplate.objects.filter(person=person).first()
    if existing is None:
        template = writes.create(FaceTemplate(person=person, **values), message="face enrolled")
    else:
        template = writes.update(existing, message="face enrolled again", **values)
    index.invalidate(region)
    transaction.on_commit(lambda: index.invalidate(region))
    duplicates = search_duplicates(person, face.template, region, source="enrolment")
    return template, duplicates


def search_duplicates(person: Person, template, region: str, *, source: str,
                      session: Session | None = None) -> list[FaceDuplicate]:  # fmt: skip
    """1:N: the region's other persons whose face is within the threshold of this one; each
    hit is stored once per pair as a finding (代打卡: one face under two names)."""
    threshold = settings.FACE_THRESHOLD
    found = []
    for other_id, distance in index.search(region, template, within=threshold, exclude=person.pk):
        first, second = sorted((person.pk, other_id))
        duplicate, created = FaceDuplicate.objects.get_or_create(
            person_id=first, other_id=second,
            defaults={"distance": distance, "threshold": threshold, "source": source,
                      "model_version": engine.MODEL_VERSION, "session": session,
                      "region_path": region},
        )  # fmt: skip
        if created:
            audit.record(AuditAction.CREATE, duplicate, after=audit.snapshot(duplicate),
                         message="one face, two names")  # fmt: skip
        found.append(duplicate)
    return found


# --- check-in ---------------------------------------------------------------------------------


@transaction.atomic
def check_in(
    session: Session,
    person: Person,
    photo: bytes,
    *,
    direction: str = "in",
    event_id: str = "",
    device_time: datetime | None = None,
    device: Device | None = None,
    position: Position | None = None,
) -> FaceVerification:
    """1:1: the photo against the person's template. Within the threshold, the attendance event
    is recorded (training.services.record_attendance, verification "passed"); beyond it, no
    attendance: a mismatch for the institution and the reviewer. Either way the distance, the
    threshold and the model are kept, and the photo's face is searched 1:N."""
    if device is None:
        require_capability(Capability.RUN_CLASSES, _("Only the institution checks trainees in."))
    elif event_id:
        sent = FaceVerification.objects.filter(device=device, event_id=event_id).first()
        if sent is not None:  # the device sent the event again: the first answer stands
            return sent
    face_template = FaceTemplate.objects.filter(person=person).first()
    if face_template is None:
        raise ValidationError(
            _("This person has no face template: take their photo with their consent first.")
        )
    if training.attendee(session, person) is None:
        raise ValidationError(_("This person is neither a trainee nor a teacher of the class."))
    face = encode(photo)
    threshold = settings.FACE_THRESHOLD
    distance = engine.distance(open_template(face_template), face.template)
    now = timezone.now()
    event = None
    if distance <= threshold:
        event, _created = training.record_attendance(
            session, person, direction, event_id=event_id or f"face-{now.timestamp():.6f}",
            device_time=device_time or now, device=device, position=position,
        )  # fmt: skip
        CheckIn.objects.filter(pk=event.pk).update(verification=Verification.PASSED)
        event.verification = Verification.PASSED
        existing = FaceVerification.objects.filter(checkin=event).first()
        if existing is not None:  # the same event sent again: the first answer stands
            return existing
    verification = FaceVerification(
        session=session, person=person, checkin=event, device=device, direction=direction,
        event_id=event_id if device else "", distance=distance, threshold=threshold,
        model_version=engine.MODEL_VERSION, at=now,
        state=FaceVerification.State.PASSED if event else FaceVerification.State.MISMATCH,
        thumbnail=None if event else crypto.encrypt_bytes(face.thumbnail, THUMB_FIELD),
    )  # fmt: skip
    writes.create(verification, validate=False, message="face check-in")
    search_duplicates(person, face.template, face_template.region_path, source="checkin",
                      session=session)  # fmt: skip
    return verification


# --- mismatches: the reviewer's look ----------------------------------------------------------


@transaction.atomic
def review_mismatch(verification: FaceVerification, decision: str, note: str = ""):
    require_capability(Capability.REVIEW_CLASSES, _("Only a reviewer decides a mismatch."))
    if verification.state != FaceVerification.State.MISMATCH:
        raise ValidationError(_("This mismatch has already been decided."))
    if decision not in {FaceVerification.State.CONFIRMED, FaceVerification.State.DISMISSED}:
        raise ValidationError(_("Confirm or dismiss the mismatch."))
    return writes.update(
        verification, state=decision, note=note.strip()[:300], reviewed_by=acting_user(),
        message="face mismatch reviewed",
    )  # fmt: skip


def thumbnails(verification: FaceVerification) -> tuple[bytes, bytes | None]:
    """The check-in photo's face and the enrolled photo's face (when kept), for a reviewer
    only; each look is audited."""
    require_capability(Capability.REVIEW_CLASSES, _("Only a reviewer sees the photos."))
    if verification.thumbnail is None:
        raise ValidationError(_("No photo is kept for this check-in."))
    taken = crypto.decrypt_bytes(verification.thumbnail, THUMB_FIELD)
    enrolled = None
    face = FaceTemplate.objects.filter(person_id=verification.person_id).first()
    if face is not None and face.photo is not None:
        try:
            enrolled = engine.encode(
                crypto.decrypt_bytes(face.photo, PHOTO_FIELD), min_pixels=1, min_sharpness=0
            ).thumbnail
        except engine.FaceRefused:
            enrolled = None
    audit.record(AuditAction.VIEW_PERSONAL, verification, message="face mismatch photos")
    return taken, enrolled


# --- retention (PIPL art. 19, 47) -------------------------------------------------------------


def retention_days(person: Person, today: date) -> int:
    """The pack's faces.retention_days where the pack in force at the person's bureau names it;
    else the setting (JINENG_FACE_RETENTION_DAYS)."""
    found = pack_for(person.organisation.code, today)
    value = found[1].value(RETENTION_KEY) if found else None
    return int(value) if value else settings.FACE_RETENTION_DAYS


def last_class_day(person: Person) -> date | None:
    return person.enrollments.aggregate(last=Max("training_class__end_date"))["last"]


@transaction.atomic
def purge_expired(today: date | None = None) -> int:
    """Delete every template whose retention has passed after the person's last class (or
    after its enrolment, for a person who never attended a class). Returns how many."""
    today = today or timezone.localdate()
    deleted = 0
    faces = FaceTemplate.objects.select_related("person__organisation").order_by("id")
    for face in faces:
        person = face.person
        last = last_class_day(person) or timezone.localdate(face.enrolled_at)
        if last + timedelta(days=retention_days(person, today)) < today:
            deleted += _delete_template(person, "retention passed")
    return deleted
