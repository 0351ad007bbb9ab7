"""The registry API: persons in scope, masked, with their categories, education (学历, for the
entry level of evaluations, 002 §四(二)1) and practising licences (从业资格, 004 §五(一)); search
by whole ID number or phone (POST)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jineng.core.api import SelectorFilterBackend
from jineng.people import selectors
from jineng.people.filters import PersonFilter
from jineng.people.models import EducationRecord, LicenceRecord, Person


class EducationSerializer(serializers.ModelSerializer):
    school_kind_label = serializers.CharField(source="get_school_kind_display")

    class Meta:
        model = EducationRecord
        fields = ["id", "school_kind", "school_kind_label", "school", "major", "graduated_on",
                  "evidence", "source"]  # fmt: skip


class LicenceSerializer(serializers.ModelSerializer):
    """A practising licence (从业资格, 004 §五(一)); the number masked, never whole."""

    name = serializers.CharField(source="get_licence_type_display")

    class Meta:
        model = LicenceRecord
        fields = ["id", "licence_type", "name", "number_masked", "issued_by", "valid_from",
                  "valid_to", "evidence"]  # fmt: skip


class PersonSerializer(serializers.ModelSerializer):
    categories = serializers.SerializerMethodField()
    education = EducationSerializer(many=True, read_only=True)
    licences = LicenceSerializer(many=True, read_only=True)
    bureau = serializers.CharField(source="organisation.name")

    class Meta:
        model = Person
        fields = ["id", "name", "document_kind", "id_number_masked", "sex", "birth_date",
                  "phone_masked", "bureau", "registered_at", "categories", "education",
                  "licences"]  # fmt: skip

    def get_categories(self, person) -> list[dict]:
        return [
            {"code": r.category.code, "name": r.category.name, "valid_from": r.valid_from,
             "valid_to": r.valid_to}
            for r in person.categories.all()
        ]  # fmt: skip


class SearchSerializer(serializers.Serializer):
    q = serializers.CharField(help_text="a name, a whole ID number or a phone number")


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """Persons in the caller's scope. ID and phone numbers are masked."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            queryset = selectors.person_list(self.request.user, self.request.query_params)
        else:
            queryset = selectors.persons_for(self.request.user)
        return queryset.prefetch_related("categories__category", "education", "licences")

    @extend_schema(request=SearchSerializer, responses=PersonSerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None)  # at most 100, one list
    def search(self, request):
        """Search by name, whole ID number or phone; POST keeps numbers out of URLs and logs."""
        data = SearchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = selectors.persons_for(request.user, data.validated_data["q"])
        found = found.prefetch_related("categories__category", "licences")[:100]
        return Response(PersonSerializer(found, many=True).data)
