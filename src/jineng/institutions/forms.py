"""Forms of the institution pages: the bureau's decisions (state, designation, requests,
inspections, certificate numbering codes), the institution's own profile and requests, and the
enterprise registry's record."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import Occupation, SkillLevel
from jineng.core.forms import DateInput, RowsChoiceField, styled
from jineng.core.i18n import language
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.core.scope import scoped
from jineng.institutions.models import (
    SIZE_STANDARD,
    Enterprise,
    EnterpriseSize,
    InspectionResult,
    InstitutionState,
)
from jineng.institutions.services import MAX_EVIDENCE_BYTES, EvidenceFile
from jineng.people import identity

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


class EnterpriseForm(forms.Form):
    """An enterprise of the registry: credit code (not changed once recorded), name, the bureau
    it belongs to (隶属关系), its size class with the evidence, the day it was assessed and the
    standard it follows, and optionally a scan of the evidence (002 §四(三)1)."""

    uscc = forms.CharField(
        label=gettext_lazy("Unified social credit code"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "mono"}),
    )
    name = forms.CharField(label=gettext_lazy("Enterprise"), max_length=200)
    bureau = forms.ModelChoiceField(
        label=gettext_lazy("Bureau it belongs to (隶属关系)"),
        queryset=Organisation.objects.none(),
        help_text=gettext_lazy("Only this bureau takes in the enterprise's SME hiring claims."),
    )
    size = forms.ChoiceField(
        label=gettext_lazy("Size class"),
        choices=EnterpriseSize.choices,
        error_messages={
            "required": gettext_lazy("Choose the enterprise's size class."),
            "invalid_choice": gettext_lazy("Choose the enterprise's size class."),
        },
    )
    size_evidence = forms.CharField(
        label=gettext_lazy("Evidence of the size class"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "What the class was assessed from, e.g. 2025年度财务报表：从业人员86人，"
            "营业收入1800万元（工业）."
        ),
    )
    size_assessed_on = forms.DateField(
        label=gettext_lazy("Size class assessed on"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": gettext_lazy("Enter a date (YYYY-MM-DD).")},
    )
    size_standard = forms.CharField(
        label=gettext_lazy("Classification standard"),
        max_length=100,
        required=False,
        initial=SIZE_STANDARD,
    )
    evidence_file = forms.FileField(
        label=gettext_lazy("Scan of the evidence (optional)"),
        required=False,
        error_messages={
            "invalid": gettext_lazy("Choose the file of the evidence."),
            "empty": gettext_lazy("The file of the evidence is empty."),
        },
    )

    def __init__(self, data=None, files=None, *, user, enterprise: Enterprise | None = None):
        initial = None
        if enterprise is not None:
            initial = {
                "uscc": enterprise.uscc, "name": enterprise.name, "bureau": enterprise.bureau_id,
                "size": enterprise.size, "size_evidence": enterprise.size_evidence,
                "size_assessed_on": enterprise.size_assessed_on,
                "size_standard": enterprise.size_standard,
            }  # fmt: skip
        super().__init__(data, files, initial=initial)
        self.enterprise = enterprise
        self.fields["bureau"].queryset = scoped(
            user, Organisation.objects.filter(kind=OrgKind.BUREAU)
        ).order_by("path")
        organisation = getattr(user, "organisation", None)
        if enterprise is None and organisation is not None:
            self.fields["bureau"].initial = organisation.nearest_bureau()
        if enterprise is not None:  # the code is the key claims find the enterprise by
            self.fields["uscc"].required = False
            self.fields["uscc"].disabled = True
        styled(self)

    def clean_uscc(self) -> str:
        if self.enterprise is not None:
            return self.enterprise.uscc
        try:
            return identity.check_uscc(self.cleaned_data["uscc"])
        except identity.IdentityError as problem:
            raise ValidationError(problem.message(language())) from None

    def clean_evidence_file(self) -> EvidenceFile | None:
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return None
        if upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError(_("The evidence must be a file of at most 10 MB."))
        return EvidenceFile(upload.name, upload.read(), upload.content_type or "")


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
