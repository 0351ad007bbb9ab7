"""A claim re-read under its row lock before it changes: two requests never move one claim at
once. The change of state itself is core.states.move (the claim's WORKFLOW)."""

from jineng.claims.models import Claim


def locked(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim.pk)
