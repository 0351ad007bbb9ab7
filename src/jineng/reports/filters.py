"""The filter of the report list (page)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from jineng.core.filters import FilterSet, RegionFilter
from jineng.reports.models import Report, ReportKind


class ReportFilter(FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ReportKind.choices)
    region = RegionFilter(label=_("Region (bureau id)"), field_name="region__path")
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="period_end__year", min_value=1900
    )

    class Meta:
        model = Report
        fields = ["kind", "region", "year"]
