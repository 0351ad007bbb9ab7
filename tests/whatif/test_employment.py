"""The replay of the employment subsidy lines (002 §四(三)1, issue 22): an SME's 1000 yuan per
person hired (中小微企业吸纳) and an agency's 300 yuan per placement (人力资源服务机构介绍就业)
decided again under a draft of Shangqiu's pack from their stored decisions, the enterprise's
cap (累计最高不超过200万元) carried in the order the lines were decided, nothing real written.

The claims are made and submitted through the claims services on the Henan fixtures of
tests.claims.builders_employment (hires of HIRED, 400 days ago); the period replayed is HIRED's
year."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from jineng.catalog.models import DecisionRecord
from jineng.catalog.packs import pack_for
from jineng.claims import employment, services
from jineng.claims.models import Claim, ClaimLine
from jineng.whatif import drafts, replay
from jineng.whatif import services as whatif
from jineng.whatif.models import ScenarioState
from tests.actors import act
from tests.claims.builders_employment import *  # noqa: F403  (the emp_ fixtures)
from tests.claims.builders_employment import (
    AGENCY,
    HIRED,
    SME,
    TODAY,
    enterprise_uscc,
    hire,
    scratch_history,
)
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
ENTERPRISE = enterprise_uscc(11)
AGENCY_USCC = enterprise_uscc(12)
EMPLOYER = enterprise_uscc(13)  # a Henan employer the agency places people with
START, END = date(HIRED.year, 1, 1), date(HIRED.year, 12, 31)


@pytest.fixture(autouse=True)
def sme(emp_bureau):
    """ENTERPRISE: a small enterprise of the city's bureau, classed before the hires."""
    return EnterpriseFactory(
        uscc=ENTERPRISE, name="商丘市测试吸纳企业有限公司", size="small",
        size_assessed_on=HIRED - timedelta(days=30),
    )  # fmt: skip


@pytest.fixture
def persons(emp_people):
    return emp_people["any"]


def claim_of(kind, hires, bureau) -> Claim:
    """A claim taken in by the city's reviewer (not submitted yet)."""
    uscc = ENTERPRISE if kind == SME else AGENCY_USCC
    with act("city_reviewer"):
        return employment.create_employment_claim(
            kind, bureau=bureau, payee_name="测试单位", payee_uscc=uscc, hires=hires,
            claim_year=HIRED.year if kind == SME else None,
        )  # fmt: skip


def submitted(*claims: Claim) -> list[Claim]:
    with act("city_reviewer"):
        return [services.submit(claim) for claim in claims]


def amounts(claim: Claim) -> list[Decimal]:
    return list(claim.lines.order_by("id").values_list("amount", flat=True))


def draft_with(bureau, **values):
    """A draft of the pack in force for the city, with these values set."""
    version, _pack = pack_for(bureau.region_code, TODAY)
    with act(None):
        draft = drafts.copy_pack(version, bureau)
        revision = None
        for key, value in values.items():
            revision = drafts.set_value(draft, key.replace("__", "."), value)
    return revision


def replayed(bureau, revision):
    with act(None):
        scenario = whatif.create_scenario(bureau, START, END, revision)
        return whatif.run_scenario(scenario)


