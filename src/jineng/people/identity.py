"""Identity documents, phones and credit codes as people type them: cleaned, checked, masked.

Pure Python (no Django), so the rules can be read and tested alone; the registry
(`jineng.people.services`) turns the errors raised here into form errors.

Sources of the rules:

- DOMAIN.md, "The closed loop" step 1 (real-name registry) and "Reference codes" (GB/T 2260
  regions; codes abolished long ago, such as 412301, still appear in valid ID numbers).
- GB 11643-1999 公民身份号码: 6-digit address code (GB/T 2260), 8-digit birth date, 3-digit
  sequence (odd = male), ISO 7064 MOD 11-2 check character with weights
  7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 and `sum mod 11 -> 1 0 X 9 8 7 6 5 4 3 2`.
- GB 11643-1989: the 15-digit first-generation number (address code, YYMMDD in the 1900s,
  3-digit sequence, no check character).
- 港澳台居民居住证申领发放办法 (2018): a residence permit carries a 公民身份号码 built by
  GB 11643 with the address code 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan).
- National Immigration Administration, 新版外国人永久居留身份证 (issued from 2023-12-01): 18
  characters, first digit 9, digits 2-3 the issuing province, 4-6 a numeric nationality code,
  7-14 the birth date, 15-16 a sequence, 17 sex, 18 a GB 11643 (MOD 11-2) check character; the
  2017 card has 15 characters, 3 Latin letters (nationality) and 12 digits.
- GB 32100-2015 统一社会信用代码 (check character through `stdnum.cn.uscc`).
- GB/T 2261.1-2003 sex codes (1 = male, 2 = female), accepted when comparing a typed sex.

No message ever contains a whole document or phone number (it is personal data): a message says
what is wrong, and may quote one character, a check character, a birth date or a region code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from stdnum.cn import uscc as stdnum_uscc

# Pure Python, like this module: the one place where personal data is masked.
from jineng.core.personal import mask_id_number
from jineng.core.personal import mask_phone as _mask_phone

__all__ = [
    "DOCUMENT_KINDS",
    "CreditCodeError",
    "Document",
    "IdNumber",
    "IdNumberError",
    "IdentityError",
    "PhoneError",
    "check_against_typed",
    "check_document",
    "check_id_number",
    "check_not_mangled",
    "check_phone",
    "check_uscc",
    "gb11643_check_character",
    "mask_id",
    "mask_phone",
    "normalise",
    "upgrade_15_to_18",
]

RegionExists = Callable[[str], bool]

# GB 11643-1999 §7: ISO 7064 MOD 11-2 weights of the 17 body digits, and the check character for
# each value of the weighted sum mod 11.
GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
GB11643_CHECK = "10X98765432"

# Birth dates before this are refused ("birth_date"): no living person, and a sure sign of a typo.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# First two digits of GB/T 2260 province-level codes (the address code's first level), including
# 71 台湾省, 81 香港, 82 澳门. The list has not changed since 重庆 (50) in 1997; abolished
# prefecture and county codes (412301) are left to the region_exists callback.
PROVINCES = frozenset(
    {
        *("11", "12", "13", "14", "15"),  # 华北
        *("21", "22", "23"),  # 东北
        *("31", "32", "33", "34", "35", "36", "37"),  # 华东
        *("41", "42", "43", "44", "45", "46"),  # 中南
        *("50", "51", "52", "53", "54"),  # 西南
        *("61", "62", "63", "64", "65"),  # 西北
        *("71", "81", "82"),  # 台湾, 香港, 澳门
    }
)

# Address codes of residence permits (港澳台居民居住证申领发放办法, 2018).
HONG_KONG, MACAO, TAIWAN = "810000", "820000", "830000"

DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "id_card": ("公民身份号码", "citizen ID number"),
    "hk_macao_residence": ("港澳居民居住证号码", "Hong Kong/Macao residence permit number"),
    "taiwan_residence": ("台湾居民居住证号码", "Taiwan residence permit number"),
    "foreign_permanent": (
        "外国人永久居留身份证号码",
        "foreign permanent residence ID card number",
    ),
    "passport": ("护照号码", "passport number"),
}

# Invisible characters that are not str.isspace() but arrive from web pages and word processors:
# zero-width space, zero-width non-joiner and joiner, word joiner, zero-width no-break space (BOM),
# Mongolian vowel separator.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e")

DIGITS = frozenset("0123456789")


class IdentityError(Exception):
    """A document number, phone or credit code that cannot be accepted.

    `code` is machine-readable (e.g. "check_character"); `message_zh` and `message_en` say what
    is wrong for the person who typed it, never quoting the whole number.
    """

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{code}: {message_en}")

    def message(self, lang: str = "zh") -> str:
        """The message in `lang`: Chinese for any "zh*" language code, English otherwise."""
        return self.message_zh if (lang or "").lower().startswith("zh") else self.message_en

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r})"


class IdNumberError(IdentityError):
    """An identity-document number (ID card, residence permit, passport) that is not valid."""


class PhoneError(IdentityError):
    """A phone number that is not a mainland mobile or landline number."""


class CreditCodeError(IdentityError):
    """A 统一社会信用代码 that is not valid (GB 32100-2015)."""


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A valid 公民身份号码 (18 characters) or first-generation number (15 digits)."""

    number: str
    birth_date: date
    sex: str  # "M" or "F"
    region_code: str  # the first six digits (GB/T 2260, possibly abolished)

    @property
    def number_18(self) -> str:
        """The 18-character form (a 15-digit number upgraded per GB 11643-1999)."""
        return self.number if len(self.number) == 18 else upgrade_15_to_18(self.number)

    @property
    def masked(self) -> str:
        return mask_id(self.number)


