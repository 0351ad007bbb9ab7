"""Two-factor sign-in (等保三级 身份鉴别 8.1.4.1 d): a TOTP device and recovery codes per user,
kept by django-otp's TOTP and static plugins.

- Enrolment is the user's own: an unconfirmed TOTP device is made, its otpauth address shown
  as a QR code drawn here (SVG, no outside service) and its secret as text; a first right code
  confirms it and gives RECOVERY_CODES recovery codes, shown once.
- Recovery codes are stored only as hashes (django-otp's static tokens hold the hash): 80 random
  bits each, so a plain SHA-256 cut to 80 bits is as hard to reverse as the code is to guess, and
  no key is needed to check them (none to rotate). Each works once.
- Which roles must use it is a setting (TWO_FACTOR_REQUIRED_ROLES, core.security); the login's
  second step and the API's token endpoint ask for the code, and both count a wrong one as a
  failed login (core.security's lockout); django-otp's own throttling (1, 2, 4 … seconds after
  each wrong code on a device) comes on top.
- An administrator who manages users resets someone's second factor (`reset`), audited; the
  user enrols again at their next login.

A user keeps their own credentials whatever their role: these writes are audited but not
refused to a read-only role (finance/audit must enrol like everyone else), as a password change.
"""

import base64
import hashlib
import secrets

import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from jineng.core import audit
from jineng.core.models import AuditAction, TwoFactorDevice, User
from jineng.core.roles import Capability, acting_user, require_actor, require_capability
from jineng.core.scope import scoped

RECOVERY_CODES = 10
DEVICE_NAME = "TOTP"
RECOVERY_DEVICE_NAME = "recovery"
NOT_A_USER_MANAGER = gettext_lazy("Only an administrator who manages users may do this.")


# -- reading ------------------------------------------------------------------------------------


def totp_device(user, *, confirmed: bool = True) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user, confirmed=confirmed).order_by("id").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def status(user) -> dict:
    """What the account page and a user's page show: enrolled since, last used, codes left."""
    device = totp_device(user)
    return {
        "enrolled": device is not None,
        "since": device.created_at if device else None,
        "last_used": device.last_used_at if device else None,
        "recovery_codes_left": recovery_codes_left(user) if device else 0,
    }


def secret_text(device: TwoFactorDevice) -> str:
    """The secret as an authenticator app takes it when typed: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TwoFactorDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (drawn here, nothing fetched)."""
    code = segno.make(device.config_url, error="m")
    title = _("QR code for the authenticator app")
    return code.svg_inline(scale=4, border=2, light="#fff", title=title)


# -- recovery codes -----------------------------------------------------------------------------


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def recovery_hash(code: str) -> str:
    """The stored form of a recovery code: 16 base32 characters (80 bits of SHA-256)."""
    digest = hashlib.sha256(_normalised(code).encode()).digest()[:10]
    return base64.b32encode(digest).decode().lower()


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _replace_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_hash(code)) for code in codes
    )
    return codes


# -- writes -------------------------------------------------------------------------------------


def _record(user, message: str) -> None:
    audit.record(AuditAction.UPDATE, user, message=message)


@transaction.atomic
def start_enrolment(user: User) -> TwoFactorDevice:
    """The user's unconfirmed TOTP device, made on first call (the same one until confirmed)."""
    require_actor()
    if totp_device(user) is not None:
        raise ValidationError(_("Two-factor sign-in is already set up for this account."))
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TwoFactorDevice.objects.create(
            user=user,
            name=DEVICE_NAME,
            confirmed=False,
            key=TwoFactorDevice.sealed(secrets.token_bytes(20)),
        )
        _record(user, _("two-factor sign-in: enrolment started"))
    return device


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Confirm the unconfirmed device with its first code; return the new recovery codes (the
    only time they are seen). A wrong code raises ValidationError(code="wrong_code")."""
    require_actor()
    with transaction.atomic():  # a wrong code's throttling is kept: raised after the commit
        waiting = TwoFactorDevice.objects.filter(user=user, confirmed=False)
        device = waiting.select_for_update().first()
        if device is None:
            problem = ValidationError(
                _("Start the enrolment again: no device is waiting to be confirmed.")
            )
        else:
            problem = _check(device, code)
        if problem is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _replace_recovery_codes(user)
            _record(
                user,
                _("two-factor sign-in set up (TOTP) with %(count)d recovery codes")
                % {"count": RECOVERY_CODES},
            )
    if problem is not None:
        raise problem
    return codes


def new_recovery_codes(user: User, code: str) -> list[str]:
    """Fresh recovery codes in place of the old ones, after a right TOTP code."""
    require_actor()
    with transaction.atomic():
        confirmed = TwoFactorDevice.objects.filter(user=user, confirmed=True)
        device = confirmed.select_for_update().first()
        if device is None:
            problem = ValidationError(_("Two-factor sign-in is not set up for this account."))
        else:
            problem = _check(device, code)
        if problem is None:
            codes = _replace_recovery_codes(user)
            _record(user, _("two-factor sign-in: new recovery codes, the old ones no longer work"))
    if problem is not None:
        raise problem
    return codes


@transaction.atomic
def reset(target: User) -> None:
    """An administrator who manages users removes someone's TOTP device and recovery codes (a
    lost phone): the user sets it up again at their next login. Only within the
    administrator's scope; audited under the administrator."""
    require_capability(Capability.MANAGE_USERS, NOT_A_USER_MANAGER)
    actor = acting_user()
    if actor is not None and not scoped(actor, User.objects).filter(pk=target.pk).exists():
        raise PermissionDenied(str(NOT_A_USER_MANAGER))
    removed = TwoFactorDevice.objects.filter(user=target).delete()[0]
    StaticDevice.objects.filter(user=target).delete()
    if not removed:
        raise ValidationError(_("This user has no two-factor sign-in to reset."))
    _record(target, _("two-factor sign-in reset by an administrator: to be set up again"))


# -- verification -------------------------------------------------------------------------------


WRONG_CODE = gettext_lazy("The code is wrong or has been used.")


def _check(device, code: str) -> ValidationError | None:
    """Verify `code` on `device` (django-otp: a TOTP code once only, a static token used up);
    the refusal is returned, not raised, so that the caller's transaction keeps the device's
    throttling count."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
        return ValidationError(
            _("Too many wrong codes: wait %(seconds)d seconds and try again.") % {"seconds": wait},
            code="throttled",
        )
    if not device.verify_token(_normalised(code)):
        return ValidationError(str(WRONG_CODE), code="wrong_code")
    return None


def is_totp_code(code: str) -> bool:
    text = _normalised(code)
    return text.isascii() and text.isdigit() and len(text) in (6, 8)


def verify(user: User, code: str):
    """The device that accepts `code` (a TOTP code, or a recovery code, used up), else raise
    ValidationError: code "wrong_code" for a wrong or reused code (the caller counts it as a
    failed login), "throttled" while django-otp makes the device wait after wrong codes."""
    with transaction.atomic():
        if is_totp_code(code):
            devices = TwoFactorDevice.objects.filter(user=user, confirmed=True)
            recovery, given = False, code
        else:
            devices = StaticDevice.objects.filter(user=user)
            recovery, given = True, recovery_hash(code)
        device = devices.select_for_update().order_by("id").first()
        if device is None:
            problem = ValidationError(str(WRONG_CODE), code="wrong_code")
        else:
            problem = _check(device, given)
        if problem is None and recovery:
            left = device.token_set.count()
            _record(user, _("signed in with a recovery code; %(count)d left") % {"count": left})
    if problem is not None:
        raise problem
    return device
