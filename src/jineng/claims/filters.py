"""The filters of the claim lists (the claims, the review queue, payment batches, recoveries),
shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jineng.claims.models import (
    BatchState,
    Claim,
    ClaimKind,
    ClaimState,
    PaymentBatch,
    Recovery,
    RecoveryState,
)
from jineng.core.filters import FilterSet, RegionFilter


class ClaimFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Claim number or claimant"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Subsidy"), choices=ClaimKind.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=ClaimState.choices)
    number = django_filters.CharFilter(field_name="number", lookup_expr="iexact")
    bureau = RegionFilter(
        label=_("Region"), field_name="bureau__path", help_text="bureau id: its region"
    )

    class Meta:
        model = Claim
        fields = ["q", "kind", "state", "number", "bureau"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(payee_name__icontains=value)
        )


class BatchFilter(FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=BatchState.choices)

    class Meta:
        model = PaymentBatch
        fields = ["state"]


class RecoveryFilter(FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=RecoveryState.choices)

    class Meta:
        model = Recovery
        fields = ["state"]
