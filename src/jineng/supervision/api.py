"""The findings in the API (/api/v1/findings/): list and detail, within the caller's scope, with
the same filters and order as the page (one selector, one FilterSet). Evidence is as stored:
personal data masked."""

from rest_framework import mixins, permissions, serializers, viewsets

from jineng.core.api import CapabilityPermission, SelectorFilterBackend, StateChangeSerializer
from jineng.core.roles import Capability
from jineng.supervision import selectors
from jineng.supervision.filters import FindingFilter
from jineng.supervision.models import Finding


class FindingSerializer(serializers.ModelSerializer):
    check = serializers.CharField(source="check_code", read_only=True)
    institution_name = serializers.CharField(
        source="institution.organisation.name", read_only=True, default=None
    )
    training_class_code = serializers.CharField(
        source="training_class.code", read_only=True, default=None
    )

    class Meta:
        model = Finding
        fields = [
            "id", "number", "check", "severity", "state", "summary", "institution",
            "institution_name", "training_class", "training_class_code", "claim_line",
            "certificate", "pack_version", "created_at", "decided_at",
        ]  # fmt: skip


class FindingDetailSerializer(FindingSerializer):
    changes = StateChangeSerializer(many=True, read_only=True)

    class Meta(FindingSerializer.Meta):
        fields = FindingSerializer.Meta.fields + [
            "evidence", "decision_reason", "decision_evidence", "changes",
        ]  # fmt: skip


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Findings of the data comparison (疑点, 004 §五(六)) in the caller's region."""

    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_SUPERVISION
    filterset_class = FindingFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.finding_list(self.request.user, self.request.query_params)
        return selectors.findings_for(self.request.user).order_by("-created_at", "-id")

    def get_serializer_class(self):
        return FindingSerializer if self.action == "list" else FindingDetailSerializer
