"""Properties that must hold on any input: amounts, caps in any order, determinism."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jineng.policy.batch import decide_training_batch
from jineng.policy.codes import LEVEL_RANKS
from jineng.policy.engine import (
    decide_employment_batch,
    decide_evaluation_subsidy,
    decide_training_subsidy,
)
from jineng.policy.pack import load_pack

from .builders import PROPERTY_SETTINGS, evaluation_line
from .conftest import POLICIES
from .strategies import employment_lines, histories, priors, training_lines

PACKS = {
    name: load_pack(POLICIES / f"{name}.toml")
    for name in ("hebei-2024", "henan-shangqiu-2022", "example-strict")
}
pack_names = st.sampled_from(sorted(PACKS))


@PROPERTY_SETTINGS
@given(pack_name=pack_names, lines=training_lines(), start=histories())
def test_no_line_pays_more_than_its_standard(pack_name, lines, start):
    """004 §四(五): the subsidy is a share (≤ 100%) of the standard."""
    pack = PACKS[pack_name]
    batch = decide_training_batch(pack, lines, start)
    for index, line in enumerate(lines):
        assert batch.amount(index) <= line.standard
        single = decide_training_subsidy(pack, line, start.get(line.person_key, []))
        assert Decimal(0) <= single.amount <= line.standard
        assert single.granted or single.amount == 0


def _bucket(pack, when):
    limit = pack.limit("training")
    return when.year if limit.window == "calendar_year" else "lifetime"


@PROPERTY_SETTINGS
@given(data=st.data(), pack_name=pack_names, lines=training_lines(max_size=25), start=histories())
def test_training_caps_hold_whatever_order_the_claims_arrive_in(data, pack_name, lines, start):
    """004 §四(五) (and the variants): count cap, never twice, higher blocks lower."""
    pack = PACKS[pack_name]
    limit = pack.limit("training")
    ordered = data.draw(st.permutations(lines))
    batch = decide_training_batch(pack, ordered, start)
    for person, history in start.items():
        counted = Counter(
            _bucket(pack, p.decided_on) for p in history if p.subsidy_type in limit.counted_types
        )
        seen_keys = Counter()
        top_rank = {}
        for p in history:
            if p.subsidy_type == "training":
                seen_keys[_key(limit, p.occupation, p.level)] += 1
                top_rank[p.occupation] = max(top_rank.get(p.occupation, 0), LEVEL_RANKS[p.level])
        granted = Counter()
        for index, line in enumerate(ordered):
            if line.person_key != person or not batch.granted[index]:
                continue
            bucket = _bucket(pack, line.training_end)
            granted[bucket] += 1
            assert counted[bucket] + granted[bucket] <= limit.count  # the count cap
            key = _key(limit, line.occupation, line.level)
            assert seen_keys[key] == 0  # never twice
            seen_keys[key] += 1
            rank = LEVEL_RANKS[line.level]
            if limit.higher_level_blocks_lower and rank > 0:
                assert top_rank.get(line.occupation, 0) <= rank  # higher blocks lower
            top_rank[line.occupation] = max(top_rank.get(line.occupation, 0), rank)


def _key(limit, occupation, level):
    return (occupation, level) if limit.unique_by == "occupation_level" else occupation


@PROPERTY_SETTINGS
@given(
    data=st.data(),
    lines=employment_lines(),
    before_a=st.integers(min_value=1_985_000_00, max_value=2_000_500_00),
    before_b=st.integers(min_value=0, max_value=2_000_000_00),
)
def test_enterprise_cap_holds_whatever_order_the_hires_arrive_in(data, lines, before_a, before_b):
    """002 §四(三)1: 累计最高不超过200万元 per enterprise, in any order; the total granted
    does not depend on the order."""
    pack = PACKS["henan-shangqiu-2022"]
    before = {"A": Decimal(before_a).scaleb(-2), "B": Decimal(before_b).scaleb(-2)}
    cap = pack.value("employment.sme.enterprise_cap")
    totals = []
    for _ in range(2):
        ordered = data.draw(st.permutations(lines))
        decisions = decide_employment_batch(pack, ordered, before)
        by_enterprise = Counter()
        for line, decision in zip(ordered, decisions, strict=True):
            if line.kind == "sme":
                by_enterprise[line.enterprise_key] += decision.amount
        for enterprise, granted in by_enterprise.items():
            assert before[enterprise] + granted <= max(cap, before[enterprise])
        totals.append(dict(by_enterprise))
    assert totals[0] == totals[1]


@PROPERTY_SETTINGS
@given(data=st.data(), pack_name=pack_names, lines=training_lines(max_size=5), start=histories())
def test_same_inputs_same_decision(data, pack_name, lines, start):
    """Deterministic: the same case and history (in any order) give the same decision."""
    pack = PACKS[pack_name]
    for line in lines:
        history = start[line.person_key]
        first = decide_training_subsidy(pack, line, history)
        again = decide_training_subsidy(pack, line, data.draw(st.permutations(history)))
        assert first == again
        assert json.dumps(first.to_dict(), sort_keys=True) == json.dumps(
            again.to_dict(), sort_keys=True
        )


@PROPERTY_SETTINGS
@given(data=st.data(), pack_name=pack_names, history=priors("P", max_size=6))
def test_evaluation_decisions_are_deterministic_and_capped(data, pack_name, history):
    pack = PACKS[pack_name]
    on = pack.effective_from
    line = evaluation_line(evaluated_on=on, occupation="6-18-02-04")
    first = decide_evaluation_subsidy(pack, line, history)
    assert first == decide_evaluation_subsidy(pack, line, data.draw(st.permutations(history)))
    limit = pack.limit("evaluation")
    earlier = sum(p.subsidy_type in limit.counted_types for p in history)
    if limit.count is not None and earlier >= limit.count:
        assert not first.granted
