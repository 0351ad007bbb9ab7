"""Changing one rule value in a pack's TOML text, keeping everything else (comments, cites,
notes, order) as the author wrote it.

A rule is written `key = { value = ..., cite = ... }` under its section header (`[training.rates]`
holds `certificate = { value = 0.80, ... }`). The new value replaces the old one in place; the
result is then read by the strict loader like any pack, so a value of the wrong type is refused
with the loader's own message.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HEADER = re.compile(r"^\s*\[([A-Za-z0-9_.\"-]+)\]\s*(#.*)?$")
ARRAY_HEADER = re.compile(r"^\s*\[\[")
# A literal: a quoted string, an array (one line), or a bare number/boolean/date.
LITERAL = r'"[^"\n]*"|\[[^\]\n]*\]|[^,}\s]+'


def literal(raw: str) -> str:
    """The TOML literal for what a user typed: numbers, true/false and arrays stay as they are;
    anything else is quoted."""
    text = raw.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?|true|false|\[.*\]|\d{4}-\d{2}-\d{2}|\".*\"", text):
        return text
    if '"' in text or "\n" in text:
        raise ValidationError(_("A value cannot contain quotes or line breaks."))
    return f'"{text}"'


def set_value(text: str, key: str, raw_value: str) -> str:
    """The text with the value of the rule `key` (dotted: `training.rates.certificate`)
    replaced. ValidationError when the pack does not write that rule on one line."""
    section, _dot, name = key.rpartition(".")
    lines = text.splitlines(keepends=True)
    current = ""
    pattern = re.compile(
        rf"^(\s*{re.escape(name)}\s*=\s*\{{\s*value\s*=\s*)({LITERAL})(.*)$", re.DOTALL
    )
    for index, line in enumerate(lines):
        if ARRAY_HEADER.match(line):
            current = None
            continue
        header = HEADER.match(line)
        if header:
            current = header.group(1)
            continue
        if current == section:
            match = pattern.match(line)
            if match:
                lines[index] = match.group(1) + literal(raw_value) + match.group(3)
                return "".join(lines)
    raise ValidationError(
        _("The draft does not state the rule %(key)s on one line: edit its text instead.")
        % {"key": key}
    )


def set_top(text: str, name: str, toml_value: str) -> str:
    """The text with a top-level key (before any section) set to a TOML literal."""
    pattern = re.compile(rf"^{re.escape(name)}\s*=.*$", re.MULTILINE)
    head, sep, rest = text.partition("\n[")
    if pattern.search(head):
        head = pattern.sub(lambda _m: f"{name} = {toml_value}", head, count=1)
    else:
        head = f"{head.rstrip()}\n{name} = {toml_value}\n"
    return head + sep + rest
