"""The batch path (compact per-line results) agrees with the single-line path, line by line."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jineng.policy.batch import RULE_CODES, decide_training_batch
from jineng.policy.pack import load_pack

from .builders import PROPERTY_SETTINGS, prior, training_line
from .conftest import POLICIES
from .strategies import decide_in_order, histories, training_lines

PACKS = {
    name: load_pack(POLICIES / f"{name}.toml")
    for name in ("hebei-2024", "henan-shangqiu-2022", "example-strict")
}
HEBEI = PACKS["hebei-2024"]
# A pack without a [training] section at all: every line is refused for that reason.
PACKS["no-training"] = dataclasses.replace(
    HEBEI,
    id="no-training",
    rules=tuple(r for r in HEBEI.rules if not r.key.startswith(("training", "limits.training"))),
)
# A pack without the standard rate (004 §四(五), first paragraph): lines outside the tiers'
# scope are refused under training.rate_scope, as before version 5.
PACKS["no-standard-rate"] = dataclasses.replace(
    HEBEI,
    id="no-standard-rate",
    rules=tuple(r for r in HEBEI.rules if not r.key.startswith("training.rates.standard_")),
)


def cents(amount: Decimal) -> int:
    return int(amount * 100)


@PROPERTY_SETTINGS
@given(
    pack_name=st.sampled_from(sorted(PACKS)),
    lines=training_lines(),
    start=histories(),
)
def test_batch_agrees_with_single_line_decisions(pack_name, lines, start):
    """Compact results == full decisions made one after the other, on random inputs."""
    pack = PACKS[pack_name]
    batch = decide_training_batch(pack, lines, start)
    expected = decide_in_order(pack, lines, start)
    assert len(batch) == len(expected)
    for index, decision in enumerate(expected):
        compact = batch.compact(index)
        assert compact.outcome == decision.outcome, index
        assert compact.amount_cents == cents(decision.amount), index
        assert compact.failed_codes == decision.failed_codes, index
        assert compact.tier == decision.tier, index
    assert batch.total_cents == sum(cents(d.amount) for d in expected)
    assert batch.granted_count == sum(d.granted for d in expected)


@PROPERTY_SETTINGS
@given(lines=training_lines(max_size=12), start=histories())
def test_full_decision_rebuilt_from_the_batch_equals_the_single_path(lines, start):
    batch = decide_training_batch(HEBEI, lines, start)
    expected = decide_in_order(HEBEI, lines, start)
    for index, decision in enumerate(expected):
        assert batch.decision(index) == decision


def test_caps_hold_across_lines_of_one_person_within_the_batch():
    """004 §四(五): four certified lines of one person in one batch: three granted, the
    fourth refused citing the three granted in the same batch."""
    lines = [
        training_line(claim_id=f"B{i}", occupation=f"occ-{i}", training_end=date(2024, 5, 1 + i))
        for i in range(4)
    ]
    batch = decide_training_batch(HEBEI, lines, {})
    assert [batch.outcome(i) for i in range(4)] == ["granted"] * 3 + ["refused"]
    assert batch.failed_codes(3) == ("limit.count",)
    evidence = batch.decision(3).check("limit.count").evidence
    assert evidence["prior_claim_ids"] == ["B0", "B1", "B2"]
    assert batch.total_amount == Decimal("2400.00")


def test_same_occupation_and_level_twice_in_one_batch():
    """004 §四(五): the second line for the same occupation and level is refused."""
    lines = [training_line(claim_id="A"), training_line(claim_id="B")]
    batch = decide_training_batch(HEBEI, lines, {"P1": [prior("OLD", occupation="x")]})
    assert batch.compact(0).outcome == "granted"
    assert batch.compact(1).failed_codes == ("limit.unique",)
    assert batch.decision(1).check("limit.unique").evidence["conflicting_claim_ids"] == ["A"]


def test_batch_amounts_use_integer_cents_rounded_half_up():
    lines = [
        training_line(
            claim_id="A",
            occupation="a",
            standard=Decimal("1200.05"),
            certificate="training_completion",
        ),
        training_line(claim_id="B", occupation="b", standard=Decimal("666.67")),
        training_line(
            claim_id="C",
            occupation="c",
            standard=Decimal("0.01"),
            employment_start=date(2024, 7, 1),
            certificate=None,
        ),
    ]
    batch = decide_training_batch(HEBEI, lines, {})
    assert [batch.amount(i) for i in range(3)] == [
        Decimal("600.03"),
        Decimal("533.34"),
        Decimal("0.01"),
    ]


def test_batch_of_a_pack_without_training_rules_refuses_every_line():
    pack = PACKS["no-training"]
    batch = decide_training_batch(
        pack, [training_line(), training_line(training_end=date(2030, 1, 1))], {}
    )
    assert batch.failed_codes(0) == ("training.stated",)
    assert batch.failed_codes(1) == ("pack.period", "training.stated")


def test_rule_codes_cover_every_check_the_single_path_can_make():
    strict = PACKS["example-strict"]
    history = [prior("H", occupation="4-10-01-02", level="3")]
    decision = decide_in_order(strict, [training_line(level="4")], {"P1": history})[0]
    assert {c.code for c in decision.checks} <= set(RULE_CODES)
    assert "limit.higher_level" in decision.failed_codes


@pytest.mark.parametrize("size", [0, 1, 500])
def test_batch_of_many_persons(size):
    lines = [
        training_line(
            claim_id=f"C{i}",
            person_key=f"P{i % 7}",
            occupation=f"o{i % 5}",
            level=("5", "4", "3")[i % 3],
            training_end=date(2024, 4, 1) + timedelta(days=i % 120),
        )
        for i in range(size)
    ]
    batch = decide_training_batch(HEBEI, lines, {})
    expected = decide_in_order(HEBEI, lines, {})
    assert [batch.outcome(i) for i in range(size)] == [d.outcome for d in expected]
    assert batch.granted_count <= 7 * 3  # at most 3 per person (004 §四(五))
