"""The voucher API (电子培训券, 002 §四(五)3, 003 §三10): vouchers in the caller's scope; the
bureau issues, voids and settles; the holder claims; the institution redeems at enrolment by the
number the holder shows; the dashboard's counts and money.

Every write goes through vouchers.services; a refusal answers 400 with its reasons.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jineng.catalog.models import Occupation, SkillLevel
from jineng.certificates.models import Certificate
from jineng.core.api import IdField, SelectorFilterBackend, StateChangeSerializer
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import scoped
from jineng.people.models import Person
from jineng.people.services import find_by_id_number
from jineng.training.models import Enrollment
from jineng.vouchers import selectors, services
from jineng.vouchers.filters import VoucherFilter
from jineng.vouchers.models import Voucher, VoucherState

REFUSALS = {
    Capability.ISSUE_VOUCHERS: gettext_lazy("Only the bureau issues and voids vouchers."),
    Capability.REDEEM_VOUCHERS: gettext_lazy("Only the training institution redeems vouchers."),
    Capability.SETTLE_VOUCHERS: gettext_lazy("Only the bureau settles vouchers."),
    Capability.VIEW_VOUCHERS: gettext_lazy("Your role does not see the voucher dashboard."),
}


def _need(request, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise exceptions.PermissionDenied(str(REFUSALS[capability]))


class VoucherPermission(permissions.BasePermission):
    """Staff who see vouchers, and workers (their own); others get 403 (404 on a voucher)."""

    def has_permission(self, request, view):
        user = request.user
        if has_capability(user, Capability.VIEW_VOUCHERS) or has_capability(
            user, Capability.CLAIM_VOUCHERS
        ):
            return True
        if user.is_authenticated and view.kwargs.get("pk") is not None:
            raise exceptions.NotFound()
        return False


class OccupationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Occupation
        fields = ["code", "name"]


STATES_HELP = " | ".join(VoucherState.values)


class VoucherSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name")
    id_number_masked = serializers.CharField(source="person.id_number_masked")
    region = serializers.CharField(source="person.organisation.name")
    occupations = OccupationRefSerializer(many=True)
    level = serializers.CharField(source="level.code", default=None, allow_null=True)
    state = serializers.CharField(help_text=STATES_HELP)
    state_label = serializers.CharField(source="get_state_display")
    organisation_name = serializers.CharField(source="organisation.name")
    training_class = serializers.CharField(
        source="enrollment.training_class.code",
        default=None,
        allow_null=True,
        help_text="where it was redeemed",
    )
    certificate = serializers.CharField(
        source="certificate.number",
        default=None,
        allow_null=True,
        help_text="what it was settled against",
    )
    history = StateChangeSerializer(source="changes", many=True)

    class Meta:
        model = Voucher
        fields = ["id", "number", "person", "name", "id_number_masked", "region", "occupations",
                  "level", "value", "issued_on", "valid_until", "state", "state_label", "reason",
                  "organisation", "organisation_name", "rule", "decision", "claimed_at",
                  "enrollment", "training_class", "redeemed_at", "certificate", "settled_at",
                  "settled_amount", "history"]  # fmt: skip


class IssueSerializer(serializers.Serializer):
    id_number = serializers.CharField(
        max_length=40, help_text="the whole ID number of a registered person (never echoed back)"
    )
    occupations = serializers.SlugRelatedField(
        slug_field="code", queryset=Occupation.objects.all(), many=True, allow_empty=False
    )
    level = serializers.SlugRelatedField(
        slug_field="code", queryset=SkillLevel.objects.all(), required=False, allow_null=True
    )
    value = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True,
        help_text="yuan; empty: the subsidy standard of the occupation and level",
    )  # fmt: skip
    valid_until = serializers.DateField(
        required=False, allow_null=True, help_text="empty: the policy pack's validity"
    )


class RedeemSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=24, help_text="the number the holder shows")
    enrollment = IdField(help_text="the holder's enrolment in your class")


class SettleSerializer(serializers.Serializer):
    certificate = serializers.CharField(
        max_length=40, required=False, allow_blank=True,
        help_text="a certificate number; empty: the holder's valid certificate for the occupation",
    )  # fmt: skip


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


CELL = inline_serializer("VoucherCell", {"count": serializers.IntegerField(),
                                         "value": serializers.DecimalField(12, 2)})  # fmt: skip


def _row_fields(**extra) -> dict:
    fields = {"total": CELL, "settled_amount": serializers.DecimalField(12, 2), **extra}
    for state in VoucherState:
        fields[str(state)] = CELL
    return fields


DASHBOARD = inline_serializer(
    "VoucherDashboard",
    {
        "total": inline_serializer("VoucherTotals", _row_fields()),
        "by_region": inline_serializer(
            "VoucherRegionRow",
            _row_fields(code=serializers.CharField(), name=serializers.CharField()),
            many=True,
        ),
        "by_occupation": inline_serializer(
            "VoucherOccupationRow",
            _row_fields(code=serializers.CharField(), name=serializers.CharField()),
            many=True,
        ),
    },
)


class VoucherViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Training vouchers in the caller's scope: the bureau's region, the institution's
    redemptions, a worker's own."""

    serializer_class = VoucherSerializer
    permission_classes = [permissions.IsAuthenticated, VoucherPermission]
    filterset_class = VoucherFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            queryset = selectors.voucher_list(user, self.request.query_params)
        else:
            queryset = selectors.vouchers_for(user)
        return queryset.prefetch_related("changes__by")

    def _read(self, pk: int) -> dict:
        return VoucherSerializer(self.get_queryset().get(pk=pk)).data

    @extend_schema(request=IssueSerializer, responses={201: VoucherSerializer})
    def create(self, request):
        """发券: issue a voucher to a registered person of the caller's region. The policy pack
        decides; a refusal answers 400 with its reasons."""
        _need(request, Capability.ISSUE_VOUCHERS)
        body = IssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        person = find_by_id_number(values.pop("id_number"))
        if person is None or not scoped(request.user, Person.objects.filter(pk=person.pk)).exists():
            raise exceptions.ValidationError(
                {"id_number": [_("No one is registered with this ID number.")]}
            )
        voucher = services.issue(person, values.pop("occupations"), **values)
        return Response(self._read(voucher.pk), status=201)

    @extend_schema(request=None, responses=VoucherSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """领取: the holder claims their voucher (a reviewer records a claim at the counter)."""
        voucher = self.get_object()
        services.claim(voucher, request.user)
        return Response(self._read(voucher.pk))

    @extend_schema(request=RedeemSerializer, responses=VoucherSerializer)
    @action(detail=False, methods=["post"])
    def redeem(self, request):
        """验证: redeem the voucher the holder shows for their enrolment in your class:
        {"number", "enrollment"}. A voucher of another person, not claimed, expired or for
        another occupation is refused (400)."""
        _need(request, Capability.REDEEM_VOUCHERS)
        body = RedeemSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enrollment = get_object_or_404(
            scoped(request.user, Enrollment.objects.select_related("person", "training_class")),
            pk=body.validated_data["enrollment"],
        )
        voucher = services.find(body.validated_data["number"])
        if voucher is None:
            raise exceptions.ValidationError({"number": [_("No voucher has this number.")]})
        services.redeem(voucher, enrollment)
        return Response(self._read(voucher.pk))

    @extend_schema(request=SettleSerializer, responses=VoucherSerializer)
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        """兑现: settle a redeemed voucher against the holder's valid certificate (以证换券、
        无证无价); once only."""
        _need(request, Capability.SETTLE_VOUCHERS)
        voucher = self.get_object()
        body = SettleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        certificate = None
        if number := body.validated_data.get("certificate", "").strip():
            certificate = Certificate.objects.filter(number=number, person=voucher.person).first()
            if certificate is None:
                raise exceptions.ValidationError(
                    {"certificate": [_("The holder has no certificate with this number.")]}
                )
        services.settle(voucher, certificate)
        return Response(self._read(voucher.pk))

    @extend_schema(request=VoidSerializer, responses=VoucherSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """作废: void a voucher not yet settled: {"reason"} is needed."""
        _need(request, Capability.ISSUE_VOUCHERS)
        voucher = self.get_object()
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.void(voucher, body.validated_data["reason"])
        return Response(self._read(voucher.pk))

    @extend_schema(responses=DASHBOARD)
    @action(detail=False, methods=["get"])
    def dashboard(self, request):
        """Counts and money by state, in all, by region (the holder's bureau) and by occupation,
        within the caller's scope."""
        _need(request, Capability.VIEW_VOUCHERS)
        return Response(_json(selectors.dashboard(request.user)))


def _json(value):
    """Decimals as strings with 2 places, as the rest of the API writes money."""
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item) for item in value]
    if hasattr(value, "quantize"):
        return f"{value:.2f}"
    return value
