"""The login's second step, enrolment, the account's two-factor and token pages, and an
administrator's reset (core.twofactor).

After the password, a user who must or chose to use a second factor is not logged in: the
session holds only who passed the password and when (PENDING), for TWO_FACTOR_PENDING_SECONDS.
The code step (or, without a device, the enrolment step) logs in when the code is right, so
until then every other page is closed to the visitor as to anyone anonymous. A wrong code counts
as a failed login for the lockout (core.security), like a wrong password.
"""

import time

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jineng.core import audit, selectors, services, twofactor
from jineng.core.forms import CodeForm, ConfirmForm, TokenForm
from jineng.core.middleware import client_ip
from jineng.core.models import ApiToken, AuditAction, User
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import get_scoped_or_404
from jineng.core.security import (
    LockedOut,
    clear_failures,
    is_locked,
    local_url,
    note_failure,
    two_factor_required,
)

PENDING = "jineng_2fa_pending"


# -- the pending login --------------------------------------------------------------------------


def begin(request, user, next_url: str) -> str:
    """After a right password: remember who, and say which step comes next (a URL name)."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "at": time.time(),
        "next": next_url,
    }
    return "login-code" if twofactor.totp_device(user) else "login-enrol"


def pending_user(request) -> User | None:
    """The user who passed the password in this session, if that was recent enough."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("at", 0) > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is not None:
        user.backend = data["backend"]
    return user


def _next_url(request) -> str:
    url = (request.session.get(PENDING) or {}).get("next")
    return local_url(request, url) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _finish(request, user, device) -> str:
    """Log in after the second factor; the URL to go on to."""
    next_url = _next_url(request)
    request.session.pop(PENDING, None)
    clear_failures(user.get_username())
    auth_login(request, user)
    django_otp.login(request, device)
    return next_url


def _restart(request, message: str):
    request.session.pop(PENDING, None)
    messages.error(request, message)
    return redirect("login")


def _as(request, user):
    """Act as the user who passed the password (not signed in yet) for the audit log."""
    return audit.audit_context(
        actor=user, ip=client_ip(request), request_id=getattr(request, "request_id", None)
    )


def _refused(request, user, form, problem: ValidationError) -> bool:
    """A refused code: a wrong one counts as a failed login (and may lock the account); True
    when the login must start again with the password."""
    ip = client_ip(request)
    if problem.code == "wrong_code":
        note_failure(user.get_username(), ip)
        locked = is_locked(user.get_username(), ip)
        audit.record(
            AuditAction.LOCKED_OUT if locked else AuditAction.LOGIN_FAILED,
            user,
            message=_("wrong two-factor code"),
        )
        if locked:
            return True
    form.add_error("code", problem.messages)
    return False


def _attempt(request, user, form, check):
    """Run `check(code)` as the pending user on the posted code: (its result, None) when the code
    passed; (None, a response) when the login starts again (the account or address is locked);
    (None, None) when the form says why."""
    if is_locked(user.get_username(), client_ip(request)):
        return None, _restart(request, str(LockedOut()))
    try:
        with _as(request, user):
            return check(user, form.cleaned_data["code"]), None
    except ValidationError as problem:
        if _refused(request, user, form, problem):
            return None, _restart(request, str(LockedOut()))
    return None, None


# -- the login's steps --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_code(request):
    """Step two: the code from the authenticator app, or a recovery code."""
    user = pending_user(request)
    if user is None:
        return _restart(request, _("Your login has expired: enter your password again."))
    if twofactor.totp_device(user) is None:
        return redirect("login-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, restart = _attempt(request, user, form, twofactor.verify)
        if restart is not None:
            return restart
        if device is not None:
            next_url = _finish(request, user, device)
            if device.persistent_id.startswith("otp_static."):
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(count)d are left.")
                    % {"count": twofactor.recovery_codes_left(user)},
                )
            return redirect(next_url)
    return render(request, "registration/login_code.html", {"form": form, "shown": user})


def _enrolment_context(device, form) -> dict:
    return {
        "form": form,
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_text(device),
    }


