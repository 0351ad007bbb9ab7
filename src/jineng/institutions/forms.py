"""Forms of the institution pages: the bureau's decisions (state, designation, requests,
inspections, certificate numbering codes) and the institution's own profile and requests."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import Occupation, SkillLevel
from jineng.core.forms import RowsChoiceField
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


# The year's public lists (004 §四(二), §四(四)) ------------------------------------------------

CHOOSE_LIST = gettext_lazy("Choose the list to publish.")
YEAR_ERRORS = {
    "required": gettext_lazy("Give the year of the list."),
    "invalid": gettext_lazy("The year is a whole number such as 2026."),
    "min_value": gettext_lazy("The year is a whole number such as 2026."),
    "max_value": gettext_lazy("The year is a whole number such as 2026."),
}


class YearForm(forms.Form):
    """The year whose lists the page shows (the current year when not given)."""

    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=2000, max_value=2100, required=False,
        error_messages=YEAR_ERRORS,
    )  # fmt: skip


class YearListForm(forms.Form):
    """Publish chosen institutions or evaluation organisations on the year's list, on a day."""

    which = forms.ChoiceField(
        choices=[("institutions", "institutions"), ("evaluation_orgs", "evaluation_orgs")],
        error_messages={"required": CHOOSE_LIST, "invalid_choice": CHOOSE_LIST},
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=2000, max_value=2100, error_messages=YEAR_ERRORS
    )
    published_on = forms.DateField(
        label=gettext_lazy("Published on"),
        error_messages={
            "required": gettext_lazy("Give the day the list was published."),
            "invalid": gettext_lazy("Give the day the list was published."),
        },
    )

    def __init__(self, *args, institutions, evaluation_orgs, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = {"invalid_choice": gettext_lazy("An organisation chosen is not in your region.")}
        self.fields["institutions"] = RowsChoiceField(
            queryset=institutions, required=False, error_messages=chosen
        )
        self.fields["evaluation_orgs"] = RowsChoiceField(
            queryset=evaluation_orgs, required=False, error_messages=chosen
        )

    def clean(self):
        values = super().clean()
        which = values.get("which")
        if which and not values.get(which):
            raise forms.ValidationError(_("Choose at least one organisation to publish."))
        return values
