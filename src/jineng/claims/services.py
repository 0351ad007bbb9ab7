"""Subsidy claims (补贴申领): made, decided line by line by the policy pack, submitted under a
lock on the persons, withdrawn, and topped up (补差) when employment is found later.

职业培训补贴 (004 §四(五)): the institution claims for a completed class, one line per trainee:
the subsidy standard of the occupation, level, region and year times the rate the trainee's
outcome earns (employed within the window 100%, a certificate 80%, a completion certificate only
50% in Hebei). 职业技能评价补贴 (004 §四(五); 002 §四(二)1): the evaluation organisation claims for
an evaluation under its free-evaluation agreement, one line per evaluated person, the amount per
level from the pack. A line that fails a rule is kept with 0 and the reasons.

The limits across all claims of a person (the cap, the uniqueness rule) are checked when a claim
is made and again when it is submitted: inside the transaction, after locking the persons' rows
in primary-key order, every line is decided afresh against the history of the other claims, so
two claims submitted at the same moment cannot both pass (on SQLite the write transaction
serialises them).

Every line keeps its DecisionRecord (pack version, every rule checked with its evidence). The
claim adds its own checks to the engine's decision: the trainee completed the class, a subsidy
standard is set, the person passed the evaluation, the top-up's difference.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import DecisionRecord, Region, SubsidyStandard
from jineng.catalog.packs import decision_of, pack_for, record_decision, record_decisions
from jineng.certificates.models import Certificate, CertificateStatus
from jineng.claims.history import NOT_COUNTING_CLAIM_STATES, history_of
from jineng.claims.locks import locked
from jineng.claims.models import (
    COUNTING_LINE_STATES,
    EMPLOYMENT_KINDS,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    EvaluationAgreement,
)
from jineng.claims.numbers import claim_number
from jineng.core import states, writes
from jineng.core.i18n import language
from jineng.core.models import Organisation
from jineng.core.roles import Capability, acting_user, has_capability
from jineng.core.scope import scoped
from jineng.evaluation.agreements import signed_on_by_enrollment
from jineng.evaluation.models import BookingState, EvaluationBooking, EvaluationResult
from jineng.people import ledger
from jineng.people.models import EmploymentRecord, Person
from jineng.people.selectors import categories_by_person
from jineng.policy import (
    GRANTED,
    REFUSED,
    Decision,
    EvaluationLine,
    PolicyPack,
    PriorSubsidy,
    RuleCheck,
    TrainingBatch,
    TrainingLine,
    decide_evaluation_subsidy,
    decide_training_batch,
)
from jineng.policy.decision import ZERO, yuan
from jineng.policy.records import CERTIFICATE_CODES
from jineng.training import eligibility
from jineng.training.models import (
    ClassSource,
    ClassState,
    Enrollment,
    EnrollmentState,
    TrainingClass,
)

# Claims a class or a booking may have only one of at a time (a top-up is not one of them).
CLOSED_CLAIM_STATES = (ClaimState.WITHDRAWN, ClaimState.REJECTED)
# A trainee's line: completed or not completed (a withdrawn trainee gets none).
CLAIMED_ENROLLMENTS = (EnrollmentState.COMPLETED, EnrollmentState.NOT_COMPLETED)
# Certificates earn the training rate best first (004 §四(五)): a completion certificate last.
COMPLETION = "training_completion"

# The claim's own checks, added to the engine's: English msgids, translated at decision time into
# both languages the decision keeps (message_zh, message_en).
MESSAGES = {
    "claim.completed:pass": gettext_lazy("Completed the class that ended on %(end)s."),
    "claim.completed:fail": gettext_lazy(
        "Did not complete the class (%(reason)s): no training subsidy."
    ),
    "claim.standard:pass": gettext_lazy(
        "Subsidy standard for %(occupation)s at %(level)s in %(region)s (%(year)s): "
        "%(amount)s yuan."
    ),
    "claim.standard:fail": gettext_lazy(
        "No subsidy standard is set for %(occupation)s at %(level)s in %(region)s for "
        "%(year)s: the line cannot be priced."
    ),
    "claim.standard:zero": gettext_lazy(
        "The subsidy standard for %(occupation)s at %(level)s in %(region)s (%(year)s) is "
        "0 yuan: nothing can be granted."
    ),
    "claim.evaluation:pass": gettext_lazy("Passed the evaluation on %(date)s."),
    "claim.evaluation:fail": gettext_lazy(
        "Did not pass the evaluation on %(date)s (theory %(theory)s, practical %(practical)s): "
        "no certificate, no evaluation subsidy."
    ),
    "claim.certificate:revoked": gettext_lazy(
        "Certificate %(number)s was revoked on %(date)s: it earns no subsidy."
    ),
    "claim.top_up:pass": gettext_lazy(
        "Top-up of claim %(claim)s: this decision grants %(new)s yuan, %(before)s yuan were "
        "granted before; the difference, %(amount)s yuan, is claimed."
    ),
    "claim.top_up:fail": gettext_lazy(
        "Top-up of claim %(claim)s: this decision grants %(new)s yuan, no more than the "
        "%(before)s yuan granted before: nothing to top up."
    ),
}


# --- the claim's own checks --------------------------------------------------------------------


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def rule_check(
    code: str, passed: bool, evidence: dict, variant: str = "", *, localized=None, **values
) -> RuleCheck:
    """A check in the engine's form, its message in Chinese and in English. `localized` gives
    values that differ by language: {"reason": (zh, en)}."""
    key = f"{code}:{variant or ('pass' if passed else 'fail')}"
    shown = tuple(sorted(values.items())) + tuple(sorted((localized or {}).items()))
    zh, en = _texts(key, shown)
    return RuleCheck(code, passed, zh, en, evidence)


@lru_cache(maxsize=4096)
def _texts(key: str, shown: tuple) -> tuple[str, str]:
    # Cached: a class's lines share most messages, and activating a language is not free.
    texts = []
    for index, lang in enumerate(("zh-hans", "en")):
        values = {name: value[index] if isinstance(value, tuple) else value
                  for name, value in shown}  # fmt: skip
        with translation.override(lang):
            texts.append(str(MESSAGES[key]) % values)
    return texts[0], texts[1]


def amended(decision: Decision, checks: Sequence[RuleCheck], *, amount=None) -> Decision:
    """The engine's decision with the claim's checks before its own: refused (0) if any fails."""
    every = tuple(checks) + decision.checks
    granted = all(item.passed for item in every)
    value = decision.amount if amount is None else amount
    return replace(
        decision,
        checks=every,
        outcome=GRANTED if granted else REFUSED,
        amount=yuan(value) if granted else ZERO,
    )


def line_reasons(line: ClaimLine) -> list[str]:
    """Why a line was refused, in the user's language (empty when granted)."""
    return decision_of(line.decision).reasons(language())


