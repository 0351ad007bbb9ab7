"""One answer on a trainee's eligibility: the roster and the claim read the same facts.

The roster shows whether a trainee is eligible for the training subsidy (符合/不符合补贴条件);
the claim later decides the trainee's line. Both ask the policy engine about the person's
categories (人员类别), and a category can start or end between enrolment and the claim (a
毕业年度高校毕业生 counts only in the graduation year, 004 §二). So both read the categories on
the one day the pack names (`eligibility.category_date`: the class's first day, its last day or
the day of enrolment) through `trainee_facts`; the claim (claims.services.training_facts) calls
it too, and the engine's category check gives both the same reason in the same words.

A category added, ended or corrected in the registry (people.signals.categories_changed)
decides the roster again for every class of the person that is not completed yet.

Practising licences (从业资格, 004 §五(一)) are read the same way: for an occupation the pack
lists (training.licence_required: 保安员、电工、焊工等), the trainee must hold its licence valid
on the same day. Enrolment is refused without it (`refuse_without_licence`); the roster's and the
claim's decisions carry the engine's licence check from the same facts; a licence recorded or
changed (people.signals.licences_changed) decides the open rosters again.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog.packs import pack_for, record_decision
from jineng.core import writes
from jineng.people import ledger
from jineng.people.models import LicenceRecord, LicenceType
from jineng.people.selectors import (
    categories_by_person,
    categories_on_days,
    licences_by_person,
    licences_on_days,
    licences_valid_on,
)
from jineng.policy import EnrolmentRequest, decide_enrolment
from jineng.policy.decision import Decision
from jineng.policy.pack import PolicyPack
from jineng.training import hooks
from jineng.training.models import ACTIVE_STATES, Enrollment, EnrollmentState, TrainingClass

CATEGORY_DATE = "eligibility.category_date"
LICENCE_REQUIRED = "training.licence_required"


@dataclass(frozen=True)
class TraineeFacts:
    """What a trainee's eligibility is decided from: the categories and the practising
    licences valid on `day`."""

    person_id: int
    day: date
    categories: frozenset[str]
    licences: frozenset[str] = frozenset()


def category_day(pack: PolicyPack, training_class: TrainingClass, enrolled_on: date) -> date:
    """The day on which the pack counts a trainee's categories; refused when it names none."""
    rule = pack.value(CATEGORY_DATE)
    if rule == "class_start":
        return training_class.start_date
    if rule == "class_end":
        return training_class.end_date
    if rule == "enrolment":
        return enrolled_on
    raise ValidationError(
        _("Policy pack %(pack)s does not state on which day a trainee's person categories "
          "count (%(key)s), so no subsidy eligibility can be decided.")
        % {"pack": pack.id, "key": CATEGORY_DATE}
    )  # fmt: skip


def trainee_facts(
    pack: PolicyPack, training_class: TrainingClass, trainees: Iterable[tuple[int, date]]
) -> dict[int, TraineeFacts]:
    """Each trainee's facts, by person id, from (person id, day of enrolment) pairs: one query
    per distinct day (one in all unless the pack counts from each day of enrolment)."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for person_id, enrolled_on in trainees:
        by_day[category_day(pack, training_class, enrolled_on)].append(person_id)
    facts = {}
    for day, person_ids in by_day.items():
        found = categories_by_person(person_ids, day)
        held = licences_by_person(person_ids, day)
        for person_id in person_ids:
            facts[person_id] = TraineeFacts(
                person_id, day, found.get(person_id, frozenset()), held.get(person_id, frozenset())
            )
    return facts


def trainee_facts_many(
    classes: Iterable[tuple[PolicyPack, TrainingClass, Iterable[tuple[int, date]]]],
) -> list[dict[int, TraineeFacts]]:
    """trainee_facts of many classes (pack, class, trainees) at once: one query for the
    categories and one for the licences of all their trainees, each trainee read on the day its
    class's pack names, as trainee_facts reads it."""
    wanted = [
        [(person_id, category_day(pack, training_class, enrolled_on))
         for person_id, enrolled_on in trainees]
        for pack, training_class, trainees in classes
    ]  # fmt: skip
    pairs = {pair for pairs in wanted for pair in pairs}
    found, held = categories_on_days(pairs), licences_on_days(pairs)
    empty = frozenset()
    return [
        {person_id: TraineeFacts(person_id, day, found.get((person_id, day), empty),
                                 held.get((person_id, day), empty))
         for person_id, day in pairs}
        for pairs in wanted
    ]  # fmt: skip


