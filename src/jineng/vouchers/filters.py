"""The filters of the voucher list, shared by its page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jineng.core.filters import FilterSet, RegionFilter
from jineng.vouchers.models import Voucher, VoucherState


class VoucherFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Voucher number or holder"), method="search")
    state = django_filters.ChoiceFilter(label=_("State"), choices=VoucherState.choices)
    occupation = django_filters.CharFilter(
        label=_("Occupation"), field_name="occupations__code", help_text="e.g. 6-18-02-04"
    )
    number = django_filters.CharFilter(field_name="number", lookup_expr="iexact")
    region = RegionFilter(
        label=_("Region"), field_name="person__organisation__path", help_text="a bureau's id"
    )
    issued_from = django_filters.DateFilter(
        label=_("Issued from"), field_name="issued_on", lookup_expr="gte"
    )
    issued_to = django_filters.DateFilter(
        label=_("Issued until"), field_name="issued_on", lookup_expr="lte"
    )

    class Meta:
        model = Voucher
        fields = ["q", "state", "occupation", "number", "region", "issued_from", "issued_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(person__name__icontains=value))
