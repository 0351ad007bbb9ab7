"""The indicators' windows come from the policy packs, per region and date ([statistics],
docs/policy-packs.md): 上岗率 and 就业率 count employment within `employment_window_days` after
the class ended (004 §四(五): 已实现就业的(3个月内), 90 days), 稳岗率 looks at the
`stay_days`th day (004 §五(五) names the rate without its N: 180, assumed). The world is
tests/stats/test_stats.py's (洛阳市, 商丘's rules adopted): D ended about 300 days ago with q3
insured since before it and still, q4 insured until 30 days after it ended."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from jineng.catalog import packs
from jineng.catalog.models import PolicyPackVersion
from jineng.policy.errors import PackError
from jineng.policy.pack import load_pack, parse_pack
from jineng.stats import rollup, selectors, windows
from tests.actors import act
from tests.stats.test_stats import CITY, TODAY, WIDE, reader, world  # noqa: F401

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.mark.parametrize("name", ["henan-shangqiu-2022", "hebei-2024", "chongqing-2022"])
def test_004_every_pack_states_the_windows_as_assumed(name):
    """004 §四(五) (3个月内, read as 90 days) and 004 §五(五) (稳岗, no N stated): assumed."""
    pack = load_pack(POLICIES / f"{name}.toml")
    window, stay = pack.rule("statistics.employment_window_days"), pack.rule("statistics.stay_days")
    assert (window.value, stay.value) == (90, 180)
    assert window.assumed and stay.assumed
    assert "004 §四(五)" in window.cite and "004 §五(五)" in stay.cite


def test_the_strict_loader_refuses_a_bad_window():
    text = (POLICIES / "hebei-2024.toml").read_text(encoding="utf-8")
    bad = text.replace("stay_days = { value = 180", "stay_days = { value = 0", 1)
    with pytest.raises(PackError, match="stay_days"):
        parse_pack(bad, "hebei-2024.toml")
    missing = text.replace("stay_days = { value = 180", "stay_dayz = { value = 180", 1)
    with pytest.raises(PackError, match="stay_dayz"):
        parse_pack(missing, "hebei-2024.toml")


@pytest.mark.django_db
def test_the_windows_of_a_region_and_day():
    assert windows.of("411400", date(2023, 5, 1)) == windows.Windows(90, 180)
    assert windows.of("411402", date(2023, 5, 1)) == windows.Windows(90, 180)  # the city's pack
    assert windows.of("110000", date(2023, 5, 1)) == windows.DEFAULT  # no pack governs 北京
    assert windows.scopes() == [(None, windows.DEFAULT)]  # every pack says the same


def shorter_stay(days: int) -> None:
    """洛阳's adopted pack, a new version whose retention looks at the `days`th day."""
    old = PolicyPackVersion.objects.filter(pack_id=f"test-{CITY}").order_by("-version").first()
    text = old.source_text.replace("stay_days = { value = 180", f"stay_days = {{ value = {days}", 1)
    text = text.replace(f"version = {old.version}", f"version = {old.version + 1}", 1)
    with act(None):
        packs.save_pack_version(parse_pack(text, f"test-{CITY}.toml"), text)


@pytest.mark.django_db
def test_004_retention_reads_the_governing_packs_stay(world):  # noqa: F811
    """004 §五(五) 稳岗率 in 洛阳 with a pack whose stay is 20 days: q4 (insured until 30 days
    after D ended) now counts, in the rollup and in the rows behind it; 商丘 keeps 180."""
    start = WIDE - timedelta(days=200)

    def retention():
        figures = selectors.indicators(reader(), start, TODAY, today=TODAY)
        found = next(i for i in figures if i["code"] == "retention")
        den, num = selectors.indicator_sets(reader(), "retention", start, TODAY, today=TODAY)
        assert (num.count(), den.count()) == (found["numerator"], found["denominator"])
        return found["numerator"], found["denominator"]

    before = retention()
    assert before == (1, 2)  # q3 only: q4's record ended before the 180th day
    shorter_stay(20)
    assert windows.of(CITY, TODAY) == windows.Windows(90, 20)
    assert windows.of("411400", TODAY) == windows.Windows(90, 180)
    with act(None):
        rollup.rebuild(start, TODAY)
    assert retention() == (2, 2)


@pytest.mark.django_db
def test_004_the_recount_reaches_the_longest_window_of_any_pack(world):  # noqa: F811
    """004 §五(五): late insurance records still reach retention when a pack looks further than
    180 days: the rebuild's recount horizon follows the longest window of the packs."""
    assert rollup.indicator_recount_days() == 180 + rollup.RECOUNT_MARGIN_DAYS
    shorter_stay(400)  # 洛阳's pack, its retention at the 400th day
    assert rollup.indicator_recount_days() == 400 + rollup.RECOUNT_MARGIN_DAYS
