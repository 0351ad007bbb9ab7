"""The home page's to-do card: what waits for the signed-in user, each app answering for its own
work (a `todo(user)` function in its selectors), always inside the user's data scope.

Core sits below every app, so it does not import them: each app with work waiting registers its
`todo` here at start-up (its AppConfig.ready), and the card lists them in that order, the order
of INSTALLED_APPS."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    url: str


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
