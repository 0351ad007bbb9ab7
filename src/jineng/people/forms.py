"""Forms of the registry pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import PersonCategory
from jineng.core.forms import DateInput
from jineng.core.models import Organisation
from jineng.people.models import DocumentKind, LicenceType, SchoolKind
from jineng.people.services import check_identity, check_phone, registering_bureaus


class SearchForm(forms.Form):
    """The registry's search, POSTed so that an ID or phone number never lands in a URL."""

    q = forms.CharField(
        label=gettext_lazy("Name, whole ID number or phone"), max_length=100, required=False
    )


class IdentityForm(forms.Form):
    """A person's real name, ID document and phone: the one form of them (the counter's
    registration, a worker's own). The ID number and the phone are checked with the registry's
    own checks and messages (people.services.check_identity and check_phone, the roster
    import's), which the services run again."""

    name = forms.CharField(label=gettext_lazy("Full name"), max_length=60)
    document_kind = forms.ChoiceField(
        label=gettext_lazy("Document"), choices=DocumentKind.choices, initial=DocumentKind.ID_CARD
    )
    id_number = forms.CharField(
        label=gettext_lazy("ID number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "mono"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        values = super().clean()
        kind, number, phone = (values.get(k) for k in ("document_kind", "id_number", "phone"))
        if kind and number:
            self._check(check_identity, kind, number)
        if phone:
            self._check(check_phone, phone)
        return values

    def _check(self, check, *values) -> None:
        try:
            check(*values)
        except ValidationError as problem:  # by field name: id_number, phone
            self.add_error(None, problem)


class RegisterForm(IdentityForm):
    """One person at the counter, at the bureau that serves them."""

    field_order = ["bureau", "name", "document_kind", "id_number", "phone"]

    bureau = forms.ModelChoiceField(
        label=gettext_lazy("Bureau"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("The bureau that serves the person: their residence or household."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bureaus = registering_bureaus(user).order_by("path")
        self.fields["bureau"].queryset = bureaus
        self.fields["bureau"].initial = bureaus.first()


class CategoryForm(forms.Form):
    """A person category with its evidence, as people.services.add_category takes it; a row
    left empty is no category."""

    category = forms.ModelChoiceField(
        label=gettext_lazy("Person category"),
        queryset=PersonCategory.objects.order_by("code"),
        required=False,
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The document shown, e.g. its name and number."),
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Valid from"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("The date of the evidence; empty: today."),
    )
    valid_to = forms.DateField(label=gettext_lazy("Valid until"), required=False, widget=DateInput)
    graduation_year = forms.IntegerField(
        label=gettext_lazy("Graduation year"),
        required=False,
        min_value=1950,
        max_value=2100,
        help_text=gettext_lazy(
            "Graduates and school leavers: the year they left school; the category counts "
            "in that year only."
        ),
    )

    def clean(self):
        values = super().clean()
        start, end = values.get("valid_from"), values.get("valid_to")
        if start is not None and start > timezone.localdate():
            self.add_error("valid_from", _("The evidence date is in the future."))
        if start is not None and end is not None and end < start:
            self.add_error("valid_to", _("The end is before the start."))
        return values


CategoryFormSet = forms.formset_factory(CategoryForm, extra=2, max_num=10, validate_max=True)


class EducationForm(forms.Form):
    """学历: a graduation the bureau has seen the diploma of (002 §四(二)1 lets some graduates
    go straight to a higher evaluation); people.services.add_education checks it again."""

    school_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of school"),
        choices=[("", "---------"), *SchoolKind.choices],
        help_text=gettext_lazy(
            "The policy pack decides which kinds lead to a higher evaluation (002 §四(二)1)."
        ),
    )
    school = forms.CharField(label=gettext_lazy("School"), max_length=200)
    major = forms.CharField(label=gettext_lazy("Major (专业)"), max_length=100)
    graduated_on = forms.DateField(label=gettext_lazy("Graduated on"), widget=DateInput)
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        max_length=200,
        help_text=gettext_lazy("The diploma shown: its kind and number."),
    )

    def clean_graduated_on(self):
        graduated_on = self.cleaned_data["graduated_on"]
        if graduated_on > timezone.localdate():
            raise forms.ValidationError(
                _("The graduation date is in the future: record it once the person has graduated.")
            )
        return graduated_on


class RemoveEducationForm(forms.Form):
    record = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


class LicencePeriodForm(forms.Form):
    """A licence's validity and the evidence for it (people.services.change_licence)."""

    valid_from = forms.DateField(
        label=gettext_lazy("Valid from"),
        widget=DateInput,
        help_text=gettext_lazy("The day of issue or of the last renewal (复审)."),
    )
    valid_to = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Empty: no end date (e.g. 保安员证)."),
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The document shown, e.g. the licence itself or its record."),
    )

    def clean(self):
        values = super().clean()
        start, end = values.get("valid_from"), values.get("valid_to")
        if start is not None and end is not None and end < start:
            self.add_error("valid_to", _("The end is before the start."))
        return values


class LicenceForm(LicencePeriodForm):
    """A practising licence (从业资格, 004 §五(一)) as people.services.add_licence takes it."""

    field_order = ["licence_type", "number", "issued_by", "valid_from", "valid_to", "evidence"]

    licence_type = forms.ChoiceField(
        label=gettext_lazy("Practising licence"), choices=LicenceType.choices
    )
    number = forms.CharField(
        label=gettext_lazy("Licence number"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "mono"}),
    )
    issued_by = forms.CharField(
        label=gettext_lazy("Issued by"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("e.g. 商丘市应急管理局, 商丘市公安局"),
    )

    def clean(self):
        values = super().clean()
        start = values.get("valid_from")
        if start is not None and start > timezone.localdate():
            self.add_error("valid_from", _("A licence cannot be valid from a day after today."))
        return values
