"""The filters of the class list, shared by its page, the review queue and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jineng.core.filters import FilterSet, IdFilter
from jineng.training.models import ClassState, TrainingClass


class ClassFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Class number or name"), method="search")
    state = django_filters.ChoiceFilter(label=_("State"), choices=ClassState.choices)
    occupation = django_filters.CharFilter(
        label=_("Occupation"), field_name="occupation__code", help_text="e.g. 6-18-02-04"
    )
    institution = IdFilter(label=_("Institution"), field_name="institution_id")
    start_from = django_filters.DateFilter(
        label=_("Starting from"), field_name="start_date", lookup_expr="gte"
    )
    start_to = django_filters.DateFilter(
        label=_("Starting until"), field_name="start_date", lookup_expr="lte"
    )
    end_from = django_filters.DateFilter(
        label=_("Ending from"), field_name="end_date", lookup_expr="gte"
    )
    end_to = django_filters.DateFilter(label=_("Ending until"), field_name="end_date",
                                       lookup_expr="lte")  # fmt: skip

    class Meta:
        model = TrainingClass
        fields = [
            "q", "state", "occupation", "institution", "start_from", "start_to", "end_from",
            "end_to",
        ]  # fmt: skip

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))
