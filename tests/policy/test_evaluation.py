"""Evaluation subsidy (职业技能评价补贴): Shangqiu amounts (002 §四(二)1), Hebei rules (004)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jineng.policy.engine import decide_evaluation_subsidy

from .builders import evaluation_line, prior


def test_shangqiu_senior_worker_gets_280_paid_to_the_evaluation_org(shangqiu):
    """002 §四(二)1: 高级工 280 元, 给予机构评价补贴."""
    decision = decide_evaluation_subsidy(shangqiu, evaluation_line(level="3"), [])
    assert decision.granted
    assert decision.amount == Decimal("280.00")
    assert decision.payee == "evaluation_org"
    assert decision.check("evaluation.amount").evidence == {
        "level": "3",
        "amount": "280.00",
        "cite": "002 §四(二)1",
    }


def test_second_senior_worker_subsidy_in_the_same_occupation_is_refused(shangqiu):
    """002 §四(二)1: 同一人员同一职业同一等级不得重复申领."""
    line = evaluation_line(level="3")
    history = [prior("E-FIRST", "evaluation", occupation=line.occupation, level="3")]
    decision = decide_evaluation_subsidy(shangqiu, line, history)
    assert decision.outcome == "refused"
    assert decision.failed_codes == ("limit.unique",)
    assert decision.check("limit.unique").evidence["conflicting_claim_ids"] == ["E-FIRST"]
    assert decision.amount == Decimal("0.00")


def test_shangqiu_same_occupation_at_another_level_is_granted(shangqiu):
    """002 §四(二)1 bars the same occupation *and* level only (unlike 004)."""
    line = evaluation_line(level="2")
    history = [prior("E-FIRST", "evaluation", occupation=line.occupation, level="3")]
    decision = decide_evaluation_subsidy(shangqiu, line, history)
    assert (decision.outcome, decision.amount) == ("granted", Decimal("350.00"))


@pytest.mark.parametrize(
    ("level", "certificate", "amount"),
    [
        ("special", "special_ability", "100.00"),
        ("5", "skill_level", "200.00"),
        ("4", "qualification", "240.00"),
        ("3", "skill_level", "280.00"),
        ("2", "skill_level", "350.00"),
        ("1", "qualification", "380.00"),
    ],
)
def test_shangqiu_amount_per_level(shangqiu, level, certificate, amount):
    """002 §四(二)1: 专项职业能力100, 初级工200, 中级工240, 高级工280, 技师350, 高级技师380."""
    line = evaluation_line(level=level, certificate=certificate)
    assert decide_evaluation_subsidy(shangqiu, line, []).amount == Decimal(amount)


def test_shangqiu_any_worker_is_eligible_without_a_category(shangqiu):
    """002 §四(二)1: 符合条件的劳动者均可…免费参加评价 — no person category required."""
    decision = decide_evaluation_subsidy(shangqiu, evaluation_line(categories=set()), [])
    assert decision.granted
    assert decision.check("evaluation.category").evidence["eligible"] == "any"


def test_shangqiu_does_not_require_a_first_evaluation(shangqiu):
    """002 §四(二)1 has no first-evaluation rule (004 has): no such check is made."""
    decision = decide_evaluation_subsidy(shangqiu, evaluation_line(first_evaluation=False), [])
    assert decision.granted
    assert "evaluation.first_evaluation" not in [c.code for c in decision.checks]


def test_shangqiu_sets_no_count_cap(shangqiu):
    """002 §四(二)1 sets no count cap: a fourth evaluation subsidy in a new occupation is paid."""
    history = [prior(f"E{i}", "evaluation", occupation=f"x{i}", level="3") for i in range(3)]
    decision = decide_evaluation_subsidy(shangqiu, evaluation_line(), history)
    assert decision.granted
    assert decision.check("limit.count").evidence["cap"] == "unlimited"


@pytest.mark.parametrize("pack_name", ["hebei", "shangqiu"])
def test_training_completion_certificate_gets_no_evaluation_subsidy(request, pack_name):
    """004 §四(五): 不含培训合格证; 002 §四(二)1 prices no 培训合格证书 either."""
    pack = request.getfixturevalue(pack_name)
    on = date(2024, 5, 1) if pack_name == "hebei" else date(2023, 5, 1)
    line = evaluation_line(certificate="training_completion", evaluated_on=on)
    decision = decide_evaluation_subsidy(pack, line, [])
    assert "evaluation.certificate_kind" in decision.failed_codes


def test_no_certificate_no_evaluation_subsidy(shangqiu):
    """002 §四(二)1: the subsidy is for a certificate obtained."""
    decision = decide_evaluation_subsidy(shangqiu, evaluation_line(certificate=None), [])
    assert decision.failed_codes == ("evaluation.certificate_kind",)


def test_special_ability_certificate_must_go_with_the_special_level(shangqiu):
    """002 §四(二)1 prices 专项职业能力 apart from the levels: a mismatch is refused."""
    line = evaluation_line(certificate="special_ability", level="3")
    decision = decide_evaluation_subsidy(shangqiu, line, [])
    assert decision.failed_codes == ("evaluation.level_matches_certificate",)


HEBEI_DAY = date(2024, 6, 1)


def test_hebei_states_no_amount_so_the_subsidy_is_refused_with_a_reason(hebei):
    """004 §四(五) grants the subsidy but states no amount per level: refused, never guessed."""
    decision = decide_evaluation_subsidy(hebei, evaluation_line(evaluated_on=HEBEI_DAY), [])
    assert decision.failed_codes == ("evaluation.amount",)
    assert "未规定" in decision.check("evaluation.amount").message_zh
    assert "states no evaluation subsidy amount" in decision.check("evaluation.amount").message_en
    assert decision.payee == "evaluation_org"  # 004 §四(五): 直接拨付考核评价机构


def test_hebei_six_categories_only(hebei):
    """004 §四(五): 对…六类人员, 给予职业技能评价补贴 — an enterprise employee is not covered."""
    line = evaluation_line(categories={"enterprise_employee"}, evaluated_on=HEBEI_DAY)
    decision = decide_evaluation_subsidy(hebei, line, [])
    assert "evaluation.category" in decision.failed_codes
    six_line = evaluation_line(categories={"graduate"}, evaluated_on=HEBEI_DAY)
    assert decide_evaluation_subsidy(hebei, six_line, []).check("evaluation.category").passed


def test_hebei_first_evaluation_only(hebei):
    """004 §四(五): 通过初次职业技能评价."""
    line = evaluation_line(first_evaluation=False, evaluated_on=HEBEI_DAY)
    decision = decide_evaluation_subsidy(hebei, line, [])
    assert "evaluation.first_evaluation" in decision.failed_codes


def test_hebei_same_occupation_never_twice_at_any_level(hebei):
    """004 §四(五): 同一职业(工种)不得重复享受 — whatever the level."""
    line = evaluation_line(level="2", evaluated_on=HEBEI_DAY)
    history = [prior("E-OLD", "evaluation", occupation=line.occupation, level="4")]
    check = decide_evaluation_subsidy(hebei, line, history).check("limit.unique")
    assert not check.passed
    assert check.evidence["unique_by"] == "occupation"
    assert check.evidence["conflicting_claim_ids"] == ["E-OLD"]


def test_hebei_at_most_three_evaluation_subsidies(hebei):
    """004 §四(五): 每人累计最多享受3次."""
    history = [prior(f"E{i}", "evaluation", occupation=f"x{i}") for i in range(3)]
    line = evaluation_line(evaluated_on=HEBEI_DAY)
    check = decide_evaluation_subsidy(hebei, line, history).check("limit.count")
    assert not check.passed
    assert check.evidence["prior_claim_ids"] == ["E0", "E1", "E2"]
    two = decide_evaluation_subsidy(hebei, line, history[:2]).check("limit.count")
    assert two.passed
