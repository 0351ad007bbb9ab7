"""Forms of the voucher pages: issuing, rules (批量发券), redeeming at enrolment, and the small
forms of a voucher's page (claim, void, settle)."""

from django import forms
from django.utils.translation import gettext_lazy

from jineng.catalog.models import Occupation, PersonCategory, SkillLevel
from jineng.certificates.models import Certificate, CertificateStatus
from jineng.core.forms import DateInput, RowsChoiceField
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.core.scope import scoped
from jineng.training.models import Enrollment, EnrollmentState
from jineng.vouchers import services


def _occupation_field():
    return RowsChoiceField(
        label=gettext_lazy("Occupations"),
        queryset=Occupation.objects.order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("One, or several (hold Ctrl to choose more)."),
    )


def _level_field():
    return forms.ModelChoiceField(
        label=gettext_lazy("Level"),
        queryset=SkillLevel.objects.order_by("rank"),
        required=False,
        empty_label=gettext_lazy("Any level"),
    )


def _value_field(help_text):
    return forms.DecimalField(
        label=gettext_lazy("Value (yuan)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=help_text,
    )


class IssueForm(forms.Form):
    id_number = forms.CharField(
        label=gettext_lazy("ID number of the holder"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("A person registered in the real-name registry of your region."),
    )
    occupations = _occupation_field()
    level = _level_field()
    value = _value_field(gettext_lazy("Empty: the subsidy standard of the occupation and level."))
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Empty: the policy pack's validity; never later than it."),
    )


def _redeemable_enrollments(user):
    return (
        scoped(user, Enrollment.objects.all())
        .filter(
            state=EnrollmentState.ENROLLED,
            training_class__state__in=services.REDEEMABLE_CLASS_STATES,
            voucher__isnull=True,
        )
        .select_related("person", "training_class__occupation", "training_class__level")
        .order_by("-training_class__start_date", "training_class__code", "person__name")
    )


class EnrollmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        training_class = obj.training_class
        return (
            f"{training_class.code} {training_class.occupation.name} · "
            f"{obj.person.name} ({obj.person.id_number_masked})"
        )


class RedeemForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Voucher number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "mono"}),
    )
    enrollment = EnrollmentChoice(
        label=gettext_lazy("Enrolment"), queryset=Enrollment.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = _redeemable_enrollments(user)


class RuleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Region (bureau)"), queryset=Organisation.objects.none()
    )
    categories = RowsChoiceField(
        label=gettext_lazy("Person categories"),
        queryset=PersonCategory.objects.order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("A person with any of them, valid today."),
    )
    occupations = _occupation_field()
    level = _level_field()
    value = _value_field(gettext_lazy("Empty: the subsidy standard of the occupation and level."))
    validity_days = forms.IntegerField(
        label=gettext_lazy("Validity (days)"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Empty: the policy pack's validity; never longer than it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = scoped(
            user, Organisation.objects.filter(kind=OrgKind.BUREAU)
        ).order_by("path")


class ClaimForm(forms.Form):
    # Where the claim was made from: the worker's own list goes back there.
    next = forms.ChoiceField(choices=[("mine", "mine")], required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)


class SettleForm(forms.Form):
    """兑现 against a valid certificate of the holder (empty: the service looks for one)."""

    certificate = forms.ModelChoiceField(
        label=gettext_lazy("Certificate"), queryset=Certificate.objects.none(), required=False
    )

    def __init__(self, *args, voucher, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = Certificate.objects.filter(
            person=voucher.person, status=CertificateStatus.VALID
        )
