"""Employment subsidy claims (002 §四(三)1), taken in by the bureau for an SME (吸纳持证人员) or an
HR service agency (介绍就业): each line decided by the pack from the registry's certificates and
insured employment; the SME's cap across all its claims, re-decided under a lock at submission;
the one-off rule; only 中小微企业 of the enterprise registry with the evidence of their size,
only hires of the claim's year, and only the bureau the enterprise belongs to (按企业隶属关系);
the scope; bad input refused with a clear message and nothing stored."""

import threading
from datetime import timedelta
from decimal import Decimal

import psycopg
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from jineng.catalog.models import DecisionRecord
from jineng.certificates.models import Certificate, CertificateKind, CertificateStatus
from jineng.claims import employment, services
from jineng.claims.models import Claim, ClaimLine, ClaimState, LineState
from jineng.core import audit
from jineng.core.models import Organisation, StateChange
from jineng.institutions import services as institutions
from jineng.institutions.models import Enterprise
from jineng.people.models import EmploymentRecord, LedgerEvent, Person
from jineng.policy.decision import Decision
from tests.claims.builders_employment import *  # noqa: F403  (the emp_ fixtures)
from tests.claims.builders_employment import (
    AGENCY,
    HIRED,
    SME,
    TODAY,
    certify,
    draft_claim,
    enterprise_uscc,
    hire,
    insure,
    scratch_history,
)
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
CAP = Decimal("2000000")
ENTERPRISE = enterprise_uscc(1)
AGENCY_USCC = enterprise_uscc(2)
OTHER_EMPLOYER = enterprise_uscc(3)
HEBEI_EMPLOYER = enterprise_uscc(4, region="130100")  # 石家庄: outside Henan


@pytest.fixture(autouse=True)
def sme(emp_bureau):
    """ENTERPRISE in the enterprise registry: a small enterprise belonging to the city's bureau,
    classed from its evidence before the hires (002 §四(三)1: 中小微企业)."""
    return EnterpriseFactory(
        uscc=ENTERPRISE, name="商丘市测试机械制造有限公司", size="small",
        size_assessed_on=HIRED - timedelta(days=30),
    )  # fmt: skip


@pytest.fixture
def take(act, emp_bureau):
    """take(kind, hires, by="city_reviewer", **options): a claim through the service; an SME's
    claim is for the year of HIRED unless told."""

    def make(kind, hires, *, by="city_reviewer", uscc=None, **options):
        options.setdefault("bureau", emp_bureau)
        options.setdefault("payee_name", "商丘市测试机械制造有限公司")
        if kind == SME:
            options.setdefault("claim_year", HIRED.year)
        default = ENTERPRISE if kind == SME else AGENCY_USCC
        with act(by):
            return employment.create_employment_claim(
                kind, payee_uscc=default if uscc is None else uscc, hires=hires, **options
            )

    return make


@pytest.fixture
def persons(emp_people):
    return emp_people["any"]


@pytest.fixture
def committed_persons(db):
    """People other connections can see: the base's demo people (committed before the tests)
    with no certificate and no employment record. Factory people live in the test's own
    transaction, which a second connection does not see."""
    return list(
        Person.objects.filter(source="demo", certificates__isnull=True, employment__isnull=True)
        .select_related("organisation")
        .order_by("id")[:4]
    )


def lines_of(claim: Claim) -> list[ClaimLine]:
    return list(claim.lines.select_related("decision").order_by("id"))


def reasons(line: ClaimLine, lang: str = "en") -> str:
    """Every rule the line's decision checked, as the "why" page shows them."""
    checks = Decision.from_dict(line.decision.detail).checks
    return "; ".join(check.message_en if lang == "en" else check.message_zh for check in checks)


def messages(problem: pytest.ExceptionInfo) -> str:
    return "; ".join(problem.value.messages)


# --- amounts, months, certificate, province ---------------------------------------------------


def test_sme_gets_1000_yuan_for_a_certified_hire_insured_12_months_or_more(take, persons):
    """002 §四(三)1: 新吸纳持证人员稳定就业1年以上并缴纳职工社会保险费的中小微企业，每吸纳1人给予
    1000元一次性补助. Twelve insured months are enough, eleven are not (a line of 0 says why)."""
    twelve = hire(persons[0], ENTERPRISE, months=12)
    eleven = hire(persons[1], ENTERPRISE, months=11)
    claim = take(SME, [twelve, eleven])
    first, second = lines_of(claim)
    assert (first.granted, first.amount) == (True, Decimal("1000.00"))
    assert (second.granted, second.amount) == (False, Decimal("0.00"))
    assert "11 months of insured employment, fewer than 12" in reasons(second)
    assert "002 §四(三)1" in reasons(second)
    assert claim.requested_total == Decimal("1000.00")
    assert claim.state == ClaimState.DRAFT and claim.kind == SME
    assert claim.number.startswith(f"JY{TODAY.year}-")
    assert (claim.organisation, claim.bureau, claim.region.code) == (
        claim.bureau, Organisation.objects.get(code="411400"), "411400"
    )  # fmt: skip


