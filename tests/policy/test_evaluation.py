"""Evaluation subsidy (职业技能评价补贴): Shangqiu amounts (002 §四(二)1), Hebei rules (004)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jineng.policy.engine import decide_evaluation_subsidy
from jineng.policy.pack import parse_pack

from .builders import evaluation_line, prior
from .conftest import POLICIES


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


# --- the free-evaluation agreement with each applicant (004 §四(五)) --------------------------


def test_004_4_5_an_agreement_signed_on_or_before_the_evaluation_passes(hebei, shangqiu):
    """004 §四(五): 由考核评价机构与补贴申请人签订免费技能评价协议书 — an agreement signed on the
    evaluation day (or before) passes, with the cite; Shangqiu reads 004 so (assumed)."""
    line = evaluation_line(
        evaluated_on=HEBEI_DAY, agreement_signed_on=date(2024, 5, 30), applicant="张三"
    )
    check = decide_evaluation_subsidy(hebei, line, []).check("evaluation.applicant_agreement")
    assert check.passed
    assert check.evidence == {
        "person": "P1",
        "signed_on": "2024-05-30",
        "evaluated_on": "2024-06-01",
        "cite": "004 §四(五)",
    }
    assert "张三已于2024-05-30" in check.message_zh and "依据 004 §四(五)" in check.message_zh
    same_day = evaluation_line(level="3")  # signed on the evaluation day
    decision = decide_evaluation_subsidy(shangqiu, same_day, [])
    assert decision.granted and decision.amount == Decimal("280.00")
    shangqiu_check = decision.check("evaluation.applicant_agreement")
    assert shangqiu_check.passed and shangqiu_check.evidence["assumed"] is True
    assert "假定值" in shangqiu_check.message_zh


def test_004_4_5_no_agreement_refuses_the_line_naming_the_applicant(shangqiu):
    """004 §四(五): without the applicant's free-evaluation agreement the line is refused (0),
    the reason naming whose agreement is missing, in both languages."""
    line = evaluation_line(level="3", agreement_signed_on=None, applicant="李四")
    decision = decide_evaluation_subsidy(shangqiu, line, [])
    assert (decision.outcome, decision.amount) == ("refused", Decimal("0.00"))
    assert decision.failed_codes == ("evaluation.applicant_agreement",)
    check = decision.check("evaluation.applicant_agreement")
    assert "未登记考核评价机构与补贴申请人李四签订的免费技能评价协议书" in check.message_zh
    assert "no free-evaluation agreement" in check.message_en and "李四" in check.message_en
    assert check.evidence["signed_on"] is None and check.evidence["person"] == "P1"
    unnamed = evaluation_line(agreement_signed_on=None)  # no name given: the person's key
    assert "P1" in decide_evaluation_subsidy(shangqiu, unnamed, []).reasons("zh")[0]


def test_004_4_5_an_agreement_signed_after_the_evaluation_is_refused(strict):
    """004 §四(五): the agreement makes the evaluation free, so one signed after the evaluation
    date does not earn the subsidy."""
    on = date(2024, 6, 1)
    line = evaluation_line(evaluated_on=on, agreement_signed_on=date(2024, 6, 2), applicant="王五")
    check = decide_evaluation_subsidy(strict, line, []).check("evaluation.applicant_agreement")
    assert not check.passed
    assert "签订于2024-06-02，晚于评价日期2024-06-01" in check.message_zh
    assert "after the evaluation on 2024-06-01" in check.message_en


def test_004_4_5_a_pack_without_the_rule_requires_no_agreement(shangqiu):
    """The rule is pack data: a pack that does not state evaluation.applicant_agreement_required
    (or states false) checks no agreement."""
    text = (POLICIES / "henan-shangqiu-2022.toml").read_text(encoding="utf-8")
    without = "\n".join(
        row for row in text.splitlines() if not row.startswith("applicant_agreement_required")
    )
    pack = parse_pack(without, "henan-shangqiu-2022.toml")
    line = evaluation_line(level="3", agreement_signed_on=None)
    decision = decide_evaluation_subsidy(pack, line, [])
    assert decision.granted
    assert "evaluation.applicant_agreement" not in {check.code for check in decision.checks}
    stated_false = text.replace(
        'applicant_agreement_required = { value = true, cite = "004 §四(五)", assumed = true,',
        'applicant_agreement_required = { value = false, cite = "004 §四(五)", assumed = true,',
    )
    assert stated_false != text
    pack = parse_pack(stated_false, "henan-shangqiu-2022.toml")
    assert decide_evaluation_subsidy(pack, line, []).granted