@require_http_methods(["GET", "POST"])
def login_enrol(request):
    """Step two for a user who must use a second factor and has none yet: set it up now."""
    user = pending_user(request)
    if user is None:
        return _restart(request, _("Your login has expired: enter your password again."))
    if twofactor.totp_device(user) is not None:
        return redirect("login-code")
    with _as(request, user):
        device = twofactor.start_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes, restart = _attempt(request, user, form, twofactor.confirm_enrolment)
        if restart is not None:
            return restart
        if codes is not None:
            device.refresh_from_db()
            next_url = _finish(request, user, device)
            return render(
                request, "core/recovery_codes.html", {"codes": codes, "next_url": next_url}
            )
    context = _enrolment_context(device, form)
    context["required"] = two_factor_required(user)
    return render(request, "registration/login_enrol.html", context)


# -- the account's page -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account_two_factor(request):
    """One's own second factor: set it up (anyone may), or get new recovery codes."""
    user = request.user
    state = twofactor.status(user)
    form = CodeForm(request.POST or None)
    if not state["enrolled"]:
        device = twofactor.start_enrolment(user)
        if request.method == "POST" and form.is_valid():
            try:
                codes = twofactor.confirm_enrolment(user, form.cleaned_data["code"])
            except ValidationError as problem:
                form.add_error("code", problem.messages)
            else:
                device.refresh_from_db()
                django_otp.login(request, device)
                context = {"codes": codes, "next_url": resolve_url("home")}
                return render(request, "core/recovery_codes.html", context)
        context = {**_enrolment_context(device, form), "state": state}
        return render(request, "core/account_two_factor.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.new_recovery_codes(user, form.cleaned_data["code"])
        except ValidationError as problem:
            form.add_error("code", problem.messages)
        else:
            return render(
                request,
                "core/recovery_codes.html",
                {"codes": codes, "next_url": resolve_url("core:account-two-factor")},
            )
    return render(request, "core/account_two_factor.html", {"form": form, "state": state})


@login_required
@require_POST
def reset_two_factor(request, pk: int):
    """An administrator who manages users resets someone's second factor (a lost phone)."""
    if not has_capability(request.user, Capability.MANAGE_USERS):
        raise Http404
    shown = get_scoped_or_404(request.user, User.objects.all(), pk=pk)
    if ConfirmForm(request.POST).is_valid():
        try:
            twofactor.reset(shown)
        except ValidationError as problem:
            for message in problem.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _(
                    "The second factor of %(user)s is reset: they set it up again at their "
                    "next login."
                )
                % {"user": shown},
            )
    return redirect("core:user-detail", pk=shown.pk)


# -- API tokens ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account_tokens(request):
    """One's own API tokens: name, prefix, created, last used, expiry and state, never the key;
    a new one (its key shown this once) and revoking one."""
    form = TokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.issue_api_token(
                request.user, form.cleaned_data["name"], form.cleaned_data["days"]
            )
        except ValidationError as problem:
            form.add_error(None, problem.messages)
        else:
            form = TokenForm()
    tokens = selectors.api_token_list(request.user, {"user": request.user.pk})
    context = {
        "form": form,
        "tokens": tokens,
        "new_key": key,
        "idle_days": settings.API_TOKEN_IDLE_DAYS,
    }
    return render(request, "core/account_tokens.html", context)


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = ApiToken.objects.filter(pk=pk).first()
    # Another's token is "not found" to whoever may not manage it, whether or not it exists.
    if token is None or not services.may_manage_token(request.user, token):
        raise Http404
    if ConfirmForm(request.POST).is_valid():
        try:
            services.revoke_api_token(token)
        except (ValidationError, PermissionDenied) as problem:
            messages.error(request, " ".join(getattr(problem, "messages", [str(problem)])))
        else:
            messages.success(request, _("The token %(token)s is revoked.") % {"token": token})
    if token.user_id == request.user.pk:
        return redirect("core:account-tokens")
    return redirect("core:user-detail", pk=token.user_id)