def test_a_draft_raising_the_sme_and_agency_amounts_changes_the_budget_exactly(emp_bureau, persons):
    """002 §四(三)1: 每吸纳1人给予1000元一次性补助 (SME), 每成功介绍1人给予300元补贴 (agency). Two
    hires granted 1000 each, one refused for 11 insured months (fewer than 12), two placements
    granted 300 each: 2 × 1000 + 2 × 300 = 2600. A draft paying 1500 and 400 pays
    2 × 1500 + 2 × 400 = 3800, exactly 1200 more; the refused hire stays refused."""
    hires = [hire(persons[0], ENTERPRISE), hire(persons[1], ENTERPRISE),
             hire(persons[2], ENTERPRISE, months=11)]  # fmt: skip
    placements = [hire(persons[3], EMPLOYER, months=7), hire(persons[4], EMPLOYER, months=7)]
    sme_claim, agency_claim = submitted(
        claim_of(SME, hires, emp_bureau), claim_of(AGENCY, placements, emp_bureau)
    )
    assert amounts(sme_claim) == [Decimal("1000.00"), Decimal("1000.00"), Decimal("0.00")]
    assert amounts(agency_claim) == [Decimal("300.00")] * 2
    revision = draft_with(
        emp_bureau,
        employment__sme__amount_per_person="1500",
        employment__agency__amount_per_person="400",
    )
    counted = [Claim.objects.count(), ClaimLine.objects.count(), DecisionRecord.objects.count()]
    stored = list(ClaimLine.objects.order_by("id").values_list("amount", "granted", "decision"))
    scenario = replayed(emp_bureau, revision)
    assert scenario.state == ScenarioState.DONE, scenario.error
    assert (scenario.lines, scenario.changed) == (5, 4)
    assert scenario.before_total == Decimal("2600.00")
    assert scenario.after_total == Decimal("3800.00")
    assert scenario.difference == Decimal("1200.00")
    by_type = {
        change.subsidy_type: change.after_amount for change in scenario.changes.order_by("id")
    }
    assert by_type == {"employment_sme": Decimal("1500.00"), "employment_agency": Decimal("400")}
    county = scenario.summary["groups"]["county"]["411400"]
    assert county == ["2600.00", "3800.00", 5]
    refused = ClaimLine.objects.get(claim=sme_claim, person=persons[2])
    assert not scenario.changes.filter(line_id=refused.pk).exists()
    change = scenario.changes.get(line_id=sme_claim.lines.order_by("id").first().pk)
    assert change.before["amount"] == "1000.00" and change.after["amount"] == "1500.00"
    checks = {check["code"]: check for check in change.after["checks"]}
    assert checks["employment.insured_months"]["evidence"]["insured_months"] == 13
    assert checks["employment.enterprise_size"]["evidence"]["size"] == "small"
    # nothing real is written
    assert counted == [
        Claim.objects.count(), ClaimLine.objects.count(), DecisionRecord.objects.count()
    ]  # fmt: skip
    assert stored == list(
        ClaimLine.objects.order_by("id").values_list("amount", "granted", "decision")
    )


def test_the_pack_in_force_replays_the_employment_lines_as_decided(emp_bureau, persons):
    """Without a draft the lines are decided again under the pack in force: nothing changes."""
    submitted(
        claim_of(SME, [hire(persons[0], ENTERPRISE)], emp_bureau),
        claim_of(AGENCY, [hire(persons[1], EMPLOYER, months=7)], emp_bureau),
    )
    scenario = replayed(emp_bureau, None)
    assert scenario.state == ScenarioState.DONE, scenario.error
    assert (scenario.lines, scenario.changed) == (2, 0)
    assert scenario.before_total == scenario.after_total == Decimal("1300.00")


def near_the_cap(emp_bureau, persons):
    """002 §四(三)1: 累计最高不超过200万元. The enterprise was granted 1,998,500 yuan in an
    earlier year (outside the period). Claim A (two hires) and claim B (one hire) are taken in,
    then B is submitted before A: B's hire gets 1000, A's first the remaining 500, A's second
    nothing. Returns (A's lines, B's line)."""
    earlier = scratch_history(
        SME, ENTERPRISE, [Decimal("999250")] * 2, persons[-2:], bureau=emp_bureau
    )
    earlier.lines.update(decided_on=START - timedelta(days=10))
    first = claim_of(SME, [hire(persons[0], ENTERPRISE), hire(persons[1], ENTERPRISE)], emp_bureau)
    second = claim_of(SME, [hire(persons[2], ENTERPRISE)], emp_bureau)
    second, first = submitted(second, first)
    assert amounts(second) == [Decimal("1000.00")]
    assert amounts(first) == [Decimal("500.00"), Decimal("0.00")]
    return list(first.lines.order_by("id")), second.lines.get()


def changes_of(scenario) -> dict[int, tuple[Decimal, Decimal]]:
    return {
        change.line_id: (change.before_amount, change.after_amount)
        for change in scenario.changes.all()
    }


def test_raising_the_cap_grants_in_the_order_the_lines_were_decided(emp_bureau, persons):
    """002 §四(三)1: 累计最高不超过200万元, raised to 2,001,000 in a draft. In the order decided
    (B, then A's two lines) B keeps 1000, A's first gets 1000 (was 500), A's second the
    remaining 500 (was 0): exactly 1000 more, and B unchanged. In the lines' own order A would
    have taken the room and B lost it."""
    (a_first, a_second), b_line = near_the_cap(emp_bureau, persons)
    scenario = replayed(
        emp_bureau, draft_with(emp_bureau, employment__sme__enterprise_cap="2001000")
    )
    assert scenario.state == ScenarioState.DONE, scenario.error
    assert scenario.lines == 3
    assert changes_of(scenario) == {
        a_first.pk: (Decimal("500.00"), Decimal("1000.00")),
        a_second.pk: (Decimal("0.00"), Decimal("500.00")),
    }
    assert scenario.difference == Decimal("1000.00")
    change = scenario.changes.get(line_id=a_second.pk)
    cap = next(c for c in change.after["checks"] if c["code"] == "employment.enterprise_cap")
    assert cap["evidence"]["granted_before"] == "2000500.00"  # 1,998,500 + B's 1000 + A's 1000


