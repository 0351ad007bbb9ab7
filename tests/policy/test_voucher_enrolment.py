"""E-vouchers (002 §四(五)3) and enrolment checks against the training subsidy limits."""

from __future__ import annotations

from datetime import date

from jineng.policy.engine import decide_enrolment, decide_voucher_issue
from jineng.policy.records import EnrolmentRequest, VoucherRequest

from .builders import prior

ASKED = date(2023, 3, 1)


def voucher(categories=("veteran",), occupation="4-10-01-02", on=ASKED) -> VoucherRequest:
    return VoucherRequest("P1", frozenset(categories), occupation, on)


def enrol(level="4", occupation="4-10-01-02", on=date(2024, 4, 1), categories=("graduate",)):
    return EnrolmentRequest("P1", frozenset(categories), occupation, level, on)


def test_shangqiu_voucher_is_issued_with_its_expiry(shangqiu):
    """002 §四(五)3: 对有培训意愿、符合补贴条件的劳动者发放电子培训券; validity is assumed."""
    decision = decide_voucher_issue(shangqiu, voucher(), [])
    assert decision.granted
    assert decision.valid_until == date(2023, 8, 27)  # 180 days, the day of issue is day 1
    validity = decision.check("voucher.validity")
    assert validity.evidence["assumed"] is True and validity.evidence["validity_days"] == 180
    assert decision.to_dict()["valid_until"] == "2023-08-27"


def test_voucher_refused_to_an_ineligible_worker(shangqiu):
    """002 §四(五)3: only 符合补贴条件的劳动者 (the pack's training eligibility)."""
    decision = decide_voucher_issue(shangqiu, voucher(categories=()), [])
    assert decision.failed_codes == ("training.category",)
    assert decision.valid_until is None


def test_voucher_refused_when_the_training_cap_is_reached(shangqiu):
    """002 §四(五)3 with the national cap: 3 training subsidies this year leave no room."""
    history = [
        prior(f"T{i}", occupation=f"x{i}", decided_on=date(2023, 1, i + 1)) for i in range(3)
    ]
    decision = decide_voucher_issue(shangqiu, voucher(), history)
    assert decision.failed_codes == ("limit.count",)


def test_hebei_states_no_voucher_validity_so_no_voucher_is_issued(hebei):
    """004 says nothing of vouchers: no validity is guessed."""
    decision = decide_voucher_issue(
        hebei, voucher(categories=("graduate",), on=date(2024, 4, 1)), []
    )
    assert decision.failed_codes == ("voucher.validity",)
    assert "未规定培训券有效期" in decision.check("voucher.validity").message_zh


def test_enrolment_allowed_for_an_eligible_worker(hebei):
    """004 §二: 六类人员 may enrol in subsidised training."""
    decision = decide_enrolment(hebei, enrol(), [])
    assert decision.granted
    assert decision.amount == 0


def test_enrolment_refused_for_an_ineligible_worker(hebei):
    """004 §二: a veteran alone is not in Hebei's list."""
    assert decide_enrolment(hebei, enrol(categories=("veteran",)), []).failed_codes == (
        "training.category",
    )


def test_enrolment_refused_when_three_training_subsidies_were_had(hebei):
    """004 §四(五): 每人累计最多享受3次 — a fourth class could not be subsidised."""
    history = [prior(f"T{i}", occupation=f"x{i}") for i in range(3)]
    decision = decide_enrolment(hebei, enrol(), history)
    assert decision.failed_codes == ("limit.count",)
    assert decision.check("limit.count").evidence["prior_claim_ids"] == ["T0", "T1", "T2"]


def test_enrolment_refused_for_an_occupation_and_level_already_subsidised(hebei):
    """004 §四(五): 同一职业(工种)同一等级不可重复享受."""
    history = [prior("T-DONE", occupation="4-10-01-02", level="4")]
    assert decide_enrolment(hebei, enrol(), history).failed_codes == ("limit.unique",)
    assert decide_enrolment(hebei, enrol(level="3"), history).granted
