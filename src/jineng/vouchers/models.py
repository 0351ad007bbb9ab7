"""Electronic training vouchers (电子培训券, 002 §四(五)3, 003 §三10): the closed loop
发券—培训—评价—持证—兑现 under 实名制、不得转让、以证换券、无证无价.

A voucher is issued to one registered person (real-name, never transferable) for an occupation or
a list of them, valid for the policy pack's period; the worker claims it (个人领取), the
institution redeems it at enrolment after checking the holder (培训机构登记验证), and the bureau
settles it only against a valid certificate of the holder (以证换券、无证无价). States change
only through core.states.move, which follows WORKFLOW and writes each change in the history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jineng.core.roles import Capability
from jineng.core.scope import ScopeSpec
from jineng.core.states import Step, Workflow, history


class VoucherState(models.TextChoices):
    ISSUED = "issued", _("issued")
    CLAIMED = "claimed", _("claimed")
    REDEEMED = "redeemed", _("redeemed")
    SETTLED = "settled", _("settled")
    EXPIRED = "expired", _("expired")
    VOIDED = "voided", _("voided")


V = VoucherState
_ISSUE, _CLAIM = Capability.ISSUE_VOUCHERS, Capability.CLAIM_VOUCHERS
# The one place that says which changes of state exist, who makes them and which need a reason.
# The worker claims their own voucher, or the bureau records the claim at its counter; expiry is
# the system's daily work (`jineng vouchers expire`), so no user's capability takes it.
WORKFLOW = Workflow(
    VoucherState,
    [
        Step(V.ISSUED, V.CLAIMED, _CLAIM, _ISSUE),
        Step(V.ISSUED, V.EXPIRED),
        Step(V.ISSUED, V.VOIDED, _ISSUE, reason=True),
        Step(V.CLAIMED, V.REDEEMED, Capability.REDEEM_VOUCHERS),
        Step(V.CLAIMED, V.EXPIRED),
        Step(V.CLAIMED, V.VOIDED, _ISSUE, reason=True),
        Step(V.REDEEMED, V.SETTLED, Capability.SETTLE_VOUCHERS),
        Step(V.REDEEMED, V.VOIDED, _ISSUE, reason=True),
    ],
    refusal=_("Voucher %(subject)s is “%(from)s”: it cannot become “%(to)s”."),
)
TRANSITIONS: dict[str, set[str]] = WORKFLOW.transitions()
# A voucher in these states still stands for a training: a person holds at most one such voucher
# for an occupation, and a bulk rule skips them.
ACTIVE_STATES = (VoucherState.ISSUED, VoucherState.CLAIMED, VoucherState.REDEEMED)
# Past its validity, a voucher in these states expires (a redeemed one has been used in time).
EXPIRING_STATES = (VoucherState.ISSUED, VoucherState.CLAIMED)

VOUCHER_SCOPE_PATHS = (
    "organisation__path",
    "person__organisation__path",
    "enrollment__training_class__institution__organisation__path",
)


class VoucherRule(models.Model):
    """A bulk issue (批量发券): persons of the bureau's region with one of the categories get a
    voucher for the occupations, unless they already hold an active one for them."""

    name = models.CharField(_("name"), max_length=120)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="voucher_rules",
        help_text=_("Persons registered with this bureau or a bureau below it."),
    )
    categories = models.ManyToManyField(
        "catalog.PersonCategory", verbose_name=_("person categories"), related_name="+"
    )
    occupations = models.ManyToManyField(
        "catalog.Occupation", verbose_name=_("occupations"), related_name="+"
    )
    level = models.ForeignKey(
        "catalog.SkillLevel",
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.DecimalField(
        _("value (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the subsidy standard of the occupation and level."),
    )
    validity_days = models.PositiveIntegerField(
        _("validity (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the policy pack's validity; never longer than it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_run_issued = models.PositiveIntegerField(_("issued in the last run"), default=0)

    scope = ScopeSpec(org_paths=("organisation__path",))

    class Meta:
        verbose_name = _("voucher rule")
        verbose_name_plural = _("voucher rules")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="voucher_rule_value_gte_0",
            ),
            models.CheckConstraint(
                condition=models.Q(validity_days__isnull=True) | models.Q(validity_days__gte=1),
                name="voucher_rule_validity_gte_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Voucher(models.Model):
    number = models.CharField(_("voucher number"), max_length=24, unique=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("voucher holder"),
        on_delete=models.PROTECT,
        related_name="vouchers",
    )
    occupations = models.ManyToManyField(
        "catalog.Occupation", verbose_name=_("occupations"), related_name="+"
    )
    level = models.ForeignKey(
        "catalog.SkillLevel",
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.DecimalField(_("value (yuan)"), max_digits=10, decimal_places=2)
    issued_on = models.DateField(_("date of issue"))
    valid_until = models.DateField(_("valid until"))
    state = models.CharField(
        _("state"), max_length=10, choices=VoucherState.choices, default=VoucherState.ISSUED
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The issuing bureau; the holder's bureau and the redeeming institution see it too.
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("issuing bureau"),
        on_delete=models.PROTECT,
        related_name="vouchers",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rule = models.ForeignKey(
        VoucherRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vouchers",
    )
    decision = models.ForeignKey(
        "catalog.DecisionRecord",
        verbose_name=_("issue decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # Where it was used: one enrolment, and an enrolment uses at most one voucher.
    enrollment = models.OneToOneField(
        "training.Enrollment",
        verbose_name=_("redeemed at enrolment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voucher",
    )
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    # What it was settled against: one certificate settles at most one voucher.
    certificate = models.OneToOneField(
        "certificates.Certificate",
        verbose_name=_("settled against certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voucher",
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_amount = models.DecimalField(
        _("settled amount (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    changes = history("voucher")

    workflow = WORKFLOW
    scope = ScopeSpec(org_paths=VOUCHER_SCOPE_PATHS, owner="person__user")

    class Meta:
        verbose_name = _("training voucher")
        verbose_name_plural = _("training vouchers")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["state", "valid_until"]),
            models.Index(fields=["person", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("issued_on")),
                name="voucher_valid_after_issue",
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="voucher_value_gte_0"),
            # Redeemed and settled vouchers name their enrolment; settled ones their certificate.
            models.CheckConstraint(
                condition=~models.Q(state__in=["redeemed", "settled"])
                | models.Q(enrollment__isnull=False),
                name="voucher_redeemed_has_enrollment",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="settled") | models.Q(certificate__isnull=False),
                name="voucher_settled_has_certificate",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def covers(self, occupation_id: int) -> bool:
        return self.occupations.filter(pk=occupation_id).exists()
