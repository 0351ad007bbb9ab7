"""The plans of 002 loaded through the services (targets.load), as the demo loads them."""

import pytest

from jineng.core import audit
from jineng.targets import load
from jineng.targets.models import Plan


@pytest.fixture
def loaded(db):
    with audit.system_context("test: targets"):
        load.load_all()
    return load


@pytest.fixture
def plan2022(loaded):
    return Plan.objects.get(bureau__code="411400", start_year=2022, end_year=2022)


@pytest.fixture
def goal(loaded):
    return Plan.objects.get(bureau__code="411400", start_year=2022, end_year=2025)