def test_each_line_keeps_its_decision_with_the_pack_version_and_the_rules_checked(take, persons):
    """002 §四(三)1: every amount explained — the stored decision names the pack version, the
    certificate held and the insured months; the line keeps the day of hiring."""
    claim = take(SME, [hire(persons[0], ENTERPRISE, months=14)])
    (line,) = lines_of(claim)
    record = line.decision
    assert record.pack.pack_id == "henan-shangqiu-2022" and record.amount == line.amount
    assert record.org_path == claim.bureau.path
    assert (record.subject_type, record.subject_id) == ("claims.claim", str(claim.pk))
    checks = {item["code"].split(":")[0]: item for item in record.detail["checks"]}
    assert checks["employment.insured_months"]["evidence"]["insured_months"] == 14
    assert checks["employment.certificate"]["passed"] is True
    assert line.decided_on == HIRED and line.certificate.person == persons[0]
    assert line.subsidy_type == SME and line.state == LineState.PENDING


def test_agency_gets_300_yuan_for_a_placement_insured_6_months_in_the_province(take, persons):
    """002 §四(三)1: 介绍持证人员实现省内稳定就业半年以上并依法缴纳职工社会保险费的，每成功介绍1人
    给予300元补贴. Six months in a Henan enterprise pass; five do not; a Hebei employer is not
    省内 (its credit code's region is outside the bureau's province)."""
    six = hire(persons[0], OTHER_EMPLOYER, months=6)
    five = hire(persons[1], OTHER_EMPLOYER, months=5)
    hebei = hire(persons[2], HEBEI_EMPLOYER, months=12)
    claim = take(AGENCY, [six, five, hebei], payee_name="商丘市测试人力资源服务有限公司")
    amounts = [(line.granted, line.amount) for line in lines_of(claim)]
    assert amounts == [(True, Decimal("300.00")), (False, 0), (False, 0)]
    _six, five_line, hebei_line = lines_of(claim)
    assert "5 months of insured employment, fewer than 6" in reasons(five_line)
    assert "not employed in the province" in reasons(hebei_line)
    assert "未在省内就业" in reasons(hebei_line, "zh")
    assert claim.requested_total == Decimal("300.00")


def test_an_agency_placing_a_person_with_itself_places_no_one(take, persons):
    """002 §四(三)1: 介绍…实现就业 — the employment an agency is paid for is with another
    employer; the agency's own employment of the person is not found as a placement."""
    claim = take(AGENCY, [hire(persons[0], AGENCY_USCC, months=12)])
    (line,) = lines_of(claim)
    assert line.amount == 0 and "0 months of insured employment" in reasons(line)


def test_sme_counts_only_its_own_insured_employment_starting_with_the_hire(take, persons):
    """002 §四(三)1: 新吸纳…稳定就业1年以上 — the insured months are those with the enterprise, in
    the employment that starts in the month of hiring and at most 30 days after it (社会保险法
    §58); employment elsewhere, earlier or much later does not count."""
    elsewhere, earlier, later, first_of_month = persons[:4]
    for person in (elsewhere, earlier, later, first_of_month):
        certify(person)
    insure(elsewhere, OTHER_EMPLOYER, months=20)
    insure(earlier, ENTERPRISE, start=HIRED - timedelta(days=365), months=30)  # not a new hire
    insure(later, ENTERPRISE, start=HIRED + timedelta(days=45), months=12)
    insure(first_of_month, ENTERPRISE, start=HIRED.replace(day=1), months=12)
    hires = [(person, HIRED) for person in (elsewhere, earlier, later, first_of_month)]
    claim = take(SME, hires)
    assert [line.amount for line in lines_of(claim)] == [0, 0, 0, Decimal("1000.00")]


