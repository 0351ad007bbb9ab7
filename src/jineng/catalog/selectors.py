"""Reads of catalogs, policy packs and decisions, always through the data scope."""

from django.db.models import QuerySet

from jineng.catalog.filters import FILTERS, PackVersionFilter
from jineng.catalog.models import DecisionRecord, PolicyPackVersion
from jineng.catalog.registry import Catalog
from jineng.core.filters import run
from jineng.core.scope import scoped


def catalog_rows_for(user, catalog: Catalog) -> QuerySet:
    return scoped(user, catalog.queryset())


def catalog_row_list(user, catalog: Catalog, filters=None) -> QuerySet:
    """A catalog's list on its page and in the API: in the catalog's order, then by id."""
    queryset = run(FILTERS[catalog.slug], catalog_rows_for(user, catalog), filters)
    return queryset.order_by(*catalog.model._meta.ordering, "pk")


def pack_version_list(user, filters=None) -> QuerySet[PolicyPackVersion]:
    """The loaded policy pack versions on their page and in the API: by pack, newest first."""
    versions = scoped(user, PolicyPackVersion.objects.all())
    return run(PackVersionFilter, versions, filters).order_by("pack_id", "-version", "id")


def decisions_for(user) -> QuerySet[DecisionRecord]:
    return scoped(user, DecisionRecord.objects.select_related("pack"))
