"""axe-core (the npm package, installed by package.json) run on a page: `assert_accessible(page)`
fails on any violation whose impact is serious or critical, naming the rule, its help and the
first elements it found. The script is evaluated in the page (as devtools would), so the
site's Content-Security-Policy, which forbids inline scripts, stays as it is."""

from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Colours are judged once every CSS transition has ended: a button just clicked or hovered
# (Bootstrap fades its colours over 0.15 s) is otherwise caught half-way on a loaded machine.
RUN = """async () => {
  await Promise.all(document.getAnimations().filter(a => a instanceof CSSTransition)
    .map(a => a.finished.catch(() => null)));
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


@cache
def _source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm install` (package.json names axe-core)")
    return AXE.read_text(encoding="utf-8")


def violations(page, impacts=BLOCKING) -> list[dict]:
    """The page's axe-core violations of these impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source() + "\n;undefined")
    return [v for v in page.evaluate(RUN) if v["impact"] in impacts]


def assert_accessible(page, impacts=BLOCKING) -> None:
    """No serious or critical axe-core violation on the page as it stands."""
    found = violations(page, impacts)
    assert not found, f"{page.url}: " + "; ".join(
        f"{v['impact']} {v['id']} ({v['help']}): {', '.join(v['nodes'])}" for v in found
    )
