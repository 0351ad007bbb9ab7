"""Rules for the tests themselves (issue 13, item 6).

A test of a refusal says WHICH refusal: `pytest.raises(ValidationError)` alone (or
`PermissionDenied`, `ImportFileError`) accepts any refusal, so a test could pass because of a
different rule than the one it names. Each one gives
`match=` (a distinctive part of the message in the default language) or keeps the exception
(`as refused`) and checks its message, field or code afterwards.
"""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
REFUSALS = r"(?:ValidationError|PermissionDenied|ImportFileError)"
# pytest.raises(ValidationError) or pytest.raises((ValidationError, PermissionDenied)): nothing
# but the exception type(s) between the parentheses, so no match=.
BARE = re.compile(rf"pytest\.raises\(\s*(?:{REFUSALS}|\([^()]*{REFUSALS}[^()]*\))\s*,?\s*\)")
KEPT = re.compile(r"\)\s+as\s+(\w+)")


def unchecked_refusals(source: str) -> list[int]:
    """Line numbers of a bare refusal that neither matches a message nor keeps the exception
    to look at it later in the same test."""
    found = []
    for bare in BARE.finditer(source):
        line_no = source.count("\n", 0, bare.start()) + 1
        rest_of_line = source[bare.end() - 1 :].split("\n", 1)[0]
        kept = KEPT.match(rest_of_line)
        if kept is None or not _used_later(source[bare.end() :], kept.group(1)):
            found.append(line_no)
    return found


def _used_later(after: str, name: str) -> bool:
    """The kept exception is read again before the next top-level definition."""
    body = re.split(r"\n(?=def |class |@)", after, maxsplit=1)[0]
    return re.search(rf"\b{name}\b", body.split("\n", 1)[-1]) is not None


def test_every_refusal_in_the_tests_says_which_refusal():
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != Path(__file__).resolve()  # this file shows bare ones on purpose
        for line in unchecked_refusals(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "give match= or check the kept exception:\n" + "\n".join(offenders)


def test_the_rule_finds_a_bare_refusal_and_accepts_a_checked_one():
    bare = "def test_x():\n    with pytest.raises(ValidationError):\n        go()\n"
    tuple_ = "def test_x():\n    with pytest.raises((ValidationError, PermissionDenied)):\n"
    unread = "def test_x():\n    with pytest.raises(PermissionDenied) as refused:\n        go()\n"
    matched = 'def test_x():\n    with pytest.raises(ValidationError, match="不能"):\n'
    read = (
        "def test_x():\n    with act(u), pytest.raises(ValidationError) as refused:\n"
        '        go()\n    assert "reason" in refused.value.message_dict\n'
    )
    assert unchecked_refusals(bare) == [2]
    assert unchecked_refusals(tuple_) == [2]
    assert unchecked_refusals(unread) == [2]
    assert unchecked_refusals(matched) == []
    assert unchecked_refusals(read) == []