def test_certificate_required_valid_skill_certificate_held_when_hired(take, persons):
    """002 §四(三)1: 吸纳持证人员 — no certificate, a revoked one, a 培训合格证书 only or one
    obtained after the hire gives 0 with the reason; a valid skill certificate held on the day
    of hiring gives 1000."""
    none, revoked, completion, late, held = persons[:5]
    for person in (none, revoked, completion, late, held):
        insure(person, ENTERPRISE, months=13)
    certify(revoked, status=CertificateStatus.REVOKED, revoked_on=TODAY)
    certify(completion, kind=CertificateKind.TRAINING_COMPLETION)
    certify(late, issued_on=HIRED + timedelta(days=10))
    certify(held, kind=CertificateKind.SPECIAL_ABILITY, issued_on=HIRED)
    claim = take(SME, [(p, HIRED) for p in (none, revoked, completion, late, held)])
    lines = lines_of(claim)
    assert [line.amount for line in lines] == [0, 0, 0, 0, Decimal("1000.00")]
    assert all("the hire holds no certificate" in reasons(line) for line in lines[:4])
    assert "被吸纳人员未持有证书" in reasons(lines[0], "zh")
    assert lines[4].certificate.kind == CertificateKind.SPECIAL_ABILITY


# --- the enterprise's cap across all its claims -----------------------------------------------


def test_cap_2_000_000_gives_the_remainder_then_nothing(take, persons, emp_bureau):
    """002 §四(三)1: 累计最高不超过200万元. With 1,999,500 yuan granted in its earlier claims, the
    enterprise's next hire gets the remaining 500 and the one after it nothing, the running
    total carried from line to line."""
    scratch_history(SME, ENTERPRISE, [Decimal("999750")] * 2, persons[-2:], bureau=emp_bureau)
    hires = [hire(person, ENTERPRISE) for person in persons[:3]]
    claim = take(SME, hires)
    first, second, third = lines_of(claim)
    assert (first.granted, first.amount) == (True, Decimal("500.00"))
    assert "only the remaining 500.00 yuan is granted" in reasons(first)
    assert (second.granted, second.amount) == (False, 0)
    assert "already got 2,000,000.00 yuan, its cap of 2,000,000.00" in reasons(second)
    assert "已达累计上限" in reasons(third, "zh")
    assert claim.requested_total == Decimal("500.00")


def test_cap_counts_only_what_the_enterprise_was_granted_in_claims_that_count(persons, emp_bureau):
    """002 §四(三)1: 累计 — the total is over every claim of the enterprise from submission on,
    whoever took it in: drafts, withdrawn and rejected claims, rejected lines, the agency
    subsidy and other enterprises are not counted."""
    some = persons[-3:]
    county = Organisation.objects.get(code="411481")
    scratch_history(SME, ENTERPRISE, [Decimal(1000)] * 3, some, bureau=emp_bureau)
    scratch_history(SME, ENTERPRISE, [Decimal(1000)], some, bureau=county,
                    claim_state=ClaimState.SUBMITTED, line_state=LineState.PENDING)  # fmt: skip
    scratch_history(SME, ENTERPRISE, [Decimal(1000)], some, bureau=emp_bureau,
                    claim_state=ClaimState.REVIEWED, line_state=LineState.APPROVED)  # fmt: skip
    for state in (ClaimState.DRAFT, ClaimState.WITHDRAWN, ClaimState.REJECTED):
        scratch_history(SME, ENTERPRISE, [Decimal(7)], some, bureau=emp_bureau,
                        claim_state=state, line_state=LineState.PENDING)  # fmt: skip
    scratch_history(SME, ENTERPRISE, [Decimal(7)], some, bureau=emp_bureau,
                    claim_state=ClaimState.CLOSED, line_state=LineState.REJECTED)  # fmt: skip
    scratch_history(AGENCY, ENTERPRISE, [Decimal(300)], some, bureau=emp_bureau)
    scratch_history(SME, OTHER_EMPLOYER, [Decimal(1000)], some, bureau=emp_bureau)
    assert employment.granted_total(SME, ENTERPRISE) == Decimal("5000")
    assert employment.granted_total(AGENCY, ENTERPRISE) == Decimal("300")


# --- one person once ----------------------------------------------------------------------------


def test_the_same_person_twice_in_a_claim_is_refused(take, persons):
    """002 §四(三)1: 每吸纳1人给予1000元一次性补助 — one person, one line: listed twice, the claim
    is refused, naming the person (never the ID number), and nothing is stored."""
    person, on = hire(persons[0], ENTERPRISE)
    before = Claim.objects.count()
    with pytest.raises(ValidationError) as refused:
        take(SME, [(person, on), (person, on + timedelta(days=1))])
    assert messages(refused) == _("%(name)s is listed twice: a person is claimed once.") % {
        "name": person.name
    }
    assert person.id_number_masked[:6] not in messages(refused)
    assert Claim.objects.count() == before


