"""Forms of the claim pages: the employment claim the bureau takes in, the evaluation claim's
agreement, the public's objection, an objection's resolution, a recovery."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import FundChannel
from jineng.claims.models import (
    EMPLOYMENT_KINDS,
    Claim,
    ClaimKind,
    ClaimLine,
    EvaluationAgreement,
)
from jineng.core.forms import DateInput, RowsChoiceField, styled
from jineng.core.i18n import language
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.core.scope import scoped
from jineng.institutions.models import EvaluationOrg
from jineng.people import identity
from jineng.people.models import Person
from jineng.people.services import find_by_id_number

# The choices in the order ClaimKind lists them.
EMPLOYMENT_CHOICES = [(kind, kind.label) for kind in ClaimKind if kind in EMPLOYMENT_KINDS]
MAX_HIRES = 500


def parse_hires(text: str, viewer) -> list[tuple[Person, date]]:
    """One hire a line, "ID number, hire date" (a comma, a tab or spaces between them). Every
    bad line is named by its number, never by the ID number it holds."""
    hires, problems, seen = [], [], set()
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = raw.replace("，", ",").replace("\t", ",").replace(",", " ").split()
        if len(parts) != 2:
            problems.append(_("Line %(n)d: give the ID number and the hire date.") % {"n": number})
            continue
        person = find_by_id_number(parts[0])
        if person is None or not scoped(viewer, Person.objects.filter(pk=person.pk)).exists():
            problems.append(
                _("Line %(n)d: no one is registered with this ID number in your region.")
                % {"n": number}
            )
            continue
        try:
            hired_on = date.fromisoformat(parts[1])
        except ValueError:
            problems.append(
                _("Line %(n)d: the hire date is not a date (YYYY-MM-DD).") % {"n": number}
            )
            continue
        if person.pk in seen:
            problems.append(_("Line %(n)d: this person is already listed.") % {"n": number})
            continue
        seen.add(person.pk)
        hires.append((person, hired_on))
    if problems:
        raise ValidationError(problems)
    return hires


class EmploymentClaimForm(forms.Form):
    """An SME's hiring claim or an HR agency's placement claim, taken in by the bureau
    (002 §四(三)1)."""

    kind = forms.ChoiceField(label=gettext_lazy("Subsidy"), choices=EMPLOYMENT_CHOICES)
    bureau = forms.ModelChoiceField(
        label=gettext_lazy("Bureau"), queryset=Organisation.objects.none()
    )
    payee_name = forms.CharField(
        label=gettext_lazy("Enterprise or agency"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "An SME recorded in the enterprise registry may be left empty: its recorded name is "
            "taken."
        ),
    )
    payee_uscc = forms.CharField(
        label=gettext_lazy("Unified social credit code"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "mono"}),
    )
    claim_year = forms.IntegerField(
        label=gettext_lazy("Claim year (申报年度)"),
        required=False,
        min_value=2000,
        max_value=9999,
        help_text=gettext_lazy(
            "SME hiring: the year the persons were hired (年度内新吸纳, 002 §四(三)1); usually "
            "last year, once their year of insured work is done."
        ),
        error_messages={"invalid": gettext_lazy("The claim year is a year such as 2025.")},
    )
    fund_channel = forms.ModelChoiceField(
        label=gettext_lazy("Fund channel"),
        queryset=FundChannel.objects.order_by("code"),
        help_text=gettext_lazy("The fund the subsidy is paid from (就业补助资金, ...)."),
    )
    hires = forms.CharField(
        label=gettext_lazy("Persons hired"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "One person a line: the ID number and the first day of work, e.g. "
            "411402199001011234, 2025-03-01."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["bureau"].queryset = scoped(
            user, Organisation.objects.filter(kind=OrgKind.BUREAU)
        ).order_by("path")
        organisation = getattr(user, "organisation", None)
        if organisation is not None:
            self.fields["bureau"].initial = organisation.nearest_bureau()
        self.fields["claim_year"].initial = timezone.localdate().year - 1
        styled(self)

    def clean_payee_uscc(self) -> str:
        try:
            return identity.check_uscc(self.cleaned_data["payee_uscc"])
        except identity.IdentityError as problem:
            raise ValidationError(problem.message(language())) from None

    def clean_hires(self) -> list[tuple[Person, date]]:
        if len(self.cleaned_data["hires"].splitlines()) > MAX_HIRES:
            raise ValidationError(_("At most %(n)d persons a claim.") % {"n": MAX_HIRES})
        hires = parse_hires(self.cleaned_data["hires"], self.user)
        if not hires:
            raise ValidationError(_("List at least one person."))
        return hires


class AgreementChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(number)s, in force %(start)s – %(end)s") % {
            "number": obj.number,
            "start": obj.valid_from.isoformat(),
            "end": obj.valid_to.isoformat(),
        }


class EvaluationClaimForm(forms.Form):
    """The free-evaluation agreement (免费技能评价协议) an evaluation claim is made under: one
    of the organisation's agreements in force on the evaluation date."""

    agreement = AgreementChoice(
        label=gettext_lazy("Free-evaluation agreement"), queryset=EvaluationAgreement.objects.none()
    )

    def __init__(self, *args, booking, **kwargs):
        kwargs.setdefault("prefix", f"booking{booking.pk}")
        super().__init__(*args, **kwargs)
        on = booking.planned_date
        self.fields["agreement"].queryset = EvaluationAgreement.objects.filter(
            evaluation_org=booking.evaluation_org_id, valid_from__lte=on, valid_to__gte=on
        ).order_by("-signed_on", "-id")
        self.fields["agreement"].empty_label = None
        styled(self)


