"""Reads of institutions: in the user's scope, and the public directory (no login)."""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from jineng.core.filters import run
from jineng.core.scope import scoped
from jineng.institutions.filters import EnterpriseFilter, InstitutionFilter
from jineng.institutions.models import (
    Designation,
    Enterprise,
    EvaluationOrg,
    Institution,
    InstitutionState,
)


def institutions_for(user) -> QuerySet[Institution]:
    return scoped(user, Institution.objects.select_related("organisation"))


def institution_list(user, filters=None) -> QuerySet[Institution]:
    """The institution list of the page and the API: in tree order."""
    queryset = run(InstitutionFilter, institutions_for(user), filters)
    return queryset.order_by("organisation__path", "id")


def public_directory(on: date, *, search: str = "", region: str = "") -> QuerySet[Institution]:
    """Designated institutions with the designations valid on the day: public data only."""
    current = Designation.objects.filter(valid_from__lte=on, valid_to__gte=on).select_related(
        "occupation", "level"
    )
    queryset = (
        Institution.objects.filter(state=InstitutionState.DESIGNATED)
        .filter(designations__valid_from__lte=on, designations__valid_to__gte=on)
        .select_related("organisation")
        .prefetch_related(Prefetch("designations", queryset=current, to_attr="current"))
        .distinct()
    )
    if search:
        queryset = queryset.filter(
            Q(organisation__name__icontains=search)
            | Q(designations__occupation__name__icontains=search)
        )
    if region:
        queryset = queryset.filter(organisation__region_code__startswith=region.rstrip("0"))
    return queryset


def listed_evaluation_orgs(year: int, *, search: str = "", region: str = "") -> QuerySet:
    """The year's public list of evaluation organisations, with what each has filed."""
    queryset = (
        EvaluationOrg.objects.filter(listings__year=year)
        .select_related("organisation")
        .prefetch_related("filings__occupation", "filings__level")
        .distinct()
    )
    if search:
        queryset = queryset.filter(
            Q(organisation__name__icontains=search) | Q(filings__occupation__name__icontains=search)
        )
    if region:
        queryset = queryset.filter(organisation__region_code__startswith=region.rstrip("0"))
    return queryset


def enterprises_for(user) -> QuerySet[Enterprise]:
    """The enterprises of the user's region (their bureau's and those below it)."""
    return scoped(user, Enterprise.objects.select_related("bureau"))


def enterprise_list(user, filters=None) -> QuerySet[Enterprise]:
    """The enterprise registry of the page and the API: by bureau in tree order, then name."""
    queryset = run(EnterpriseFilter, enterprises_for(user), filters)
    return queryset.order_by("bureau__path", "name", "id")
