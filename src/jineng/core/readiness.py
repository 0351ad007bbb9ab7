"""One answer to "may this be done now, and if not, why": the service refuses with the reason,
and the page shows the button disabled with the same reason (issue 14), so the two never part.

A rule returns `Ready()` or `Ready.no(reason)`; the service calls `.check()` (a ValidationError
with the reason), the view puts the answer in the context for `core/_blocked_button.html`."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Ready:
    reason: str = ""  # empty: it may be done now

    @classmethod
    def no(cls, reason: str) -> "Ready":
        return cls(reason=str(reason))

    def __bool__(self) -> bool:
        return not self.reason

    def check(self) -> None:
        """Refuse with the reason when it may not be done now."""
        if self.reason:
            raise ValidationError(self.reason)
