"""The subsidy claim API (补贴申领, 004 §四(五); 002 §四(二)1): claims in the caller's scope with
their lines and every line's decision (the rules checked, in the caller's language); a claim
made for a completed class or a finished evaluation; submit, withdraw, the bureau's review of
lines, the public notice (publish, end); payment batches: make, export for finance, record what
finance paid.

Every write goes through the claims services; a refusal answers 400 with its reasons, a caller
without the capability 403, a claim or batch outside the scope 404.
"""

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jineng.catalog.models import FundChannel
from jineng.claims import notice, payment, review, selectors, services
from jineng.claims.filters import BatchFilter, ClaimFilter
from jineng.claims.models import (
    EMPLOYMENT_KINDS,
    BatchState,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    EvaluationAgreement,
    LineState,
    Notice,
    Payment,
    PaymentBatch,
    PaymentOutcome,
)
from jineng.core.api import (
    CapabilityPermission,
    IdField,
    SelectorFilterBackend,
    StateChangeSerializer,
)
from jineng.core.i18n import language
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import scoped
from jineng.evaluation.models import EvaluationBooking
from jineng.training.models import TrainingClass

REFUSALS = {
    Capability.MAKE_CLAIMS: gettext_lazy(
        "Only training institutions and evaluation organisations make claims."
    ),
    Capability.TAKE_CLAIMS: gettext_lazy("Only the bureau takes in employment subsidy claims."),
    Capability.REVIEW_CLAIMS: gettext_lazy(
        "Only the bureau reviews claims, publishes notices and resolves objections."
    ),
    Capability.PAY_CLAIMS: gettext_lazy("Only the bureau's payers make and record payments."),
}
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _need(request, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise exceptions.PermissionDenied(str(REFUSALS[capability]))


def _owner_capability(claim: Claim) -> str:
    return Capability.TAKE_CLAIMS if claim.kind in EMPLOYMENT_KINDS else Capability.MAKE_CLAIMS


def _help(choices) -> str:
    return " | ".join(choices.values)


# --- serializers ------------------------------------------------------------------------------


class RuleCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    passed = serializers.BooleanField()
    message = serializers.CharField(help_text="in the caller's language")
    evidence = serializers.DictField()


class ClaimLineSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name")
    id_number_masked = serializers.CharField(source="person.id_number_masked")
    subsidy_type = serializers.CharField(help_text=_help(ClaimKind))
    occupation = serializers.CharField(source="occupation.code", default=None, allow_null=True)
    level = serializers.CharField(source="level.code", default=None, allow_null=True)
    state = serializers.CharField(help_text=_help(LineState))
    state_label = serializers.CharField(source="get_state_display")
    pack = serializers.SerializerMethodField(help_text="the pack version that decided the line")
    rate = serializers.SerializerMethodField(help_text="the share of the standard paid")
    checks = serializers.SerializerMethodField(help_text="every rule the decision checked")

    class Meta:
        model = ClaimLine
        fields = ["id", "person", "name", "id_number_masked", "subsidy_type", "occupation",
                  "level", "decided_on", "amount", "granted", "rate", "state", "state_label",
                  "review_reason", "tops_up", "certificate", "decision", "pack", "checks",
                  "paid_at"]  # fmt: skip

    def get_pack(self, line) -> str:
        return f"{line.decision.pack.pack_id} v{line.decision.pack.version}"

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True))
    def get_rate(self, line):
        rate = selectors.rate_of(line)
        return None if rate is None else f"{rate}"

    @extend_schema_field(RuleCheckSerializer(many=True))
    def get_checks(self, line) -> list[dict]:
        return selectors.checks_of(line, language())


class ClaimNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ["starts_on", "ends_on", "working_days", "published_at", "ended_at"]


class ClaimSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=_help(ClaimKind))
    kind_label = serializers.CharField(source="get_kind_display")
    state = serializers.CharField(help_text=_help(ClaimState))
    state_label = serializers.CharField(source="get_state_display")
    organisation_name = serializers.CharField(source="organisation.name")
    bureau_name = serializers.CharField(source="bureau.name")
    region = serializers.CharField(source="region.code")
    fund_channel = serializers.CharField(source="fund_channel.code", default=None, allow_null=True)
    training_class_code = serializers.CharField(
        source="training_class.code", default=None, allow_null=True
    )
    agreement = serializers.CharField(source="agreement.number", default=None, allow_null=True)
    top_up_of = serializers.CharField(source="top_up_of.number", default=None, allow_null=True)
    notice = serializers.SerializerMethodField()
    approved_so_far = serializers.SerializerMethodField(
        help_text="yuan of the lines approved so far (approved_total is set when the review ends)"
    )

    class Meta:
        model = Claim
        fields = ["id", "number", "kind", "kind_label", "state", "state_label", "organisation",
                  "organisation_name", "bureau", "bureau_name", "region", "fund_channel",
                  "training_class", "training_class_code", "booking", "agreement", "payee_name",
                  "payee_uscc", "claim_year", "top_up_of", "requested_total", "approved_total",
                  "approved_so_far", "reason",
                  "submitted_at", "reviewed_at", "created_at", "notice"]  # fmt: skip

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_approved_so_far(self, claim) -> str:
        found = getattr(claim, "approved_so_far", None)  # annotated by selectors.claims_for
        if found is None:
            found = selectors.approved_so_far(claim)
        return f"{found:.2f}"

    @extend_schema_field(ClaimNoticeSerializer(allow_null=True))
    def get_notice(self, claim):
        try:
            return ClaimNoticeSerializer(claim.notice).data
        except Notice.DoesNotExist:
            return None


class ClaimDetailSerializer(ClaimSerializer):
    lines = ClaimLineSerializer(many=True, source="lines_in_order")
    history = StateChangeSerializer(source="changes", many=True)

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "lines", "history"]


class ClaimCreateSerializer(serializers.Serializer):
    training_class = IdField(
        required=False, help_text="a completed class of yours: the training subsidy"
    )
    booking = IdField(
        required=False, help_text="a finished evaluation booking of yours: the evaluation subsidy"
    )
    agreement = serializers.CharField(
        required=False, help_text="with booking: the number of your free-evaluation agreement"
    )

    def validate(self, values):
        if bool(values.get("training_class")) == bool(values.get("booking")):
            raise serializers.ValidationError(
                gettext_lazy("Give a completed class or a finished evaluation booking.")
            )
        if values.get("booking") and not values.get("agreement"):
            raise serializers.ValidationError(
                {"agreement": gettext_lazy("Give the number of the free-evaluation agreement.")}
            )
        return values


class ClaimReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ClaimReviewSerializer(serializers.Serializer):
    approve = serializers.ListField(child=IdField(), required=False)
    reject = serializers.ListField(child=IdField(), required=False)
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="needed to reject"
    )

    def validate(self, values):
        if not values.get("approve") and not values.get("reject"):
            raise serializers.ValidationError(gettext_lazy("Choose at least one line."))
        return values


class NoticePublishSerializer(serializers.Serializer):
    starts_on = serializers.DateField(
        required=False, help_text="the first day (default today; not before the review)"
    )


