"""Employment subsidy claims (就业补贴, 002 §四(三)1), taken in by the bureau for the payee.

002 §四(三)1: 对年度内新吸纳持证人员稳定就业1年以上并缴纳职工社会保险费的中小微企业……每吸纳1人给予
1000元一次性补助，累计最高不超过200万元。对经营性人力资源服务机构等主体，介绍持证人员实现省内稳定就业
半年以上并依法缴纳职工社会保险费的，每成功介绍1人给予300元补贴。 The amounts, months and the cap are
the pack's (employment.sme, employment.agency); this module finds the facts each line needs and
keeps the enterprise's running total. How the facts are read (our reading of the seed):

- holds a certificate: a valid 职业资格, 职业技能等级 or 专项职业能力 certificate (the kinds
  002 §四(二)1 certifies; a 培训合格证书 is not 持证) issued on or before the day of hiring or
  placement, since 002 pays for taking in a person who already holds one;
- insured months: the person's EmploymentRecord that starts from the first day of the hiring
  month (insurance is paid by the month) up to 30 days after it (社会保险法 §58: registration
  within 30 days of hiring), the earliest such; for an SME the employer must be the payee, for an
  agency any employer but the agency itself (the employment it placed the person in);
- in the province (省内稳定就业): that employer's 统一社会信用代码 carries its registration region
  (characters 3-8, GB 32100), whose province must be the bureau's; with no such record, no;
- the SME cap (累计最高不超过200万元): what lines of the enterprise's other claims of the same
  kind were granted, whoever took them in, counted as a person's history is (history.py: claims
  from submission on, not withdrawn or rejected; lines granted and in COUNTING_LINE_STATES, so a
  paid line later recovered still counts); decide_employment_batch carries the running total
  from line to line inside the claim;
- one-off (一次性补助, 每吸纳1人): a person is granted once to a payee for a kind; the same person
  twice in one claim, or again after a granted line in an earlier claim of the same payee, is
  refused (a line refused by the rules, e.g. 11 insured months, may be claimed again later);
- 中小微企业: the SME is found in the enterprise registry (institutions.Enterprise) by the payee's
  credit code; its size class and the day that class was assessed from its evidence go to the
  engine, which refuses the line for an enterprise not recorded, a large one, or a class with no
  evidence or assessed after the day the claim was taken in (`Claim.created_at`);
- 年度内新吸纳: the claim is for one year (`Claim.claim_year`, given when it is taken in), and
  the engine refuses a hire of another year (the pack's employment.sme.hired_in_claim_year);
- 按企业隶属关系: a recorded enterprise's claim is taken in by the bureau it belongs to
  (`Enterprise.bureau`) and no other: another bureau of the user's region is refused by name,
  one outside it is not the user's to act for (PermissionDenied).

Two submissions for one payee must not both pass the cap: `redecide` (called by
services.submit inside its transaction) first takes a lock on the payee's credit code, then reads
the granted total. Lines keep the day of hiring or placement in `decided_on`.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog.models import Region
from jineng.catalog.packs import pack_for, record_decision
from jineng.certificates.models import Certificate, CertificateKind, CertificateStatus
from jineng.claims.history import NOT_COUNTING_CLAIM_STATES
from jineng.claims.models import (
    COUNTING_LINE_STATES,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
)
from jineng.claims.numbers import next_number
from jineng.claims.services import person_key
from jineng.core import writes
from jineng.core.i18n import language
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind, acting_user, require_capability
from jineng.core.scope import scoped
from jineng.institutions.models import Enterprise
from jineng.people import identity
from jineng.people.models import EmploymentRecord, Person
from jineng.policy import EmploymentLine, decide_employment_batch
from jineng.policy.decision import GRANTED, ZERO

CLAIM_PREFIX = "JY"  # 就业补贴: employment claims are numbered apart from training claims
ENGINE_KINDS = {ClaimKind.EMPLOYMENT_SME: "sme", ClaimKind.EMPLOYMENT_AGENCY: "agency"}
HELD_CERTIFICATES = (
    CertificateKind.QUALIFICATION,
    CertificateKind.SKILL_LEVEL,
    CertificateKind.SPECIAL_ABILITY,
)
REDECIDABLE_STATES = (ClaimState.DRAFT, ClaimState.SUBMITTED)
INSURANCE_REGISTRATION_DAYS = 30  # 社会保险法 §58: 自用工之日起三十日内


@dataclass(frozen=True)
class HireFacts:
    """What the registry shows for one hire: the certificate held, the insured employment."""

    certificate: Certificate | None
    employment: EmploymentRecord | None
    in_province: bool

    @property
    def insured_months(self) -> int:
        return self.employment.insured_months if self.employment else 0


# --- taking a claim in ------------------------------------------------------------------------


def create_employment_claim(
    kind: str,
    *,
    bureau: Organisation,
    payee_name: str,
    payee_uscc: str,
    hires: list[tuple[Person, date]],
    fund_channel=None,
    claim_year: int | None = None,
) -> Claim:
    """A draft claim of an SME (吸纳) or an HR service agency (介绍就业), taken in by the bureau:
    one line per person, each decided by the bureau's pack (a line that fails a rule has amount
    0 and its reasons). Refused with a clear message for a bad credit code, an empty payee
    name, no hires, a person listed twice or claimed before by this payee, a date to come; an
    SME's claim also without the year it is for (年度), and by a bureau other than the one the
    recorded enterprise belongs to (按企业隶属关系, 002 §四(三)1). An SME's name may be left
    empty: the registry's is taken."""
    require_capability(
        Capability.TAKE_CLAIMS, _("Only the bureau takes in employment subsidy claims.")
    )
    kind = _checked_kind(kind)
    _check_bureau(bureau)
    uscc = _checked_uscc(payee_uscc)
    enterprise = enterprise_of(kind, uscc)
    if enterprise is not None:
        _check_belongs_to(enterprise, bureau)
        payee_name = (payee_name or "").strip() or enterprise.name
    payee_name = _checked_payee_name(payee_name)
    claim_year = _checked_claim_year(kind, claim_year)
    hires = _checked_hires(hires)
    with transaction.atomic():
        lock_payee(uscc)
        _refuse_claimed_before(kind, uscc, [person for person, _day in hires])
        version, pack = _pack(bureau)
        claim = writes.create(
            Claim(
                number=_next_number(), kind=kind, organisation=bureau, bureau=bureau,
                region=_region_of(bureau), fund_channel=fund_channel, payee_name=payee_name,
                payee_uscc=uscc, claim_year=claim_year, created_by=acting_user(),
            )
        )  # fmt: skip
        decided = _decide(claim, hires, version, pack)
        for (person, hired_on), (facts, record) in zip(hires, decided, strict=True):
            _create_line(claim, person, hired_on, facts, record)
        return _store_total(claim)


