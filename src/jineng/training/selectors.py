"""Reads of training classes: the list of the page and the API, and the home page's to-do card."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.core.filters import run
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import scoped
from jineng.core.todo import Item
from jineng.training.filters import ClassFilter
from jineng.training.models import ClassState, LateMarkRequest, LateMarkState, TrainingClass


def classes_for(user) -> QuerySet[TrainingClass]:
    """The classes the user may see, with what every list and detail shows."""
    return scoped(
        user,
        TrainingClass.objects.select_related(
            "institution__organisation", "occupation", "level", "training_type", "fund_channel"
        ),
    )


def class_list(user, filters=None) -> QuerySet[TrainingClass]:
    """The class list of the page and the API: latest start first."""
    return run(ClassFilter, classes_for(user), filters).order_by("-start_date", "-id")


def review_queue(user, filters=None) -> QuerySet[TrainingClass]:
    """Opening applications waiting for the bureau, the soonest start first."""
    waiting = classes_for(user).filter(state=ClassState.SUBMITTED)
    return run(ClassFilter, waiting, filters).order_by("start_date", "id")


def todo(user) -> list[Item]:
    """Applications and late hand-entered attendance waiting for the bureau; classes past their
    end waiting to be completed."""
    classes = scoped(user, TrainingClass.objects.all())
    items = []
    if has_capability(user, Capability.REVIEW_CLASSES):
        waiting = classes.filter(state=ClassState.SUBMITTED).count()
        items.append(Item(_("Class applications to review"), waiting, reverse("training:review")))
        late = scoped(user, LateMarkRequest.objects.filter(state=LateMarkState.REQUESTED))
        items.append(Item(_("Late attendance entries to approve"), late.count(),
                          reverse("training:late-marks")))  # fmt: skip
    if has_capability(user, Capability.RUN_CLASSES):
        ended = classes.filter(state=ClassState.IN_PROGRESS, end_date__lt=timezone.localdate())
        url = reverse("training:list") + f"?state={ClassState.IN_PROGRESS}"
        items.append(Item(_("Classes ended, to complete (结业)"), ended.count(), url))
    return items
