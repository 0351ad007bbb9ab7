"""Two claims of the same person submitted at the same moment by two processes, each with its own
connection to the database: the limits hold across them (004 §四(五): 同一职业(工种)同一等级不可
重复享受), because submit locks the persons' rows before deciding the lines again.

PostgreSQL only: SQLite serialises every write transaction anyway, so two processes cannot race
there. The data is committed (transactional_db) so that the other processes see it; the test
database is emptied afterwards, which is why the test loads the reference data it needs itself.
"""

import multiprocessing
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from jineng.claims import services
from jineng.claims.models import Claim, ClaimLine, ClaimState
from jineng.core import audit
from jineng.core.models import Organisation
from tests.claims.builders_core import (
    WELDER,
    act,
    build_hebei,
    certificate,
    completed_class,
    person,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two processes racing needs PostgreSQL (SQLite serialises write transactions)",
)
SECONDS = 60


def reference_data() -> None:
    """The catalogs, packs and demo organisations (present unless an earlier transactional test
    emptied the database; loading is idempotent)."""
    from jineng.catalog import demo as catalog_demo

    with audit.system_context("test"):
        if not Organisation.objects.filter(code="DEPT-411400-01").exists():
            catalog_demo.load()  # the catalogs, the bureau tree (jineng setup), the organisations


def draft_for(place, trainee, start: date, end: date) -> Claim:
    training_class = completed_class(place, [trainee], occupation=WELDER, start=start, end=end)
    with act(place.username):
        return services.create_training_claim(training_class)


def submit_in_child(claim_id: int, username: str, barrier, results) -> None:
    """Runs in a forked process: its own connection, opened after the fork."""
    try:
        with act(username):
            claim = Claim.objects.get(pk=claim_id)  # connected and ready before the start line
            barrier.wait(timeout=SECONDS)
            services.submit(claim)
        results.put((claim_id, "submitted"))
    except Exception as problem:  # noqa: BLE001 - reported to the parent, which fails the test
        results.put((claim_id, repr(problem)))
    finally:
        connections.close_all()


def race(claims, username: str) -> dict[int, str]:
    """Submit every claim in its own process, all released at the same moment."""
    connections.close_all()  # a forked child must not share the parent's connection
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(claims)), context.Queue()
    processes = [
        context.Process(target=submit_in_child, args=(claim.pk, username, barrier, results))
        for claim in claims
    ]
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=SECONDS) for _process in processes)
    for process in processes:
        process.join(timeout=SECONDS)
        assert process.exitcode == 0
    return outcomes


def test_two_claims_submitted_at_once_grant_the_same_subsidy_once(transactional_db):
    """004 §四(五): 同一职业(工种)同一等级不可重复享受 — two classes of 焊工 五级, the same trainee
    in both, both drafts granted; submitted by two processes at the same moment, exactly one
    line is granted (800 yuan) and the other refused with the reason, whichever came first; that
    claim, all 0.00, is not submitted."""
    reference_data()
    place = build_hebei()
    trainee = person("rural_migrant")
    certificate(trainee, "skill_level", issued_on=date(2024, 7, 1))
    claims = [
        draft_for(place, trainee, date(2024, 5, 6), date(2024, 5, 31)),
        draft_for(place, trainee, date(2024, 6, 3), date(2024, 6, 28)),
    ]
    assert [claim.lines.get().granted for claim in claims] == [True, True]

    outcomes = race(claims, place.username)

    # The first to lock the trainee is submitted; the other finds its only line refused, so
    # every line is 0.00: it stays a draft, its line keeping the decision and its reason.
    (first,) = [pk for pk, outcome in outcomes.items() if outcome == "submitted"]
    (second,) = set(outcomes) - {first}
    assert "无法提交" in outcomes[second], outcomes
    lines = list(ClaimLine.objects.filter(person=trainee).select_related("claim", "decision"))
    states = {line.claim.pk: line.claim.state for line in lines}
    assert states == {first: ClaimState.SUBMITTED, second: ClaimState.DRAFT}
    assert sorted((line.granted, line.amount) for line in lines) == [
        (False, Decimal("0.00")),
        (True, Decimal("800.00")),
    ]
    granted = next(line for line in lines if line.granted)
    refused = next(line for line in lines if not line.granted)
    assert refused.decision.detail["outcome"] == "refused"
    conflicting = next(
        check for check in refused.decision.detail["checks"] if check["code"] == "limit.unique"
    )
    assert conflicting["evidence"]["conflicting_claim_ids"] == [granted.claim.number]
