"""Reads of catalogs, policy packs and decisions, always through the data scope."""

from django.db.models import Q, QuerySet

from jineng.catalog.models import DecisionRecord
from jineng.catalog.registry import Catalog
from jineng.core.scope import scoped


def catalog_rows_for(user, catalog: Catalog, search: str = "") -> QuerySet:
    queryset = scoped(user, catalog.queryset())
    if search:
        condition = Q()
        for name in catalog.search_fields:
            condition |= Q(**{f"{name}__icontains": search})
        queryset = queryset.filter(condition)
    return queryset


def decisions_for(user) -> QuerySet[DecisionRecord]:
    return scoped(user, DecisionRecord.objects.select_related("pack"))
