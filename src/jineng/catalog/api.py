"""The catalog API: every catalog read-only under /api/v1/catalogs/<slug>/, policy pack versions
and stored decisions (scoped)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from jineng.catalog import selectors
from jineng.catalog.filters import FILTERS, PackVersionFilter
from jineng.catalog.models import DecisionRecord, PolicyPackVersion
from jineng.catalog.packs import parsed_pack
from jineng.catalog.registry import CATALOGS, Catalog
from jineng.core.api import SelectorFilterBackend
from jineng.core.scope import scoped


def catalog_viewset(catalog: Catalog) -> type[viewsets.ReadOnlyModelViewSet]:
    """A read-only viewset whose rows are the catalog's export rows plus their id."""

    class RowSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="pk")

        def to_representation(self, obj):
            return {"id": obj.pk, **{k: str(v) for k, v in catalog.row_of(obj).items()}}

    class CatalogViewSet(viewsets.ReadOnlyModelViewSet):
        serializer_class = RowSerializer
        filterset_class = FILTERS[catalog.slug]
        filter_backends = [SelectorFilterBackend]

        def get_queryset(self):
            user = self.request.user
            if self.action == "list":
                return selectors.catalog_row_list(user, catalog, self.request.query_params)
            return selectors.catalog_rows_for(user, catalog)

    CatalogViewSet.__name__ = f"{catalog.model.__name__}ViewSet"
    CatalogViewSet.__doc__ = f"{catalog.model._meta.verbose_name_plural} (read-only; ?q= searches)."
    RowSerializer.__name__ = f"{catalog.model.__name__}Row"
    return extend_schema(tags=["catalogs"])(CatalogViewSet)


CATALOG_VIEWSETS = {slug: catalog_viewset(catalog) for slug, catalog in CATALOGS.items()}


class PolicyPackVersionSerializer(serializers.ModelSerializer):
    rules = serializers.SerializerMethodField()

    class Meta:
        model = PolicyPackVersion
        fields = [
            "id",
            "pack_id",
            "version",
            "title",
            "region_code",
            "effective_from",
            "effective_to",
            "content_hash",
            "loaded_at",
            "rules",
        ]

    def get_rules(self, version) -> list[dict]:
        return [row.as_dict() for row in parsed_pack(version).describe()]


class PolicyPackVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Every loaded version of every policy pack, with its rules and their citations."""

    serializer_class = PolicyPackVersionSerializer
    filterset_class = PackVersionFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.pack_version_list(self.request.user, self.request.query_params)
        return scoped(self.request.user, PolicyPackVersion.objects.all())


class DecisionRecordSerializer(serializers.ModelSerializer):
    pack_id = serializers.CharField(source="pack.pack_id")
    pack_version = serializers.IntegerField(source="pack.version")

    class Meta:
        model = DecisionRecord
        fields = [
            "id",
            "kind",
            "subject_type",
            "subject_id",
            "outcome",
            "amount",
            "pack_id",
            "pack_version",
            "detail",
            "decided_at",
        ]


class DecisionRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Stored decisions in the caller's scope, with every rule checked and its evidence."""

    serializer_class = DecisionRecordSerializer
    filterset_fields = ["kind", "subject_type", "subject_id", "outcome"]

    def get_queryset(self):
        return scoped(self.request.user, DecisionRecord.objects.select_related("pack"))
