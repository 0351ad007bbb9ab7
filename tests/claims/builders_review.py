"""Submitted claims for the review and notice tests, built with the ORM until the claim services
create them: a Claim in "submitted" with one line per person, each line's decision a real
DecisionRecord of decide_training_subsidy under the demo pack (henan-shangqiu-2022 through
catalog.packs.pack_for), its amount and "granted" those of the decision.

Dates are read when a claim is built, so a test that moves the clock (time_machine) builds its
claim on the day it travelled to."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from jineng.catalog.models import FundChannel, Occupation, PolicyPackVersion, Region, SkillLevel
from jineng.catalog.packs import pack_for, parsed_pack, record_decision
from jineng.claims.models import Claim, ClaimKind, ClaimLine, ClaimState
from jineng.core import audit
from jineng.people.models import Person
from jineng.policy import TrainingLine, decide_training_subsidy
from jineng.policy.pack import parse_pack
from tests.factories import PersonFactory

WELDER = "6-18-02-04"
STANDARD = Decimal("1500.00")  # the subsidy standard of the occupation and level (yuan)
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The trainee's outcome → (categories, certificate, employed within the window); 004 §四(五):
# employed 100% of the standard, certificate (not employed) 80%; an enterprise employee (outside
# the six categories) without a certificate: none (certified, they would get 100%).
OUTCOMES = {
    "employed": ({"rural_migrant"}, "skill_level", True),
    "certificate": ({"registered_unemployed"}, "skill_level", False),
    "refused": ({"enterprise_employee"}, None, False),
}
_serial = count(1)


def travel(day: date, hour: int = 10):
    """Move the clock to a day in Shangqiu (Asia/Shanghai), the clock standing still."""
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=SHANGHAI), tick=False)


def new_people(n: int) -> list[Person]:
    return PersonFactory.create_batch(n)


def training_decision(person: Person, outcome: str, training_end: date, found=None):
    """The pack's decision for one trainee with this outcome, stored with its rule trace."""
    version, pack = found or pack_for("411400", training_end)
    categories, certificate, employed = OUTCOMES[outcome]
    line = TrainingLine(
        claim_id=f"REVIEWTEST-{person.pk}", person_key=f"P{person.pk}",
        categories=frozenset(categories), occupation=WELDER, level="5", is_new_occupation=False,
        training_type="employment_skills", training_end=training_end, certificate=certificate,
        employment_start=training_end + timedelta(days=20) if employed else None,
        standard=STANDARD,
    )  # fmt: skip
    decision = decide_training_subsidy(pack, line, [])
    return record_decision(decision, version, subject=person), decision


def _line(claim: Claim, person: Person, outcome: str, training_end: date, found) -> ClaimLine:
    record, decision = training_decision(person, outcome, training_end, found)
    return ClaimLine.objects.create(
        claim=claim, person=person, subsidy_type=ClaimKind.TRAINING,
        occupation=Occupation.objects.get(code=WELDER), level=SkillLevel.objects.get(code="5"),
        decided_on=training_end, decision=record, granted=decision.granted,
        amount=decision.amount,
    )  # fmt: skip


def make_submitted_claim(outcomes, *, bureau, organisation, people=None, found=None) -> Claim:
    """A submitted claim of `organisation` to `bureau`, one line per outcome (OUTCOMES), for a
    class that ended 10 days ago; `found` = (version, pack) to decide under another pack."""
    people = people or new_people(len(outcomes))
    training_end = timezone.localdate() - timedelta(days=10)
    with audit.system_context("test"):
        claim = Claim.objects.create(
            number=f"REVIEWTEST-{next(_serial):06d}", kind=ClaimKind.TRAINING,
            state=ClaimState.SUBMITTED, organisation=organisation, bureau=bureau,
            region=Region.objects.get(code="411400"),
            fund_channel=FundChannel.objects.get(code="employment_fund"),
            submitted_at=timezone.now(),
        )  # fmt: skip
        lines = [
            _line(claim, person, outcome, training_end, found)
            for person, outcome in zip(people, outcomes, strict=True)
        ]
        total = sum((line.amount for line in lines), Decimal("0.00"))
        Claim.objects.filter(pk=claim.pk).update(requested_total=total)
    claim.refresh_from_db()
    return claim


def pack_without_notice() -> tuple[PolicyPackVersion, object]:
    """A version of the demo pack that states no notice period (procedure.notice_working_days
    removed), stored like any loaded version."""
    version, _pack = pack_for("411400", timezone.localdate())
    text = "\n".join(
        line for line in version.source_text.splitlines()
        if not line.startswith("notice_working_days")
    ).replace(f"version = {version.version}\n", "version = 999\n", 1)  # fmt: skip
    pack = parse_pack(text, f"{version.pack_id}.toml")
    assert pack.value("procedure.notice_working_days") is None
    stored = PolicyPackVersion.objects.create(
        pack_id=version.pack_id, version=999, title=version.title,
        region_code=version.region_code, effective_from=version.effective_from,
        effective_to=version.effective_to, source_text=text, content_hash=pack.content_hash,
    )  # fmt: skip
    return stored, parsed_pack(stored)


@pytest.fixture
def submitted(orgs):
    """submitted(outcomes=("employed", "certificate", "refused"), bureau="liangyuan", …)."""

    def make(outcomes=("employed", "certificate", "refused"), *, bureau="liangyuan",
             org="inst_liangyuan", **options):  # fmt: skip
        return make_submitted_claim(
            outcomes, bureau=orgs[bureau], organisation=orgs[org], **options
        )

    return make