# --- who may act --------------------------------------------------------------------------------


def _covers(user, organisation: Organisation) -> bool:
    return scoped(user, Organisation.objects.filter(pk=organisation.pk)).exists()


def check_claimant(organisation: Organisation, kind: str = ClaimKind.TRAINING) -> None:
    """Institutions and evaluation organisations claim for their own work; the bureau takes in
    the employment claims of enterprises and agencies."""
    user = acting_user()
    if user is None:
        return
    capability = Capability.TAKE_CLAIMS if kind in EMPLOYMENT_KINDS else Capability.MAKE_CLAIMS
    if not has_capability(user, capability):
        raise PermissionDenied(_("Your role does not make subsidy claims."))
    if not _covers(user, organisation):
        raise PermissionDenied(
            _("Only %(org)s makes claims for its own work.") % {"org": organisation.name}
        )


# --- packs, regions, the claim itself ----------------------------------------------------------


def _region(code: str) -> Region:
    region = Region.objects.select_related("parent__parent").filter(code=code).first()
    if region is None:
        raise ValidationError(
            _("Region %(region)s is not in the catalog: no claim can be made there.")
            % {"region": code or "—"}
        )
    return region


def _pack(region: Region, on: date):
    found = pack_for(region.code, on)
    if found is None:
        raise ValidationError(
            _("No policy pack covers region %(region)s on %(date)s.")
            % {"region": region.code, "date": on}
        )
    return found


def _bureau(organisation: Organisation) -> Organisation:
    bureau = organisation.nearest_bureau()
    if bureau is None:
        raise ValidationError(_("%(org)s has no bureau above it.") % {"org": organisation.name})
    return bureau


def _refuse_second(claims, what: str) -> None:
    """One claim at a time for a class or a booking; again after a withdrawal or a rejection."""
    other = claims.filter(top_up_of__isnull=True).exclude(state__in=CLOSED_CLAIM_STATES).first()
    if other is not None:
        raise ValidationError(
            _("%(what)s is already claimed in %(number)s (“%(state)s”).")
            % {"what": what, "number": other.number, "state": other.get_state_display()}
        )


def _new_claim(kind: str, *, organisation, bureau, region, **values) -> Claim:
    return writes.create(
        Claim(
            number=claim_number(),
            kind=kind,
            organisation=organisation,
            bureau=bureau,
            region=region,
            created_by=acting_user(),
            **values,
        )
    )


# --- training lines: the facts --------------------------------------------------------------


@dataclass(frozen=True)
class LineFacts:
    """What one line is decided from: the engine's record and the claim's own checks."""

    person_id: int
    line: TrainingLine | EvaluationLine
    checks: tuple[RuleCheck, ...]
    certificate_id: int | None = None
    enrollment_id: int | None = None
    result_id: int | None = None


def person_key(person_id: int) -> str:
    return f"P{person_id}"


def _certificate_rank(row: dict, level_id: int) -> tuple:
    return (row["kind"] != COMPLETION, row["level_id"] == level_id, row["issued_on"], row["id"])


def best_certificates_many(classes: Sequence[tuple[TrainingClass, list[int]]]) -> list[dict]:
    """For each (class, trainees): each trainee's best valid certificate of the class's
    occupation obtained since the class began (an older one was not earned by this training): a
    certificate kind that earns the certificate rate before a completion certificate, the
    class's level first, the newest. One query for all the classes."""
    if not classes:
        return []
    rows = Certificate.objects.filter(
        person_id__in={person_id for _c, ids in classes for person_id in ids},
        occupation_id__in={training_class.occupation_id for training_class, _ids in classes},
        status=CertificateStatus.VALID,
        issued_on__gte=min(training_class.start_date for training_class, _ids in classes),
        kind__in=CERTIFICATE_CODES,  # the platform's kinds are the engine's codes
    ).values("id", "person_id", "kind", "level_id", "issued_on", "occupation_id")
    of_person: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        of_person[row["person_id"]].append(row)
    found = []
    for training_class, person_ids in classes:
        best: dict[int, dict] = {}
        for person_id in person_ids:
            for row in of_person.get(person_id, ()):
                if (
                    row["occupation_id"] != training_class.occupation_id
                    or row["issued_on"] < training_class.start_date
                ):
                    continue
                held = best.get(person_id)
                rank = _certificate_rank(row, training_class.level_id)
                if held is None or rank > _certificate_rank(held, training_class.level_id):
                    best[person_id] = row
        found.append(best)
    return found


