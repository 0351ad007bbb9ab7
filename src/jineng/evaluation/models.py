"""Evaluation (评价): the institution's booking (预约评价) of a completed class with an evaluation
organisation on the year's public list, and the result of each trainee who completed it.

004 §四(四): 考核评价机构要在培训结束后7日内完成考核评价工作 - the evaluation falls within the
pack's deadline after the class's last day (`procedure.evaluation_deadline_days`); a later date
needs a reviewer's exception with its reason. A pass issues a certificate
(jineng.certificates.services.issue). States change only through evaluation.services, which
follows WORKFLOW (core.states.move).
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jineng.core.crypto import Sealed
from jineng.core.roles import Capability
from jineng.core.scope import ScopeSpec
from jineng.core.states import Step, Workflow, history


class BookingState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


B = BookingState
_RUN, _BOOK = Capability.RUN_EVALUATIONS, Capability.BOOK_EVALUATIONS
ONLY_INSTITUTION = _("Only the training institution books the evaluation of its classes.")
ONLY_ORGANISATION = _("Only the evaluation organisation accepts, declines and records results.")
ONLY_INSTITUTION_MOVES = _(
    "The institution moves the date of a booking the organisation has not answered yet."
)
ONLY_ORGANISATION_MOVES = _(
    "The evaluation organisation moves the date of a booking it accepted: ask it, or cancel."
)
# The one place that says which changes of state exist, who makes them and which need a reason:
# the organisation accepts, declines and finishes; the institution cancels.
WORKFLOW = Workflow(
    BookingState,
    [
        Step(B.REQUESTED, B.ACCEPTED, _RUN, refusal=ONLY_ORGANISATION),
        Step(B.REQUESTED, B.DECLINED, _RUN, reason=True, refusal=ONLY_ORGANISATION),
        Step(B.REQUESTED, B.CANCELLED, _BOOK, reason=True, refusal=ONLY_INSTITUTION),
        Step(B.ACCEPTED, B.DONE, _RUN, refusal=ONLY_ORGANISATION),
        Step(B.ACCEPTED, B.CANCELLED, _BOOK, reason=True, refusal=ONLY_INSTITUTION),
    ],
    refusal=_("A booking that is “%(from)s” cannot become “%(to)s”."),
)
TRANSITIONS: dict[str, set[str]] = WORKFLOW.transitions()
# A class has at most one booking in these states; after a decline or a cancellation it books
# again.
ACTIVE_STATES = (BookingState.REQUESTED, BookingState.ACCEPTED, BookingState.DONE)
# Bookings still waiting for the evaluation or its results.
OPEN_STATES = (BookingState.REQUESTED, BookingState.ACCEPTED)

BOOKING_PATHS = (
    "training_class__institution__organisation__path",
    "evaluation_org__organisation__path",
)


class EvaluationBooking(models.Model):
    """预约评价: a completed class, an evaluation organisation, a date; the organisation accepts
    or declines it. The pack's last day is kept as `due_on` when the booking is made."""

    training_class = models.ForeignKey(
        "training.TrainingClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="evaluation_bookings",
    )
    evaluation_org = models.ForeignKey(
        "institutions.EvaluationOrg",
        verbose_name=_("evaluation organisation"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    planned_date = models.DateField(_("evaluation date"))
    due_on = models.DateField(_("evaluation due by"))
    pack = models.ForeignKey(
        "catalog.PolicyPackVersion",
        verbose_name=_("policy pack"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=BookingState.choices, default=BookingState.REQUESTED
    )
    # A date after the deadline: the institution says why, a reviewer may grant an exception.
    late_reason = models.CharField(_("why the date is late"), max_length=300, blank=True)
    exception_reason = models.CharField(_("exception granted because"), max_length=300, blank=True)
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exception granted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exception_at = models.DateTimeField(_("exception granted at"), null=True, blank=True)
    # Why the organisation declined, or why the booking was cancelled.
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    # The class's institution and the evaluation organisation both see it; reviewers by region.
    changes = history("booking")

    workflow = WORKFLOW
    scope = ScopeSpec(org_paths=BOOKING_PATHS)

    class Meta:
        verbose_name = _("evaluation booking")
        verbose_name_plural = _("evaluation bookings")
        ordering = ["-planned_date", "-id"]
        indexes = [models.Index(fields=["state", "planned_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class"],
                condition=models.Q(state__in=[str(state) for state in ACTIVE_STATES]),
                name="uniq_active_evaluation_booking",
            )
        ]

    def __str__(self) -> str:
        return f"{self.training_class.code} @ {self.evaluation_org} {self.planned_date}"

    @property
    def late(self) -> bool:
        """The date is after the pack's deadline (004 §四(四))."""
        return self.planned_date > self.due_on

    @property
    def exception_granted(self) -> bool:
        return self.exception_at is not None

    @property
    def needs_exception(self) -> bool:
        return self.late and not self.exception_granted

    @property
    def deadline(self) -> date:
        """The last day for the evaluation: the pack's, or the excepted date."""
        return self.planned_date if self.late and self.exception_granted else self.due_on


SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def shown(score: Decimal) -> str:
    """A score as people write it: 85, 85.5, 92.25."""
    text = f"{score:.2f}"
    return text.rstrip("0").rstrip(".")


class EvaluationResult(models.Model):
    """One trainee's evaluation: theory and practical scores, pass or fail, the examiners (考评员)
    and the quality supervisor (质量督导员) who were there, and the certificate a pass issued."""

    booking = models.ForeignKey(
        EvaluationBooking,
        verbose_name=_("evaluation booking"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    enrollment = models.OneToOneField(
        "training.Enrollment",
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="evaluation_result",
    )
    theory_score = models.DecimalField(
        _("theory score"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS
    )
    practical_score = models.DecimalField(
        _("practical score"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS
    )
    passed = models.BooleanField(pgettext_lazy("evaluation result", "passed"))
    examiners = models.ManyToManyField(
        "institutions.Examiner", verbose_name=_("examiners"), related_name="evaluated"
    )
    supervisor = models.ForeignKey(
        "institutions.Examiner",
        verbose_name=_("quality supervisor"),
        on_delete=models.PROTECT,
        related_name="supervised",
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    scope = ScopeSpec(
        org_paths=tuple(f"booking__{path}" for path in BOOKING_PATHS),
        owner="enrollment__person__user",
    )

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["booking", "enrollment__person__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theory_score__gte=0, theory_score__lte=100)
                & models.Q(practical_score__gte=0, practical_score__lte=100),
                name="evaluation_scores_0_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {'pass' if self.passed else 'fail'}"

    @property
    def theory_shown(self) -> str:
        return shown(self.theory_score)

    @property
    def practical_shown(self) -> str:
        return shown(self.practical_score)


class ApplicantAgreement(models.Model):
    """免费技能评价协议书 (004 §四(五): 由考核评价机构与补贴申请人签订免费技能评价协议书): the
    agreement one evaluation organisation signs with one person it evaluates, who is evaluated
    for free while the organisation claims the evaluation subsidy for them.

    It belongs to the organisation and the trainee's enrolment in the class evaluated (the
    person, and which training's evaluation), not to a booking: a booking declined or cancelled
    and made again with the same organisation keeps the agreements already signed, while another
    organisation signs its own. The bureau-organisation agreement (claims.EvaluationAgreement)
    is the frame the claim is made under; it lives above this app, so it is chosen when the
    claim is made and this record does not point at it. An evaluation subsidy line needs this
    agreement signed on or before the evaluation date when the pack says so
    (`evaluation.applicant_agreement_required`). The scanned copy, when given, is kept
    encrypted: it holds the person's ID number and signature."""

    evaluation_org = models.ForeignKey(
        "institutions.EvaluationOrg",
        verbose_name=_("evaluation organisation"),
        on_delete=models.PROTECT,
        related_name="applicant_agreements",
    )
    enrollment = models.ForeignKey(
        "training.Enrollment",
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="evaluation_agreements",
    )
    signed_on = models.DateField(_("signed on"))
    signatory = models.CharField(_("signed for the organisation by"), max_length=50)
    scan_name = models.CharField(_("scanned copy"), max_length=200, blank=True)
    scan_type = models.CharField(max_length=100, blank=True)
    scan = models.BinaryField(null=True, editable=False)  # the scanned copy, encrypted
    scan_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    # The organisation, the class's institution and the region's reviewers see it; the person
    # their own.
    scope = ScopeSpec(
        org_paths=(
            "evaluation_org__organisation__path",
            "enrollment__training_class__institution__organisation__path",
        ),
        owner="enrollment__person__user",
    )
    audit_exclude = frozenset({"scan"})
    sealed_fields = (Sealed("scan", "evaluation.applicantagreement.scan"),)  # SCAN_FIELD

    class Meta:
        verbose_name = _("applicant's free-evaluation agreement")
        verbose_name_plural = _("applicants' free-evaluation agreements")
        ordering = ["enrollment__person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation_org", "enrollment"], name="uniq_applicant_agreement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_org_id}/{self.enrollment_id} {self.signed_on}"

    @property
    def has_scan(self) -> bool:
        return bool(self.scan_sha256)
