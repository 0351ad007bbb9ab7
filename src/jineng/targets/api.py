"""The target plans API: plans, their versions and allocation rows, through the same selectors
and filters as the pages (a county or a department gets its own rows only)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from jineng.core.api import CapabilityPermission, SelectorFilterBackend
from jineng.core.roles import Capability
from jineng.stats.measures import INDICATORS, MEASURES, NO_DATA
from jineng.targets import dashboard, selectors
from jineng.targets.filters import AllocationFilter, PlanFilter, VersionFilter
from jineng.targets.forms import DashboardForm
from jineng.targets.models import Allocation, Plan, PlanVersion


class TotalSerializer(serializers.Serializer):
    measure = serializers.CharField(source="measure.code")
    value = serializers.IntegerField(help_text="whole persons (or person-times)")


class PlanSerializer(serializers.ModelSerializer):
    bureau_code = serializers.CharField(source="bureau.code", read_only=True)
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = ["id", "title", "bureau", "bureau_code", "bureau_name", "start_year",
                  "end_year", "latest_version"]  # fmt: skip
        read_only_fields = fields

    def get_latest_version(self, plan) -> int | None:
        latest = selectors.latest_version(plan)
        return latest.number if latest else None


class VersionSerializer(serializers.ModelSerializer):
    totals = TotalSerializer(many=True, read_only=True)

    class Meta:
        model = PlanVersion
        fields = ["id", "plan", "number", "reason", "document_number", "created_by_label",
                  "created_at", "totals"]  # fmt: skip
        read_only_fields = fields


class AllocationSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="version.plan_id", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    measure = serializers.CharField(source="measure.code", read_only=True)
    unit_code = serializers.CharField(source="organisation.code", default="", read_only=True)
    value = serializers.IntegerField(read_only=True, help_text="whole persons (or person-times)")

    class Meta:
        model = Allocation
        fields = ["id", "plan", "version", "version_number", "measure", "axis", "position",
                  "label", "organisation", "unit_code", "programme", "value"]  # fmt: skip
        read_only_fields = fields


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Target plans of the caller's region, and those in which the caller has a row."""

    serializer_class = PlanSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_TARGETS
    filterset_class = PlanFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.plan_list(self.request.user, self.request.query_params)
        return selectors.plans_for(self.request.user)


class PlanVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Versions of the plans the caller sees, each with its totals (old versions stay)."""

    serializer_class = VersionSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_TARGETS
    filterset_class = VersionFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            queryset = selectors.version_list(self.request.user, self.request.query_params)
        else:
            queryset = selectors.versions_for(self.request.user)
        return queryset.prefetch_related("totals__measure")


class AllocationViewSet(viewsets.ReadOnlyModelViewSet):
    """Allocation rows (filter by plan, version, measure code, axis, latest=true): the plan's
    region sees every row, a county or a department its own."""

    serializer_class = AllocationSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_TARGETS
    filterset_class = AllocationFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.allocation_list(self.request.user, self.request.query_params)
        return selectors.allocations_for(self.request.user)


class DashboardView(APIView):
    """The figures of the dashboards, as the page's tables show them (targets.dashboard.data)."""

    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_STATS

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", OpenApiTypes.INT,
                             description="a plan's id (default: the caller's plan of this year)"),
            OpenApiParameter("measure", OpenApiTypes.STR, enum=list(MEASURES),
                             description=f"default: {dashboard.DEFAULT_MEASURE}"),
            OpenApiParameter("indicator", OpenApiTypes.STR,
                             enum=[i for i in INDICATORS if i not in NO_DATA],
                             description=f"default: {dashboard.DEFAULT_INDICATOR}"),
        ],
        responses=OpenApiTypes.OBJECT,
        description="Progress against target by county and by department (target, counted, "
        "percent, left, link to the rows), the map's settings, trends by week and month, and "
        "one indicator per institution; within the caller's data scope.",
    )  # fmt: skip
    def get(self, request):
        form = DashboardForm(request.user, request.query_params)
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        return Response(dashboard.data(request.user, form.cleaned_data))
