"""The home page's to-do card: what waits for the signed-in user, each app answering for its own
work (a `todo(user)` function in its selectors), always inside the user's data scope.

Core sits below every app, so it does not import them: each app with work waiting registers its
`todo` here at start-up (its AppConfig.ready), and the card lists them in that order, the order
of INSTALLED_APPS.

An item may carry a date of the year's timetable (004 §四): the card lists such items apart,
soonest first, with the date, the days left, where the date comes from and what is done so far.
Their providers offer them only in the weeks before the date, until done or past."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    url: str
    due: date | None = None  # a deadline of the year's timetable
    note: str = ""  # what is done so far, where the platform knows it
    cite: str = ""  # where the deadline comes from: "依据 004 §四(二)"
    show_count: bool = True  # False: one thing to do, nothing to count

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - timezone.localdate()).days


# (user) -> [Item, ...]: the providers registered at start-up.
_providers: list[Callable[..., list[Item]]] = []


def register(provider: Callable[..., list[Item]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def items_for(user) -> list[Item]:
    """Every waiting item of the user's capabilities with something in it."""
    return [item for item in all_items_for(user) if item.count]


def all_items_for(user) -> list[Item]:
    """Every item of the user's capabilities, empty ones too: the kinds of work the role does."""
    found = []
    for provider in _providers:
        found += provider(user)
    return found
