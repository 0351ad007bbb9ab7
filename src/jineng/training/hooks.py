"""What the apps above training plug in at start-up (in their AppConfig.ready), so that training
never imports them (docs/architecture.md, "Layers"):

- `subsidy_history`: a person's earlier subsidies, which claims owns (its claim lines); enrolment
  and the voucher issue count them against the limits of 004 §四(五);
- `find_voucher`, `check_voucher`, `redeem_voucher`: the voucher a trainee shows at enrolment
  (电子培训券), which the vouchers app finds by its number, checks and redeems;
- `class_page`: more parts of the class page (the evaluation bookings of the class).

A slot nobody filled is a wiring mistake: calling it raises rather than deciding without the
history or dropping a voucher.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


class Slot:
    """One function that an app above training provides."""

    def __init__(self, name: str, provider: str, owner: str = "training"):
        self.name, self.provider, self.owner = name, provider, owner
        self._function: Callable | None = None

    def provide(self, function: Callable) -> None:
        self._function = function

    def __call__(self, *args, **kwargs):
        if self._function is None:
            raise ImproperlyConfigured(
                f"{self.owner}: nothing provides {self.name} ({self.provider})"
            )
        return self._function(*args, **kwargs)


# (person ids) -> {person id: [PriorSubsidy, ...]}
subsidy_history = Slot("the subsidy history", "jineng.claims")
# (number) -> the voucher of that number, or None
find_voucher = Slot("finding vouchers", "jineng.vouchers")
# (voucher, person, training class) -> None; a ValidationError when it may not pay for the place
check_voucher = Slot("checking vouchers", "jineng.vouchers")
# (voucher, enrollment) -> None; redeemed in the enrolment's transaction
redeem_voucher = Slot("redeeming vouchers", "jineng.vouchers")

# (user, training class) -> more context for the class page; each app above may add one part.
class_page_parts: list[Callable[..., dict]] = []


def add_class_page_part(part: Callable[..., dict]) -> None:
    if part not in class_page_parts:
        class_page_parts.append(part)
