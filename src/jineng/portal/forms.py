from django import forms
from django.utils.translation import gettext_lazy

from jineng.portal.models import CorrectionSubject


class CopyForm(forms.Form):
    """Which copy of their data the worker downloads (PIPL art. 45): JSON unless asked."""

    format = forms.ChoiceField(
        choices=[("json", "JSON"), ("xlsx", gettext_lazy("spreadsheet"))], required=False
    )


class ConsentForm(forms.Form):
    sms_consent = forms.BooleanField(
        label=gettext_lazy("Text me when something changes"),
        required=False,
        help_text=gettext_lazy(
            "Accepted into a class, the class starts tomorrow, evaluation booked, certificate "
            "issued, subsidy paid. You can stop it here at any time."
        ),
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("New mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The code in the text message"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class CorrectionForm(forms.Form):
    subject = forms.ChoiceField(
        label=gettext_lazy("What is wrong"), choices=CorrectionSubject.choices
    )
    text = forms.CharField(
        label=gettext_lazy("What should it say"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    corrected = forms.TypedChoiceField(
        label=gettext_lazy("Answer"),
        choices=[
            ("1", gettext_lazy("Corrected")),
            ("0", gettext_lazy("Declined")),
        ],
        coerce=lambda value: value == "1",
    )
    answer = forms.CharField(label=gettext_lazy("What was changed, or why not"), max_length=300)


class ObjectionForm(forms.Form):
    """The worker's objection to their own line on a running notice (claims lodges it)."""

    line = forms.TypedChoiceField(label=gettext_lazy("About"), coerce=int)
    text = forms.CharField(
        label=gettext_lazy("Your objection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(line.pk, _line_label(line)) for line in lines]


def _line_label(line) -> str:
    what = line.occupation.name if line.occupation else line.get_subsidy_type_display()
    return f"{what} · {line.amount}"
