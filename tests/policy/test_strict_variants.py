"""The example-strict pack: variants other places use (DOMAIN.md), next to the seed rules."""

from __future__ import annotations

from datetime import date

import pytest

from jineng.policy.engine import (
    check_attendance,
    check_evaluation_deadline,
    decide_enrolment,
    decide_training_subsidy,
    evaluation_due_by,
    notice_ends_on,
)
from jineng.policy.errors import RuleMissing
from jineng.policy.records import EnrolmentRequest

from .builders import prior, training_line


def test_strict_pack_is_marked_as_an_example(strict):
    assert strict.example
    assert any(row.key == "example" for row in strict.describe())


def test_calendar_year_cap_resets_the_next_year(strict):
    """Variant: at most 3 training subsidies a calendar year (004 §四(五) counts a lifetime)."""
    history = [
        prior(f"T24-{i}", occupation=f"x{i}", decided_on=date(2024, 2 + i, 1)) for i in range(3)
    ]
    in_2024 = decide_training_subsidy(strict, training_line(training_end=date(2024, 9, 1)), history)
    assert in_2024.failed_codes == ("limit.count",)
    assert in_2024.check("limit.count").evidence["year"] == 2024
    in_2025 = decide_training_subsidy(strict, training_line(training_end=date(2025, 3, 1)), history)
    assert in_2025.granted
    assert in_2025.check("limit.count").evidence["counted"] == 0


def test_the_same_history_is_a_lifetime_cap_under_hebei(hebei):
    """004 §四(五): the same three subsidies block a fourth for good (contrast with above)."""
    history = [
        prior(f"T23-{i}", occupation=f"x{i}", decided_on=date(2023, 2 + i, 1)) for i in range(3)
    ]
    assert not decide_training_subsidy(hebei, training_line(), history).granted


def test_higher_level_already_subsidised_blocks_a_lower_one(strict):
    """Variant: once 高级工 (3) of an occupation is subsidised, 中级工 (4) of it is not."""
    line = training_line(level="4")
    history = [prior("T-SENIOR", occupation=line.occupation, level="3")]
    decision = decide_training_subsidy(strict, line, history)
    assert decision.failed_codes == ("limit.higher_level",)
    assert decision.check("limit.higher_level").evidence["higher_claim_ids"] == ["T-SENIOR"]
    higher_line = training_line(level="2")
    assert decide_training_subsidy(strict, higher_line, history).granted  # upwards is fine
    other = [prior("T-OTHER", occupation="9-99-99-99", level="1")]
    assert decide_training_subsidy(strict, line, other).granted  # another occupation


def test_hebei_lets_a_lower_level_follow_a_higher_one(hebei):
    """004 §四(五) bars only the same level: no higher-level check at all."""
    line = training_line(level="4")
    history = [prior("T-SENIOR", occupation=line.occupation, level="3")]
    decision = decide_training_subsidy(hebei, line, history)
    assert decision.granted
    assert "limit.higher_level" not in [c.code for c in decision.checks]


def test_special_ability_is_not_on_the_level_ladder(strict):
    """专项职业能力 has no level: it neither blocks nor is blocked by the ladder."""
    line = training_line(level="special", certificate="special_ability")
    history = [prior("T-SENIOR", occupation=line.occupation, level="3")]
    assert decide_training_subsidy(strict, line, history).granted


def test_higher_level_blocks_enrolment_too(strict):
    request = EnrolmentRequest("P1", frozenset({"graduate"}), "4-10-01-02", "5", date(2024, 4, 1))
    history = [prior("T-SENIOR", occupation="4-10-01-02", level="4")]
    assert decide_enrolment(strict, request, history).failed_codes == ("limit.higher_level",)


def test_five_working_days_of_notice_against_hebeis_three(strict, hebei):
    """Variant 5 working days; 004 §四(五) 3. Published Fri 2024-09-27: Sun 09-29 is an
    adjusted working day, 10-01..10-07 the National Day holiday."""
    published = date(2024, 9, 27)
    assert notice_ends_on(hebei, published) == date(2024, 10, 8)
    assert notice_ends_on(strict, published) == date(2024, 10, 10)


def test_notice_period_needs_the_pack_to_state_it(shangqiu_v3):
    """002 states no notice period: a pack that leaves it out raises, it is never guessed."""
    with pytest.raises(RuleMissing, match="procedure.notice_working_days"):
        notice_ends_on(shangqiu_v3, date(2023, 5, 5))


def test_shangqiu_assumes_hebeis_three_working_days_of_notice(shangqiu, hebei):
    """004 §四(五): 经3个工作日公示; Shangqiu's pack (version 4) assumes it, marked as such."""
    assert shangqiu.rule("procedure.notice_working_days").assumed
    assert notice_ends_on(shangqiu, date(2023, 5, 5)) == notice_ends_on(hebei, date(2023, 5, 5))


def test_evaluation_within_7_days_of_training_end(hebei):
    """004 §四(四): 考核评价机构要在培训结束后7日内完成考核评价工作."""
    end = date(2024, 6, 30)
    assert evaluation_due_by(hebei, end) == date(2024, 7, 7)
    assert check_evaluation_deadline(hebei, end, date(2024, 7, 7)).passed
    late = check_evaluation_deadline(hebei, end, date(2024, 7, 8))
    assert not late.passed and late.evidence["cite"] == "004 §四(四)"


def test_attendance_threshold_of_the_example_and_its_absence_in_hebei(strict, hebei):
    assert check_attendance(strict, 8, 10).passed
    assert not check_attendance(strict, 7, 10).passed
    absent = check_attendance(hebei, 8, 10)  # 004 states no share: completion is refused
    assert not absent.passed and "出勤率" in absent.message_zh
    assert absent.evidence["minimum"] is None