def employment_starts_many(wanted: Sequence[tuple[list[int], date]]) -> list[dict[int, date]]:
    """For each (persons, day): the first insured employment of each person starting on or
    after the day (the engine decides whether it is within the window, and says so when it is
    not). One query for all."""
    if not wanted:
        return []
    rows = EmploymentRecord.objects.filter(
        person_id__in={person_id for ids, _day in wanted for person_id in ids},
        start__gte=min(day for _ids, day in wanted),
    ).values_list("person_id", "start")
    starts: dict[int, list[date]] = defaultdict(list)
    for person_id, start in rows:
        starts[person_id].append(start)
    found = []
    for person_ids, after in wanted:
        first = {}
        for person_id in person_ids:
            later = [start for start in starts.get(person_id, ()) if start >= after]
            if later:
                first[person_id] = min(later)
        found.append(first)
    return found


@dataclass(frozen=True)
class Standard:
    amount: Decimal | None
    region_code: str
    year: int | None


def subsidy_standards(classes: Sequence[tuple[TrainingClass, Region]]) -> list[Standard]:
    """For each (class, region): the subsidy standard of the class's occupation and level, the
    nearest region that states one (the claim's region, then those above it), the latest year
    not after the end of training. One query for all the classes."""
    if not classes:
        return []
    ancestors = [region.ancestor_codes() for _class, region in classes]
    rows = SubsidyStandard.objects.filter(
        occupation_id__in={training_class.occupation_id for training_class, _r in classes},
        level_id__in={training_class.level_id for training_class, _r in classes},
        region__code__in={code for codes in ancestors for code in codes},
        year__lte=max(training_class.end_date.year for training_class, _r in classes),
    ).values_list("occupation_id", "level_id", "region__code", "year", "amount")
    by_key: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for occupation_id, level_id, code, year, amount in rows:
        by_key[occupation_id, level_id].append((code, year, amount))
    found = []
    for (training_class, region), codes in zip(classes, ancestors, strict=True):
        end_year = training_class.end_date.year
        stated = [
            row
            for row in by_key.get((training_class.occupation_id, training_class.level_id), ())
            if row[0] in codes and row[1] <= end_year
        ]
        best = max(stated, key=lambda row: (-codes.index(row[0]), row[1]), default=None)
        if best is None:
            found.append(Standard(None, region.code, end_year))
        else:
            found.append(Standard(best[2], best[0], best[1]))
    return found


def subsidy_standard(training_class: TrainingClass, region: Region) -> Standard:
    return subsidy_standards([(training_class, region)])[0]


def _region_names(codes) -> dict[str, str]:
    """The regions by their names (商丘市), as readers know them; a code not found as itself."""
    names = dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))
    return {code: names.get(code) or code for code in codes}


def _standard_check(training_class: TrainingClass, standard: Standard, names) -> RuleCheck:
    values = {
        "occupation": training_class.occupation.name,
        "level": training_class.level.name,
        # The region by its name (商丘市), as readers know it; its code stays in the evidence.
        "region": names[standard.region_code],
        "year": standard.year,
        "amount": money(standard.amount or ZERO),
    }
    evidence = {
        "region": standard.region_code,
        "year": standard.year,
        "amount": None if standard.amount is None else str(standard.amount),
        "cite": "SubsidyStandard",
    }
    if standard.amount is None:
        return rule_check("claim.standard", False, evidence, **values)
    if standard.amount <= 0:
        return rule_check("claim.standard", False, evidence, "zero", **values)
    return rule_check("claim.standard", True, evidence, **values)


def _completion_check(enrollment: Enrollment, end: date) -> RuleCheck:
    evidence = {"enrollment": enrollment.pk, "state": enrollment.state}
    if enrollment.state == EnrollmentState.COMPLETED:
        return rule_check("claim.completed", True, evidence, end=end.isoformat())
    reasons = _completion_reasons(enrollment)
    return rule_check("claim.completed", False, evidence, localized={"reason": reasons})


def _completion_reasons(enrollment: Enrollment) -> tuple[str, str]:
    """The completion decision's reasons in both languages (the recorded reason when older)."""
    if enrollment.completion_id is None:
        reason = enrollment.reason or "—"
        return reason, reason
    decision = decision_of(enrollment.completion)
    return "；".join(decision.reasons("zh")) or "—", "; ".join(decision.reasons("en")) or "—"


def claimable_enrollments(training_class: TrainingClass) -> list[Enrollment]:
    return claimable_enrollments_many([training_class])[training_class.pk]


def claimable_enrollments_many(classes) -> dict[int, list[Enrollment]]:
    """The claimable enrolments of each class (by class id), in person order: one query."""
    found: dict[int, list[Enrollment]] = {training_class.pk: [] for training_class in classes}
    rows = Enrollment.objects.filter(training_class__in=list(found), state__in=CLAIMED_ENROLLMENTS)
    rows = rows.select_related("completion")  # the reasons of a trainee who did not complete
    for enrollment in rows.order_by("training_class_id", "person_id"):
        found[enrollment.training_class_id].append(enrollment)
    return found