def test_a_person_claimed_before_by_the_same_payee_is_refused(take, persons, emp_bureau):
    """002 §四(三)1: 一次性补助 — an enterprise claims a hire once: a second claim for the same
    person is refused with the earlier claim's number; a withdrawn claim or a line the rules
    refused does not count, and another payee (an agency that placed the person) may claim."""
    person, on = hire(persons[0], ENTERPRISE)
    earlier = scratch_history(SME, ENTERPRISE, [Decimal(1000)], [person], bureau=emp_bureau,
                              claim_state=ClaimState.SUBMITTED,
                              line_state=LineState.PENDING)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        take(SME, [(person, on)])
    assert earlier.number in messages(refused) and person.name in messages(refused)
    Claim.objects.filter(pk=earlier.pk).update(state=ClaimState.WITHDRAWN)
    assert lines_of(take(SME, [(person, on)]))[0].amount == Decimal("1000.00")
    refused_before = hire(persons[1], ENTERPRISE, months=11)
    scratch_history(SME, ENTERPRISE, [Decimal(0)], [refused_before[0]], bureau=emp_bureau,
                    claim_state=ClaimState.SUBMITTED, line_state=LineState.PENDING,
                    granted=False)  # fmt: skip
    insure(refused_before[0], ENTERPRISE, months=12)  # a month later, the claim is made again
    assert lines_of(take(SME, [refused_before]))[0].amount == Decimal("1000.00")
    placed = take(AGENCY, [(person, on)])  # the agency placed the person with the SME
    assert lines_of(placed)[0].amount == Decimal("300.00")


# --- who may take a claim in, and bad input ------------------------------------------------------


def test_only_a_bureau_reviewer_takes_claims_in_within_its_region(take, emp_people):
    """002 §四(三)1 按企业隶属关系: the bureau takes in its enterprises' claims — the institution
    has no such capability; the 梁园区 reviewer cannot act for the city bureau, nor list a
    person of 永城; a department is no bureau."""
    liangyuan = Organisation.objects.get(code="411402")
    county_sme = EnterpriseFactory(bureau_code="411402").uscc
    yongcheng_person = emp_people["411481"][0]
    liangyuan_person = Person.objects.filter(organisation=liangyuan).order_by("id").first()
    hires = [hire(liangyuan_person, county_sme)]
    with pytest.raises(PermissionDenied, match="只有人社部门可以受理就业补贴申请"):
        take(SME, hires, by="institution", uscc=county_sme)
    with pytest.raises(PermissionDenied, match="该人社部门不在您的管辖区域内"):
        take(SME, hires, by="county_reviewer", uscc=county_sme)
    with pytest.raises(PermissionDenied, match="名单中有人员不在您的管辖区域内"):
        take(SME, [*hires, hire(yongcheng_person, county_sme)], by="county_reviewer",
             bureau=liangyuan, uscc=county_sme)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        take(SME, hires, bureau=Organisation.objects.get(code="DEPT-411400-25"), uscc=county_sme)
    assert "bureau" in refused.value.message_dict
    claim = take(SME, hires, by="county_reviewer", bureau=liangyuan, uscc=county_sme)
    assert claim.bureau == liangyuan and lines_of(claim)[0].amount == Decimal("1000.00")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91411400MA9000001", "统一社会信用代码应为18位，实际为17位"),
        (ENTERPRISE[:-1] + ("0" if ENTERPRISE[-1] != "0" else "1"), "统一社会信用代码校验码错误"),
        ("", "统一社会信用代码为空"),
        ("91411400MA90000I1X", "第16位“I”应为数字或大写字母"),
    ],
)
def test_a_bad_credit_code_is_refused_with_a_clear_message(take, persons, code, expected):
    """002 §四(三)1 pays enterprises and agencies: the payee is identified by its 统一社会信用代码
    (GB 32100), checked character by character before anything is stored."""
    before = Claim.objects.count()
    with pytest.raises(ValidationError) as refused:
        take(SME, [hire(persons[0], ENTERPRISE)], uscc=code)
    assert expected in refused.value.message_dict["payee_uscc"][0]
    assert Claim.objects.count() == before


def test_other_bad_input_is_refused_with_a_clear_message(take, persons):
    """002 §四(三)1: a claim names its payee and the persons hired, each on a past day; a
    training subsidy is not an employment claim."""
    person, on = hire(persons[0], ENTERPRISE)
    cases = [
        ({"payee_name": "  "}, [(person, on)], AGENCY, "payee_name"),
        ({}, [], SME, "hires"),
        ({}, [(person, TODAY + timedelta(days=1))], SME, "hires"),
        ({}, [(person, on)], "training", "kind"),
    ]
    for options, hires, kind, field in cases:
        with pytest.raises(ValidationError) as refused:
            take(kind, hires, **options)
        assert field in refused.value.message_dict