class ObjectionForm(forms.Form):
    """An objection (异议) anyone lodges during a notice, about one line or the whole list."""

    line = forms.TypedChoiceField(
        label=gettext_lazy("About"), coerce=int, required=False, empty_value=None
    )
    text = forms.CharField(
        label=gettext_lazy("Your objection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label=gettext_lazy("Your name"), max_length=60, required=False)
    phone = forms.CharField(
        label=gettext_lazy("Your phone"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("So that the bureau can answer you; never shown."),
    )

    def __init__(self, *args, notice, **kwargs):
        """`notice`: the notice as the public page shows it (claims.notice.PublicNotice)."""
        kwargs.setdefault("auto_id", f"notice{notice.id}-%s")
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", _("The whole list"))] + [
            (line.id, f"{line.name} {line.id_number}") for line in notice.lines
        ]
        styled(self)


class ResolveForm(forms.Form):
    """An objection dismissed or upheld; upholding an objection about the whole list rejects
    the lines chosen, lines of the claim."""

    upheld = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("0", gettext_lazy("Dismiss")), ("1", gettext_lazy("Uphold"))],
        coerce=lambda value: value == "1",
    )
    resolution = forms.CharField(label=gettext_lazy("Resolution"), max_length=500, required=False)
    lines = RowsChoiceField(
        label=gettext_lazy("Lines that upholding rejects"),
        queryset=ClaimLine.objects.none(),
        required=False,
    )

    def __init__(self, *args, claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].queryset = claim.lines.all()


REASON_LENGTH = 300  # claims, lines, batches and recoveries keep reasons of this length
CHOOSE_DECISION = gettext_lazy("Choose approve or reject.")


class ReasonForm(forms.Form):
    """The reason of a decision on a claim (the service says where one is needed)."""

    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_LENGTH, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=REASON_LENGTH, required=False)


