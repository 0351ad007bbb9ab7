"""The core API: the current user, organisations, users, the audit log and API tokens."""

import logging

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from jineng.core import audit, availability, jobs, selectors, services, twofactor
from jineng.core.availability import is_database_unavailable
from jineng.core.filters import (
    MAX_ID,
    ApiTokenFilter,
    AuditEntryFilter,
    ImportJobFilter,
    OrganisationFilter,
    UserFilter,
)
from jineng.core.import_views import XLSX
from jineng.core.imports import SPECS
from jineng.core.middleware import client_ip, expired_password_message
from jineng.core.models import (
    DEFAULT_TOKEN_LIFETIME,
    INTERRUPTED,
    TOKEN_LIFETIMES,
    ApiToken,
    AuditAction,
    AuditEntry,
    ImportJob,
    ImportStatus,
    Organisation,
    StateChange,
    TokenState,
    User,
)
from jineng.core.roles import CAPABILITIES, Capability, has_capability
from jineng.core.scope import scoped
from jineng.core.security import (
    LockedOut,
    clear_failures,
    is_locked,
    needs_second_step,
    note_failure,
    password_expired,
)

logger = logging.getLogger("jineng.api")


def exception_handler(exc, context):
    """Every error answers JSON in the user's language; no traceback ever leaves the server."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, Http404):
        # get_object_or_404 says "No Person matches the given query.": English, and a model's
        # name; every 404 says "not found" in the user's language instead.
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None and is_database_unavailable(exc):
        # No traceback: the database is out of reach, not a bug (core.availability).
        request = context.get("request")
        logger.warning("API request while the database is unavailable: %s", exc)
        response = Response(
            {"detail": str(availability.MESSAGE),
             "request_id": getattr(request, "request_id", "")},
            status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "30"},
        )  # fmt: skip
    if response is None:
        request = context.get("request")
        logger.exception("API error", exc_info=exc)
        response = Response(
            {
                "detail": _("An internal error occurred. It has been logged."),
                "request_id": getattr(request, "request_id", ""),
            },
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response


def invalid_form(form) -> exceptions.ValidationError:
    """A page's form that did not validate, as the API's usual 400: its messages by field name,
    the form-wide ones under DRF's `non_field_errors` (the user's language)."""
    errors = {
        api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name: list(messages)
        for name, messages in form.errors.items()
    }
    return exceptions.ValidationError(errors)


class SelectorFilterBackend(DjangoFilterBackend):
    """For viewsets whose list comes from the app's selector, which runs the FilterSet itself
    (the same call as the page): the schema still documents the FilterSet's parameters, and the
    rows are not filtered a second time. Invalid parameters answer 400 from the selector."""

    def filter_queryset(self, request, queryset, view):
        return queryset


class IdField(serializers.IntegerField):
    """A row's id in a request body: a whole number the database can hold. A larger one (20
    digits) would overflow in the driver, a server error; here it is a refusal by the field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """The id of a row in the caller's data scope. A row outside it is refused with the very
    message of an id that does not exist, so that a validation message neither names a row the
    caller may not see nor tells that it exists (as its detail route answers 404). Without a
    request in the serializer's context nothing is in scope (fail closed)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        # by id, not the scope's joins: a row reached through two engagements is still one row
        return queryset.filter(pk__in=scoped(request.user, queryset.model.objects).values("pk"))


class CapabilityPermission(permissions.BasePermission):
    """The view's `capability` is needed; without it, object routes answer 404 like out-of-scope."""

    def has_permission(self, request, view):
        if has_capability(request.user, view.capability):
            return True
        if request.user.is_authenticated and view.kwargs.get("pk") is not None:
            raise exceptions.NotFound()
        return False


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "code",
            "region_code",
            "parent",
            "path",
            "depth",
            "is_active",
        ]
        read_only_fields = ["path", "depth"]


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    organisation_name = serializers.CharField(source="organisation.name", default="")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "organisation",
            "organisation_name",
            "roles",
            "is_active",
            "last_login",
        ]

    def get_roles(self, user) -> list[str]:
        return sorted(user.role_set)


