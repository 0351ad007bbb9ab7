"""The face API: enrolment by the counter or the institution (signed-in users) and the check-in
with a photo from an attendance device (`Authorization: Device <token>`, as /attendance/events/).

No answer carries a template, a photo or a thumbnail: only the result, the distance, the
threshold and the model version."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jineng.core import audit
from jineng.core.roles import Capability, has_capability
from jineng.faces import selectors, services
from jineng.training.api import DeviceAuthentication, IsDevice, OffsetDateTimeField, PositionFields
from jineng.training.models import Direction, Enrollment, Session

MAX_PHOTO = 8 * 1024 * 1024


def _photo(upload) -> bytes:
    if upload.size > MAX_PHOTO:
        raise exceptions.ValidationError({"photo": [_("The photo is larger than 8 MB.")]})
    return upload.read()


def _refused(problem: ValidationError, code: int = 400) -> Response:
    return Response(
        {"error": " ".join(problem.messages), "code": getattr(problem, "code", "") or ""},
        status=code,
    )


class FaceEnrolSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    consent_version = serializers.CharField(
        max_length=20, help_text="the version of the consent text the person agreed to"
    )
    photo = serializers.FileField(help_text="JPEG or PNG showing exactly one face")


class FaceEnrolResultSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    model_version = serializers.CharField()
    enrolled_at = serializers.DateTimeField()
    duplicates = serializers.IntegerField(help_text="other persons of the region with this face")


class FaceCheckInSerializer(PositionFields):
    session = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    enrollment = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="the claimed trainee's enrolment"
    )
    photo = serializers.FileField(help_text="JPEG or PNG of the trainee at the door")
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.IN)
    event_id = serializers.CharField(max_length=64, help_text="the device's own id of the event")
    device_time = OffsetDateTimeField(required=False)


class FaceCheckInResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["passed", "mismatch"])
    distance = serializers.FloatField()
    threshold = serializers.FloatField()
    model_version = serializers.CharField()
    attendance = serializers.IntegerField(allow_null=True, help_text="the event recorded")


class FaceEnrolView(APIView):
    """Take a person's face template (with their separate consent, PIPL art. 29)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": FaceEnrolSerializer},
        responses={201: FaceEnrolResultSerializer, 400: OpenApiResponse(description="refused")},
        tags=["faces"],
    )
    def post(self, request):
        if not has_capability(request.user, Capability.REGISTER_PEOPLE):
            raise exceptions.PermissionDenied(
                _("Only the counter or the institution takes a face photo.")
            )
        body = FaceEnrolSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = selectors.person_for(request.user, body.validated_data["person"])
        if person is None:
            raise exceptions.NotFound()
        photo = _photo(body.validated_data["photo"])
        try:
            template, duplicates = services.consent_and_enrol(
                person, photo, body.validated_data["consent_version"]
            )
        except ValidationError as problem:
            return _refused(problem)
        except PermissionDenied as problem:
            raise exceptions.PermissionDenied(str(problem)) from None
        return Response(
            {"person": person.pk, "model_version": template.model_version,
             "enrolled_at": template.enrolled_at, "duplicates": len(duplicates)},
            status=201,
        )  # fmt: skip


def answer(verification) -> dict:
    return {
        "result": "passed" if verification.checkin_id else "mismatch",
        "distance": round(verification.distance, 4),
        "threshold": verification.threshold,
        "model_version": verification.model_version,
        "attendance": verification.checkin_id,
    }


class FaceCheckInView(APIView):
    """A check-in with a photo from an attendance device: compared 1:1 with the trainee's
    template. 201 "passed" (the attendance is recorded), 200 "mismatch" (no attendance: the
    institution and the reviewer look at it), 400 refused with the reason (no face, ...)."""

    authentication_classes = [DeviceAuthentication]
    permission_classes = [IsDevice]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": FaceCheckInSerializer},
        responses={201: FaceCheckInResultSerializer, 200: FaceCheckInResultSerializer,
                   400: OpenApiResponse(description="refused, with the reason")},
        tags=["attendance"],
    )  # fmt: skip
    def post(self, request):
        device = request.auth
        body = FaceCheckInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        session = (
            Session.objects.select_related("training_class")
            .filter(pk=data["session"], training_class__institution_id=device.institution_id)
            .first()
        )
        enrollment = (
            Enrollment.objects.select_related("person__organisation")
            .filter(pk=data["enrollment"], training_class__institution_id=device.institution_id)
            .first()
        )
        if session is None or enrollment is None:
            message = _("The device's institution has no such session or trainee.")
            return Response({"error": message}, status=400)
        photo = _photo(data["photo"])
        with audit.system_context(f"device:{device.pk}"):
            try:
                verification = services.check_in(
                    session, enrollment.person, photo, direction=data["direction"],
                    event_id=data["event_id"], device=device,
                    device_time=data.get("device_time") or timezone.now(),
                    position=data.get("position"),
                )  # fmt: skip
            except ValidationError as problem:
                return _refused(problem)
        return Response(answer(verification), status=201 if verification.checkin_id else 200)
