"""The replay: every subsidy line a region decided in a period, decided again under another pack
with the facts it was decided on, in the order it was decided, nothing real written.

The facts come from the stored decision (catalog.DecisionRecord, the rule trace of the line):
each engine check keeps in its evidence what it was decided from (the person's categories, the
training type, the training end, the certificate, the employment start, the licences, the
standard, the agreement's date...), and the claim line names the person, occupation and level.
A fact the stored trace does not hold (a check the old pack did not make) is taken from the
claim line's own links (its certificate, the class's type and end) or is absent (an employment
start that the old pack did not look at).

A training line's facts are read from the compact facts kept beside its trace
(catalog.DecisionRecord.facts, written by the same walk when the decision was stored:
jineng.policy.facts), not from the trace itself; a decision stored before they were kept is
read from its trace (case_of with its detail), giving the same case.

The person history is the one of the time: each person's counting lines outside the replayed
set (earlier claims, other regions), then the replayed lines in the order they were decided
(decided_on, then line id), each grant under the draft counting for the next line, so the count
cap and the uniqueness rule of 004 §四(五) replay in order. Training lines go through the
engine's batch (policy.batch), evaluation lines one by one as the claims app decides them.

`replay` is pure: cases in, outcomes out (the benchmark drives it without a database).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from jineng.policy import (
    EmploymentLine,
    EnrolmentRequest,
    PriorSubsidy,
    VoucherRequest,
    decide_employment_batch,
    decide_enrolment,
    decide_voucher_issue_for,
    facts,
)
from jineng.policy.batch import decide_training_batch
from jineng.policy.codes import LEVEL_RANKS
from jineng.policy.decision import GRANTED, REFUSED, ZERO, Decision, RuleCheck, yuan
from jineng.policy.engine import (
    check_voucher_redeemed,
    decide_evaluation_subsidy,
    decide_training_subsidy,
)
from jineng.policy.pack import PolicyPack
from jineng.policy.records import (
    CATEGORY_CODES,
    CERTIFICATE_CODES,
    LICENCE_CODES,
    TRAINING_TYPE_CODES,
    EvaluationLine,
    TrainingLine,
)

TRAINING, EVALUATION = "training", "evaluation"
# The employment subsidies of 002 §四(三)1 (claims.models.ClaimKind), as the engine names them.
EMPLOYMENT_SME, EMPLOYMENT_AGENCY = "employment_sme", "employment_agency"
EMPLOYMENT = {EMPLOYMENT_SME: "sme", EMPLOYMENT_AGENCY: "agency"}
SUBSIDIES = (TRAINING, EVALUATION, EMPLOYMENT_SME, EMPLOYMENT_AGENCY)
# Decisions stored elsewhere than on a claim line: a voucher's settlement (002 §四(五)3, money)
# and an enrolment's eligibility (004 §二, §四(五), §五(一): no money of its own).
VOUCHER, ENROLMENT = "voucher", "enrolment"


@dataclass(slots=True)
class Case:
    """One stored line to decide again, with what the report groups it by."""

    line_id: int
    claim_number: str
    person_id: int
    subsidy_type: str
    occupation: str
    level: str
    decided_on: date
    county: str
    fund_channel: str
    department: str
    categories: tuple[str, ...]
    before_granted: bool
    before_amount: Decimal
    record_id: int | None
    engine_line: TrainingFacts | TrainingLine | EvaluationLine | EmploymentLine
    # the claim's own checks as stored (claim.completed...); None: not read yet (a training line
    # read from its compact facts), read from its stored trace when its decision is shown
    claim_checks: tuple[dict, ...] | None = ()
    claim_ok: bool = True  # every one of them passed
    certified: bool = False  # the line's person holds the certificate the line is about
    after_granted: bool = False
    after_amount: Decimal = ZERO
    index: int = field(default=-1)  # in its subsidy's batch
    # why a voucher or an enrolment is not decided again (a fact its stored decision does not
    # hold that the draft asks for); it keeps its stored outcome, counted apart in the report
    not_replayed: str = ""

    @property
    def changed(self) -> bool:
        return (self.before_granted, self.before_amount) != (self.after_granted, self.after_amount)


@dataclass
class Outcome:
    """The replay's result: the cases with their new outcomes, and how to explain any of them."""

    pack: PolicyPack
    cases: list[Case]
    training_batch: object | None
    evaluation_decisions: dict[int, Decision]
    employment_decisions: dict[int, Decision] = field(default_factory=dict)
    # vouchers and enrolments: their new decisions by case index
    other_decisions: dict[int, Decision] = field(default_factory=dict)

    def decision(self, case: Case, detail: dict | None = None) -> Decision:
        """The full new decision of a case, with its rule trace (rebuilt on demand). `detail`,
        the case's stored trace, gives the claim's own checks where they were not read yet."""
        if case.claim_checks is None:
            if detail is None:
                raise ValueError(f"the stored decision of line {case.line_id} is needed")
            case.claim_checks = claim_checks(detail)
        if case.subsidy_type == TRAINING:
            batch = self.training_batch
            line = as_training_line(case.engine_line)  # validated as any TrainingLine
            decision = decide_training_subsidy(self.pack, line, batch.history_at(case.index))
        elif case.subsidy_type == EVALUATION:
            decision = self.evaluation_decisions[case.index]
        elif case.subsidy_type in EMPLOYMENT:
            decision = self.employment_decisions[case.index]
        else:
            decision = self.other_decisions[case.index]
        return amended(decision, [RuleCheck.from_dict(check) for check in case.claim_checks])


