"""The replay of voucher settlements and enrolment eligibility (issue 22) under a draft of the
Shangqiu pack, on vouchers and enrolments made through the services this year (the voucher
fixtures of tests.vouchers: holders of 虞城县, a class of 鸿鹄, certificates), the answer worked
out in each test.

A settlement pays the voucher's value capped by the subsidy standard of the certificate
(vouchers.services.settled_amount: 焊工五级 1200 in the demo), not a value of the pack: a draft
changes it only by refusing the voucher's issue (002 §四(五)3: 对…符合补贴条件的劳动者发放…电子
培训券; who is eligible is the pack's training.eligible, cite 002 §三(二)...) or by ending its
validity (procedure.voucher_validity_days, 180 days, assumed: 002 §四(五)3 states none) before
it was used at enrolment."""

from datetime import timedelta
from decimal import Decimal

import pytest

from jineng.catalog.models import DecisionRecord, Occupation, PolicyPackVersion
from jineng.certificates.models import Certificate
from jineng.core.models import Organisation
from jineng.people import services as people
from jineng.people.models import LedgerEvent
from jineng.training.models import Enrollment
from jineng.vouchers import services as vouchers
from jineng.vouchers.models import Voucher
from jineng.whatif import drafts, report, services
from jineng.whatif.models import ScenarioState
from tests.actors import act
from tests.factories import EMPLOYED, ClaimFactory
from tests.vouchers.conftest import CARER, TODAY

pytestmark = pytest.mark.django_db
START, END = TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31)
ELIGIBLE = 'eligible = { value = [\n    "rural_migrant",\n'
RATES = '"school_leaver", "rural_migrant", "registered_unemployed"'
RATES_WITHOUT = '"school_leaver", "registered_unemployed"'


def city() -> Organisation:
    return Organisation.objects.get(code="411400")


def shangqiu_draft():
    with act(None):
        version = PolicyPackVersion.objects.filter(pack_id="henan-shangqiu-2022").first()
        return drafts.copy_pack(version, city())


def without_rural_migrants(draft):
    """The draft's training.eligible without 农村转移就业劳动者 (002 §三(二) names them), and
    so its training.rates.categories (the loader refuses rates for a category not eligible)."""
    text = draft.latest().source_text
    assert text.count(ELIGIBLE) == 1 and text.count(RATES) == 1
    text = text.replace(ELIGIBLE, "eligible = { value = [\n").replace(RATES, RATES_WITHOUT)
    with act(None):
        revision = drafts.save_text(draft, text)
    assert revision.valid, revision.error
    return revision


def replayed(revision):
    with act(None):
        scenario = services.create_scenario(city(), START, END, revision)
        scenario = services.run_scenario(scenario)
    assert scenario.state == ScenarioState.DONE, scenario.error
    return scenario


def settled(voucher, certificate):
    certificate(voucher.person)
    with act("city_reviewer"):
        vouchers.settle(voucher)
    voucher.refresh_from_db()
    return voucher


def also_unemployed(person):
    with act(None):
        people.add_category(person, "registered_unemployed", valid_from=TODAY - timedelta(400),
                            source="test")  # fmt: skip
    return person


def mine(scenario, kind, ids):
    """The scenario's changed lines of a kind among these ids (the demo has its own)."""
    return {line.line_id: line for line in scenario.changes.filter(subsidy_type=kind)
            if line.line_id in ids}  # fmt: skip


def test_a_draft_refusing_the_voucher_s_holder_removes_exactly_that_settlement(
    holder, redeemed, certificate
):
    """002 §四(五)3: vouchers go to 符合补贴条件的劳动者. Two holders, each settled at 1200 (焊工
    五级): one only a 农村转移就业劳动者, one also a 城镇登记失业人员. A draft whose
    training.eligible drops 农村转移就业劳动者 would not have issued the first voucher: the
    settlements fall by exactly 1200; the second, still eligible, pays its 1200."""
    also_unemployed(holder(1))
    first = settled(redeemed(0)[0], certificate)
    second = settled(redeemed(1)[0], certificate)
    assert first.settled_amount == second.settled_amount == Decimal("1200.00")
    in_force = replayed(None)
    scenario = replayed(without_rural_migrants(shangqiu_draft()))
    ids = {first.pk, second.pk}
    assert mine(in_force, "voucher", ids) == {}  # the pack in force: as decided
    changed = mine(scenario, "voucher", ids)
    assert list(changed) == [first.pk]
    line = changed[first.pk]
    assert (line.before_amount, line.after_amount) == (Decimal("1200.00"), Decimal("0.00"))
    assert line.before_granted and not line.after_granted
    assert line.claim_number == first.number
    failed = [c["code"] for c in line.after["checks"] if not c["passed"]]
    assert failed == ["training.category"]
    assert all(c["passed"] for c in line.before["checks"])
    # the money: exactly the one settlement, in all, by county (the holders' 虞城县) and by
    # category; the holder loses a subsidy, counted under 农村转移就业劳动者
    assert in_force.before_total == in_force.after_total == Decimal("2400.00")
    assert (scenario.before_total, scenario.after_total) == (Decimal("2400.00"), Decimal("1200.00"))
    assert scenario.summary["groups"]["county"]["411425"][:2] == ["2400.00", "1200.00"]
    assert scenario.summary["groups"]["category"]["rural_migrant"][:2] == ["2400.00", "1200.00"]
    assert scenario.summary["groups"]["category"]["registered_unemployed"][:2] == [
        "1200.00", "1200.00",
    ]  # fmt: skip
    assert scenario.summary["people"]["lose"] == 1
    assert scenario.summary["people"]["by_category"] == {"rural_migrant": [0, 1]}
    assert scenario.summary["vouchers"] == {"total": 2, "changed": 1, "not_replayed": {}}


