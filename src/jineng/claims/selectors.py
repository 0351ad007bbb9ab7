"""Reads of subsidy claims, always through the data scope: claims and their lines with the "why"
of every amount, what an institution or evaluation organisation may still claim for, the running
public notices (公示, 004 §四(五)) as the public sees them, payment batches and recoveries."""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog import timetable
from jineng.catalog.packs import decision_of
from jineng.claims.filters import BatchFilter, ClaimFilter, RecoveryFilter
from jineng.claims.models import (
    BatchState,
    Claim,
    ClaimLine,
    ClaimState,
    EvaluationAgreement,
    LineState,
    Objection,
    ObjectionState,
    Payment,
    PaymentBatch,
    PaymentOutcome,
    Recovery,
)
from jineng.core.aggregates import per_row
from jineng.core.filters import run
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import scoped
from jineng.core.todo import Item
from jineng.evaluation.models import (
    ApplicantAgreement,
    BookingState,
    EvaluationBooking,
    EvaluationResult,
)
from jineng.policy.timetable import PAYMENT_TO
from jineng.training.models import ClassSource, ClassState, TrainingClass

ZERO = Decimal("0.00")
# Claims that still stand for what they claim: a class or booking with one of these is claimed.
STANDING = [state for state in ClaimState if state not in {ClaimState.WITHDRAWN,
                                                          ClaimState.REJECTED}]  # fmt: skip
CLAIMABLE_CLASS_STATES = (ClassState.COMPLETED,)  # a closed class is claimed no more
# A line the reviewer approved stays approved when it is paid or its payment fails.
APPROVED_LINE_STATES = (LineState.APPROVED, LineState.PAID, LineState.FAILED)


def claims_for(user) -> QuerySet[Claim]:
    return scoped(
        user,
        Claim.objects.select_related(
            "organisation", "bureau", "region", "fund_channel", "training_class__occupation",
            "training_class__level", "booking__evaluation_org__organisation", "agreement",
            "top_up_of", "notice",
        ).annotate(
            n_lines=per_row(ClaimLine.objects, "claim", Count("id"), 0),
            # What the review has approved so far: approved_total is set only once it finishes.
            approved_so_far=per_row(ClaimLine.objects.filter(state__in=APPROVED_LINE_STATES),
                                    "claim", Sum("amount"), ZERO),
        ),
    )  # fmt: skip


def approved_so_far(claim: Claim) -> Decimal:
    """The claim's lines approved so far (claims_for annotates it on every claim it reads)."""
    lines = claim.lines.filter(state__in=APPROVED_LINE_STATES)
    return lines.aggregate(total=Sum("amount", default=ZERO))["total"]


def claim_list(user, filters=None) -> QuerySet[Claim]:
    """The claim list of the page and the API: newest first."""
    return run(ClaimFilter, claims_for(user), filters).order_by("-created_at", "-id")


def review_queue(user, filters=None) -> QuerySet[Claim]:
    """Submitted claims waiting for the reviewer, the longest waiting first."""
    waiting = claims_for(user).filter(state=ClaimState.SUBMITTED)
    return run(ClaimFilter, waiting, filters).order_by("submitted_at", "id")


def lines_of(claim: Claim) -> QuerySet[ClaimLine]:
    return (
        claim.lines.select_related(
            "person",
            "occupation",
            "level",
            "decision__pack",
            "certificate",
            "tops_up__claim",
            "recovery",
        )
        .prefetch_related(
            Prefetch("payments", queryset=Payment.objects.select_related("batch").order_by("id"))
        )
        .order_by("id")
    )


def checks_of(line: ClaimLine, lang: str) -> list[dict]:
    """Every rule its decision checked, passed or not, in the reader's language: the "why"."""
    decision = decision_of(line.decision)
    return [
        {
            "code": check.code,
            "passed": check.passed,
            "message": check.message_en if lang == "en" else check.message_zh,
            "evidence": check.evidence,
        }
        for check in decision.checks
    ]


def rate_of(line: ClaimLine):
    return decision_of(line.decision).rate


def percent(rate) -> str:
    """0.8000 → "80%": the share of the standard a training line pays."""
    return "" if rate is None else f"{(rate * 100).normalize():f}%"


def line_counts(claim: Claim) -> dict[str, int]:
    counts = dict(claim.lines.values_list("state").annotate(n=Count("id")).order_by())
    return {state: counts.get(state, 0) for state in LineState.values}


def claimable_classes(user) -> QuerySet[TrainingClass]:
    """Completed classes in the viewer's scope that no standing claim covers yet."""
    claimed = Claim.objects.filter(
        training_class__isnull=False, top_up_of__isnull=True, state__in=STANDING
    ).values("training_class")
    return (
        scoped(user, TrainingClass.objects.all())
        .filter(state__in=CLAIMABLE_CLASS_STATES)
        .exclude(source=ClassSource.HISTORY)  # recorded as history: never claimed for
        .exclude(pk__in=claimed)
        .select_related("institution__organisation", "occupation", "level", "fund_channel")
        .order_by("-end_date", "code")
    )


