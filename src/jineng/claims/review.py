"""Review (审核) of a submitted claim by the bureau, line by line or in bulk.

004 §四(五): the institution applies, the bureau reviews (审核), the approved list is publicly
noticed for 3 working days (公示), then paid (拨付). Here is the review: a reviewer with
REVIEW_CLAIMS whose region holds the claim's bureau approves the lines the rules granted and
rejects lines with a reason; a line the rules refused (amount 0) is never approved. Finishing the
review makes the claim "reviewed" (or closes it when nothing is approved); the whole claim may be
rejected instead. Lines change under the claim's row lock, and every decision on a person's line
is written on that person's ledger, saying why.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from jineng.claims.holds import refuse_held
from jineng.claims.locks import locked
from jineng.claims.models import Claim, ClaimLine, ClaimState, LineState
from jineng.claims.services import line_reasons
from jineng.core import states, writes
from jineng.core.models import Organisation
from jineng.core.roles import Capability, acting_user, require_capability
from jineng.core.scope import scoped
from jineng.people import ledger

ZERO = Decimal("0.00")
REASON_MAX = 300  # ClaimLine.review_reason and ClaimStateChange.reason
NAMES_SHOWN = 10  # persons named in one message


# --- who reviews ------------------------------------------------------------------------------


def check_reviewer(claim: Claim) -> None:
    """REVIEW_CLAIMS, and the claim's bureau inside the reviewer's region: a county's reviewer
    sees and reviews only its own county's claims (the data scope of jineng.core.scope)."""
    require_capability(
        Capability.REVIEW_CLAIMS,
        _("Only the bureau reviews claims, publishes notices and resolves objections."),
    )
    user = acting_user()
    bureau = Organisation.objects.filter(pk=claim.bureau_id)
    if user is not None and not scoped(user, bureau).exists():
        raise PermissionDenied(_("This claim is outside your region."))


def _under_review(claim: Claim) -> Claim:
    check_reviewer(claim)
    claim = locked(claim)
    if claim.state != ClaimState.SUBMITTED:
        raise ValidationError(
            _("Only a submitted claim is reviewed; this one is “%(state)s”.")
            % {"state": claim.get_state_display()}
        )
    return claim


# --- input ------------------------------------------------------------------------------------


def clean_reason(reason: str, *, required: bool) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("The reason has at most %(max)d characters.") % {"max": REASON_MAX}}
        )
    return reason


def line_ids(lines) -> set[int]:
    """The ids of lines given as ClaimLine objects or ids (a page posts ids)."""
    try:
        ids = {int(getattr(line, "pk", line)) for line in lines}
    except (TypeError, ValueError):
        raise ValidationError({"lines": _("Choose lines of the claim.")}) from None
    if not ids:
        raise ValidationError({"lines": _("Choose at least one line.")})
    return ids


def lines_of(claim: Claim, lines, *, states_in=None) -> list[ClaimLine]:
    """The chosen lines, each a line of this claim (in one of `states_in` when given)."""
    ids = line_ids(lines)
    found = claim.lines.filter(pk__in=ids)
    if states_in is not None:
        found = found.filter(state__in=states_in)
    found = list(found.select_related("person", "decision").order_by("id"))
    if len(found) != len(ids):
        raise ValidationError(
            {"lines": _("Some chosen lines are not lines of claim %(number)s that can be chosen.")
             % {"number": claim.number}}
        )  # fmt: skip
    return found


def _names(lines: list[ClaimLine]) -> str:
    names = "、".join(line.person.name for line in lines[:NAMES_SHOWN])
    return names + ("…" if len(lines) > NAMES_SHOWN else "")


# --- deciding lines ---------------------------------------------------------------------------


def approvable(line: ClaimLine) -> bool:
    """Only what the rules granted, with an amount, can be approved (004 §四(五) rates)."""
    return line.granted and line.amount > 0


def decide_line(claim: Claim, line: ClaimLine, state: str, reason: str) -> None:
    """Set a line's review decision and write it on the person's ledger (once, not on repeats)."""
    if line.state == state and line.review_reason == reason:
        return
    writes.update(
        line, state=state, review_reason=reason, reviewed_by=acting_user(),
        reviewed_at=timezone.now(), validate=False,
    )  # fmt: skip
    if state == LineState.APPROVED:
        title = _("Subsidy approved in claim %(number)s: %(amount)s yuan")
    else:
        title = _("Subsidy rejected in claim %(number)s: %(reason)s")
    ledger.add(
        line.person, ledger.Kind.SUBSIDY,
        title % {"number": claim.number, "amount": line.amount, "reason": reason},
        obj=line, decision=line.decision,
        detail={"claim": claim.number, "state": state, "amount": str(line.amount),
                "reason": reason},
    )  # fmt: skip


