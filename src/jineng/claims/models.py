"""Subsidy claims (补贴申领): one line per person, each amount decided by the policy pack and
kept with its rule trace; review, public notice (公示) with objections (异议), payment in batches
per fund channel, and recovery (追回) of paid amounts.

A claim moves draft → submitted → reviewed → in notice → payable → paid (or closed), and
may be withdrawn before review or rejected as a whole. States change only through
core.states.move, which follows WORKFLOW; a line's decision is never edited: a later fact
(employment found within the window) raises a new line in a top-up claim (补差) that points at
the line it tops up.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jineng.core.crypto import Sealed
from jineng.core.roles import Capability
from jineng.core.scope import ScopeSpec
from jineng.core.states import Step, Workflow, history


class ClaimKind(models.TextChoices):
    # The values are jineng.policy's SubsidyType codes: the engine's history and limits use them.
    TRAINING = "training", _("training subsidy")
    EVALUATION = "evaluation", _("evaluation subsidy")
    EMPLOYMENT_SME = "employment_sme", _("SME hiring subsidy")
    EMPLOYMENT_AGENCY = "employment_agency", _("HR agency placement subsidy")


# Claims the bureau takes in for an enterprise or an HR service agency (002 §四(三)1).
EMPLOYMENT_KINDS = frozenset({ClaimKind.EMPLOYMENT_SME, ClaimKind.EMPLOYMENT_AGENCY})


class ClaimState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    REVIEWED = "reviewed", _("reviewed")
    IN_NOTICE = "in_notice", _("in public notice")
    PAYABLE = "payable", _("payable")
    PAID = "paid", _("paid")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    REJECTED = "rejected", _("rejected")


C = ClaimState
_CLAIMANTS = (Capability.MAKE_CLAIMS, Capability.TAKE_CLAIMS)
_REVIEW, _PAY = Capability.REVIEW_CLAIMS, Capability.PAY_CLAIMS
# The one place that says which changes of state exist, who makes them and which need a reason.
# reviewed → closed: nothing was approved, so there is nothing to notice or pay; payable → closed:
# every line left to pay was refused afterwards (its certificate revoked) and none was paid.
WORKFLOW = Workflow(
    ClaimState,
    [
        Step(C.DRAFT, C.SUBMITTED, *_CLAIMANTS),
        Step(C.DRAFT, C.WITHDRAWN, *_CLAIMANTS, reason=True),
        Step(C.SUBMITTED, C.REVIEWED, _REVIEW),
        Step(C.SUBMITTED, C.REJECTED, _REVIEW, reason=True),
        Step(C.SUBMITTED, C.WITHDRAWN, *_CLAIMANTS, reason=True),
        Step(C.REVIEWED, C.IN_NOTICE, _REVIEW),
        Step(C.REVIEWED, C.CLOSED, _REVIEW),
        Step(C.IN_NOTICE, C.PAYABLE, _REVIEW),
        Step(C.IN_NOTICE, C.CLOSED, _REVIEW),
        # Taken when the last outcome is recorded (payment.settle_claims), by the bureau's
        # payers or by the finance bureau.
        Step(C.PAYABLE, C.PAID, _PAY, Capability.RECORD_PAYMENTS),
        Step(
            C.PAYABLE,
            C.CLOSED,
            _PAY,
            _REVIEW,
            Capability.MANAGE_CERTIFICATES,
            Capability.RECORD_PAYMENTS,
        ),  # fmt: skip
    ],
    refusal=_("A claim that is “%(from)s” cannot become “%(to)s”."),
)
TRANSITIONS: dict[str, set[str]] = WORKFLOW.transitions()


class LineState(models.TextChoices):
    PENDING = "pending", _("pending review")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    PAID = "paid", _("paid")
    FAILED = "failed", _("payment failed")


# Lines in these states count in a person's subsidy history (the caps and the uniqueness rule):
# what is claimed and not yet refused, and what was paid. A recovered line stays paid and keeps
# counting: the person did receive that subsidy once (recovery is tracked on Recovery).
COUNTING_LINE_STATES = (
    LineState.PENDING,
    LineState.APPROVED,
    LineState.PAID,
    LineState.FAILED,
)

CLAIM_SCOPE_PATHS = ("organisation__path", "bureau__path")


class EvaluationAgreement(models.Model):
    """A free-evaluation agreement (免费技能评价协议) between the bureau and an evaluation
    organisation: evaluation subsidy claims are made under one that is in force."""

    evaluation_org = models.ForeignKey(
        "institutions.EvaluationOrg",
        verbose_name=_("evaluation organisation"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    bureau = models.ForeignKey(
        "core.Organisation", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("agreement number"), max_length=60, unique=True)
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope = ScopeSpec(org_paths=("evaluation_org__organisation__path", "bureau__path"))

    class Meta:
        verbose_name = _("free-evaluation agreement")
        verbose_name_plural = _("free-evaluation agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="agreement_valid_to_gte_from",
            )
        ]

    def __str__(self) -> str:
        return self.number


class Claim(models.Model):
    number = models.CharField(_("claim number"), max_length=24, unique=True)
    kind = models.CharField(_("subsidy"), max_length=20, choices=ClaimKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ClaimState.choices, default=ClaimState.DRAFT
    )
    # Who claims (the institution's or evaluation organisation's; the bureau's for employment
    # claims it takes in on an enterprise's behalf) and the bureau that reviews and pays.
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("claimant"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    bureau = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="claims_to_review",
    )
    region = models.ForeignKey(
        "catalog.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The region whose policy pack decides the lines."),
    )
    fund_channel = models.ForeignKey(
        "catalog.FundChannel",
        verbose_name=_("fund channel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What is claimed for: a completed class (training), an evaluation booking (evaluation).
    training_class = models.ForeignKey(
        "training.TrainingClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    booking = models.ForeignKey(
        "evaluation.EvaluationBooking",
        verbose_name=_("evaluation booking"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    agreement = models.ForeignKey(
        EvaluationAgreement,
        verbose_name=_("free-evaluation agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    # Employment claims: the enterprise or HR service agency the subsidy is paid to.
    payee_name = models.CharField(_("payee"), max_length=200, blank=True)
    payee_uscc = models.CharField(
        _("payee's unified social credit code"), max_length=18, blank=True
    )
    # An SME hiring claim is for the hires of one year (002 §四(三)1: 年度内新吸纳), recorded when
    # the bureau takes it in; usually the year before, once the hires' year of insured work is done.
    claim_year = models.PositiveSmallIntegerField(_("claim year"), null=True, blank=True)
    # A top-up claim (补差) raises lines of earlier claims through new decisions.
    top_up_of = models.ForeignKey(
        "self",
        verbose_name=_("tops up claim"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="top_ups",
    )
    requested_total = models.DecimalField(
        _("amount claimed (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    approved_total = models.DecimalField(
        _("amount approved (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    changes = history("claim")

    workflow = WORKFLOW
    scope = ScopeSpec(org_paths=CLAIM_SCOPE_PATHS)

    class Meta:
        verbose_name = _("subsidy claim")
        verbose_name_plural = _("subsidy claims")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="claim_list_order"),
            models.Index(fields=["state", "kind"]),
        ]

    def __str__(self) -> str:
        return self.number


class ClaimLine(models.Model):
    """One person's line: the amount the pack's decision gave, and what review and payment did.

    subsidy_type, occupation, level and decided_on repeat what the decision says, so a person's
    history (PriorSubsidy) is one indexed query and never a parse of decision JSON.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    enrollment = models.ForeignKey(
        "training.Enrollment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim_lines",
    )
    result = models.ForeignKey(
        "evaluation.EvaluationResult",
        verbose_name=_("evaluation result"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim_lines",
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim_lines",
    )
    subsidy_type = models.CharField(_("subsidy"), max_length=20, choices=ClaimKind.choices)
    occupation = models.ForeignKey(
        "catalog.Occupation",
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.ForeignKey(
        "catalog.SkillLevel",
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField(_("decided for"))
    decision = models.ForeignKey(
        "catalog.DecisionRecord",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted = models.BooleanField(_("granted by the rules"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    # A top-up line: the earlier line it raises; its amount is the difference.
    tops_up = models.ForeignKey(
        "self",
        verbose_name=_("tops up line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="top_ups",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=LineState.choices, default=LineState.PENDING
    )
    review_reason = models.CharField(_("review reason"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    scope = ScopeSpec(org_paths=tuple(f"claim__{path}" for path in CLAIM_SCOPE_PATHS))

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["claim", "id"]
        indexes = [models.Index(fields=["person", "subsidy_type", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="claim_line_amount_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim.number} · {self.person_id}"


class Notice(models.Model):
    """The public notice (公示) of a claim's approved lines, N working days (004 §四(五))."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="notice")
    starts_on = models.DateField(_("notice starts"))
    ends_on = models.DateField(_("notice ends"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    pack = models.ForeignKey(
        "catalog.PolicyPackVersion", verbose_name=_("pack"), on_delete=models.PROTECT
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    scope = ScopeSpec(public=True)  # a notice is public by law; its page masks every person

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="notice_ends_on_gte_starts_on",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on}"


class ObjectionState(models.TextChoices):
    OPEN = "open", _("open")
    UPHELD = "upheld", _("upheld")
    DISMISSED = "dismissed", _("dismissed")


class Objection(models.Model):
    """An objection (异议) anyone lodges during a notice; payment waits until each is resolved.
    An upheld objection rejects the lines it names."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    line = models.ForeignKey(
        ClaimLine,
        verbose_name=_("line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
    )
    text = models.TextField(_("objection"), max_length=2000)
    contact_name = models.CharField(_("name"), max_length=60, blank=True)
    # The objector's phone: encrypted, hashed and masked like every phone number.
    contact_cipher = models.BinaryField(null=True, editable=False)
    contact_masked = models.CharField(_("phone"), max_length=20, blank=True)
    lodged_at = models.DateTimeField(_("lodged at"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    scope = ScopeSpec(org_paths=tuple(f"notice__claim__{path}" for path in CLAIM_SCOPE_PATHS))
    audit_exclude = frozenset({"contact_cipher"})
    sealed_fields = (Sealed("contact_cipher", "objection_phone"),)  # notice.CONTACT_FIELD

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-lodged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_state_display()} · {self.lodged_at:%Y-%m-%d}"


class BatchState(models.TextChoices):
    OPEN = "open", _("open")
    EXPORTED = "exported", _("sent to finance")
    CLOSED = "closed", _("closed")


class PaymentBatch(models.Model):
    """A payment batch (拨付批次) of one fund channel, exported for the finance system; each
    line's outcome (paid, failed with a reason) is recorded back on its Payment."""

    number = models.CharField(_("batch number"), max_length=24, unique=True)
    bureau = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="payment_batches",
    )
    fund_channel = models.ForeignKey(
        "catalog.FundChannel",
        verbose_name=_("fund channel"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=BatchState.choices, default=BatchState.OPEN
    )
    total = models.DecimalField(_("total (yuan)"), max_digits=14, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    scope = ScopeSpec(org_paths=("bureau__path",))

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class PaymentOutcome(models.TextChoices):
    PENDING = "pending", pgettext_lazy("payment outcome", "pending")
    PAID = "paid", _("paid")
    FAILED = "failed", pgettext_lazy("payment outcome", "failed")


class Payment(models.Model):
    """One attempt to pay one line: a failed line is paid again in a later batch, as a new
    Payment, so every attempt stays on record."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="payments")
    line = models.ForeignKey(ClaimLine, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=PaymentOutcome.choices, default=PaymentOutcome.PENDING
    )
    failure_reason = models.CharField(_("reason for failure"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    # Paid before the stop (止付) reached the bank (payment.record_paid_before_stop): the day
    # the bank paid, its reference, and the finding whose stop came too late, by its number
    # (claims sit below supervision). The payment is paid; a confirmed finding recovers it.
    paid_on = models.DateField(_("paid by the bank on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank's reference"), max_length=64, blank=True)
    before_stop_of = models.CharField(
        _("paid before the stop of finding"), max_length=20, blank=True
    )

    scope = ScopeSpec(org_paths=("batch__bureau__path",))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["batch", "id"]
        constraints = [
            # A line is in at most one batch that has not failed it.
            models.UniqueConstraint(
                fields=["line"],
                condition=~models.Q(outcome="failed"),
                name="payment_one_live_attempt_per_line",
            ),
            # Paid before the stop: a paid payment with the bank's day and reference.
            models.CheckConstraint(
                condition=models.Q(before_stop_of="")
                | (models.Q(outcome="paid", paid_on__isnull=False) & ~models.Q(bank_reference="")),
                name="payment_before_stop_paid_with_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} · {self.amount}"


class RecoveryState(models.TextChoices):
    OPEN = "open", _("to recover")
    RECOVERED = "recovered", _("recovered")
    WAIVED = "waived", _("written off")


class RecoveryCause(models.TextChoices):
    CERTIFICATE_REVOKED = "certificate_revoked", _("certificate revoked")
    FRAUD = "fraud", _("fraud confirmed")


class Recovery(models.Model):
    """An amount to recover (追回) from a paid line: its certificate was revoked or fraud was
    confirmed. A line is recovered at most once."""

    line = models.OneToOneField(ClaimLine, on_delete=models.PROTECT, related_name="recovery")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    cause = models.CharField(_("cause"), max_length=20, choices=RecoveryCause.choices)
    reason = models.CharField(_("reason"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=RecoveryState.choices, default=RecoveryState.OPEN
    )
    recovered_amount = models.DecimalField(
        _("recovered (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope = ScopeSpec(org_paths=tuple(f"line__claim__{path}" for path in CLAIM_SCOPE_PATHS))

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.line_id} · {self.amount}"