def claimable_bookings(user) -> QuerySet[EvaluationBooking]:
    """Finished evaluation bookings of the viewer's organisation that no standing claim covers,
    with their results (`n_results`) and how many of those persons signed their free-evaluation
    agreement with the organisation by the evaluation date (`n_agreed`, 004 §四(五))."""
    claimed = Claim.objects.filter(
        booking__isnull=False, top_up_of__isnull=True, state__in=STANDING
    ).values("booking")
    agreed = ApplicantAgreement.objects.filter(
        evaluation_org=OuterRef("booking__evaluation_org"),
        enrollment=OuterRef("enrollment"),
        signed_on__lte=OuterRef("booking__planned_date"),
    )
    results = EvaluationResult.objects.filter(booking=OuterRef("pk"))
    return (
        scoped(user, EvaluationBooking.objects.all())
        .filter(state=BookingState.DONE)
        .exclude(pk__in=claimed)
        .select_related(
            "evaluation_org__organisation", "training_class__occupation", "training_class__level"
        )
        .annotate(
            n_results=_count(results),
            n_agreed=_count(results.filter(Exists(agreed))),
        )
        .order_by("-planned_date", "id")
    )


def _count(rows: QuerySet) -> Subquery:
    counted = rows.order_by().values("booking").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def objections_of(claim: Claim) -> QuerySet[Objection]:
    return Objection.objects.filter(notice__claim=claim).select_related(
        "line__person", "resolved_by"
    )


# --- payment and recovery ---------------------------------------------------------------------


def batches_for(user) -> QuerySet[PaymentBatch]:
    return scoped(
        user,
        PaymentBatch.objects.select_related("bureau", "fund_channel", "created_by").annotate(
            n_payments=Count("payments", distinct=True)
        ),
    )


def batch_list(user, filters=None) -> QuerySet[PaymentBatch]:
    """The payment batches of the payments page and the API: newest first."""
    return run(BatchFilter, batches_for(user), filters).order_by("-created_at", "-id")


def payments_of(batch: PaymentBatch) -> QuerySet[Payment]:
    return batch.payments.select_related(
        "line__person", "line__claim__organisation", "line__occupation", "line__level"
    ).order_by("id")


def recoveries_for(user) -> QuerySet[Recovery]:
    return scoped(
        user,
        Recovery.objects.select_related(
            "line__person", "line__claim__organisation", "line__certificate", "opened_by"
        ),
    )


def recovery_list(user, filters=None) -> QuerySet[Recovery]:
    return run(RecoveryFilter, recoveries_for(user), filters).order_by("-opened_at", "-id")


def money(value) -> Decimal:
    """Yuan with 2 places, whatever the database's sum returns (SQLite drops them)."""
    return Decimal(value or 0).quantize(ZERO)


def agreements_for(user) -> QuerySet[EvaluationAgreement]:
    return scoped(
        user, EvaluationAgreement.objects.select_related("evaluation_org__organisation", "bureau")
    ).order_by("-signed_on", "-id")


def todo(user) -> list[Item]:
    """Claims to make, to review, notices to end, claims to pay (004 §四(五): 审核、公示、拨付)."""
    claims = claims_for(user)
    base = reverse("claims:list")
    items = []
    if has_capability(user, Capability.MAKE_CLAIMS):
        unclaimed = claimable_classes(user).count() + claimable_bookings(user).count()
        items.append(Item(_("Finished work to claim subsidies for"), unclaimed,
                          reverse("claims:new")))  # fmt: skip
    if has_capability(user, Capability.REVIEW_CLAIMS):
        submitted = claims.filter(state=ClaimState.SUBMITTED).count()
        items.append(Item(_("Claims to review"), submitted, reverse("claims:review")))
        in_notice = f"{base}?state={ClaimState.IN_NOTICE}"
        ended = claims.filter(
            state=ClaimState.IN_NOTICE, notice__ends_on__lt=timezone.localdate()
        ).count()
        items.append(Item(_("Notices ended, to close"), ended, in_notice))
        objections = Objection.objects.filter(
            notice__claim__in=claims, state=ObjectionState.OPEN
        ).count()
        items.append(Item(_("Objections to resolve"), objections, in_notice))
    if has_capability(user, Capability.PAY_CLAIMS):
        payable = claims.filter(state=ClaimState.PAYABLE).count()
        items.append(Item(_("Claims ready to pay"), payable, reverse("claims:payments")))
        items += payment_deadline(user, claims, payable)
    if has_capability(user, Capability.RECORD_PAYMENTS):
        sent = f"{reverse('claims:payments')}?state={BatchState.EXPORTED}"
        items.append(Item(_("Payment batches waiting for their outcomes"),
                          batches_waiting(user).count(), sent))  # fmt: skip
    return items


def payment_deadline(user, claims: QuerySet[Claim], payable: int) -> list[Item]:
    """004 §四(五) 做好资金支付(4月至10月): in the weeks before the window closes, the claims
    still payable and what was paid this year so far."""
    bureau = timetable.bureau_of(user)
    deadline = timetable.coming(bureau.region_code, PAYMENT_TO) if bureau is not None else None
    if deadline is None:
        return []
    year = deadline.due.year
    paid = scoped(user, Payment.objects.filter(outcome=PaymentOutcome.PAID,
                                               recorded_at__year=year))  # fmt: skip
    figures = paid.aggregate(n=Count("id"), total=Sum("amount", default=ZERO))
    note = _("Paid in %(year)s so far: %(count)d subsidies, %(total)s yuan.") % {
        "year": year, "count": figures["n"], "total": money(figures["total"])}  # fmt: skip
    label = _("Pay the claims before the payment window closes")
    return [timetable.deadline_item(deadline, label, reverse("claims:payments"),
                                    count=payable, note=note)]  # fmt: skip


def batches_waiting(user) -> QuerySet[PaymentBatch]:
    """Batches sent to finance with a line whose outcome is not recorded yet."""
    return (
        scoped(user, PaymentBatch.objects.filter(state=BatchState.EXPORTED))
        .filter(payments__outcome=PaymentOutcome.PENDING)
        .distinct()
    )