@dataclass(frozen=True)
class ClassFacts:
    """What training_facts_many reads the lines of one class from."""

    training_class: TrainingClass
    subject: str  # the claim's number, the engine's claim id
    region: Region
    enrollments: list[Enrollment]
    pack: PolicyPack


def training_facts(
    training_class: TrainingClass,
    subject: str,
    region: Region,
    enrollments: list[Enrollment],
    pack: PolicyPack,
) -> list[LineFacts]:
    """The facts of each trainee's line of one class (training_facts_many)."""
    return training_facts_many([ClassFacts(training_class, subject, region, enrollments, pack)])[0]


def training_facts_many(classes: Sequence[ClassFacts]) -> list[list[LineFacts]]:
    """The facts of each trainee's line, class by class: categories and practising licences on
    the day the pack names, read as the roster reads them (training.eligibility), the class's
    occupation, level and training type, the best certificate, the first employment after the
    training, the subsidy standard; and whether the trainee completed. Set-wise: one query per
    kind of fact for all the classes together (issue 21), however many there are."""
    ids = [[enrollment.person_id for enrollment in item.enrollments] for item in classes]
    trainee_facts = eligibility.trainee_facts_many(
        (item.pack, item.training_class,
         [(e.person_id, eligibility.enrolled_on(e)) for e in item.enrollments])
        for item in classes
    )  # fmt: skip
    certificates = best_certificates_many(
        [(item.training_class, person_ids) for item, person_ids in zip(classes, ids, strict=True)]
    )
    employment = employment_starts_many(
        [(person_ids, item.training_class.end_date)
         for item, person_ids in zip(classes, ids, strict=True)]
    )  # fmt: skip
    standards = subsidy_standards([(item.training_class, item.region) for item in classes])
    names = _region_names({standard.region_code for standard in standards})
    together = zip(classes, trainee_facts, certificates, employment, standards, strict=True)
    return [
        _class_lines(item, trainee, certificate_of, employment_of, standard, names)
        for item, trainee, certificate_of, employment_of, standard in together
    ]


def _class_lines(item: ClassFacts, trainee, certificates, employment, standard, names):
    training_class, end = item.training_class, item.training_class.end_date
    standard_check = _standard_check(training_class, standard, names)
    priced = standard.amount if standard.amount and standard.amount > 0 else ZERO
    facts = []
    for enrollment in item.enrollments:
        person_id = enrollment.person_id
        certificate = certificates.get(person_id)
        line = TrainingLine(
            claim_id=item.subject,
            person_key=person_key(person_id),
            categories=trainee[person_id].categories,
            occupation=training_class.occupation.code,
            level=training_class.level.code,
            is_new_occupation=training_class.occupation.is_new,
            training_type=training_class.training_type.code,
            training_end=end,
            certificate=certificate["kind"] if certificate else None,
            employment_start=employment.get(person_id),
            standard=priced,
            # 004 §五(一): the licences held on the same day, read as the roster reads them
            licences=trainee[person_id].licences,
            licence_day=trainee[person_id].day,
        )
        checks = (_completion_check(enrollment, end), standard_check)
        facts.append(
            LineFacts(
                person_id,
                line,
                checks,
                certificate_id=certificate["id"] if certificate else None,
                enrollment_id=enrollment.pk,
            )
        )
    return facts


# --- training lines: the decisions ------------------------------------------------------------


def by_person_key(histories: dict) -> dict:
    return {person_key(person_id): history for person_id, history in histories.items()}


def training_batch(pack: PolicyPack, facts: Sequence[LineFacts], histories: dict) -> TrainingBatch:
    """The engine's fast pass over the lines (the limits carried from line to line)."""
    return decide_training_batch(pack, [fact.line for fact in facts], by_person_key(histories))


def explain_training(batch: TrainingBatch, facts: Sequence[LineFacts]) -> list[Decision]:
    """Every line's full decision with its rule trace, the claim's checks added."""
    return [amended(batch.decision(index), fact.checks) for index, fact in enumerate(facts)]


def decide_training_lines(pack: PolicyPack, facts, histories: dict) -> list[Decision]:
    """Decide many training lines against the loaded histories (by person id)."""
    return explain_training(training_batch(pack, facts, histories), facts)


# --- evaluation lines ---------------------------------------------------------------------------


def _first_evaluations(booking: EvaluationBooking, person_ids) -> set[int]:
    """Persons evaluated for the first time in this occupation (004 §四(五): 初次职业技能评价,
    read as no earlier evaluation of the same occupation on this platform)."""
    earlier = (
        EvaluationResult.objects.filter(
            enrollment__person_id__in=list(person_ids),
            booking__training_class__occupation_id=booking.training_class.occupation_id,
        )
        .exclude(booking=booking)
        .filter(
            Q(booking__planned_date__lt=booking.planned_date)
            | Q(booking__planned_date=booking.planned_date, booking_id__lt=booking.pk)
        )
        .values_list("enrollment__person_id", flat=True)
    )
    return set(person_ids) - set(earlier)


