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