# --- claims -----------------------------------------------------------------------------------


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Subsidy claims in the caller's scope: the institution's and the evaluation organisation's
    own, the bureau's region."""

    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_CLAIMS
    filterset_class = ClaimFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.claim_list(self.request.user, self.request.query_params)
        return selectors.claims_for(self.request.user).order_by("-created_at", "-id")

    def get_serializer_class(self):
        return ClaimSerializer if self.action == "list" else ClaimDetailSerializer

    def _read(self, pk: int) -> dict:
        claim = self.get_queryset().prefetch_related("changes__by").get(pk=pk)
        claim.lines_in_order = selectors.lines_of(claim)
        return ClaimDetailSerializer(claim).data

    def retrieve(self, request, pk=None):
        return Response(self._read(self.get_object().pk))

    def _claim(self, capability: str | None = None) -> Claim:
        claim = self.get_object()
        _need(self.request, capability or _owner_capability(claim))
        return claim

    @extend_schema(request=ClaimCreateSerializer, responses={201: ClaimDetailSerializer})
    def create(self, request):
        """A draft claim: {"training_class": id} (the institution, for its completed class) or
        {"booking": id, "agreement": number} (the evaluation organisation, for its finished
        evaluation, under its agreement in force on the evaluation date). One line per person,
        each decided by the policy pack; a line that fails a rule has 0 and its reasons."""
        _need(request, Capability.MAKE_CLAIMS)
        body = ClaimCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        if values.get("training_class"):
            found = scoped(request.user, TrainingClass.objects.all())
            claim = services.create_training_claim(
                get_object_or_404(found, pk=values["training_class"])
            )
        else:
            found = scoped(request.user, EvaluationBooking.objects.all())
            booking = get_object_or_404(found, pk=values["booking"])
            agreement = EvaluationAgreement.objects.filter(
                number=values["agreement"].strip(), evaluation_org=booking.evaluation_org_id
            ).first()
            claim = services.create_evaluation_claim(booking, agreement)
        return Response(self._read(claim.pk), status=201)

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft: every line is decided again against the persons' histories."""
        claim = services.submit(self._claim())
        return Response(self._read(claim.pk))

    @extend_schema(request=ClaimReasonSerializer, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take back a draft or a submitted claim: {"reason"} is needed."""
        claim = self._claim()
        body = ClaimReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.withdraw(claim, body.validated_data["reason"])
        return Response(self._read(claim.pk))

    @extend_schema(request=ClaimReviewSerializer, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """审核: {"approve": [line ids], "reject": [line ids], "reason"} on a submitted claim;
        a line the rules refused is never approved; rejecting needs the reason. All or none."""
        claim = self._claim(Capability.REVIEW_CLAIMS)
        body = ClaimReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        with transaction.atomic():
            if values.get("approve"):
                review.approve_lines(claim, values["approve"], values.get("reason", ""))
            if values.get("reject"):
                review.reject_lines(claim, values["reject"], values.get("reason", ""))
        return Response(self._read(claim.pk))

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], url_path="finish-review")
    def finish_review(self, request, pk=None):
        """Every line decided: the claim is reviewed (closed when nothing was approved)."""
        claim = review.finish_review(self._claim(Capability.REVIEW_CLAIMS))
        return Response(self._read(claim.pk))

    @extend_schema(request=ClaimReasonSerializer, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a submitted claim as a whole: {"reason"}."""
        claim = self._claim(Capability.REVIEW_CLAIMS)
        body = ClaimReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review.reject_claim(claim, body.validated_data["reason"])
        return Response(self._read(claim.pk))

    @extend_schema(request=NoticePublishSerializer, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], url_path="publish-notice")
    def publish_notice(self, request, pk=None):
        """公示: publish the notice of a reviewed claim's approved lines; it ends after the pack's
        working days (004 §四(五): 3), counted on China's holiday calendar."""
        claim = self._claim(Capability.REVIEW_CLAIMS)
        body = NoticePublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notice.publish_notice(claim, starts_on=body.validated_data.get("starts_on"))
        return Response(self._read(claim.pk))

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], url_path="end-notice")
    def end_notice(self, request, pk=None):
        """End the notice from the day after its last day, every objection resolved: the claim
        is payable."""
        claim = notice.end_notice(self._claim(Capability.REVIEW_CLAIMS))
        return Response(self._read(claim.pk))


# --- payment batches --------------------------------------------------------------------------


class BatchPaymentSerializer(serializers.ModelSerializer):
    claim = serializers.CharField(source="line.claim.number")
    name = serializers.CharField(source="line.person.name")
    id_number_masked = serializers.CharField(source="line.person.id_number_masked")
    outcome = serializers.CharField(help_text=_help(PaymentOutcome))

    class Meta:
        model = Payment
        fields = ["id", "line", "claim", "name", "id_number_masked", "amount", "outcome",
                  "failure_reason", "recorded_at", "paid_on", "bank_reference",
                  "before_stop_of"]  # fmt: skip
        extra_kwargs = {
            "before_stop_of": {
                "help_text": "paid before the stop: the finding whose stop (止付) came too late"
            }
        }


class PaymentBatchSerializer(serializers.ModelSerializer):
    bureau_name = serializers.CharField(source="bureau.name")
    fund_channel = serializers.CharField(source="fund_channel.code")
    state = serializers.CharField(help_text=_help(BatchState))
    state_label = serializers.CharField(source="get_state_display")
    payments = BatchPaymentSerializer(many=True, source="payments_in_order", read_only=True)

    class Meta:
        model = PaymentBatch
        fields = ["id", "number", "bureau", "bureau_name", "fund_channel", "state", "state_label",
                  "total", "created_at", "exported_at", "closed_at", "payments"]  # fmt: skip


class PaymentBatchCreateSerializer(serializers.Serializer):
    fund_channel = serializers.SlugRelatedField(slug_field="code", queryset=FundChannel.objects)
    lines = serializers.ListField(
        child=IdField(), required=False,
        help_text="the lines to pay (default: every payable line of the channel)",
    )  # fmt: skip


class BatchExportSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(EXPORT_TYPES))


class PaymentOutcomeSerializer(serializers.Serializer):
    line = IdField()
    paid = serializers.BooleanField()
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="why it failed"
    )