def _evaluation_checks(result: EvaluationResult, on: date) -> tuple[RuleCheck, ...]:
    evidence = {"result": result.pk, "passed": result.passed}
    if result.passed:
        checks = [rule_check("claim.evaluation", True, evidence, date=on.isoformat())]
    else:
        shown = {"theory": result.theory_shown, "practical": result.practical_shown}
        checks = [rule_check("claim.evaluation", False, evidence, date=on.isoformat(), **shown)]
    certificate = result.certificate
    if certificate is not None and certificate.status != CertificateStatus.VALID:
        evidence = {"certificate": certificate.number, "status": certificate.status}
        revoked = {"number": certificate.number, "date": str(certificate.revoked_on or "—")}
        checks.append(rule_check("claim.certificate", False, evidence, "revoked", **revoked))
    return tuple(checks)


def evaluation_facts(booking: EvaluationBooking, subject: str, results) -> list[LineFacts]:
    """One line per evaluated person: categories on the evaluation date, the class's occupation
    and level, the certificate the pass issued (none after a fail or a revocation), and the day
    the person signed the free-evaluation agreement with the organisation (004 §四(五))."""
    results = list(results)
    ids = [result.enrollment.person_id for result in results]
    on = booking.planned_date
    categories = categories_by_person(ids, on)  # the evaluation subsidy's day: the evaluation
    first = _first_evaluations(booking, ids)
    signed = signed_on_by_enrollment(
        booking.evaluation_org_id, [result.enrollment_id for result in results]
    )
    training_class = booking.training_class
    facts = []
    for result in results:
        person_id = result.enrollment.person_id
        certificate = result.certificate
        valid = certificate is not None and certificate.status == CertificateStatus.VALID
        line = EvaluationLine(
            claim_id=subject,
            person_key=person_key(person_id),
            categories=categories.get(person_id, frozenset()),
            occupation=training_class.occupation.code,
            level=training_class.level.code,
            certificate=certificate.kind if valid else None,
            first_evaluation=person_id in first,
            evaluated_on=on,
            agreement_signed_on=signed.get(result.enrollment_id),
            applicant=result.enrollment.person.name,
        )
        checks = _evaluation_checks(result, on)
        facts.append(
            LineFacts(
                person_id,
                line,
                checks,
                certificate_id=certificate.pk if certificate else None,
                result_id=result.pk,
            )
        )
    return facts


def decide_evaluation_lines(pack: PolicyPack, facts, histories: dict) -> list[Decision]:
    """Each evaluation line against the person's history; a grant counts for the next line of
    the same person."""
    running = {person_id: list(history) for person_id, history in histories.items()}
    decisions = []
    for fact in facts:
        history = running.setdefault(fact.person_id, [])
        decision = amended(decide_evaluation_subsidy(pack, fact.line, history), fact.checks)
        if decision.granted:
            history.append(_as_prior(fact.line, decision))
        decisions.append(decision)
    return decisions


def _as_prior(line: EvaluationLine, decision: Decision) -> PriorSubsidy:
    return PriorSubsidy(
        claim_id=line.claim_id,
        subsidy_type=ClaimKind.EVALUATION.value,
        occupation=line.occupation,
        level=line.level,
        decided_on=line.evaluated_on,
        amount=decision.amount,
    )


# --- deciding a claim's lines ---------------------------------------------------------------


def _class_of(claim: Claim) -> TrainingClass:
    return claim.training_class if claim.booking_id is None else claim.booking.training_class


def _decided_on(claim: Claim) -> date:
    if claim.kind == ClaimKind.EVALUATION:
        return claim.booking.planned_date
    return claim.training_class.end_date


def _facts_of(
    claim: Claim, pack: PolicyPack, lines: Sequence[ClaimLine] | None = None
) -> list[LineFacts]:
    """The facts of the claim's lines (of the booking's results, or the class's trainees, when
    the claim has no lines yet), in person order."""
    if claim.kind == ClaimKind.EVALUATION:
        results = EvaluationResult.objects.filter(booking=claim.booking)
        if lines is not None:
            results = results.filter(pk__in=[line.result_id for line in lines])
        results = results.select_related("enrollment__person", "certificate")
        results = sorted(results, key=lambda result: result.enrollment.person_id)
        return evaluation_facts(claim.booking, claim.number, results)
    if lines is None:
        enrollments = claimable_enrollments(claim.training_class)
    else:  # the lines' own trainees, whatever became of them since (decided again, explained)
        wanted = [line.enrollment_id for line in lines]
        enrollments = list(Enrollment.objects.filter(pk__in=wanted).order_by("person_id"))
    return training_facts(claim.training_class, claim.number, claim.region, enrollments, pack)


def _decide(
    claim: Claim, pack: PolicyPack, facts, *, excluding_claim: Claim, excluding_lines=()
) -> list[Decision]:
    histories = history_of(
        [fact.person_id for fact in facts],
        excluding_claim=excluding_claim,
        excluding_lines=excluding_lines,
    )
    if claim.kind == ClaimKind.EVALUATION:
        return decide_evaluation_lines(pack, facts, histories)
    return decide_training_lines(pack, facts, histories)


def _record(claim: Claim, decision: Decision, version) -> DecisionRecord:
    return record_decision(decision, version, subject=claim, org_path=claim.organisation.path)


def _decided_values(claim: Claim, fact: LineFacts, decision: Decision, version) -> dict:
    return {
        "certificate_id": fact.certificate_id,
        "decision": _record(claim, decision, version),
        "granted": decision.granted,
        "amount": decision.amount,
    }


