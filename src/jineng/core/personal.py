"""Masking of personal data (ID numbers, phones) for screens, exports, audit entries and logs."""

import re

# 18-character 公民身份号码 (GB 11643) and 15-digit first-generation numbers.
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8,11})(\d{3}[0-9Xx]|\d{4})(?![0-9A-Za-z])")
# Mainland mobile numbers: 11 digits starting with 1.
PHONE_RE = re.compile(r"(?<!\d)(1\d{2})(\d{4})(\d{4})(?!\d)")


def mask_id_number(value: str) -> str:
    """4114**********123X: keep the first 4 and the last 4 characters."""
    value = (value or "").strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    value = (value or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(text: str) -> str:
    """Mask every ID number and phone number found inside free text (log lines, usernames)."""
    text = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return PHONE_RE.sub(lambda m: mask_phone(m.group(0)), text)
