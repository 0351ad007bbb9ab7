"""The public list of published training: by occupation, county, date and "free for me"."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jineng.catalog.models import Occupation, Region, RegionLevel
from jineng.core.filters import FilterSet
from jineng.offers.models import Offer


class OfferFilter(FilterSet):
    # Only the occupations and counties that have published training: the whole catalogues
    # (thousands of occupations, every county of the country) made the phone's page 330 KB.
    occupation = django_filters.ModelChoiceFilter(
        label=_("Occupation"),
        queryset=Occupation.objects.filter(pk__in=Offer.objects.values("occupation")).order_by(
            "code"
        ),
    )
    county = django_filters.ModelChoiceFilter(
        label=_("County"),
        queryset=Region.objects.filter(
            level=RegionLevel.COUNTY, pk__in=Offer.objects.values("county")
        ).order_by("code"),
    )
    starts_after = django_filters.DateFilter(
        label=_("Starting on or after"), method="filter_starts_after"
    )
    # Read by the selector, which knows the worker asking (the pack decides per person).
    free = django_filters.BooleanFilter(label=_("Free for me"), method="filter_nothing")

    class Meta:
        model = Offer
        fields = ["occupation", "county", "starts_after", "free"]

    def filter_starts_after(self, queryset, name, value):
        # A standing offer has no date yet: it opens when enough have signed up.
        return queryset.filter(Q(start_date__gte=value) | Q(start_date__isnull=True))

    def filter_nothing(self, queryset, name, value):
        return queryset
