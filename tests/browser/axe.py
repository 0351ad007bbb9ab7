"""axe-core (the npm package, node_modules/axe-core) run inside a page: a page passes when axe
finds no serious or critical violation (WCAG 2.x A and AA rules).

The file comes from the npm registry at set-up (package.json), never copied into the repository;
JINENG_AXE_JS names another copy of axe.min.js (a worktree whose node_modules has no axe-core)."""

import os
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCKING = ("serious", "critical")


@cache
def axe_source() -> str:
    path = Path(os.environ.get("JINENG_AXE_JS") or ROOT / "node_modules/axe-core/axe.min.js")
    return path.read_text()


def violations(page, impacts=BLOCKING) -> list[dict]:
    """The violations of the page as it is now, of the given impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol: the site's Content Security
        # Policy (script-src 'self') refuses an inline <script>, rightly.
        page.evaluate(axe_source())
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    return [v for v in result["violations"] if v["impact"] in impacts]


def assert_accessible(page) -> None:
    """No serious or critical violation; the message names each rule and its first elements."""
    found = violations(page)
    assert not found, f"{page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in found
    )
