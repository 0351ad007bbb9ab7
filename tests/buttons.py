"""A button whose action cannot be taken yet, as every page shows it (core/_blocked_button.html,
issue 14): one check for the tests of such buttons."""

import re

from django.utils import translation
from django.utils.html import escape


def reason_in_chinese(ready) -> str:
    """A readiness answer's reason as a Chinese user reads it in the page (escaped)."""
    with translation.override("zh-hans"):
        return escape(str(ready.reason))


def blocked(page: str, button_id: str, reason: str) -> None:
    """The button is disabled (no submit), says why in its title and in visible small text."""
    button = re.search(rf'<button[^>]*id="{button_id}"[^>]*>', page).group(0)
    assert "disabled" in button and 'aria-disabled="true"' in button
    assert 'type="submit"' not in button
    assert f'title="{reason}"' in button
    assert f'<small class="text-muted" id="{button_id}-why">{reason}</small>' in page
