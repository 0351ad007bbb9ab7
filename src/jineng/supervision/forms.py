"""What the supervision pages post, read through forms (docs/architecture.md, "Input through
forms"); the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.core.scope import scoped
from jineng.supervision.models import OnSiteResult

TEXT = 300


class RunForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Organisation.objects.none())
    start = forms.DateField(label=_("From"))
    end = forms.DateField(label=_("To"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bureaus = Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("path")
        self.fields["region"].queryset = scoped(user, bureaus)


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)

    def __init__(self, reviewers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers


class ClearForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=TEXT)
    evidence = forms.CharField(label=_("Evidence"), max_length=TEXT)


class ConfirmForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=TEXT)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field (Django's own recipe for multiple files)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(PhotosField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class OnSiteCheckForm(forms.Form):
    checked_on = forms.DateField(label=_("Date of the check"))
    people_present = forms.CharField(label=_("People present"), max_length=TEXT)
    result = forms.ChoiceField(label=_("Result"), choices=OnSiteResult.choices)
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False)
    photos = PhotosField(label=_("Photos"), required=False)
