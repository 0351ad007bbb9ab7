"""Past training recorded as history (历史导入).

004 §四(三): a class is trained after the bureau has reviewed its opening application
(开班申请 经当地人力资源社会保障部门审核后组织开展培训), so a late application is refused
(services.timing_readiness). Training already done under another system is not pushed through
that approval after the fact: the bureau records it here as what it is, a finished class marked
as history (TrainingClass.source = history), completed from its first line, with one entry in the
class's history whose reason says 历史导入. No application, no sessions, no attendance events.

Such a class counts in each trainee's training history (their ledger, and the once per
occupation and level of 004 §四(五) when the record says it was subsidised), but it is never
claimed for (the claims app refuses it) and no step of the class's workflow applies to it.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.core import states, writes
from jineng.core.roles import Capability, acting_user, require_capability
from jineng.core.scope import scoped
from jineng.institutions.models import Institution
from jineng.people import identity, ledger
from jineng.people import services as people
from jineng.people.models import Person
from jineng.training import services
from jineng.training.models import (
    ClassSource,
    ClassState,
    Enrollment,
    EnrollmentState,
    TrainingClass,
)

# A class in one of these states never ran: a history record of the same training is no double.
NEVER_RAN = (ClassState.WITHDRAWN, ClassState.CANCELLED, ClassState.REJECTED)


@dataclass(frozen=True)
class PastTrainee:
    """One person of a past class as the record gives them, and whether they completed it."""

    id_number: str
    name: str
    completed: bool


def history_reason() -> str:
    """The reason of the class's one history entry (and of its trainees' outcome)."""
    return _("History import (历史导入): training done under another system, recorded by the "
             "bureau without an opening application or approval.")  # fmt: skip


def registered_person(id_number: str, name: str) -> Person:
    """The registry's person of this ID number, under this name; else a refusal naming the
    column (the import reports it on the row)."""
    person = people.find_by_id_number(id_number)
    if person is None:
        raise ValidationError(
            {"id_number": _("%(number)s is not in the real-name registry: register the person "
                            "first, then record their past training.")
             % {"number": identity.mask_id(identity.normalise(id_number))}}
        )  # fmt: skip
    if person.name != " ".join(name.split()):
        raise ValidationError({"name": _("The registry holds this ID number under another name.")})
    return person


def check_institution(institution: Institution) -> None:
    """The institution is in the caller's region (the system's own work records any)."""
    user = acting_user()
    mine = Institution.objects.filter(pk=institution.pk)
    if user is not None and not scoped(user, mine).exists():
        raise ValidationError(
            {"institution": _("%(name)s is outside your region: its past training is recorded "
                              "by its own bureau.") % {"name": institution}}
        )  # fmt: skip


def check_past(start: date, end: date) -> None:
    """Only training entirely over: it ended before today."""
    today = timezone.localdate()
    if end < start:
        raise ValidationError({"end_date": _("The end is before the start.")})
    if end >= today:
        raise ValidationError(
            {"end_date": _("Only past training is recorded as history: this class ends on "
                           "%(end)s, not before today (%(today)s). Training still to come is "
                           "applied for and approved before it starts (004 §四(三)).")
             % {"end": end, "today": today}}
        )  # fmt: skip


def same_class(institution, occupation, level, start: date, end: date) -> TrainingClass | None:
    """A class of the institution already holding this training: same occupation, level, dates."""
    return (
        TrainingClass.objects.filter(
            institution=institution, occupation=occupation, level=level,
            start_date=start, end_date=end,
        )
        .exclude(state__in=NEVER_RAN)
        .first()
    )  # fmt: skip


def _roster(trainees: list[PastTrainee]) -> list[tuple[Person, bool]]:
    if not trainees:
        raise ValidationError(_("The roster is empty."))
    roster, seen = [], set()
    for trainee in trainees:
        person = registered_person(trainee.id_number, trainee.name)
        if person.pk in seen:
            raise ValidationError(_("%(name)s is on the roster twice.") % {"name": person.name})
        seen.add(person.pk)
        roster.append((person, trainee.completed))
    return roster


@transaction.atomic
def record_history_class(
    institution: Institution,
    *,
    occupation,
    level,
    training_type,
    start_date: date,
    end_date: date,
    venue: str,
    trainees: list[PastTrainee],
    subsidised: bool = True,
    hours: int | None = None,
) -> TrainingClass:
    """Store a finished class of the past as completed, marked as history, with its roster and
    each trainee's result: one history entry (历史导入), a ledger entry per trainee.

    Refused: dates not entirely past, a person not in the registry (or under another name), an
    institution outside the caller's region, the same training already recorded (institution,
    occupation, level and dates). `subsidised` (the safe assumption when the record is silent)
    says whether the other system paid a subsidy for it."""
    require_capability(
        Capability.RECORD_PAST_TRAINING, _("Only the bureau records past training as history.")
    )
    check_institution(institution)
    check_past(start_date, end_date)
    if not venue.strip():
        raise ValidationError({"venue": _("Give the venue of the training.")})
    if hours is not None and hours < 1:
        raise ValidationError({"hours": _("The hours are a whole number above 0.")})
    roster = _roster(trainees)
    Institution.objects.select_for_update().get(pk=institution.pk)  # one number, one record
    duplicate = same_class(institution, occupation, level, start_date, end_date)
    if duplicate is not None:
        raise ValidationError(
            _("Class %(code)s already holds %(occupation)s %(level)s of this institution from "
              "%(start)s to %(end)s: the same training is not recorded twice.")
            % {"code": duplicate.code, "occupation": occupation.name, "level": level.name,
               "start": start_date, "end": end_date}
        )  # fmt: skip
    training_class = writes.create(
        TrainingClass(
            institution=institution,
            code=services.next_code(institution, start_date.year),
            name=_("Past training: %(occupation)s %(level)s")
            % {"occupation": occupation.name, "level": level.name},
            occupation=occupation, level=level, training_type=training_type, fund_channel=None,
            start_date=start_date, end_date=end_date, venue=venue.strip(),
            capacity=len(roster), state=ClassState.COMPLETED, source=ClassSource.HISTORY,
            history_subsidised=subsidised, hours=hours,
        )
    )  # fmt: skip
    states.record_start(training_class, reason=history_reason())
    for person, completed in roster:
        _record_trainee(training_class, person, completed)
    return training_class


def _record_trainee(training_class: TrainingClass, person: Person, completed: bool) -> None:
    state = EnrollmentState.COMPLETED if completed else EnrollmentState.NOT_COMPLETED
    enrollment = writes.create(
        Enrollment(
            training_class=training_class, person=person, state=state,
            eligible=False,  # never claimed here (claims refuse a history class)
            assessment_passed=completed, reason=history_reason()[:300],
        )
    )  # fmt: skip
    title = _("Past training record (历史培训记录): %(occupation)s %(level)s, %(start)s – %(end)s, "
              "%(result)s, class %(code)s") % {
        "occupation": training_class.occupation.name, "level": training_class.level.name,
        "start": training_class.start_date, "end": training_class.end_date,
        "result": EnrollmentState(state).label, "code": training_class.code,
    }  # fmt: skip
    ledger.add(person, ledger.Kind.CLASS, title, obj=enrollment)
