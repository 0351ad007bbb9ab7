"""Training classes (培训班): the opening application (开班申请, 004 §四(三)) with its timetable,
teachers and roster, the bureau's review, enrolment, sessions, attendance (考勤) and completion
(结业). States change only through core.states.move, which follows WORKFLOW.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jineng.core.crypto import Sealed
from jineng.core.roles import Capability
from jineng.core.scope import ScopeSpec
from jineng.core.states import Step, Workflow, history
from jineng.training.places import SITE_WHOLE, site_fields
from jineng.training.signing import fingerprint


class ClassState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    CANCELLED = "cancelled", _("cancelled")


# Who makes each change: the institution runs its class, the bureau reviews and closes it.
_RUN, _REVIEW = Capability.RUN_CLASSES, Capability.REVIEW_CLASSES
_ONLY_INSTITUTION = _("Only the institution opens its classes.")
_ONLY_BUREAU = _("Only the bureau reviews, cancels or closes classes.")


def _run(source, target, reason=False):
    return Step(source, target, _RUN, reason=reason, refusal=_ONLY_INSTITUTION)


def _review(source, target, reason=False):
    return Step(source, target, _REVIEW, reason=reason, refusal=_ONLY_BUREAU)


S = ClassState
# The one place that says which changes of state exist, who makes them and which need a reason.
WORKFLOW = Workflow(
    ClassState,
    [
        _run(S.DRAFT, S.SUBMITTED),
        _run(S.DRAFT, S.WITHDRAWN, reason=True),
        _review(S.SUBMITTED, S.APPROVED),
        _review(S.SUBMITTED, S.REJECTED, reason=True),
        _run(S.SUBMITTED, S.WITHDRAWN, reason=True),
        _run(S.REJECTED, S.DRAFT),  # revised, then submitted again
        _run(S.REJECTED, S.WITHDRAWN, reason=True),
        _run(S.APPROVED, S.IN_PROGRESS),  # or the first attendance event of a device
        _run(S.APPROVED, S.WITHDRAWN, reason=True),
        _review(S.APPROVED, S.CANCELLED, reason=True),
        _run(S.IN_PROGRESS, S.COMPLETED),  # through training.services.complete
        _review(S.IN_PROGRESS, S.CANCELLED, reason=True),
        _review(S.COMPLETED, S.CLOSED),
    ],
    refusal=_("A class that is “%(from)s” cannot become “%(to)s”."),
)
TRANSITIONS: dict[str, set[str]] = WORKFLOW.transitions()
# States in which the class and its roster may still be edited by the institution.
EDITABLE_STATES = {ClassState.DRAFT, ClassState.REJECTED}
# States of a class that is (or will be) running: its trainees are taken for that time.
ACTIVE_STATES = {
    ClassState.DRAFT,
    ClassState.SUBMITTED,
    ClassState.REJECTED,
    ClassState.APPROVED,
    ClassState.IN_PROGRESS,
}

CLASS_SCOPE = ScopeSpec(org_paths=("training_class__institution__organisation__path",))


class CommitmentReason(models.TextChoices):
    """承诺制 (004 §五(二)); the codes are jineng.policy.codes.CommitmentReason."""

    LARGE_ENTERPRISE = "large_enterprise", _("Large-enterprise training")
    PRE_JOB = "pre_job", _("Pre-job training")
    CROSS_PROVINCE = "cross_province", _("Cross-province labour export training")


class StudyMode(models.TextChoices):
    """How a class is attended: full-time (全日制, the working day) or part-time (非全日制, e.g.
    evenings and weekends, beside a job). Supervision reads insured full-time work during a
    full-time employment skills class as a sign of a fake trainee (docs/supervision.md, check
    `employed_during_class`); during a part-time class it is not."""

    FULL_TIME = "full_time", _("full-time (全日制)")
    PART_TIME = "part_time", _("part-time (非全日制, e.g. evenings and weekends)")


class ClassSource(models.TextChoices):
    """Where a class comes from: opened on the platform (applied for, approved, run), or training
    done earlier under another system that the bureau records as history (历史导入, 004 §四(三):
    it never went through approval here, so it says so wherever it is shown)."""

    PLATFORM = "platform", pgettext_lazy("class source", "platform")
    HISTORY = "history", pgettext_lazy("class source", "history import")


class TrainingClass(models.Model):
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="classes",
    )
    code = models.CharField(_("class number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    level = models.ForeignKey(
        "catalog.SkillLevel", verbose_name=_("level"), on_delete=models.PROTECT
    )
    training_type = models.ForeignKey(
        "catalog.TrainingType", verbose_name=_("training type"), on_delete=models.PROTECT
    )
    # Empty only for a history class (ClassSource.HISTORY): its money was another system's.
    fund_channel = models.ForeignKey(
        "catalog.FundChannel",
        verbose_name=_("fund channel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # 004 §五(一): training an industry department runs or pays for (行业主管部门补贴性培训) is
    # counted in the statistics; the institution names the department in its application, and
    # the department sees the class and its trainees on its home page.
    funding_department = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("funding department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_classes",
        limit_choices_to={"kind": "department"},
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    venue = models.CharField(_("venue"), max_length=200)
    # The training site (培训场地) where the venue is: WGS-84 degrees and the radius within which
    # a check-in's reported position counts as there (empty: the pack's supervision.site_radius).
    # The venue is its address. A session may name a site of its own (Session.site_*).
    site_latitude, site_longitude, site_radius = site_fields()
    capacity = models.PositiveIntegerField(_("capacity"))
    # Full-time unless the application says part-time: what supervision read every class as
    # before the mode was recorded (training 0011 gave the existing classes this value).
    study_mode = models.CharField(
        _("study mode"), max_length=10, choices=StudyMode.choices, default=StudyMode.FULL_TIME
    )
    assessment_plan = models.TextField(_("assessment plan"), blank=True)
    teachers = models.ManyToManyField(
        "institutions.Teacher", verbose_name=_("teachers"), blank=True, related_name="classes"
    )
    commitment_reason = models.CharField(
        _("under commitment (承诺制)"),
        max_length=20,
        choices=CommitmentReason.choices,
        blank=True,
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ClassState.choices, default=ClassState.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    source = models.CharField(
        _("source"), max_length=10, choices=ClassSource.choices, default=ClassSource.PLATFORM
    )
    # A history class only: whether the training was subsidised under the other system (a
    # subsidised one uses up the person's once per occupation and level, 004 §四(五)), and its
    # hours (学时) when the record gives them.
    history_subsidised = models.BooleanField(_("subsidised"), null=True, blank=True)
    hours = models.PositiveIntegerField(_("training hours"), null=True, blank=True)

    changes = history("training_class")

    workflow = WORKFLOW
    scope = ScopeSpec(org_paths=("institution__organisation__path",))

    class Meta:
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["start_date", "id"], name="class_list_order"),
            models.Index(fields=["state", "start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="class_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(fund_channel__isnull=False) | models.Q(source="history"),
                name="class_fund_channel_unless_history",
            ),
            models.CheckConstraint(condition=SITE_WHOLE, name="class_site_whole"),
            models.CheckConstraint(
                condition=models.Q(study_mode__in=StudyMode.values), name="class_study_mode_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_history(self) -> bool:
        return self.source == ClassSource.HISTORY


class Commitment(models.Model):
    """The signed commitment (承诺书) of a class under commitment, kept as uploaded, sealed
    with the data key (it names the institution's people and bears their signatures)."""

    training_class = models.OneToOneField(
        TrainingClass, on_delete=models.CASCADE, related_name="commitment"
    )
    filename = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField(editable=False)  # sealed: CONTENT
    sha256 = models.CharField(_("SHA-256"), max_length=64)  # of the file as uploaded
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    scope = CLASS_SCOPE
    audit_exclude = frozenset({"content"})
    CONTENT = Sealed("content", "training.commitment.content")
    sealed_fields = (CONTENT,)

    class Meta:
        verbose_name = _("signed commitment")
        verbose_name_plural = _("signed commitments")

    def __str__(self) -> str:
        return self.filename


class Session(models.Model):
    """课次: one scheduled session of a class, with its teacher."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    topic = models.CharField(_("topic"), max_length=200)
    teacher = models.ForeignKey(
        "institutions.Teacher",
        verbose_name=_("teacher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    # A session held away from the class's site (another workshop, a field day): its own site,
    # else the class's.
    site_address = models.CharField(_("site address"), max_length=200, blank=True)
    site_latitude, site_longitude, site_radius = site_fields()

    scope = CLASS_SCOPE

    # Check-in opens this long before a session starts, check-out closes this long after it ends.
    GRACE = timedelta(minutes=30)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after"
            ),
            models.CheckConstraint(condition=SITE_WHOLE, name="session_site_whole"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} {self.topic}"

    def window(self, direction: str):
        """The times in which a check-in (or check-out) counts for this session."""
        if direction == Direction.IN:
            return self.starts_at - self.GRACE, self.ends_at
        return self.starts_at, self.ends_at + self.GRACE


class EnrollmentState(models.TextChoices):
    ENROLLED = "enrolled", _("enrolled")
    WITHDRAWN = "withdrawn", _("withdrawn")
    COMPLETED = "completed", _("completed")
    NOT_COMPLETED = "not_completed", _("not completed")


class Enrollment(models.Model):
    """学员: a person in a class, with the eligibility decided at enrolment and the outcome."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="enrollments"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    state = models.CharField(
        _("state"),
        max_length=14,
        choices=EnrollmentState.choices,
        default=EnrollmentState.ENROLLED,
    )
    eligible = models.BooleanField(_("eligible for subsidy"))
    eligibility = models.ForeignKey(
        "catalog.DecisionRecord",
        verbose_name=_("eligibility decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assessment_passed = models.BooleanField(_("assessment passed"), null=True, blank=True)
    completion = models.ForeignKey(
        "catalog.DecisionRecord",
        verbose_name=_("completion decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    # The electronic voucher redeemed at enrolment (电子培训券, 002 §四(五)3) lands with the
    # voucher issue; services.enrol takes it through its `voucher` hook.

    scope = ScopeSpec(
        org_paths=("training_class__institution__organisation__path",), owner="person__user"
    )

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "person"], name="uniq_enrollment_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.training_class.code}"


class Device(models.Model):
    """An attendance terminal of an institution, authenticated by its own token; a device that
    works offline also has its own Ed25519 key pair, of which only the public key is kept here
    (docs/devices.md): it signs each event, and `counter` is the highest event counter the
    platform has taken from it. A revoked device (`active` off) is refused, token and batches."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="devices"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("token"), max_length=12, editable=False)  # first characters
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    public_key = models.CharField(
        _("public key"), max_length=43, blank=True, help_text=_("Ed25519, base64url")
    )
    counter = models.PositiveBigIntegerField(_("last counter"), default=0, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    scope = ScopeSpec(org_paths=("institution__organisation__path",))
    audit_exclude = frozenset({"token_hash", "last_seen_at", "counter"})

    class Meta:
        verbose_name = _("attendance device")
        verbose_name_plural = _("attendance devices")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["public_key"],
                condition=~models.Q(public_key=""),
                name="uniq_device_public_key",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key_fingerprint(self) -> str:
        return fingerprint(self.public_key) if self.public_key else ""


class Direction(models.TextChoices):
    IN = "in", _("check-in")
    OUT = "out", _("check-out")


class Flag(models.TextChoices):
    NONE = "", _("none")
    OUTSIDE_WINDOW = "outside_window", _("outside the session's time")
    DEVICE_CLOCK = "device_clock", _("device clock off")


class Verification(models.TextChoices):
    """Face verification (人脸识别考勤, 000 §三(八)) plugs in later; until then its honest value."""

    NOT_CONFIGURED = "not_configured", _("not configured")
    PASSED = "passed", pgettext_lazy("face verification", "passed")
    FAILED = "failed", pgettext_lazy("face verification", "failed")


class CheckIn(models.Model):
    """考勤: one check-in or check-out event, as the device (or a person on the page) sent it.

    Events are kept as they came: an event outside the session's window is stored and flagged,
    never dropped; the device's clock and the server's are both kept. (device, event_id) makes a
    resent event a no-op.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="checkins")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    is_teacher = models.BooleanField(_("teacher"), default=False)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="checkins"
    )
    event_id = models.CharField(_("event id"), max_length=64)
    device_time = models.DateTimeField(_("device time"))
    server_time = models.DateTimeField(_("server time"), default=timezone.now)
    in_window = models.BooleanField(_("within the session's time"))
    flag = models.CharField(_("flag"), max_length=16, choices=Flag.choices, blank=True)
    photo_ref = models.CharField(_("photo"), max_length=200, blank=True)
    # Where the device said it was (WGS-84), and how sure it was (metres); empty when it sent
    # no position (every event before devices reported one).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    accuracy = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    verification = models.CharField(
        _("face verification"),
        max_length=16,
        choices=Verification.choices,
        default=Verification.NOT_CONFIGURED,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = ScopeSpec(org_paths=("session__training_class__institution__organisation__path",))

    class Meta:
        verbose_name = _("attendance event")
        verbose_name_plural = _("attendance events")
        ordering = ["session", "device_time", "id"]
        constraints = [
            models.UniqueConstraint(fields=["device", "event_id"], name="uniq_device_event")
        ]
        indexes = [models.Index(fields=["session", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.direction} {self.device_time:%Y-%m-%d %H:%M}"


class LocalMatch(models.TextChoices):
    """The device's own face match of the person at the door, as it signed it."""

    NONE = "none", pgettext_lazy("local face match", "none")
    PASSED = "passed", pgettext_lazy("local face match", "passed")
    FAILED = "failed", pgettext_lazy("local face match", "failed")


class SignedEvent(models.Model):
    """One signed event of a device, as the platform took it (docs/devices.md): its counter,
    event id, the SHA-256 of the signed bytes and the signature, the device's local match, the
    device's clock when it sent the batch against the server's, and what became of it: the
    attendance event stored, or why training's rules refused it. Kept for every event whose
    signature verified and whose counter was new, so a resent event answers as the first time
    and a counter is never taken twice."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="signed_events")
    counter = models.PositiveBigIntegerField(_("counter"))
    event_id = models.CharField(_("event id"), max_length=64)
    digest = models.CharField(_("SHA-256 of the signed event"), max_length=64)
    signature = models.CharField(_("signature"), max_length=86)
    local_match = models.CharField(
        _("device's face match"), max_length=8, choices=LocalMatch.choices,
        default=LocalMatch.NONE,
    )  # fmt: skip
    match_distance = models.FloatField(_("match distance"), null=True, blank=True)
    clock_skew = models.IntegerField(_("device clock minus server clock (s)"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # No constraint in the database: check-ins are partitioned by month on PostgreSQL, and a key
    # may point only at a partitioned table's whole unique key (id, device_time). The ORM keeps
    # the relation and PROTECT.
    checkin = models.OneToOneField(
        CheckIn, on_delete=models.PROTECT, null=True, blank=True, related_name="signed",
        db_constraint=False,
    )  # fmt: skip
    refusal = models.CharField(_("refused because"), max_length=300, blank=True)

    scope = ScopeSpec(org_paths=("device__institution__organisation__path",))

    class Meta:
        verbose_name = _("signed device event")
        verbose_name_plural = _("signed device events")
        ordering = ["device", "counter"]
        constraints = [
            models.UniqueConstraint(fields=["device", "counter"], name="uniq_signed_counter"),
            models.UniqueConstraint(fields=["device", "event_id"], name="uniq_signed_event"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}#{self.counter} {self.event_id}"


# --- attendance entered by hand (手工补录) ----------------------------------------------------
#
# A hand mark is its own record, not a CheckIn: a CheckIn is an event as a device sent it (its
# clock, its photo, its window), while a hand mark is a person's statement about a whole session
# ("present" or "absent") with who made it and why. The page used to fake two device-like events
# at the session's times; keeping marks apart says what they are, lets a correction state
# "absent" (which no event can), and lets a correction point at the mark it replaces
# (`supersedes`) so that both stay on record (过程留痕, 003 §三10) while only the newest counts.


class ManualMark(models.Model):
    """One hand entry of a person's attendance of a session, with its reason. A later entry for
    the same cell supersedes it; a superseded mark is kept and shown, never counted."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="manual_marks")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"))
    reason = models.CharField(_("reason"), max_length=300)
    # Entered where a record already stood: a hand mark it supersedes or device events it
    # overrides (更正), as opposed to a first entry (补录).
    correction = models.BooleanField(_("correction"), default=False)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    # A late entry stands on the bureau's approval of the institution's request.
    approval = models.OneToOneField(
        "training.LateMarkRequest",
        verbose_name=_("approved request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mark",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope = ScopeSpec(org_paths=("session__training_class__institution__organisation__path",))

    class Meta:
        verbose_name = _("attendance entered by hand")
        verbose_name_plural = _("attendance entered by hand")
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["session", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id} {'✓' if self.present else '✗'} {self.session_id}"


class LateMarkState(models.TextChoices):
    REQUESTED = "requested", _("waiting for approval")
    APPROVED = "approved", pgettext_lazy("late attendance entry", "approved")
    REFUSED = "refused", pgettext_lazy("late attendance entry", "refused")


_ONLY_BUREAU_APPROVES = _("Only the bureau approves a late attendance entry.")
LATE_MARK_WORKFLOW = Workflow(
    LateMarkState,
    [
        Step(LateMarkState.REQUESTED, LateMarkState.APPROVED, _REVIEW, reason=True,
             refusal=_ONLY_BUREAU_APPROVES),
        Step(LateMarkState.REQUESTED, LateMarkState.REFUSED, _REVIEW, reason=True,
             refusal=_ONLY_BUREAU_APPROVES),
    ],
    refusal=_("A late attendance entry that is “%(from)s” cannot become “%(to)s”."),
)  # fmt: skip


class LateMarkRequest(models.Model):
    """A hand entry asked for after the pack's window (attendance.manual_entry_days): it becomes
    a ManualMark only when a reviewer of the bureau approves it, with a reason."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="late_requests")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"))
    reason = models.CharField(_("reason"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=LateMarkState.choices, default=LateMarkState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)

    changes = history("late_mark_request")

    workflow = LATE_MARK_WORKFLOW
    scope = ScopeSpec(org_paths=("session__training_class__institution__organisation__path",))

    class Meta:
        verbose_name = _("late attendance entry")
        verbose_name_plural = _("late attendance entries")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.person_id} {'✓' if self.present else '✗'} {self.session_id}"