def licence_needed(pack: PolicyPack, training_class: TrainingClass) -> str | None:
    """The practising licence (a licence type code) the class's occupation asks its trainees
    to hold already under the pack (004 §五(一)), or None."""
    return pack.licence_required(training_class.occupation.code)


@dataclass(frozen=True)
class RosterLicences:
    """For the class page: the licence the class's occupation needs (004 §五(一)), the day it
    must be valid on (None when it is each trainee's day of enrolment), the pack's cite, and
    the licence each trainee holds valid on their day (person id -> record)."""

    needed: str
    label: str
    day: date | None
    cite: str
    held: dict[int, LicenceRecord]


def roster_licences(training_class: TrainingClass, enrollments) -> RosterLicences | None:
    """What the roster shows of practising licences, under today's pack (as enrolment decides);
    None when the class's occupation needs none or no pack covers its region."""
    region = training_class.institution.organisation.region_code
    found = pack_for(region, timezone.localdate()) if region else None
    if found is None:
        return None
    _version, pack = found
    needed = licence_needed(pack, training_class)
    if needed is None:
        return None
    try:
        days = {
            e.person_id: category_day(pack, training_class, enrolled_on(e)) for e in enrollments
        }
        day = category_day(pack, training_class, timezone.localdate())
    except ValidationError:  # the pack names no day: enrolment says so
        return None
    by_day: dict[date, list[int]] = defaultdict(list)
    for person_id, person_day in days.items():
        by_day[person_day].append(person_id)
    held = {}
    for person_day, person_ids in by_day.items():
        held.update(licences_valid_on(person_ids, needed, person_day))
    rule = pack.rule(LICENCE_REQUIRED)
    per_enrolment = pack.value(CATEGORY_DATE) == "enrolment"
    return RosterLicences(
        needed, str(LicenceType(needed).label), None if per_enrolment else day,
        rule.cite if rule else "", held,
    )  # fmt: skip


def refuse_without_licence(
    pack: PolicyPack, training_class: TrainingClass, person, facts: TraineeFacts
) -> None:
    """004 §五(一): 对保安员、电工、焊工等有从业资格要求的职业(工种),…对已取得从业资格的
    符合条件劳动者开展补贴性职业技能培训. Every class on the platform is subsidised (it has
    a fund channel), so a person without the licence of a listed occupation, valid on the day
    the pack counts categories on, is not enrolled at all."""
    needed = licence_needed(pack, training_class)
    if needed is None or needed in facts.licences:
        return
    rule = pack.rule(LICENCE_REQUIRED)
    raise ValidationError(
        _("%(name)s holds no %(licence)s valid on %(day)s. %(occupation)s needs a practising "
          "licence, and its subsidised training takes only people who already hold one "
          "(%(cite)s). The bureau records the licence on the person's page in the real-name "
          "registry.")
        % {"name": person.name, "licence": LicenceType(needed).label, "day": facts.day,
           "occupation": training_class.occupation.name, "cite": rule.cite if rule else ""},
        code="licence",
    )  # fmt: skip


