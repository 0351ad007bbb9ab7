"""The filters of the booking list, shared by its page and the API."""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jineng.core.filters import FilterSet, IdFilter
from jineng.evaluation.models import OPEN_STATES, BookingState, EvaluationBooking


class BookingFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Class number, name or institution"), method="search")
    state = django_filters.ChoiceFilter(label=_("State"), choices=BookingState.choices)
    training_class = IdFilter(label=_("training class"))
    evaluation_org = IdFilter(label=_("Evaluation organisation"))
    # The reviewer's queue: open bookings after the deadline with no exception yet.
    needs_exception = django_filters.BooleanFilter(
        label=_("Waiting for an exception"), method="waiting_for_exception"
    )

    class Meta:
        model = EvaluationBooking
        fields = ["q", "state", "training_class", "evaluation_org", "needs_exception"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(training_class__code__icontains=value)
            | Q(training_class__name__icontains=value)
            | Q(training_class__institution__organisation__name__icontains=value)
        )

    def waiting_for_exception(self, queryset, name, value):
        if value is None:
            return queryset
        waiting = waiting_for_exception(queryset)
        return waiting if value else queryset.exclude(pk__in=waiting.values("pk"))


def waiting_for_exception(queryset):
    """Open bookings dated after the deadline that no reviewer has excepted yet (004 §四(四))."""
    return queryset.filter(
        state__in=OPEN_STATES, planned_date__gt=F("due_on"), exception_at__isnull=True
    )