def amended(decision: Decision, checks: Sequence[RuleCheck]) -> Decision:
    """As claims.services.amended: the claim's own checks first, refused (0) if any fails."""
    if not checks:
        return decision
    every = tuple(checks) + decision.checks
    granted = all(item.passed for item in every)
    return Decision(
        kind=decision.kind,
        subject=decision.subject,
        outcome=GRANTED if granted else REFUSED,
        amount=yuan(decision.amount) if granted else ZERO,
        rate=decision.rate,
        pack_id=decision.pack_id,
        pack_version=decision.pack_version,
        pack_hash=decision.pack_hash,
        checks=every,
        tier=decision.tier,
        payee=decision.payee,
        valid_until=decision.valid_until,
    )


def person_key(person_id: int) -> str:
    return f"P{person_id}"  # as claims.services.person_key


_CENTS: dict[int, Decimal] = {}


def _yuan_of(cents: int) -> Decimal:
    """Cents as yuan (a few thousand distinct amounts in a year: kept)."""
    amount = _CENTS.get(cents)
    if amount is None:
        if len(_CENTS) > 100_000:
            _CENTS.clear()
        amount = _CENTS[cents] = Decimal(cents).scaleb(-2)
    return amount


def replay(
    pack: PolicyPack,
    cases: list[Case],
    histories: dict[int, list[PriorSubsidy]],
    enterprise_grants: Sequence[tuple[int, str, Decimal]] = (),
) -> Outcome:
    """Decide every case again under `pack`, in the order given (the order decided), each
    person starting from their history; fills after_granted and after_amount. Employment lines
    are decided in the order of their stored decisions, each SME's granted total carried along
    with `enterprise_grants` (replay_employment)."""
    training = [case for case in cases if case.subsidy_type == TRAINING]
    evaluation = [case for case in cases if case.subsidy_type == EVALUATION]
    employment = [case for case in cases if case.subsidy_type in EMPLOYMENT]
    batch = None
    if training:
        keyed = {person_key(pid): history for pid, history in histories.items()}
        batch = decide_training_batch(pack, [case.engine_line for case in training], keyed)
        known = _CENTS  # the amounts made already, looked up here (one call per line saved)
        rows = zip(training, batch.granted, batch.amount_cents, strict=True)
        for index, (case, granted, cents) in enumerate(rows):
            case.index = index
            if granted and case.claim_ok:
                case.after_granted = True
                amount = known.get(cents)
                case.after_amount = amount if amount is not None else _yuan_of(cents)
            else:
                case.after_granted = False
                case.after_amount = ZERO
    decisions: dict[int, Decision] = {}
    running = {pid: list(history) for pid, history in histories.items()}
    for index, case in enumerate(evaluation):
        case.index = index
        history = running.setdefault(case.person_id, [])
        decision = decide_evaluation_subsidy(pack, case.engine_line, history)
        decisions[index] = decision
        ok = decision.granted and case.claim_ok
        case.after_granted = ok
        case.after_amount = yuan(decision.amount) if ok else ZERO
        if ok:
            line = case.engine_line
            history.append(
                PriorSubsidy(line.claim_id, EVALUATION, line.occupation, line.level,
                             line.evaluated_on, case.after_amount)
            )  # fmt: skip
    others = [case for case in cases if case.subsidy_type in (VOUCHER, ENROLMENT)]
    return Outcome(pack, cases, batch, decisions, replay_employment(pack, employment,
                   enterprise_grants), replay_others(pack, others))  # fmt: skip


