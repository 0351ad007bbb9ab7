"""The evaluation API: bookings (预约评价) in the caller's scope, booked by institutions' systems,
accepted or declined by evaluation organisations' systems, excepted from the deadline by the
bureau, and results and the trainees' free-evaluation agreements (004 §四(五)) posted in batches
(each item on its own; the same item sent again is "unchanged"). Every write goes through
evaluation.services or evaluation.agreements; the data scope filters every read."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jineng.core.api import (
    CapabilityPermission,
    IdField,
    ScopedPrimaryKeyField,
    SelectorFilterBackend,
)
from jineng.core.imports import CREATED
from jineng.core.roles import Capability, has_capability
from jineng.evaluation.filters import BookingFilter
from jineng.institutions.models import EvaluationOrg, Examiner, ExaminerRole
from jineng.people.services import find_by_id_number
from jineng.training.models import TrainingClass

from . import agreements, selectors, services
from .models import ApplicantAgreement, EvaluationBooking, EvaluationResult

REFUSALS = {
    Capability.BOOK_EVALUATIONS: services.ONLY_INSTITUTION,
    Capability.RUN_EVALUATIONS: services.ONLY_ORGANISATION,
    Capability.REVIEW_EVALUATIONS: gettext_lazy(
        "Only the bureau grants exceptions to the deadline."
    ),
    Capability.RECORD_EVALUATION_AGREEMENTS: agreements.ONLY_RECORDERS,
}
MAX_RESULT_BATCH = 500
# What became of each item of a batch (results, agreements): one enum in the schema.
OUTCOMES = ["created", "unchanged", "rejected"]


def _need(request, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise exceptions.PermissionDenied(str(REFUSALS[capability]))


class ResultSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="enrollment.person.name")
    id_number_masked = serializers.CharField(source="enrollment.person.id_number_masked")
    examiners = serializers.SlugRelatedField(slug_field="certificate", many=True, read_only=True)
    supervisor = serializers.CharField(source="supervisor.certificate")
    certificate = serializers.CharField(source="certificate.number", default="")

    class Meta:
        model = EvaluationResult
        fields = ["id", "enrollment", "name", "id_number_masked", "theory_score",
                  "practical_score", "passed", "examiners", "supervisor", "certificate",
                  "entered_at"]  # fmt: skip


class AgreementSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="enrollment.person.name")
    id_number_masked = serializers.CharField(source="enrollment.person.id_number_masked")
    has_scan = serializers.BooleanField()

    class Meta:
        model = ApplicantAgreement
        fields = ["id", "enrollment", "name", "id_number_masked", "signed_on", "signatory",
                  "has_scan", "recorded_at"]  # fmt: skip


class AgreementRequestSerializer(serializers.Serializer):
    enrollment = IdField(required=False, help_text="the trainee's enrollment id")
    id_number = serializers.CharField(
        max_length=40, required=False, help_text="or the trainee's ID number (never echoed back)"
    )
    signed_on = serializers.DateField(
        help_text="the day the agreement was signed: on or before the evaluation date "
        "(004 §四(五)), not in the future, not before the class's first day"
    )
    signatory = serializers.CharField(
        max_length=agreements.SIGNATORY_LENGTH,
        help_text="who signed the agreement for the evaluation organisation",
    )

    def validate(self, attrs):
        if not attrs.get("enrollment") and not attrs.get("id_number"):
            raise serializers.ValidationError(_("Name the trainee: enrollment or id_number."))
        return attrs


class AgreementOutcomeSerializer(serializers.Serializer):
    trainee = serializers.CharField(help_text="the enrollment id, or the masked ID number")
    status = serializers.ChoiceField(choices=OUTCOMES)
    agreement = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)


class BookingSerializer(serializers.ModelSerializer):
    class_code = serializers.CharField(source="training_class.code")
    class_name = serializers.CharField(source="training_class.name")
    institution_name = serializers.CharField(source="training_class.institution.organisation.name")
    occupation = serializers.CharField(source="training_class.occupation.code")
    level = serializers.CharField(source="training_class.level.code")
    training_end = serializers.DateField(source="training_class.end_date")
    evaluation_org_name = serializers.CharField(source="evaluation_org.organisation.name")
    state_label = serializers.CharField(source="get_state_display")
    late = serializers.BooleanField()
    exception_granted = serializers.BooleanField()
    deadline = serializers.DateField()
    results_recorded = serializers.IntegerField(source="n_results")
    trainees = serializers.IntegerField(source="n_completed")

    class Meta:
        model = EvaluationBooking
        fields = ["id", "training_class", "class_code", "class_name", "institution_name",
                  "occupation", "level", "training_end", "evaluation_org", "evaluation_org_name",
                  "planned_date", "due_on", "deadline", "late", "late_reason",
                  "exception_granted", "exception_reason", "exception_at", "state",
                  "state_label", "reason", "created_at", "decided_at", "finished_at",
                  "results_recorded", "trainees"]  # fmt: skip


class BookingDetailSerializer(BookingSerializer):
    results = ResultSerializer(many=True)

    class Meta(BookingSerializer.Meta):
        fields = [*BookingSerializer.Meta.fields, "results"]


class BookRequestSerializer(serializers.Serializer):
    training_class = ScopedPrimaryKeyField(queryset=TrainingClass.objects.all())
    evaluation_org = serializers.PrimaryKeyRelatedField(queryset=EvaluationOrg.objects.all())
    planned_date = serializers.DateField()
    late_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="",
        help_text="only for a date after the deadline (004 §四(四)): asks the bureau for an "
        "exception",
    )  # fmt: skip


class BookingReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ResultRequestSerializer(serializers.Serializer):
    enrollment = IdField(required=False, help_text="the trainee's enrollment id")
    id_number = serializers.CharField(
        max_length=40, required=False, help_text="or the trainee's ID number (never echoed back)"
    )
    theory_score = serializers.DecimalField(max_digits=5, decimal_places=2)
    practical_score = serializers.DecimalField(max_digits=5, decimal_places=2)
    passed = serializers.BooleanField()
    examiners = serializers.ListField(
        child=serializers.CharField(max_length=60), allow_empty=False,
        help_text="the examiners' certificate numbers",
    )  # fmt: skip
    supervisor = serializers.CharField(
        max_length=60, help_text="the quality supervisor's certificate number"
    )

    def validate(self, attrs):
        if not attrs.get("enrollment") and not attrs.get("id_number"):
            raise serializers.ValidationError(_("Name the trainee: enrollment or id_number."))
        return attrs


class ResultOutcomeSerializer(serializers.Serializer):
    trainee = serializers.CharField(help_text="the enrollment id, or the masked ID number")
    status = serializers.ChoiceField(choices=OUTCOMES)
    result = serializers.IntegerField(allow_null=True)
    certificate = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)


class EvaluationBookingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Evaluation bookings in the caller's scope, with their deadline (004 §四(四)) and, for one
    booking, its results. Institutions book; evaluation organisations accept, decline, post
    results and finish; the bureau grants exceptions to the deadline."""

    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_EVALUATIONS
    filterset_class = BookingFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.booking_list(self.request.user, self.request.query_params)
        queryset = selectors.bookings_for(self.request.user).order_by("-planned_date", "-id")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "results__enrollment__person",
                "results__examiners",
                "results__supervisor",
                "results__certificate",
            )
        return queryset

    def get_serializer_class(self):
        return BookingDetailSerializer if self.action == "retrieve" else BookingSerializer

    def _read(self, pk: int) -> dict:
        queryset = selectors.bookings_for(self.request.user).prefetch_related(
            "results__enrollment__person", "results__examiners", "results__supervisor",
            "results__certificate",
        )  # fmt: skip
        return BookingDetailSerializer(queryset.get(pk=pk)).data

    @extend_schema(request=BookRequestSerializer, responses={201: BookingDetailSerializer})
    def create(self, request):
        """Book the evaluation of a completed class of the caller's institution."""
        _need(request, Capability.BOOK_EVALUATIONS)
        body = BookRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        values = body.validated_data
        booking = services.book(
            values["training_class"],
            values["evaluation_org"],
            values["planned_date"],
            late_reason=values["late_reason"],
        )
        return Response(self._read(booking.pk), status=201)

    @extend_schema(request=None, responses=BookingDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The evaluation organisation accepts the booking."""
        _need(request, Capability.RUN_EVALUATIONS)
        services.accept(self.get_object())
        return Response(self._read(pk))

    @extend_schema(request=BookingReasonSerializer, responses=BookingDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """The evaluation organisation declines the booking: {"reason"}."""
        _need(request, Capability.RUN_EVALUATIONS)
        booking = self.get_object()
        body = BookingReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.decline(booking, body.validated_data["reason"])
        return Response(self._read(pk))

    @extend_schema(request=BookingReasonSerializer, responses=BookingDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """The institution cancels a booking without results: {"reason"}."""
        _need(request, Capability.BOOK_EVALUATIONS)
        booking = self.get_object()
        body = BookingReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.cancel(booking, body.validated_data["reason"])
        return Response(self._read(pk))

    @extend_schema(request=BookingReasonSerializer, responses=BookingDetailSerializer)
    @action(detail=True, methods=["post"])
    def exception(self, request, pk=None):
        """The bureau allows a date after the deadline (004 §四(四)): {"reason"}."""
        _need(request, Capability.REVIEW_EVALUATIONS)
        booking = self.get_object()
        body = BookingReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.grant_exception(booking, body.validated_data["reason"])
        return Response(self._read(pk))

    @extend_schema(request=None, responses=BookingDetailSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """Done, once every trainee who completed the class has a result."""
        _need(request, Capability.RUN_EVALUATIONS)
        services.finish(self.get_object())
        return Response(self._read(pk))

    @extend_schema(methods=["GET"], responses=AgreementSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=AgreementRequestSerializer(many=True),
        responses={200: OpenApiResponse(AgreementOutcomeSerializer(many=True))},
    )
    @action(detail=True, methods=["get", "post"])
    def agreements(self, request, pk=None):
        """GET: the trainees' free-evaluation agreements with the organisation (免费技能评价协议书,
        004 §四(五)). POST a list of agreements: each recorded on its own; the answer says for
        each whether it was created, unchanged (the same agreement sent again) or rejected, and
        why. An evaluation subsidy line needs the person's agreement signed on or before the
        evaluation date."""
        booking = self.get_object()
        if request.method == "GET":
            found = agreements.agreements_of(booking)
            return Response(AgreementSerializer(found, many=True).data)
        _need(request, Capability.RECORD_EVALUATION_AGREEMENTS)
        items = request.data if isinstance(request.data, list) else [request.data]
        if len(items) > MAX_RESULT_BATCH:
            raise exceptions.ValidationError(
                _("At most %(count)d agreements in one request.") % {"count": MAX_RESULT_BATCH}
            )
        body = AgreementRequestSerializer(data=items, many=True, allow_empty=False)
        body.is_valid(raise_exception=True)
        return Response([_agree_one(booking, item) for item in body.validated_data])

    @extend_schema(methods=["GET"], responses=ResultSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=ResultRequestSerializer(many=True),
        responses={200: OpenApiResponse(ResultOutcomeSerializer(many=True))},
    )
    # The results are one bare list (one per trainee of the booking), not a page of it.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def results(self, request, pk=None):
        """GET: the results. POST a list of results: each recorded on its own (a pass issues
        the certificate); the answer says for each whether it was created, unchanged (the same
        result sent again) or rejected, and why."""
        booking = self.get_object()
        if request.method == "GET":
            results = booking.results.select_related(
                "enrollment__person", "supervisor", "certificate"
            ).prefetch_related("examiners")
            return Response(ResultSerializer(results, many=True).data)
        _need(request, Capability.RUN_EVALUATIONS)
        items = request.data if isinstance(request.data, list) else [request.data]
        if len(items) > MAX_RESULT_BATCH:
            raise exceptions.ValidationError(
                _("At most %(count)d results in one request.") % {"count": MAX_RESULT_BATCH}
            )
        body = ResultRequestSerializer(data=items, many=True, allow_empty=False)
        body.is_valid(raise_exception=True)
        panel = {
            (e.role, e.certificate.upper()): e
            for e in Examiner.objects.filter(evaluation_org=booking.evaluation_org_id)
        }
        return Response([_record_one(booking, item, panel) for item in body.validated_data])


def _trainee(booking: EvaluationBooking, item: dict):
    """(label, enrollment or None) of the trainee an item names by enrollment id or ID number."""
    enrollments = booking.training_class.enrollments.select_related("person")
    if item.get("enrollment"):
        return str(item["enrollment"]), enrollments.filter(pk=item["enrollment"]).first()
    person = find_by_id_number(item["id_number"])
    label = person.id_number_masked if person else ""
    return label, enrollments.filter(person=person).first() if person else None


def _record_one(booking: EvaluationBooking, item: dict, panel: dict) -> dict:
    label, enrollment = _trainee(booking, item)
    outcome = {"trainee": label, "status": "rejected", "result": None, "certificate": "",
               "error": ""}  # fmt: skip
    try:
        if enrollment is None:
            raise ValidationError(_("This person is not a trainee of the booked class."))
        examiners = [_member(panel, ExaminerRole.EXAMINER, n) for n in item["examiners"]]
        supervisor = _member(panel, ExaminerRole.SUPERVISOR, item["supervisor"])
        status = services.record_or_same(
            booking, enrollment, theory=item["theory_score"], practical=item["practical_score"],
            passed=item["passed"], examiners=examiners, supervisor=supervisor,
        )  # fmt: skip
    except ValidationError as problem:
        outcome["error"] = "; ".join(problem.messages)
        return outcome
    result = EvaluationResult.objects.select_related("certificate").get(enrollment=enrollment)
    outcome.update(
        status="created" if status == CREATED else "unchanged",
        result=result.pk,
        certificate=result.certificate.number if result.certificate else "",
    )
    return outcome


def _member(panel: dict, role: str, number: str) -> Examiner:
    found = panel.get((role, number.strip().upper()))
    if found is None:
        if role == ExaminerRole.EXAMINER:
            message = _("“%(number)s” is not the certificate of an examiner of the organisation.")
        else:
            message = _(
                "“%(number)s” is not the certificate of a quality supervisor of the organisation."
            )
        raise ValidationError(message % {"number": number})
    return found


def _agree_one(booking: EvaluationBooking, item: dict) -> dict:
    label, enrollment = _trainee(booking, item)
    outcome = {"trainee": label, "status": "rejected", "agreement": None, "error": ""}
    try:
        if enrollment is None:
            raise ValidationError(_("This person is not a trainee of the booked class."))
        agreements.recording_readiness(booking).check()
        status = agreements.record_or_same(
            booking, enrollment, signed_on=item["signed_on"], signatory=item["signatory"]
        )
    except ValidationError as problem:
        outcome["error"] = "; ".join(problem.messages)
        return outcome
    outcome.update(
        status="created" if status == CREATED else "unchanged",
        agreement=agreements.existing(booking, enrollment).pk,
    )
    return outcome
