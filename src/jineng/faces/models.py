"""Face templates (人脸识别考勤, 000 §三(八)) and what they decide.

Biometric data are sensitive personal information (PIPL art. 28): a template is taken only with
the person's separate consent (art. 29), kept sealed with the data key, never shown, exported or
audited, used only for the attendance of the person's classes, and deleted once the retention
has passed after the person's last class (docs/faces.md).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jineng.core.crypto import Sealed
from jineng.core.scope import ScopeSpec

TEMPLATE_FIELD = "faces.template"
PHOTO_FIELD = "faces.photo"
THUMB_FIELD = "faces.thumbnail"

PERSON_OR_CLASSES = ScopeSpec(org_paths=("person__organisation__path",), owner="person__user")


class FaceConsent(models.Model):
    """The person's separate consent to face verification (PIPL art. 29), with the version of
    the text they were shown. Withdrawing it deletes the template."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="face_consents",
    )  # fmt: skip
    text_version = models.CharField(_("consent text version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    scope = PERSON_OR_CLASSES

    class Meta:
        verbose_name = _("face verification consent")
        verbose_name_plural = _("face verification consents")
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.text_version}"


class FaceTemplate(models.Model):
    """The person's face template (128 numbers of dlib's model), sealed. One per person."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="face_template",
    )  # fmt: skip
    consent = models.ForeignKey(
        FaceConsent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="+"
    )
    # The top of the person's bureau's tree (the province): the set a 1:N search runs over.
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    template = models.BinaryField(editable=False)  # sealed: TEMPLATE_FIELD
    photo = models.BinaryField(null=True, editable=False)  # sealed, only with FACE_KEEP_PHOTOS
    model_version = models.CharField(_("model version"), max_length=40)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enrolled by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip

    scope = PERSON_OR_CLASSES
    audit_exclude = frozenset({"template", "photo"})
    sealed_fields = (Sealed("template", TEMPLATE_FIELD), Sealed("photo", PHOTO_FIELD))

    class Meta:
        verbose_name = _("face template")
        verbose_name_plural = _("face templates")
        ordering = ["-enrolled_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.model_version}"


class FaceVerification(models.Model):
    """One 1:1 comparison at a check-in: the distance, the threshold it was held to and the
    model. A pass points at the attendance event it let through; a failure is a mismatch for
    the institution and the reviewer (no attendance event), with the check-in photo's face
    sealed as a thumbnail that only a reviewer sees."""

    class State(models.TextChoices):
        PASSED = "passed", pgettext_lazy("face verification", "passed")
        MISMATCH = "mismatch", _("mismatch, to review")
        CONFIRMED = "confirmed", _("mismatch confirmed")
        DISMISSED = "dismissed", _("mismatch dismissed")

    session = models.ForeignKey(
        "training.Session", verbose_name=_("session"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    # No foreign key constraint in the database: attendance events are partitioned by month on
    # PostgreSQL (core.partitions), and a key may point only at a whole unique key of a
    # partitioned table, which is (id, device_time). The ORM keeps the relation and its CASCADE.
    checkin = models.OneToOneField(
        "training.CheckIn", on_delete=models.CASCADE, null=True, blank=True,
        related_name="face_verification", db_constraint=False,
    )  # fmt: skip
    device = models.ForeignKey(
        "training.Device", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    direction = models.CharField(_("direction"), max_length=3)
    event_id = models.CharField(_("event id"), max_length=64, blank=True)  # the device's
    distance = models.FloatField(_("distance"))
    threshold = models.FloatField(_("threshold"))
    model_version = models.CharField(_("model version"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    thumbnail = models.BinaryField(null=True, editable=False)  # sealed: THUMB_FIELD
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope = ScopeSpec(org_paths=("session__training_class__institution__organisation__path",))
    audit_exclude = frozenset({"thumbnail"})
    sealed_fields = (Sealed("thumbnail", THUMB_FIELD),)

    class Meta:
        verbose_name = _("face verification")
        verbose_name_plural = _("face verifications")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["state", "at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "event_id"],
                condition=models.Q(device__isnull=False) & ~models.Q(event_id=""),
                name="uniq_face_device_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.state} {self.distance:.3f}"


class FaceDuplicate(models.Model):
    """One face, two names (代打卡, a 1:N hit): a new template (at enrolment or a check-in's
    photo) within the threshold of the template of another person of the region."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    other = models.ForeignKey(
        "people.Person", verbose_name=_("other person"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    distance = models.FloatField(_("distance"))
    threshold = models.FloatField(_("threshold"))
    model_version = models.CharField(_("model version"), max_length=40)
    source = models.CharField(_("found at"), max_length=10)  # "enrolment" or "checkin"
    session = models.ForeignKey(
        "training.Session", verbose_name=_("session"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)

    scope = ScopeSpec(org_paths=("person__organisation__path", "other__organisation__path"))

    class Meta:
        verbose_name = _("face under two names")
        verbose_name_plural = _("faces under two names")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="uniq_face_duplicate")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}~{self.other_id} {self.distance:.3f}"
