"""Reads of institutions: in the user's scope, and the public directory (no login)."""

from datetime import date

from django.db.models import DateField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog import timetable
from jineng.core.filters import run
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import scoped
from jineng.core.todo import Item
from jineng.institutions.filters import EnterpriseFilter, InstitutionFilter
from jineng.institutions.models import (
    Designation,
    Enterprise,
    EvaluationOrg,
    Institution,
    InstitutionListing,
    InstitutionState,
    Listing,
)
from jineng.policy.timetable import EVALUATION_ORGS_PUBLISHED_BY, INSTITUTIONS_PUBLISHED_BY


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
        .prefetch_related(
            Prefetch("designations", queryset=current, to_attr="current"),
            # 004 §四(二): on the year's list of institutions undertaking training, since when
            Prefetch(
                "listings",
                queryset=InstitutionListing.objects.filter(year=on.year),
                to_attr="listed",
            ),
        )
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


# --- the year's public lists (004 §四(二), §四(四)) ------------------------------------------


def year_list_institutions(user, year: int) -> QuerySet[Institution]:
    """The institutions of the user's region that belong on the year's list of institutions
    undertaking training (designated, for something in that year) or are on it, each with the
    day it was published (`listed_on`, None when not listed yet)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    listed_on = InstitutionListing.objects.filter(institution=OuterRef("pk"), year=year)
    candidates = Q(
        state=InstitutionState.DESIGNATED,
        designations__valid_from__lte=last,
        designations__valid_to__gte=first,
    ) | Q(listings__year=year)
    queryset = institutions_for(user).filter(candidates).distinct()
    return queryset.annotate(
        listed_on=Subquery(listed_on.values("published_on")[:1], output_field=DateField())
    ).order_by("organisation__path", "id")


def year_list_evaluation_orgs(user, year: int) -> QuerySet[EvaluationOrg]:
    """The evaluation organisations of the user's region that may be listed (with a filed
    occupation) or are listed for the year, each with `listed_on`."""
    listed_on = Listing.objects.filter(evaluation_org=OuterRef("pk"), year=year)
    queryset = scoped(user, EvaluationOrg.objects.select_related("organisation"))
    queryset = queryset.filter(Q(filings__isnull=False) | Q(listings__year=year)).distinct()
    return queryset.annotate(
        listed_on=Subquery(listed_on.values("published_on")[:1], output_field=DateField())
    ).order_by("organisation__path", "id")


def todo(user) -> list[Item]:
    """004 §四(二), §四(四): the city bureau publishes the year's institutions undertaking
    training and evaluation organisations; in the weeks before each date, how many are still
    to publish, until every one is on the list."""
    if not has_capability(user, Capability.DESIGNATE_INSTITUTIONS):
        return []
    bureau = timetable.city_bureau_of(user)
    if bureau is None:
        return []
    year = timezone.localdate().year
    url = reverse("institutions:year-lists")
    items = []
    lists = (
        (INSTITUTIONS_PUBLISHED_BY, year_list_institutions,
         _("Publish the institutions undertaking training")),
        (EVALUATION_ORGS_PUBLISHED_BY, year_list_evaluation_orgs,
         _("Publish the evaluation organisations")),
    )  # fmt: skip
    for key, rows_of, label in lists:
        deadline = timetable.coming(bureau.region_code, key)
        if deadline is None:
            continue
        rows = rows_of(user, year)
        waiting = rows.filter(listed_on__isnull=True).count()
        listed = rows.count() - waiting
        note = (
            _("%(listed)d published on the %(year)s list so far.")
            % {"listed": listed, "year": year}
            if listed
            else _("The %(year)s list is not published yet.") % {"year": year}
        )
        items.append(timetable.deadline_item(deadline, label, url, count=waiting, note=note))
    return items
