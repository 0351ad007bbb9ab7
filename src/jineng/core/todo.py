"""The home page's to-do card: what waits for the signed-in user, each app answering for its own
work (a `todo(user)` function in its selectors), always inside the user's data scope."""

from dataclasses import dataclass
from importlib import import_module

# The apps that have work waiting for someone, in the order the card lists it.
PROVIDERS = (
    "jineng.training.selectors",
    "jineng.evaluation.selectors",
    "jineng.claims.selectors",
    "jineng.vouchers.selectors",
)


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    url: str


def items_for(user) -> list[Item]:
    """Every waiting item of the user's capabilities with something in it."""
    found = []
    for name in PROVIDERS:
        found += [item for item in import_module(name).todo(user) if item.count]
    return found
