"""The target plans API: plans, their versions and allocation rows, through the same selectors
and filters as the pages (a county or a department gets its own rows only)."""

from rest_framework import permissions, serializers, viewsets

from jineng.core.api import CapabilityPermission, SelectorFilterBackend
from jineng.core.roles import Capability
from jineng.targets import selectors
from jineng.targets.filters import AllocationFilter, PlanFilter, VersionFilter
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
