"""The worker's portal: notifications, the worker's consent to text messages and requests to
correct what the platform holds (PIPL art. 45, 46). A phone change is confirmed by a one-time
code (core.phonecodes), which keeps the new number sealed until then: the worker's history of
phone changes is theirs (core.PhoneCode of the purpose "phone change").

Everything else the portal shows belongs to the apps below (classes, evaluations, certificates,
claims, vouchers): the portal reads it through their models, never keeps a copy."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jineng.core.roles import Capability
from jineng.core.scope import ScopeSpec
from jineng.core.states import Step, Workflow, history


class NotificationKind(models.TextChoices):
    ACCEPTED = "accepted", _("accepted into a class")
    STARTS_TOMORROW = "starts_tomorrow", _("class starts tomorrow")
    EVALUATION_BOOKED = "evaluation_booked", _("evaluation booked")
    CERTIFICATE_ISSUED = "certificate_issued", _("certificate issued")
    SUBSIDY_PAID = "subsidy_paid", _("subsidy paid")


class SmsState(models.TextChoices):
    NOT_SENT = "", _("no text message (not agreed, or no phone)")
    QUEUED = "queued", _("text message waiting to be sent")
    SENT = "sent", _("text message sent")
    FAILED = "failed", _("text message not sent")


class Notification(models.Model):
    """One thing that changed for a worker, shown on the site and, where the worker agreed,
    texted. `event` names the event (kind and object), unique per user: an event notifies once
    however many times its service or the daily task runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    event = models.CharField(_("event"), max_length=80)
    # What the text says, filled in the reader's language when shown (services.text_of).
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    sms = models.CharField(
        _("text message"), max_length=8, choices=SmsState.choices, default="", blank=True
    )

    scope = ScopeSpec(owner="user")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="uniq_notification_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.event}"


class WorkerSettings(models.Model):
    """A worker's choices: whether the platform may text them (PIPL art. 14: consent, given and
    withdrawn by the worker, each change on the audit log with its time)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worker_settings"
    )
    sms_consent = models.BooleanField(_("text me when something changes"), default=False)
    consent_changed_at = models.DateTimeField(_("consent changed at"), null=True, blank=True)

    scope = ScopeSpec(owner="user")

    class Meta:
        verbose_name = _("worker's settings")
        verbose_name_plural = _("workers' settings")

    def __str__(self) -> str:
        return str(self.user)


class CorrectionState(models.TextChoices):
    OPEN = "open", _("waiting for the bureau")
    CORRECTED = "corrected", _("corrected")
    DECLINED = "declined", _("declined")


class CorrectionSubject(models.TextChoices):
    NAME = "name", _("my name")
    IDENTITY = "identity", _("my ID document")
    CATEGORY = "category", _("my person categories")
    EDUCATION = "education", _("my education")
    EMPLOYMENT = "employment", _("my employment")
    TRAINING = "training", _("my classes and attendance")
    EVALUATION = "evaluation", _("my evaluations and certificates")
    SUBSIDY = "subsidy", _("my subsidies and vouchers")
    OTHER = "other", _("something else")


_CORRECT = Capability.CORRECT_PEOPLE
ONLY_BUREAU = _("Only the bureau that keeps the record answers a correction request.")
CORRECTION_WORKFLOW = Workflow(
    CorrectionState,
    [
        Step(CorrectionState.OPEN, CorrectionState.CORRECTED, _CORRECT, reason=True,
             refusal=ONLY_BUREAU),
        Step(CorrectionState.OPEN, CorrectionState.DECLINED, _CORRECT, reason=True,
             refusal=ONLY_BUREAU),
    ],
    refusal=_("A correction request that is “%(from)s” cannot become “%(to)s”."),
)  # fmt: skip


class CorrectionRequest(models.Model):
    """更正、补充 (PIPL art. 46): a worker asks the bureau to correct what the platform holds
    about them; the bureau that keeps their registry record corrects it through the registry's
    own pages and answers here with what it did, or why not."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="correction_requests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="correction_requests"
    )
    subject = models.CharField(_("what is wrong"), max_length=12, choices=CorrectionSubject.choices)
    text = models.TextField(_("what should it say"), max_length=1000)
    state = models.CharField(
        _("state"), max_length=10, choices=CorrectionState.choices, default=CorrectionState.OPEN
    )
    answer = models.CharField(_("the bureau's answer"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    changes = history("correction_request")

    workflow = CORRECTION_WORKFLOW
    scope = ScopeSpec(org_paths=("person__organisation__path",), owner="user")

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} · {self.created_at:%Y-%m-%d}"
