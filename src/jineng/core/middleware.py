import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.views import APIView

from jineng.core import audit
from jineng.core.public import PUBLIC_URL_NAMES
from jineng.core.security import password_expired, two_factor_required

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request) -> str | None:
    """The client's address. Behind a proxy, the proxy's X-Forwarded-For (last hop it added)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Give each request an id and make it, the address and the user known to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID_RE.match(incoming) else audit.new_request_id()
        request.request_id = request_id
        with audit.audit_context(ip=client_ip(request), request_id=request_id, request=request):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Headers Django 5.2 does not set itself: Content-Security-Policy and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if request.path.startswith("/api/docs"):
            # Swagger UI writes <style> elements of its own; scripts stay same-origin only.
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        # Pages with personal data must not stay in shared caches or the back button: signed-in
        # pages, and public ones too (the notices of claims show masked people, forms carry
        # a CSRF token). A view whose answer may be kept says so (cache_control: the icon, the
        # certificates' public keys), and that stays.
        response.setdefault("Cache-Control", "no-store")
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Fail closed for pages: every view needs a signed-in user unless its name is on the one
    public list (`core.public`), whatever decorators it has or forgot. API views are left to
    DRF, which authenticates tokens itself and whose default permission is IsAuthenticated."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match and request.resolver_match.view_name in PUBLIC_URL_NAMES:
            return None
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class TwoFactorMiddleware:
    """Fail closed for the second factor: a signed-in session whose user's role requires
    two-factor sign-in (TWO_FACTOR_REQUIRED_ROLES) but which no device verified is ended, and
    the visitor continues as anonymous (sent to the login page, or refused by the API). The
    login's own steps only log in after the code (core.twofactor_views); this catches any other
    way into a session, and a session whose device an administrator has since reset.
    After django-otp's OTPMiddleware, which sets `user.is_verified()` from the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.TWO_FACTOR_REQUIRED_ROLES
            and user is not None
            and user.is_authenticated
            and two_factor_required(user)
            and not getattr(user, "is_verified", lambda: False)()
        ):
            logout(request)
        return self.get_response(request)


# What a user whose password has expired may still open: the change itself, the way out, the
# login's own steps, the language, the probe and the icon.
EXPIRED_PASSWORD_ALLOWS = frozenset(
    {"core:password-change", "logout", "login", "login-code", "login-enrol", "set_language",
     "healthz", "favicon", "admin:logout"}
)  # fmt: skip


def expired_password_message() -> str:
    return _("Your password is more than %(days)d days old: choose a new one before going on.") % {
        "days": settings.PASSWORD_MAX_AGE_DAYS
    }


class PasswordExpiryMiddleware:
    """等保三级 8.1.4.1 a (passwords changed periodically): a signed-in user whose password has
    expired (core.security.password_expired) is sent to the password change page from any other
    page, and answered 403 by the API through a session; the token endpoint refuses them too.
    After the login's steps (the second factor included), so nothing else comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not settings.PASSWORD_MAX_AGE_DAYS:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXPIRED_PASSWORD_ALLOWS:
            return None
        if request.path.startswith(settings.STATIC_URL) or not password_expired(user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": expired_password_message()}, status=403,
                json_dumps_params={"ensure_ascii": False},
            )  # fmt: skip
        target = reverse("core:password-change")
        if request.method == "GET" and not getattr(request, "htmx", False):
            target += "?" + urlencode({"next": request.get_full_path()})
        response = redirect(target)
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = target
        return response
