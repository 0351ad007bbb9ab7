"""One-time codes texted to a phone (验证码): the one service every purpose uses.

A worker's phone is confirmed by a six-digit code at registration (jineng.offers) and when they
change it (jineng.portal). For both, `issue` texts a code through core.sms and keeps only its
keyed hash (bound to the purpose and the phone), the phone's look-up hash (never the number in
clear), the address and the account it was asked from; `verify` takes the newest code of the
phone (or of the account) for that purpose, unexpired, not used and within its tries, and
counts a wrong code against the tries in a transaction of its own, kept though the answer is a
refusal; `spend` marks the code used inside the caller's transaction, so a code confirms once.

The same settings hold for every purpose: a code lives PHONE_CODE_SECONDS, PHONE_CODE_TRIES
wrong codes end it, and in an hour a phone is sent at most PHONE_CODES_PER_PHONE codes, an
address asks for at most PHONE_CODES_PER_ADDRESS and an account for at most
PHONE_CODES_PER_USER (0: no limit). Only the newest code of a phone (or an account) for a
purpose works: asking again makes the earlier one useless.

The caller checks the phone (people.services.check_phone), who acts and that they may (a phone
change is the worker's own; a registration is the system's named work `public:register`); the
texts each purpose shows are its own (`Purpose`), so each page words its refusals as before.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jineng.core import crypto, writes
from jineng.core.models import CodePurpose, PhoneCode
from jineng.core.personal import mask_phone
from jineng.core.sms import SmsError, send_sms

CODE_DIGITS = 6
RATE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Purpose:
    """What a code confirms, and the words its pages use: the text message (with %(code)s and
    %(minutes)d), the refusal when the gateway does not take it (%(why)s or %(problem)s) and
    the field it is said on, and the refusals of a code that is missing, expired, wrong
    (%(left)d tries left), wrong at the last try, and spent by wrong tries."""

    key: str
    sms: Promise
    unsent: Promise
    unsent_field: str
    missing: Promise
    expired: Promise
    wrong: Promise
    last_wrong: Promise
    exhausted: Promise


_EXHAUSTED = _("Too many wrong codes: ask for a new one.")
_GONE = _("The code has expired or was never sent: ask for a new one.")

REGISTER = Purpose(
    key=CodePurpose.REGISTER,
    sms=_(
        "Your jineng registration code is %(code)s. It expires in %(minutes)d "
        "minutes; do not tell it to anyone."
    ),
    unsent=_("The text message could not be sent: %(why)s"),
    unsent_field="phone",
    missing=_GONE,
    expired=_GONE,
    wrong=_("The code is wrong; %(left)d tries left."),
    last_wrong=_EXHAUSTED,
    exhausted=_EXHAUSTED,
)
PHONE_CHANGE = Purpose(
    key=CodePurpose.PHONE_CHANGE,
    sms=_(
        "[jineng] Your code to confirm this phone number: %(code)s (valid %(minutes)d "
        "minutes). Tell nobody this code."
    ),
    unsent=_("The code could not be sent to this number (%(problem)s): try again later."),
    unsent_field=NON_FIELD_ERRORS,
    missing=_("Ask for a code first."),
    expired=_("This code has expired: ask for a new one."),
    wrong=_("Wrong code: %(left)d tries left."),
    last_wrong=_("Wrong code, and no try left: ask for a new one."),
    exhausted=_EXHAUSTED,
)


def valid_for() -> timedelta:
    """How long a code lives (PHONE_CODE_SECONDS)."""
    return timedelta(seconds=settings.PHONE_CODE_SECONDS)


def minutes_valid() -> int:
    """The life of a code in whole minutes, as the text message and the pages say it."""
    return max(settings.PHONE_CODE_SECONDS // 60, 1)


def tries_allowed() -> int:
    """Wrong codes that end a code (PHONE_CODE_TRIES)."""
    return settings.PHONE_CODE_TRIES


def codes_per_user() -> int:
    """Codes one account may ask for in an hour (PHONE_CODES_PER_USER; 0: no limit)."""
    return settings.PHONE_CODES_PER_USER


def phone_hash(phone: str) -> str:
    """The phone's look-up hash: the registry's (people.Person.phone_hash) for a checked number."""
    return crypto.lookup_hash(phone, "phone")


def _code_hash(purpose: Purpose, digest: str, code: str) -> str:
    return crypto.lookup_hash(f"{purpose.key}:{digest}:{code}", "phone_code")


def _new_code() -> str:
    return "".join(secrets.choice("0123456789") for _i in range(CODE_DIGITS))


def _check_rate(phone_digest: str, ip: str | None, user) -> None:
    since = timezone.now() - RATE_WINDOW
    recent = PhoneCode.objects.filter(created_at__gte=since)
    per_user = codes_per_user()
    if per_user and user is not None and recent.filter(user=user).count() >= per_user:
        raise ValidationError(
            _("You asked for %(n)d codes within an hour: wait an hour before asking again.")
            % {"n": per_user}
        )
    per_phone = settings.PHONE_CODES_PER_PHONE
    if per_phone and recent.filter(phone_hash=phone_digest).count() >= per_phone:
        raise ValidationError(
            {"phone": _("Too many codes were sent to this phone: try again in an hour.")}
        )
    per_address = settings.PHONE_CODES_PER_ADDRESS
    if per_address and ip and recent.filter(ip=ip).count() >= per_address:
        raise ValidationError(
            {"phone": _("Too many codes were asked for from this address: try again in an hour.")}
        )


def issue(
    purpose: Purpose, phone: str, *, ip: str | None = None, user=None, keep_number: bool = False
) -> PhoneCode:
    """Text a new code for `purpose` to `phone` (a number the caller has checked). Refused
    beyond the rates of the account, the phone and the address. `keep_number`: the number is
    kept sealed beside the code (a phone change applies it once confirmed). The code is
    committed before the text leaves; a text the gateway refuses is a refusal in the
    purpose's words (the code, never received, still counts in the rates)."""
    digest = phone_hash(phone)
    code = _new_code()
    now = timezone.now()
    with transaction.atomic():
        _check_rate(digest, ip, user)
        sent = writes.create(
            PhoneCode(
                purpose=purpose.key,
                phone_hash=digest,
                code_hash=_code_hash(purpose, digest, code),
                user=user,
                phone_cipher=crypto.encrypt(phone, "phone") if keep_number else None,
                phone_masked=mask_phone(phone) if keep_number else "",
                ip=ip or None,
                created_at=now,
                expires_at=now + valid_for(),
            ),
            validate=False,
        )
    try:
        send_sms(phone, purpose.sms % {"code": code, "minutes": minutes_valid()})
    except SmsError as problem:
        why = {"why": problem, "problem": problem}
        raise ValidationError({purpose.unsent_field: purpose.unsent % why}) from None
    return sent


