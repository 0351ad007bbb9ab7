"""Certificate numbers.

职业技能等级证书 carry the national number (22 characters):

    S 0231 41 411001 26 4 000123
    │ │    │  │      │  │ └ serial: per organisation, station, year and level (6 digits)
    │ │    │  │      │  └ level digit: 5 五级/初级工 … 1 一级/高级技师
    │ │    │  │      └ year of issue (2 digits)
    │ │    │  └ the organisation's station code (6 digits)
    │ │    └ province: the first two digits of the organisation's region code
    │ └ the organisation's register code (4 digits)
    └ Y: an employer (用人单位); S: a social training-evaluation organisation or a college

The other kinds have a number of their own: a two-letter prefix (ZG 职业资格证书,
ZX 专项职业能力证书, PX 培训合格证书), the year (4 digits) and a serial of 8 digits, per kind
and year.

Serials come from `NumberSequence` rows, raised by an UPDATE inside the issuing transaction: the
row stays locked until the certificate is stored (PostgreSQL row lock; SQLite's write lock), so
concurrent issues never collide.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jineng.certificates.models import CertificateKind, NumberSequence

SKILL_LEVEL_RE = re.compile(
    r"^(?P<org_type>[YS])(?P<register>\d{4})(?P<province>\d{2})(?P<station>\d{6})"
    r"(?P<year>\d{2})(?P<level>[1-5])(?P<serial>\d{6})$"
)
OWN_PREFIXES = {
    CertificateKind.QUALIFICATION: "ZG",
    CertificateKind.SPECIAL_ABILITY: "ZX",
    CertificateKind.TRAINING_COMPLETION: "PX",
}
KIND_OF_PREFIX = {prefix: kind for kind, prefix in OWN_PREFIXES.items()}
OWN_RE = re.compile(r"^(?P<prefix>ZG|ZX|PX)(?P<year>\d{4})(?P<serial>\d{8})$")
# GB/T 2260 province-level codes (the first two digits of every region code).
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}  # fmt: skip
LEVEL_DIGITS = {"5", "4", "3", "2", "1"}  # SkillLevel codes of 五级 … 一级
SKILL_SERIAL_MAX = 999_999
OWN_SERIAL_MAX = 99_999_999


@dataclass(frozen=True)
class CertificateNumber:
    """A number taken apart; the fields of the national format are empty for the other kinds."""

    number: str
    kind: str  # CertificateKind value; for a national number, SKILL_LEVEL
    year: int
    serial: int
    org_type: str = ""  # Y or S
    register_code: str = ""
    province: str = ""
    station_code: str = ""
    level_digit: str = ""


def normalise(text: str) -> str:
    """As people type it: full-width characters folded, spaces and dashes dropped, upper case."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\-_]", "", text).upper()


def parse(text: str) -> CertificateNumber:
    """Take a number of this platform apart; ValidationError when it is not one."""
    number = normalise(text)
    found = SKILL_LEVEL_RE.match(number)
    if found:
        if found["province"] not in PROVINCES:
            raise ValidationError(
                _("The certificate number names no province (“%(code)s”).")
                % {"code": found["province"]}
            )
        if int(found["serial"]) == 0:
            raise ValidationError(_("The certificate number has the serial 000000."))
        return CertificateNumber(
            number=number,
            kind=CertificateKind.SKILL_LEVEL,
            year=2000 + int(found["year"]),
            serial=int(found["serial"]),
            org_type=found["org_type"],
            register_code=found["register"],
            province=found["province"],
            station_code=found["station"],
            level_digit=found["level"],
        )
    found = OWN_RE.match(number)
    if found and int(found["serial"]) > 0:
        return CertificateNumber(
            number=number,
            kind=KIND_OF_PREFIX[found["prefix"]],
            year=int(found["year"]),
            serial=int(found["serial"]),
        )
    raise ValidationError(
        _(
            "Not a certificate number of this platform: a skill level certificate has 22 "
            "characters (Y or S and 21 digits), the others ZG, ZX or PX, a year and 8 digits."
        )
    )


def is_wellformed(text: str) -> bool:
    try:
        parse(text)
    except ValidationError:
        return False
    return True


def org_letter(evaluation_org) -> str:
    """Y for an employer (用人单位); S for social training-evaluation organisations and colleges."""
    return "Y" if evaluation_org.type == "employer" else "S"


def level_digit(level) -> str:
    """The level digit of the national number: 5 (五级/初级工) … 1 (一级/高级技师)."""
    code = getattr(level, "code", "") or ""
    if code not in LEVEL_DIGITS:
        raise ValidationError(
            {
                "level": _(
                    "A skill level certificate is issued for 五级 to 一级 only, "
                    "not for “%(level)s”."
                )
                % {"level": level or "—"}
            }
        )
    return code


def skill_level_prefix(evaluation_org, level, year: int) -> str:
    """The first 16 characters of a national number: all but the serial."""
    if evaluation_org is None:
        raise ValidationError(
            {"evaluation_org": _("A skill level certificate needs its evaluation organisation.")}
        )
    register, station = evaluation_org.register_code, evaluation_org.station_code
    region = evaluation_org.organisation.region_code or ""
    if not (re.fullmatch(r"\d{4}", register or "") and re.fullmatch(r"\d{6}", station or "")):
        raise ValidationError(
            {
                "evaluation_org": _(
                    "%(org)s has no register code and station code: it cannot issue skill "
                    "level certificates until the bureau records them."
                )
                % {"org": evaluation_org}
            }
        )
    province = region[:2]
    if province not in PROVINCES:
        raise ValidationError(
            {
                "evaluation_org": _("%(org)s has no region code to take the province from.")
                % {"org": evaluation_org}
            }
        )
    digit = level_digit(level)
    return f"{org_letter(evaluation_org)}{register}{province}{station}{year % 100:02d}{digit}"


def next_serial(prefix: str) -> int:
    """The next serial under a prefix. Call inside the transaction that stores the certificate:
    the row's lock is held until it ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate certificate serials inside the issuing transaction")
    sequences = NumberSequence.objects.filter(prefix=prefix)
    if not sequences.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                NumberSequence.objects.create(prefix=prefix, last=1)
                return 1
        except IntegrityError:  # another transaction created it first: take the next one
            sequences.update(last=F("last") + 1)
    return sequences.values_list("last", flat=True).get()


def allocate(kind: str, *, evaluation_org=None, level=None, issued_on: date) -> str:
    """A new number for a certificate of `kind` issued on `issued_on`."""
    if kind == CertificateKind.SKILL_LEVEL:
        prefix = skill_level_prefix(evaluation_org, level, issued_on.year)
        serial = next_serial(prefix)
        if serial > SKILL_SERIAL_MAX:
            raise ValidationError(
                _("The serials of %(prefix)s are used up for this year.") % {"prefix": prefix}
            )
        return f"{prefix}{serial:06d}"
    if kind not in OWN_PREFIXES:
        raise ValidationError({"kind": _("Unknown certificate kind: %(kind)s") % {"kind": kind}})
    prefix = f"{OWN_PREFIXES[kind]}{issued_on.year:04d}"
    serial = next_serial(prefix)
    if serial > OWN_SERIAL_MAX:
        raise ValidationError(
            _("The serials of %(prefix)s are used up for this year.") % {"prefix": prefix}
        )
    return f"{prefix}{serial:08d}"
