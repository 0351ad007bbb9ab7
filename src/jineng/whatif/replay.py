"""The replay: every subsidy line a region decided in a period, decided again under another pack
with the facts it was decided on, in the order it was decided, nothing real written.

The facts come from the stored decision (catalog.DecisionRecord, the rule trace of the line):
each engine check keeps in its evidence what it was decided from (the person's categories, the
training type, the training end, the certificate, the employment start, the licences, the
standard, the agreement's date...), and the claim line names the person, occupation and level.
A fact the stored trace does not hold (a check the old pack did not make) is taken from the
claim line's own links (its certificate, the class's type and end) or is absent (an employment
start that the old pack did not look at).

The person history is the one of the time: each person's counting lines outside the replayed
set (earlier claims, other regions), then the replayed lines in the order they were decided
(decided_on, then line id), each grant under the draft counting for the next line, so the count
cap and the uniqueness rule of 004 §四(五) replay in order. Training lines go through the
engine's batch (policy.batch), evaluation lines one by one as the claims app decides them.

`replay` is pure: cases in, outcomes out (the benchmark drives it without a database).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from jineng.policy import PriorSubsidy
from jineng.policy.batch import decide_training_batch
from jineng.policy.codes import LEVEL_RANKS
from jineng.policy.decision import GRANTED, REFUSED, ZERO, Decision, RuleCheck, yuan
from jineng.policy.engine import decide_evaluation_subsidy, decide_training_subsidy
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
SUBSIDIES = (TRAINING, EVALUATION)


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
    engine_line: TrainingFacts | TrainingLine | EvaluationLine
    claim_checks: tuple[dict, ...] = ()  # the claim's own checks as stored (claim.completed...)
    claim_ok: bool = True  # every one of them passed
    certified: bool = False  # the line's person holds the certificate the line is about
    after_granted: bool = False
    after_amount: Decimal = ZERO
    index: int = field(default=-1)  # in its subsidy's batch

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

    def decision(self, case: Case) -> Decision:
        """The full new decision of a case, with its rule trace (rebuilt on demand)."""
        if case.subsidy_type == TRAINING:
            batch = self.training_batch
            line = as_training_line(case.engine_line)  # validated as any TrainingLine
            decision = decide_training_subsidy(self.pack, line, batch.history_at(case.index))
        else:
            decision = self.evaluation_decisions[case.index]
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
    pack: PolicyPack, cases: list[Case], histories: dict[int, list[PriorSubsidy]]
) -> Outcome:
    """Decide every case again under `pack`, in the order given (the order decided), each
    person starting from their history; fills after_granted and after_amount."""
    training = [case for case in cases if case.subsidy_type == TRAINING]
    evaluation = [case for case in cases if case.subsidy_type == EVALUATION]
    batch = None
    if training:
        keyed = {person_key(pid): history for pid, history in histories.items()}
        batch = decide_training_batch(pack, [case.engine_line for case in training], keyed)
        granted, cents = batch.granted, batch.amount_cents
        for index, case in enumerate(training):
            case.index = index
            if granted[index] and case.claim_ok:
                case.after_granted = True
                case.after_amount = _yuan_of(cents[index])
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
    return Outcome(pack, cases, batch, decisions)


# --- the facts from a stored decision ------------------------------------------------------------


def _evidence(checks: dict, code: str) -> dict:
    found = checks.get(code)
    return found["evidence"] if found else {}


def claim_checks(detail: dict) -> tuple[dict, ...]:
    """The claim's own checks of a stored decision (completed the class, the standard...), as
    stored; RuleChecks are made of them only for a line whose decision is shown."""
    return tuple(check for check in detail.get("checks", ()) if check["code"].startswith("claim."))


class TrainingFacts(NamedTuple):
    """The fields of a TrainingLine, as the replay's hot loop carries them (a tuple is made six
    times faster than the validated record). Every code in it is checked once per distinct value
    (the caches below) against the engine's code lists, as TrainingLine checks them; a line whose
    decision is shown is made a real TrainingLine (as_training_line)."""

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


def as_training_line(facts: TrainingFacts | TrainingLine) -> TrainingLine:
    if isinstance(facts, TrainingLine):
        return facts
    return TrainingLine(*facts)


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


# What each stored check gives the facts (the others are read for nothing).
CLAIM, CATEGORY, SCOPE, OUTCOME, CERTIFIED, LICENCE, PERIOD = range(7)
READS = {
    "claim.completed": CLAIM,
    "claim.standard": CLAIM,
    "claim.evaluation": CLAIM,
    "claim.certificate": CLAIM,
    "claim.top_up": CLAIM,
    "training.category": CATEGORY,
    "training.rate_scope": SCOPE,
    "training.outcome": OUTCOME,
    "training.certificate": CERTIFIED,
    "training.licence": LICENCE,
    "pack.period": PERIOD,
}
NOTHING = frozenset()


def training_line(detail: dict, row: dict) -> tuple[TrainingFacts, tuple[dict, ...], bool]:
    """The facts a stored training decision was made from, the claim's own checks as stored and
    whether they all passed. `row` gives the claim line's own links for what the trace does not
    hold: claim, person, occupation, level, new_occupation, training_type, training_end,
    certificate (kind). One pass over the stored checks."""
    categories = scope_categories = training_type = end = standard = None
    certificate, is_new, employment_start = row["certificate"], row["new_occupation"], None
    licences, licence_day = NOTHING, None
    own = []
    ok = True
    reads = READS.get
    for check in detail.get("checks", ()):
        code = check["code"]
        kind = reads(code)
        if kind is None:
            if code.startswith("claim."):  # a claim check this version does not know by name
                own.append(check)
                ok = ok and check["passed"]
            continue
        evidence = check["evidence"]
        if kind == CLAIM:
            own.append(check)
            ok = ok and check["passed"]
            if code == "claim.standard":
                standard = evidence.get("amount")
        elif kind == CATEGORY:
            categories = evidence.get("person_categories")
        elif kind == SCOPE:
            scope_categories = evidence.get("person_categories")
            training_type = evidence.get("training_type")
        elif kind == OUTCOME:
            certificate = evidence.get("certificate", certificate)
            is_new = evidence.get("is_new_occupation", is_new)
            employment_start = evidence.get("employment_start")
        elif kind == CERTIFIED:
            certificate = evidence.get("certificate", certificate)
        elif kind == LICENCE:
            held = evidence.get("licences_held")
            if held:
                licences = _codes(tuple(held), LICENCE_CODES, "licence type")
            licence_day = evidence.get("day")
        else:
            end = evidence.get("date")
    training_type = training_type or row["training_type"]
    level = row["level"]
    _checked(training_type, level, certificate)
    facts = TrainingFacts(
        row["claim_number"],
        person_key(row["person_id"]),
        _codes(tuple(categories or scope_categories or ()), CATEGORY_CODES, "person category"),
        row["occupation"],
        level,
        bool(is_new),
        training_type,
        _date(end) if end else row["training_end"],
        certificate,
        _date(employment_start) if employment_start else None,
        _money(standard) if standard else ZERO,
        licences,
        _date(licence_day) if licence_day else None,
    )
    return facts, tuple(own), ok


def evaluation_line(detail: dict, row: dict) -> EvaluationLine:
    """The EvaluationLine a stored evaluation decision was made from."""
    checks = {check["code"]: check for check in detail.get("checks", ())}
    category = _evidence(checks, "evaluation.category")
    first = _evidence(checks, "evaluation.first_evaluation")
    agreement = _evidence(checks, "evaluation.applicant_agreement")
    kind = _evidence(checks, "evaluation.certificate_kind")
    certificate = kind["certificate"] if "certificate" in kind else row["certificate"]
    evaluated = _evidence(checks, "pack.period").get("date")
    return EvaluationLine(
        claim_id=row["claim_number"],
        person_key=person_key(row["person_id"]),
        categories=frozenset(category.get("person_categories") or ()),
        occupation=row["occupation"],
        level=row["level"],
        certificate=certificate,
        first_evaluation=bool(first.get("first_evaluation", True)),
        evaluated_on=_day(evaluated, row["decided_on"]),
        agreement_signed_on=_day(agreement.get("signed_on"), None),
    )


def categories_of(line: TrainingLine | EvaluationLine) -> tuple[str, ...]:
    return tuple(sorted(line.categories))


def order(cases: Iterable[Case]) -> list[Case]:
    """The order the lines were decided in: by the day decided for, then by line."""
    return sorted(cases, key=lambda case: (case.decided_on, case.line_id))