def _newest(purpose: Purpose, phone: str | None, user):
    rows = PhoneCode.objects.filter(purpose=purpose.key, confirmed_at__isnull=True)
    if phone is not None:
        rows = rows.filter(phone_hash__in=crypto.lookup_hashes(phone, "phone"))
    elif user is not None:
        rows = rows.filter(user=user)
    else:
        return None  # fail closed: a code is always of a phone or of an account
    return rows.order_by("-created_at", "-id")


def pending(purpose: Purpose, *, user) -> PhoneCode | None:
    """The account's code for `purpose` still waiting to be typed, if any."""
    rows = _newest(purpose, None, user)
    return rows.filter(expires_at__gt=timezone.now()).first() if rows is not None else None


def verify(purpose: Purpose, code: str, *, phone: str | None = None, user=None) -> PhoneCode:
    """The newest unused code for `purpose` of `phone` (registration) or of `user` (a phone
    change), if `code` is it, unexpired and within its tries. A wrong code uses up a try, in a
    transaction of its own: call it outside the caller's transaction, then `spend` the code
    inside it."""
    with transaction.atomic():
        rows = _newest(purpose, phone, user)
        sent = rows.select_for_update().first() if rows is not None else None
        if sent is None:
            raise ValidationError({"code": purpose.missing})
        if sent.expires_at <= timezone.now():
            raise ValidationError({"code": purpose.expired})
        if sent.tries >= tries_allowed():
            raise ValidationError({"code": purpose.exhausted})
        code = "".join((code or "").split())
        if hmac.compare_digest(sent.code_hash, _code_hash(purpose, sent.phone_hash, code)):
            return sent
        writes.update(sent, tries=sent.tries + 1, validate=False, message="wrong code")
    left = tries_allowed() - sent.tries
    if left <= 0:
        raise ValidationError({"code": purpose.last_wrong})
    raise ValidationError({"code": purpose.wrong % {"left": left}})


def spend(purpose: Purpose, sent: PhoneCode) -> PhoneCode:
    """Mark a verified code used, inside the caller's transaction: a code confirms once (a
    second use at the same time finds it used and is refused)."""
    locked = (
        PhoneCode.objects.select_for_update()
        .filter(pk=sent.pk, purpose=purpose.key, confirmed_at__isnull=True)
        .first()
    )
    if locked is None:
        raise ValidationError({"code": purpose.missing})
    return writes.update(locked, confirmed_at=timezone.now(), validate=False)


def number_of(sent: PhoneCode) -> str:
    """The number a code kept sealed (`issue(keep_number=True)`), for the caller to apply."""
    return crypto.decrypt(bytes(sent.phone_cipher), "phone")
