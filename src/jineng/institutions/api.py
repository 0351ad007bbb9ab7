"""Institutions in the caller's scope, with their designations (read-only)."""

from rest_framework import serializers, viewsets

from jineng.core.api import SelectorFilterBackend
from jineng.core.scope import scoped
from jineng.institutions import selectors
from jineng.institutions.filters import InstitutionFilter
from jineng.institutions.models import Designation, Engagement, Institution


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
