"""Helpers of the tests that post tampered values to the pages: the page answers with a message
in the user's language, never a server error."""

from django.utils.html import escape
from django.utils.translation import gettext

# How the pages show an error: a message, or a field's error on a form shown again.
ERROR_MARKS = ("alert-danger", "invalid-feedback", "errorlist", "text-danger small")
ABSURD = ["abc", "-1", "1e999", "²", "99999999999999999999999", "2025-02-30", "", "💥" * 500]


def refused(response, msgid: str | None = None) -> None:
    """The page (after its redirect) says the posted value was refused: an error message,
    `msgid` in the test's language where given."""
    assert response.status_code == 200, response.status_code
    content = response.content.decode()
    assert any(mark in content for mark in ERROR_MARKS)
    if msgid is not None:
        assert escape(gettext(msgid)) in content, gettext(msgid)
