from django import forms
from django.utils.translation import gettext_lazy as _

from jineng.catalog.packs import newest_versions
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.core.scope import scoped
from jineng.whatif.models import DraftRevision


class Styled(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")


def bureaus_for(user):
    return scoped(user, Organisation.objects.filter(kind=OrgKind.BUREAU)).order_by("path")


class CopyForm(Styled):
    pack = forms.ChoiceField(label=_("Pack to copy"))
    bureau = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Bureau"))
    name = forms.CharField(label=_("Name"), max_length=120, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {str(v.pk): v for v in newest_versions()}
        self.fields["pack"].choices = [
            (pk, f"{v.title} ({v.pack_id} v{v.version})") for pk, v in self.versions.items()
        ]
        self.fields["bureau"].queryset = bureaus_for(user)

    def clean_pack(self):
        return self.versions[self.cleaned_data["pack"]]


class ValueForm(Styled):
    key = forms.ChoiceField(label=_("Rule"))
    value = forms.CharField(label=_("New value"), max_length=200)

    def __init__(self, rules, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(key, f"{key} = {value}") for key, value in rules]


class TextForm(Styled):
    text = forms.CharField(label=_("Pack text (TOML)"), widget=forms.Textarea(attrs={"rows": 24}))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class UploadForm(Styled):
    file = forms.FileField(label=_("Pack file (.toml)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 400_000:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class ReplayForm(Styled):
    bureau = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Region"))
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    revision = forms.ModelChoiceField(
        queryset=DraftRevision.objects.none(),
        label=_("Draft"),
        required=False,
        empty_label=_("The pack in force"),
    )

    def __init__(self, user, revisions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = bureaus_for(user)
        self.fields["revision"].queryset = revisions

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
