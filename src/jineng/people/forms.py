"""Forms of the registry pages."""

from django import forms
from django.utils.translation import gettext_lazy


class SearchForm(forms.Form):
    """The registry's search, POSTed so that an ID or phone number never lands in a URL."""

    q = forms.CharField(
        label=gettext_lazy("Name, whole ID number or phone"), max_length=100, required=False
    )