def test_a_shorter_validity_removes_the_settlement_of_a_voucher_used_after_it(
    holder, issue, claim, make_class, enrol, certificate
):
    """procedure.voucher_validity_days (180 days, assumed: 002 §四(五)3 states none; a voucher is
    used at enrolment within its validity, vouchers.services.check_redeemable). A voucher
    issued 30 days ago and one issued today, both used today and settled at 1200: with 20
    days, the first would have expired before it was used and settles nothing (-1200); the
    second is within them."""
    old, new = holder(0), holder(1)
    late = issue(old, on=TODAY - timedelta(days=30))
    fresh = issue(new)
    for voucher in (late, fresh):
        claim(voucher)
        enrol(make_class(), voucher.person, voucher)
        voucher.refresh_from_db()
    late, fresh = settled(late, certificate), settled(fresh, certificate)
    draft = shangqiu_draft()
    with act(None):
        revision = drafts.set_value(draft, "procedure.voucher_validity_days", "20")
    scenario = replayed(revision)
    changed = mine(scenario, "voucher", {late.pk, fresh.pk})
    assert list(changed) == [late.pk]
    line = changed[late.pk]
    assert (line.before_amount, line.after_amount) == (Decimal("1200.00"), Decimal("0.00"))
    failed = [c for c in line.after["checks"] if not c["passed"]]
    assert [c["code"] for c in failed] == ["voucher.redeemed"]
    last_day = (TODAY - timedelta(days=30) + timedelta(days=19)).isoformat()
    assert failed[0]["evidence"]["valid_until"] == last_day
    assert scenario.difference == Decimal("-1200.00")


def test_a_draft_tightening_eligibility_turns_exactly_those_enrolments_ineligible(
    holder, make_class, enrol, login
):
    """004 §二 names who is trained; the pack's training.eligible (002 §三(二) names
    农村转移就业劳动者). Three enrolled this year: two only 农村转移就业劳动者, one also 城镇登记
    失业人员. Without 农村转移就业劳动者 the first two become ineligible, the third stays: the
    page counts 2 people who become ineligible under 农村转移就业劳动者, and no money."""
    also_unemployed(holder(2))
    training_class = make_class()
    made = [enrol(training_class, holder(n)) for n in range(3)]
    assert all(enrolment.eligible for enrolment in made)
    scenario = replayed(without_rural_migrants(shangqiu_draft()))
    ids = {enrolment.pk for enrolment in made}
    changed = mine(scenario, "enrolment", ids)
    assert set(changed) == {made[0].pk, made[1].pk}
    for line in changed.values():
        assert line.before_granted and not line.after_granted
        assert line.before_amount == line.after_amount == Decimal("0.00")
        failed = [c["code"] for c in line.after["checks"] if not c["passed"]]
        assert failed == ["training.category"]
    eligibility = scenario.summary["eligibility"]
    assert (eligibility["eligible_before"], eligibility["eligible_after"]) == (3, 1)
    assert eligibility["people"]["lose"] == 2 and eligibility["people"]["gain"] == 0
    assert eligibility["people"]["by_category"] == {"rural_migrant": [0, 2]}
    assert scenario.before_total == scenario.after_total == Decimal("0.00")  # no money
    in_force = replayed(None)
    assert mine(in_force, "enrolment", ids) == {}
    with act(None):
        rows = report.eligibility_rows(scenario)
    assert [row[0] for row in rows[:6]] == [report.category_name(c) for c in services.SIX_004]
    assert rows[3] == [report.category_name("rural_migrant"), 0, 2]
    page = login("city_reviewer").get(f"/whatif/scenarios/{scenario.pk}/").content.decode()
    assert 'id="eligibility"' in page and "补贴资格本身不涉及金额" in page
    for enrolment in made[:2]:
        assert f'data-line="{enrolment.pk}" data-kind="enrolment"' in page


