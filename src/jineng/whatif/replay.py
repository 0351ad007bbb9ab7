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

from jineng.policy import PriorSubsidy
from jineng.policy.batch import decide_training_batch
from jineng.policy.decision import GRANTED, REFUSED, ZERO, Decision, RuleCheck, yuan
from jineng.policy.engine import decide_evaluation_subsidy
from jineng.policy.pack import PolicyPack
from jineng.policy.records import EvaluationLine, TrainingLine

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
    engine_line: TrainingLine | EvaluationLine
    claim_checks: tuple[RuleCheck, ...] = ()
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
            decision = self.training_batch.decision(case.index)
        else:
            decision = self.evaluation_decisions[case.index]
        return amended(decision, case.claim_checks)


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
            ok = granted[index] and all(check.passed for check in case.claim_checks)
            case.after_granted = bool(ok)
            case.after_amount = Decimal(cents[index]).scaleb(-2) if ok else ZERO
    decisions: dict[int, Decision] = {}
    running = {pid: list(history) for pid, history in histories.items()}
    for index, case in enumerate(evaluation):
        case.index = index
        history = running.setdefault(case.person_id, [])
        decision = decide_evaluation_subsidy(pack, case.engine_line, history)
        decisions[index] = decision
        ok = decision.granted and all(check.passed for check in case.claim_checks)
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


def _day(value, default: date | None) -> date | None:
    if value in (None, ""):
        return default
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def claim_checks(detail: dict) -> tuple[RuleCheck, ...]:
    """The claim's own checks of a stored decision (completed the class, the standard...)."""
    return tuple(
        RuleCheck.from_dict(check)
        for check in detail.get("checks", ())
        if check["code"].startswith("claim.")
    )


def training_line(detail: dict, row: dict) -> TrainingLine:
    """The TrainingLine a stored training decision was made from. `row` gives the claim line's
    own links for what the trace does not hold: claim, person, occupation, level, new_occupation,
    training_type, training_end, certificate (kind)."""
    checks = {check["code"]: check for check in detail.get("checks", ())}
    category = _evidence(checks, "training.category")
    scope = _evidence(checks, "training.rate_scope")
    outcome = _evidence(checks, "training.outcome")
    standard_cert = _evidence(checks, "training.certificate")
    licence = _evidence(checks, "training.licence")
    standard = _evidence(checks, "claim.standard").get("amount")
    end = _day(_evidence(checks, "pack.period").get("date"), row["training_end"])
    certificate = row["certificate"]
    if "certificate" in outcome:
        certificate = outcome["certificate"]
    elif "certificate" in standard_cert:
        certificate = standard_cert["certificate"]
    return TrainingLine(
        claim_id=row["claim_number"],
        person_key=person_key(row["person_id"]),
        categories=frozenset(
            category.get("person_categories") or scope.get("person_categories") or ()
        ),
        occupation=row["occupation"],
        level=row["level"],
        is_new_occupation=bool(outcome.get("is_new_occupation", row["new_occupation"])),
        training_type=scope.get("training_type") or row["training_type"],
        training_end=end,
        certificate=certificate,
        employment_start=_day(outcome.get("employment_start"), None),
        standard=Decimal(standard) if standard not in (None, "") else ZERO,
        licences=frozenset(licence.get("licences_held", ())),
        licence_day=_day(licence.get("day"), None),
    )


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