def _add_lines(claim: Claim, version, facts, decisions, tops_up=None) -> None:
    """The claim's lines with their decision records: one bulk insert each, their audit
    entries in bulk (a claim of a class of 100 writes 4 statements, not 800)."""
    training_class = _class_of(claim)
    records = record_decisions(decisions, version, subject=claim, org_path=claim.organisation.path)
    decided_on = _decided_on(claim)
    writes.create_many(
        [
            ClaimLine(
                claim=claim,
                person_id=fact.person_id,
                enrollment_id=fact.enrollment_id,
                result_id=fact.result_id,
                subsidy_type=claim.kind,
                occupation_id=training_class.occupation_id,
                level_id=training_class.level_id,
                decided_on=decided_on,
                tops_up=tops_up[index] if tops_up else None,
                certificate_id=fact.certificate_id,
                decision=record,
                granted=decision.granted,
                amount=decision.amount,
            )
            for index, (fact, decision, record) in enumerate(
                zip(facts, decisions, records, strict=True)
            )
        ],
        validate=False,  # every value comes from the rows read above
    )


def _total(claim: Claim) -> Decimal:
    return yuan(claim.lines.aggregate(total=Sum("amount"))["total"] or ZERO)


def _with_total(claim: Claim) -> Claim:
    return writes.update(claim, validate=False, requested_total=_total(claim))


def _redecide(claim: Claim) -> None:
    """Decide every line of the claim again, on today's facts and the others' history; store
    the new decisions (the earlier ones stay on record)."""
    lines = list(claim.lines.select_related("tops_up__claim").order_by("person_id", "id"))
    if claim.top_up_of_id is not None:
        return _redecide_top_ups(claim, lines)
    version, pack = _pack(claim.region, _decided_on(claim))
    facts = _facts_of(claim, pack, lines)
    decisions = _decide(claim, pack, facts, excluding_claim=claim)
    pairs = zip(facts, decisions, strict=True)
    decided = {(fact.enrollment_id, fact.result_id): (fact, d) for fact, d in pairs}
    for line in lines:
        fact, decision = decided[(line.enrollment_id, line.result_id)]
        writes.update(line, validate=False, **_decided_values(claim, fact, decision, version))


# --- creating claims ----------------------------------------------------------------------------


def _check_completed(training_class: TrainingClass) -> None:
    if training_class.source == ClassSource.HISTORY:  # 004 §四(三): it was never approved here
        raise ValidationError(
            _("Class %(code)s is past training recorded as history (历史导入): it ran under "
              "another system without this platform's approval and is never claimed for.")
            % {"code": training_class.code}
        )  # fmt: skip
    if training_class.state != ClassState.COMPLETED:
        raise ValidationError(
            _("Only a completed class is claimed for: class %(code)s is “%(state)s”.")
            % {"code": training_class.code, "state": training_class.get_state_display()}
        )


@transaction.atomic
def create_training_claim(training_class: TrainingClass, *, fund_channel=None) -> Claim:
    """A draft training subsidy claim for a completed class: one line per trainee, each decided
    by the pack that covers the institution's region on the last day of training."""
    training_class = (
        TrainingClass.objects.select_for_update()  # one claim of a class at a time
        .select_related("institution__organisation", "occupation", "level", "training_type")
        .get(pk=training_class.pk)
    )
    organisation = training_class.institution.organisation
    check_claimant(organisation)
    _check_completed(training_class)
    _refuse_second(
        Claim.objects.filter(training_class=training_class, kind=ClaimKind.TRAINING),
        _("Class %(code)s") % {"code": training_class.code},
    )
    enrollments = claimable_enrollments(training_class)
    if not enrollments:
        raise ValidationError(_("The class has no trainee to claim for."))
    region = _region(organisation.region_code)
    version, pack = _pack(region, training_class.end_date)
    claim = _new_claim(
        ClaimKind.TRAINING,
        organisation=organisation,
        bureau=_bureau(organisation),
        region=region,
        fund_channel=fund_channel or training_class.fund_channel,
        training_class=training_class,
    )
    facts = training_facts(training_class, claim.number, region, enrollments, pack)
    _add_lines(claim, version, facts, _decide(claim, pack, facts, excluding_claim=claim))
    return _with_total(claim)


def _check_booking(booking: EvaluationBooking) -> None:
    if booking.state != BookingState.DONE:
        raise ValidationError(
            _("Only an evaluation whose results are all recorded is claimed for: the booking "
              "is “%(state)s”.") % {"state": booking.get_state_display()}
        )  # fmt: skip


def _check_agreement(booking: EvaluationBooking, agreement: EvaluationAgreement | None) -> None:
    if agreement is None or agreement.evaluation_org_id != booking.evaluation_org_id:
        raise ValidationError(
            _("An evaluation subsidy is claimed under the organisation's own free-evaluation "
              "agreement (004 §四(五)).")
        )  # fmt: skip
    on = booking.planned_date
    if not agreement.valid_from <= on <= agreement.valid_to:
        raise ValidationError(
            _("Agreement %(number)s is in force from %(start)s to %(end)s, not on the "
              "evaluation date %(date)s.")
            % {"number": agreement.number, "start": agreement.valid_from,
               "end": agreement.valid_to, "date": on}
        )  # fmt: skip


