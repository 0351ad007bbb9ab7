"""Employment subsidies (002 §四(三)1): SME hiring certificate holders, HR agencies placing them;
only 中小微企业 recorded with the evidence of their size class, only hires of the claim's year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jineng.policy.engine import decide_employment_batch, decide_employment_subsidy
from jineng.policy.records import EmploymentLine

HIRED = date(2023, 3, 1)
CLAIMED = date(2024, 4, 10)  # the claim taken in after the year of insured work
ASSESSED = date(2024, 2, 20)  # the enterprise's size class assessed (its 2023 figures)


def hire(number: int = 1, **changes) -> EmploymentLine:
    values = {
        "claim_id": f"H{number:05d}",
        "enterprise_key": "SME-1",
        "person_key": f"P{number:05d}",
        "kind": "sme",
        "holds_certificate": True,
        "insured_months": 12,
        "hired_on": HIRED,
        "enterprise_size": "small",
        "size_assessed_on": ASSESSED,
        "claimed_on": CLAIMED,
        "claim_year": HIRED.year,
    }
    return EmploymentLine(**values | changes)


def placement(**changes) -> EmploymentLine:
    """An HR agency's line: no enterprise size, no claim year."""
    values = {
        "claim_id": "A00001",
        "enterprise_key": "AGENCY-1",
        "person_key": "P00001",
        "kind": "agency",
        "holds_certificate": True,
        "insured_months": 6,
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
    decision = decide_employment_subsidy(shangqiu, placement(), Decimal("0"))
    assert (decision.amount, decision.payee) == (Decimal("300.00"), "agency")


def test_agency_placement_of_five_months_is_refused(shangqiu):
    """002 §四(三)1: 半年以上 — five months is not enough."""
    line = placement(insured_months=5)
    assert decide_employment_subsidy(shangqiu, line, Decimal("0")).failed_codes == (
        "employment.insured_months",
    )


def test_agency_placement_outside_the_province_is_refused(shangqiu):
    """002 §四(三)1: 省内稳定就业."""
    line = placement(insured_months=8, in_province=False)
    assert decide_employment_subsidy(shangqiu, line, Decimal("0")).failed_codes == (
        "employment.in_province",
    )


def test_agency_has_no_enterprise_cap(shangqiu):
    """002 §四(三)1 caps only the SME subsidy."""
    decision = decide_employment_subsidy(shangqiu, placement(), Decimal("5000000"))
    assert decision.granted
    assert "employment.enterprise_cap" not in [c.code for c in decision.checks]


def test_hebei_states_no_employment_subsidy(hebei):
    """004 states no employment subsidies: refused with a reason."""
    line = hire(hired_on=date(2024, 3, 1), claim_year=2024, claimed_on=date(2024, 12, 1))
    decision = decide_employment_subsidy(hebei, line, Decimal("0"))
    assert decision.failed_codes == ("employment.sme.stated",)
    assert "未规定" in decision.reasons("zh")[0]


def test_employment_line_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="sme"):
        hire(kind="bank")


# --- 中小微企业 and 年度内 (002 §四(三)1) -----------------------------------------------------


def test_sme_checks_the_enterprise_its_size_evidence_and_the_hire_year(shangqiu):
    """002 §四(三)1: a granted SME line lists the registry's facts it rests on, each with its
    cite: recorded, a small enterprise, its class assessed before the claim, hired in the
    claim's year."""
    decision = decide_employment_subsidy(shangqiu, hire(), Decimal("0"))
    assert decision.granted
    codes = [c.code for c in decision.checks]
    assert codes[2:5] == [
        "employment.enterprise_recorded",
        "employment.enterprise_size",
        "employment.size_evidence",
    ]
    assert "employment.hire_year" in codes
    size = decision.check("employment.enterprise_size")
    assert size.evidence["size_classes"] == ["small", "medium", "micro"]
    assert "工信部联企业〔2011〕300号" in size.evidence["cite"]
    assert "小型企业" in size.message_zh and "small enterprise" in size.message_en
    year = decision.check("employment.hire_year")
    assert year.evidence["assumed"] is True and "申报年度" in year.evidence["note_zh"]