def test_lowering_the_cap_refuses_exactly_the_last_grants(emp_bureau, persons):
    """002 §四(三)1's cap lowered to 1,999,000: with 1,998,500 granted before, B (decided
    first) gets the remaining 500 (was 1000) and A's first nothing (was 500); A's second stays
    at nothing. Exactly 1000 less."""
    (a_first, _a_second), b_line = near_the_cap(emp_bureau, persons)
    scenario = replayed(
        emp_bureau, draft_with(emp_bureau, employment__sme__enterprise_cap="1999000")
    )
    assert scenario.state == ScenarioState.DONE, scenario.error
    assert changes_of(scenario) == {
        b_line.pk: (Decimal("1000.00"), Decimal("500.00")),
        a_first.pk: (Decimal("500.00"), Decimal("0.00")),
    }
    assert scenario.difference == Decimal("-1000.00")
    assert scenario.summary["people"]["lose"] == 1  # A's first hire loses the subsidy


def test_a_grant_decided_after_the_replayed_lines_does_not_count_before_them(emp_bureau, persons):
    """As claims.employment counts the cap, a line counts for the lines decided after it: a
    grant outside the period decided later (a claim of the next year) does not take room from
    the period's lines, so the pack in force replays them as decided."""
    near_the_cap(emp_bureau, persons)
    later = scratch_history(SME, ENTERPRISE, [Decimal(1000)], persons[-3:-2], bureau=emp_bureau)
    later.lines.update(decided_on=END + timedelta(days=10))
    grants = [amount for _record, _uscc, amount in whatif.enterprise_grants_for(
        whatif.load_cases(emp_bureau, START, END))]  # fmt: skip
    assert sorted(grants) == [Decimal("1000.00"), Decimal("999250"), Decimal("999250")]
    scenario = replayed(emp_bureau, None)
    assert scenario.state == ScenarioState.DONE, scenario.error
    assert (scenario.lines, scenario.changed) == (3, 0)


def test_an_employment_line_is_rebuilt_from_its_stored_decision(emp_bureau, persons):
    """The facts of an SME line come from its trace (002 §四(三)1: the certificate held, the
    insured months, the size class and its day, the day taken in, the year): the engine under
    the pack in force gives the stored decision again, check by check."""
    (claim,) = submitted(claim_of(SME, [hire(persons[0], ENTERPRISE, months=14)], emp_bureau))
    (case,) = whatif.load_cases(emp_bureau, START, END)
    line = case.engine_line
    assert (line.kind, line.enterprise_key, line.insured_months) == ("sme", ENTERPRISE, 14)
    assert (line.holds_certificate, line.in_province, line.hired_on) == (True, True, HIRED)
    assert (line.enterprise_size, line.claim_year) == ("small", HIRED.year)
    assert line.size_assessed_on == HIRED - timedelta(days=30)
    assert line.claimed_on == TODAY
    _version, pack = pack_for(emp_bureau.region_code, TODAY)
    outcome = replay.replay(pack, [case], {})
    stored = claim.lines.get().decision.detail
    again = outcome.decision(case, stored).to_dict()
    assert [c["code"] for c in again["checks"]] == [c["code"] for c in stored["checks"]]
    assert [c["evidence"] for c in again["checks"]] == [c["evidence"] for c in stored["checks"]]
    assert again["amount"] == stored["amount"] == "1000.00"


def test_the_report_shows_the_employment_changes_on_its_page_and_files(emp_bureau, persons, login):
    """The scenario's page, Excel file and PDF show the changed employment lines with their
    reasons (002 §四(三)1's amount of 1000 set to 1500 in a draft)."""
    (claim,) = submitted(claim_of(SME, [hire(persons[0], ENTERPRISE)], emp_bureau))
    scenario = replayed(
        emp_bureau, draft_with(emp_bureau, employment__sme__amount_per_person="1500")
    )
    assert scenario.difference == Decimal("500.00")
    client = login("city_reviewer")
    page = client.get(f"/whatif/scenarios/{scenario.pk}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert claim.number in content and "500.00" in content
    xlsx = client.get(f"/whatif/scenarios/{scenario.pk}/xlsx/")
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]
    assert claim.number in cells
    pdf = client.get(f"/whatif/scenarios/{scenario.pk}/pdf/")
    assert pdf.content.startswith(b"%PDF")