def _checked_kind(kind: str) -> str:
    if kind not in ENGINE_KINDS:
        raise ValidationError({"kind": _("This is not an employment subsidy.")})
    return ClaimKind(kind).value


def _check_bureau(bureau: Organisation) -> None:
    if bureau.kind != OrgKind.BUREAU:
        raise ValidationError({"bureau": _("Employment claims are taken in by a bureau.")})
    user = acting_user()
    if user is not None and not scoped(user, Organisation.objects.filter(pk=bureau.pk)).exists():
        raise PermissionDenied(_("This bureau is outside your region."))


def enterprise_of(kind: str, payee_uscc: str) -> Enterprise | None:
    """The SME's record in the enterprise registry (None: not recorded, or not an SME claim)."""
    if kind != ClaimKind.EMPLOYMENT_SME:
        return None
    return Enterprise.objects.select_related("bureau").filter(uscc=payee_uscc).first()


def _check_belongs_to(enterprise: Enterprise, bureau: Organisation) -> None:
    """按企业隶属关系 (002 §四(三)1): only the bureau the enterprise belongs to takes its claim."""
    names = {"enterprise": enterprise.name, "owner": enterprise.bureau.name}
    user = acting_user()
    owner = Organisation.objects.filter(pk=enterprise.bureau_id)
    if user is not None and not scoped(user, owner).exists():
        raise PermissionDenied(
            _("%(enterprise)s belongs to %(owner)s, outside your region: by the enterprise's "
              "affiliation (按企业隶属关系, 002 §四(三)1) only that bureau takes its claims in.")
            % names
        )  # fmt: skip
    if bureau.pk != enterprise.bureau_id:
        raise ValidationError(
            {"bureau": _("%(enterprise)s belongs to %(owner)s: by the enterprise's affiliation "
                         "(按企业隶属关系, 002 §四(三)1) only that bureau takes its claims in.")
             % names}
        )  # fmt: skip