def replay_others(pack: PolicyPack, cases: list[Case]) -> dict[int, Decision]:
    """Voucher settlements and enrolment eligibility decided again, each with the history of
    its own time (the person's subsidies decided before it, as decided: their engine_line
    carries it). Fills after_granted and after_amount; the new decisions by case index."""
    decisions: dict[int, Decision] = {}
    for index, case in enumerate(cases):
        case.index = index
        if case.not_replayed:
            case.after_granted, case.after_amount = case.before_granted, case.before_amount
            continue
        if case.subsidy_type == VOUCHER:
            decision = settlement(pack, case.engine_line)
            case.after_granted = decision.granted
            case.after_amount = case.before_amount if decision.granted else ZERO
        else:
            line = case.engine_line
            if not line.licences_known and pack.licence_required(line.request.occupation):
                case.not_replayed = NO_LICENCES
                case.after_granted, case.after_amount = case.before_granted, case.before_amount
                continue
            decision = decide_enrolment(pack, line.request, line.history)
            case.after_granted, case.after_amount = decision.granted, ZERO
        decisions[index] = decision
    return decisions


@dataclass(frozen=True, slots=True)
class VoucherFacts:
    """What a settled voucher stood on: the issue requests (one per occupation, the person's
    categories and the day of issue as its stored decision holds them), the person's history
    then, the day it was used at enrolment, the last day it was valid and the last day the
    pack of its issue allowed (shorter when the bureau chose a shorter validity)."""

    requests: tuple[VoucherRequest, ...]
    history: tuple[PriorSubsidy, ...]
    redeemed_on: date
    valid_until: date
    pack_valid_until: date | None


def settlement(pack: PolicyPack, line: VoucherFacts) -> Decision:
    """A settled voucher under `pack`: would it have been issued (002 §四(五)3: 符合补贴条件的
    劳动者, the training eligibility and limits of 004 §二, §四(五), the validity stated), and
    would it still have been valid on the day it was used at enrolment? Its amount is not a
    pack's: the voucher's value, capped by the subsidy standard of the certificate (vouchers.
    services.settled_amount), so a settlement the draft keeps pays what it paid."""
    issue = decide_voucher_issue_for(pack, line.requests, line.history)
    valid_until = issue.valid_until
    if (
        valid_until is not None
        and line.pack_valid_until is not None
        and (line.valid_until < line.pack_valid_until)
    ):  # the bureau gave a shorter validity than the pack: it stays, never longer
        valid_until = min(valid_until, line.valid_until)
    used = check_voucher_redeemed(pack, valid_until, line.redeemed_on)
    return amended(issue, [used]) if issue.granted else issue