@transaction.atomic
def create_evaluation_claim(
    booking: EvaluationBooking, agreement: EvaluationAgreement | None, *, fund_channel=None
) -> Claim:
    """A draft evaluation subsidy claim of the evaluation organisation: one line per evaluated
    person, under its free-evaluation agreement in force on the evaluation date, decided by the
    pack of the agreement's bureau (002 §四(二)1: the amount per level)."""
    booking = (
        EvaluationBooking.objects.select_for_update()  # one claim of a booking at a time
        .select_related("evaluation_org__organisation", "training_class__occupation")
        .get(pk=booking.pk)
    )
    organisation = booking.evaluation_org.organisation
    check_claimant(organisation, ClaimKind.EVALUATION)
    _check_booking(booking)
    _check_agreement(booking, agreement)
    _refuse_second(
        Claim.objects.filter(booking=booking, kind=ClaimKind.EVALUATION),
        _("The evaluation of class %(code)s") % {"code": booking.training_class.code},
    )
    region = _region(agreement.bureau.region_code)
    version, pack = _pack(region, booking.planned_date)
    claim = _new_claim(
        ClaimKind.EVALUATION,
        organisation=organisation,
        bureau=agreement.bureau,
        region=region,
        fund_channel=fund_channel or booking.training_class.fund_channel,
        booking=booking,
        agreement=agreement,
    )
    facts = _facts_of(claim, pack)
    if not facts:
        raise ValidationError(_("The evaluation has no result to claim for."))
    _add_lines(claim, version, facts, _decide(claim, pack, facts, excluding_claim=claim))
    return _with_total(claim)


# --- refresh, submit, withdraw ------------------------------------------------------------------


def _locked_claim(claim: Claim) -> Claim:
    claim = locked(claim)
    check_claimant(claim.organisation, claim.kind)
    return claim


@transaction.atomic
def refresh(claim: Claim) -> Claim:
    """Decide a draft's lines again on today's facts (a certificate or employment recorded
    since, another claim submitted, a new pack version)."""
    claim = _locked_claim(claim)
    if claim.state != ClaimState.DRAFT:
        raise ValidationError(
            _("Only a draft is decided again: claim %(number)s is “%(state)s”.")
            % {"number": claim.number, "state": claim.get_state_display()}
        )
    if claim.kind in EMPLOYMENT_KINDS:
        _redecide_employment(claim)
    else:
        _redecide(claim)
    return _with_total(claim)


def lock_persons(claim: Claim) -> list[int]:
    """Lock the claim's persons in primary-key order (no deadlock between two submits): a second
    claim of the same person waits here until the first one's transaction ends, then sees its
    lines. FOR NO KEY UPDATE leaves the inserts of lines and ledger events (which take a key
    share lock on the person) free to go on."""
    ids = list(claim.lines.values_list("person_id", flat=True).distinct())
    rows = Person.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    return list(rows.values_list("pk", flat=True))


def _redecide_employment(claim: Claim) -> None:
    from jineng.claims import employment  # here, not at the top: employment imports this module

    employment.redecide(claim)


def all_zero(claim: Claim) -> bool:
    """No line of the claim is granted an amount: there is nothing to ask the bureau for."""
    return not claim.lines.filter(amount__gt=0).exists()


def all_zero_refusal() -> str:
    return _("Every person's subsidy on this claim is 0, so it cannot be submitted: see each "
             "person's reasons for not granting it.")  # fmt: skip


def submit(claim: Claim) -> Claim:
    """Submit a draft: lock, decide every line again against the history of the other claims
    (the caps and the uniqueness rule hold across claims submitted at the same moment), store the
    decisions, total the amounts, and write the claim on each person's ledger.

    A claim whose every line comes out 0.00 is not submitted: it stays a draft, and its lines
    keep the decisions just made (their own transaction), so the claimant reads each reason."""
    with transaction.atomic():
        claim = _locked_claim(claim)
        states.check(claim, ClaimState.SUBMITTED)
        if not claim.lines.exists():
            raise ValidationError(_("A claim without lines cannot be submitted."))
        lock_persons(claim)
        if claim.kind in EMPLOYMENT_KINDS:
            _redecide_employment(claim)
        else:
            _redecide(claim)
        if not all_zero(claim):
            submitted = {"requested_total": _total(claim), "submitted_at": timezone.now()}
            states.move(claim, ClaimState.SUBMITTED, values=submitted)
            _write_ledgers(claim, _("Subsidy claim %(number)s submitted: %(amount)s yuan"))
            return claim
    raise ValidationError(all_zero_refusal(), code="all_zero")


@transaction.atomic
def withdraw(claim: Claim, reason: str) -> Claim:
    """Take back a draft or a submitted claim (before review), with the reason."""
    claim = _locked_claim(claim)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    was_submitted = claim.state == ClaimState.SUBMITTED
    states.move(claim, ClaimState.WITHDRAWN, reason=reason, values={"reason": reason[:300]})
    if was_submitted:
        _write_ledgers(claim, _("Subsidy claim %(number)s withdrawn"))
    return claim


def _write_ledgers(claim: Claim, title: str) -> None:
    lines = claim.lines.select_related("person", "decision").order_by("person_id", "id")
    for line in lines:
        ledger.add(
            line.person,
            ledger.Kind.SUBSIDY,
            title % {"number": claim.number, "amount": money(line.amount)},
            obj=line,
            decision=line.decision,
            detail={"claim": claim.number, "kind": claim.kind, "amount": str(line.amount),
                    "granted": line.granted},
        )  # fmt: skip


# --- top-ups (补差) -----------------------------------------------------------------------------