def _checked_claim_year(kind: str, year) -> int | None:
    """The year an SME's claim is for (年度内新吸纳): a past or the current year. An agency's
    claim has none (002 §四(三)1 sets no year for placements)."""
    if kind != ClaimKind.EMPLOYMENT_SME:
        return None
    if year is None or year == "":
        raise ValidationError(
            {"claim_year": _("Give the year the claim is for (申报年度): the persons must have "
                             "been hired in it.")}
        )  # fmt: skip
    this_year = timezone.localdate().year
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= this_year:
        raise ValidationError(
            {"claim_year": _("The year the claim is for is a year from 2000 to this year.")}
        )
    return year


def _checked_uscc(text: str) -> str:
    try:
        return identity.check_uscc(text or "")
    except identity.IdentityError as problem:
        raise ValidationError({"payee_uscc": problem.message(language())}) from None


def _checked_payee_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"payee_name": _("Give the name of the enterprise or agency.")})
    if len(name) > Claim._meta.get_field("payee_name").max_length:
        raise ValidationError({"payee_name": _("The payee's name is too long.")})
    return name


def _checked_hires(hires) -> list[tuple[Person, date]]:
    hires = [(person, hired_on) for person, hired_on in hires]
    if not hires:
        raise ValidationError({"hires": _("List at least one person hired or placed.")})
    today = timezone.localdate()
    seen: set[int] = set()
    for person, hired_on in hires:
        if person.pk in seen:
            raise ValidationError(
                {"hires": _("%(name)s is listed twice: a person is claimed once.")
                 % {"name": person.name}}
            )  # fmt: skip
        seen.add(person.pk)
        if not isinstance(hired_on, date) or hired_on > today:
            raise ValidationError(
                {"hires": _("The day %(name)s was hired or placed must be a past date.")
                 % {"name": person.name}}
            )  # fmt: skip
    _check_persons_in_scope(list(seen))
    return hires


def _check_persons_in_scope(person_ids: list[int]) -> None:
    user = acting_user()
    if user is None:
        return
    visible = scoped(user, Person.objects.filter(pk__in=person_ids)).count()
    if visible != len(set(person_ids)):
        raise PermissionDenied(_("A person listed is outside your region."))


def _next_number() -> str:
    """JY, the year of taking in, a serial ("JY2026-000012")."""
    return next_number(f"{CLAIM_PREFIX}{timezone.localdate().year}")


def _region_of(bureau: Organisation) -> Region:
    region = Region.objects.filter(code=bureau.region_code).first()
    if region is None:
        raise ValidationError(
            _("The bureau %(bureau)s has no region: no policy pack can decide its claims.")
            % {"bureau": bureau.name}
        )
    return region


def _pack(bureau: Organisation):
    """The pack of the bureau's region in force today: the subsidy is decided when claimed
    (after the months of insured work); each hire's date is checked against its period."""
    found = pack_for(bureau.region_code, timezone.localdate())
    if found is None:
        raise ValidationError(
            _("No policy pack covers region %(region)s on %(date)s.")
            % {"region": bureau.region_code or "—", "date": timezone.localdate()}
        )
    return found


def _create_line(claim: Claim, person: Person, hired_on: date, facts: HireFacts, record):
    return writes.create(
        ClaimLine(
            claim=claim, person=person, certificate=facts.certificate, subsidy_type=claim.kind,
            decided_on=hired_on, decision=record, granted=record.outcome == GRANTED,
            amount=record.amount,
        )
    )  # fmt: skip


