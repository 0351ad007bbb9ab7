"""Recovery (追回) of paid subsidies: when the certificate a paid line rests on is revoked, or the
bureau confirms fraud (虚假培训、冒名顶替 and the other patterns of DOMAIN.md), the line's paid
amount becomes an amount to recover, with its status: to recover → recovered (partial amounts add
up until the whole is back) or written off (waived, with a note).

A line is recovered at most once (Recovery.line is one-to-one). The line stays PAID and keeps
counting in the person's history: the person did receive that subsidy once.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.certificates.models import Certificate
from jineng.claims.locks import locked
from jineng.claims.models import (
    ClaimLine,
    LineState,
    PaymentOutcome,
    Recovery,
    RecoveryCause,
    RecoveryState,
)
from jineng.core import writes
from jineng.core.roles import Capability, acting_user, require_capability
from jineng.core.scope import scoped
from jineng.people import ledger

CENT = Decimal("0.01")
# Lines on a revoked certificate that are refused rather than recovered: not paid yet.
UNPAID_LINE_STATES = (LineState.PENDING, LineState.APPROVED, LineState.FAILED)


def _require_payer(queryset, message: str) -> None:
    require_capability(Capability.PAY_CLAIMS, _("Only the bureau's payers record recoveries."))
    user = acting_user()
    if user is not None and not scoped(user, queryset).exists():
        raise PermissionDenied(message)


def _add_to_ledger(recovery: Recovery, title: str, **detail) -> None:
    line = recovery.line
    ledger.add(
        line.person, ledger.Kind.SUBSIDY, title, obj=recovery,
        detail={"claim": line.claim.number, "cause": recovery.cause, **detail},
    )  # fmt: skip


def _open(line: ClaimLine, cause: str, reason: str) -> Recovery:
    """Open the recovery of a (locked) paid line; the checks are the caller's."""
    recovery = writes.create(
        Recovery(line=line, amount=line.amount, cause=cause, reason=reason[:300],
                 opened_by=acting_user()),
        validate=False,  # opened_by is empty when the system opens it
    )  # fmt: skip
    values = {"amount": f"{line.amount:.2f}", "claim": line.claim.number,
              "cause": RecoveryCause(cause).label}  # fmt: skip
    _add_to_ledger(
        recovery,
        _("Subsidy to recover: %(amount)s yuan, claim %(claim)s (%(cause)s)") % values,
        amount=values["amount"], reason=reason,
    )  # fmt: skip
    return recovery


def _locked_line(line: ClaimLine) -> ClaimLine:
    return (
        ClaimLine.objects.select_for_update(of=("self",))
        .select_related("claim", "person")
        .get(pk=line.pk)
    )


def _check_recoverable(line: ClaimLine) -> None:
    if line.state != LineState.PAID:
        raise ValidationError(
            _("Only a paid line is recovered; %(line)s is “%(state)s”.")
            % {"line": f"{line.claim.number} · {line.person.id_number_masked}",
               "state": LineState(line.state).label}
        )  # fmt: skip
    if Recovery.objects.filter(line=line).exists():
        raise ValidationError(_("The recovery of this line is already open or done."))


@transaction.atomic
def open_recovery(line: ClaimLine, *, cause: str, reason: str) -> Recovery:
    """The bureau opens the recovery of a paid line: its certificate was revoked, or fraud was
    confirmed (cause FRAUD), with the reason."""
    _require_payer(ClaimLine.objects.filter(pk=line.pk), _("This line is outside your region."))
    if cause not in RecoveryCause.values:
        raise ValidationError({"cause": _("Choose why the amount is recovered.")})
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the recovery.")})
    line = _locked_line(line)
    _check_recoverable(line)
    return _open(line, cause, reason)


def recover_paid_line(line: ClaimLine, *, cause: str, reason: str) -> Recovery | None:
    """The recovery of a paid line opened as the consequence of another act, inside its
    transaction (no permission asked: that act was checked): a line recorded paid before the
    stop of a finding that was already confirmed (supervision, on payment's lines_paid). None
    when the line is not paid or has its recovery already."""
    line = _locked_line(line)
    if line.state != LineState.PAID or Recovery.objects.filter(line=line).exists():
        return None
    return _open(line, cause, reason)


@transaction.atomic
def recover_for_revoked_certificate(certificate: Certificate) -> list[Recovery]:
    """Recoveries of every paid line resting on the certificate that has none yet, and the
    refusal of its lines not paid yet (无证无价: no subsidy without a valid certificate). Run on
    certificates' `certificate_revoked` signal, inside the revocation's transaction: the
    revocation is the bureau's act, so no other permission is asked, and lines in any region are
    caught."""
    reason = _("Certificate %(number)s revoked: %(reason)s") % {
        "number": certificate.number, "reason": certificate.revoked_reason or "—"}  # fmt: skip
    _refuse_unpaid(certificate, reason)
    lines = _lines_resting_on(certificate, (LineState.PAID,)).filter(recovery__isnull=True)
    return [_open(line, RecoveryCause.CERTIFICATE_REVOKED, reason) for line in lines]


