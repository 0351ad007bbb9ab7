"""Completion (结业) and commitment (承诺制, 004 §五(二)) as the packs decide them: pure, no
database. henan-shangqiu-2022 states an attendance share (80%, a placeholder) and a share under
commitment (50%, a placeholder); hebei-2024 allows commitment (004 §五(二)) but states no share,
so completion cannot be decided under it; example-strict keeps cross-province training out of
commitment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jineng.policy import (
    GRANTED,
    REFUSED,
    CompletionCase,
    check_attendance,
    check_commitment_allowed,
    decide_completion,
    load_pack,
)

from .conftest import POLICIES

REASONS = ["large_enterprise", "pre_job", "cross_province"]


def case(attended: int, scheduled: int = 10, passed: bool | None = True, **commitment):
    return CompletionCase(
        person_key="P1",
        attended=attended,
        scheduled=scheduled,
        assessment_passed=passed,
        **commitment,
    )


def test_the_packs_load_through_the_public_loader():
    for name in ("henan-shangqiu-2022", "hebei-2024", "example-strict"):
        assert load_pack(POLICIES / f"{name}.toml").id == name


@pytest.mark.parametrize(
    ("attended", "scheduled", "outcome"),
    [
        (10, 10, GRANTED),
        (8, 10, GRANTED),
        (7, 10, REFUSED),
        (4, 5, GRANTED),
        (3, 5, REFUSED),
        (0, 10, REFUSED),
    ],
)
def test_henan_completes_at_80_percent_attendance(shangqiu, attended, scheduled, outcome):
    """henan-shangqiu-2022 procedure.attendance_min_ratio 0.8 (assumed; 002 §四(五)1 asks for
    结业考核 without a share): the boundary itself completes."""
    decision = decide_completion(shangqiu, case(attended, scheduled))
    assert decision.outcome == outcome
    assert decision.kind == "completion" and decision.subject == "P1"
    assert (decision.pack_id, decision.pack_version) == ("henan-shangqiu-2022", shangqiu.version)
    attendance = decision.check("procedure.attendance")
    assert attendance.evidence["rule"] == "procedure.attendance_min_ratio"
    assert Decimal(attendance.evidence["minimum"]) == Decimal("0.8")
    assert f"{attended}/{scheduled}" in attendance.message_zh
    if outcome == REFUSED:
        assert decision.failed_codes == ("procedure.attendance",)
        assert "80%" in decision.reasons("zh")[0]


@pytest.mark.parametrize(("passed", "message"), [(False, "结业考核不合格"), (None, "尚未登记")])
def test_a_failed_or_missing_assessment_does_not_complete(shangqiu, passed, message):
    decision = decide_completion(shangqiu, case(10, passed=passed))
    assert decision.outcome == REFUSED
    assert decision.failed_codes == ("completion.assessment",)
    assert message in decision.reasons("zh")[0]


@pytest.mark.parametrize(("attended", "outcome"), [(5, GRANTED), (4, REFUSED), (10, GRANTED)])
def test_henan_under_commitment_completes_at_50_percent(shangqiu, attended, outcome):
    """004 §五(二): commitment training follows the local bureau's rules; the henan pack's
    placeholder share is 50%."""
    decision = decide_completion(
        shangqiu, case(attended, commitment_reason="pre_job", commitment_signed=True)
    )
    assert decision.outcome == outcome
    attendance = decision.check("procedure.attendance")
    assert attendance.evidence["rule"] == "commitment.attendance_min_ratio"
    assert Decimal(attendance.evidence["minimum"]) == Decimal("0.5")
    assert decision.check("commitment.allowed").passed
    assert decision.check("commitment.signed").passed


def test_under_commitment_the_signed_commitment_is_needed(shangqiu):
    """004 §五(二): the process runs on the institution's commitment, so the signed commitment
    (承诺书) must be on file."""
    decision = decide_completion(
        shangqiu, case(10, commitment_reason="large_enterprise", commitment_signed=False)
    )
    assert decision.outcome == REFUSED
    assert decision.failed_codes == ("commitment.signed",)
    assert decision.reasons("en") == ["no signed commitment is on file"]


def test_without_commitment_no_commitment_rule_is_checked(shangqiu):
    decision = decide_completion(shangqiu, case(9))
    codes = [check.code for check in decision.checks]
    assert codes == ["procedure.attendance", "completion.assessment"]


@pytest.mark.parametrize("reason", REASONS)
def test_004_allows_the_three_kinds_of_training_under_commitment(shangqiu, hebei, reason):
    """004 §五(二): 大型企业培训、岗前培训和跨省开展的劳务输出培训 may run under commitment."""
    for pack in (shangqiu, hebei):
        allowed = check_commitment_allowed(pack, reason)
        assert allowed.passed and allowed.code == "commitment.allowed"
        assert allowed.evidence["reason"] == reason
        assert allowed.evidence["cite"].startswith("004 §五(二)")


def test_the_strict_example_keeps_cross_province_training_out_of_commitment(strict):
    assert check_commitment_allowed(strict, "pre_job").passed
    assert check_commitment_allowed(strict, "large_enterprise").passed
    refused = check_commitment_allowed(strict, "cross_province")
    assert not refused.passed
    assert refused.evidence["allowed_for"] == ["large_enterprise", "pre_job"]
    decision = decide_completion(
        strict, case(10, commitment_reason="cross_province", commitment_signed=True)
    )
    assert decision.failed_codes == ("commitment.allowed",)


def test_an_unknown_kind_of_training_is_not_under_commitment(shangqiu):
    assert not check_commitment_allowed(shangqiu, "weekend_course").passed


def test_the_strict_example_has_its_own_shares(strict):
    assert decide_completion(strict, case(8)).outcome == GRANTED
    assert decide_completion(strict, case(7)).outcome == REFUSED
    signed = {"commitment_reason": "pre_job", "commitment_signed": True}
    assert decide_completion(strict, case(5, **signed)).outcome == GRANTED
    assert decide_completion(strict, case(4, **signed)).outcome == REFUSED


def test_hebei_states_no_share_so_completion_is_refused_with_that_reason(hebei):
    """004 states no attendance share for completion, nor one under commitment: the hebei pack
    refuses to decide rather than guess."""
    for commitment in ({}, {"commitment_reason": "pre_job", "commitment_signed": True}):
        decision = decide_completion(hebei, case(10, **commitment))
        assert decision.outcome == REFUSED
        assert decision.failed_codes == ("procedure.attendance",)
        assert decision.check("procedure.attendance").evidence["minimum"] is None
        assert "cannot be decided" in decision.reasons("en")[0]


def test_a_class_without_sessions_cannot_be_counted(shangqiu):
    attendance = check_attendance(shangqiu, 0, 0)
    assert not attendance.passed
    assert attendance.message_en == "the class has no sessions, so attendance cannot be counted"


@pytest.mark.parametrize(("attended", "scheduled"), [(11, 10), (-1, 10), (1, 0)])
def test_impossible_attendance_is_a_programming_error(shangqiu, attended, scheduled):
    with pytest.raises(ValueError, match="not possible"):
        check_attendance(shangqiu, attended, scheduled)


def test_decisions_round_trip_as_stored(shangqiu):
    from jineng.policy import Decision

    decision = decide_completion(
        shangqiu, case(3, commitment_reason="cross_province", commitment_signed=True)
    )
    assert Decision.from_dict(decision.to_dict()) == decision
