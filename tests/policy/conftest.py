"""Fixtures for the policy engine tests: the three shipped packs.

No database: these tests never use the `db` fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jineng.policy.pack import load_pack

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"


@pytest.fixture(scope="session")
def hebei():
    return load_pack(POLICIES / "hebei-2024.toml")


@pytest.fixture(scope="session")
def shangqiu():
    return load_pack(POLICIES / "henan-shangqiu-2022.toml")


@pytest.fixture(scope="session")
def strict():
    return load_pack(POLICIES / "example-strict.toml")