def _store_total(claim: Claim) -> Claim:
    total = claim.lines.aggregate(total=Sum("amount"))["total"] or ZERO
    return writes.update(claim, requested_total=total)


# --- deciding the lines ---------------------------------------------------------------------


def _decide(claim: Claim, hires, version, pack) -> list[tuple[HireFacts, object]]:
    """(facts, stored decision) for each hire in order, the enterprise's total carried along
    from what its other claims were granted."""
    facts = hire_facts(claim.kind, claim.payee_uscc, claim.bureau.region_code, hires)
    enterprise = _enterprise_facts(claim)
    lines = [
        EmploymentLine(
            claim_id=claim.number, enterprise_key=claim.payee_uscc,
            person_key=person_key(person.pk),
            kind=ENGINE_KINDS[claim.kind], holds_certificate=fact.certificate is not None,
            insured_months=fact.insured_months, hired_on=hired_on, in_province=fact.in_province,
            **enterprise,
        )
        for (person, hired_on), fact in zip(hires, facts, strict=True)
    ]  # fmt: skip
    before = granted_total(claim.kind, claim.payee_uscc, excluding=claim)
    decisions = decide_employment_batch(pack, lines, {claim.payee_uscc: before})
    return [
        (fact, record_decision(decision, version, subject=claim, org_path=claim.bureau.path))
        for fact, decision in zip(facts, decisions, strict=True)
    ]


def _enterprise_facts(claim: Claim) -> dict:
    """What an SME line needs from the registry and the claim (002 §四(三)1: 中小微企业, 年度内):
    the enterprise's size class and the day it was assessed (None when not recorded), the day
    the claim was taken in, and the year it is for. Nothing for an agency's claim."""
    if claim.kind != ClaimKind.EMPLOYMENT_SME:
        return {}
    enterprise = enterprise_of(claim.kind, claim.payee_uscc)
    return {
        "enterprise_size": enterprise.size if enterprise else None,
        "size_assessed_on": enterprise.size_assessed_on if enterprise else None,
        "claimed_on": timezone.localdate(claim.created_at),
        "claim_year": claim.claim_year,
    }


def hire_facts(kind: str, payee_uscc: str, bureau_region: str, hires) -> list[HireFacts]:
    """The certificate and insured employment of each (person, day) in two queries."""
    person_ids = [person.pk for person, _day in hires]
    certificates = Certificate.objects.filter(
        person_id__in=person_ids, status=CertificateStatus.VALID, kind__in=HELD_CERTIFICATES
    ).order_by("issued_on", "id")
    records = EmploymentRecord.objects.filter(person_id__in=person_ids).order_by("start", "id")
    return [
        _facts_of(kind, payee_uscc, bureau_region, person, day, certificates, records)
        for person, day in hires
    ]


def _facts_of(kind, payee_uscc, bureau_region, person, hired_on, certificates, records):
    held = [c for c in certificates if c.person_id == person.pk and c.issued_on <= hired_on]
    employment = _employment_of(kind, payee_uscc, hired_on, records, person)
    in_province = employment is not None and same_province(employment.employer_uscc, bureau_region)
    return HireFacts(held[0] if held else None, employment, in_province)


def _employment_of(kind, payee_uscc, hired_on, records, person) -> EmploymentRecord | None:
    earliest = hired_on.replace(day=1)
    latest = hired_on + timedelta(days=INSURANCE_REGISTRATION_DAYS)
    for record in records:
        if record.person_id != person.pk or not earliest <= record.start <= latest:
            continue
        if (record.employer_uscc == payee_uscc) == (kind == ClaimKind.EMPLOYMENT_SME):
            return record
    return None


def same_province(employer_uscc: str, region_code: str) -> bool:
    """Whether the employer registered in the province of the region (GB 32100 characters 3-8
    are the registering region's GB/T 2260 code; its first two digits are the province)."""
    return len(employer_uscc) == 18 and bool(region_code) and employer_uscc[2:4] == region_code[:2]


# --- the enterprise's history and the lock --------------------------------------------------


