"""Reads of evaluations, always in the viewer's scope: bookings, the classes still waiting for a
booking, and the overdue queue (004 §四(四): evaluation within the pack's deadline after the end
of training)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.core.filters import run
from jineng.core.models import AuditEntry
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import scoped
from jineng.core.todo import Item
from jineng.training.models import EnrollmentState, TrainingClass

from .filters import BookingFilter, waiting_for_exception
from .models import ACTIVE_STATES, OPEN_STATES, BookingState, EvaluationBooking
from .services import BOOKABLE_CLASS_STATES, DATE_MOVED, deadline_for


def bookings_for(user) -> QuerySet[EvaluationBooking]:
    queryset = EvaluationBooking.objects.select_related(
        "training_class__institution__organisation",
        "training_class__occupation",
        "training_class__level",
        "evaluation_org__organisation",
    ).annotate(
        n_results=Count("results", distinct=True),
        n_completed=Count(
            "training_class__enrollments",
            filter=Q(training_class__enrollments__state=EnrollmentState.COMPLETED),
            distinct=True,
        ),
    )
    return scoped(user, queryset)


def booking_list(user, filters=None) -> QuerySet[EvaluationBooking]:
    """The booking list of the page and the API: latest planned first."""
    return run(BookingFilter, bookings_for(user), filters).order_by("-planned_date", "-id")


def overdue_bookings(user, today: date | None = None) -> QuerySet[EvaluationBooking]:
    """Requested or accepted bookings whose last day has passed without every result: the
    pack's due date, or the excepted date when a reviewer granted an exception."""
    today = today or timezone.localdate()
    past_due = Q(exception_at__isnull=True, due_on__lt=today) | Q(
        exception_at__isnull=False, planned_date__lt=today
    )
    return (
        bookings_for(user)
        .filter(state__in=OPEN_STATES)
        .filter(past_due)
        .filter(n_results__lt=F("n_completed"))
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class Waiting:
    """A completed class with no booking, and the last day for its evaluation."""

    training_class: TrainingClass
    due: date | None  # None: no policy pack covers the class's region and end

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today


def classes_waiting(user, today: date | None = None, *, overdue_only: bool = False) -> list:
    """Completed (or closed) classes in scope with trainees who completed them and no booking
    (requested, accepted or done), with their due dates, the most urgent first."""
    today = today or timezone.localdate()
    classes = (
        scoped(
            user,
            TrainingClass.objects.select_related(
                "institution__organisation", "occupation", "level"
            ),
        )
        .filter(state__in=BOOKABLE_CLASS_STATES)
        .filter(enrollments__state=EnrollmentState.COMPLETED)
        .exclude(evaluation_bookings__state__in=ACTIVE_STATES)
        .distinct()
        .order_by("end_date", "id")
    )
    if overdue_only:
        classes = classes.filter(end_date__lt=today)
    found, cache = [], {}
    for training_class in classes:
        key = (training_class.institution.organisation.region_code, training_class.end_date)
        if key not in cache:
            try:
                cache[key] = deadline_for(training_class).due
            except ValidationError:
                cache[key] = None
        waiting = Waiting(training_class, cache[key])
        if not overdue_only or waiting.overdue(today):
            found.append(waiting)
    return sorted(found, key=lambda w: (w.due or date.max, w.training_class.pk))


def class_page_part(user, training_class: TrainingClass) -> dict:
    """The class's evaluation bookings the viewer may open, and whether they may book one
    (评价 follows the completed class: 004 §四(四)): a part of the training class page, added
    through training.hooks."""
    bookings = scoped(user, EvaluationBooking.objects.filter(training_class=training_class))
    return {
        "bookings": list(bookings.select_related("evaluation_org__organisation")),
        "can_book": training_class.state in BOOKABLE_CLASS_STATES
        and has_capability(user, Capability.BOOK_EVALUATIONS),
    }


@dataclass(frozen=True)
class DateMove:
    """One move of a booking's date, read from its audit entry."""

    at: object
    by: str
    before: str
    after: str
    late_reason: str


def date_moves(booking: EvaluationBooking) -> list[DateMove]:
    """The booking's date moves, oldest first (the page shows them with its history; the viewer
    already sees the booking)."""
    entries = AuditEntry.objects.filter(
        object_type=EvaluationBooking._meta.label_lower,
        object_id=str(booking.pk),
        message=DATE_MOVED,
    ).select_related("actor")
    return [
        DateMove(
            at=entry.at,
            by=str(entry.actor) if entry.actor else entry.actor_label,
            before=entry.before["planned_date"],
            after=entry.after["planned_date"],
            late_reason=entry.after.get("late_reason", ""),
        )
        for entry in entries.order_by("at", "id")
    ]


def todo(user) -> list[Item]:
    """Bookings waiting for the organisation's answer, completed classes waiting for a booking,
    dates after the deadline waiting for the reviewer's exception, and bookings past their last
    day (004 §四(四))."""
    items = []
    base = reverse("evaluation:list")
    if has_capability(user, Capability.RUN_EVALUATIONS):
        asked = bookings_for(user).filter(state=BookingState.REQUESTED).count()
        url = f"{base}?state={BookingState.REQUESTED}"
        items.append(Item(_("Evaluation bookings to answer"), asked, url))
    if has_capability(user, Capability.BOOK_EVALUATIONS):
        waiting = len(classes_waiting(user))
        items.append(Item(_("Completed classes to book an evaluation for"), waiting,
                          f"{base}?tab=waiting"))  # fmt: skip
    if has_capability(user, Capability.REVIEW_EVALUATIONS):
        asked = waiting_for_exception(bookings_for(user)).count()
        url = f"{base}?needs_exception=true"
        items.append(Item(_("Evaluation date exceptions to grant"), asked, url))
    # Those who can act on a late booking: who books, who evaluates, who grants an exception.
    acting = (Capability.BOOK_EVALUATIONS, Capability.RUN_EVALUATIONS,
              Capability.REVIEW_EVALUATIONS)  # fmt: skip
    if any(has_capability(user, capability) for capability in acting):
        late = overdue_bookings(user).count()
        items.append(Item(_("Evaluations past their deadline"), late, f"{base}?tab=overdue"))
    return items