def _granted_before(original: ClaimLine, excluding_claim: Claim | None) -> Decimal:
    """What the subsidy of `original` was granted so far: the line and its other top-ups."""
    total = original.amount if original.granted else ZERO
    top_ups = ClaimLine.objects.filter(
        tops_up=original, granted=True, state__in=COUNTING_LINE_STATES
    ).exclude(claim__state__in=NOT_COUNTING_CLAIM_STATES)
    if excluding_claim is not None:
        top_ups = top_ups.exclude(claim=excluding_claim)
    return total + (top_ups.aggregate(total=Sum("amount"))["total"] or ZERO)


def _top_up_decision(decision: Decision, original: ClaimLine, before: Decimal) -> Decision:
    """The new decision, its amount the difference to what was granted before."""
    difference = max(decision.amount - before, ZERO) if decision.granted else ZERO
    evidence = {
        "tops_up_line": original.pk,
        "claim": original.claim.number,
        "decided": str(decision.amount),
        "granted_before": str(before),
    }
    values = {
        "claim": original.claim.number,
        "new": money(decision.amount),
        "before": money(before),
        "amount": money(difference),
    }
    check = rule_check("claim.top_up", difference > 0, evidence, **values)
    return amended(decision, [check], amount=difference)


def _top_up_candidates(claim: Claim) -> list[ClaimLine]:
    """Training lines decided without employment within the window, not refused by the review
    for another reason, and not topped up yet."""
    lines = claim.lines.filter(enrollment__isnull=False).select_related("decision", "claim")
    topped = set(
        ClaimLine.objects.filter(tops_up__claim=claim)
        .exclude(claim__state__in=CLOSED_CLAIM_STATES)
        .values_list("tops_up_id", flat=True)
    )
    return [
        line
        for line in lines.order_by("person_id", "id")
        if line.pk not in topped
        and line.decision.detail.get("tier") != "employed"
        and (line.state in COUNTING_LINE_STATES or not line.granted)
    ]


def _check_top_up_of(claim: Claim) -> None:
    if claim.kind != ClaimKind.TRAINING:
        raise ValidationError(_("Only a training subsidy is topped up for later employment."))
    if claim.top_up_of_id is not None:
        raise ValidationError(
            _("Claim %(number)s is itself a top-up: top up claim %(original)s instead.")
            % {"number": claim.number, "original": claim.top_up_of.number}
        )
    if claim.state in NOT_COUNTING_CLAIM_STATES:
        raise ValidationError(
            _("Claim %(number)s is “%(state)s”: only a submitted claim is topped up (a draft is "
              "decided again instead).")
            % {"number": claim.number, "state": claim.get_state_display()}
        )  # fmt: skip


def _decide_top_ups(claim: Claim, subject: str, originals: list[ClaimLine], *, excluding_claim):
    """(pack version, facts, decisions) of each original line's subsidy decided again on today's
    facts, each decision's amount the difference to what was granted before. The original lines
    are left out of the history: this is the same subsidy, not a second one."""
    training_class = claim.training_class
    version, pack = _pack(claim.region, training_class.end_date)
    enrollments = [original.enrollment for original in originals]
    facts = training_facts(training_class, subject, claim.region, enrollments, pack)
    decisions = _decide(
        claim,
        pack,
        facts,
        excluding_claim=excluding_claim,
        excluding_lines=[original.pk for original in originals],
    )
    top_up = excluding_claim if excluding_claim.top_up_of_id else None
    topped = [
        _top_up_decision(decision, original, _granted_before(original, top_up))
        for decision, original in zip(decisions, originals, strict=True)
    ]
    return version, facts, topped


def _raised(decision: Decision) -> bool:
    return decision.granted and decision.tier == "employed"


def _new_top_up(claim: Claim) -> Claim:
    return _new_claim(
        ClaimKind.TRAINING,
        organisation=claim.organisation,
        bureau=claim.bureau,
        region=claim.region,
        fund_channel=claim.fund_channel,
        training_class=claim.training_class,
        top_up_of=claim,
    )


@transaction.atomic
def create_top_up(claim: Claim) -> Claim | None:
    """A top-up claim (补差) for a submitted training claim whose lines were decided without
    employment, now that insured employment within the window is on record (004 §四(五): 100%
    for the employed): new lines that point at the old ones, each for the difference, decided
    anew; the old lines are never edited. None when no line would be raised."""
    claim = _locked_claim(claim)
    _check_top_up_of(claim)
    candidates = _top_up_candidates(claim)
    if not candidates:
        return None
    # Decided first under the claim's number (the top-up has none yet): only a raise makes one.
    version, facts, decisions = _decide_top_ups(
        claim, claim.number, candidates, excluding_claim=claim
    )
    chosen = [index for index, decision in enumerate(decisions) if _raised(decision)]
    if not chosen:
        return None
    top_up = _new_top_up(claim)
    decided = [replace(decisions[index], subject=top_up.number) for index in chosen]
    picked = [facts[index] for index in chosen]
    _add_lines(top_up, version, picked, decided, tops_up=[candidates[i] for i in chosen])
    return _with_total(top_up)


def _redecide_top_ups(claim: Claim, lines: list[ClaimLine]) -> None:
    originals = [line.tops_up for line in lines]
    version, facts, decisions = _decide_top_ups(
        claim.top_up_of, claim.number, originals, excluding_claim=claim
    )
    for line, fact, decision in zip(lines, facts, decisions, strict=True):
        writes.update(line, validate=False, **_decided_values(claim, fact, decision, version))