def replay_employment(
    pack: PolicyPack, cases: list[Case], enterprise_grants: Sequence[tuple[int, str, Decimal]]
) -> dict[int, Decision]:
    """The employment lines (002 §四(三)1) decided again in the order they were decided (their
    stored decisions' order: a claim's lines are decided together when it is submitted), each
    SME's total granted carried as claims.employment carries it: `enterprise_grants`, the
    (decision id, credit code, amount) of the SMEs' granted lines outside the replayed set, each
    counting from its own place in that order, and each replayed grant under the draft counting
    for the next line (累计最高不超过200万元). The lines between two outside grants go through
    the engine's decide_employment_batch together. Fills after_granted and after_amount; the
    new decisions by case index."""
    ordered = sorted(cases, key=lambda case: (case.record_id or 0, case.line_id))
    outside = sorted(enterprise_grants)
    totals: dict[str, Decimal] = {}
    decisions: dict[int, Decision] = {}
    run: list[Case] = []

    def decide(run: list[Case]) -> None:
        made = decide_employment_batch(pack, [case.engine_line for case in run], totals)
        for case, decision in zip(run, made, strict=True):
            case.index = len(decisions)
            decisions[case.index] = decision
            ok = decision.granted and case.claim_ok
            case.after_granted = ok
            case.after_amount = yuan(decision.amount) if ok else ZERO
            line = case.engine_line
            if ok and line.kind == "sme":  # as decide_employment_batch carries it
                totals[line.enterprise_key] = totals.get(line.enterprise_key, ZERO) + (
                    case.after_amount
                )
        run.clear()

    position = 0
    for case in ordered:
        while position < len(outside) and outside[position][0] < (case.record_id or 0):
            if run:
                decide(run)
            _record, uscc, amount = outside[position]
            totals[uscc] = totals.get(uscc, ZERO) + amount
            position += 1
        run.append(case)
    if run:
        decide(run)
    return decisions


# --- the facts from a stored decision ------------------------------------------------------------


def _evidence(checks: dict, code: str) -> dict:
    found = checks.get(code)
    return found["evidence"] if found else {}


def claim_checks(detail: dict) -> tuple[dict, ...]:
    """The claim's own checks of a stored decision (completed the class, the standard...), as
    stored; RuleChecks are made of them only for a line whose decision is shown."""
    checks = detail.get("checks", ())
    return tuple(check for check in checks if facts.is_claim_check(check["code"]))


@dataclass(slots=True)
class TrainingFacts:
    """The fields of a TrainingLine, as the replay's hot loop carries them: made several times
    faster than the validated (frozen) record, and its fields read by the engine's batch as fast
    (slots). Every code in it is checked once per distinct value (the caches below) against the
    engine's code lists, as TrainingLine checks them; a line whose decision is shown is made a
    real TrainingLine (as_training_line)."""

    claim_id: str
    person_key: str
    categories: frozenset[str]
    occupation: str
    level: str
    is_new_occupation: bool
    training_type: str
    training_end: date
    certificate: str | None
    employment_start: date | None
    standard: Decimal
    licences: frozenset[str] = frozenset()
    licence_day: date | None = None


def as_training_line(line: TrainingFacts | TrainingLine) -> TrainingLine:
    if isinstance(line, TrainingLine):
        return line
    return TrainingLine(*(getattr(line, name) for name in TrainingFacts.__slots__))


@lru_cache(maxsize=4096)
def _date(value: str) -> date:
    return date.fromisoformat(value)


def _day(value, default: date | None) -> date | None:
    if value in (None, ""):
        return default
    return value if isinstance(value, date) else _date(str(value))


@lru_cache(maxsize=4096)
def _codes(values: tuple[str, ...], known: frozenset[str], what: str) -> frozenset[str]:
    codes = frozenset(values)
    if not codes <= known:
        raise ValueError(f"unknown {what} codes: {sorted(codes - known)}")
    return codes


@lru_cache(maxsize=4096)
def _money(value: str) -> Decimal:
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"not an amount of money: {value!r}")
    return amount


@lru_cache(maxsize=1024)
def _checked(training_type: str, level: str, certificate: str | None) -> None:
    if training_type not in TRAINING_TYPE_CODES:
        raise ValueError(f"unknown training type {training_type!r}")
    if level not in LEVEL_RANKS:
        raise ValueError(f"unknown skill level {level!r}")
    if certificate is not None and certificate not in CERTIFICATE_CODES:
        raise ValueError(f"unknown certificate kind {certificate!r}")


NOTHING: frozenset[str] = frozenset()
UNREADABLE = "a stored training decision's facts cannot be read"
SEPARATOR, DAYS_SEPARATOR = facts.SEPARATOR, facts.DAYS_SEPARATOR
KNOWS_CERTIFICATE = facts.KNOWS_CERTIFICATE
KNOWS_NEW_OCCUPATION = facts.KNOWS_NEW_OCCUPATION
SHAPED = facts.SHAPE + facts.SEPARATOR  # a compact record this version reads begins so


