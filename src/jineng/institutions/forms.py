"""Forms of the institution pages: the bureau's decisions (state, designation, requests,
inspections, certificate numbering codes) and the institution's own profile and requests."""

from django import forms
from django.utils.translation import gettext_lazy

from jineng.catalog.models import Occupation, SkillLevel
from jineng.institutions.models import InspectionResult, InstitutionState

REASON_LENGTH = 300  # the history keeps reasons, answers and notes of this length
CHOOSE_STATE = gettext_lazy("Choose the new state.")
CHOOSE_DESIGNATION = gettext_lazy("Choose an occupation, a level and both dates.")
CHOOSE_INSPECTION = gettext_lazy("Choose the date and the result of the inspection.")
ASKED = {"required": CHOOSE_DESIGNATION, "invalid": CHOOSE_DESIGNATION}
CHOSEN = {"required": CHOOSE_DESIGNATION, "invalid_choice": CHOOSE_DESIGNATION}


class StateForm(forms.Form):
    state = forms.ChoiceField(
        choices=InstitutionState.choices,
        error_messages={"required": CHOOSE_STATE, "invalid_choice": CHOOSE_STATE},
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_LENGTH, required=False)
    document = forms.CharField(label=gettext_lazy("Document"), max_length=200, required=False)


class RequestForm(forms.Form):
    """An occupation and a level of the catalog (the institution asks, the bureau designates)."""

    occupation = forms.ModelChoiceField(queryset=Occupation.objects.all(), error_messages=CHOSEN)
    level = forms.ModelChoiceField(queryset=SkillLevel.objects.all(), error_messages=CHOSEN)


class DesignationForm(RequestForm):
    valid_from = forms.DateField(error_messages=ASKED)
    valid_to = forms.DateField(error_messages=ASKED)


class AnswerForm(forms.Form):
    """The bureau's answer to a request: approved over dates, or rejected with a reason (the
    service says which is missing)."""

    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("reject", "reject")],
        error_messages={"required": CHOOSE_STATE, "invalid_choice": CHOOSE_STATE},
    )
    answer = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_LENGTH, required=False)
    valid_from = forms.DateField(required=False, error_messages=ASKED)
    valid_to = forms.DateField(required=False, error_messages=ASKED)


class ProfileForm(forms.Form):
    licence = forms.CharField(label=gettext_lazy("Licence"), max_length=100, required=False)
    address = forms.CharField(label=gettext_lazy("Premises"), max_length=200, required=False)
    capacity = forms.IntegerField(
        min_value=0,
        max_value=1_000_000,
        error_messages={
            "required": gettext_lazy("The capacity is a whole number."),
            "invalid": gettext_lazy("The capacity is a whole number."),
        },
    )


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(
        error_messages={"required": CHOOSE_INSPECTION, "invalid": CHOOSE_INSPECTION}
    )
    result = forms.ChoiceField(
        choices=InspectionResult.choices,
        error_messages={"required": CHOOSE_INSPECTION, "invalid_choice": CHOOSE_INSPECTION},
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), max_length=REASON_LENGTH, required=False)


class NumberingCodesForm(forms.Form):
    """The register and station codes that number an evaluation organisation's certificates
    (the model checks their digits)."""

    register_code = forms.CharField(
        label=gettext_lazy("register code (4 digits)"), max_length=4, required=False
    )
    station_code = forms.CharField(
        label=gettext_lazy("station code (6 digits)"), max_length=6, required=False
    )
