"""Login security as 等保三级 asks: password complexity, lockout per account and address, and
passwords changed periodically without going back to a recent one.

After LOCKOUT_FAILURES failed logins within LOCKOUT_PERIOD, for one account or from one
address, further logins are refused until the period has passed since the last failure.
Attempts made while locked are refused without being counted, so a lock cannot be extended
forever by someone who keeps guessing. A successful login clears the account's failures.
"""

import hashlib
import hmac
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import user_has_device

from jineng.core.models import LoginFailure, PasswordHistory, User
from jineng.core.roles import Role


def username_hash(username: str) -> str:
    """Usernames may be ID or phone numbers: keep only a keyed hash of them."""
    normalised = (username or "").strip().lower().encode()
    return hmac.new(settings.SECRET_KEY.encode(), normalised, hashlib.sha256).hexdigest()


class LockedOut(PermissionDenied):
    def __init__(self):
        minutes = int(settings.LOCKOUT_PERIOD.total_seconds() // 60)
        super().__init__(
            ngettext(
                "Too many failed logins. Try again in %(minutes)d minute.",
                "Too many failed logins. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
        )


def _recent_failures():
    return LoginFailure.objects.filter(at__gte=timezone.now() - settings.LOCKOUT_PERIOD)


def is_locked(username: str, ip: str | None) -> bool:
    recent = _recent_failures()
    if recent.filter(username_hash=username_hash(username)).count() >= settings.LOCKOUT_FAILURES:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= settings.LOCKOUT_FAILURES


def check_not_locked(username: str, ip: str | None) -> None:
    if is_locked(username, ip):
        raise LockedOut()


def note_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username_hash=username_hash(username), ip=ip)


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username_hash=username_hash(username)).delete()


def two_factor_required(user) -> bool:
    """Whether the user's roles must sign in with a second factor (TWO_FACTOR_REQUIRED_ROLES)."""
    return bool(user.role_set & settings.TWO_FACTOR_REQUIRED_ROLES)


def needs_second_step(user) -> bool:
    """After the password: a code for whoever has a device, enrolment for whoever must have one."""
    return two_factor_required(user) or user_has_device(user)


class LockoutModelBackend(ModelBackend):
    """The model backend, refusing any attempt while the account or address is locked.

    Every way in (the login page, the admin, the API token endpoint) authenticates through
    here, so the lockout cannot be sidestepped.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        from jineng.core.middleware import client_ip

        if username is None:
            username = kwargs.get(self._username_field(), "")
        ip = client_ip(request) if request is not None else None
        if is_locked(username, ip):
            raise LockedOut()
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            note_failure(username, ip)
        elif not needs_second_step(user):
            # With a second step to come, only a right code clears the failures: a known
            # password must not reset the count of wrong codes (core.twofactor).
            clear_failures(username)
        return user

    def _username_field(self) -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


class CharacterClassValidator:
    """At least `min_classes` of: lowercase, uppercase, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def classes_in(self, password: str) -> int:
        kinds = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        return sum(kinds)

    def validate(self, password, user=None):
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must mix at least %(count)d of: lowercase letters, capital "
            "letters, digits, other characters."
        ) % {"count": self.min_classes}


# -- password age and history (等保三级 8.1.4.1 a: 鉴别信息…定期更换) ----------------------------


def password_expired(user) -> bool:
    """Whether the user must change their password before anything else: a password older than
    PASSWORD_MAX_AGE_DAYS (never set, through a way that bypassed `set_password`: as old as can
    be), for every account but one whose only role is `worker` (settings)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or not user.has_usable_password():
        return False
    roles = user.role_set
    if roles and roles <= {Role.WORKER}:
        return False
    changed = user.password_changed_at
    return changed is None or timezone.now() - changed > timedelta(days=days)


class PasswordHistoryValidator:
    """A new password may not be any of the user's last PASSWORD_HISTORY passwords (the current
    one among them), compared with their stored hashes; `password_changed`, which Django calls
    when a user with a new password is saved, keeps the hash and the day."""

    def validate(self, password, user=None):
        keep = settings.PASSWORD_HISTORY
        if not keep or user is None or user.pk is None:
            return
        hashes = list(
            PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:keep]
        )
        if user.has_usable_password():
            hashes.append(user.password)
        if any(check_password(password, encoded) for encoded in dict.fromkeys(hashes)):
            raise ValidationError(self.message(keep), code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now
        PasswordHistory.objects.create(user=user, password=user.password, set_at=now)
        kept = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)
        old = list(kept[max(settings.PASSWORD_HISTORY, 1) :])
        if old:
            PasswordHistory.objects.filter(pk__in=old).delete()

    @staticmethod
    def message(keep: int) -> str:
        return ngettext(
            "Your new password must differ from your current one.",
            "Your new password must differ from your last %(count)d passwords.",
            keep,
        ) % {"count": keep}

    def get_help_text(self):
        keep = settings.PASSWORD_HISTORY
        return self.message(keep) if keep else ""


def local_url(request, url: str) -> str:
    """`url` when it is a page of this site (a `next` or `back` to follow after a form), else
    "": never a redirect elsewhere (an open redirect), whatever the spelling ("//host",
    "/\\host", "https:host")."""
    url = url or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else ""