@pytest.mark.parametrize("size", ["small", "medium", "micro"])
def test_sme_subsidy_for_small_medium_and_micro_enterprises(shangqiu, size):
    """002 §四(三)1: 中小微企业 — medium, small and micro enterprises are granted."""
    decision = decide_employment_subsidy(shangqiu, hire(enterprise_size=size), Decimal("0"))
    assert (decision.outcome, decision.amount) == ("granted", Decimal("1000.00"))


def test_a_large_enterprise_gets_no_sme_subsidy(shangqiu):
    """002 §四(三)1: only 中小微企业 — a large enterprise (大型企业) is refused, saying so."""
    decision = decide_employment_subsidy(shangqiu, hire(enterprise_size="large"), Decimal("0"))
    assert (decision.outcome, decision.amount) == ("refused", Decimal("0"))
    assert decision.failed_codes == ("employment.enterprise_size",)
    assert "大型企业" in decision.reasons("zh")[0]
    assert "large enterprise" in decision.reasons("en")[0]


def test_an_enterprise_not_recorded_gets_no_sme_subsidy(shangqiu):
    """002 §四(三)1: no size class on record, no 中小微企业 — refused on that check alone."""
    line = hire(enterprise_size=None, size_assessed_on=None)
    decision = decide_employment_subsidy(shangqiu, line, Decimal("0"))
    assert decision.failed_codes == ("employment.enterprise_recorded",)
    assert "未在企业名录登记" in decision.reasons("zh")[0]
    codes = [c.code for c in decision.checks]
    assert "employment.enterprise_size" not in codes


def test_a_size_class_without_evidence_gets_no_sme_subsidy(shangqiu):
    """002 §四(三)1: the size class needs its evidence and the day it was assessed."""
    decision = decide_employment_subsidy(shangqiu, hire(size_assessed_on=None), Decimal("0"))
    assert decision.failed_codes == ("employment.size_evidence",)
    assert "认定依据" in decision.reasons("zh")[0]


def test_a_size_class_assessed_after_the_claim_does_not_count(shangqiu):
    """002 §四(三)1: the evidence must be dated on or before the day the claim was taken in; the
    same day passes."""
    late = hire(size_assessed_on=date(2024, 4, 11))
    decision = decide_employment_subsidy(shangqiu, late, Decimal("0"))
    assert decision.failed_codes == ("employment.size_evidence",)
    assert "晚于申报受理日2024-04-10" in decision.reasons("zh")[0]
    same_day = decide_employment_subsidy(shangqiu, hire(size_assessed_on=CLAIMED), Decimal("0"))
    assert same_day.granted


def test_a_hire_outside_the_claim_year_gets_no_sme_subsidy(shangqiu):
    """002 §四(三)1 年度内新吸纳: a person hired in another year than the claim's is refused; the
    first and last days of the year count."""
    decision = decide_employment_subsidy(shangqiu, hire(claim_year=2022), Decimal("0"))
    assert decision.failed_codes == ("employment.hire_year",)
    assert "不在申报年度（2022年）内" in decision.reasons("zh")[0]
    for day in (date(2023, 1, 1), date(2023, 12, 31)):
        line = hire(hired_on=day, claimed_on=date(2025, 1, 5))
        assert decide_employment_subsidy(shangqiu, line, Decimal("0")).granted


def test_a_refused_sme_line_does_not_count_against_the_cap(shangqiu):
    """002 §四(三)1: a large enterprise's lines are refused and add nothing to its total."""
    lines = [hire(1, enterprise_size="large"), hire(2)]
    decisions = decide_employment_batch(shangqiu, lines, {"SME-1": Decimal("1999000")})
    assert [d.outcome for d in decisions] == ["refused", "granted"]
    assert decisions[1].amount == Decimal("1000.00")


def test_agency_lines_need_no_enterprise_size_or_claim_year(shangqiu):
    """002 §四(三)1 limits to 中小微企业 and 年度内 only the SME subsidy."""
    codes = [c.code for c in decide_employment_subsidy(shangqiu, placement(), 0).checks]
    assert not {"employment.enterprise_recorded", "employment.hire_year"} & set(codes)


def test_an_sme_line_without_the_claim_date_or_year_is_a_programming_error():
    with pytest.raises(ValueError, match="claimed_on and claim_year"):
        hire(claimed_on=None)
    with pytest.raises(ValueError, match="unknown enterprise size"):
        hire(enterprise_size="huge")
