"""Fixtures for the policy engine tests: the shipped packs.

No database: these tests never use the `db` fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jineng.policy.pack import load_pack, parse_pack

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"


@pytest.fixture(scope="session")
def hebei():
    return load_pack(POLICIES / "hebei-2024.toml")


@pytest.fixture(scope="session")
def shangqiu():
    return load_pack(POLICIES / "henan-shangqiu-2022.toml")


@pytest.fixture(scope="session")
def chongqing():
    return load_pack(POLICIES / "chongqing-2022.toml")


@pytest.fixture(scope="session")
def strict():
    return load_pack(POLICIES / "example-strict.toml")


@pytest.fixture(scope="session")
def shangqiu_v3():
    """Shangqiu as version 3 stated it, from 002 alone: no training rates, no notice period
    (version 4 assumes Hebei's). A pack that leaves them out must refuse, never guess."""
    text = (POLICIES / "henan-shangqiu-2022.toml").read_text(encoding="utf-8")
    start = text.index("[training.rates]")
    text = text[:start] + text[text.index("# ----", start) :]
    text = "\n".join(
        line for line in text.splitlines() if not line.startswith("notice_working_days")
    )
    return parse_pack(text, "henan-shangqiu-2022.toml")
