"""Forms of the evaluation pages: the booking, a new date for it, a reason for a decision on it,
the results grid, and the trainees' free-evaluation agreements with their scans."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.core.forms import DateInput, RowsChoiceField, styled
from jineng.institutions.models import EvaluationOrg, Examiner, ExaminerRole
from jineng.training.models import Enrollment, TrainingClass

from . import agreements


class BookingForm(forms.Form):
    """预约评价: organisations on the list with a filing for the class's occupation and level; the
    service checks the list of the evaluation's year, the date and the deadline again."""

    evaluation_org = forms.ModelChoiceField(
        label=gettext_lazy("Evaluation organisation"), queryset=EvaluationOrg.objects.none()
    )
    planned_date = forms.DateField(label=gettext_lazy("Evaluation date"), widget=DateInput)
    late_reason = forms.CharField(
        label=gettext_lazy("Why the date is after the deadline"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Only for a date after the deadline: the bureau decides."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, training_class: TrainingClass, years: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluation_org"].queryset = (
            EvaluationOrg.objects.filter(
                listings__year__in=years,
                filings__occupation=training_class.occupation_id,
                filings__level=training_class.level_id,
            )
            .select_related("organisation")
            .distinct()
            .order_by("organisation__name")
        )
        styled(self)


class MoveDateForm(forms.Form):
    """A new evaluation date for an open booking; the reason only for a date after the deadline
    (the service checks the date, the deadline and who moves it)."""

    planned_date = forms.DateField(label=gettext_lazy("New evaluation date"), widget=DateInput)
    reason = forms.CharField(
        label=gettext_lazy("Why the date is after the deadline"), max_length=300, required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)


class ResultsForm(forms.Form):
    """The results grid: the examiners and the quality supervisor chosen above it, of the
    booking's organisation in those roles; per trainee still without a result the scores (text,
    which the service reads) and pass or fail; `enrollment` when a row's own button saves that
    row only, "all" when the button under the grid saves every row filled in."""

    examiners = RowsChoiceField(
        label=gettext_lazy("Examiners"), queryset=Examiner.objects.none(), required=False
    )
    supervisor = forms.ModelChoiceField(
        label=gettext_lazy("Quality supervisor (质量督导员)"),
        queryset=Examiner.objects.none(),
        required=False,
    )
    enrollment = forms.ChoiceField(required=False)

    def __init__(self, *args, booking, pending, **kwargs):
        super().__init__(*args, **kwargs)
        panel = Examiner.objects.filter(evaluation_org=booking.evaluation_org_id)
        self.fields["examiners"].queryset = panel.filter(role=ExaminerRole.EXAMINER)
        self.fields["supervisor"].queryset = panel.filter(role=ExaminerRole.SUPERVISOR)
        self.pending = list(pending)
        self.fields["enrollment"].choices = [("", ""), ("all", "all")] + [
            (str(enrollment.pk), enrollment.person.name) for enrollment in self.pending
        ]
        for enrollment in self.pending:
            name = enrollment.person.name
            self.fields[f"theory-{enrollment.pk}"] = forms.CharField(
                label=name, max_length=20, required=False
            )
            self.fields[f"practical-{enrollment.pk}"] = forms.CharField(
                label=name, max_length=20, required=False
            )
            self.fields[f"passed-{enrollment.pk}"] = forms.ChoiceField(
                label=name, choices=[("", ""), ("1", "1"), ("0", "0")], required=False
            )

    def typed(self) -> dict[int, dict]:
        """{enrollment id: {"theory", "practical", "passed"}}: cleaned when the form is valid,
        else as typed, to be shown again."""
        values = self.cleaned_data if self.is_valid() else {}

        def value(name: str) -> str:
            return values[name] if name in values else (self[name].value() or "").strip()

        return {
            enrollment.pk: {
                part: value(f"{part}-{enrollment.pk}") for part in ("theory", "practical", "passed")
            }
            for enrollment in self.pending
        }

    def targets(self) -> list:
        """The rows to save: the row whose button was pressed, else every row filled in."""
        chosen = self.cleaned_data["enrollment"]
        if chosen not in ("", "all"):
            return [enrollment for enrollment in self.pending if str(enrollment.pk) == chosen]
        typed = self.typed()
        return [enrollment for enrollment in self.pending if any(typed[enrollment.pk].values())]


def _scan_field(required: bool) -> forms.FileField:
    refusal = gettext_lazy("Choose the file of the scanned agreement.")
    return forms.FileField(
        label=gettext_lazy("Scanned copy (PDF, JPEG or PNG)"),
        required=required,
        error_messages={"required": refusal, "invalid": refusal, "empty": refusal},
    )


def _read_scan(upload) -> "agreements.Scan | None":
    if upload is None:
        return None
    if upload.size > agreements.MAX_SCAN_BYTES:
        raise ValidationError(
            _("The scanned copy must be a PDF, JPEG or PNG file of at most 10 MB.")
        )
    return agreements.Scan(filename=upload.name, content=upload.read())


class AgreementForm(forms.Form):
    """A trainee's free-evaluation agreement (免费技能评价协议书, 004 §四(五)): one of the booking's
    trainees without one, the day it was signed, who signed for the organisation, the scan if
    at hand. The service checks the dates and the trainee again."""

    enrollment = forms.ModelChoiceField(
        label=gettext_lazy("Trainee"),
        queryset=Enrollment.objects.none(),
        error_messages={
            "required": gettext_lazy("Choose the trainee."),
            "invalid_choice": gettext_lazy(
                "Choose a trainee of this evaluation without a recorded agreement."
            ),
        },
    )
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=DateInput)
    signatory = forms.CharField(
        label=gettext_lazy("Signed for the organisation by"),
        max_length=agreements.SIGNATORY_LENGTH,
    )
    scan = _scan_field(required=False)

    def __init__(self, *args, pending, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = pending

    def clean_scan(self):
        return _read_scan(self.cleaned_data.get("scan"))


class ScanForm(forms.Form):
    """The scanned copy of an agreement recorded without one."""

    scan = _scan_field(required=True)

    def clean_scan(self):
        return _read_scan(self.cleaned_data["scan"])
