"""Employment subsidies (002 §四(三)1): SME hiring certificate holders, HR agencies placing them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jineng.policy.engine import decide_employment_batch, decide_employment_subsidy
from jineng.policy.records import EmploymentLine

HIRED = date(2023, 3, 1)


def hire(number: int = 1, **changes) -> EmploymentLine:
    values = {
        "claim_id": f"H{number:05d}",
        "enterprise_key": "SME-1",
        "person_key": f"P{number:05d}",
        "kind": "sme",
        "holds_certificate": True,
        "insured_months": 12,
        "hired_on": HIRED,
    }
    return EmploymentLine(**values | changes)


def test_sme_gets_1000_per_certified_hire(shangqiu):
    """002 §四(三)1: 每吸纳1人给予1000元一次性补助 (稳定就业1年以上并缴纳社会保险)."""
    decision = decide_employment_subsidy(shangqiu, hire(), Decimal("0"))
    assert (decision.outcome, decision.amount, decision.payee) == (
        "granted",
        Decimal("1000.00"),
        "enterprise",
    )


def test_sme_hire_insured_less_than_a_year_is_refused(shangqiu):
    """002 §四(三)1: 稳定就业1年以上 — 11 months is not enough."""
    decision = decide_employment_subsidy(shangqiu, hire(insured_months=11), Decimal("0"))
    assert decision.failed_codes == ("employment.insured_months",)
    assert decision.check("employment.insured_months").evidence["minimum"] == 12


def test_sme_hire_without_certificate_is_refused(shangqiu):
    """002 §四(三)1: 新吸纳持证人员 — the hire must hold a certificate."""
    decision = decide_employment_subsidy(shangqiu, hire(holds_certificate=False), Decimal("0"))
    assert decision.failed_codes == ("employment.certificate",)


def test_sme_with_2001_certified_hires_gets_2_000_000_not_2_001_000(shangqiu):
    """002 §四(三)1: 累计最高不超过200万元."""
    decisions = decide_employment_batch(shangqiu, [hire(n) for n in range(2001)])
    total = sum(d.amount for d in decisions)
    assert total == Decimal("2000000.00")
    assert sum(d.granted for d in decisions) == 2000
    last = decisions[-1]
    assert last.outcome == "refused"
    assert last.failed_codes == ("employment.enterprise_cap",)
    assert last.check("employment.enterprise_cap").evidence["granted_before"] == "2000000.00"


def test_sme_line_crossing_the_cap_gets_only_the_remainder(shangqiu):
    """002 §四(三)1: a hire that would pass 200万 is granted the remainder, with evidence."""
    decision = decide_employment_subsidy(shangqiu, hire(), Decimal("1999600"))
    assert (decision.outcome, decision.amount) == ("granted", Decimal("400.00"))
    check = decision.check("employment.enterprise_cap")
    assert check.evidence["granted_now"] == "400.00"
    assert check.evidence["cap"] == "2000000.00"
    assert "余额" in check.message_zh


def test_enterprise_totals_are_kept_per_enterprise(shangqiu):
    lines = [hire(1, enterprise_key="A"), hire(2, enterprise_key="B")]
    decisions = decide_employment_batch(
        shangqiu, lines, {"A": Decimal("2000000"), "B": Decimal("0")}
    )
    assert [d.outcome for d in decisions] == ["refused", "granted"]


def test_agency_gets_300_per_placement_of_six_months(shangqiu):
    """002 §四(三)1: 介绍持证人员实现省内稳定就业半年以上…每成功介绍1人给予300元."""
    line = hire(kind="agency", insured_months=6)
    decision = decide_employment_subsidy(shangqiu, line, Decimal("0"))
    assert (decision.amount, decision.payee) == (Decimal("300.00"), "agency")


def test_agency_placement_of_five_months_is_refused(shangqiu):
    """002 §四(三)1: 半年以上 — five months is not enough."""
    line = hire(kind="agency", insured_months=5)
    assert decide_employment_subsidy(shangqiu, line, Decimal("0")).failed_codes == (
        "employment.insured_months",
    )


def test_agency_placement_outside_the_province_is_refused(shangqiu):
    """002 §四(三)1: 省内稳定就业."""
    line = hire(kind="agency", insured_months=8, in_province=False)
    assert decide_employment_subsidy(shangqiu, line, Decimal("0")).failed_codes == (
        "employment.in_province",
    )


def test_agency_has_no_enterprise_cap(shangqiu):
    """002 §四(三)1 caps only the SME subsidy."""
    line = hire(kind="agency", insured_months=6)
    decision = decide_employment_subsidy(shangqiu, line, Decimal("5000000"))
    assert decision.granted
    assert "employment.enterprise_cap" not in [c.code for c in decision.checks]


def test_hebei_states_no_employment_subsidy(hebei):
    """004 states no employment subsidies: refused with a reason."""
    decision = decide_employment_subsidy(hebei, hire(hired_on=date(2024, 3, 1)), Decimal("0"))
    assert decision.failed_codes == ("employment.sme.stated",)
    assert "未规定" in decision.reasons("zh")[0]


def test_employment_line_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="sme"):
        hire(kind="bank")
