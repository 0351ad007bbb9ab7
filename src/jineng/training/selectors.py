"""Reads of training classes for pages outside the app (the home page's to-do card)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.core.roles import Capability, has_capability
from jineng.core.scope import scoped
from jineng.core.todo import Item
from jineng.training.models import ClassState, TrainingClass


def todo(user) -> list[Item]:
    """Applications waiting for the bureau; classes past their end waiting to be completed."""
    classes = scoped(user, TrainingClass.objects.all())
    items = []
    if has_capability(user, Capability.REVIEW_CLASSES):
        waiting = classes.filter(state=ClassState.SUBMITTED).count()
        items.append(Item(_("Class applications to review"), waiting, reverse("training:review")))
    if has_capability(user, Capability.RUN_CLASSES):
        ended = classes.filter(state=ClassState.IN_PROGRESS, end_date__lt=timezone.localdate())
        url = reverse("training:list") + f"?state={ClassState.IN_PROGRESS}"
        items.append(Item(_("Classes ended, to complete (结业)"), ended.count(), url))
    return items