def counting_lines(kind: str, payee_uscc: str, *, excluding: Claim | None = None):
    """Lines of the payee's claims of this kind that count, as in a person's history: granted,
    not refused by the review, their claim submitted and neither withdrawn nor rejected."""
    lines = ClaimLine.objects.filter(
        claim__kind=kind,
        claim__payee_uscc=payee_uscc,
        state__in=COUNTING_LINE_STATES,
        granted=True,
    ).exclude(claim__state__in=NOT_COUNTING_CLAIM_STATES)
    if excluding is not None and excluding.pk is not None:
        lines = lines.exclude(claim_id=excluding.pk)
    return lines


def granted_total(kind: str, payee_uscc: str, *, excluding: Claim | None = None) -> Decimal:
    """What the enterprise was granted in its other claims of this kind (002 §四(三)1 cap)."""
    lines = counting_lines(kind, payee_uscc, excluding=excluding)
    return lines.aggregate(total=Sum("amount"))["total"] or ZERO


def _refuse_claimed_before(kind: str, payee_uscc: str, persons, excluding=None) -> None:
    """一次性补助: a person is claimed once by a payee for this kind of subsidy."""
    earlier = counting_lines(kind, payee_uscc, excluding=excluding).filter(
        person__in=[person.pk for person in persons]
    )
    found = list(earlier.select_related("person", "claim").order_by("claim__number", "id")[:5])
    if found:
        raise ValidationError(
            {"hires": _("Already claimed by this payee: %(lines)s.")
             % {"lines": "、".join(f"{line.person.name} ({line.claim.number})" for line in found)}}
        )  # fmt: skip


def lock_key(payee_uscc: str) -> int:
    """A signed 64-bit key for PostgreSQL's advisory lock on one payee."""
    digest = hashlib.blake2b(f"jineng.claims.employment:{payee_uscc}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def lock_payee(payee_uscc: str) -> None:
    """Serialise the claims of one payee until the transaction ends.

    PostgreSQL: a transaction-level advisory lock on the credit code. A row lock would not do:
    the first two claims of an enterprise have no earlier row to lock, and a dedicated lock row
    would have to be inserted first. The second submission waits here, then reads (READ
    COMMITTED) the lines the first one committed. SQLite: jineng opens every transaction
    IMMEDIATE (settings), which already takes the one write lock, so nothing more is needed.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("lock_payee needs a transaction: the lock ends with it")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(payee_uscc)])


# --- re-deciding at submission ----------------------------------------------------------------


@transaction.atomic
def redecide(claim: Claim) -> Claim:
    """Decide every line of an employment claim again, under the payee's lock: the facts as the
    registry shows them now, the cap against what the payee's other claims were granted at this
    moment. Called by services.submit inside its transaction (its lock holds until commit); each
    line gets a new stored decision (the earlier one stays on record)."""
    if claim.kind not in ENGINE_KINDS:
        raise ValueError(f"not an employment claim: {claim.kind}")
    lock_payee(claim.payee_uscc)
    if claim.state not in REDECIDABLE_STATES:
        raise ValidationError(
            _("The lines of a claim that is “%(state)s” are no longer decided again.")
            % {"state": claim.get_state_display()}
        )
    enterprise = enterprise_of(claim.kind, claim.payee_uscc)
    if enterprise is not None and enterprise.bureau_id != claim.bureau_id:
        raise ValidationError(
            _("%(enterprise)s now belongs to %(owner)s: by the enterprise's affiliation "
              "(按企业隶属关系, 002 §四(三)1) only that bureau takes its claims in; withdraw this "
              "claim and let that bureau take it in.")
            % {"enterprise": enterprise.name, "owner": enterprise.bureau.name}
        )  # fmt: skip
    lines = list(claim.lines.select_related("person").order_by("id"))
    _refuse_claimed_before(claim.kind, claim.payee_uscc, [ln.person for ln in lines], claim)
    version, pack = _pack(claim.bureau)
    hires = [(line.person, line.decided_on) for line in lines]
    for line, (facts, record) in zip(lines, _decide(claim, hires, version, pack), strict=True):
        writes.update(
            line, decision=record, granted=record.outcome == GRANTED, amount=record.amount,
            certificate=facts.certificate,
        )  # fmt: skip
    return _store_total(claim)
