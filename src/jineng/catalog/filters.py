"""The filter of every catalog's list (its page and its API): `q` searches the catalog's
search fields. One FilterSet class per catalog, made from its description in the registry.
And the filter of the policy pack versions (their page and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jineng.catalog.models import PolicyPackVersion
from jineng.catalog.registry import CATALOGS, Catalog
from jineng.core.filters import FilterSet


class CatalogFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


def _filter_of(catalog: Catalog) -> type[CatalogFilter]:
    meta = type("Meta", (), {"model": catalog.model, "fields": ["q"]})
    name = f"{catalog.model.__name__}Filter"
    return type(name, (CatalogFilter,), {"Meta": meta, "search_fields": catalog.search_fields})


FILTERS: dict[str, type[CatalogFilter]] = {
    slug: _filter_of(catalog) for slug, catalog in CATALOGS.items()
}


class PackVersionFilter(FilterSet):
    pack_id = django_filters.CharFilter(label=_("Pack"))
    region_code = django_filters.CharFilter(label=_("Region code"))

    class Meta:
        model = PolicyPackVersion
        fields = ["pack_id", "region_code"]
