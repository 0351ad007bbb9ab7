"""The filters of the institution list (its page and the API) and the public directory's
search form."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jineng.core.filters import FilterSet
from jineng.institutions.models import (
    Enterprise,
    EnterpriseSize,
    Institution,
    InstitutionState,
    InstitutionType,
)


class InstitutionFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Name"), field_name="organisation__name", lookup_expr="icontains"
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=InstitutionState.choices)
    type = django_filters.ChoiceFilter(label=_("type"), choices=InstitutionType.choices)

    class Meta:
        model = Institution
        fields = ["q", "state", "type"]


class EnterpriseFilter(FilterSet):
    """The enterprise registry's list (page and API): by name or credit code, and size class."""

    q = django_filters.CharFilter(label=_("Name or credit code"), method="search")
    size = django_filters.ChoiceFilter(label=_("size class"), choices=EnterpriseSize.choices)

    class Meta:
        model = Enterprise
        fields = ["q", "size"]

    def search(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(Q(name__icontains=text) | Q(uscc__icontains=text.upper()))


class DirectorySearch(forms.Form):
    """The public directory's search: no API lists it, so a plain form."""

    q = forms.CharField(label=_("Institution or occupation"), required=False, max_length=100)
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=6,
        validators=[RegexValidator(r"^\d{2,6}$", _("A region code is 2 to 6 digits."))],
    )
