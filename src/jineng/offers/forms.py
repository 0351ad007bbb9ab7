"""Forms of published training and sign-up."""

import copy

from django import forms
from django.utils.translation import gettext_lazy

from jineng.catalog.models import Occupation, Region, RegionLevel, SkillLevel, TrainingType
from jineng.core.forms import DateInput
from jineng.core.scope import scoped
from jineng.offers.models import OfferKind
from jineng.people.forms import IdentityForm
from jineng.training.models import ClassState, TrainingClass


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=OfferKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    training_class = forms.ModelChoiceField(
        label=gettext_lazy("Class"), queryset=TrainingClass.objects.none(), required=False
    )
    occupation = forms.ModelChoiceField(
        label=gettext_lazy("Occupation"),
        queryset=Occupation.objects.order_by("code"),
        required=False,
    )
    level = forms.ModelChoiceField(
        label=gettext_lazy("Level"), queryset=SkillLevel.objects.all(), required=False
    )
    training_type = forms.ModelChoiceField(
        label=gettext_lazy("Training type"), queryset=TrainingType.objects.all(), required=False
    )
    county = forms.ModelChoiceField(
        label=gettext_lazy("County"),
        queryset=Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"),
        required=False,
    )
    venue = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    start_date = forms.DateField(label=gettext_lazy("Start"), required=False, widget=DateInput)
    end_date = forms.DateField(label=gettext_lazy("End"), required=False, widget=DateInput)
    min_signups = forms.IntegerField(
        label=gettext_lazy("Next class opens when this many have signed up"),
        required=False,
        min_value=1,
        max_value=1000,
    )
    places = forms.IntegerField(
        label=gettext_lazy("Places"), required=False, min_value=1, max_value=1000
    )
    employer = forms.CharField(
        label=gettext_lazy("Employer (订单式)"), max_length=120, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_class"].queryset = scoped(
            user, TrainingClass.objects.filter(state=ClassState.APPROVED)
        ).order_by("start_date")

    def values(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if data.get("kind") == OfferKind.CLASS:
            keep = {"kind", "title", "training_class", "county", "description", "employer"}
            data = {k: v for k, v in data.items() if k in keep}
        return data


class ChangeForm(forms.Form):
    """Changes to a published training (offers.services.update_offer says which its kind
    allows): the publish form's own fields, each optional; only those sent change."""

    CHANGEABLE = ("title", "county", "venue", "start_date", "end_date", "min_signups", "places",
                  "employer", "description")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.CHANGEABLE:
            self.fields[name] = copy.deepcopy(PublishForm.base_fields[name])
            self.fields[name].required = False

    def changes(self, sent) -> dict:
        """The cleaned values of the fields in `sent` (the request's body)."""
        return {name: value for name, value in self.cleaned_data.items() if name in sent}


class AttachForm(forms.Form):
    training_class = forms.ModelChoiceField(
        label=gettext_lazy("Class"), queryset=TrainingClass.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_class"].queryset = scoped(
            user,
            TrainingClass.objects.filter(
                state__in=[ClassState.DRAFT, ClassState.SUBMITTED, ClassState.APPROVED]
            ),
        )


class ApplyForm(forms.Form):
    use_voucher = forms.BooleanField(label=gettext_lazy("Use my voucher"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class RegisterForm(IdentityForm):
    """A worker's own registration: the registry's form and checks (people.forms), with a
    mobile phone the code is texted to."""

    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class ConfirmForm(RegisterForm):
    code = forms.CharField(
        label=gettext_lazy("Code from the text message"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