def test_hebei_credit_codes_are_accepted_as_payees(take, persons):
    """002 §四(三)1: the payee may be registered anywhere (characters 3-8 only name its
    registering region); what must be in the province is the placement (省内就业)."""
    claim = take(AGENCY, [hire(persons[0], OTHER_EMPLOYER, months=7)], uscc=HEBEI_EMPLOYER)
    assert lines_of(claim)[0].amount == Decimal("300.00")


# --- re-deciding at submission, under the payee's lock -----------------------------------------


def test_submit_decides_again_against_what_was_granted_meanwhile(take, act, persons, emp_bureau):
    """002 §四(三)1: 累计最高不超过200万元 — two drafts of one enterprise each see room under the
    cap; at submission (services.submit → employment.redecide) each is decided again against
    the total granted at that moment, so the second one submitted gets only the remainder. New
    decisions are stored; the earlier ones stay on record."""
    scratch_history(SME, ENTERPRISE, [Decimal("999250")] * 2, persons[-2:], bureau=emp_bureau)
    first = take(SME, [hire(persons[0], ENTERPRISE)])
    second = take(SME, [hire(persons[1], ENTERPRISE)])
    assert [lines_of(c)[0].amount for c in (first, second)] == [Decimal("1000.00")] * 2
    old_decision = lines_of(second)[0].decision_id
    with act("city_reviewer"):
        services.submit(first)
        second = services.submit(second)
    (line,) = lines_of(second)
    assert (line.granted, line.amount) == (True, Decimal("500.00"))
    assert "only the remaining 500.00 yuan is granted" in reasons(line)
    assert line.decision_id != old_decision and DecisionRecord.objects.filter(pk=old_decision)
    second.refresh_from_db()
    assert (second.state, second.requested_total) == (ClaimState.SUBMITTED, Decimal("500.00"))
    assert employment.granted_total(SME, ENTERPRISE) == CAP


def test_redecide_reads_the_registry_again(act, persons, emp_bureau):
    """002 §四(三)1: 持证…稳定就业 — a certificate revoked or insured months added since the draft
    change the decision at submission."""
    revoked_later, insured_later = persons[:2]
    certify(revoked_later)
    insure(revoked_later, ENTERPRISE, months=13)
    certify(insured_later)
    record = insure(insured_later, ENTERPRISE, months=10)
    claim = draft_claim(SME, ENTERPRISE, [(revoked_later, HIRED), (insured_later, HIRED)],
                        bureau=emp_bureau)  # fmt: skip
    with act(None):
        employment.redecide(claim)
    assert [line.amount for line in lines_of(claim)] == [Decimal("1000.00"), 0]
    revoked_later.certificates.update(status=CertificateStatus.REVOKED, revoked_on=TODAY)
    insure(insured_later, ENTERPRISE, start=record.start, months=12)  # the import updates it
    with act(None):
        employment.redecide(claim)
    assert [line.amount for line in lines_of(claim)] == [0, Decimal("1000.00")]
    assert lines_of(claim)[0].certificate is None


def test_redecide_refuses_a_claim_already_reviewed_and_a_person_claimed_meanwhile(
    act, persons, emp_bureau
):
    """002 §四(三)1: 一次性补助 — a person claimed by the enterprise in another claim submitted in
    the meantime makes the submission fail; a reviewed claim's lines are never decided again."""
    person, on = hire(persons[0], ENTERPRISE)
    claim = draft_claim(SME, ENTERPRISE, [(person, on)], bureau=emp_bureau)
    scratch_history(SME, ENTERPRISE, [Decimal(1000)], [person], bureau=emp_bureau,
                    claim_state=ClaimState.SUBMITTED, line_state=LineState.PENDING)  # fmt: skip
    with pytest.raises(ValidationError) as refused, act(None):
        employment.redecide(claim)
    assert person.name in messages(refused)
    Claim.objects.filter(pk=claim.pk).update(state=ClaimState.REVIEWED)
    claim.refresh_from_db()
    with (
        pytest.raises(ValidationError, match="申请处于“已审核”状态，其明细不再重新核定"),
        act(None),
    ):
        employment.redecide(claim)