@dataclass(frozen=True, slots=True)
class Document:
    """A valid identity-document number and what it says about its holder.

    `region_code`: the six-digit address code for an ID card (GB/T 2260, possibly abolished) and
    for a residence permit (810000, 820000 or 830000; 830000 is not a GB/T 2260 code); for a 2023
    foreign permanent residence card, the issuing province (digits 2-3, as "NN0000"); else None.
    `nationality`: for a foreign permanent residence card, the nationality code it carries
    (3 digits in the 2023 format, 3 letters in the 2017 format); else None.
    """

    kind: str
    number: str
    birth_date: date | None = None
    sex: str | None = None
    region_code: str | None = None
    nationality: str | None = None

    @property
    def masked(self) -> str:
        return mask_id(self.number)


# ---------------------------------------------------------------------------------------------
# Cleaning


def normalise(text: str | None) -> str:
    """What a spreadsheet cell or a person typed, cleaned, and nothing else "fixed".

    NFKC (full-width digits and letters become ASCII), every kind of whitespace removed
    (U+3000 ideographic space, no-break space, zero-width spaces, line breaks, tabs), and a
    lowercase x that ends a mainland-style ID number (17 digits + x) becomes X (GB 11643-1999
    writes the check character 10 as a capital X). None becomes "".
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        raise TypeError(f"normalise() takes text, not {type(text).__name__}")
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii() or not text.isalnum():  # the common case, a clean number, skips this
        text = "".join(ch for ch in text if not ch.isspace() and ch not in ZERO_WIDTH)
    # Once more: a removed space (NFKC turns U+00B8 into space + combining cedilla) can leave
    # characters that compose; composing adds no whitespace, so the result is stable.
    text = unicodedata.normalize("NFKC", text)
    if len(text) == 18 and text[-1] == "x" and all(ch in DIGITS for ch in text[:17]):
        text = text[:17] + "X"
    return text


SCIENTIFIC_RE = re.compile(r"[+-]?\d+(?:\.\d*)?[eE][+-]?\d+")
DECIMAL_RE = re.compile(r"\d+\.\d*")  # "411402199001011000.0": a float written out as text


def check_not_mangled(raw_cell: object, kind: str = "id_card") -> None:
    """Refuse an ID cell that a spreadsheet stored as a number.

    Excel keeps numbers as 64-bit floats (about 15 significant digits): an 18-digit ID number
    typed into a cell that is not formatted as text loses its last digits and shows as
    4.11402E+17. Such a value - an int or float cell, or text in scientific notation or with a
    decimal point - cannot be trusted or repaired; the message asks the user to format the
    column as text and enter the numbers again. None and other text pass (checked later).
    """
    if raw_cell is None or isinstance(raw_cell, bool):
        return
    if isinstance(raw_cell, int | float | Decimal):
        raise _mangled(kind)
    if isinstance(raw_cell, str):
        text = normalise(raw_cell)
        if SCIENTIFIC_RE.fullmatch(text) or DECIMAL_RE.fullmatch(text):
            raise _mangled(kind)


def _mangled(kind: str) -> IdNumberError:
    label_zh, label_en = DOCUMENT_KINDS.get(kind, DOCUMENT_KINDS["id_card"])
    return IdNumberError(
        "spreadsheet_number",
        f"{label_zh}被电子表格存成了数字（例如显示为 4.11402E+17），末尾几位或开头的0"
        "可能已经丢失，无法使用。请先把该列的单元格格式设置为“文本”，再重新录入号码。",
        f"the {label_en} was stored by the spreadsheet as a number (shown like 4.11402E+17) "
        "and may have lost its last digits or leading zeros, so it cannot be used; format the "
        "column as Text and enter the numbers again",
    )


# ---------------------------------------------------------------------------------------------
# GB 11643


def gb11643_check_character(body: str) -> str:
    """The check character of 17 digits (GB 11643-1999 §7, ISO 7064 MOD 11-2)."""
    if len(body) != 17 or not all(ch in DIGITS for ch in body):
        raise ValueError("the body of a GB 11643 number is 17 digits")
    total = sum(int(ch) * weight for ch, weight in zip(body, GB11643_WEIGHTS, strict=True))
    return GB11643_CHECK[total % 11]


def upgrade_15_to_18(number: str) -> str:
    """The 18-character number of a 15-digit first-generation number (GB 11643-1999 §8):
    "19" before the six-digit birth date, then the check character of the 17 digits."""
    text = normalise(number)
    _check_characters(text, "id_card", allow_x=False)
    if len(text) != 15:
        raise IdNumberError(
            "length",
            f"一代身份证号码应为15位，实际为{len(text)}位",
            f"a first-generation ID number has 15 digits; this one has {len(text)}",
        )
    body = text[:6] + "19" + text[6:]
    return body + gb11643_check_character(body)


def check_id_number(text: str, *, today: date, region_exists: RegionExists | None) -> IdNumber:
    """Check a 公民身份号码 (GB 11643-1999, 18 characters) or a first-generation number
    (GB 11643-1989, 15 digits) as typed; DOMAIN.md "The closed loop" step 1.

    Raises IdNumberError with code "spreadsheet_number", "empty", "characters", "length",
    "check_character", "kind" (a residence-permit or foreign permanent residence number),
    "birth_date" (no such date, or before 1900-01-01), "future_birth_date" (after `today`) or
    "region" (unknown province, or `region_exists` returned False for the first six digits).

    The region table (with abolished codes such as 412301, DOMAIN.md "Reference codes") lives in
    the database, hence the callback; None skips that look-up (the province is still checked).
    """
    check_not_mangled(text)
    number = normalise(text)
    label_zh, label_en = DOCUMENT_KINDS["id_card"]
    if not number:
        raise _empty("id_card")
    _check_characters(number, "id_card", allow_x=True)
    if len(number) not in (15, 18):
        raise IdNumberError(
            "length",
            f"{label_zh}应为18位（一代身份证为15位），实际为{len(number)}位",
            f"a {label_en} has 18 characters (15 digits for a first-generation card); "
            f"this one has {len(number)}",
        )
    if len(number) == 15:
        _check_characters(number, "id_card", allow_x=False)
        birth_digits = "19" + number[6:12]
    else:
        _check_check_character(number, "id_card")
        birth_digits = number[6:14]
    region = number[:6]
    if len(number) == 18 and (region in (HONG_KONG, MACAO, TAIWAN) or number[0] == "9"):
        other = "taiwan_residence" if region == TAIWAN else "hk_macao_residence"
        if number[0] == "9":
            other = "foreign_permanent"
        raise IdNumberError(
            "kind",
            f"这是{DOCUMENT_KINDS[other][0]}，不是居民身份证号码，请选择正确的证件类型",
            f"this is a {DOCUMENT_KINDS[other][1]}, not a citizen ID number: choose that "
            "document type",
        )
    birth_date = _birth_date(birth_digits, "id_card", today)
    _check_region(region, region_exists)
    return IdNumber(
        number=number,
        birth_date=birth_date,
        sex=_sex(number[16 if len(number) == 18 else 14]),
        region_code=region,
    )


def _check_characters(number: str, kind: str, *, allow_x: bool) -> None:
    """Digits only, and X only as the last of 18 characters (GB 11643-1999 §7)."""
    label_zh, label_en = DOCUMENT_KINDS[kind]
    last = len(number) - 1
    for position, ch in enumerate(number):
        if ch in DIGITS:
            continue
        if ch == "X" and position == last:
            if allow_x:
                continue
            raise IdNumberError(
                "characters",
                f"{label_zh}只有18位号码的最后一位（校验码）可以是X",
                f"only the last (check) character of an 18-character {label_en} may be X",
            )
        raise IdNumberError(
            "characters",
            f"{label_zh}第{position + 1}位“{_show(ch)}”不是数字；"
            "前17位只能是数字，最后一位是数字或X",
            f"character {position + 1} of the {label_en} ({_show(ch)}) is not a digit; the first "
            "17 characters are digits and the last is a digit or X",
        )


def _show(ch: str) -> str:
    """One character for a message; invisible ones as U+XXXX."""
    return ch if ch.isprintable() else f"U+{ord(ch):04X}"


def _check_check_character(number: str, kind: str) -> None:
    label_zh, label_en = DOCUMENT_KINDS[kind]
    expected = gb11643_check_character(number[:17])
    if number[17] != expected:
        raise IdNumberError(
            "check_character",
            f"{label_zh}校验码错误：按前17位计算应为 {expected}，实际为 {number[17]}。"
            "请逐位核对号码，常见原因是某一位输错",
            f"the check character of the {label_en} is wrong: the first 17 digits give "
            f"{expected}, not {number[17]}; check every digit, usually one was mistyped",
        )


def _birth_date(digits: str, kind: str, today: date) -> date:
    """YYYYMMDD (GB/T 7408, as GB 11643-1999 §6.2 requires): a real date, 1900 or later, not
    after today."""
    label_zh, label_en = DOCUMENT_KINDS[kind]
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    try:
        birth = date(year, month, day)
    except ValueError:
        birth = None
    if birth is None or birth < EARLIEST_BIRTH_DATE:
        raise IdNumberError(
            "birth_date",
            f"{label_zh}中的出生日期 {year}年{month}月{day}日 不存在或早于1900年",
            f"the birth date in the {label_en}, {digits[:4]}-{digits[4:6]}-{digits[6:8]}, "
            "does not exist or is before 1900",
        )
    if birth > today:
        raise IdNumberError(
            "future_birth_date",
            f"{label_zh}中的出生日期 {birth.isoformat()} 晚于今天（{today.isoformat()}）",
            f"the birth date in the {label_en}, {birth.isoformat()}, is after today "
            f"({today.isoformat()})",
        )
    return birth


def _check_region(region: str, region_exists: RegionExists | None) -> None:
    if region[:2] not in PROVINCES or (region_exists is not None and not region_exists(region)):
        raise IdNumberError(
            "region",
            f"地区码 {region} 不是行政区划代码（含已撤销的代码）",
            f"the region code {region} is not an administrative division code (current or "
            "abolished)",
        )


def _sex(digit: str) -> str:
    """GB 11643-1999 §6.3: odd sequence digit = male, even = female."""
    return "M" if int(digit) % 2 else "F"


def _empty(kind: str) -> IdNumberError:
    label_zh, label_en = DOCUMENT_KINDS[kind]
    return IdNumberError("empty", f"{label_zh}为空", f"the {label_en} is empty")


def _length(kind: str, expected: str, actual: int) -> IdNumberError:
    label_zh, label_en = DOCUMENT_KINDS[kind]
    return IdNumberError(
        "length",
        f"{label_zh}应为{expected}位，实际为{actual}位",
        f"a {label_en} has {expected} characters; this one has {actual}",
    )


# ---------------------------------------------------------------------------------------------
# Other documents


def check_document(
    kind: str, text: str, *, today: date, region_exists: RegionExists | None = None
) -> Document:
    """Check a document number of `kind` (one of DOCUMENT_KINDS) and return what it says.

    Raises IdNumberError (codes as check_id_number, plus "prefix" for a residence permit or
    foreign card that does not start as its kind must, and "no_digit" for a passport); an
    unknown `kind` is a programming error (ValueError). `region_exists` is used for ID cards only.
    """
    if kind == "id_card":
        id_number = check_id_number(text, today=today, region_exists=region_exists)
        return Document(
            kind=kind,
            number=id_number.number,
            birth_date=id_number.birth_date,
            sex=id_number.sex,
            region_code=id_number.region_code,
        )
    checker = _CHECKERS.get(kind)
    if checker is None:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {list(DOCUMENT_KINDS)}")
    check_not_mangled(text, kind)
    number = normalise(text)
    if not number:
        raise _empty(kind)
    return checker(number, today)


def _residence(kind: str, prefixes: tuple[str, ...]) -> Callable[[str, date], Document]:
    """港澳台居民居住证: a 公民身份号码 built by GB 11643-1999 with a fixed address code."""

    def check(number: str, today: date) -> Document:
        label_zh, label_en = DOCUMENT_KINDS[kind]
        _check_characters(number, kind, allow_x=True)
        if len(number) != 18:
            raise _length(kind, "18", len(number))
        _check_check_character(number, kind)
        if number[:6] not in prefixes:
            raise IdNumberError(
                "prefix",
                f"{label_zh}应以 {' 或 '.join(prefixes)} 开头，实际前6位为 {number[:6]}",
                f"a {label_en} starts with {' or '.join(prefixes)}; this one starts with "
                f"{number[:6]}",
            )
        birth = _birth_date(number[6:14], kind, today)
        return Document(
            kind=kind,
            number=number,
            birth_date=birth,
            sex=_sex(number[16]),
            region_code=number[:6],
        )

    return check


FOREIGN_2017_RE = re.compile(r"[A-Z]{3}\d{12}")


def _foreign_permanent(number: str, today: date) -> Document:
    """外国人永久居留身份证, told apart by length: 18 characters (2023 format) or 15 (2017)."""
    kind = "foreign_permanent"
    label_zh, label_en = DOCUMENT_KINDS[kind]
    if len(number) == 18:
        _check_characters(number, kind, allow_x=True)
        _check_check_character(number, kind)
        if number[0] != "9" or number[1:3] not in PROVINCES:
            raise IdNumberError(
                "prefix",
                f"18位的{label_zh}应以9开头，第2、3位为受理地省份代码",
                f"an 18-character {label_en} starts with 9 followed by the two-digit province "
                "code of the issuing place",
            )
        # Digits 4-6 are a numeric nationality code; it is not checked against a list (not
        # kept here, and a rejected valid card is worse than an unusual code let through).
        birth = _birth_date(number[6:14], kind, today)
        return Document(
            kind=kind,
            number=number,
            birth_date=birth,
            sex=_sex(number[16]),
            region_code=number[1:3] + "0000",
            nationality=number[3:6],
        )
    number = number.upper()  # the 2017 card prints its nationality letters in capitals
    if len(number) == 15:
        if not FOREIGN_2017_RE.fullmatch(number):
            raise IdNumberError(
                "characters",
                f"15位的{label_zh}应为3个英文字母（国籍）加12位数字",
                f"a 15-character {label_en} is 3 letters (nationality) followed by 12 digits",
            )
        # Permissive on purpose: published descriptions of the 12 digits of the 2017 card
        # disagree (2-digit or 4-digit issuing place before a YYMMDD birth date, with or without
        # a check digit), so neither a birth date, a sex nor a check digit is read from them.
        return Document(kind=kind, number=number, nationality=number[:3])
    raise IdNumberError(
        "length",
        f"{label_zh}应为18位（2023年版）或15位（2017年版），实际为{len(number)}位",
        f"a {label_en} has 18 characters (2023 card) or 15 (2017 card); this one has {len(number)}",
    )


PASSPORT_RE = re.compile(r"[A-Z0-9]+")


def _passport(number: str, today: date) -> Document:
    """A passport number: 5-17 letters or digits, at least one digit; there is no checksum
    to test (the MRZ check digit is not part of the number). Letters are stored in capitals."""
    kind = "passport"
    label_zh, label_en = DOCUMENT_KINDS[kind]
    number = number.upper()
    if not PASSPORT_RE.fullmatch(number):
        bad = next(ch for ch in number if not ("A" <= ch <= "Z" or ch in DIGITS))
        raise IdNumberError(
            "characters",
            f"{label_zh}只能由英文字母和数字组成，“{_show(bad)}”不是",
            f"a {label_en} has only letters and digits; {_show(bad)} is neither",
        )
    if not 5 <= len(number) <= 17:
        raise IdNumberError(
            "length",
            f"{label_zh}应为5至17位，实际为{len(number)}位",
            f"a {label_en} has 5 to 17 characters; this one has {len(number)}",
        )
    if not any(ch in DIGITS for ch in number):
        raise IdNumberError(
            "no_digit",
            f"{label_zh}至少包含一位数字",
            f"a {label_en} contains at least one digit",
        )
    return Document(kind=kind, number=number)


_CHECKERS: dict[str, Callable[[str, date], Document]] = {
    "hk_macao_residence": _residence("hk_macao_residence", (HONG_KONG, MACAO)),
    "taiwan_residence": _residence("taiwan_residence", (TAIWAN,)),
    "foreign_permanent": _foreign_permanent,
    "passport": _passport,
}


# ---------------------------------------------------------------------------------------------
# What was typed beside the number

SEXES = {
    "m": "M",
    "male": "M",
    "男": "M",
    "1": "M",  # 1 and 2: GB/T 2261.1-2003
    "f": "F",
    "female": "F",
    "女": "F",
    "2": "F",
}
SEX_NAMES = {"M": ("男", "male"), "F": ("女", "female")}
DATE_RE = re.compile(r"(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))")


def check_against_typed(
    doc: Document | IdNumber, *, birth_date: date | str | None = None, sex: str | None = None
) -> list[IdNumberError]:
    """Compare what was typed in other columns with what the number says (GB 11643-1999 §6:
    the birth date and the sex are part of the number). Empty list: nothing contradicts.

    Codes: "birth_date_mismatch", "birth_date_unreadable", "sex_mismatch", "sex_unreadable".
    A typed sex may be M/F, male/female, 男/女 or 1/2 (GB/T 2261.1); a typed birth date a date or
    text such as 1990-01-31, 1990/1/31, 1990.01.31, 19900131 or 1990年1月31日.
    """
    problems: list[IdNumberError] = []
    if birth_date not in (None, "") and doc.birth_date is not None:
        typed = _typed_date(birth_date)
        if typed is None:
            problems.append(
                IdNumberError(
                    "birth_date_unreadable",
                    "填写的出生日期无法识别，请按 1990-01-31 的格式填写",
                    "the typed birth date cannot be read; write it like 1990-01-31",
                )
            )
        elif typed != doc.birth_date:
            problems.append(
                IdNumberError(
                    "birth_date_mismatch",
                    f"填写的出生日期 {typed.isoformat()} 与证件号码中的出生日期 "
                    f"{doc.birth_date.isoformat()} 不一致",
                    f"the typed birth date {typed.isoformat()} differs from the one in the "
                    f"document number, {doc.birth_date.isoformat()}",
                )
            )
    if sex not in (None, "") and doc.sex is not None:
        typed_sex = SEXES.get(normalise(str(sex)).lower())
        if typed_sex is None:
            problems.append(
                IdNumberError(
                    "sex_unreadable",
                    "填写的性别无法识别，请填写“男”或“女”",
                    "the typed sex cannot be read; write male or female (M or F)",
                )
            )
        elif typed_sex != doc.sex:
            problems.append(
                IdNumberError(
                    "sex_mismatch",
                    f"填写的性别“{SEX_NAMES[typed_sex][0]}”与证件号码中的性别"
                    f"“{SEX_NAMES[doc.sex][0]}”不一致",
                    f"the typed sex ({SEX_NAMES[typed_sex][1]}) differs from the one in the "
                    f"document number ({SEX_NAMES[doc.sex][1]})",
                )
            )
    return problems


def _typed_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = DATE_RE.fullmatch(normalise(value))
    if match is None:
        return None
    year, month, day, month8, day8 = match.groups()
    try:
        return date(int(year), int(month or month8), int(day or day8))
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Masking


def mask_id(number: str) -> str:
    """4114**********123X (the one masking rule lives in jineng.core.personal)."""
    return mask_id_number(normalise(number))


def mask_phone(number: str) -> str:
    """138****5678, 0370-***1234 (the one masking rule lives in jineng.core.personal)."""
    return _mask_phone(normalise(number))


# ---------------------------------------------------------------------------------------------
# Phones

PHONE_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212()")


def check_phone(text: str) -> str:
    """A mainland phone number, cleaned: a mobile as 11 digits (1[3-9] + 9 digits), a landline
    as area code, hyphen, local number (0370-3221234).

    Accepted around it: +86, 0086 or 86 before a mobile, spaces, hyphens and dashes, brackets
    round the area code. Area codes: 0 + 2 digits for 010 and 020-029, 0 + 3 digits otherwise;
    local numbers 7 or 8 digits. Raises PhoneError with code "empty", "characters", "country",
    "mobile_length", "mobile_prefix", "landline_length", "area_code" or "format".
    """
    digits = "".join(ch for ch in normalise(text) if ch not in PHONE_SEPARATORS)
    if not digits:
        raise PhoneError("empty", "电话号码为空", "the phone number is empty")
    plus = digits.startswith("+")
    if plus:
        digits = digits[1:]
    bad = next((ch for ch in digits if ch not in DIGITS), None)
    if bad is not None:
        raise PhoneError(
            "characters",
            f"电话号码只能包含数字（以及 +86、空格、连字符），“{_show(bad)}”不是数字",
            f"a phone number has only digits (and +86, spaces, hyphens); {_show(bad)} is not a "
            "digit",
        )
    if plus or digits.startswith("00"):
        country = digits[2:] if digits.startswith("00") else digits
        if not country.startswith("86"):
            raise PhoneError(
                "country",
                "只接受中国大陆的电话号码（国家代码 +86）",
                "only mainland China phone numbers (country code +86) are accepted",
            )
        digits = country[2:]
        if digits and digits[0] not in "01":  # +86 370 3221234: the trunk 0 is dropped abroad
            digits = "0" + digits
    elif len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if digits.startswith("1"):
        if len(digits) != 11:
            raise PhoneError(
                "mobile_length",
                f"手机号码应为11位数字，实际为{len(digits)}位",
                f"a mobile number has 11 digits; this one has {len(digits)}",
            )
        if digits[1] not in "3456789":
            raise PhoneError(
                "mobile_prefix",
                "手机号码应以13至19开头",
                "a mobile number starts with 13 to 19",
            )
        return digits
    if digits.startswith("0") and not digits.startswith("00"):
        area_size = 3 if digits[1] in "12" else 4  # 010, 020-029; else 0 + 3 digits
        area, local = digits[:area_size], digits[area_size:]
        if not 7 <= len(local) <= 8:
            raise PhoneError(
                "landline_length",
                f"固定电话应为区号{area_size}位加本地号码7或8位，本地号码实际为{len(local)}位",
                f"a landline is an area code of {area_size} digits and a local number of 7 or 8 "
                f"digits; the local number has {len(local)}",
            )
        return f"{area}-{local}"
    if 7 <= len(digits) <= 8:
        raise PhoneError(
            "area_code",
            "固定电话请加区号（如 0370-3221234）",
            "add the area code to a landline (like 0370-3221234)",
        )
    raise PhoneError(
        "format",
        f"电话号码应为11位手机号码或带区号的固定电话，这个号码有{len(digits)}位",
        f"a phone number is an 11-digit mobile or a landline with its area code; this one has "
        f"{len(digits)} digits",
    )


# ---------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)

USCC_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")  # no I, O, S, V, Z


def check_uscc(text: str) -> str:
    """A 统一社会信用代码 (GB 32100-2015), cleaned (normalise, capitals, no hyphens) and
    checked: 18 characters; 1 registering authority and 2 entity type; 3-8 the GB/T 2260 region
    (digits); 9-17 the organisation code; 18 the check character (`stdnum.cn.uscc`).

    Positions 1-2 may be letters from the code's alphabet: `stdnum.cn.uscc.validate` wants
    digits there, but GB 32100 lets registering authorities be coded by letters (e.g. N for
    agricultural departments, which register 农村集体经济组织), so only the check character is
    taken from stdnum. Raises CreditCodeError: "empty", "length", "characters",
    "check_character".
    """
    code = normalise(text).upper().replace("-", "")
    if not code:
        raise CreditCodeError(
            "empty", "统一社会信用代码为空", "the unified social credit code is empty"
        )
    if len(code) != 18:
        raise CreditCodeError(
            "length",
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            f"a unified social credit code has 18 characters; this one has {len(code)}",
        )
    for position, ch in enumerate(code):
        allowed = DIGITS if 2 <= position <= 7 else USCC_ALPHABET
        if ch not in allowed:
            what_zh = "数字" if allowed is DIGITS else "数字或大写字母（不含 I、O、S、V、Z）"
            what_en = "a digit" if allowed is DIGITS else "a digit or a capital but I O S V Z"
            raise CreditCodeError(
                "characters",
                f"统一社会信用代码第{position + 1}位“{_show(ch)}”应为{what_zh}",
                f"character {position + 1} of the unified social credit code ({_show(ch)}) "
                f"should be {what_en}",
            )
    expected = stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            "check_character",
            f"统一社会信用代码校验码错误：按前17位计算应为 {expected}，实际为 {code[17]}",
            f"the check character of the unified social credit code is wrong: the first 17 "
            f"characters give {expected}, not {code[17]}",
        )
    return code
