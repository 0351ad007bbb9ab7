"""Forms of the class pages: the opening application, and the small forms of a class's page and
of the review queue. A chosen row is a ModelChoiceField over the rows the user may choose, so a
tampered or foreign id is "not a valid choice", said on the page."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.core.forms import DateInput, RowsChoiceField, styled
from jineng.core.models import Organisation
from jineng.institutions.models import Institution, Teacher
from jineng.people.models import Person
from jineng.people.services import find_by_id_number
from jineng.training import services
from jineng.training.hooks import find_voucher
from jineng.training.models import (
    ClassState,
    CommitmentReason,
    Session,
    StudyMode,
    TrainingClass,
)
from jineng.training.places import MAX_RADIUS_M, check_site

REASON_LENGTH = 300  # TrainingClass history and Enrollment keep reasons of this length
CHOOSE_SESSION = gettext_lazy("Choose a session of the class.")
CHOOSE_PERSON = gettext_lazy("Choose a trainee or a teacher of the class.")
CHOOSE_PRESENCE = gettext_lazy("Choose present or absent.")
CHOOSE_DECISION = gettext_lazy("Choose approve or refuse.")


class ClassForm(forms.Form):
    """The opening application (开班申请): only occupations and levels the institution is
    designated for; the designation over the dates is checked here and again on submission."""

    name = forms.CharField(label=gettext_lazy("Class name"), max_length=120)
    occupation = forms.ModelChoiceField(
        label=gettext_lazy("Occupation"), queryset=Occupation.objects.none()
    )
    level = forms.ModelChoiceField(label=gettext_lazy("Level"), queryset=SkillLevel.objects.none())
    training_type = forms.ModelChoiceField(
        label=gettext_lazy("Training type"), queryset=TrainingType.objects.all()
    )
    fund_channel = forms.ModelChoiceField(
        label=gettext_lazy("Fund channel"), queryset=FundChannel.objects.all()
    )
    funding_department = forms.ModelChoiceField(
        label=gettext_lazy("Funding department"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("None (the bureau's own subsidised training)"),
        help_text=gettext_lazy(
            "An industry department that runs or pays for this training (行业主管部门补贴性培训): "
            "the class and its trainees show on that department's home page."
        ),
    )
    start_date = forms.DateField(label=gettext_lazy("First day"), widget=DateInput)
    end_date = forms.DateField(label=gettext_lazy("Last day"), widget=DateInput)
    venue = forms.CharField(
        label=gettext_lazy("Venue"),
        max_length=200,
        help_text=gettext_lazy("The training site's address."),
    )
    site_latitude = forms.FloatField(
        label=gettext_lazy("Site latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=gettext_lazy("WGS-84 degrees, north positive (e.g. 34.414600)."),
    )
    site_longitude = forms.FloatField(
        label=gettext_lazy("Site longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=gettext_lazy("WGS-84 degrees, east positive (e.g. 115.656300)."),
    )
    site_radius = forms.IntegerField(
        label=gettext_lazy("Site radius (m)"),
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_M,
        help_text=gettext_lazy(
            "Check-ins reported farther than this from the site (beyond their accuracy) are "
            "looked at by supervision. Empty: the policy pack's radius."
        ),
    )
    capacity = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, max_value=10000)
    study_mode = forms.ChoiceField(
        label=gettext_lazy("Study mode"),
        choices=StudyMode.choices,
        initial=StudyMode.FULL_TIME,
        error_messages={"invalid_choice": gettext_lazy("Choose full-time or part-time.")},
        help_text=gettext_lazy(
            "Part-time: the sessions leave the working day free (evenings, weekends), so a "
            "trainee may hold a job. Supervision looks at trainees insured as employed during a "
            "full-time employment skills class."
        ),
    )
    assessment_plan = forms.CharField(
        label=gettext_lazy("Assessment plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    commitment_reason = forms.ChoiceField(
        label=gettext_lazy("Under commitment (承诺制)"),
        required=False,
        choices=[("", gettext_lazy("No"))] + CommitmentReason.choices,
        help_text=gettext_lazy("The signed commitment (承诺书) is uploaded on the class's page."),
    )
    teachers = RowsChoiceField(
        label=gettext_lazy("Teachers"),
        queryset=Teacher.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Teachers the institution engages in the year the class starts; saved with the "
            "application."
        ),
    )

    def __init__(self, *args, institution: Institution, current: TrainingClass | None = None,
                 **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.institution = institution
        designated = institution.designations.filter(valid_to__gte=timezone.localdate())
        keep_occupation = Q(pk=current.occupation_id) if current else Q(pk__in=[])
        keep_level = Q(pk=current.level_id) if current else Q(pk__in=[])
        self.fields["occupation"].queryset = Occupation.objects.filter(
            Q(pk__in=designated.values("occupation")) | keep_occupation
        ).order_by("code")
        self.fields["level"].queryset = SkillLevel.objects.filter(
            Q(pk__in=designated.values("level")) | keep_level
        ).order_by("rank")
        self.fields["funding_department"].queryset = services.funding_departments(institution)
        # The institution's pool from last year on (the service checks the class's own year),
        # and the class's teachers already chosen.
        keep_teachers = Q(pk__in=current.teachers.values("pk")) if current else Q(pk__in=[])
        self.fields["teachers"].queryset = (
            Teacher.objects.filter(
                Q(engagements__institution=institution,
                  engagements__year__gte=timezone.localdate().year - 1) | keep_teachers
            ).select_related("person").distinct().order_by("person__name")
        )  # fmt: skip
        self.fields["teachers"].label_from_instance = _teacher_label
        styled(self)

    def clean(self):
        values = super().clean()
        site_errors(self, values)
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end is before the start."))
        elif values.get("occupation") and values.get("level") and start and end:
            trial = TrainingClass(
                institution=self.institution,
                occupation=values["occupation"],
                level=values["level"],
                start_date=start,
                end_date=end,
            )
            try:
                services.check_designated(trial)
            except ValidationError as problem:
                self.add_error(None, problem.messages)
        return values


def site_errors(form: forms.Form, values: dict) -> None:
    """A site is both coordinates or neither; a radius only with them (places.check_site)."""
    try:
        check_site(*(values.get(f"site_{name}") for name in ("latitude", "longitude", "radius")))
    except ValidationError as problem:
        form.add_error(None, problem.messages)


def _teacher_label(teacher: Teacher) -> str:
    return f"{teacher.person.name} {teacher.person.id_number_masked}"


CHOOSE_STATE = gettext_lazy("Choose the new state.")


class StateForm(forms.Form):
    """A button of the class page: the state asked for, with a reason where one is needed (the
    service says when)."""

    state = forms.ChoiceField(
        choices=[(s, s) for s in ClassState.values if s != ClassState.COMPLETED],
        error_messages={"required": CHOOSE_STATE, "invalid_choice": CHOOSE_STATE},
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_LENGTH, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_LENGTH, required=False)


GIVE_TIMES = gettext_lazy("Give the date and the times of the session.")


class SessionForm(forms.Form):
    """A session of the timetable: its day, its times, its topic and, if given, one of the
    class's teachers."""

    day = forms.DateField(error_messages={"required": GIVE_TIMES, "invalid": GIVE_TIMES})
    starts = forms.TimeField(error_messages={"required": GIVE_TIMES, "invalid": GIVE_TIMES})
    ends = forms.TimeField(error_messages={"required": GIVE_TIMES, "invalid": GIVE_TIMES})
    topic = forms.CharField(label=gettext_lazy("Topic"), max_length=200, required=False)
    teacher = forms.ModelChoiceField(
        queryset=Teacher.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("This teacher does not teach the class.")},
    )
    # Held away from the class's site: the session's own (all empty: the class's).
    site_address = forms.CharField(max_length=200, required=False)
    site_latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    site_longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    site_radius = forms.IntegerField(required=False, min_value=1, max_value=MAX_RADIUS_M)

    def __init__(self, *args, training_class: TrainingClass, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = training_class.teachers.all()

    def clean(self):
        values = super().clean()
        site_errors(self, values)
        return values


class EnrolForm(forms.Form):
    """A registered person by their ID number, and the training voucher they show, if any
    (002 §四(五)3)."""

    id_number = forms.CharField(
        max_length=40,
        error_messages={
            "required": gettext_lazy(
                "No one is registered with this ID number: register the person in the "
                "real-name registry first."
            )
        },
    )
    voucher = forms.CharField(max_length=40, required=False)

    def clean_id_number(self) -> Person:
        person = find_by_id_number(self.cleaned_data["id_number"])
        if person is None:
            raise ValidationError(self.fields["id_number"].error_messages["required"])
        return person

    def clean_voucher(self):
        number = self.cleaned_data["voucher"]
        if not number:
            return None
        voucher = find_voucher(number)
        if voucher is None:
            raise ValidationError(_("No voucher has this number."))
        return voucher


class AssessmentForm(forms.Form):
    passed = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")],
        coerce=lambda value: value == "1",
        error_messages={
            "required": gettext_lazy("Choose passed or failed."),
            "invalid_choice": gettext_lazy("Choose passed or failed."),
        },
    )