class PaymentOutcomesSerializer(serializers.Serializer):
    outcomes = PaymentOutcomeSerializer(many=True, allow_empty=False)


class PaidBeforeStopSerializer(serializers.Serializer):
    line = IdField()
    paid_on = serializers.DateField(help_text="the day the bank paid")
    bank_reference = serializers.CharField(max_length=64, help_text="the bank's reference")
    finding = serializers.CharField(
        max_length=20, help_text="the number of the finding holding the line (YD…)"
    )


class PaymentBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Payment batches (拨付批次) of the caller's region, one fund channel each. The bureau's
    payers and the finance bureau read, export and record outcomes; making, closing and
    withdrawing a batch is the payers' (the services refuse anyone else)."""

    serializer_class = PaymentBatchSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.RECORD_PAYMENTS
    filterset_class = BatchFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.batch_list(self.request.user, self.request.query_params)
        return selectors.batches_for(self.request.user).order_by("-created_at", "-id")

    def _read(self, pk: int) -> dict:
        batch = self.get_queryset().get(pk=pk)
        batch.payments_in_order = selectors.payments_of(batch)
        return PaymentBatchSerializer(batch).data

    def retrieve(self, request, pk=None):
        return Response(self._read(self.get_object().pk))

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        for batch in page:
            batch.payments_in_order = selectors.payments_of(batch)
        return self.get_paginated_response(PaymentBatchSerializer(page, many=True).data)

    @extend_schema(request=PaymentBatchCreateSerializer, responses={201: PaymentBatchSerializer})
    def create(self, request):
        """A batch of the payable lines of one fund channel in your bureau's region:
        {"fund_channel": code, "lines": [ids] (optional)}."""
        body = PaymentBatchCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organisation = request.user.organisation
        bureau = organisation.nearest_bureau() if organisation is not None else None
        if bureau is None:
            raise exceptions.PermissionDenied()
        values = body.validated_data
        batch = payment.create_batch(bureau, values["fund_channel"], values.get("lines"))
        return Response(self._read(batch.pk), status=201)

    @extend_schema(
        request=BatchExportSerializer,
        responses={
            (200, EXPORT_TYPES["xlsx"]): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    @action(detail=True, methods=["post"])
    def export(self, request, pk=None):
        """The batch for the finance system, {"format": "xlsx" | "csv"}: a row a line, the
        amount in figures and in Chinese capitals, then the total. An open batch is then marked
        sent to finance."""
        batch = self.get_object()
        body = BatchExportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fmt = body.validated_data["format"]
        response = HttpResponse(payment.export_batch(batch, fmt), content_type=EXPORT_TYPES[fmt])
        response["Content-Disposition"] = content_disposition_header(True, f"{batch.number}.{fmt}")
        return response

    @extend_schema(request=PaymentOutcomesSerializer, responses=PaymentBatchSerializer)
    @action(detail=True, methods=["post"])
    def outcomes(self, request, pk=None):
        """What finance did: {"outcomes": [{"line", "paid", "reason"}]}; a failed line needs the
        reason and is payable again. All or none."""
        batch = self.get_object()
        body = PaymentOutcomesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcomes = {
            row["line"]: (row["paid"], row.get("reason", ""))
            for row in body.validated_data["outcomes"]
        }
        payment.record_outcomes(batch, outcomes)
        return Response(self._read(batch.pk))

    @extend_schema(request=PaidBeforeStopSerializer, responses=PaymentBatchSerializer)
    @action(detail=True, methods=["post"], url_path="paid-before-stop")
    def paid_before_stop(self, request, pk=None):
        """A stopped line (止付: a finding holds it) that the bank had paid before the stop
        reached it: {"line", "paid_on", "bank_reference", "finding"}. The line counts as paid;
        the finding, if confirmed, recovers it (004 §五(六) 账实相符)."""
        batch = self.get_object()
        body = PaidBeforeStopSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        payment.record_paid_before_stop(
            batch, values["line"], paid_on=values["paid_on"],
            bank_reference=values["bank_reference"], finding=values["finding"],
        )  # fmt: skip
        return Response(self._read(batch.pk))

    @extend_schema(request=None, responses=PaymentBatchSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close a batch sent to finance once every line has its outcome."""
        payment.close_batch(self.get_object())
        return Response(self._read(pk))

    @extend_schema(request=ClaimReasonSerializer, responses=PaymentBatchSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw a batch not yet sent to finance, {"reason"}: its lines are payable again."""
        body = ClaimReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment.cancel_batch(self.get_object(), body.validated_data["reason"])
        return Response(self._read(pk))