class ReviewForm(forms.Form):
    """The review queue's bulk decision on claims still waiting in the reviewer's region."""

    claims = RowsChoiceField(
        queryset=Claim.objects.none(),
        error_messages={"required": gettext_lazy("Choose at least one claim.")},
    )
    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("reject", "reject")],
        error_messages={"required": CHOOSE_DECISION, "invalid_choice": CHOOSE_DECISION},
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_LENGTH, required=False)
    # The queue's filters, to go back to the same list.
    query = forms.CharField(max_length=2000, required=False)

    def __init__(self, *args, claims, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = claims

    def clean(self):
        values = super().clean()
        if values.get("decision") == "reject" and not values.get("reason"):
            raise ValidationError(_("Give the reason for the rejection: nothing was changed."))
        return values


class LineReviewForm(forms.Form):
    """Lines of the claim approved or rejected: one line by its own button (with the reason
    typed on its row, `reason-<id>`), or the lines ticked with the decision and reason below."""

    approve_one = forms.ModelChoiceField(queryset=ClaimLine.objects.none(), required=False)
    reject_one = forms.ModelChoiceField(queryset=ClaimLine.objects.none(), required=False)
    lines = RowsChoiceField(queryset=ClaimLine.objects.none(), required=False)
    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("reject", "reject")],
        required=False,
        error_messages={"invalid_choice": CHOOSE_DECISION},
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_LENGTH, required=False)

    def __init__(self, *args, claim, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("approve_one", "reject_one", "lines"):
            self.fields[name].queryset = claim.lines.all()
        for line_id in claim.lines.order_by("pk").values_list("pk", flat=True):
            self.fields[f"reason-{line_id}"] = forms.CharField(
                label=gettext_lazy("Reason"), max_length=REASON_LENGTH, required=False
            )

    def clean(self):
        """{"lines": [...], "decision": ..., "reason": ...}, whichever way they were given."""
        values = super().clean()
        for decision in ("approve", "reject"):
            line = values.get(f"{decision}_one")
            if line is not None:
                reason = values.get(f"reason-{line.pk}", "")
                return {"lines": [line], "decision": decision, "reason": reason}
        if self.errors:
            return values
        if not values.get("lines"):
            raise ValidationError(_("Choose at least one line."))
        if not values.get("decision"):
            raise ValidationError(CHOOSE_DECISION)
        return values


class OutcomesForm(forms.Form):
    """What finance did with each payment of a batch still waiting for its outcome: a field
    `outcome-<line id>` (paid, failed or left empty) and `reason-<line id>` per payment."""

    OUTCOMES = [("", "—"), ("paid", gettext_lazy("paid")), ("failed", gettext_lazy("failed"))]

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        for line_id in batch.payments.order_by("line_id").values_list("line_id", flat=True):
            self.fields[f"outcome-{line_id}"] = forms.ChoiceField(
                choices=self.OUTCOMES, required=False
            )
            self.fields[f"reason-{line_id}"] = forms.CharField(
                max_length=REASON_LENGTH, required=False
            )

    def outcomes(self) -> dict[int, tuple[bool, str]]:
        """{line id: (paid, reason)} of the lines given an outcome."""
        values = self.cleaned_data
        return {
            int(name.removeprefix("outcome-")): (outcome == "paid", values[f"reason-{name[8:]}"])
            for name, outcome in values.items()
            if name.startswith("outcome-") and outcome
        }


class PaidBeforeStopForm(forms.Form):
    """A stopped line the bank had paid before the stop reached it (payment.
    record_paid_before_stop): the bank's day and reference, and the finding whose stop came too
    late, one of those holding the line (`findings`: their numbers)."""

    paid_on = forms.DateField(
        label=gettext_lazy("Paid by the bank on"),
        widget=DateInput,
        error_messages={"required": gettext_lazy("Give the day the bank paid.")},
    )
    bank_reference = forms.CharField(
        label=gettext_lazy("Bank's reference"),
        max_length=64,
        error_messages={"required": gettext_lazy("Give the bank's reference of the payment.")},
    )
    finding = forms.ChoiceField(
        label=gettext_lazy("Finding"),
        error_messages={
            "required": gettext_lazy("Choose the finding whose stop came too late."),
            "invalid_choice": gettext_lazy("Choose a finding that holds the line."),
        },
    )

    def __init__(self, *args, findings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].choices = [(number, number) for number in findings]


class FundChannelForm(forms.Form):
    fund_channel = forms.ModelChoiceField(
        label=gettext_lazy("Fund channel"), queryset=FundChannel.objects.all()
    )


class RecoveredForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount recovered (yuan)"), min_value=0, max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


class AgreementForm(forms.Form):
    """A free-evaluation agreement (免费技能评价协议) signed by a bureau and an evaluation
    organisation, both in the recorder's scope."""

    evaluation_org = forms.ModelChoiceField(
        label=gettext_lazy("Evaluation organisation"), queryset=EvaluationOrg.objects.none()
    )
    bureau = forms.ModelChoiceField(
        label=gettext_lazy("Bureau"), queryset=Organisation.objects.none()
    )
    number = forms.CharField(label=gettext_lazy("Agreement number"), max_length=60)
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=DateInput)
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=DateInput)
    valid_to = forms.DateField(label=gettext_lazy("Valid until"), widget=DateInput)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluation_org"].queryset = scoped(
            user, EvaluationOrg.objects.select_related("organisation")
        ).order_by("organisation__name")
        # The bureau the agreement is signed with: any bureau at or above the recorder's
        # organisation (an evaluation organisation signs with its city's bureau).
        organisation = getattr(user, "organisation", None)
        paths = organisation.ancestor_paths() if organisation is not None else []
        self.fields["bureau"].queryset = Organisation.objects.filter(
            Q(path__in=paths) | Q(pk__in=scoped(user, Organisation.objects.all()).values("pk")),
            kind=OrgKind.BUREAU,
        ).order_by("path")
        styled(self)