class CommitmentForm(forms.Form):
    """The scanned, signed commitment (承诺书) of a class under commitment."""

    file = forms.FileField(
        error_messages={
            "required": gettext_lazy("Choose the file of the signed commitment."),
            "invalid": gettext_lazy("Choose the file of the signed commitment."),
            "empty": gettext_lazy("Choose the file of the signed commitment."),
        }
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > services.MAX_COMMITMENT_BYTES:
            raise ValidationError(_("The commitment must be a file of at most 10 MB."))
        return upload


class ReviewForm(forms.Form):
    """The review queue's bulk decision: classes the reviewer sees, approve or reject (with a
    reason). A class no longer waiting is refused by the service, one message a class."""

    classes = RowsChoiceField(
        queryset=TrainingClass.objects.none(),
        error_messages={"required": gettext_lazy("Choose at least one class.")},
    )
    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("reject", "reject")],
        error_messages={"required": CHOOSE_STATE, "invalid_choice": CHOOSE_STATE},
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_LENGTH, required=False)
    # The queue's filters, to go back to the same list.
    query = forms.CharField(max_length=2000, required=False)

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].queryset = classes

    def clean(self):
        values = super().clean()
        if values.get("decision") == "reject" and not values.get("reason"):
            raise ValidationError(_("Give the reason for the rejection: nothing was changed."))
        return values