@lru_cache(maxsize=4096)
def _categories(joined: str) -> frozenset[str]:
    """A compact record's categories ("a,b"), checked against the engine's code list."""
    return (
        _codes(tuple(joined.split(",")), CATEGORY_CODES, "person category") if joined else NOTHING
    )


@lru_cache(maxsize=1024)
def _licences(joined: str) -> frozenset[str]:
    return _codes(tuple(joined.split(",")), LICENCE_CODES, "licence type") if joined else NOTHING


def training_line(detail: dict, row: Sequence) -> tuple[TrainingFacts, bool]:
    """The facts a stored training decision was made from, read from its trace (a record stored
    before the compact facts were kept beside it), and whether the claim's own checks all
    passed. `row` is a ROW of the claim line (its own links for what the trace does not hold).
    The trace is walked by the same function that writes the compact facts."""
    record = facts.training_facts(detail)
    if not record:
        raise ValueError(UNREADABLE)
    return from_facts(record, row)


class _Profile(NamedTuple):
    """What a compact record says apart from its days, checked once per distinct record head."""

    categories: frozenset[str]
    training_type: str
    certificate: str | None
    is_new: bool
    knows_certificate: bool
    knows_new_occupation: bool
    standard: Decimal
    licences: frozenset[str]
    ok: bool


@lru_cache(maxsize=1 << 16)
def _profile(head: str) -> _Profile:
    """The fields of a compact record before its days (jineng.policy.facts)."""
    (
        _shape, categories, training_type, certificate, is_new, known, standard, licences, ok,
    ) = head.split(SEPARATOR)  # fmt: skip
    known = int(known)
    return _Profile(
        _categories(categories),
        training_type,
        certificate or None,
        is_new == "1",
        bool(known & KNOWS_CERTIFICATE),
        bool(known & KNOWS_NEW_OCCUPATION),
        _money(standard) if standard else ZERO,
        _licences(licences),
        ok == "1",
    )


@lru_cache(maxsize=1 << 16)
def _days(days: str) -> tuple[date | None, date | None, date | None]:
    """The days of a compact record: the training end, the employment start, the licences' day."""
    end, employment_start, licence_day = days.split(SEPARATOR)
    return (
        _date(end) if end else None,
        _date(employment_start) if employment_start else None,
        _date(licence_day) if licence_day else None,
    )


@lru_cache(maxsize=1 << 16)
def _merged(
    head: str, level: str, training_type: str, certificate: str | None, is_new: bool
) -> tuple:
    """A compact record's fields before its days, with the claim line's own training type,
    certificate and novelty where the trace does not hold them, checked as a TrainingLine
    checks them: (categories, as sorted, is_new, training_type, certificate, standard,
    licences, claim_ok). Kept per distinct combination (a few thousand in a year)."""
    (
        categories, own_type, own_certificate, own_new, knows_certificate, knows_new, standard,
        licences, ok,
    ) = _profile(head)  # fmt: skip
    if knows_certificate:
        certificate = own_certificate
    is_new = own_new if knows_new else bool(is_new)
    training_type = own_type or training_type
    _checked(training_type, level, certificate)
    ordered = _ordered(categories)
    return categories, ordered, is_new, training_type, certificate, standard, licences, ok


def from_facts(record: str, row: Sequence) -> tuple[TrainingFacts, bool]:
    """The facts of a training line from the compact facts of its decision
    (jineng.policy.facts, catalog.DecisionRecord.facts: one line of text) and the claim line's
    ROW: the claim, person, occupation and level, and the claim line's own links for what the
    trace does not hold (the class's type and end, the occupation's novelty, the certificate's
    kind); and whether the claim's own checks all passed."""
    case = _training_case(record, row)
    return case.engine_line, case.claim_ok


