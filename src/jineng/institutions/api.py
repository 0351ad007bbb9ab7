"""Institutions in the caller's scope, with their designations (read-only)."""

from rest_framework import serializers, viewsets

from jineng.institutions import selectors
from jineng.institutions.models import Designation, Institution


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

    def get_queryset(self):
        return selectors.institutions_for(self.request.user).prefetch_related(
            "designations__occupation", "designations__level"
        )
