"""The filters of the certificate list, shared by its page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jineng.certificates.models import Certificate, CertificateKind, CertificateStatus
from jineng.core.filters import FilterSet


class CertificateFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Number, holder or occupation"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CertificateKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CertificateStatus.choices)
    issued_here = django_filters.BooleanFilter()
    number = django_filters.CharFilter()

    class Meta:
        model = Certificate
        fields = ["q", "kind", "status", "issued_here", "number"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value.replace(" ", ""))
            | Q(person__name__contains=value)
            | Q(occupation__name__contains=value)
        )
