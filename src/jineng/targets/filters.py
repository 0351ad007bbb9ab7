"""The filters of the plan, version and allocation lists, shared by their pages and the API."""

import django_filters
from django.db.models import Max, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from jineng.core.filters import FilterSet, IdFilter, RegionFilter
from jineng.targets.models import Allocation, Axis, Measure, Plan, PlanVersion


class PlanFilter(FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), method="in_year", min_value=1900)
    region = RegionFilter(label=_("Region (bureau id)"), field_name="bureau__path")

    class Meta:
        model = Plan
        fields = ["year", "region"]

    def in_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class VersionFilter(FilterSet):
    plan = IdFilter(label=_("Plan"), field_name="plan_id")

    class Meta:
        model = PlanVersion
        fields = ["plan"]


class AllocationFilter(FilterSet):
    plan = IdFilter(label=_("Plan"), field_name="version__plan_id")
    version = IdFilter(label=_("Version"), field_name="version_id")
    measure = django_filters.ModelChoiceFilter(
        label=_("Measure"), queryset=Measure.objects.all(), to_field_name="code"
    )
    axis = django_filters.ChoiceFilter(label=_("Axis"), choices=Axis.choices)
    latest = django_filters.BooleanFilter(label=_("Latest version only"), method="only_latest")

    class Meta:
        model = Allocation
        fields = ["plan", "version", "measure", "axis", "latest"]

    def only_latest(self, queryset, name, value):
        if not value:
            return queryset
        latest = (
            PlanVersion.objects.filter(plan=OuterRef("version__plan"))
            .values("plan")
            .annotate(top=Max("number"))
            .values("top")
        )
        return queryset.filter(version__number=Subquery(latest))
