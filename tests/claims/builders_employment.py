"""Employment subsidy claims (002 §四(三)1) in tests: enterprises' credit codes, hires with a
certificate and insured employment (through the people services), and scratch claim histories
of an enterprise built with the ORM.

Fixtures are prefixed `emp_` so that they never clash with the other helpers' builders."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from jineng.catalog.models import Occupation, Region, SkillLevel
from jineng.catalog.packs import pack_for, record_decision
from jineng.certificates.models import Certificate, CertificateKind
from jineng.claims import employment
from jineng.claims.models import Claim, ClaimKind, ClaimLine, ClaimState, LineState
from jineng.core import audit
from jineng.core.models import Organisation
from jineng.people import services as people
from jineng.people.models import Person
from jineng.policy import EmploymentLine, decide_employment_subsidy
from tests.actors import act
from tests.factories import PersonFactory

TODAY = timezone.localdate()
HIRED = TODAY - timedelta(days=400)  # hired over a year ago: 12 insured months are possible
WELDER = "6-18-02-04"
SME, AGENCY = ClaimKind.EMPLOYMENT_SME, ClaimKind.EMPLOYMENT_AGENCY
_serial = count(1)


def enterprise_uscc(serial: int, region: str = "411400", authority: str = "91") -> str:
    """A check-character-valid 统一社会信用代码 (9 工商, 1 企业), registered in `region`; the serial
    keeps it apart from the demo's employers (MA00000…)."""
    body = f"{authority}{region}MA9{serial:06d}"
    return body + stdnum_uscc.calc_check_digit(body)


@pytest.fixture
def emp_bureau(db):
    return Organisation.objects.get(code="411400")


@pytest.fixture
def emp_people(db):
    """People registered for the test (no certificate, no employment record), by region code:
    {"411402": [...], "411481": [...]}; and "any" for all of them in order."""
    found = [PersonFactory(bureau=code) for code in ["411402", "411481"] * 4]
    by_region: dict[str, list[Person]] = {"any": found}
    for person in found:
        by_region.setdefault(person.organisation.code, []).append(person)
    return by_region


def certify(person: Person, *, issued_on: date = HIRED - timedelta(days=30), **values):
    """A certificate of the person (a 焊工 五级 skill level one unless told), recorded as issued
    elsewhere, as the registry takes in certificates of other evaluation organisations."""
    values.setdefault("kind", CertificateKind.SKILL_LEVEL)
    return Certificate.objects.create(
        person=person,
        number=f"TEST-EMPLOY-{next(_serial):06d}",
        occupation=Occupation.objects.get(code=WELDER),
        level=SkillLevel.objects.get(code="5"),
        issued_on=issued_on,
        issued_here=False,
        issuer_name="测试评价机构",
        **values,
    )


def insure(person: Person, employer_uscc: str, *, start: date = HIRED, months: int = 13):
    """An insured employment record, through the people service (as an insurance import)."""
    with audit.system_context("test"):
        record, _outcome = people.add_employment(
            person, employer_uscc=employer_uscc, start=start, insured_months=months,
            employer_name="测试用人单位", source="test",
        )  # fmt: skip
    return record


def hire(person: Person, employer_uscc: str, *, months: int = 13, on: date = HIRED):
    """A certified person insured `months` months with the employer from `on`: (person, on)."""
    certify(person)
    insure(person, employer_uscc, start=on, months=months)
    return person, on


def scratch_history(
    kind: str,
    payee_uscc: str,
    amounts: list[Decimal],
    persons: list[Person],
    *,
    bureau: Organisation,
    claim_state: str = ClaimState.PAID,
    line_state: str = LineState.PAID,
    granted: bool = True,
) -> Claim:
    """An earlier claim of the payee built with the ORM: one line per amount (the persons reused
    in turn), to bring the enterprise near its cap without two thousand hires. The amounts are
    set on the lines directly (a scratch history); each line points at one real engine decision
    of a qualifying hire, stored under the pack in force."""
    version, pack = pack_for(bureau.region_code, TODAY)
    decision = decide_employment_subsidy(
        pack,
        EmploymentLine(
            claim_id="scratch", enterprise_key=payee_uscc, person_key="P0",
            kind=employment.ENGINE_KINDS[kind], holds_certificate=True, insured_months=13,
            hired_on=HIRED, enterprise_size="small", size_assessed_on=HIRED, claimed_on=TODAY,
            claim_year=HIRED.year,
        ),
        Decimal(0),
    )  # fmt: skip
    claim = Claim.objects.create(
        number=f"TEST-JY-{next(_serial):06d}", kind=kind, state=claim_state, organisation=bureau,
        bureau=bureau, region_id=_region_id(bureau), payee_name="测试企业", payee_uscc=payee_uscc,
        claim_year=HIRED.year if kind == SME else None,
    )  # fmt: skip
    with act(None):
        record = record_decision(decision, version, subject=claim, org_path=bureau.path)
    ClaimLine.objects.bulk_create(
        ClaimLine(
            claim=claim, person=persons[i % len(persons)], subsidy_type=kind, decided_on=HIRED,
            decision=record, granted=granted, amount=amount, state=line_state,
        )
        for i, amount in enumerate(amounts)
    )  # fmt: skip
    return claim


def _region_id(bureau: Organisation) -> int:
    return Region.objects.get(code=bureau.region_code).pk


def draft_claim(kind: str, payee_uscc: str, hires, *, bureau: Organisation) -> Claim:
    """A draft claim with a pending line per hire, decided later by employment.redecide (for
    tests of redecide that do not go through create_employment_claim)."""
    claim = scratch_history(
        kind, payee_uscc, [Decimal(0)] * len(hires), [person for person, _on in hires],
        bureau=bureau, claim_state=ClaimState.DRAFT, line_state=LineState.PENDING, granted=False,
    )  # fmt: skip
    for line, (_person, on) in zip(claim.lines.order_by("id"), hires, strict=True):
        ClaimLine.objects.filter(pk=line.pk).update(decided_on=on)
    return claim