def _training_case(record: str, row: Sequence) -> Case:
    """A training line's case from the compact facts of its decision and its ROW, in one step:
    the hot path of a replay (a year's lines)."""
    head, _, days = record.partition(DAYS_SEPARATOR)
    level = row[LEVEL]
    categories, ordered, is_new, training_type, certificate, standard, licences, ok = _merged(
        head, level, row[TRAINING_TYPE], row[CERTIFICATE], row[NEW_OCCUPATION]
    )
    end, employment_start, licence_day = _days(days)
    claim_number, person, occupation = row[CLAIM_NUMBER], row[PERSON], row[OCCUPATION]
    line = TrainingFacts(
        claim_number,
        person_key(person),
        categories,
        occupation,
        level,
        is_new,
        training_type,
        end or row[TRAINING_END],
        certificate,
        employment_start,
        standard,
        licences,
        licence_day,
    )
    granted = bool(row[WAS_GRANTED])
    return Case(
        row[LINE], claim_number, person, TRAINING, occupation or "", level or "",
        row[DECIDED_ON], row[COUNTY] or "", row[FUND_CHANNEL] or "", row[CLASS_DEPARTMENT] or "",
        ordered, granted, row[WAS_AMOUNT] if granted else ZERO, row[RECORD], line, None, ok,
        certificate is not None,
    )  # fmt: skip


def evaluation_line(detail: dict, row: Sequence) -> EvaluationLine:
    """The EvaluationLine a stored evaluation decision was made from (`row`: a ROW)."""
    checks = {check["code"]: check for check in detail.get("checks", ())}
    category = _evidence(checks, "evaluation.category")
    first = _evidence(checks, "evaluation.first_evaluation")
    agreement = _evidence(checks, "evaluation.applicant_agreement")
    kind = _evidence(checks, "evaluation.certificate_kind")
    certificate = kind["certificate"] if "certificate" in kind else row[CERTIFICATE]
    evaluated = _evidence(checks, "pack.period").get("date")
    return EvaluationLine(
        claim_id=row[CLAIM_NUMBER],
        person_key=person_key(row[PERSON]),
        categories=frozenset(category.get("person_categories") or ()),
        occupation=row[OCCUPATION],
        level=row[LEVEL],
        certificate=certificate,
        first_evaluation=bool(first.get("first_evaluation", True)),
        evaluated_on=_day(evaluated, row[DECIDED_ON]),
        agreement_signed_on=_day(agreement.get("signed_on"), None),
    )


def categories_of(line: TrainingLine | EvaluationLine) -> tuple[str, ...]:
    return _ordered(line.categories)


@lru_cache(maxsize=4096)
def _ordered(categories: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(categories))


# --- a stored claim line as a case -------------------------------------------------------------

# A claim line as the replay reads it (whatif.services.COLUMNS names the column of each).
ROW = (
    "line_id", "claim_number", "person_id", "subsidy_type", "occupation", "level", "decided_on",
    "granted", "amount", "record_id", "facts", "county", "fund_channel", "class_department",
    "booking_department", "training_end", "training_type", "new_occupation", "certificate",
    "payee_uscc", "claim_year", "claimed_on",
)  # fmt: skip
(
    LINE, CLAIM_NUMBER, PERSON, SUBSIDY_TYPE, OCCUPATION, LEVEL, DECIDED_ON, WAS_GRANTED,
    WAS_AMOUNT, RECORD, FACTS, COUNTY, FUND_CHANNEL, CLASS_DEPARTMENT, BOOKING_DEPARTMENT,
    TRAINING_END, TRAINING_TYPE, NEW_OCCUPATION, CERTIFICATE, PAYEE_USCC, CLAIM_YEAR, CLAIMED_ON,
) = range(len(ROW))  # fmt: skip


def needs_trace(row: Sequence) -> bool:
    """Whether a line's stored trace must be read: an evaluation line, or a training line
    whose decision has no compact facts of the shape this version reads (stored before)."""
    return row[SUBSIDY_TYPE] != TRAINING or not (row[FACTS] or "").startswith(SHAPED)


