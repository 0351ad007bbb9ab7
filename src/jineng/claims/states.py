"""The one way a claim changes state: checked against TRANSITIONS, written in its history
(ClaimStateChange) and the audit log. Every claims service that moves a claim calls `move`."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jineng.claims.models import TRANSITIONS, Claim, ClaimState, ClaimStateChange
from jineng.core import writes
from jineng.core.roles import acting_user


def locked(claim: Claim) -> Claim:
    """The claim re-read under a row lock: two requests never move one claim at once."""
    return Claim.objects.select_for_update().get(pk=claim.pk)


def check_move(claim: Claim, to_state: str) -> None:
    current = ClaimState(claim.state)
    if to_state not in TRANSITIONS[current]:
        raise ValidationError(
            _("A claim that is “%(from)s” cannot become “%(to)s”.")
            % {"from": current.label, "to": ClaimState(to_state).label}
        )


def move(claim: Claim, to_state: str, reason: str = "", **fields) -> Claim:
    """Move a (locked) claim to `to_state`, with other fields changed in the same write.
    Call inside a transaction, after the service's own checks."""
    check_move(claim, to_state)
    writes.create(
        ClaimStateChange(
            claim=claim,
            from_state=claim.state,
            to_state=to_state,
            reason=reason.strip()[:300],
            by=acting_user(),
        ),
        validate=False,  # `by` is empty for the system's own moves (a task, the CLI)
    )
    writes.update(claim, state=to_state, **fields)
    return claim
