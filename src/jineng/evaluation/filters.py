"""The filters of the booking list, shared by its page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jineng.core.filters import IdFilter
from jineng.evaluation.models import BookingState, EvaluationBooking


class BookingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Class number, name or institution"), method="search")
    state = django_filters.ChoiceFilter(label=_("State"), choices=BookingState.choices)
    training_class = IdFilter(label=_("training class"))
    evaluation_org = IdFilter(label=_("Evaluation organisation"))

    class Meta:
        model = EvaluationBooking
        fields = ["q", "state", "training_class", "evaluation_org"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(training_class__code__icontains=value)
            | Q(training_class__name__icontains=value)
            | Q(training_class__institution__organisation__name__icontains=value)
        )