def test_the_payee_lock_lives_until_the_transaction_ends(act, persons, emp_bureau):
    """002 §四(三)1 cap: two submissions for one enterprise must not both pass. On PostgreSQL
    redecide holds an advisory lock on the payee's credit code until commit, so another
    connection cannot take it (another enterprise's is free); on SQLite every transaction is
    IMMEDIATE, which serialises writers already."""
    claim = draft_claim(SME, ENTERPRISE, [hire(persons[0], ENTERPRISE)], bureau=emp_bureau)
    if connection.vendor == "sqlite":
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        return
    with act(None):
        employment.redecide(claim)  # inside the test's transaction: the lock is still held
    taken = {}

    def other_connection():
        settings = connection.settings_dict
        with psycopg.connect(
            dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
            host=settings["HOST"], port=settings["PORT"] or None,
        ) as other:  # fmt: skip
            for uscc in (ENTERPRISE, OTHER_EMPLOYER):
                query = "SELECT pg_try_advisory_xact_lock(%s)"
                taken[uscc] = other.execute(query, [employment.lock_key(uscc)]).fetchone()[0]

    thread = threading.Thread(target=other_connection)
    thread.start()
    thread.join(timeout=30)
    assert taken == {ENTERPRISE: False, OTHER_EMPLOYER: True}


# --- two submissions at the same moment (PostgreSQL) --------------------------------------------


