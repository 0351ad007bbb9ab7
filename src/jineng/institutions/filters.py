"""The filters of the institution list (its page and the API) and the public directory's
search form."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from jineng.institutions.models import Institution, InstitutionState, InstitutionType


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name"), field_name="organisation__name", lookup_expr="icontains"
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=InstitutionState.choices)
    type = django_filters.ChoiceFilter(label=_("type"), choices=InstitutionType.choices)

    class Meta:
        model = Institution
        fields = ["q", "state", "type"]


class DirectorySearch(forms.Form):
    """The public directory's search: no API lists it, so a plain form."""

    q = forms.CharField(label=_("Institution or occupation"), required=False, max_length=100)
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=6,
        validators=[RegexValidator(r"^\d{2,6}$", _("A region code is 2 to 6 digits."))],
    )
