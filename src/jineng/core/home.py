"""Cards that apps add to the home page, beside the to-do card: a short table of what the
signed-in user's role looks after (a department's funded classes, ...).

Core sits below every app, so each app registers its providers here at start-up (its
AppConfig.ready), like the to-do card (`core.todo`). A provider answers None when its card does
not fit the user's roles; a card that fits but has no rows says why it is empty and what would
fill it."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Card:
    key: str  # the card's id on the page
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    empty: str = ""  # why there is no row, and what would bring one
    note: str = ""


_providers: list[Callable[..., Card | None]] = []


def register(provider: Callable[..., Card | None]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def cards_for(user) -> list[Card]:
    return [card for provider in _providers if (card := provider(user)) is not None]


# A role served by a home page of its own (the worker's portal): (request) -> response, given
# at start-up by the app above that owns it. A user whose only role is that one gets it.
_role_homes: dict[str, Callable] = {}


def register_role_home(role: str, view: Callable) -> None:
    _role_homes[str(role)] = view


def role_home(user) -> Callable | None:
    roles = user.role_set
    if len(roles) != 1:
        return None
    (role,) = roles
    return _role_homes.get(str(role))
