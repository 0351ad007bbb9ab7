"""Forms of the face pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jineng.faces.models import FaceVerification


class EnrolForm(forms.Form):
    consent = forms.BooleanField(
        label=_("The person has read the consent text and agrees separately"), required=True
    )
    photo = forms.FileField(label=_("Photo"))


class CheckInForm(forms.Form):
    enrollment = forms.ModelChoiceField(queryset=None, label=_("Trainee"))
    photo = forms.FileField(label=_("Photo"))

    def __init__(self, *args, enrollments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = enrollments


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (FaceVerification.State.CONFIRMED, _("confirm")),
            (FaceVerification.State.DISMISSED, _("dismiss")),
        ],  # fmt: skip
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
