"""The training API: classes with their timetable, teachers and roster, attendance devices, and
the check-in endpoint the devices post to (authenticated by the device's own token).

Institutions' own systems push classes, rosters and attendance here instead of typing them
twice. Every write goes through training.services; the data scope filters every read.
"""

import hashlib
from contextlib import nullcontext
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import authentication, exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.core import audit
from jineng.core.aggregates import per_row
from jineng.core.api import (
    CapabilityPermission,
    IdField,
    ScopedPrimaryKeyField,
    SelectorFilterBackend,
)
from jineng.core.models import Organisation
from jineng.core.personal import mask_id_number
from jineng.core.roles import Capability, OrgKind, has_capability
from jineng.core.scope import scoped
from jineng.institutions.models import Institution, Teacher
from jineng.people import identity
from jineng.people.models import Person
from jineng.people.services import find_by_id_number, id_number_hashes
from jineng.training import selectors, services, signing
from jineng.training.filters import ClassFilter
from jineng.training.hooks import find_voucher
from jineng.training.models import (
    CheckIn,
    ClassState,
    CommitmentReason,
    Device,
    Direction,
    Enrollment,
    EnrollmentState,
    Session,
    SignedEvent,
    StudyMode,
    TrainingClass,
)
from jineng.training.places import MAX_ACCURACY_M, Position

# Who may write: the services check it again; this answers before any work, and clearly.
REFUSALS = {
    Capability.RUN_CLASSES: gettext_lazy("Only the institution opens its classes."),
    Capability.REVIEW_CLASSES: gettext_lazy("Only the bureau reviews, cancels or closes classes."),
}
MAX_ROSTER_BATCH = 500
MAX_EVENT_BATCH = 500
# A device's last_seen_at is written at most this often (not for each event).
LAST_SEEN_EVERY = timedelta(seconds=60)


def _need(request, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise exceptions.PermissionDenied(str(REFUSALS[capability]))


def _institution_for(request, chosen: Institution | None) -> Institution:
    """Institution staff act for their own institution; an administrator names one in scope."""
    organisation = request.user.organisation
    try:
        own = organisation.institution if organisation is not None else None
    except ObjectDoesNotExist:
        own = None
    if own is not None:
        if chosen is not None and chosen.pk != own.pk:
            raise exceptions.ValidationError(
                {"institution": [_("You act for your own institution only.")]}
            )
        return own
    visible = scoped(request.user, Institution.objects.all())
    if chosen is None or not visible.filter(pk=chosen.pk).exists():
        raise exceptions.ValidationError({"institution": [_("Name the institution.")]})
    return chosen


def _messages(problem: ValidationError) -> str:
    return "; ".join(problem.messages)


def _serializer_errors(errors) -> str:
    """DRF's field errors as one line: `field: message; …`."""
    if isinstance(errors, list):
        return "; ".join(_serializer_errors(error) for error in errors)
    if isinstance(errors, dict):
        parts = []
        for field, value in errors.items():
            text = _serializer_errors(value)
            parts.append(text if field in ("non_field_errors", "detail") else f"{field}: {text}")
        return "; ".join(parts)
    return str(errors)


# --- classes ----------------------------------------------------------------------------------


class TeacherRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    id_number_masked = serializers.CharField(source="person.id_number_masked", read_only=True)

    class Meta:
        model = Teacher
        fields = ["id", "name", "id_number_masked"]


class SessionSerializer(serializers.ModelSerializer):
    teacher = ScopedPrimaryKeyField(
        queryset=Teacher.objects.all(), allow_null=True, required=False,
        help_text="a teacher of the class (its id under /teachers/ is the engagement's `teacher`)",
    )  # fmt: skip
    teacher_name = serializers.CharField(source="teacher.person.name", default="", read_only=True)

    class Meta:
        model = Session
        fields = ["id", "starts_at", "ends_at", "topic", "teacher", "teacher_name",
                  "site_address", "site_latitude", "site_longitude", "site_radius"]  # fmt: skip


class EnrollmentCountsSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    completed = serializers.IntegerField()
    not_completed = serializers.IntegerField()


COUNTS = {  # per_row: counted for the listed page's classes only
    f"n_{state}": per_row(Enrollment.objects.filter(state=state), "training_class", Count("id"), 0)
    for state in EnrollmentState.values
}


class TrainingClassSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.organisation.name")
    occupation = serializers.CharField(source="occupation.code")
    occupation_name = serializers.CharField(source="occupation.name")
    level = serializers.CharField(source="level.code")
    training_type = serializers.CharField(source="training_type.code")
    fund_channel = serializers.CharField(source="fund_channel.code", default=None, allow_null=True)
    funding_department_name = serializers.CharField(
        source="funding_department.name", default=None, allow_null=True,
        help_text="the department that organises or funds the class (004 §五(一)), if any",
    )  # fmt: skip
    source_label = serializers.CharField(source="get_source_display")
    study_mode_label = serializers.CharField(source="get_study_mode_display")
    state_label = serializers.CharField(source="get_state_display")
    teachers = TeacherRefSerializer(many=True)
    sessions = SessionSerializer(many=True)
    enrollment_counts = serializers.SerializerMethodField()

    class Meta:
        model = TrainingClass
        fields = ["id", "code", "name", "institution", "institution_name", "occupation",
                  "occupation_name", "level", "training_type", "fund_channel",
                  "funding_department", "funding_department_name", "start_date",
                  "end_date", "venue", "site_latitude", "site_longitude", "site_radius",
                  "capacity", "study_mode", "study_mode_label", "assessment_plan",
                  "commitment_reason", "state", "state_label", "source", "source_label",
                  "history_subsidised", "hours", "created_at", "teachers", "sessions",
                  "enrollment_counts"]  # fmt: skip

    @extend_schema_field(EnrollmentCountsSerializer)
    def get_enrollment_counts(self, training_class) -> dict:
        return {state: getattr(training_class, f"n_{state}", 0) for state in EnrollmentState.values}


class AttendanceFiguresSerializer(serializers.Serializer):
    device = serializers.IntegerField(
        help_text="person-sessions counted from the attendance devices' events"
    )
    hand = serializers.IntegerField(
        help_text="hand marks entered, superseded ones included (手工补录)"
    )
    corrections = serializers.IntegerField(
        help_text="hand marks that corrected a device's record or an earlier mark"
    )
    waiting = serializers.IntegerField(
        help_text="late hand marks waiting for the reviewer's approval"
    )


class TrainingClassDetailSerializer(TrainingClassSerializer):
    """One class: the list's fields and how its attendance was recorded (detail only: the
    figures cost queries per class)."""

    attendance_figures = serializers.SerializerMethodField()
    timetable_warning = serializers.SerializerMethodField(
        help_text="004 §四(三): why the class is planned to end after the year's training "
        "deadline, in the request's language; empty when it ends in time (a warning, not a "
        "refusal)"
    )

    class Meta(TrainingClassSerializer.Meta):
        fields = [*TrainingClassSerializer.Meta.fields, "attendance_figures", "timetable_warning"]

    @extend_schema_field(AttendanceFiguresSerializer)
    def get_attendance_figures(self, training_class) -> dict:
        return services.attendance_figures(training_class)

    def get_timetable_warning(self, training_class) -> str:
        return services.timetable_warning(training_class)


class TrainingClassWriteSerializer(serializers.ModelSerializer):
    """A class as an institution's system sends it; catalogs are named by their codes."""

    institution = ScopedPrimaryKeyField(
        queryset=Institution.objects.all(), required=False,
        help_text="on creation, for an administrator only: staff open classes of their own",
    )  # fmt: skip
    occupation = serializers.SlugRelatedField(slug_field="code", queryset=Occupation.objects)
    level = serializers.SlugRelatedField(slug_field="code", queryset=SkillLevel.objects)
    training_type = serializers.SlugRelatedField(slug_field="code", queryset=TrainingType.objects)
    fund_channel = serializers.SlugRelatedField(slug_field="code", queryset=FundChannel.objects)
    commitment_reason = serializers.ChoiceField(
        choices=CommitmentReason.choices, allow_blank=True, required=False
    )
    funding_department = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=OrgKind.DEPARTMENT), required=False,
        allow_null=True,
        help_text="a department of the institution's bureaus that organises or funds the class",
    )  # fmt: skip
    study_mode = serializers.ChoiceField(
        choices=StudyMode.choices, required=False,
        help_text="full_time (全日制, the default on creation) or part_time (非全日制: evenings, "
        "weekends); supervision reads insured work during a full-time employment skills class",
    )  # fmt: skip

    class Meta:
        model = TrainingClass
        fields = ["institution", "name", "occupation", "level", "training_type", "fund_channel",
                  "funding_department", "start_date", "end_date", "venue", "site_latitude",
                  "site_longitude", "site_radius", "capacity", "study_mode", "assessment_plan",
                  "commitment_reason"]  # fmt: skip
        extra_kwargs = {"capacity": {"min_value": 1}}


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TeacherIdsSerializer(serializers.Serializer):
    teachers = ScopedPrimaryKeyField(queryset=Teacher.objects.select_related("person"), many=True)


class EnrollmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name")
    id_number_masked = serializers.CharField(source="person.id_number_masked")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Enrollment
        fields = ["id", "person", "name", "id_number_masked", "state", "state_label", "eligible",
                  "assessment_passed", "reason", "enrolled_at"]  # fmt: skip


class EnrolRequestSerializer(serializers.Serializer):
    id_number = serializers.CharField(
        max_length=40, help_text="the whole ID number of a registered person (never echoed back)"
    )
    voucher = serializers.CharField(
        max_length=24, required=False, allow_blank=True,
        help_text="the number of the claimed training voucher the person shows (redeemed with it)",
    )  # fmt: skip


class EnrolResultSerializer(serializers.Serializer):
    id_number_masked = serializers.CharField()
    status = serializers.ChoiceField(choices=["enrolled", "rejected"])
    enrollment = serializers.IntegerField(allow_null=True)
    eligible = serializers.BooleanField(allow_null=True)
    error = serializers.CharField(allow_blank=True)


class AssessmentSerializer(serializers.Serializer):
    passed = serializers.BooleanField()


ENROLLMENT_ID = OpenApiParameter("enrollment_id", int, OpenApiParameter.PATH)
RUN, REVIEW = Capability.RUN_CLASSES, Capability.REVIEW_CLASSES


def _transition(name: str, to_state: str, capability: str, doc: str):
    """A POST action moving the class to `to_state` (with `reason` where one is needed)."""

    def change(self, request, pk=None):
        _need(request, capability)
        training_class = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.change_state(training_class, to_state, reason=body.validated_data["reason"])
        return Response(self._read(training_class.pk))

    change.__name__ = name
    change.__doc__ = doc
    return extend_schema(request=ReasonSerializer, responses=TrainingClassSerializer)(
        action(detail=True, methods=["post"])(change)
    )


class TrainingClassViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Training classes in the caller's scope with their sessions, teachers and enrolment
    counts. Institution staff open and run their classes; the bureau reviews them."""

    serializer_class = TrainingClassSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_CLASSES
    filterset_class = ClassFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            queryset = selectors.class_list(user, self.request.query_params)
        else:
            queryset = selectors.classes_for(user)
        return queryset.prefetch_related("teachers__person", "sessions__teacher__person").annotate(
            **COUNTS
        )

    def get_serializer_class(self):
        if self.action == "retrieve":  # the attendance figures: one class at a time
            return TrainingClassDetailSerializer
        return TrainingClassSerializer

    def _read(self, pk: int) -> dict:
        return TrainingClassSerializer(self.get_queryset().get(pk=pk)).data

    @extend_schema(request=TrainingClassWriteSerializer, responses={201: TrainingClassSerializer})
    def create(self, request):
        """Open a class (a draft opening application) for the caller's institution."""
        _need(request, Capability.RUN_CLASSES)
        body = TrainingClassWriteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        institution = _institution_for(request, values.pop("institution", None))
        training_class = services.create_class(institution, **values)
        return Response(self._read(training_class.pk), status=201)

    @extend_schema(request=TrainingClassWriteSerializer, responses=TrainingClassSerializer)
    def update(self, request, pk=None):
        """Change a draft (or rejected) class; `institution` cannot change."""
        return self._update(request, partial=False)

    @extend_schema(request=TrainingClassWriteSerializer, responses=TrainingClassSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        _need(request, Capability.RUN_CLASSES)
        training_class = self.get_object()
        body = TrainingClassWriteSerializer(
            data=request.data, partial=partial, context={"request": request}
        )
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        values.pop("institution", None)
        services.update_class(training_class, **values)
        return Response(self._read(training_class.pk))

    submit = _transition("submit", ClassState.SUBMITTED, RUN, "Submit the application.")
    withdraw = _transition("withdraw", ClassState.WITHDRAWN, RUN, "Withdraw it (with a reason).")
    revise = _transition("revise", ClassState.DRAFT, RUN, "A rejected application back to draft.")
    start = _transition("start", ClassState.IN_PROGRESS, RUN, "Start an approved class.")
    approve = _transition("approve", ClassState.APPROVED, REVIEW, "Approve (the bureau).")
    reject = _transition("reject", ClassState.REJECTED, REVIEW, "Reject (with a reason).")
    cancel = _transition("cancel", ClassState.CANCELLED, REVIEW, "Cancel (with a reason).")
    close = _transition("close", ClassState.CLOSED, REVIEW, "Close a completed class.")

    @extend_schema(request=None, responses=TrainingClassSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """结业: decide every trainee by the policy pack once the class has ended."""
        _need(request, Capability.RUN_CLASSES)
        training_class = self.get_object()
        services.complete(training_class)
        return Response(self._read(training_class.pk))

    @extend_schema(
        request=SessionSerializer(many=True), responses={201: SessionSerializer(many=True)}
    )
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        """Add sessions to the timetable: a list (or one) of {starts_at, ends_at, topic,
        teacher}. All or none: the first refused session refuses the request."""
        _need(request, Capability.RUN_CLASSES)
        training_class = self.get_object()
        items = request.data if isinstance(request.data, list) else [request.data]
        body = SessionSerializer(
            data=items, many=True, allow_empty=False, context={"request": request}
        )
        body.is_valid(raise_exception=True)
        created = []
        with transaction.atomic():
            for number, values in enumerate(body.validated_data, start=1):
                try:
                    created.append(services.add_session(training_class, **values))
                except ValidationError as problem:
                    raise ValidationError(
                        _("Session %(number)d: %(problem)s")
                        % {"number": number, "problem": _messages(problem)}
                    ) from None
        return Response(SessionSerializer(created, many=True).data, status=201)

    @extend_schema(request=TeacherIdsSerializer, responses=TrainingClassSerializer)
    @action(detail=True, methods=["put"])
    def teachers(self, request, pk=None):
        """Set the class's teachers: {"teachers": [teacher ids]} (or the bare list)."""
        _need(request, Capability.RUN_CLASSES)
        training_class = self.get_object()
        data = {"teachers": request.data} if isinstance(request.data, list) else request.data
        body = TeacherIdsSerializer(data=data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.set_teachers(training_class, body.validated_data["teachers"])
        return Response(self._read(training_class.pk))

    @extend_schema(methods=["GET"], responses=EnrollmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=PolymorphicProxySerializer(
            component_name="EnrolRequestOneOrMany",
            serializers=[EnrolRequestSerializer, EnrolRequestSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={
            201: EnrolResultSerializer,
            200: OpenApiResponse(EnrolResultSerializer(many=True), description="for a list"),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="one person refused (an EnrolResult with status `rejected`), or the "
                "request's own errors by field",
            ),
        },
    )
    # The roster is one bare list (a class holds at most its capacity), not a page of it.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def enrollments(self, request, pk=None):
        """GET: the roster (ID numbers masked). POST {"id_number"} or a list of them: enrol
        registered persons, each on its own; the answer says for each whether it was done."""
        training_class = self.get_object()
        if request.method == "GET":
            roster = training_class.enrollments.select_related("person")
            return Response(EnrollmentSerializer(roster, many=True).data)
        _need(request, Capability.RUN_CLASSES)
        many = isinstance(request.data, list)
        items = request.data if many else [request.data]
        if len(items) > MAX_ROSTER_BATCH:
            raise exceptions.ValidationError(
                _("At most %(count)d persons in one request.") % {"count": MAX_ROSTER_BATCH}
            )
        body = EnrolRequestSerializer(data=items, many=True, allow_empty=False)
        body.is_valid(raise_exception=True)
        results = [
            _enrol_one(training_class, item["id_number"], item.get("voucher", ""))
            for item in body.validated_data
        ]
        if many:
            return Response(results)
        return Response(results[0], status=201 if results[0]["status"] == "enrolled" else 400)

    def _enrollment(self, enrollment_id) -> Enrollment:
        training_class = self.get_object()
        return get_object_or_404(
            training_class.enrollments.select_related("person", "training_class"),
            pk=enrollment_id,
        )

    @extend_schema(
        request=AssessmentSerializer, responses=EnrollmentSerializer, parameters=[ENROLLMENT_ID]
    )
    @action(
        detail=True, methods=["post"], url_path=r"enrollments/(?P<enrollment_id>[0-9]+)/assessment"
    )
    def assessment(self, request, pk=None, enrollment_id=None):
        """Record a trainee's assessment result: {"passed": true|false}."""
        _need(request, Capability.RUN_CLASSES)
        enrollment = self._enrollment(enrollment_id)
        body = AssessmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.set_assessment(enrollment, body.validated_data["passed"])
        return Response(EnrollmentSerializer(enrollment).data)

    @extend_schema(
        request=ReasonSerializer, responses=EnrollmentSerializer, parameters=[ENROLLMENT_ID]
    )
    @action(
        detail=True, methods=["post"], url_path=r"enrollments/(?P<enrollment_id>[0-9]+)/withdraw"
    )
    def withdraw_enrollment(self, request, pk=None, enrollment_id=None):
        """Take a trainee off the roster: {"reason"} is needed."""
        _need(request, Capability.RUN_CLASSES)
        enrollment = self._enrollment(enrollment_id)
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.withdraw_enrollment(enrollment, body.validated_data["reason"])
        return Response(EnrollmentSerializer(enrollment).data)


# The device's sessions and their classes, on every check-in request: two plain queries, as
# compiling the ORM's join costs more than running it (bench/checkin_load.py). Only table names
# enter the SQL; the values are parameters.
SESSION, CLASS = Session._meta.db_table, TrainingClass._meta.db_table
SESSIONS_SQL = f"SELECT s.* FROM {SESSION} s JOIN {CLASS} c ON c.id = s.training_class_id"  # noqa: S608


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _sessions_of(institution_id: int, ids: set[int]) -> list[Session]:
    if not ids:
        return []
    sql = f"{SESSIONS_SQL} WHERE c.institution_id = %s AND s.id IN ({_placeholders(ids)})"
    return list(Session.objects.raw(sql, [institution_id, *sorted(ids)]))


def _classes(ids: set[int]) -> dict[int, TrainingClass]:
    if not ids:
        return {}
    sql = f"SELECT * FROM {CLASS} WHERE id IN ({_placeholders(ids)})"  # noqa: S608
    return {found.pk: found for found in TrainingClass.objects.raw(sql, sorted(ids))}


def _enrol_one(training_class: TrainingClass, number: str, voucher_number: str = "") -> dict:
    person = find_by_id_number(number)
    masked = person.id_number_masked if person else mask_id_number(identity.normalise(number))
    result = {"id_number_masked": masked, "status": "rejected", "enrollment": None,
              "eligible": None, "error": ""}  # fmt: skip
    if person is None:
        return {**result, "error": _("No one is registered with this ID number.")}
    voucher = find_voucher(voucher_number) if voucher_number.strip() else None
    if voucher_number.strip() and voucher is None:
        return {**result, "error": _("No voucher has this number.")}
    try:
        enrollment = services.enrol(training_class, person, voucher=voucher)
    except ValidationError as problem:
        return {**result, "error": _messages(problem)}
    return {**result, "status": "enrolled", "enrollment": enrollment.pk,
            "eligible": enrollment.eligible}  # fmt: skip


# --- devices ----------------------------------------------------------------------------------


class DeviceSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.organisation.name")
    key_fingerprint = serializers.CharField(
        read_only=True,
        help_text="the first 16 hex digits of the public key's SHA-256, or '' without a key",
    )

    class Meta:
        model = Device
        fields = ["id", "institution", "institution_name", "name", "token_hint", "active",
                  "created_at", "last_seen_at", "public_key", "key_fingerprint", "counter",
                  "revoked_at"]  # fmt: skip


PUBLIC_KEY_HELP = (
    "the Ed25519 public key the device made (base64url of its 32 bytes, as `jineng device "
    "keygen` prints it); its private key never leaves the device (docs/devices.md)"
)


class DeviceCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    institution = ScopedPrimaryKeyField(
        queryset=Institution.objects.all(), required=False,
        help_text="for an administrator only: staff register devices of their own institution",
    )  # fmt: skip
    public_key = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text=PUBLIC_KEY_HELP
    )


class DeviceKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(max_length=64, help_text=PUBLIC_KEY_HELP)


class DeviceWithTokenSerializer(DeviceSerializer):
    token = serializers.CharField(help_text="shown this once: only its hash is kept")

    class Meta(DeviceSerializer.Meta):
        fields = [*DeviceSerializer.Meta.fields, "token"]


class DeviceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Attendance devices of the institutions in scope. Registering one returns its token once;
    the device sends it as `Authorization: Device <token>` to /attendance/events/."""

    serializer_class = DeviceSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_CLASSES
    filterset_fields = ["active"]

    def get_queryset(self):
        queryset = Device.objects.select_related("institution__organisation")
        return scoped(self.request.user, queryset)

    @extend_schema(request=DeviceCreateSerializer, responses={201: DeviceWithTokenSerializer})
    def create(self, request):
        _need(request, Capability.RUN_CLASSES)
        body = DeviceCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        institution = _institution_for(request, body.validated_data.get("institution"))
        device, token = services.register_device(
            institution, body.validated_data["name"], body.validated_data["public_key"]
        )
        device = self.get_queryset().get(pk=device.pk)
        return Response({**DeviceSerializer(device).data, "token": token}, status=201)

    @extend_schema(request=DeviceKeySerializer, responses=DeviceSerializer)
    @action(detail=True, methods=["post"])
    def key(self, request, pk=None):
        """Register the public key of a device that had none (given once): from then on it may
        upload signed offline batches to /attendance/signed-batches/."""
        _need(request, Capability.RUN_CLASSES)
        body = DeviceKeySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        device = services.register_device_key(self.get_object(), body.validated_data["public_key"])
        return Response(DeviceSerializer(self.get_queryset().get(pk=device.pk)).data)

    @extend_schema(request=None, responses=DeviceSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Revoke the device (a lost or replaced terminal): its token stops working and its
        signed batches are refused; its events already stored are kept for history."""
        _need(request, Capability.RUN_CLASSES)
        device = services.deactivate_device(self.get_object())
        return Response(DeviceSerializer(self.get_queryset().get(pk=device.pk)).data)


# --- the check-in endpoint for devices ---------------------------------------------------------


class DeviceAuthentication(authentication.BaseAuthentication):
    """`Authorization: Device <token>`: the request is the device's, acting for no user."""

    keyword = "device"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        try:
            token = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        device = services.device_for_token(token)
        if device is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_EVERY:
            Device.objects.filter(pk=device.pk).update(last_seen_at=now)
            device.last_seen_at = now
        return AnonymousUser(), device

    def authenticate_header(self, request):
        return 'Device realm="api"'


class DeviceAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = DeviceAuthentication
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Device <token>`: the token returned once by POST /api/v1/devices/",
        }


class IsDevice(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, Device)


class OffsetDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its UTC offset: a device's local time without one is ambiguous."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or (parsed := parse_datetime(value)) is None:
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ss+08:00")
        if parsed.tzinfo is None:
            raise serializers.ValidationError(_("Give the time with its UTC offset (+08:00)."))
        return parsed


class PositionFields(serializers.Serializer):
    """Where the device was when it took the event (optional: devices that know no position
    send none). Supervision compares it with the session's site (docs/supervision.md)."""

    latitude = serializers.FloatField(
        min_value=-90, max_value=90, required=False, help_text="WGS-84 degrees, north positive"
    )
    longitude = serializers.FloatField(
        min_value=-180, max_value=180, required=False, help_text="WGS-84 degrees, east positive"
    )
    accuracy = serializers.FloatField(
        min_value=0, max_value=MAX_ACCURACY_M, required=False,
        help_text="the position's accuracy (radius) in metres, as the device reports it",
    )  # fmt: skip

    def validate(self, data):
        data = super().validate(data)
        try:
            data["position"] = Position.of(
                data.pop("latitude", None), data.pop("longitude", None), data.pop("accuracy", None)
            )
        except ValidationError as problem:
            raise serializers.ValidationError(problem.messages) from None
        return data


class CheckInEventSerializer(PositionFields):
    event_id = serializers.CharField(
        max_length=64, help_text="the device's own id of the event: resending it stores nothing"
    )
    session = IdField(help_text="a session of the device's institution")
    id_number = serializers.CharField(
        max_length=40, required=False, help_text="the person (trainee or teacher), or `enrollment`"
    )
    enrollment = IdField(required=False)
    direction = serializers.ChoiceField(choices=Direction.choices)
    device_time = OffsetDateTimeField(help_text="when the device saw it, ISO 8601 with offset")
    photo_ref = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, data):
        if ("id_number" in data) == ("enrollment" in data):
            raise serializers.ValidationError(_("Give either id_number or enrollment."))
        return super().validate(data)


class CheckInBatchSerializer(serializers.Serializer):
    events = CheckInEventSerializer(many=True, help_text=f"at most {MAX_EVENT_BATCH} events")


class CheckInResultSerializer(serializers.Serializer):
    event_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["stored", "duplicate", "rejected"])
    flag = serializers.CharField(allow_blank=True, help_text="outside_window, device_clock or ''")
    in_window = serializers.BooleanField(allow_null=True)
    error = serializers.CharField(allow_blank=True)


class CheckInBatchResultSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = CheckInResultSerializer(many=True)


class DeviceEvents:
    """Record one request's events for a device: the sessions with their classes, the
    enrolments, who attends which class and (for a batch) the events already stored are looked
    up once for the whole request; then each event goes through record_attendance."""

    def __init__(self, device: Device):
        self.device = device

    def record(self, raw_events: list) -> list[dict]:
        checked = []
        for raw in raw_events:
            event = CheckInEventSerializer(data=raw)
            if event.is_valid():
                checked.append((event.validated_data, ""))
            else:
                checked.append((raw, _serializer_errors(event.errors)))
        batch = len(checked) > 1
        self._load([data for data, error in checked if not error], batch=batch)
        # A batch commits once, each event in its savepoint; one event is one INSERT.
        with transaction.atomic() if batch else nullcontext():
            return [self._one(data) if not error else self._rejected(data, error)
                    for data, error in checked]  # fmt: skip

    def _load(self, events: list[dict], *, batch: bool) -> None:
        institution = self.device.institution_id
        sessions = _sessions_of(institution, {event["session"] for event in events})
        classes = _classes({session.training_class_id for session in sessions})
        for session in sessions:  # one object per class: a class started here is started
            session.training_class = classes[session.training_class_id]
        self.sessions = {session.pk: session for session in sessions}
        wanted = {event["enrollment"] for event in events if "enrollment" in event}
        self.enrollments = {
            enrollment.pk: enrollment
            for enrollment in Enrollment.objects.select_related("person").filter(
                pk__in=wanted, training_class__institution_id=institution
            )
        } if wanted else {}  # fmt: skip
        # ID numbers go by their keyed hashes (as find_by_id_number), never in clear.
        self.hashes = {
            event["id_number"]: id_number_hashes(event["id_number"])
            for event in events
            if "id_number" in event
        }
        self.registered: dict[str, Person | None] | None = None
        self.lookups = services.AttendanceLookups(
            self.device, classes,
            person_ids={enrollment.person_id for enrollment in self.enrollments.values()},
            id_hashes={value for hashes in self.hashes.values() for value in hashes},
            event_ids={event["event_id"] for event in events} if batch else None,
        )  # fmt: skip

    def _person(self, number: str) -> Person | None:
        """The attendee with this ID number; else the registry's person (whose event is refused,
        or answered as a repeat), looked up for all such numbers of the request at once."""
        person = self.lookups.person(self.hashes[number])
        if person is not None:
            return person
        if self.registered is None:
            unknown = {h: n for n, hashes in self.hashes.items() for h in hashes
                       if self.lookups.person(hashes) is None}  # fmt: skip
            found = Person.objects.filter(id_number_hash__in=unknown).only("id", "id_number_hash")
            self.registered = {unknown[person.id_number_hash]: person for person in found}
        return self.registered.get(number)

    def _one(self, data: dict) -> dict:
        return self._judge(data)[0]

    def _judge(self, data: dict, clock_skew=None) -> tuple[dict, CheckIn | None]:
        """One event through training's check-in rules: (its result, the event stored or found,
        or None when refused)."""
        session = self.sessions.get(data["session"])
        if session is None:
            return self._rejected(data, _("The device's institution has no such session.")), None
        if "enrollment" in data:
            enrollment = self.enrollments.get(data["enrollment"])
            if enrollment is None or enrollment.training_class_id != session.training_class_id:
                message = _("This enrolment is not in the session's class.")
                return self._rejected(data, message), None
            person = enrollment.person
        else:
            person = self._person(data["id_number"])
            if person is None:  # the same words as for a stranger: the registry is not probed
                message = _("This person is neither a trainee nor a teacher of the class.")
                return self._rejected(data, message), None
        try:
            event, created = services.record_attendance(
                session, person, data["direction"], event_id=data["event_id"],
                device_time=data["device_time"], device=self.device, photo_ref=data["photo_ref"],
                lookups=self.lookups, clock_skew=clock_skew, position=data.get("position"),
            )  # fmt: skip
        except ValidationError as problem:
            return self._rejected(data, _messages(problem)), None
        return {"event_id": data["event_id"], "status": "stored" if created else "duplicate",
                "flag": event.flag, "in_window": event.in_window, "error": ""}, event  # fmt: skip

    @staticmethod
    def _rejected(data, error: str) -> dict:
        event_id = data.get("event_id") if isinstance(data, dict) else None
        return {"event_id": event_id if isinstance(event_id, str) else None,
                "status": "rejected", "flag": "", "in_window": None, "error": error}  # fmt: skip


class AttendanceEventsView(APIView):
    """Check-in and check-out events from an attendance device, one or an offline batch
    ({"events": [...]}, at most 500). Authenticated only by `Authorization: Device <token>`.

    Each event is stored once per (device, event_id): resending answers "duplicate" and stores
    nothing. Events outside the session's time are stored and flagged, never dropped. One event:
    201 stored, 200 duplicate, 400 rejected. A batch: 200 with a result per event. A device with
    a registered signing key is refused here (403): its events go signed to signed-batches."""

    authentication_classes = [DeviceAuthentication]
    permission_classes = [IsDevice]
    parser_classes = [JSONParser]

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="CheckInEvents",
            serializers=[CheckInEventSerializer, CheckInBatchSerializer],
            resource_type_field_name=None,
        ),
        responses={
            201: OpenApiResponse(CheckInResultSerializer, description="one event, stored"),
            200: PolymorphicProxySerializer(
                component_name="CheckInResponse",
                serializers=[CheckInResultSerializer, CheckInBatchResultSerializer],
                resource_type_field_name=None,
            ),
            400: OpenApiResponse(
                CheckInResultSerializer, description="one event refused, or a malformed body"
            ),
            401: OpenApiResponse(description="no device token, or not a valid one"),
        },
        tags=["attendance"],
    )
    def post(self, request):
        body = request.data
        if not isinstance(body, dict):
            raise exceptions.ParseError(_('Send one event or {"events": [...]}.'))
        if request.auth.public_key:
            # Its signature is what proves an event came from it: a stolen token alone must
            # not be enough to post check-ins in its name.
            raise exceptions.PermissionDenied(
                _("This device has a signing key: it sends its events signed, to "
                  "/api/v1/attendance/signed-batches/. Unsigned events are not accepted from it.")
            )  # fmt: skip
        # A device acts for no user: its events are the system's work, named by the device.
        with audit.system_context(f"device:{request.auth.pk}"):
            return self._record(body, request.auth)

    def _record(self, body: dict, device):
        if "events" not in body:
            result = DeviceEvents(device).record([body])[0]
            code = {"stored": 201, "duplicate": 200}.get(result["status"], 400)
            return Response(result, status=code)
        events = body["events"]
        if not isinstance(events, list) or not events or len(events) > MAX_EVENT_BATCH:
            raise exceptions.ParseError(
                _("“events” is a list of 1 to %(count)d events.") % {"count": MAX_EVENT_BATCH}
            )
        results = DeviceEvents(device).record(events)
        counts = {status: 0 for status in ("stored", "duplicate", "rejected")}
        for result in results:
            counts[result["status"]] += 1
        return Response({**counts, "results": results})


# --- signed offline batches (docs/devices.md) --------------------------------------------------

# Why a signed event (or its batch) is refused: the `reason` of a result.
REASONS = {
    "malformed": gettext_lazy("The event is not base64url or not the event layout."),
    "bad_signature": gettext_lazy(
        "The signature does not verify: the event was changed, or not signed by this device."
    ),
    "other_device": gettext_lazy("The event was signed for another device."),
    "event_id_reused": gettext_lazy(
        "This event id was already taken with other content: an event id is used once."
    ),
    "replayed_counter": gettext_lazy(
        "This counter was already used by another event of this device (a replay)."
    ),
    "counter_not_increasing": gettext_lazy(
        "The counter (%(counter)d) is not above the last one taken from this device "
        "(%(last)d): a replayed or out-of-order event."
    ),
    "revoked": gettext_lazy("This device was revoked on %(date)s: its batches are refused."),
    "unknown_device": gettext_lazy("No device with a registered key has this id."),
    "bad_batch_signature": gettext_lazy(
        "The batch's signature does not verify with the device's key."
    ),
    "rule": gettext_lazy("Refused by the check-in rules."),
}


class SignedEventSerializer(serializers.Serializer):
    payload = serializers.CharField(
        max_length=200, help_text="the signed event's bytes, base64url (docs/devices.md)"
    )
    signature = serializers.CharField(
        max_length=90, help_text="the device's Ed25519 signature of those bytes, base64url"
    )


class SignedBatchSerializer(serializers.Serializer):
    device = IdField(help_text="the device's id, as registered with its public key")
    sent_at = OffsetDateTimeField(help_text="the device's clock when it sent the batch")
    events = serializers.ListField(
        child=serializers.JSONField(), min_length=1, max_length=MAX_EVENT_BATCH,
        help_text=f"1 to {MAX_EVENT_BATCH} signed events, in the order of their counters",
    )  # fmt: skip
    signature = serializers.CharField(
        max_length=90,
        help_text="the device's signature of the batch (device, sent_at, its events' signatures)",
    )


class SignedBatchDocSerializer(SignedBatchSerializer):
    """The request as documented (each event checked on its own when it comes)."""

    events = SignedEventSerializer(many=True)


class SignedResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="the event's place in the batch, from 0")
    event_id = serializers.CharField(allow_null=True)
    counter = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["stored", "duplicate", "refused"])
    reason = serializers.ChoiceField(
        choices=["", *REASONS], allow_blank=True,
        help_text="why refused: a code of docs/devices.md ('rule': training's check-in rules)",
    )  # fmt: skip
    error = serializers.CharField(allow_blank=True, help_text="the reason, in words")
    flag = serializers.CharField(allow_blank=True, help_text="outside_window, device_clock or ''")
    in_window = serializers.BooleanField(allow_null=True)


class SignedBatchResultSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    refused = serializers.IntegerField()
    counter = serializers.IntegerField(
        allow_null=True, help_text="the last counter taken from the device (null: refused whole)"
    )
    clock_skew = serializers.IntegerField(
        allow_null=True,
        help_text="seconds the device's clock was ahead of the server's (negative: behind)",
    )
    results = SignedResultSerializer(many=True)
    detail = serializers.CharField(
        required=False, help_text="a batch refused whole (403): why, in words"
    )


def _signed_result(index, event, status, *, reason="", error="", checkin=None) -> dict:
    return {
        "index": index,
        "event_id": event.event_id if event is not None else None,
        "counter": event.counter if event is not None else None,
        "status": status,
        "reason": reason,
        "error": error or (str(REASONS[reason]) if reason else ""),
        "flag": checkin.flag if checkin is not None else "",
        "in_window": checkin.in_window if checkin is not None else None,
    }


class SignedEvents(DeviceEvents):
    """A signed batch of a device (docs/devices.md): each event's signature verified before any
    field is read; a known event id answers as the first time (stored: "duplicate"; refused: the
    same refusal); a counter already used, or not above the device's last, is refused; the
    others go through training's check-in rules (DeviceEvents, services.record_attendance), each
    kept as a SignedEvent with what became of it. The caller holds the device's row locked."""

    def __init__(self, device: Device, key, sent_at, now):
        super().__init__(device)
        self.key = key
        self.sent_at, self.now = sent_at, now
        self.skew = sent_at - now

    def ingest(self, raw_events: list) -> list[dict]:
        results: list[dict | None] = [None] * len(raw_events)
        verified = []  # (index, event, digest, signature)
        for index, raw in enumerate(raw_events):
            # The shape of SignedEventSerializer, checked by hand: a serializer per event costs
            # more than the signature's verification (bench/device_sync.py).
            payload, signature = (raw.get("payload"), raw.get("signature")) if isinstance(
                raw, dict) else (None, None)  # fmt: skip
            if not (isinstance(payload, str) and isinstance(signature, str)):
                results[index] = _signed_result(index, None, "refused", reason="malformed")
                continue
            try:
                event, data = signing.verified_event(self.key, payload, signature)
            except signing.BadEvent as bad:
                results[index] = _signed_result(index, None, "refused", reason=bad.code)
                continue
            if event.device != self.device.pk:
                results[index] = _signed_result(index, event, "refused", reason="other_device")
                continue
            digest = hashlib.sha256(data).hexdigest()
            verified.append((index, event, digest, signature))
        fresh = self._sort_out(verified, results)
        self._load([data for _event, data, *_rest in fresh], batch=True)
        rows = []
        for (index, event, digest, signature), data in ((item[2], item[1]) for item in fresh):
            result, checkin = self._judge(data, clock_skew=self.skew)
            refusal = result["error"] if result["status"] == "rejected" else ""
            if refusal:
                results[index] = _signed_result(index, event, "refused", reason="rule",
                                                error=refusal)  # fmt: skip
            else:
                results[index] = _signed_result(index, event, result["status"], checkin=checkin)
            rows.append(SignedEvent(
                device=self.device, counter=event.counter, event_id=event.event_id,
                digest=digest, signature=signature, local_match=event.match,
                match_distance=event.distance, clock_skew=self._skew_seconds(),
                received_at=self.now, checkin=checkin, refusal=refusal[:300],
            ))  # fmt: skip
        SignedEvent.objects.bulk_create(rows)
        return results

    def _skew_seconds(self) -> int:
        return round(self.skew.total_seconds())

    def _sort_out(self, verified, results) -> list:
        """Answer the events already known or out of order; return the new ones, in order, as
        (event, training's event data, (index, event, digest, signature))."""
        known = SignedEvent.objects.filter(device=self.device).filter(
            Q(event_id__in={event.event_id for _i, event, *_r in verified})
            | Q(counter__in={event.counter for _i, event, *_r in verified})
        ).select_related("checkin")  # fmt: skip
        by_id = {row.event_id: row for row in known}
        by_counter = {row.counter: row for row in known}
        last = self.device.counter
        fresh, taken = [], {}
        for index, event, digest, signature in verified:
            first = by_id.get(event.event_id) or taken.get(event.event_id)
            if first is not None:
                results[index] = self._again(index, event, digest, first)
            elif event.counter in by_counter:
                results[index] = _signed_result(index, event, "refused", reason="replayed_counter")
            elif event.counter <= last:
                message = str(REASONS["counter_not_increasing"]) % {
                    "counter": event.counter,
                    "last": last,
                }
                results[index] = _signed_result(
                    index, event, "refused", reason="counter_not_increasing", error=message
                )
            else:
                last = event.counter
                by_counter[event.counter] = taken[event.event_id] = (index, digest)
                fresh.append((event, self._data(event), (index, event, digest, signature)))
        self.last = last
        return fresh

    def _again(self, index, event, digest, first) -> dict | tuple:
        """An event id seen before: the same event answers as it did; other content is refused."""
        if isinstance(first, tuple):  # twice in this batch: answered after the first
            if first[1] != digest:
                return _signed_result(index, event, "refused", reason="event_id_reused")
            return {"repeat_of": first[0], "index": index, "event": event}
        if first.digest != digest:
            return _signed_result(index, event, "refused", reason="event_id_reused")
        if first.checkin is not None:
            return _signed_result(index, event, "duplicate", checkin=first.checkin)
        return _signed_result(index, event, "refused", reason="rule", error=first.refusal)

    @staticmethod
    def _data(event: signing.Event) -> dict:
        data = {"event_id": event.event_id, "session": event.session, "photo_ref": "",
                "direction": event.direction, "device_time": event.device_time}  # fmt: skip
        data["position"] = Position.of(event.latitude, event.longitude, event.accuracy)
        if event.person.startswith("E"):
            data["enrollment"] = int(event.person[1:])
        else:
            data["id_number"] = event.person
        return data


def _text(value) -> str:
    return value if isinstance(value, str) else ""


class SignedBatchView(APIView):
    """A signed batch of an attendance device that worked offline (docs/devices.md): no token;
    the batch and each of its events are signed with the device's own Ed25519 key, registered
    with the device. Each event is stored once whatever the retries: a resent batch answers
    "duplicate" for what was stored and the same refusal for what was refused. A revoked device's
    batch, an unknown device and a batch whose own signature fails are refused whole (403)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request=SignedBatchDocSerializer,
        responses={
            200: SignedBatchResultSerializer,
            400: OpenApiResponse(description="a malformed body"),
            403: OpenApiResponse(
                SignedBatchResultSerializer,
                description="the batch refused whole: an unknown device, a device without a "
                "key, a revoked device, or the batch's own signature does not verify",
            ),
        },
        tags=["attendance"],
    )
    def post(self, request):
        body = SignedBatchSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        values = body.validated_data
        events = values["events"]
        device = Device.objects.filter(pk=values["device"]).exclude(public_key="").first()
        if device is None:
            return self._refused(events, "unknown_device")
        if not device.active:
            message = str(REASONS["revoked"]) % {
                "date": timezone.localtime(device.revoked_at).strftime("%Y-%m-%d %H:%M")
                if device.revoked_at else "—"
            }  # fmt: skip
            return self._refused(events, "revoked", message)
        key = signing.public_key(device.public_key)
        signatures = [_text(event.get("signature", "")) if isinstance(event, dict) else ""
                      for event in events]  # fmt: skip
        if not signing.verify_batch(key, device.pk, values["sent_at"], signatures,
                                    values["signature"]):  # fmt: skip
            return self._refused(events, "bad_batch_signature")
        now = timezone.now()
        with audit.system_context(f"device:{device.pk}"), transaction.atomic():
            device = Device.objects.select_for_update().get(pk=device.pk)
            if not device.active:  # revoked while this batch waited for the lock
                return self._refused(events, "revoked", str(REASONS["revoked"]) % {"date": "—"})
            work = SignedEvents(device, key, values["sent_at"], now)
            results = work.ingest(events)
            Device.objects.filter(pk=device.pk).update(counter=work.last, last_seen_at=now)
        for position, result in enumerate(results):
            if "repeat_of" in result:
                first = results[result["repeat_of"]]
                status = "duplicate" if first["status"] != "refused" else "refused"
                results[position] = {**first, "index": position, "status": status}
        counts = {status: 0 for status in ("stored", "duplicate", "refused")}
        for result in results:
            counts[result["status"]] += 1
        return Response({**counts, "counter": work.last,
                         "clock_skew": work._skew_seconds(), "results": results})  # fmt: skip

    @staticmethod
    def _refused(events: list, reason: str, message: str = "") -> Response:
        message = message or str(REASONS[reason])
        results = [_signed_result(index, None, "refused", reason=reason, error=message)
                   for index in range(len(events))]  # fmt: skip
        return Response({"detail": message, "stored": 0, "duplicate": 0,
                         "refused": len(events), "counter": None, "clock_skew": None,
                         "results": results}, status=403)  # fmt: skip