def approved_total(claim: Claim) -> Decimal:
    total = claim.lines.filter(state=LineState.APPROVED).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


@transaction.atomic
def approve_lines(claim: Claim, lines, reason: str = "") -> list[ClaimLine]:
    """Approve lines of a submitted claim (004 §四(五) 审核). Each must be a line the rules
    granted with an amount above 0: a line they refused is refused here too, naming its person.
    A line decided earlier in this review may be decided again until the review is finished."""
    claim = _under_review(claim)
    reason = clean_reason(reason, required=False)
    chosen = lines_of(claim, lines)
    refused = [line for line in chosen if not approvable(line)]
    if refused:
        raise ValidationError(
            _("The rules granted no subsidy to %(names)s: such a line cannot be approved.")
            % {"names": _names(refused)}
        )
    refuse_held(chosen, pgettext("held line", "approved"))
    for line in chosen:
        decide_line(claim, line, LineState.APPROVED, reason)
    return chosen


@transaction.atomic
def reject_lines(claim: Claim, lines, reason: str) -> list[ClaimLine]:
    """Reject lines of a submitted claim, with the reason the person's ledger shows."""
    claim = _under_review(claim)
    reason = clean_reason(reason, required=True)
    chosen = lines_of(claim, lines)
    for line in chosen:
        decide_line(claim, line, LineState.REJECTED, reason)
    return chosen


@transaction.atomic
def finish_review(claim: Claim) -> Claim:
    """End the review once every line is decided: the claim is "reviewed", with the approved
    total, ready for its public notice (004 §四(五)); with nothing approved it is then closed,
    as there is nothing to notice or pay."""
    claim = _under_review(claim)
    pending = claim.lines.filter(state=LineState.PENDING).count()
    if pending:
        raise ValidationError(
            ngettext(
                "%(count)d line is not decided yet.",
                "%(count)d lines are not decided yet.",
                pending,
            )
            % {"count": pending}
        )
    total = approved_total(claim)
    reviewed = {"reviewed_at": timezone.now(), "reviewed_by": acting_user()}
    states.move(
        claim, ClaimState.REVIEWED, reason=_("Review finished."),
        values={"approved_total": total, **reviewed},
    )  # fmt: skip
    if not claim.lines.filter(state=LineState.APPROVED).exists():
        states.move(claim, ClaimState.CLOSED, reason=_("No line was approved."))
    return claim


@transaction.atomic
def reject_claim(claim: Claim, reason: str) -> Claim:
    """Reject a submitted claim as a whole, with the reason. Its lines are rejected too, so that
    none of them counts in a person's subsidy history any more."""
    claim = _under_review(claim)
    reason = clean_reason(reason, required=True)
    for line in claim.lines.exclude(state=LineState.REJECTED).select_related("person", "decision"):
        decide_line(claim, line, LineState.REJECTED, reason)
    reviewed = {"reviewed_at": timezone.now(), "reviewed_by": acting_user()}
    states.move(
        claim, ClaimState.REJECTED, reason=reason, values={"approved_total": ZERO, **reviewed}
    )
    return claim


# --- bulk review ------------------------------------------------------------------------------


def rules_reason(line: ClaimLine) -> str:
    """Why the rules gave a line nothing, in the user's language (the decision's failed checks)."""
    reasons = line_reasons(line)
    if not reasons:
        return _("The rules give this line no amount.")[:REASON_MAX]
    return (_("Not granted by the rules: %(reasons)s") % {"reasons": "; ".join(reasons)})[
        :REASON_MAX
    ]


@transaction.atomic
def approve_claim(claim: Claim, reason: str = "") -> Claim:
    """Bulk approval of one claim: every line still pending is approved when the rules granted
    it and rejected with the rules' reasons when they did not; lines the reviewer already
    decided keep their decision. Then the review is finished."""
    claim = _under_review(claim)
    pending = list(claim.lines.filter(state=LineState.PENDING).select_related("person", "decision"))
    granted = [line for line in pending if approvable(line)]
    if granted:
        approve_lines(claim, granted, reason)
    for line in pending:
        if not approvable(line):
            decide_line(claim, line, LineState.REJECTED, rules_reason(line))
    return finish_review(claim)


def review_many(claims, *, approve: bool, reason: str = "") -> dict[str, list]:
    """Bulk review from the queue: each claim on its own (its own transaction), so one refusal
    stops no other. approve: approve_claim; otherwise reject_claim with the reason.
    Returns {"done": [claims], "refused": [(claim, message)]}."""
    done, refused = [], []
    for claim in claims:
        try:
            done.append(approve_claim(claim, reason) if approve else reject_claim(claim, reason))
        except ValidationError as problem:
            refused.append((claim, "; ".join(problem.messages)))
        except PermissionDenied as problem:
            refused.append((claim, str(problem)))
    return {"done": done, "refused": refused}
