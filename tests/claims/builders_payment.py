"""Payable claims for the payment and recovery tests, built with the ORM until the claim
services exist: a Claim in PAYABLE state whose approved lines each rest on a real decision of the
Shangqiu pack (decide_training_subsidy, stored with record_decision), a demo fund channel, and,
when asked, a certificate per line (what a revocation recovers)."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from jineng.catalog.models import FundChannel, Occupation, Region, SkillLevel
from jineng.catalog.packs import pack_for, record_decision
from jineng.certificates.models import Certificate, CertificateKind
from jineng.claims.models import Claim, ClaimKind, ClaimLine, ClaimState, LineState
from jineng.core import audit
from jineng.people.models import Person
from jineng.policy import (
    EmploymentLine,
    TrainingLine,
    decide_employment_subsidy,
    decide_training_subsidy,
)
from tests.factories import PersonFactory

TODAY = timezone.localdate()
WELDER = "6-18-02-04"
TRAINING_END = TODAY - timedelta(days=40)
_serial = count(1)


def training_decision(person: Person, amount: Decimal, *, certificate_kind="skill_level"):
    """The Shangqiu pack's decision for a trainee employed within the window (004 §四(五): the
    100% rate, so the amount is the standard), stored with its rule trace."""
    version, pack = pack_for("411400", TRAINING_END)
    line = TrainingLine(
        claim_id=f"PAYTEST-{person.pk}", person_key=f"P{person.pk}",
        categories=frozenset({"rural_migrant"}), occupation=WELDER, level="5",
        is_new_occupation=False, training_type="employment_skills", training_end=TRAINING_END,
        certificate=certificate_kind, employment_start=TRAINING_END + timedelta(days=20),
        standard=Decimal(amount),
    )  # fmt: skip
    decision = decide_training_subsidy(pack, line, [])
    assert decision.granted, decision.reasons("en")
    return record_decision(decision, version, subject=person), decision


def hiring_decision(person: Person, payee_uscc: str):
    """The Shangqiu pack's SME hiring subsidy for a certificate holder insured 12 months
    (002 §四(三)1: 1000 yuan a person), stored with its rule trace."""
    version, pack = pack_for("411400", TRAINING_END)
    line = EmploymentLine(
        claim_id=f"PAYTEST-{person.pk}", enterprise_key=payee_uscc, person_key=f"P{person.pk}",
        kind="sme", holds_certificate=True, insured_months=12, hired_on=TRAINING_END,
        enterprise_size="small", size_assessed_on=TRAINING_END, claimed_on=TRAINING_END,
        claim_year=TRAINING_END.year,
    )  # fmt: skip
    decision = decide_employment_subsidy(pack, line, Decimal("0"))
    assert decision.granted, decision.reasons("en")
    return record_decision(decision, version, subject=person), decision


def certificate_of(person: Person) -> Certificate:
    return Certificate.objects.create(
        person=person,
        kind=CertificateKind.SKILL_LEVEL,
        number=f"TEST-PAY-{next(_serial):06d}",
        occupation=Occupation.objects.get(code=WELDER),
        level=SkillLevel.objects.get(code="5"),
        issued_on=TRAINING_END,
        issued_here=False,
        issuer_name="测试评价机构",
    )


def new_people(n: int) -> list[Person]:
    return PersonFactory.create_batch(n)


def _line(claim: Claim, person: Person, amount, with_certificate: bool) -> ClaimLine:
    if claim.kind == ClaimKind.TRAINING:
        record, decision = training_decision(person, Decimal(amount))
    else:
        record, decision = hiring_decision(person, claim.payee_uscc)
    return ClaimLine.objects.create(
        claim=claim, person=person, subsidy_type=claim.kind,
        occupation=Occupation.objects.get(code=WELDER), level=SkillLevel.objects.get(code="5"),
        decided_on=TRAINING_END, decision=record, granted=decision.granted,
        amount=decision.amount, state=LineState.APPROVED,
        certificate=certificate_of(person) if with_certificate else None,
    )  # fmt: skip


def make_payable_claim(amounts, *, bureau, organisation, fund_channel, people=None,
                       certificates=False, state=ClaimState.PAYABLE, kind=ClaimKind.TRAINING,
                       **values) -> Claim:  # fmt: skip
    """A claim of `organisation` to `bureau`, one approved line per amount (yuan); an SME
    hiring claim (kind EMPLOYMENT_SME, with payee_name and payee_uscc) pays 1000 a line."""
    people = people or new_people(len(amounts))
    with audit.system_context("test"):
        claim = Claim.objects.create(
            number=f"PAYTEST-{next(_serial):06d}", kind=kind, state=state,
            organisation=organisation, bureau=bureau, region=Region.objects.get(code="411400"),
            fund_channel=fund_channel, **values,
        )  # fmt: skip
        for person, amount in zip(people, amounts, strict=True):
            _line(claim, person, amount, certificates)
        total = sum((line.amount for line in claim.lines.all()), Decimal("0.00"))
        Claim.objects.filter(pk=claim.pk).update(requested_total=total, approved_total=total)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def fund(db):
    return FundChannel.objects.get(code="employment_fund")  # 就业补助资金, 004 §四(五)


@pytest.fixture
def other_fund(db):
    return FundChannel.objects.get(code="skills_account")  # 职业技能提升专账资金


@pytest.fixture
def payable(orgs, fund):
    """payable(amounts, bureau="city", org="inst_city", fund=…, certificates=False, …)."""

    def make(amounts, *, bureau="city", org="inst_city", fund_channel=None, **options):
        return make_payable_claim(
            amounts, bureau=orgs[bureau], organisation=orgs[org],
            fund_channel=fund_channel or fund, **options,
        )  # fmt: skip

    return make
