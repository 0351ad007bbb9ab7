"""The certificates API: certificates in the caller's scope (with revoke and PDF), and for anyone,
without login, verification by number or payload and the public keys."""

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jineng.certificates import selectors, services
from jineng.certificates.filters import CertificateFilter
from jineng.certificates.models import Certificate
from jineng.certificates.throttles import HolderCheckThrottle, VerifyThrottle
from jineng.certificates.views import HOLDER_CHECKABLE, describe_result, pdf_response
from jineng.core.api import CapabilityPermission, SelectorFilterBackend
from jineng.core.roles import Capability, has_capability


class CertificateSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    holder = serializers.CharField(source="person.name", read_only=True)
    holder_id_number_masked = serializers.CharField(
        source="person.id_number_masked", read_only=True
    )
    occupation = serializers.CharField(source="occupation.code", read_only=True)
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)
    level = serializers.CharField(source="level.code", default="", read_only=True)
    level_name = serializers.CharField(source="level.name", default="", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "number", "kind", "kind_label", "holder", "holder_id_number_masked",
                  "occupation", "occupation_name", "level", "level_name", "issued_on",
                  "issuer_name", "evaluation_org", "training_class", "issued_here",
                  "signed_payload", "key_id", "status", "status_label", "revoked_on",
                  "revoked_reason"]  # fmt: skip
        read_only_fields = fields


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class VerifySerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    payload = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    holder = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="optional: the holder's ID number or full name, to check whether the "
        "certificate is theirs (answered in holder_matches; never echoed)",
    )

    def validate(self, attrs):
        if not (attrs.get("number") or "").strip() and not (attrs.get("payload") or "").strip():
            raise serializers.ValidationError(
                gettext_lazy("Give the certificate number or the signed payload.")
            )
        return attrs


class NameCode(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class VerificationSerializer(serializers.Serializer):
    """What a verification answers (the same on the page, in the API and from the CLI)."""

    valid = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=["", "malformed", "unknown_key", "bad_signature", "revoked", "not_found",
                 "not_issued_here"],
        help_text="empty when valid",
    )  # fmt: skip
    reason_text = serializers.CharField()
    number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    occupation = NameCode()
    level = NameCode()
    issued_on = serializers.CharField()
    holder = serializers.CharField(help_text="masked: 张*三")
    issuer = serializers.CharField()
    issued_here = serializers.BooleanField()
    revoked_on = serializers.CharField()
    revoked_reason = serializers.CharField()
    key_id = serializers.CharField()
    holder_matches = serializers.BooleanField(
        allow_null=True,
        help_text="whether `holder` is the holder's ID number or name; null when not asked or "
        "when the certificate is not recorded here",
    )


JWKS = inline_serializer(
    "CertificateKeys",
    {"keys": serializers.ListField(child=serializers.DictField(), help_text="RFC 8037 OKP keys")},
)


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """Certificates in the caller's scope: the holder's own, the issuing organisation's, the
    institution's trainees', the region's."""

    serializer_class = CertificateSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_CERTIFICATES
    filterset_class = CertificateFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            queryset = selectors.certificate_list(self.request.user, self.request.query_params)
        else:
            queryset = selectors.certificates_for(self.request.user)
        return queryset.select_related("training_class")

    @extend_schema(request=RevokeSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke (bureau reviewers): anyone verifying it is told so, with the reason and date."""
        certificate = self.get_object()
        if not has_capability(request.user, Capability.MANAGE_CERTIFICATES):
            raise exceptions.PermissionDenied(gettext_lazy("Only the bureau revokes certificates."))
        body = RevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        certificate = services.revoke(certificate, body.validated_data["reason"])
        return Response(CertificateSerializer(certificate).data)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The certificate as a PDF with its QR code (issued here; holder, issuer, reviewers)."""
        certificate = self.get_object()
        if not certificate.issued_here or not has_capability(
            request.user, Capability.DOWNLOAD_CERTIFICATES
        ):
            raise Http404
        return pdf_response(certificate)

    @extend_schema(request=VerifySerializer, responses=VerificationSerializer)
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[permissions.AllowAny],
        authentication_classes=[],  # public: no session, so no CSRF token either
        throttle_classes=[VerifyThrottle],
    )
    def verify(self, request):
        """Verify by number or by signed payload, without login: signature, status (revoked,
        with reason and date), occupation, level, date and the holder's masked name. With
        `holder` (an ID number or full name), also whether the certificate is theirs, and only
        that (JINENG_CERT_HOLDER_CHECK_RATE per address)."""
        body = VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payload = (body.validated_data.get("payload") or "").strip()
        if payload:
            result = services.verify_payload(payload)
        else:
            result = services.verify_number(body.validated_data["number"])
        answer = describe_result(result)
        holder = (body.validated_data.get("holder") or "").strip()
        answer["holder_matches"] = None
        if holder and result["reason"] in HOLDER_CHECKABLE:
            throttle = HolderCheckThrottle()
            if not throttle.allow_request(request, self):
                raise exceptions.Throttled(throttle.wait())
            answer["holder_matches"] = services.holder_matches(result["number"], holder)
        return Response(answer)

    @extend_schema(responses=JWKS)
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[permissions.AllowAny],
        authentication_classes=[],
    )
    def keys(self, request):
        """The public keys as a JWK Set: verify a payload offline with any JOSE library."""
        return Response(services.jwks())
