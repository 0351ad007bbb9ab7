"""Reads of training classes: the list of the page and the API, and the home page's to-do card."""

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jineng.catalog import timetable
from jineng.core.filters import run
from jineng.core.home import Card
from jineng.core.roles import Capability, Role, has_capability
from jineng.core.scope import ScopeSpec, scope_of, scoped
from jineng.core.todo import Item
from jineng.policy.timetable import TRAINING_ENDS_BY
from jineng.training.filters import ClassFilter
from jineng.training.models import (
    ClassSource,
    ClassState,
    EnrollmentState,
    LateMarkRequest,
    LateMarkState,
    TrainingClass,
)

# A class as its funding department sees it (004 §五(一)): hung on the department's path.
FUNDED_SCOPE = ScopeSpec(org_paths=("funding_department__path",))
HISTORY = ClassSource.HISTORY
# Trainees on the roster: all but those who withdrew.
ON_ROSTER = [EnrollmentState.ENROLLED, EnrollmentState.COMPLETED, EnrollmentState.NOT_COMPLETED]


def classes_for(user) -> QuerySet[TrainingClass]:
    """The classes the user may see, with what every list and detail shows."""
    return scoped(
        user,
        TrainingClass.objects.select_related(
            "institution__organisation",
            "occupation",
            "level",
            "training_type",
            "fund_channel",
            "funding_department",
        ),
    )


def class_list(user, filters=None) -> QuerySet[TrainingClass]:
    """The class list of the page and the API: latest start first."""
    return run(ClassFilter, classes_for(user), filters).order_by("-start_date", "-id")


def review_queue(user, filters=None) -> QuerySet[TrainingClass]:
    """Opening applications waiting for the bureau, the soonest start first."""
    waiting = classes_for(user).filter(state=ClassState.SUBMITTED).exclude(source=HISTORY)
    return run(ClassFilter, waiting, filters).order_by("start_date", "id")


def todo(user) -> list[Item]:
    """Applications and late hand-entered attendance waiting for the bureau; classes past their
    end waiting to be completed."""
    # Past training recorded as history (历史导入) waits for nobody: it is in no queue.
    classes = scoped(user, TrainingClass.objects.exclude(source=HISTORY))
    items = []
    if has_capability(user, Capability.REVIEW_CLASSES):
        waiting = classes.filter(state=ClassState.SUBMITTED).count()
        items.append(Item(_("Class applications to review"), waiting, reverse("training:review")))
        late = scoped(user, LateMarkRequest.objects.filter(state=LateMarkState.REQUESTED))
        items.append(Item(_("Late attendance entries to approve"), late.count(),
                          reverse("training:late-marks")))  # fmt: skip
    if has_capability(user, Capability.REVIEW_CLASSES):
        items += timetable_todo(user, classes)
    if has_capability(user, Capability.RUN_CLASSES):
        ended = classes.filter(state=ClassState.IN_PROGRESS, end_date__lt=timezone.localdate())
        url = reverse("training:list") + f"?state={ClassState.IN_PROGRESS}"
        items.append(Item(_("Classes ended, to complete (结业)"), ended.count(), url))
    return items


# Classes of the year's training not finished yet: applied for, approved or running.
UNFINISHED = [ClassState.SUBMITTED, ClassState.APPROVED, ClassState.IN_PROGRESS]


def timetable_todo(user, classes: QuerySet[TrainingClass]) -> list[Item]:
    """004 §四(三) 确保8月底前完成培训任务, for the bureau: all year, the classes of the year
    planned to end after the deadline; in the weeks before it, the classes of the year not
    finished yet, with how many are."""
    bureau = timetable.bureau_of(user)
    today = timezone.localdate()
    found = timetable.governing(bureau.region_code, today.year) if bureau else None
    rule = found[1].rule(TRAINING_ENDS_BY) if found else None
    if rule is None:
        return []
    year = today.year
    due = rule.value.in_year(year)
    of_year = classes.filter(start_date__gte=date(year, 1, 1), start_date__lte=date(year, 12, 31))
    unfinished = of_year.filter(state__in=UNFINISHED)
    base = reverse("training:list")
    late = unfinished.filter(end_date__gt=due).count()
    query = {"start_from": date(year, 1, 1), "start_to": date(year, 12, 31)}
    url = f"{base}?{urlencode(query | {'end_from': due + timedelta(days=1)})}"
    label = _("Classes planned to end after %(due)s (004 §四(三))") % {"due": due}
    items = [Item(label, late, url)]
    deadline = timetable.coming(bureau.region_code, TRAINING_ENDS_BY, today)
    if deadline is not None:
        completed = of_year.filter(state__in=[ClassState.COMPLETED, ClassState.CLOSED]).count()
        note = _("%(completed)d classes of %(year)s completed so far.") % {
            "completed": completed, "year": year}  # fmt: skip
        items.append(timetable.deadline_item(
            deadline, _("Finish the year's training"), f"{base}?{urlencode(query)}",
            count=unfinished.count(), note=note,
        ))  # fmt: skip
    return items


def funded_classes(user) -> QuerySet[TrainingClass]:
    """The classes a department runs or funds (行业主管部门补贴性培训, 004 §五(一)), with their
    trainees counted: those whose funding department is in the user's organisation subtree."""
    condition = scope_of(user).q_for(FUNDED_SCOPE)
    if Role.DEPARTMENT_STAFF not in user.role_set or condition is None:
        return TrainingClass.objects.none()
    return (
        TrainingClass.objects.filter(condition)
        .select_related("institution__organisation", "occupation", "level")
        .annotate(
            trainees=Count("enrollments", filter=Q(enrollments__state__in=ON_ROSTER)),
            completed=Count("enrollments", filter=Q(enrollments__state=EnrollmentState.COMPLETED)),
        )
        .order_by("-start_date", "-id")
    )


def funded_card(user) -> Card | None:
    """The department's home: the classes it runs or funds and their trainees."""
    if Role.DEPARTMENT_STAFF not in user.role_set:
        return None
    classes = funded_classes(user)[:50]
    rows = [
        [
            f"{c.code} {c.name}",
            str(c.institution),
            f"{c.start_date:%Y-%m-%d} – {c.end_date:%Y-%m-%d}",
            c.get_state_display(),
            c.trainees,
            c.completed,
        ]
        for c in classes
    ]
    return Card(
        key="funded-classes",
        title=_("Training your department organises or funds"),
        columns=[
            _("Class"),
            _("Institution"),
            _("Dates"),
            _("State"),
            _("Trainees"),
            _("Completed"),
        ],  # fmt: skip
        rows=rows,
        empty=_(
            "No class organised or funded by your department yet: when a training institution "
            "names your department as the funding department in its opening application, the "
            "class shows here."
        ),
        note=_("Counted in the training statistics (004 §五(一))."),
    )