def test_a_licence_the_stored_decision_never_looked_at_is_not_replayed(holder, make_class, enrol):
    """004 §五(一): a draft that asks 焊工 trainees for their practising licence, where the
    Shangqiu pack asks none (002 names no such occupation): the stored eligibility never looked
    at the licences held, so the enrolment keeps its outcome and is counted as not replayed,
    with the reason on the page; it is not guessed."""
    made = enrol(make_class(), holder(0))
    draft = shangqiu_draft()
    text = draft.latest().source_text
    start = text.index("licence_required = { value = {}")
    with act(None):
        revision = drafts.save_text(
            draft, text[:start] + 'licence_required = { value = { "6-18-02-04" = "welding_work" }'
            + text[start + len("licence_required = { value = {}"):],
        )  # fmt: skip
    assert revision.valid, revision.error
    scenario = replayed(revision)
    assert mine(scenario, "enrolment", {made.pk}) == {}
    assert scenario.summary["eligibility"]["not_replayed"]["no_licences"] == 1
    with act(None):
        rows = report.not_replayed_rows(scenario)
    assert any("004 §五(一)" in why for _what, why, _n in rows)


def test_a_replay_writes_no_voucher_enrolment_certificate_decision_or_ledger_entry(
    holder, redeemed, certificate, make_class, enrol
):
    settled(redeemed(0)[0], certificate)
    enrol(make_class(), holder(1))
    models = (Voucher, Enrollment, Certificate, DecisionRecord, LedgerEvent)
    before = {model: model.objects.count() for model in models}
    voucher_columns = ("id", "state", "settled_amount", "decision_id", "valid_until")
    enrolment_columns = ("id", "eligible", "eligibility_id", "state")
    stored = (
        list(Voucher.objects.order_by("id").values_list(*voucher_columns)),
        list(Enrollment.objects.order_by("id").values_list(*enrolment_columns)),
    )
    scenario = replayed(without_rural_migrants(shangqiu_draft()))
    assert scenario.changed > 0
    assert {model: model.objects.count() for model in models} == before
    assert stored == (
        list(Voucher.objects.order_by("id").values_list(*voucher_columns)),
        list(Enrollment.objects.order_by("id").values_list(*enrolment_columns)),
    )


def test_a_lower_cap_refuses_the_voucher_of_a_person_with_an_earlier_subsidy(
    make_class, enrol, certificate, users
):
    """004 §四(五) (每人累计最多享受3次; Shangqiu's limits.training.count, 国办发〔2019〕24号,
    assumed): a voucher is issued only to who could still earn a training subsidy. A trainee
    granted a training subsidy (焊工五级, a claim submitted before) is then issued a voucher for
    养老护理员, used and settled. Under a cap of 1, the history of the time (the claim line
    decided before the issue) has used the one subsidy: the voucher would not have been issued,
    its settlement is lost; the claim line itself, decided with no earlier subsidy, keeps its
    grant."""
    claim_made = ClaimFactory(state="submitted", outcomes=(EMPLOYED,))
    line = claim_made.lines.get()
    assert line.granted
    person = line.person
    with act("city_reviewer"):
        voucher = vouchers.issue(person, [Occupation.objects.get(code=CARER)])
        vouchers.claim(voucher, users["city_reviewer"])
    enrol(make_class(CARER), person, voucher)
    certificate(person, CARER, "5")
    with act("city_reviewer"):
        vouchers.settle(voucher)
    voucher.refresh_from_db()
    draft = shangqiu_draft()
    with act(None):
        revision = drafts.set_value(draft, "limits.training.count", "1")
    scenario = replayed(revision)
    changed = mine(scenario, "voucher", {voucher.pk})
    assert list(changed) == [voucher.pk]
    assert changed[voucher.pk].after_amount == Decimal("0.00")
    failed = [c for c in changed[voucher.pk].after["checks"] if not c["passed"]]
    assert [c["code"] for c in failed] == ["limit.count"]
    assert failed[0]["evidence"]["prior_claim_ids"] == [claim_made.number]
    assert not scenario.changes.filter(line_id=line.pk, subsidy_type="training").exists()
    assert scenario.difference == -voucher.settled_amount