def case_of(row: Sequence, detail: dict | None = None) -> Case:
    """A stored line as a case: a training line from its decision's compact facts, or from
    `detail` (its stored trace) where needs_trace(row); an evaluation line from `detail`."""
    if row[SUBSIDY_TYPE] == TRAINING:
        if detail is None:
            return _training_case(row[FACTS], row)  # its claim checks read if it is shown
        record = facts.training_facts(detail)
        if not record:
            raise ValueError(UNREADABLE)
        case = _training_case(record, row)
        case.claim_checks = claim_checks(detail)
        return case
    detail = detail or {}
    if row[SUBSIDY_TYPE] in EMPLOYMENT:
        return _employment_case(detail, row)
    line = evaluation_line(detail, row)
    own = claim_checks(detail)
    granted = bool(row[WAS_GRANTED])
    return Case(
        row[LINE], row[CLAIM_NUMBER], row[PERSON], row[SUBSIDY_TYPE], row[OCCUPATION] or "",
        row[LEVEL] or "", row[DECIDED_ON], row[COUNTY] or "", row[FUND_CHANNEL] or "",
        row[BOOKING_DEPARTMENT] or "", categories_of(line), granted,
        row[WAS_AMOUNT] if granted else ZERO, row[RECORD], line, own,
        all(check["passed"] for check in own), line.certificate is not None,
    )  # fmt: skip


def employment_line(detail: dict, row: Sequence) -> EmploymentLine:
    """The EmploymentLine a stored employment decision (002 §四(三)1) was made from (`row`: a
    ROW), read from its checks' evidence: the day hired or placed (pack.period), the certificate
    held, the insured months, in the province, the SME's size class and the day it was assessed,
    the day the claim was taken in and the year it is for. What the trace does not hold (a check
    the old pack did not make) is the claim's own: the line's certificate, the claim's year and
    day, and for an SME, whose employer is the payee, the payee's province (claims.employment.
    same_province); an agency's placement not checked for the province counts as not shown."""
    checks = {check["code"]: check for check in detail.get("checks", ())}
    kind = EMPLOYMENT[row[SUBSIDY_TYPE]]
    payee, county = row[PAYEE_USCC] or "", row[COUNTY] or ""
    hired_on = _day(_evidence(checks, "pack.period").get("date"), row[DECIDED_ON])
    held = _evidence(checks, "employment.certificate")
    months = _evidence(checks, "employment.insured_months")
    province = _evidence(checks, "employment.in_province")
    if "in_province" in province:
        in_province = bool(province["in_province"])
    else:
        in_province = kind == "sme" and len(payee) == 18 and payee[2:4] == county[:2] != ""
    sme = {}
    if kind == "sme":
        recorded = _evidence(checks, "employment.enterprise_recorded")
        size = _evidence(checks, "employment.enterprise_size").get("size")
        evidence = _evidence(checks, "employment.size_evidence")
        year = _evidence(checks, "employment.hire_year").get("claim_year")
        sme = {
            "enterprise_size": size if recorded.get("recorded", size is not None) else None,
            "size_assessed_on": _day(evidence.get("size_assessed_on"), None),
            "claimed_on": _day(evidence.get("claimed_on"), row[CLAIMED_ON] or hired_on),
            "claim_year": year if year is not None else (row[CLAIM_YEAR] or hired_on.year),
        }
    return EmploymentLine(
        claim_id=row[CLAIM_NUMBER],
        enterprise_key=payee,
        person_key=person_key(row[PERSON]),
        kind=kind,
        holds_certificate=bool(held.get("holds_certificate", row[CERTIFICATE] is not None)),
        insured_months=int(months.get("insured_months") or 0),
        hired_on=hired_on,
        in_province=in_province,
        **sme,
    )


def _employment_case(detail: dict, row: Sequence) -> Case:
    """An employment line as a case: no occupation, level, department or person categories
    (the report counts it under none); not a certificate the training targets count."""
    line = employment_line(detail, row)
    own = claim_checks(detail)
    granted = bool(row[WAS_GRANTED])
    return Case(
        row[LINE], row[CLAIM_NUMBER], row[PERSON], row[SUBSIDY_TYPE], row[OCCUPATION] or "",
        row[LEVEL] or "", row[DECIDED_ON], row[COUNTY] or "", row[FUND_CHANNEL] or "", "", (),
        granted, row[WAS_AMOUNT] if granted else ZERO, row[RECORD], line, own,
        all(check["passed"] for check in own), False,
    )  # fmt: skip


