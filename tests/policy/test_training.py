"""Training subsidy (职业培训补贴) decisions under Hebei 2024 (004) and Shangqiu 2022 (002)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from jineng.policy.decision import Decision
from jineng.policy.engine import add_months, decide_training_subsidy, employment_window_end

from .builders import TRAINING_END, prior, training_line

DAY = timedelta(days=1)


def test_employed_on_day_80_gets_100_percent(hebei):
    """004 §四(五): a six-category trainee employed within 3 months (day 80) gets 100%."""
    line = training_line(employment_start=TRAINING_END + 80 * DAY, certificate=None)
    decision = decide_training_subsidy(hebei, line, [])
    assert decision.granted
    assert (decision.tier, decision.rate, decision.amount) == (
        "employed",
        Decimal("1"),
        Decimal("1000.00"),
    )
    evidence = decision.check("training.outcome").evidence
    assert evidence["window_end"] == "2024-09-30"
    assert evidence["employment_start"] == "2024-09-18"
    assert evidence["cite"].startswith("004 §四(五)")


def test_employed_on_day_95_but_certified_gets_80_percent(hebei):
    """004 §四(五): day 95 is not within 3 months; the certificate still earns 80%."""
    line = training_line(employment_start=TRAINING_END + 95 * DAY, certificate="skill_level")
    decision = decide_training_subsidy(hebei, line, [])
    assert (decision.outcome, decision.tier, decision.amount) == (
        "granted",
        "certificate",
        Decimal("800.00"),
    )
    assert "不在培训结束" in decision.check("training.outcome").message_zh


def test_employed_on_day_95_without_certificate_is_refused(hebei):
    """004 §四(五): neither employed within 3 months nor certified: no subsidy."""
    line = training_line(employment_start=TRAINING_END + 95 * DAY, certificate=None)
    decision = decide_training_subsidy(hebei, line, [])
    assert decision.outcome == "refused"
    assert decision.failed_codes == ("training.outcome",)
    assert decision.amount == Decimal("0.00")


def test_completion_certificate_only_not_new_occupation_gets_50_percent(hebei):
    """004 §四(五): 取得培训合格证书(不含新职业) -> 50%."""
    line = training_line(certificate="training_completion", is_new_occupation=False)
    decision = decide_training_subsidy(hebei, line, [])
    assert (decision.tier, decision.amount) == ("completion_only", Decimal("500.00"))


def test_completion_certificate_for_new_occupation_gets_80_percent(hebei):
    """004 §四(五): 培训合格证书仅限人社部发布的新职业 counts as a certificate -> 80%."""
    line = training_line(certificate="training_completion", is_new_occupation=True)
    decision = decide_training_subsidy(hebei, line, [])
    assert (decision.tier, decision.amount) == ("certificate", Decimal("800.00"))


@pytest.mark.parametrize("certificate", ["qualification", "skill_level", "special_ability"])
def test_each_certificate_kind_earns_the_certificate_rate(hebei, certificate):
    """004 §四(五): 职业资格证书、职业技能等级证书、专项职业能力证书 -> 80%."""
    decision = decide_training_subsidy(hebei, training_line(certificate=certificate), [])
    assert (decision.tier, decision.rate) == ("certificate", Decimal("0.8"))


def test_employment_before_training_ended_does_not_count_as_employed_after(hebei):
    """004 §四(五) 培训合格后, 已实现就业的: a job held before training ended is not the
    outcome of the training (a known fraud pattern); the certificate rate applies."""
    line = training_line(employment_start=TRAINING_END - 10 * DAY, certificate="skill_level")
    assert decide_training_subsidy(hebei, line, []).tier == "certificate"


def test_employed_on_the_last_day_of_the_window(hebei):
    """004 §四(五): the window is 3 calendar months, last day included."""
    line = training_line(employment_start=date(2024, 9, 30), certificate=None)
    assert decide_training_subsidy(hebei, line, []).tier == "employed"
    line = training_line(employment_start=date(2024, 10, 1), certificate=None)
    assert decide_training_subsidy(hebei, line, []).outcome == "refused"


def test_calendar_months_keep_inside_the_month(hebei):
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert employment_window_end(hebei, date(2024, 5, 31)) == date(2024, 8, 31)


def test_fourth_training_subsidy_refused_with_the_three_earlier_claims(hebei):
    """004 §四(五): 每人累计最多享受3次 — over a lifetime, whatever the years."""
    history = [
        prior("T-2021", occupation="4-01-01-01", decided_on=date(2021, 3, 1)),
        prior("T-2022", occupation="4-02-02-02", decided_on=date(2022, 3, 1)),
        prior("T-2023", occupation="4-03-03-03", decided_on=date(2023, 3, 1)),
    ]
    decision = decide_training_subsidy(hebei, training_line(), history)
    assert decision.outcome == "refused"
    assert decision.failed_codes == ("limit.count",)
    evidence = decision.check("limit.count").evidence
    assert evidence["prior_claim_ids"] == ["T-2021", "T-2022", "T-2023"]
    assert (evidence["counted"], evidence["cap"], evidence["window"]) == (3, 3, "lifetime")
    assert evidence["cite"] == "004 §四(五)"
    assert "T-2021" in decision.check("limit.count").message_zh


def test_third_training_subsidy_is_still_granted(hebei):
    """004 §四(五): two earlier subsidies leave room for a third."""
    history = [prior("A", occupation="x1"), prior("B", occupation="x2")]
    decision = decide_training_subsidy(hebei, training_line(), history)
    assert decision.granted
    assert decision.check("limit.count").evidence["counted"] == 2


def test_other_subsidy_types_do_not_count_against_the_training_cap(hebei):
    """004 §四(五): the training cap counts training subsidies (shared_with is empty)."""
    history = [prior(f"E{i}", "evaluation", occupation=f"x{i}") for i in range(3)]
    assert decide_training_subsidy(hebei, training_line(), history).granted


def test_same_occupation_and_level_never_twice(hebei):
    """004 §四(五): 同一职业(工种)同一等级不可重复享受."""
    line = training_line()
    history = [prior("T-SAME", occupation=line.occupation, level=line.level)]
    decision = decide_training_subsidy(hebei, line, history)
    assert decision.failed_codes == ("limit.unique",)
    assert decision.check("limit.unique").evidence["conflicting_claim_ids"] == ["T-SAME"]


def test_same_occupation_at_another_level_is_granted(hebei):
    """004 §四(五) bars only the same level; a higher or lower level of it may be subsidised."""
    line = training_line(level="4")
    for level in ("3", "5"):
        history = [prior("T-OTHER-LEVEL", occupation=line.occupation, level=level)]
        assert decide_training_subsidy(hebei, line, history).granted


def test_category_outside_the_eligible_list_is_refused(hebei):
    """004 §二: 六类人员 and 企业职工 are trained; a veteran alone is not in the list."""
    decision = decide_training_subsidy(hebei, training_line(categories={"veteran"}), [])
    assert "training.category" in decision.failed_codes
    evidence = decision.check("training.category").evidence
    assert evidence["person_categories"] == ["veteran"]
    assert "enterprise_employee" in evidence["eligible"]


def test_enterprise_employee_is_paid_by_the_standard_outside_the_outcome_rates(hebei):
    """004 §二 trains 企业职工; the outcome rates of 004 §四(五) are for 六类人员 only, and the
    first paragraph of 004 §四(五) pays every other certified trainee 按规定: 100% (assumed).
    (Until pack version 5 this was refused under training.rate_scope.)"""
    decision = decide_training_subsidy(hebei, training_line(categories={"enterprise_employee"}), [])
    assert decision.check("training.category").passed
    assert decision.check("training.rate_scope").evidence["rate_by"] == "standard"
    assert (decision.granted, decision.tier, decision.amount) == (
        True,
        "standard",
        Decimal("1000.00"),
    )


def test_training_type_outside_the_rate_scope_is_paid_by_the_standard(hebei):
    """004 §四(五): the rates by outcome are for 就业职业培训 (employment skills training, an
    assumed reading); a 岗位技能提升 class is paid by the standard once certified. (Until pack
    version 5 this was refused under training.rate_scope.)"""
    decision = decide_training_subsidy(hebei, training_line(training_type="job_skills_upgrade"), [])
    assert decision.granted and decision.tier == "standard"
    assert decision.check("training.rate_scope").evidence["assumed"] is True


def test_line_outside_the_pack_period_is_refused(hebei):
    """004 is the 2024 notice: a class that ended in 2025 belongs to another pack."""
    decision = decide_training_subsidy(hebei, training_line(training_end=date(2025, 3, 1)), [])
    assert "pack.period" in decision.failed_codes


def test_amount_is_rounded_half_up_to_the_fen(hebei):
    """Money: standard × rate, quantized to 0.01 yuan, half up (600.025 -> 600.03)."""
    line = training_line(certificate="training_completion", standard=Decimal("1200.05"))
    assert decide_training_subsidy(hebei, line, []).amount == Decimal("600.03")
    line = training_line(standard=Decimal("666.67"))
    assert decide_training_subsidy(hebei, line, []).amount == Decimal("533.34")


def test_every_rule_is_listed_even_when_granted(hebei):
    decision = decide_training_subsidy(hebei, training_line(), [])
    assert [check.code for check in decision.checks] == [
        "pack.period",
        "training.stated",
        "training.category",
        "training.rates.stated",
        "training.rate_scope",
        "training.outcome",
        "limit.count",
        "limit.unique",
    ]
    assert all(check.passed and check.message_zh and check.message_en for check in decision.checks)


def test_decision_round_trips_through_json(hebei):
    history = [prior("A", occupation="x1"), prior("B", occupation="x2"), prior("C")]
    decision = decide_training_subsidy(hebei, training_line(), history)
    data = json.loads(json.dumps(decision.to_dict(), ensure_ascii=False))
    assert data["amount"] == "0.00" and data["pack"]["id"] == "hebei-2024"
    assert Decision.from_dict(data) == decision
    granted = decide_training_subsidy(hebei, training_line(), [])
    assert Decision.from_dict(json.loads(json.dumps(granted.to_dict()))) == granted


def test_a_pack_without_training_rates_refuses_training(shangqiu_v3):
    """002 states no training subsidy rates: a pack that leaves them out refuses with a reason,
    never a guessed rate."""
    line = training_line(training_end=date(2023, 6, 30), categories={"veteran"})
    decision = decide_training_subsidy(shangqiu_v3, line, [])
    assert decision.outcome == "refused"
    assert decision.failed_codes == ("training.rates.stated",)
    assert "未规定按培训效果确定的补贴比例" in decision.check("training.rates.stated").message_zh
    assert decision.check("training.category").passed  # 002 §三(二): 退役军人 are trained


def test_shangqiu_assumes_hebeis_rates_for_five_of_the_six_categories(shangqiu):
    """Version 4 assumes 004 §四(五)'s rates for five of the six categories (就业困难人员 is not
    named by 002); version 6 pays the other groups 002 trains (a veteran) by the standard,
    assumed too. (Until version 6 the veteran was refused under training.rate_scope.)"""
    line = training_line(training_end=date(2023, 6, 30), categories={"rural_migrant"})
    decision = decide_training_subsidy(shangqiu, line, [])
    assert decision.granted and decision.check("training.outcome").evidence["assumed"] is True
    veteran = training_line(training_end=date(2023, 6, 30), categories={"veteran"})
    decision = decide_training_subsidy(shangqiu, veteran, [])
    assert (decision.granted, decision.tier, decision.amount) == (
        True,
        "standard",
        Decimal("1000.00"),
    )
    assert decision.check("training.certificate").evidence["assumed"] is True


def test_shangqiu_training_cap_is_per_calendar_year_and_marked_assumed(shangqiu):
    """The national cap (not in 002) counts per calendar year; its evidence says assumed."""
    line = training_line(training_end=date(2023, 6, 30))
    same_year = [
        prior(f"T{i}", occupation=f"x{i}", decided_on=date(2023, 2, i + 1)) for i in range(3)
    ]
    decision = decide_training_subsidy(shangqiu, line, same_year)
    count = decision.check("limit.count")
    assert not count.passed
    assert count.evidence["year"] == 2023 and count.evidence["assumed"] is True
    assert "假定" in count.message_zh
    last_year = [
        prior(f"T{i}", occupation=f"x{i}", decided_on=date(2022, 5, i + 1)) for i in range(3)
    ]
    assert decide_training_subsidy(shangqiu, line, last_year).check("limit.count").passed


def test_records_reject_unknown_codes():
    with pytest.raises(ValueError, match="unknown person category"):
        training_line(categories={"astronaut"})
    with pytest.raises(ValueError, match="unknown skill level"):
        training_line(level="9")
    with pytest.raises(ValueError, match="2 decimal places"):
        training_line(standard=Decimal("1.005"))
    with pytest.raises(ValueError, match="unknown training type"):
        training_line(training_type="yoga")


def test_memoised_checks_never_leak_between_people(hebei):
    """The checks shared by many trainees are memoised (engine.CHECK_CACHE); a person with a
    history (004 §四(五): 同一职业同一等级不可重复享受) is still refused, and the next person
    without one is still granted, with an equal trace."""
    first = decide_training_subsidy(hebei, training_line(claim_id="A"), [])
    refused = decide_training_subsidy(
        hebei, training_line(claim_id="B"), [prior("T1", occupation="4-10-01-02", level="4")]
    )
    again = decide_training_subsidy(hebei, training_line(claim_id="C"), [])
    assert first.granted and again.granted and not refused.granted
    assert "limit.unique" in refused.failed_codes
    assert [c.to_dict() for c in first.checks] == [c.to_dict() for c in again.checks]
    assert first.subject == "A" and again.subject == "C"
