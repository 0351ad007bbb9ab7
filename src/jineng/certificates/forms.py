"""Forms of the certificate pages: the public verification and a revocation's reason."""

from django import forms
from django.utils.translation import gettext_lazy


class VerifyForm(forms.Form):
    # A certificate number, or the signed payload of its QR code (the page allows 5000).
    q = forms.CharField(label=gettext_lazy("Certificate"), max_length=5000, required=False)
    # The holder's ID number or name, to check against the certificate: read from a POST only,
    # never shown back (the page renders the field empty).
    holder = forms.CharField(
        label=gettext_lazy("Holder's ID number or name"), max_length=60, required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)
