"""Runs of the data comparison (004 §五(六)): on demand from the command line over a region and
period (one JSON line), and nightly over every top region (the command and the worker's task);
each run stored with its counts per check and the pack."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jineng.supervision.models import Finding, Run
from jineng.supervision.tasks import run_nightly
from tests.supervision.builders import REGION, world

pytestmark = pytest.mark.django_db


def test_the_command_runs_a_region_and_period():
    """004 §五(六); pattern: the same person in overlapping classes, found from the command."""
    w = world()
    p = w.person()
    w.training_class(trainees=[p])
    w.training_class(w.institutions[1], hours=(11, 14), trainees=[p])
    out = StringIO()
    call_command("supervision", "run", "--region", REGION, "--from", "2026-01-01",
                 "--to", "2026-12-31", stdout=out)  # fmt: skip
    answer = json.loads(out.getvalue())
    assert answer["counts"]["overlapping_classes"] == {"found": 1, "new": 1}
    assert answer["pack"].startswith("test-410300")
    run = Run.objects.get(pk=answer["run"])
    assert run.by is None and Finding.objects.filter(run=run).count() == 1


def test_the_command_refuses_in_one_line():
    """A region without a bureau, a period ending before it starts."""
    with pytest.raises(CommandError, match="no bureau"):
        call_command("supervision", "run", "--region", "999999", "--from", "2026-01-01",
                     "--to", "2026-02-01")  # fmt: skip
    with pytest.raises(CommandError, match="before"):
        call_command("supervision", "run", "--region", "411400", "--from", "2026-03-01",
                     "--to", "2026-02-01")  # fmt: skip


def test_the_nightly_task_runs_every_region_with_a_pack():
    """004 §五(六) 定期…开展监督检查: the nightly run covers each region a pack is written for."""
    world()
    counts = run_nightly.call(str(date(2026, 3, 10)))
    assert {"411400", REGION} <= set(counts)
    assert counts[REGION]["shared_phone"] == {"found": 0, "new": 0}
    out = StringIO()
    call_command("supervision", "nightly", "--today", "2026-03-10", stdout=out)
    assert set(json.loads(out.getvalue())) == set(counts)


def test_the_nightly_look_back_is_the_packs():
    """004 §五(六) 定期…开展监督检查: each region is compared over the last
    supervision.nightly_days days its pack states (90 in the Shangqiu pack the test region
    adopts)."""
    world()
    counts = run_nightly.call(str(date(2026, 3, 10)))
    run = Run.objects.filter(region__code=REGION).latest("id")
    assert (run.period_from, run.period_to) == (date(2025, 12, 10), date(2026, 3, 10))
    assert "skipped" not in counts[REGION]