class DeviceForm(forms.Form):
    name = forms.CharField(
        max_length=100, error_messages={"required": gettext_lazy("Name the device.")}
    )
    # The Ed25519 public key a device that works offline made (`jineng device keygen`); checked
    # by services.register_device. Empty for a device that posts online with its token only.
    public_key = forms.CharField(max_length=64, required=False)


PRESENCE = [("1", gettext_lazy("present")), ("0", gettext_lazy("absent (remove a wrong mark)"))]


class HandMarkForm(forms.Form):
    """Attendance entered or corrected by hand (手工补录/更正): a session of the class, one of its
    trainees or teachers, present or absent, and why (required: the reason is kept with it)."""

    session = forms.ModelChoiceField(
        label=gettext_lazy("Session"),
        queryset=Session.objects.none(),
        error_messages={"required": CHOOSE_SESSION, "invalid_choice": CHOOSE_SESSION},
    )
    person = forms.ModelChoiceField(
        label=gettext_lazy("Person"),
        queryset=Person.objects.none(),
        error_messages={"required": CHOOSE_PERSON, "invalid_choice": CHOOSE_PERSON},
    )
    present = forms.TypedChoiceField(
        label=gettext_lazy("Attendance"),
        choices=PRESENCE,
        coerce=lambda value: value == "1",
        error_messages={"required": CHOOSE_PRESENCE, "invalid_choice": CHOOSE_PRESENCE},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_LENGTH,
        error_messages={"required": gettext_lazy("Give the reason for entering it by hand.")},
    )

    def __init__(self, *args, training_class: TrainingClass, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = training_class.sessions.all()
        self.fields["person"].queryset = Person.objects.filter(
            Q(enrollments__training_class=training_class) | Q(teacher__classes=training_class)
        ).distinct()


class LateMarkDecisionForm(forms.Form):
    """The reviewer's answer to a late hand mark: approve or refuse, with a reason."""

    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("refuse", "refuse")],
        error_messages={"required": CHOOSE_DECISION, "invalid_choice": CHOOSE_DECISION},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_LENGTH,
        error_messages={"required": gettext_lazy("Give the reason for the decision.")},
    )
