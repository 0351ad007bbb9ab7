"""Published training (培训项目) and sign-up (报名): 003 §三10 (统一的报名和项目发布平台),
002 §四(五) (一点登录、在线查询), 004 §四(三) (广泛发动各类劳动者积极报名参加培训).

An institution publishes one of its approved classes, or a standing offer whose next class
opens when enough people have signed up; the bureau publishes projects of its own (订单式, with
an employer). A worker signs up (Application); the institution accepts into the class's roster
through training's enrolment, or declines with a reason; a full class keeps a waiting list,
moved up in order when a place frees. The worker's phone is confirmed by a one-time code
(core.phonecodes) when they register.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jineng.core.roles import Capability
from jineng.core.scope import ScopeSpec
from jineng.core.states import Step, Workflow, history


class OfferKind(models.TextChoices):
    CLASS = "class", _("an approved class")
    STANDING = "standing", _("a standing offer")
    PROJECT = "project", _("a project of the bureau")


class OfferState(models.TextChoices):
    PUBLISHED = "published", pgettext_lazy("offer", "published")
    CLOSED = "closed", pgettext_lazy("offer", "closed")


OFFER_PATHS = ("organisation__path", "training_class__institution__organisation__path")


class Offer(models.Model):
    """One published training (培训项目): what a worker reads in the public list."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=OfferKind.choices)
    # The class the sign-ups go into: set for a published class and for a standing offer once
    # its next class is opened; a project of the bureau names the class that runs it.
    training_class = models.ForeignKey(
        "training.TrainingClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
    )
    title = models.CharField(_("title"), max_length=120)
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    level = models.ForeignKey(
        "catalog.SkillLevel", verbose_name=_("level"), on_delete=models.PROTECT
    )
    training_type = models.ForeignKey(
        "catalog.TrainingType", verbose_name=_("training type"), on_delete=models.PROTECT
    )
    county = models.ForeignKey(
        "catalog.Region",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    venue = models.CharField(_("place"), max_length=200)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    # A standing offer: the next class opens when this many have signed up.
    min_signups = models.PositiveIntegerField(
        _("opens when this many have signed up"), null=True, blank=True
    )
    places = models.PositiveIntegerField(_("places"))
    employer = models.CharField(_("employer (订单式)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=OfferState.choices, default=OfferState.PUBLISHED
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    scope = ScopeSpec(org_paths=OFFER_PATHS)

    class Meta:
        verbose_name = _("published training")
        verbose_name_plural = _("published training")
        ordering = ["start_date", "id"]
        indexes = [models.Index(fields=["state", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="offer_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(places__gte=1), name="offer_places_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationState(models.TextChoices):
    APPLIED = "applied", _("waiting for the institution")
    WAITING = "waiting", _("on the waiting list")
    ACCEPTED = "accepted", pgettext_lazy("application", "accepted")
    DECLINED = "declined", pgettext_lazy("application", "declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("application", "withdrawn")


A = ApplicationState
_DECIDE, _APPLY = Capability.RUN_CLASSES, Capability.APPLY_FOR_TRAINING
_ONLY_INSTITUTION = _("Only the institution that runs the class accepts or declines sign-ups.")
_ONLY_WORKER = _("Only the worker withdraws their own sign-up.")
# The one place that says which changes of state exist and who makes them. Moving up from the
# waiting list is the system's own work (no capability): it follows a place freed.
WORKFLOW = Workflow(
    ApplicationState,
    [
        Step(A.APPLIED, A.ACCEPTED, _DECIDE, refusal=_ONLY_INSTITUTION),
        Step(A.APPLIED, A.DECLINED, _DECIDE, reason=True, refusal=_ONLY_INSTITUTION),
        Step(A.APPLIED, A.WITHDRAWN, _APPLY, refusal=_ONLY_WORKER),
        Step(A.WAITING, A.APPLIED),
        Step(A.WAITING, A.DECLINED, _DECIDE, reason=True, refusal=_ONLY_INSTITUTION),
        Step(A.WAITING, A.WITHDRAWN, _APPLY, refusal=_ONLY_WORKER),
    ],
    refusal=_("A sign-up that is “%(from)s” cannot become “%(to)s”."),
)
TRANSITIONS: dict[str, set[str]] = WORKFLOW.transitions()
# A sign-up that still stands: a person holds at most one such for an offer.
OPEN_STATES = (ApplicationState.APPLIED, ApplicationState.WAITING)


class Application(models.Model):
    """报名: a worker's sign-up for a published training."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ApplicationState.choices, default=A.APPLIED
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # The voucher the worker chose to use (电子培训券, 002 §四(五)3), redeemed at acceptance.
    voucher = models.ForeignKey(
        "vouchers.Voucher",
        verbose_name=_("voucher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enrollment = models.ForeignKey(
        "training.Enrollment",
        verbose_name=_("place on the roster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("signed up at"), default=timezone.now)

    changes = history("application")

    workflow = WORKFLOW
    scope = ScopeSpec(
        org_paths=(
            "offer__organisation__path",
            "offer__training_class__institution__organisation__path",
        ),
        owner="person__user",
    )

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["applied_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "person"],
                condition=models.Q(state__in=["applied", "waiting", "accepted"]),
                name="uniq_open_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.offer}"
