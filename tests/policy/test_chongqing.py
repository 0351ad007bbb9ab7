"""The Chongqing 2022 pack (seed 003, 渝人社办〔2022〕46号): its values against 003, what it
borrows (marked assumed) and what it leaves out, and its worked cases through the engine.

003 is a work plan: it names the key groups of subsidised training (003 §三9), promises an
evaluation subsidy for those of them who obtain a certificate (003 §五17), puts vouchers on the
electronic social security card and every subsidised training in the platform (003 §三10). It
gives no amount, rate, cap or deadline: those are borrowed from 004 / 002 / 000, assumed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from jineng.policy.engine import (
    decide_employment_subsidy,
    decide_enrolment,
    decide_evaluation_subsidy,
    decide_training_subsidy,
    decide_voucher_issue,
    evaluation_due_by,
)
from jineng.policy.errors import RuleMissing
from jineng.policy.records import EmploymentLine, EnrolmentRequest, VoucherRequest

from .builders import evaluation_line, prior, training_line

# 003 §三9: 退役军人、残疾人、两后生、失业人员、脱贫人口、农村转移就业劳动者、高校毕业生
KEY_GROUPS = {
    "veteran",
    "disabled",
    "school_leaver",
    "registered_unemployed",
    "lifted_from_poverty",
    "rural_migrant",
    "graduate",
}
END = date(2022, 6, 30)  # a training of 2022, the year of 003
WELDER = "6-18-02-04"


def cq_training(**changes):
    """A veteran (退役军人, 003 §三9) in employment skills training in Chongqing, 2022."""
    base = {
        "categories": frozenset({"veteran"}),
        "occupation": WELDER,
        "training_end": END,
        "standard": Decimal("1500.00"),
    }
    return training_line(**(base | changes))


def cq_evaluation(**changes):
    base = {"categories": frozenset({"disabled"}), "occupation": WELDER, "level": "4"}
    return evaluation_line(**(base | {"evaluated_on": date(2022, 7, 5)} | changes))


# --- the pack against 003 ------------------------------------------------------------------


def test_pack_header_003(chongqing):
    """003: 渝人社办〔2022〕46号, the 2022 work plan of Chongqing (500000), the calendar year."""
    assert (chongqing.id, chongqing.region) == ("chongqing-2022", "500000")
    assert (chongqing.effective_from, chongqing.effective_to) == (
        date(2022, 1, 1),
        date(2022, 12, 31),
    )
    source = chongqing.sources[0]
    assert (source.ref, source.seed, source.doc_no) == ("003", True, "渝人社办〔2022〕46号")
    assert not chongqing.example


def test_key_groups_of_training_003_section_3_9(chongqing):
    """003 §三9: 就业重点群体 — 退役军人、残疾人、两后生、失业人员、脱贫人口、农村转移就业劳动者、
    高校毕业生; and 企业新型学徒 (企业职工), a reading marked assumed."""
    assert chongqing.categories("training.eligible") == KEY_GROUPS | {"enterprise_employee"}
    rule = chongqing.rule("training.eligible")
    assert "003 §三9" in rule.cite and rule.assumed and "企业新型学徒" in rule.note_zh
    assert chongqing.rule("categories.six") is None  # 六类人员 is Hebei's term (004 §二)


def test_evaluation_subsidy_for_key_groups_003_section_5_17(chongqing):
    """003 §五17: 对获取证书的重点就业群体给予一定标准的鉴定评价补贴 — the key groups of §三9,
    for 职业资格、职业技能等级、专项职业能力 certificates (003 §五15), stated, not assumed."""
    assert chongqing.categories("evaluation.eligible") == KEY_GROUPS
    rule = chongqing.rule("evaluation.eligible")
    assert rule.cite == "003 §五17; 003 §三9" and not rule.assumed
    kinds = chongqing.rule("evaluation.certificate_kinds")
    assert set(kinds.value) == {"qualification", "skill_level", "special_ability"}
    assert kinds.cite == "003 §五15; 003 §五17" and not kinds.assumed


def test_vouchers_and_attendance_cite_003_section_3_10(chongqing):
    """003 §三10: 依托电子社保卡,广泛开展电子培训券使用; 凡补必进、不进不补, 远程监控、过程留痕.
    003 gives no voucher validity, attendance share or hand-entry period: placeholders, assumed."""
    for key in (
        "procedure.voucher_validity_days",
        "procedure.attendance_min_ratio",
        "attendance.manual_entry_days",
    ):
        rule = chongqing.rule(key)
        assert rule.cite == "003 §三10" and rule.assumed and rule.note and rule.note_zh, key
    assert chongqing.value("procedure.voucher_validity_days") == 180
    assert chongqing.value("attendance.manual_entry_days") == 0


def test_what_003_does_not_state_is_borrowed_and_marked_assumed(chongqing):
    """003 states no rate, amount, cap, deadline or notice: each is borrowed (004 §四(五),
    004 §四(四), 004 §四(三), 002 §四(二)1, 000) and marked assumed with a note naming its
    source."""
    borrowed = {
        "training.rates.employed": "004 §四(五)",
        "training.rates.certificate": "004 §四(五)",
        "training.rates.completion_only": "004 §四(五)",
        "limits.training.count": "004 §四(五)",
        "limits.evaluation.count": "004 §四(五)",
        "evaluation.amounts.4": "002 §四(二)1",
        "procedure.evaluation_deadline_days": "004 §四(四)",
        "procedure.notice_working_days": "004 §四(五)",
        "procedure.application_lead_days": "004 §四(三)",
        "eligibility.category_date": "004 §二; 004 §四(三)",
        "teachers.min_full_time_share": "000 §三(七)",
        "colleges.min_training_ratio": "000 §二(二)",
    }
    for key, cite in borrowed.items():
        rule = chongqing.rule(key)
        assert rule.cite == cite and rule.assumed, key
        assert cite.split(";")[0] in rule.note and cite.split(";")[0] in rule.note_zh, key
    assert chongqing.value("evaluation.amounts.4") == Decimal("240")


def test_what_003_does_not_pay_is_left_out(chongqing):
    """003 states no employment subsidies and no commitment regime (承诺制): left out, refused."""
    for section in ("employment.sme", "employment.agency", "commitment"):
        assert not chongqing.has_section(section), section
    with pytest.raises(RuleMissing, match="commitment.allowed_for"):
        chongqing.require("commitment.allowed_for")


# --- worked cases ----------------------------------------------------------------------------


def test_worked_case_training_subsidy_of_a_veteran_003_section_3_9(chongqing):
    """003 §三9 (退役军人, a key group) with the rates assumed from 004 §四(五): a certificate,
    not employed → 80% of the 1,500-yuan standard, 1,200 yuan; employed within 3 months → 100%.
    Every rate check says it is assumed and where it comes from."""
    certified = decide_training_subsidy(chongqing, cq_training(), [])
    assert (certified.outcome, certified.tier, certified.amount) == (
        "granted",
        "certificate",
        Decimal("1200.00"),
    )
    evidence = certified.check("training.outcome").evidence
    assert evidence["assumed"] is True and "004 §四(五)" in evidence["note_zh"]
    category = certified.check("training.category").evidence
    assert "003 §三9" in category["cite"]
    employed = decide_training_subsidy(
        chongqing, cq_training(employment_start=END + timedelta(days=40), certificate=None), []
    )
    assert (employed.tier, employed.amount) == ("employed", Decimal("1500.00"))


def test_worked_case_evaluation_subsidy_of_a_key_group_003_section_5_17(chongqing):
    """003 §五17: a disabled person (残疾人, a key group of 003 §三9) obtains a 中级工 skill level
    certificate → the evaluation subsidy, 240 yuan (amount assumed from 002 §四(二)1), paid to the
    evaluation organisation (assumed); a second evaluation is not refused (003 does not limit it
    to the first)."""
    decision = decide_evaluation_subsidy(chongqing, cq_evaluation(first_evaluation=False), [])
    assert (decision.outcome, decision.amount, decision.payee) == (
        "granted",
        Decimal("240.00"),
        "evaluation_org",
    )
    assert "evaluation.first_evaluation" not in {check.code for check in decision.checks}
    amount = decision.check("evaluation.amount").evidence
    assert amount["cite"] == "002 §四(二)1" and amount["assumed"] is True
    assert "003 §五17" in amount["note_zh"]
    assert decision.check("evaluation.category").evidence["cite"].startswith("003 §五17")


def test_worked_case_refusals_for_what_003_does_not_pay(chongqing):
    """003 §五17 pays the evaluation subsidy to key groups only: an enterprise employee (企业职工
    "人人持证", 003 §五15) is refused; a training completion certificate is no evaluation result;
    003 states no SME hiring subsidy, so it is refused "not stated"; 003 §三9 names no 灵活就业人员,
    so their training is refused too."""
    employee = decide_evaluation_subsidy(
        chongqing, cq_evaluation(categories=frozenset({"enterprise_employee"})), []
    )
    assert employee.outcome == "refused" and employee.failed_codes == ("evaluation.category",)
    assert "不属于职业技能评价补贴对象" in " ".join(employee.reasons("zh"))
    completion = decide_evaluation_subsidy(
        chongqing, cq_evaluation(certificate="training_completion"), []
    )
    assert "evaluation.certificate_kind" in completion.failed_codes
    sme = decide_employment_subsidy(
        chongqing,
        EmploymentLine(
            claim_id="S-1",
            enterprise_key="91500000000000000X",
            person_key="P1",
            kind="sme",
            holds_certificate=True,
            insured_months=12,
            hired_on=date(2022, 3, 1),
            enterprise_size="small",
            size_assessed_on=date(2022, 3, 1),
            claimed_on=date(2022, 6, 1),
            claim_year=2022,
        ),
        Decimal("0"),
    )
    assert sme.outcome == "refused" and sme.failed_codes == ("employment.sme.stated",)
    assert "本政策未规定" in " ".join(sme.reasons("zh"))
    flexible = decide_training_subsidy(
        chongqing, cq_training(categories=frozenset({"flexible"})), []
    )
    assert flexible.outcome == "refused" and "training.category" in flexible.failed_codes


def test_worked_case_a_certified_enterprise_apprentice_is_paid_by_the_standard(chongqing):
    """003 §三9 counts 企业新型学徒 among subsidised training (enrolment allowed). The outcome
    rates are for the key groups' employment skills training; an apprentice outside them who
    earns a certificate is paid 按规定 (004 §四(五) first paragraph, assumed: 100% of the
    standard), and one without a certificate is refused."""
    enrol = decide_enrolment(
        chongqing,
        EnrolmentRequest(
            person_key="P9",
            categories=frozenset({"enterprise_employee"}),
            occupation=WELDER,
            level="4",
            enrol_on=date(2022, 3, 1),
        ),
        [],
    )
    assert enrol.granted
    apprentice = {
        "categories": frozenset({"enterprise_employee"}),
        "training_type": "apprenticeship",
    }
    decision = decide_training_subsidy(chongqing, cq_training(**apprentice), [])
    assert (decision.outcome, decision.amount) == ("granted", Decimal("1500.00"))
    uncertified = decide_training_subsidy(
        chongqing, cq_training(**apprentice, certificate=None), []
    )
    assert uncertified.outcome == "refused" and "training.certificate" in uncertified.failed_codes


def test_worked_case_the_cap_of_three_and_never_twice(chongqing):
    """Cap assumed from 004 §四(五) (003 states none): 3 training subsidies a person over a
    lifetime, so a fourth is refused even in another year; the same occupation and level never
    twice."""
    history = [
        prior("CQ-2019", occupation="4-10-01-05", level="5", decided_on=date(2019, 5, 1)),
        prior("CQ-2020", occupation="6-31-01-03", level="5", decided_on=date(2020, 5, 1)),
        prior("CQ-2021", occupation="4-01-06-02", level="5", decided_on=date(2021, 5, 1)),
    ]
    fourth = decide_training_subsidy(chongqing, cq_training(), history)
    assert fourth.outcome == "refused" and fourth.failed_codes == ("limit.count",)
    count = fourth.check("limit.count").evidence
    assert (count["cap"], count["window"], count["counted"]) == (3, "lifetime", 3)
    assert count["assumed"] is True and "004 §四(五)" in count["note_zh"]
    assert "已达上限3次" in fourth.check("limit.count").message_zh
    third = decide_training_subsidy(chongqing, cq_training(), history[:2])
    assert third.granted
    again = [prior("CQ-WELD", occupation=WELDER, level="4", decided_on=date(2022, 2, 1))]
    twice = decide_training_subsidy(chongqing, cq_training(), again)
    assert twice.failed_codes == ("limit.unique",)


def test_worked_case_voucher_on_the_social_security_card_003_section_3_10(chongqing):
    """003 §三10: 电子培训券 for a key group (高校毕业生), valid 180 days from issue (a
    placeholder, assumed); a person outside the key groups gets none."""
    request = VoucherRequest(
        person_key="P1",
        categories=frozenset({"graduate"}),
        occupation=WELDER,
        requested_on=date(2022, 3, 1),
    )
    voucher = decide_voucher_issue(chongqing, request, [])
    assert voucher.granted and voucher.valid_until == date(2022, 8, 27)
    validity = voucher.check("voucher.validity").evidence
    assert validity["cite"] == "003 §三10" and validity["assumed"] is True
    outsider = VoucherRequest(
        person_key="P2",
        categories=frozenset({"employment_difficulty"}),
        occupation=WELDER,
        requested_on=date(2022, 3, 1),
    )
    assert decide_voucher_issue(chongqing, outsider, []).outcome == "refused"


def test_evaluation_within_7_days_assumed_from_004(chongqing):
    """003 states no deadline; 004 §四(四)'s 7 days are assumed."""
    assert evaluation_due_by(chongqing, END) == date(2022, 7, 7)


def test_a_case_outside_2022_belongs_to_no_chongqing_pack(chongqing):
    """003 is the 2022 work plan: a training that ended in 2023 is outside the pack's period."""
    decision = decide_training_subsidy(chongqing, cq_training(training_end=date(2023, 1, 10)), [])
    assert decision.outcome == "refused" and "pack.period" in decision.failed_codes
