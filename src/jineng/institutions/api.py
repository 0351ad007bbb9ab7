"""Institutions in the caller's scope, with their designations (read-only); the enterprise
registry (企业名录, 002 §四(三)1): read in the caller's region, recorded and changed by the bureau
through the same services as the pages (a refusal answers 400 with its reasons)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.response import Response

from jineng.core.api import CapabilityPermission, IdField, SelectorFilterBackend
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind, has_capability
from jineng.core.scope import scoped
from jineng.institutions import selectors, services
from jineng.institutions.filters import EnterpriseFilter, InstitutionFilter
from jineng.institutions.models import (
    SIZE_STANDARD,
    Designation,
    Engagement,
    Enterprise,
    EnterpriseSize,
    Institution,
)


class DesignationSerializer(serializers.ModelSerializer):
    occupation = serializers.CharField(source="occupation.code")
    occupation_name = serializers.CharField(source="occupation.name")
    level = serializers.CharField(source="level.code")

    class Meta:
        model = Designation
        fields = ["occupation", "occupation_name", "level", "valid_from", "valid_to"]


class InstitutionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name")
    code = serializers.CharField(source="organisation.code")
    designations = DesignationSerializer(many=True)

    class Meta:
        model = Institution
        fields = ["id", "name", "code", "type", "state", "capacity", "designations"]


class InstitutionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            queryset = selectors.institution_list(self.request.user, self.request.query_params)
        else:
            queryset = selectors.institutions_for(self.request.user)
        return queryset.prefetch_related("designations__occupation", "designations__level")


class EngagementSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.organisation.name")
    teacher_name = serializers.CharField(source="teacher.person.name")
    id_number_masked = serializers.CharField(source="teacher.person.id_number_masked")

    class Meta:
        model = Engagement
        fields = [
            "id",
            "institution",
            "teacher",
            "teacher_name",
            "id_number_masked",
            "year",
            "full_time",
        ]


class EngagementViewSet(viewsets.ReadOnlyModelViewSet):
    """Teachers at the institutions in the caller's scope, a row per institution and year."""

    serializer_class = EngagementSerializer
    filterset_fields = ["year", "full_time", "institution"]

    def get_queryset(self):
        return scoped(
            self.request.user,
            Engagement.objects.select_related("institution__organisation", "teacher__person"),
        )


# --- the enterprise registry ------------------------------------------------------------------


class EnterpriseSerializer(serializers.ModelSerializer):
    size = serializers.CharField(help_text=" | ".join(EnterpriseSize.values))
    size_label = serializers.CharField(source="get_size_display")
    bureau_name = serializers.CharField(source="bureau.name")
    has_evidence_file = serializers.BooleanField()

    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name", "bureau", "bureau_name", "size", "size_label",
                  "size_standard", "size_evidence", "size_assessed_on", "has_evidence_file",
                  "evidence_filename", "created_at"]  # fmt: skip


class EnterpriseWriteSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=30, help_text="统一社会信用代码 (only when recording)")
    name = serializers.CharField(max_length=200)
    bureau = IdField(help_text="the bureau it belongs to (隶属关系)")
    size = serializers.ChoiceField(choices=EnterpriseSize.choices)
    size_evidence = serializers.CharField(max_length=300, required=False, allow_blank=True)
    size_assessed_on = serializers.DateField(required=False, allow_null=True)
    size_standard = serializers.CharField(max_length=100, required=False, allow_blank=True)


RECORD_REFUSAL = gettext_lazy("Only the bureau records enterprises and their size class.")


class EnterpriseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enterprises of the caller's region with their size class (大型、中型、小型、微型 by
    《中小企业划型标准规定》), its evidence and the bureau they belong to. The bureau records
    (POST) and changes (PATCH, the credit code stays) them."""

    serializer_class = EnterpriseSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_ENTERPRISES
    filterset_class = EnterpriseFilter
    filter_backends = [SelectorFilterBackend]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.enterprise_list(self.request.user, self.request.query_params)
        return selectors.enterprises_for(self.request.user)

    def _need_recorder(self) -> None:
        if not has_capability(self.request.user, Capability.RECORD_ENTERPRISES):
            raise exceptions.PermissionDenied(str(RECORD_REFUSAL))

    def _bureau(self, pk: int) -> Organisation:
        found = scoped(self.request.user, Organisation.objects.filter(kind=OrgKind.BUREAU))
        bureau = found.filter(pk=pk).first()
        if bureau is None:
            raise exceptions.ValidationError(
                {"bureau": [_("No bureau of your region has this id.")]}
            )
        return bureau

    def _values(self, data: dict, current: Enterprise | None = None) -> dict:
        values = {
            "name": data.get("name", current.name if current else ""),
            "size": data.get("size", current.size if current else ""),
            "size_evidence": data.get("size_evidence", current.size_evidence if current else ""),
            "size_assessed_on": data.get(
                "size_assessed_on", current.size_assessed_on if current else None
            ),
            "size_standard": data.get(
                "size_standard", current.size_standard if current else SIZE_STANDARD
            ),
        }
        values["bureau"] = self._bureau(data["bureau"]) if "bureau" in data else current.bureau
        return values

    @extend_schema(request=EnterpriseWriteSerializer, responses={201: EnterpriseSerializer})
    def create(self, request):
        """Record an enterprise under a bureau of the caller's region."""
        self._need_recorder()
        body = EnterpriseWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        enterprise = services.record_enterprise(uscc=data["uscc"], **self._values(data))
        return Response(EnterpriseSerializer(self.get_queryset().get(pk=enterprise.pk)).data, 201)

    @extend_schema(request=EnterpriseWriteSerializer, responses=EnterpriseSerializer)
    def partial_update(self, request, pk=None):
        """Change the name, the bureau, the size class or its evidence; the credit code stays."""
        self._need_recorder()
        enterprise = self.get_object()
        body = EnterpriseWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if "uscc" in data and data["uscc"].strip().upper() != enterprise.uscc:
            raise exceptions.ValidationError(
                {"uscc": [_("The credit code of a recorded enterprise does not change.")]}
            )
        services.update_enterprise(enterprise, **self._values(data, enterprise))
        return Response(EnterpriseSerializer(self.get_queryset().get(pk=enterprise.pk)).data)