def enrolment_decision(
    pack: PolicyPack, training_class: TrainingClass, facts: TraineeFacts, history
) -> Decision:
    """May the trainee's training be subsidised (the roster's answer)? Today's pack, limits
    and history; the categories of the pack's day; and whether the pack states a rate for them
    in the class's training type (004 §四(五): by outcome for 六类人员 in employment-oriented
    training, by the standard for other certified trainees), as the claim will."""
    return decide_enrolment(
        pack,
        EnrolmentRequest(
            person_key=f"P{facts.person_id}",
            categories=facts.categories,
            occupation=training_class.occupation.code,
            level=training_class.level.code,
            enrol_on=timezone.localdate(),
            training_type=training_class.training_type.code,
            licences=facts.licences,
            licence_day=facts.day,
        ),
        history,
    )


def store(enrollment: Enrollment, decision: Decision, version) -> Enrollment:
    """Keep the decision and put its answer on the roster row."""
    path = enrollment.training_class.institution.organisation.path
    record = record_decision(decision, version, subject=enrollment, org_path=path)
    return writes.update(enrollment, validate=False, eligible=decision.granted,
                         eligibility=record)  # fmt: skip


def open_enrollments(person_ids: Iterable[int]):
    """The persons' places on the rosters of classes not completed yet."""
    return (
        Enrollment.objects.filter(
            person_id__in=list(person_ids),
            state=EnrollmentState.ENROLLED,
            training_class__state__in=ACTIVE_STATES,
        )
        .select_related(
            "person",
            "training_class__institution__organisation",
            "training_class__occupation",
            "training_class__level",
            "training_class__training_type",
        )
        .order_by("pk")
    )


def redecide(person_ids: Iterable[int], cause: str = "category") -> list[Enrollment]:
    """Decide again the eligibility of the persons on the rosters of classes not completed yet;
    the earlier decisions stay on record. A class whose region no pack covers today keeps its
    answer (its enrolment could not be decided either). `cause` ("category" or "licence") names
    the registry change on the ledger. Returns the enrollments decided."""
    enrollments = list(open_enrollments(person_ids))
    if not enrollments:
        return []
    histories = hooks.subsidy_history(sorted({e.person_id for e in enrollments}))
    decided = []
    for enrollment in enrollments:
        training_class = enrollment.training_class
        region = training_class.institution.organisation.region_code
        found = pack_for(region, timezone.localdate()) if region else None
        if found is None:
            continue
        version, pack = found
        facts = trainee_facts(
            pack, training_class, [(enrollment.person_id, enrolled_on(enrollment))]
        )
        decision = enrolment_decision(
            pack, training_class, facts[enrollment.person_id], histories[enrollment.person_id]
        )
        was = enrollment.eligible
        store(enrollment, decision, version)
        if was != decision.granted:
            _on_ledger(enrollment, decision, cause)
        decided.append(enrollment)
    return decided


def _on_ledger(enrollment: Enrollment, decision: Decision, cause: str) -> None:
    code = enrollment.training_class.code
    if cause == "licence" and decision.granted:
        title = _("Eligible for the subsidy of class %(code)s after a licence change")
    elif cause == "licence":
        title = _("No longer eligible for the subsidy of class %(code)s after a licence change")
    elif decision.granted:
        title = _("Eligible for the subsidy of class %(code)s after a category change")
    else:
        title = _("No longer eligible for the subsidy of class %(code)s after a category change")
    ledger.add(enrollment.person, ledger.Kind.CLASS, title % {"code": code}, obj=enrollment,
               decision=enrollment.eligibility)  # fmt: skip


def enrolled_on(enrollment: Enrollment) -> date:
    return timezone.localdate(enrollment.enrolled_at)


def on_categories_changed(sender, *, person_ids, **kwargs) -> None:
    """people.signals.categories_changed: the registry changed these persons' categories."""
    redecide(person_ids)


def on_licences_changed(sender, *, person_ids, **kwargs) -> None:
    """people.signals.licences_changed: the registry recorded or changed these persons'
    practising licences (004 §五(一))."""
    redecide(person_ids, cause="licence")
