"""Masking of personal data (ID numbers, phones) for screens, exports, audit entries and logs."""

import re

# 18-character 公民身份号码 (GB 11643) and 15-digit first-generation numbers.
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8,11})(\d{3}[0-9Xx]|\d{4})(?![0-9A-Za-z])")
# Mainland mobile numbers: 11 digits starting with 1.
PHONE_RE = re.compile(r"(?<!\d)(1\d{2})(\d{4})(\d{4})(?!\d)")


def mask_id_number(value: str) -> str:
    """4114**********123X: the first 4 and the last 4 characters of an ID number (15 or 18
    characters, or any of 15 or more). Shorter numbers (passports) keep fewer so that most of
    the number stays hidden: 2 and 2 for 9-14 characters, nothing for 8 or fewer."""
    value = "".join((value or "").split())
    size = len(value)
    keep = 4 if size >= 15 else 2 if size >= 9 else 0
    if not keep:
        return "*" * size
    return value[:keep] + "*" * (size - 2 * keep) + value[-keep:]


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; 0370-***1234 for a landline (area code and last 4 kept)."""
    value = "".join((value or "").split())
    if "-" in value:
        area, local = value.split("-", 1)
        return f"{area}-{'*' * max(len(local) - 4, 0)}{local[-4:]}"
    if len(value) == 11:
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_name(name: str) -> str:
    """张*三, 李*, 欧**锋: the first and the last character, the middle hidden; a two-character
    name keeps its first."""
    name = "".join((name or "").split())
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_text(text: str) -> str:
    """Mask every ID number and phone number found inside free text (log lines, usernames)."""
    text = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return PHONE_RE.sub(lambda m: mask_phone(m.group(0)), text)
