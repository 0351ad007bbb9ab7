"""Certified trainees outside the 100/80/50 tiers are paid 按规定 (004 §四(五), first paragraph).

004 §四(五): 符合条件的劳动者…参加培训后取得证书(含职业资格证书、职业技能等级证书、
专项职业能力证书、培训合格证书)的, 按规定给予职业培训补贴, 每人累计最多享受3次,
同一职业(工种)同一等级不可重复享受. Its second paragraph sets 100% / 80% / 50% for 六类人员 in
订单、定岗、定向式 employment training only.
The packs read 按规定 as 100% of the standard (`training.rates.standard_rate`, assumed).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from jineng.policy.batch import decide_training_batch
from jineng.policy.engine import decide_enrolment, decide_training_subsidy, training_outcome
from jineng.policy.errors import PackError
from jineng.policy.pack import parse_pack
from jineng.policy.records import EnrolmentRequest

from .builders import TRAINING_END, prior, training_line
from .conftest import POLICIES

DAY = timedelta(days=1)
EMPLOYEE = frozenset({"enterprise_employee"})
OUTSIDE_TYPES = ["job_skills_upgrade", "entrepreneurship", "apprenticeship", "special_ability"]


def employee_line(**changes):
    """An enterprise employee (企业职工) in a 岗位技能提升 class with a 职业技能等级证书."""
    values = {
        "categories": EMPLOYEE,
        "training_type": "job_skills_upgrade",
        "certificate": "skill_level",
    }
    return training_line(**values | changes)


def without_standard_rate(name: str = "hebei-2024"):
    """The pack as version 4 stated it: no rate for trainees outside the tiers."""
    text = (POLICIES / f"{name}.toml").read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if not line.startswith("standard_")]
    return parse_pack("\n".join(kept), f"{name}.toml")


# --- the engine's public functions ------------------------------------------------------------


def test_enterprise_employee_upgrade_class_skill_certificate_gets_100_percent(hebei):
    """004 §四(五): an enterprise employee in a 岗位技能提升 class who obtains a 职业技能等级证书 is
    paid 按规定: 100% of the standard (assumed), with a reason that says so and cites 004."""
    decision = decide_training_subsidy(hebei, employee_line(), [])
    assert (decision.outcome, decision.tier, decision.rate, decision.amount) == (
        "granted",
        "standard",
        Decimal("1"),
        Decimal("1000.00"),
    )
    assert [check.code for check in decision.checks] == [
        "pack.period",
        "training.stated",
        "training.category",
        "training.rates.stated",
        "training.rate_scope",
        "training.certificate",
        "limit.count",
        "limit.unique",
    ]
    scope = decision.check("training.rate_scope")
    assert scope.passed and scope.evidence["rate_by"] == "standard"
    assert "按规定按补贴标准给予职业培训补贴" in scope.message_zh
    assert "paid by the standard" in scope.message_en
    certified = decision.check("training.certificate")
    assert certified.evidence["cite"] == "004 §四(五)" and certified.evidence["assumed"] is True
    assert "100%" in certified.evidence["note"] and "100%" in certified.evidence["note_zh"]
    assert (
        certified.message_zh
        == "参加培训后取得职业技能等级证书，按补贴标准的100%补贴（依据 004 §四(五)，假定值）"
    )
    assert "100% of the standard" in certified.message_en


def test_enterprise_employee_without_certificate_is_refused_with_the_reason(hebei):
    """004 §四(五): 取得证书…的 — without a certificate nothing is paid, and employment does not
    stand in for one outside the tiers (employed 30 days after training, no certificate)."""
    for employed in (None, TRAINING_END + 30 * DAY):
        line = employee_line(certificate=None, employment_start=employed)
        decision = decide_training_subsidy(hebei, line, [])
        assert (decision.outcome, decision.amount, decision.tier) == ("refused", Decimal(0), None)
        assert decision.failed_codes == ("training.certificate",)
        refusal = decision.check("training.certificate")
        assert refusal.message_zh.startswith("参加培训后未取得证书（职业资格证书")
        assert "不予补贴" in refusal.message_zh and "no subsidy" in refusal.message_en


@pytest.mark.parametrize(
    "certificate", ["qualification", "skill_level", "special_ability", "training_completion"]
)
def test_each_certificate_004_lists_earns_the_standard_rate(hebei, certificate):
    """004 §四(五) first paragraph: 含职业资格证书、职业技能等级证书、专项职业能力证书、
    培训合格证书 — for trainees outside the tiers a 培训合格证书 counts for any occupation (not
    only a new one)."""
    line = employee_line(certificate=certificate, is_new_occupation=False)
    decision = decide_training_subsidy(hebei, line, [])
    assert (decision.tier, decision.amount) == ("standard", Decimal("1000.00"))
    assert training_outcome(hebei, line).tier == "standard"


@pytest.mark.parametrize("training_type", OUTSIDE_TYPES)
def test_six_category_trainee_in_another_training_type_is_paid_by_the_standard(
    hebei, training_type
):
    """004 §四(五): the tiers are for employment-oriented training; a 六类人员 trainee of a
    岗位技能提升, 创业, 学徒 or 专项能力 class is paid 按规定 once certified, 100%."""
    line = training_line(training_type=training_type, certificate="training_completion")
    decision = decide_training_subsidy(hebei, line, [])
    assert (decision.granted, decision.tier, decision.amount) == (
        True,
        "standard",
        Decimal("1000.00"),
    )


@pytest.mark.parametrize(
    ("employment_after", "certificate", "is_new", "tier", "amount"),
    [
        (30, None, False, "employed", "1000.00"),
        (None, "skill_level", False, "certificate", "800.00"),
        (None, "training_completion", True, "certificate", "800.00"),
        (None, "training_completion", False, "completion_only", "500.00"),
        (None, None, False, None, "0.00"),
    ],
)
def test_six_categories_in_employment_skills_training_keep_the_tiers(
    hebei, employment_after, certificate, is_new, tier, amount
):
    """004 §四(五) second paragraph, unchanged: 六类人员 in employment skills training get 100%
    employed within 3 months, 80% certified, 50% with a completion certificate only, else 0."""
    employed = None if employment_after is None else TRAINING_END + employment_after * DAY
    line = training_line(
        employment_start=employed, certificate=certificate, is_new_occupation=is_new
    )
    decision = decide_training_subsidy(hebei, line, [])
    assert (decision.tier, decision.amount) == (tier, Decimal(amount))
    assert decision.check("training.rate_scope").evidence["rate_by"] == "tiers"
    assert "training.certificate" not in [check.code for check in decision.checks]


def test_cap_of_3_counts_subsidies_paid_by_the_standard(hebei):
    """004 §四(五): 每人累计最多享受3次 — three earlier training subsidies stop a fourth paid by
    the standard; two leave room for it."""
    history = [prior(f"T{i}", occupation=f"4-0{i}-01-01") for i in range(3)]
    decision = decide_training_subsidy(hebei, employee_line(), history)
    assert decision.failed_codes == ("limit.count",)
    assert decision.check("training.certificate").passed
    assert decide_training_subsidy(hebei, employee_line(), history[:2]).granted


def test_same_occupation_and_level_never_twice_by_the_standard(hebei):
    """004 §四(五): 同一职业(工种)同一等级不可重复享受, whichever rate paid the first."""
    line = employee_line()
    history = [prior("T-SAME", occupation=line.occupation, level=line.level)]
    assert decide_training_subsidy(hebei, line, history).failed_codes == ("limit.unique",)


def test_batch_counts_standard_rate_grants_against_the_cap(hebei):
    """004 §四(五): within one batch, three lines paid by the standard use up the cap of 3, so
    the person's fourth line (a six-category tier line) is refused; the batch and the
    single-line path agree."""
    lines = [
        employee_line(claim_id=f"L{i}", occupation=f"4-0{i}-01-01", categories={"rural_migrant"})
        for i in range(3)
    ] + [training_line(claim_id="L3", occupation="4-09-01-01")]
    batch = decide_training_batch(hebei, lines, {})
    assert [batch.compact(i).tier for i in range(4)] == ["standard"] * 3 + ["certificate"]
    assert [batch.outcome(i) for i in range(4)] == ["granted"] * 3 + ["refused"]
    assert batch.failed_codes(3) == ("limit.count",)
    assert batch.total_amount == Decimal("3000.00")
    assert batch.decision(3).failed_codes == ("limit.count",)


def test_shangqiu_pays_the_other_groups_002_trains_by_the_standard(shangqiu):
    """002 trains 退役军人, 残疾人, 企业职工...; Shangqiu assumes 004 §四(五)'s standard rate
    for them (002 states no training subsidy rates)."""
    for category in ("veteran", "disabled", "enterprise_employee", "flexible"):
        line = employee_line(categories={category}, training_end=date(2023, 6, 30))
        decision = decide_training_subsidy(shangqiu, line, [])
        assert (decision.tier, decision.amount) == ("standard", Decimal("1000.00")), category
        assert decision.check("training.rate_scope").evidence["assumed"] is True


def test_strict_example_counts_no_completion_certificate_outside_the_tiers(strict):
    """An example variant of 004 §四(五): outside the tiers a 培训合格证书 earns nothing there."""
    line = employee_line(certificate="training_completion")
    decision = decide_training_subsidy(strict, line, [])
    assert decision.failed_codes == ("training.certificate",)
    assert "培训合格证书不属于按规定补贴的证书" in decision.check("training.certificate").message_zh
    assert decide_training_subsidy(strict, employee_line(), []).amount == Decimal("1000.00")


def test_a_pack_without_the_standard_rate_still_refuses_outside_the_tiers():
    """004 §四(五): a pack that states no rate for trainees outside the tiers refuses them with
    that reason, never a guessed rate (pack version 4's behaviour)."""
    pack = without_standard_rate()
    decision = decide_training_subsidy(pack, employee_line(), [])
    assert decision.failed_codes == ("training.rate_scope",)
    message = decision.check("training.rate_scope").message_zh
    assert "补贴比例只适用于" in message and "本政策未规定其补贴比例" in message
    assert decision.check("training.rate_scope").evidence["rate_by"] == "none"
    assert decide_training_batch(pack, [employee_line()], {}).failed_codes(0) == (
        "training.rate_scope",
    )


# --- the roster's question (decide_enrolment) ---------------------------------------------------


def enrolment(categories=EMPLOYEE, training_type="job_skills_upgrade"):
    return EnrolmentRequest(
        "P1", frozenset(categories), "4-10-01-02", "4", date(2024, 4, 1), training_type
    )


def test_roster_tells_an_enterprise_employee_the_standard_rate_applies(hebei):
    """004 §四(五): the roster asks the claim's rate question; an enterprise employee in a
    岗位技能提升 class is eligible, paid by the standard once certified."""
    decision = decide_enrolment(hebei, enrolment(), [])
    assert decision.granted
    scope = decision.check("training.rate_scope")
    assert scope.evidence["rate_by"] == "standard" and "按补贴标准" in scope.message_zh


def test_roster_refuses_when_the_pack_states_no_rate_for_the_trainee():
    """004 §四(五): where the claim would refuse for want of a rate, so does the roster."""
    decision = decide_enrolment(without_standard_rate(), enrolment(), [])
    assert decision.failed_codes == ("training.rate_scope",)


def test_roster_without_a_training_type_asks_no_rate_question(hebei):
    request = EnrolmentRequest("P1", EMPLOYEE, "4-10-01-02", "4", date(2024, 4, 1))
    codes = [check.code for check in decide_enrolment(hebei, request, []).checks]
    assert "training.rate_scope" not in codes
    with pytest.raises(ValueError, match="unknown training type"):
        enrolment(training_type="yoga")


# --- pack validation ------------------------------------------------------------------------


def hebei_text() -> str:
    return (POLICIES / "hebei-2024.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("dropped", "key"),
    [
        ("standard_certificate_kinds", "training.rates.standard_certificate_kinds"),
        ("standard_rate", "training.rates.standard_rate"),
    ],
)
def test_standard_rate_and_its_certificates_come_together(dropped, key):
    """004 §四(五): a rate without the certificates that earn it (or the reverse) is refused."""
    text = "\n".join(
        line for line in hebei_text().splitlines() if not line.startswith(dropped + " ")
    )
    with pytest.raises(PackError, match=f"{key}: required with"):
        parse_pack(text, "hebei-2024.toml")


def test_standard_rate_is_a_share_with_its_cite():
    text = hebei_text().replace("standard_rate = { value = 1.00", "standard_rate = { value = 1.5")
    with pytest.raises(PackError, match="training.rates.standard_rate: must be from 0 to 1"):
        parse_pack(text, "hebei-2024.toml")


def test_pack_page_rows_show_the_standard_rate_and_its_assumption(hebei):
    """The pack's page lists the key with its cite and the assumed mark (004 §四(五))."""
    rows = {row.key: row for row in hebei.describe()}
    rate = rows["training.rates.standard_rate"]
    assert (rate.value, rate.cite, rate.assumed) == ("100%", "004 §四(五)", True)
    assert "按规定" in rate.note_zh
    kinds = rows["training.rates.standard_certificate_kinds"]
    assert "培训合格证书" in kinds.value and not kinds.assumed
    assert rate in hebei.assumed_rows()
    unstated = {row.key: row for row in without_standard_rate().describe()}
    assert not unstated["training.rates.standard_rate"].stated