def apart(*works):
    """Run each work() at the same time on a connection of its own, outside the test's
    transaction, and return what they return: what they write is committed (the others must
    see it), so the test removes it at the end (`remove_committed`; the audit log keeps its
    entries: it refuses deletion)."""
    outcomes = [{} for _work in works]

    def run(work, outcome):
        try:
            outcome["value"] = work()
        except BaseException as problem:  # handed back to the test
            outcome["error"] = problem
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(works, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # A work still waiting (on a lock the test's own transaction holds, say) would read as None.
    assert not any(thread.is_alive() for thread in threads), "a work still runs after 120 s"
    for outcome in outcomes:
        if "error" in outcome:
            raise outcome["error"]
    return [outcome.get("value") for outcome in outcomes]


def remove_committed(claim_ids: list[int], person_ids: list[int], uscc: str = "") -> None:
    records = DecisionRecord.objects.filter(
        subject_type="claims.claim", subject_id__in=[str(pk) for pk in claim_ids]
    )
    LedgerEvent.objects.filter(decision__in=records).delete()
    StateChange.objects.filter(claim__in=claim_ids).delete()
    ClaimLine.objects.filter(claim_id__in=claim_ids).delete()
    Claim.objects.filter(pk__in=claim_ids).delete()
    records.delete()
    Certificate.objects.filter(person_id__in=person_ids, number__startswith="TEST-").delete()
    EmploymentRecord.objects.filter(person_id__in=person_ids, source="test").delete()
    Enterprise.objects.filter(uscc=uscc).delete()


def test_two_submissions_at_the_same_moment_do_not_both_pass_the_cap(
    users, committed_persons, emp_bureau
):
    """002 §四(三)1: 累计最高不超过200万元. With 1,999,500 yuan granted, two claims of the
    enterprise (one hire each, different persons) are submitted by two connections at once:
    the payee's lock makes the second wait for the first to commit and read its line, so
    together they are granted 500 yuan, never 1000. (The enterprise is recorded, committed,
    under its own code: the test's own transaction holds ENTERPRISE.)"""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time (IMMEDIATE): no race to test")
    persons = committed_persons
    reviewer, hired, claim_ids = users["city_reviewer"], persons[:2], []
    racing = enterprise_uscc(6)

    def prepare():
        history = scratch_history(SME, racing, [Decimal("999750")] * 2, persons[-2:],
                                  bureau=emp_bureau)  # fmt: skip
        claim_ids.append(history.pk)
        with audit.audit_context(actor=reviewer):
            institutions.record_enterprise(
                uscc=racing, name="测试企业", bureau=emp_bureau, size="small",
                size_evidence="年度财务报表（测试）", size_assessed_on=HIRED,
            )  # fmt: skip
            for person in hired:
                certify(person)
                EmploymentRecord.objects.create(
                    person=person,
                    employer_uscc=racing,
                    start=HIRED,
                    insured_months=13,
                    source="test",
                )
                claim = employment.create_employment_claim(
                    SME, bureau=emp_bureau, payee_name="测试企业", payee_uscc=racing,
                    hires=[(person, HIRED)], claim_year=HIRED.year,
                )  # fmt: skip
                claim_ids.append(claim.pk)

    start = threading.Barrier(2)

    def submit(claim_id):
        def work():
            start.wait(timeout=30)
            with audit.audit_context(actor=reviewer):
                try:
                    services.submit(Claim.objects.get(pk=claim_id))
                except ValidationError as refused:  # all 0.00: stays a draft (issue 14)
                    return refused.code

        return work

    def outcome():
        lines = ClaimLine.objects.filter(claim_id__in=claim_ids[1:])
        claims = Claim.objects.filter(pk__in=claim_ids[1:])
        return sorted(lines.values_list("amount", flat=True)), set(claims.values_list("state"))

    try:
        apart(prepare)
        refusals = apart(*(submit(pk) for pk in claim_ids[1:]))
        ((amounts, states),) = apart(outcome)
    finally:
        apart(lambda: remove_committed(claim_ids, [p.pk for p in persons], racing))
    # The second finds the cap reached: its one line is 0.00, so it is not submitted.
    assert set(refusals) == {None, "all_zero"}
    assert states == {(ClaimState.SUBMITTED,), (ClaimState.DRAFT,)}
    assert amounts == [Decimal("0.00"), Decimal("500.00")]


# --- 中小微企业, 年度内, 按企业隶属关系 (002 §四(三)1) --------------------------------------------


def test_sme_line_rests_on_the_registry_size_class_and_its_evidence(take, persons, sme):
    """002 §四(三)1 中小微企业: the line's decision names the recorded size class and the day it
    was assessed, and the claim keeps the year it is for."""
    claim = take(SME, [hire(persons[0], ENTERPRISE)])
    (line,) = lines_of(claim)
    assert line.amount == Decimal("1000.00") and claim.claim_year == HIRED.year
    checks = {item["code"]: item for item in line.decision.detail["checks"]}
    assert checks["employment.enterprise_size"]["evidence"]["size"] == "small"
    evidence = checks["employment.size_evidence"]["evidence"]
    assert evidence == evidence | {
        "size_assessed_on": sme.size_assessed_on.isoformat(), "claimed_on": TODAY.isoformat(),
    }  # fmt: skip
    assert checks["employment.hire_year"]["passed"] is True
    assert "小型企业" in reasons(line, "zh")


def test_sme_claim_of_an_enterprise_not_recorded_refuses_every_line(take, persons):
    """002 §四(三)1 中小微企业: an enterprise the registry does not know cannot be taken for one:
    the claim is drafted (the payee's name as given) with every line at 0, saying why."""
    stranger = enterprise_uscc(5)
    claim = take(SME, [hire(persons[0], stranger), hire(persons[1], stranger)], uscc=stranger)
    assert [line.amount for line in lines_of(claim)] == [0, 0]
    assert "not recorded in the enterprise registry" in reasons(lines_of(claim)[0])
    assert "未在企业名录登记" in reasons(lines_of(claim)[0], "zh")
    assert claim.requested_total == 0


def test_a_large_enterprise_is_refused_the_sme_subsidy(take, persons):
    """002 §四(三)1: only 中小微企业 — a large enterprise's hires get 0, saying 大型企业."""
    large = EnterpriseFactory(size="large").uscc
    claim = take(SME, [hire(persons[0], large)], uscc=large)
    (line,) = lines_of(claim)
    assert (line.granted, line.amount) == (False, 0)
    assert "大型企业，不属于可享受补助的" in reasons(line, "zh")


def test_a_size_class_without_evidence_is_refused_until_the_evidence_is_recorded(
    take, act, persons
):
    """002 §四(三)1: the size class must rest on evidence with its date; once the bureau records
    it (dated no later than the claim), the draft decided again at submission is granted."""
    bare = EnterpriseFactory(size="medium", size_evidence="", size_assessed_on=None)
    claim = take(SME, [hire(persons[0], bare.uscc)], uscc=bare.uscc)
    assert "未登记企业规模类型的认定依据" in reasons(lines_of(claim)[0], "zh")
    with act("city_reviewer"):
        institutions.update_enterprise(
            bare, name=bare.name, bureau=bare.bureau, size="medium",
            size_evidence="2025年度统计年报：从业人员320人，营业收入2.1亿元（工业）",
            size_assessed_on=TODAY,
        )  # fmt: skip
        claim = services.submit(claim)
    assert lines_of(claim)[0].amount == Decimal("1000.00")


def test_size_evidence_assessed_after_the_claim_was_taken_in_does_not_count(
    take, act, persons, sme
):
    """002 §四(三)1: the evidence is dated on or before the day the claim was taken in; a class
    assessed later does not support it, even at submission."""
    claim = take(SME, [hire(persons[0], ENTERPRISE)])
    Claim.objects.filter(pk=claim.pk).update(created_at=claim.created_at - timedelta(days=10))
    with act("city_reviewer"):
        institutions.update_enterprise(
            sme, name=sme.name, bureau=sme.bureau, size="small",
            size_evidence="重新认定（测试）", size_assessed_on=TODAY,
        )  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            services.submit(Claim.objects.get(pk=claim.pk))
    assert refused.value.error_list[0].code == "all_zero"
    (line,) = lines_of(claim)
    assert line.amount == 0
    assert f"晚于申报受理日{(TODAY - timedelta(days=10)).isoformat()}" in reasons(line, "zh")


def test_only_hires_of_the_claim_year_are_granted(take, persons):
    """002 §四(三)1 年度内新吸纳: the claim is for one year; a person hired in another year gets 0
    with the reason, one hired in it 1000."""
    last_year = HIRED.replace(year=HIRED.year - 1)
    in_year, earlier = hire(persons[0], ENTERPRISE), hire(persons[1], ENTERPRISE, on=last_year)
    claim = take(SME, [in_year, earlier])
    assert [line.amount for line in lines_of(claim)] == [Decimal("1000.00"), 0]
    assert f"不在申报年度（{HIRED.year}年）内" in reasons(lines_of(claim)[1], "zh")


@pytest.mark.parametrize(
    ("year", "expected"),
    [(None, "请填写申请所属的申报年度"), (TODAY.year + 1, "申报年度应为2000年至今年之间的年份"),
     (1999, "申报年度应为2000年至今年之间的年份"), ("2024", "申报年度应为2000年至今年之间的年份")],
)  # fmt: skip
def test_an_sme_claim_needs_the_year_it_is_for(take, persons, year, expected):
    """002 §四(三)1 年度内: an SME's claim names its year (a past or the current one); nothing is
    stored otherwise. An agency's claim has none."""
    before = Claim.objects.count()
    with pytest.raises(ValidationError) as refused:
        take(SME, [hire(persons[0], ENTERPRISE)], claim_year=year)
    assert expected in refused.value.message_dict["claim_year"][0]
    assert Claim.objects.count() == before
    placed = take(AGENCY, [hire(persons[1], OTHER_EMPLOYER, months=7)], claim_year=2024)
    assert placed.claim_year is None


def test_only_the_bureau_the_enterprise_belongs_to_takes_its_claim(take, persons, emp_bureau):
    """002 §四(三)1 按企业隶属关系: a 梁园区 enterprise's claim is taken in by 梁园区's bureau —
    the city's reviewer may act for it (in the city's region) but not take it in as the city's
    bureau; the 梁园区 reviewer cannot take in the city's enterprise at all. Nothing is stored."""
    liangyuan = Organisation.objects.get(code="411402")
    county_sme = EnterpriseFactory(bureau_code="411402", name="梁园区测试食品有限公司").uscc
    liangyuan_person = Person.objects.filter(organisation=liangyuan).order_by("id").first()
    before = Claim.objects.count()
    with pytest.raises(ValidationError) as refused:
        take(SME, [hire(persons[0], county_sme)], uscc=county_sme, bureau=emp_bureau)
    assert refused.value.message_dict["bureau"] == [
        "梁园区测试食品有限公司隶属于梁园区人力资源和社会保障局：按企业隶属关系"
        "（002 §四(三)1），其补贴申请只能由该局受理。"
    ]
    with pytest.raises(PermissionDenied, match="不在您的管辖区域内：按企业隶属关系"):
        take(SME, [hire(liangyuan_person, ENTERPRISE)], by="county_reviewer", bureau=liangyuan)
    assert Claim.objects.count() == before
    claim = take(SME, [hire(persons[1], county_sme)], uscc=county_sme, bureau=liangyuan)
    assert claim.bureau == liangyuan and lines_of(claim)[0].amount == Decimal("1000.00")


def test_an_sme_recorded_in_the_registry_may_be_taken_in_without_its_name(take, persons, sme):
    """002 §四(三)1: the enterprise registry knows the SME: an empty name takes the recorded one."""
    claim = take(SME, [hire(persons[0], ENTERPRISE)], payee_name="")
    assert claim.payee_name == sme.name


def test_submission_refuses_a_claim_whose_enterprise_moved_to_another_bureau(
    take, act, persons, sme
):
    """002 §四(三)1 按企业隶属关系: the enterprise recorded under another bureau since the draft —
    its claim is no longer this bureau's to submit; nothing changes."""
    claim = take(SME, [hire(persons[0], ENTERPRISE)])
    Enterprise.objects.filter(pk=sme.pk).update(bureau=Organisation.objects.get(code="411481"))
    with act("city_reviewer"), pytest.raises(ValidationError, match="按企业隶属关系"):
        services.submit(claim)
    claim.refresh_from_db()
    assert claim.state == ClaimState.DRAFT