class MeSerializer(UserSerializer):
    capabilities = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "capabilities"]

    def get_capabilities(self, user) -> list[str]:
        return sorted(cap for cap, roles in CAPABILITIES.items() if user.role_set & roles)


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "actor_label",
            "ip",
            "request_id",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "message",
            "chain_day",
            "lane",
            "seq",
            "prev_hash",
            "hash",
        ]


class StateChangeSerializer(serializers.ModelSerializer):
    """One step of an object's history (core.states), as every API that shows a history has it."""

    from_state = serializers.CharField(help_text="empty for the first state, when created")
    by = serializers.CharField(source="by.username", default="", read_only=True)

    class Meta:
        model = StateChange
        fields = ["from_state", "to_state", "reason", "by", "at"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations in the caller's scope: their region, their own organisation, or all."""

    serializer_class = OrganisationSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_ORGANISATIONS
    filterset_class = OrganisationFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.organisation_list(self.request.user, self.request.query_params)
        return selectors.organisations_for(self.request.user)


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_USERS
    filterset_class = UserFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.user_list(self.request.user, self.request.query_params)
        return selectors.users_for(self.request.user)


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The append-only audit log: read and filter, never write."""

    serializer_class = AuditEntrySerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_AUDIT
    filterset_class = AuditEntryFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.audit_entry_list(self.request.user, self.request.query_params)
        return selectors.audit_entries_for(self.request.user)

    # Every read of the audit log is itself audited (core.audit.record_read), as on the pages.
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        query = request.query_params.urlencode() or "-"
        audit.record_read(_("API list: %(query)s") % {"query": query})
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit.record_read(str(_("API entry")), self.get_object())
        return response


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The calling user, their roles, organisation and capabilities."""
    return Response(MeSerializer(request.user).data)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    name = serializers.CharField(max_length=100, required=False, default="api")
    code = serializers.CharField(
        max_length=40, required=False, default="",
        help_text="the code of the authenticator app (or a recovery code): needed for a user "
        "whose role requires two-factor sign-in or who has set it up",
    )  # fmt: skip
    days = serializers.ChoiceField(
        choices=TOKEN_LIFETIMES, default=DEFAULT_TOKEN_LIFETIME,
        help_text="how many days the token lives; it also stops after the days of "
        "JINENG_API_TOKEN_IDLE_DAYS unused",
    )  # fmt: skip


def _second_factor(request, user, code: str) -> None:
    """The token endpoint's second step: the same rules and lockout as the login page's."""
    if not needs_second_step(user):
        return
    if twofactor.totp_device(user) is None:
        raise exceptions.PermissionDenied(
            _("Your role requires two-factor sign-in: sign in on the web once to set it up.")
        )
    if not code:
        raise exceptions.AuthenticationFailed(_("A two-factor code is needed."))
    ip = client_ip(request)
    username = user.get_username()
    if is_locked(username, ip):
        raise exceptions.PermissionDenied(str(LockedOut()))
    try:
        with audit.audit_context(actor=user, ip=ip, request_id=request.request_id):
            twofactor.verify(user, code)
    except DjangoValidationError as problem:
        if problem.code == "wrong_code":
            note_failure(username, ip)
            locked = is_locked(username, ip)
            audit.record(
                AuditAction.LOCKED_OUT if locked else AuditAction.LOGIN_FAILED,
                user,
                message=_("wrong two-factor code"),
            )
            if locked:
                raise exceptions.PermissionDenied(str(LockedOut())) from None
            raise exceptions.AuthenticationFailed(problem.messages[0]) from None
        raise exceptions.Throttled(detail=problem.messages[0]) from None
    clear_failures(username)


@extend_schema(
    request=TokenRequestSerializer,
    responses=inline_serializer(
        "TokenResponse",
        {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
    ),
    auth=[],
)
@api_view(["POST"])
@permission_classes([permissions.AllowAny])
def obtain_token(request):
    """Exchange a username and password (and, where two-factor sign-in applies, a code) for an
    API token of 7 to 180 days. The login lockout applies to the password and the code alike."""
    data = TokenRequestSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    username = data.validated_data["username"]
    user = authenticate(
        request._request, username=username, password=data.validated_data["password"]
    )
    if user is None:
        # Django turns the lockout backend's refusal into None: tell the caller which it was.
        if is_locked(username, client_ip(request._request)):
            raise exceptions.PermissionDenied(str(LockedOut()))
        raise exceptions.AuthenticationFailed(_("Wrong username or password."))
    _second_factor(request._request, user, data.validated_data["code"])
    if password_expired(user):  # 等保三级 8.1.4.1 a: changed on the site first
        raise exceptions.PermissionDenied(expired_password_message())
    request._request.user = user  # the token's audit entry names its owner as the actor
    token, key = services.issue_api_token(
        user, data.validated_data["name"], data.validated_data["days"]
    )
    return Response({"token": key, "expires_at": token.expires_at}, status=201)


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner or a user manager sees it: never its key."""

    username = serializers.CharField(source="user.username", read_only=True)
    state = serializers.ChoiceField(choices=TokenState.choices, read_only=True)
    idle_until = serializers.DateTimeField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "user", "username", "name", "prefix", "created_at", "last_used_at",
                  "expires_at", "idle_until", "revoked_at", "state"]  # fmt: skip


class ApiTokenViewSet(viewsets.ReadOnlyModelViewSet):
    """One's own API tokens (a user manager: also those of the users in their scope), and
    revoking one. The key is never shown again after it was issued."""

    serializer_class = ApiTokenSerializer
    filterset_class = ApiTokenFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.api_token_list(self.request.user, self.request.query_params)
        return selectors.api_tokens_for(self.request.user)

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Stop the token at once (kept in the list as revoked); audited."""
        token = services.revoke_api_token(self.get_object())
        return Response(ApiTokenSerializer(token).data)


class ImportJobSerializer(serializers.ModelSerializer):
    # "interrupted" for a running job whose worker stopped giving signs of life (heartbeat_at).
    status = serializers.ChoiceField(
        source="state", read_only=True,
        choices=[*ImportStatus.values, INTERRUPTED],
    )  # fmt: skip

    class Meta:
        model = ImportJob
        fields = ["id", "kind", "filename", "options", "status", "rows_read", "report",
                  "message", "created_at", "heartbeat_at", "finished_at"]  # fmt: skip


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(SPECS))
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=False)
    all_or_nothing = serializers.BooleanField(default=False)
    update = serializers.BooleanField(default=False)

    def validate_file(self, upload):
        try:
            jobs.check_upload_size(upload.size)
        except DjangoValidationError as refused:
            raise serializers.ValidationError(refused.messages) from None
        return upload

    target = IdField(
        required=False, min_value=1,
        help_text="the record the rows go into, for kinds that import into one: a class's id for "
        "sessions and enrollments, an evaluation booking's id for evaluation_results",
    )  # fmt: skip


class ImportJobViewSet(viewsets.ReadOnlyModelViewSet):
    """Imports: upload a file (it is queued for the worker), poll the job, fetch the rejected
    rows as xlsx."""

    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = ImportJobFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.import_job_list(self.request.user, self.request.query_params)
        return selectors.import_jobs_for(self.request.user)

    @extend_schema(request=ImportUploadSerializer, responses={202: ImportJobSerializer})
    def create(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        options = {name: data[name] for name in jobs.OPTION_NAMES}
        job = jobs.start_import(
            request.user, data["kind"], data["file"].read(), data["file"].name,
            target=data.get("target"), **options,
        )  # fmt: skip
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        """The rejected rows as they were in the file, with a reason column (xlsx)."""
        job = self.get_object()
        if not job.error_report:
            raise exceptions.NotFound()
        response = HttpResponse(jobs.error_report_of(job), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="rejected-{job.pk}.xlsx"'
        return response