def on_certificate_revoked(sender, certificate: Certificate, **kwargs) -> None:
    """The receiver of certificates.signals.certificate_revoked (connected in ClaimsConfig)."""
    recover_for_revoked_certificate(certificate)


def _lines_resting_on(certificate: Certificate, line_states) -> QuerySet[ClaimLine]:
    return (
        ClaimLine.objects.filter(certificate=certificate, state__in=line_states)
        .select_for_update(of=("self",))
        .select_related("claim", "person")
        .order_by("pk")
    )


def _refuse_unpaid(certificate: Certificate, reason: str) -> None:
    """Reject the lines on the certificate that are not paid and not with finance right now (a
    line with finance is settled by its outcome: recovered if paid, refused if failed); a claim
    left with nothing to pay is settled (payment.settle_claims)."""
    from jineng.claims.payment import settle_claims  # payment imports this module

    lines = _lines_resting_on(certificate, UNPAID_LINE_STATES).exclude(
        payments__outcome=PaymentOutcome.PENDING
    )
    claim_ids = set()
    for line in lines:
        if line.state != LineState.PENDING:  # approved (or failed): counted in the total
            claim = locked(line.claim)
            writes.update(claim, approved_total=claim.approved_total - line.amount)
        writes.update(line, state=LineState.REJECTED, review_reason=reason[:300], validate=False)
        ledger.add(
            line.person, ledger.Kind.SUBSIDY,
            _("Subsidy line refused, claim %(claim)s: %(reason)s")
            % {"claim": line.claim.number, "reason": reason},
            obj=line.claim, detail={"claim": line.claim.number, "reason": reason},
        )  # fmt: skip
        claim_ids.add(line.claim_id)
    settle_claims(claim_ids)


def _locked_open(recovery: Recovery) -> Recovery:
    found = Recovery.objects.filter(pk=recovery.pk)
    _require_payer(found, _("This recovery is outside your region."))
    recovery = found.select_for_update(of=("self",)).select_related("line__claim", "line__person")
    recovery = recovery.get()
    if recovery.state != RecoveryState.OPEN:
        raise ValidationError(
            _("This recovery is “%(state)s”: nothing more is recorded on it.")
            % {"state": RecoveryState(recovery.state).label}
        )
    return recovery


def _amount(value, outstanding: Decimal) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
        # quantize refuses (InvalidOperation) a number too large for the context, e.g. 1e999.
        whole_cents = amount.is_finite() and amount == amount.quantize(CENT)
    except InvalidOperation:
        whole_cents = False
    if not whole_cents or amount <= 0:
        raise ValidationError({"amount": _("Give the amount recovered in yuan, e.g. 300.00.")})
    if amount > outstanding:
        raise ValidationError(
            {"amount": _("Only %(left)s yuan is left to recover.") % {"left": f"{outstanding:.2f}"}}
        )
    return amount.quantize(CENT)


@transaction.atomic
def record_recovered(recovery: Recovery, amount, note: str = "") -> Recovery:
    """An amount got back; the amounts add up, and the recovery is done when the whole is back."""
    recovery = _locked_open(recovery)
    amount = _amount(amount, recovery.amount - recovery.recovered_amount)
    total = recovery.recovered_amount + amount
    done = total == recovery.amount
    note = " ".join((note or "").split())[:300]
    writes.update(
        recovery, recovered_amount=total, note=note,
        state=RecoveryState.RECOVERED if done else RecoveryState.OPEN,
        closed_at=timezone.now() if done else None, validate=False,
    )  # fmt: skip
    values = {"amount": f"{amount:.2f}", "total": f"{total:.2f}",
              "whole": f"{recovery.amount:.2f}", "claim": recovery.line.claim.number}  # fmt: skip
    _add_to_ledger(
        recovery,
        _("Subsidy recovered: %(amount)s yuan (%(total)s of %(whole)s), claim %(claim)s") % values,
        **values, note=note,
    )  # fmt: skip
    return recovery


@transaction.atomic
def waive(recovery: Recovery, note: str) -> Recovery:
    """Write off what is left to recover, with the reason (a note is required)."""
    recovery = _locked_open(recovery)
    note = " ".join((note or "").split())
    if not note:
        raise ValidationError({"note": _("Give the reason for writing the recovery off.")})
    writes.update(recovery, state=RecoveryState.WAIVED, note=note[:300],
                  closed_at=timezone.now(), validate=False)  # fmt: skip
    left = recovery.amount - recovery.recovered_amount
    _add_to_ledger(
        recovery,
        _("Subsidy recovery written off: %(left)s yuan, claim %(claim)s (%(note)s)")
        % {"left": f"{left:.2f}", "claim": recovery.line.claim.number, "note": note},
        left=f"{left:.2f}", note=note,
    )  # fmt: skip
    return recovery