# --- a settled voucher and an enrolment's eligibility as cases ----------------------------------

# Why a stored decision is not decided again (the scenario's page names each, counted apart).
NO_DECISION = "no_decision"  # no stored decision (a voucher recorded without the engine)
NO_CATEGORIES = "no_categories"  # the stored decision holds no person categories
NO_LICENCES = "no_licences"  # the draft asks for a licence the stored decision never looked at


def _checks_by_code(detail: dict) -> dict:
    return {check["code"]: check for check in detail.get("checks", ())}


def _stored_categories(checks: dict) -> frozenset[str] | None:
    """The person's categories as the stored decision's category check read them (None: it
    made no such check)."""
    found = checks.get("training.category")
    if found is None:
        return None
    return _codes(tuple(found["evidence"].get("person_categories") or ()), CATEGORY_CODES,
                  "person category")  # fmt: skip


def _other_case(row: dict, kind: str, categories, line, granted: bool, amount: Decimal) -> Case:
    return Case(
        row["id"], row["number"], row["person_id"], kind, row["occupation"] or "",
        row["level"] or "", row["decided_on"], row["county"] or "", row["fund_channel"] or "",
        row["department"] or "", _ordered(categories or NOTHING), granted,
        amount if granted else ZERO, row["record_id"], line, (), True, False,
    )  # fmt: skip


def voucher_case(detail: dict, row: dict, history: Sequence[PriorSubsidy]) -> Case:
    """A settled voucher as a case, from its stored issue decision (`detail`: the person's
    categories, the day of issue, the validity the pack allowed) and its ROW (`row`: the
    voucher's occupations, the day it was used at enrolment, its last valid day, the settled
    amount; the certificate's occupation and level, the class's fund channel and department)."""
    checks = _checks_by_code(detail)
    categories = _stored_categories(checks)
    issued = _day(_evidence(checks, "pack.period").get("date"), row["issued_on"])
    allowed = _day(_evidence(checks, "voucher.validity").get("valid_until"), None)
    requests = tuple(
        VoucherRequest(person_key(row["person_id"]), categories or NOTHING, occupation, issued)
        for occupation in row["occupations"]
    )
    line = VoucherFacts(requests, tuple(history), row["redeemed_on"], row["valid_until"], allowed)
    case = _other_case(row, VOUCHER, categories, line, True, row["amount"])
    if not detail:
        case.not_replayed = NO_DECISION
    elif categories is None:
        case.not_replayed = NO_CATEGORIES
    return case


@dataclass(frozen=True, slots=True)
class EnrolmentFacts:
    """What an enrolment's eligibility was decided from, and whether its stored decision
    looked at the person's practising licences (004 §五(一): only for an occupation the pack
    listed)."""

    request: EnrolmentRequest
    history: tuple[PriorSubsidy, ...]
    licences_known: bool


def enrolment_case(detail: dict, row: dict, history: Sequence[PriorSubsidy]) -> Case:
    """An enrolment's eligibility as a case, from its stored decision (`detail`: the person's
    categories, the day decided, the training type, the licences held and their day where the
    pack checked them) and its ROW (the class's occupation, level and training type)."""
    checks = _checks_by_code(detail)
    categories = _stored_categories(checks)
    decided = _day(_evidence(checks, "pack.period").get("date"), row["decided_on"])
    scope = _evidence(checks, "training.rate_scope")
    licence = checks.get("training.licence")
    held = licence["evidence"] if licence else {}
    request = EnrolmentRequest(
        person_key=person_key(row["person_id"]),
        categories=categories or NOTHING,
        occupation=row["occupation"],
        level=row["level"],
        enrol_on=decided,
        training_type=scope.get("training_type") or row["training_type"],
        licences=_licences(",".join(held.get("licences_held") or ())),
        licence_day=_day(held.get("day"), None),
    )
    line = EnrolmentFacts(request, tuple(history), licence is not None)
    granted = detail.get("outcome") == GRANTED
    case = _other_case(row, ENROLMENT, categories, line, granted, ZERO)
    if categories is None:
        case.not_replayed = NO_CATEGORIES
    return case
