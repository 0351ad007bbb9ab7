"""Payment (拨付) of payable claims in batches, one fund channel a batch (004 §四(五): 经3个工作日
公示后, 按程序及时拨付资金, from 就业补助资金、职业技能提升专账资金、失业保险基金; 004 §五(四):
培训开班时要明确资金支出渠道, 培训结束后要严格资金拨付程序).

The bureau's payer (PAY_CLAIMS) makes a batch of the payable lines of one fund channel in its
region, exports it for the finance system (xlsx or CSV, each amount in figures and in Chinese
capitals, capitals.py), and records back what finance did with every line: paid, or failed with
the reason. A failed line is payable again and goes into a later batch as a new Payment, so every
attempt stays on record. A claim whose approved lines are all paid becomes PAID.

The finance bureau of the region (finance/audit role, read-only otherwise) sees the batches,
exports those sent to it and records their outcomes (RECORD_PAYMENTS): the one write of a
read-only role, opened by writes.read_only_exception in record_outcomes and in its variant for a
stopped line the bank had paid already, record_paid_before_stop, alone.
"""

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from jineng.catalog import timetable
from jineng.certificates.models import CertificateStatus
from jineng.claims import signals
from jineng.claims.capitals import amount_in_capitals
from jineng.claims.holds import findings_of, refuse_held, without_held
from jineng.claims.locks import locked
from jineng.claims.models import (
    BatchState,
    Claim,
    ClaimLine,
    ClaimState,
    LineState,
    Notice,
    Payment,
    PaymentBatch,
    PaymentOutcome,
)
from jineng.claims.numbers import next_number
from jineng.claims.recovery import recover_for_revoked_certificate
from jineng.core import audit, bulk, states, writes
from jineng.core.imports import spreadsheet_safe
from jineng.core.models import Organisation
from jineng.core.readiness import Ready
from jineng.core.roles import (
    Capability,
    OrgKind,
    acting_user,
    has_capability,
    require_capability,
)
from jineng.core.scope import scoped
from jineng.people import ledger
from jineng.people.models import LedgerEvent
from jineng.policy import check_payment_date

BATCH_PREFIX = "BF"  # 拨付
# Lines a batch takes: approved ones, and those whose payment failed (paid again).
PAYABLE_LINE_STATES = (LineState.APPROVED, LineState.FAILED)
# A payment that is still on its way or done: the line is in no other batch meanwhile.
LIVE_OUTCOMES = (PaymentOutcome.PENDING, PaymentOutcome.PAID)
FORMATS = ("xlsx", "csv")


# --- who may pay ------------------------------------------------------------------------------


def _require_payer() -> None:
    require_capability(
        Capability.PAY_CLAIMS, _("Only the bureau's payers make and record payments.")
    )


def _require_in_scope(queryset: QuerySet, message: str) -> None:
    user = acting_user()
    if user is not None and not scoped(user, queryset).exists():
        raise PermissionDenied(message)


def _check_bureau(bureau: Organisation, fund_channel) -> None:
    _require_payer()
    _require_in_scope(
        Organisation.objects.filter(pk=bureau.pk), _("This bureau is outside your region.")
    )
    if bureau.kind != OrgKind.BUREAU:
        raise ValidationError(_("Payments are made by a bureau, not by “%(org)s”.") % {
            "org": bureau.name})  # fmt: skip
    if fund_channel is None:
        raise ValidationError({"fund_channel": _("Choose the fund channel of the batch.")})


def _require_recorder() -> None:
    require_capability(
        Capability.RECORD_PAYMENTS,
        _("Only the bureau's payers and the finance bureau record payments."),
    )


def _locked_batch(batch: PaymentBatch, require=_require_payer) -> PaymentBatch:
    require()
    found = PaymentBatch.objects.filter(pk=batch.pk)
    _require_in_scope(found, _("This payment batch is outside your region."))
    return found.select_for_update(of=("self",)).select_related("bureau", "fund_channel").get()


def line_label(line: ClaimLine) -> str:
    """A line as messages name it: the claim's number and the person's masked ID number."""
    return f"{line.claim.number} · {line.person.id_number_masked}"


# --- the payment window (004 §四(五) 做好资金支付(4月至10月)) ------------------------------


def payment_window_warning(bureau: Organisation, day: date | None = None, packs=None) -> str:
    """The warning when money is paid on `day` (today when not given) outside the year's
    payment window of the bureau's pack ("" inside it, or when no pack states the window).
    A warning, never a refusal: 004 §四(五) schedules the payments, it forbids none."""
    day = day or timezone.localdate()
    return timetable.warning(
        bureau.region_code, day.year, lambda pack: check_payment_date(pack, day), packs
    )


def batch_warnings(batch: PaymentBatch) -> list[str]:
    """What the batch's page warns about: made, or payments of it recorded paid, outside the
    payment window (004 §四(五)); one sentence a day."""
    packs: dict = {}
    said = []
    made = timezone.localdate(batch.created_at)
    late = payment_window_warning(batch.bureau, made, packs)
    if late:
        said.append(_("Made outside the payment window: %(warning)s") % {"warning": late})
    # the bank's day when finance recorded it (paid before the stop), else the recording's
    paid_days = sorted({
        bank_day or timezone.localdate(recorded)
        for recorded, bank_day in batch.payments.filter(outcome=PaymentOutcome.PAID)
        .exclude(recorded_at=None).values_list("recorded_at", "paid_on")
    })  # fmt: skip
    for day in paid_days:
        late = payment_window_warning(batch.bureau, day, packs)
        if late:
            said.append(_("Paid outside the payment window: %(warning)s") % {"warning": late})
    return said


# --- payable lines and batches ----------------------------------------------------------------


def payable_lines(bureau: Organisation, fund_channel) -> QuerySet[ClaimLine]:
    """Lines the bureau may pay from the channel: approved (or failed before) lines with an
    amount, of PAYABLE claims of that channel in the bureau's region, in no live payment. A line
    whose certificate was revoked is not paid (it is recovered once paid: recovery.py), nor one
    that a finding of the data comparison holds (holds.py)."""
    _check_bureau(bureau, fund_channel)
    lines = (
        ClaimLine.objects.filter(
            claim__state=ClaimState.PAYABLE,
            claim__fund_channel=fund_channel,
            claim__bureau__path__startswith=bureau.path,
            state__in=PAYABLE_LINE_STATES,
            amount__gt=0,
        )
        .filter(Q(certificate__isnull=True) | ~Q(certificate__status=CertificateStatus.REVOKED))
        .exclude(payments__outcome__in=LIVE_OUTCOMES)
        .select_related("claim", "person")
        .order_by("claim__number", "id")
    )
    return without_held(lines)


def last_notice(bureau: Organisation, fund_channel) -> Notice | None:
    """The running notice of the channel's claims in the bureau's region that ends last."""
    return (
        Notice.objects.filter(
            claim__state=ClaimState.IN_NOTICE,
            claim__fund_channel=fund_channel,
            claim__bureau__path__startswith=bureau.path,
        )
        .order_by("-ends_on")
        .first()
    )


def batch_readiness(bureau: Organisation, fund_channel) -> Ready:
    """Whether a batch of the channel may be made now, and if not why: a claim is paid only
    after its public notice ended (004 §四(五) 经3个工作日公示后拨付). create_batch and the
    payments page (the button disabled with the reason) ask this one rule."""
    if payable_lines(bureau, fund_channel).exists():
        return Ready()
    notice = last_notice(bureau, fund_channel)
    if notice is not None:
        return Ready.no(
            _("Nothing is payable yet: claims of %(channel)s are in public notice until "
              "%(end)s; they are paid once the reviewer ends the notice, from %(next)s.")
            % {"channel": fund_channel.name, "end": notice.ends_on,
               "next": notice.ends_on + timedelta(days=1)}
        )  # fmt: skip
    return Ready.no(_("No line of this fund channel is payable."))


def _chosen(candidates: QuerySet[ClaimLine], lines) -> list[ClaimLine]:
    """The candidates, locked; all of them, or the chosen ones (each of which must be one)."""
    wanted = None if lines is None else {getattr(line, "pk", line) for line in lines}
    if wanted is not None:
        candidates = candidates.filter(pk__in=wanted)
    ids = list(candidates.select_for_update(of=("self",)).values_list("pk", flat=True))
    # Read again after the lock: a batch made meanwhile has taken some of them.
    found = list(candidates.filter(pk__in=ids))
    missing = (wanted or set()) - {line.pk for line in found}
    if missing:
        labels = [line_label(line) for line in ClaimLine.objects.filter(pk__in=missing)
                  .select_related("claim", "person")]  # fmt: skip
        raise ValidationError(
            _("Not payable in this batch: %(lines)s.")
            % {"lines": "、".join(labels) or _("unknown lines")}
        )
    if not found:
        raise ValidationError(_("No line of this fund channel is payable."))
    return found


def _next_number() -> str:
    """BF, the year, a serial: "BF2026-000012"."""
    return next_number(f"{BATCH_PREFIX}{timezone.localdate().year}")


@transaction.atomic
def create_batch(bureau: Organisation, fund_channel, lines=None) -> PaymentBatch:
    """A batch of the channel's payable lines (all of them, or the ones given), a Payment of
    each line's amount, and the total."""
    if lines is None:  # all of them (the payments page): refused as the page says why
        batch_readiness(bureau, fund_channel).check()
    else:  # chosen ones: a line a finding holds is refused naming the finding
        wanted = {getattr(line, "pk", line) for line in lines}
        refuse_held(
            ClaimLine.objects.filter(pk__in=wanted).select_related("person"),
            pgettext("held line", "paid"),
        )
    chosen = _chosen(payable_lines(bureau, fund_channel), lines)  # chosen ones: by name
    batch = writes.create(
        PaymentBatch(
            number=_next_number(),
            bureau=bureau,
            fund_channel=fund_channel,
            total=sum((line.amount for line in chosen), Decimal("0.00")),
            created_by=acting_user(),
        ),
        validate=False,  # created_by is empty for the system's own batches
    )
    payments = [Payment(batch=batch, line=line, amount=line.amount) for line in chosen]
    try:
        with transaction.atomic():
            Payment.objects.bulk_create(payments)
    except IntegrityError:
        raise ValidationError(
            _("Some of these lines were put in another batch just now.")
        ) from None
    audit.record_created(payments)
    return batch


# --- the export for the finance system --------------------------------------------------------


def payee_of(claim: Claim) -> tuple[str, str]:
    """(name, unified social credit code) of whom the claim is paid to: the enterprise or agency
    an employment claim names, otherwise the claiming institution or evaluation organisation."""
    if claim.payee_name:
        return claim.payee_name, claim.payee_uscc
    return claim.organisation.name, claim.organisation.code


def _header() -> list[str]:
    return [
        _("Payment batch number"),
        _("Subsidy claim number"),
        _("Paid to"),
        _("Payee's unified social credit code"),
        _("Name of the person"),
        _("ID number of the person"),
        _("Amount in figures (yuan)"),
        _("Amount in capitals (RMB)"),
        _("Fund channel"),
    ]


def export_rows(batch: PaymentBatch) -> list[list]:
    """One row a payment (amounts as Decimals), then the total."""
    payments = batch.payments.select_related("line__claim__organisation", "line__person")
    rows = []
    for payment in payments.order_by("line__claim__number", "line_id"):
        line = payment.line
        name, uscc = payee_of(line.claim)
        rows.append([
            batch.number, line.claim.number, name, uscc, line.person.name,
            line.person.id_number_masked, payment.amount, amount_in_capitals(payment.amount),
            batch.fund_channel.name,
        ])  # fmt: skip
    total = sum((row[6] for row in rows), Decimal("0.00"))
    rows.append([_("Batch total"), "", "", "", "", "", total, amount_in_capitals(total), ""])
    return rows


def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        cells = [f"{v:.2f}" if isinstance(v, Decimal) else spreadsheet_safe(v) for v in row]
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM tells Excel it is UTF-8


def _xlsx(title: str, rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
        sheet.cell(sheet.max_row, 7).number_format = "#,##0.00"
    for column, width in zip("ABCDEFGHI", (16, 16, 30, 22, 10, 22, 14, 36, 20), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@transaction.atomic
def export_batch(batch: PaymentBatch, fmt: str) -> bytes:
    """The batch as a file for the finance system ("xlsx" or "csv"); an open batch is marked
    sent to finance (EXPORTED). Exporting again gives the same lines."""
    if fmt not in FORMATS:
        raise ValidationError(_("Export as xlsx or csv."))
    batch = _locked_batch(batch, _require_recorder)
    if batch.state == BatchState.OPEN:
        _require_sender(batch)
    rows = [_header(), *export_rows(batch)]
    data = _xlsx(batch.number, rows) if fmt == "xlsx" else _csv(rows)
    if batch.state == BatchState.OPEN:
        writes.update(batch, state=BatchState.EXPORTED, exported_at=timezone.now())
    return data


def send_readiness(batch: PaymentBatch, user) -> Ready:
    """Whether the user may export the batch now, and if not why: only the bureau's payers
    send a batch to finance (its first export); finance reads the batches sent to it. The
    export and the batch's page ask this one rule."""
    open_batch = batch.state == BatchState.OPEN
    if open_batch and user is not None and not has_capability(user, Capability.PAY_CLAIMS):
        return Ready.no(
            _("Batch %(number)s is not sent to finance yet: the bureau's payers send it.")
            % {"number": batch.number}
        )
    if open_batch:
        return _held_in(batch)
    return Ready()


def _held_in(batch: PaymentBatch) -> Ready:
    """Money waits for the data comparison (004 §五(六)): a batch is not sent to finance while
    a finding opened since it was made holds one of its lines; it is withdrawn and made again,
    which leaves the held lines out until their findings are cleared."""
    pending = batch.payments.filter(outcome=PaymentOutcome.PENDING).select_related("line__person")
    lines = {payment.line_id: payment.line for payment in pending}
    held = findings_of(lines)
    if not held:
        return Ready()
    line_id = min(held)
    number, summary, _url = held[line_id][0]
    person = lines[line_id].person
    return Ready.no(
        _("Batch %(batch)s is not sent to finance: the line of %(person)s (%(id)s) waits for "
          "finding %(finding)s (%(summary)s). Withdraw the batch and make it again; the held "
          "lines wait until their findings are cleared.")
        % {"batch": batch.number, "person": person.name, "id": person.id_number_masked,
           "finding": number, "summary": summary}
    )  # fmt: skip


def _require_sender(batch: PaymentBatch) -> None:
    send_readiness(batch, acting_user()).check()


# --- outcomes ---------------------------------------------------------------------------------


def outcome_readiness(batch: PaymentBatch) -> Ready:
    """Whether outcomes may be recorded now, and if not why: once the batch is sent to finance
    (exported). record_outcomes and the batch's page ask this one rule."""
    if batch.state == BatchState.OPEN:
        return Ready.no(
            _("Batch %(number)s is not sent to finance yet: export it for the finance system "
              "first; the outcomes are recorded once finance has paid.")
            % {"number": batch.number}
        )  # fmt: skip
    if batch.state != BatchState.EXPORTED:
        return Ready.no(
            _("Outcomes are recorded for a batch sent to finance; batch %(number)s is “%(state)s”.")
            % {"number": batch.number, "state": BatchState(batch.state).label}
        )
    return Ready()


def _pending_payments(batch: PaymentBatch, outcomes: dict) -> dict[int, Payment]:
    """The batch's payments of the lines named, each still waiting for its outcome."""
    outcome_readiness(batch).check()
    if not outcomes:
        raise ValidationError(_("Give the outcome of at least one line."))
    found = batch.payments.select_for_update(of=("self",)).filter(line_id__in=list(outcomes))
    found = found.select_related("line__claim", "line__person", "line__certificate")
    payments = {payment.line_id: payment for payment in found}
    unknown = sorted(set(outcomes) - set(payments))
    if unknown:
        raise ValidationError(_("Lines %(ids)s are not in batch %(number)s.") % {
            "ids": ", ".join(map(str, unknown)), "number": batch.number})  # fmt: skip
    done = [line_label(p.line) for p in payments.values() if p.outcome != PaymentOutcome.PENDING]
    if done:
        raise ValidationError(
            _("The outcome was already recorded for %(lines)s.") % {"lines": "、".join(done)}
        )
    return payments


def _checked_outcomes(outcomes: dict, payments: dict[int, Payment]) -> dict[int, tuple]:
    """{line id: (paid, reason)}; a failed payment needs its reason."""
    checked = {}
    for line_id, (paid, reason) in outcomes.items():
        reason = " ".join((reason or "").split())
        if not paid and not reason:
            raise ValidationError(
                _("Give the reason why the payment of %(line)s failed.")
                % {"line": line_label(payments[line_id].line)}
            )
        checked[line_id] = (bool(paid), reason[:300])
    return checked


def _ledger_event(payment: Payment, batch: PaymentBatch, paid: bool, reason: str) -> dict:
    line = payment.line
    values = {"amount": f"{payment.amount:.2f}", "claim": line.claim.number,
              "batch": batch.number, "reason": reason}  # fmt: skip
    if paid:
        title = _("Subsidy paid: %(amount)s yuan, claim %(claim)s, batch %(batch)s") % values
    else:
        title = _("Subsidy payment failed: claim %(claim)s, batch %(batch)s (%(reason)s)") % values
    return ledger.event(
        line.person, ledger.Kind.SUBSIDY, title, obj=payment, decision=line.decision,
        detail={**values, "outcome": "paid" if paid else "failed"},
    )  # fmt: skip


def _record(payment: Payment, paid: bool, reason: str, now) -> None:
    if paid:
        writes.update(payment, outcome=PaymentOutcome.PAID, recorded_at=now, validate=False)
        writes.update(payment.line, state=LineState.PAID, paid_at=now, validate=False)
    else:
        writes.update(payment, outcome=PaymentOutcome.FAILED, failure_reason=reason,
                      recorded_at=now, validate=False)  # fmt: skip
        writes.update(payment.line, state=LineState.FAILED, validate=False)


def settle_claims(claim_ids: set[int]) -> None:
    """Payable claims with no approved line left to pay become PAID, or CLOSED when none of
    their lines was paid (every one refused after the notice: its certificate revoked)."""
    for claim in Claim.objects.filter(pk__in=claim_ids).order_by("pk"):
        claim = locked(claim)
        unpaid = claim.lines.filter(state__in=PAYABLE_LINE_STATES, amount__gt=0)
        if claim.state != ClaimState.PAYABLE or unpaid.exists():
            continue
        if claim.lines.filter(state=LineState.PAID).exists():
            states.move(claim, ClaimState.PAID, reason=_("Every approved line is paid."))
        else:
            states.move(claim, ClaimState.CLOSED, reason=_("No approved line is left to pay."))


def _recover_revoked(lines: list[ClaimLine]) -> None:
    """A certificate revoked while its line was with finance: a paid line is recovered at once,
    a failed one refused, as revocation does for the lines it finds (recovery.py)."""
    for certificate in {line.certificate for line in lines if line.certificate_id}:
        if certificate.status == CertificateStatus.REVOKED:
            recover_for_revoked_certificate(certificate)


@transaction.atomic
def record_outcomes(batch: PaymentBatch, outcomes: dict[int, tuple[bool, str]]) -> PaymentBatch:
    """What finance did with the lines: {line id: (paid, reason when it failed)}. Paid lines
    are PAID; failed lines are payable again in a later batch. Nothing is written when one
    outcome is refused. The finance bureau records them too: the one write of its read-only
    role (writes.read_only_exception), on a batch of its region sent to it."""
    batch = _locked_batch(batch, _require_recorder)
    _require_batch_in_scope(batch)
    if batch.state == BatchState.OPEN:
        _require_sender(batch)  # finance records only what the bureau sent it
    with writes.read_only_exception(Capability.RECORD_PAYMENTS):
        return _record_outcomes(batch, outcomes)


def _require_batch_in_scope(batch: PaymentBatch) -> None:
    """The recorder's region holds the batch (the pages and the API find no other; a service
    called directly checks it too)."""
    user = acting_user()
    if user is not None and not scoped(user, PaymentBatch.objects.filter(pk=batch.pk)).exists():
        raise PermissionDenied(_("This payment batch is not in your region."))


def _refuse_stopped(payments: dict[int, Payment], checked: dict[int, tuple]) -> None:
    """A line sent to finance that a finding holds meanwhile is stopped (止付, 004 §五(六)): it
    is not recorded paid until the finding is cleared. Finance records it failed, with the
    reason, and the line is paid again in a later batch once its finding is cleared."""
    paid = [payments[line_id].line for line_id, (done, _reason) in checked.items() if done]
    held = findings_of(line.pk for line in paid)
    if not held:
        return
    line = next(line for line in paid if line.pk in held)
    number, summary, _url = held[line.pk][0]
    raise ValidationError(
        _("Payment of the line of %(person)s (%(id)s) is stopped: finding %(finding)s "
          "(%(summary)s) holds it. Record it as failed (payment stopped); it is paid again in a "
          "later batch once the finding is cleared. If the bank had paid it before the stop "
          "reached it, record it as paid before the stop, with the bank's payment day and "
          "reference.")
        % {"person": line.person.name, "id": line.person.id_number_masked, "finding": number,
           "summary": summary}
    )  # fmt: skip


def _record_outcomes(batch: PaymentBatch, outcomes: dict[int, tuple[bool, str]]) -> PaymentBatch:
    payments = _pending_payments(batch, outcomes)
    checked = _checked_outcomes(outcomes, payments)
    _refuse_stopped(payments, checked)
    now = timezone.now()
    events = []
    for line_id, (paid, reason) in checked.items():
        _record(payments[line_id], paid, reason, now)
        events.append(_ledger_event(payments[line_id], batch, paid, reason))
    bulk.insert(LedgerEvent, events)
    paid = [payments[line_id].line for line_id, (ok, _reason) in checked.items() if ok]
    _after_outcomes(list(payments.values()), paid)
    return batch


def _after_outcomes(payments: list[Payment], paid: list[ClaimLine]) -> None:
    """What follows recorded outcomes: the paid lines announced, a revoked certificate's line
    recovered (or refused), the claims settled."""
    if paid:
        signals.lines_paid.send(sender=ClaimLine, lines=paid)
    _recover_revoked([payment.line for payment in payments])
    settle_claims({payment.line.claim_id for payment in payments})


# --- paid before the stop (004 §五(六) 账实相符) ------------------------------------------------

BANK_REFERENCE_LENGTH = 64


@transaction.atomic
def record_paid_before_stop(
    batch: PaymentBatch, line_id: int, *, paid_on: date | None, bank_reference: str, finding: str
) -> Payment:
    """A stopped line (止付: a finding holds it while it is with finance) that the bank had
    paid before the stop reached it. The books follow the money (004 §五(六) 账实相符): the
    payment is recorded paid, with the day the bank paid (not before the batch was sent to
    finance, not in the future), the bank's reference and the finding whose stop came too
    late, which must hold the line. The line is paid; if that finding is confirmed, its
    recovery (追回) opens like any paid line's; cleared, nothing more happens. Recorded by
    those who record outcomes (finance too: writes.read_only_exception); all or nothing."""
    batch = _locked_batch(batch, _require_recorder)
    _require_batch_in_scope(batch)
    with writes.read_only_exception(Capability.RECORD_PAYMENTS):
        return _record_paid_before_stop(batch, line_id, paid_on, bank_reference, finding)


def _record_paid_before_stop(batch, line_id, paid_on, bank_reference, finding) -> Payment:
    payment_ = _pending_payments(batch, {line_id: None})[line_id]
    line = payment_.line
    person = {"person": line.person.name, "id": line.person.id_number_masked}
    holding = [number for number, _summary, _url in findings_of([line.pk]).get(line.pk, [])]
    if not holding:
        raise ValidationError(
            _("The line of %(person)s (%(id)s) is not stopped: no finding holds it. Record its "
              "outcome as paid or failed.") % person
        )  # fmt: skip
    finding = (finding or "").strip().upper()
    if finding not in holding:
        raise ValidationError({"finding": _(
            "Finding %(finding)s does not hold the line of %(person)s (%(id)s); the findings "
            "holding it: %(numbers)s.") % {"finding": finding or "—", "numbers": "、".join(holding),
                                          **person}})  # fmt: skip
    reference = " ".join((bank_reference or "").split())
    if not reference:
        raise ValidationError({"bank_reference": _("Give the bank's reference of the payment.")})
    if len(reference) > BANK_REFERENCE_LENGTH:
        raise ValidationError(
            {
                "bank_reference": _("The bank's reference has at most %(n)d characters.")
                % {"n": BANK_REFERENCE_LENGTH}
            }
        )
    _check_bank_day(batch, paid_on)
    now = timezone.now()
    message = _("Paid before the stop of finding %(finding)s") % {"finding": finding}
    writes.update(payment_, outcome=PaymentOutcome.PAID, recorded_at=now, paid_on=paid_on,
                  bank_reference=reference, before_stop_of=finding, message=message,
                  validate=False)  # fmt: skip
    bank_day = timezone.make_aware(datetime.combine(paid_on, time()))
    writes.update(line, state=LineState.PAID, paid_at=bank_day, message=message, validate=False)
    event = _ledger_event(payment_, batch, True, "")
    event["detail"] = {**event["detail"], "paid_on": paid_on.isoformat(),
                       "bank_reference": reference, "before_stop_of": finding}  # fmt: skip
    bulk.insert(LedgerEvent, [event])
    _after_outcomes([payment_], [line])
    return payment_


def _check_bank_day(batch: PaymentBatch, paid_on: date | None) -> None:
    if paid_on is None:
        raise ValidationError({"paid_on": _("Give the day the bank paid.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The bank's payment day cannot be in the future.")})
    sent = timezone.localdate(batch.exported_at) if batch.exported_at else None
    if sent is not None and paid_on < sent:
        raise ValidationError({"paid_on": _(
            "Batch %(number)s was sent to finance on %(day)s: the bank cannot have paid it "
            "before.") % {"number": batch.number, "day": sent}})  # fmt: skip


@transaction.atomic
def close_batch(batch: PaymentBatch) -> PaymentBatch:
    """Close a batch sent to finance once every line of it has its outcome."""
    batch = _locked_batch(batch)
    close_readiness(batch).check()
    return writes.update(batch, state=BatchState.CLOSED, closed_at=timezone.now())


def close_readiness(batch: PaymentBatch) -> Ready:
    """Whether the batch may be closed now, and if not why: sent to finance, every line with
    its outcome. close_batch and the batch's page ask this one rule."""
    if batch.state != BatchState.EXPORTED:
        return Ready.no(
            _("Only a batch sent to finance is closed; batch %(number)s is “%(state)s”.")
            % {"number": batch.number, "state": BatchState(batch.state).label}
        )
    waiting = batch.payments.filter(outcome=PaymentOutcome.PENDING).count()
    if waiting:
        return Ready.no(
            ngettext(
                "%(count)s line of batch %(number)s has no outcome yet.",
                "%(count)s lines of batch %(number)s have no outcome yet.",
                waiting,
            )
            % {"count": waiting, "number": batch.number}
        )
    return Ready()


@transaction.atomic
def cancel_batch(batch: PaymentBatch, reason: str) -> PaymentBatch:
    """Withdraw a batch made by mistake, before it goes to finance: its payments are recorded
    as not made (failed, with the reason), which puts their lines back among the payable ones,
    and the batch is closed. Every attempt stays on record."""
    batch = _locked_batch(batch)
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise ValidationError({"reason": _("Give the reason for withdrawing the batch.")})
    if batch.state != BatchState.OPEN:
        raise ValidationError(
            _("Only a batch not yet sent to finance is withdrawn; batch %(number)s is “%(state)s”.")
            % {"number": batch.number, "state": BatchState(batch.state).label}
        )
    now = timezone.now()
    for attempt in batch.payments.filter(outcome=PaymentOutcome.PENDING).order_by("pk"):
        writes.update(attempt, outcome=PaymentOutcome.FAILED, failure_reason=reason,
                      recorded_at=now)  # fmt: skip
    return writes.update(batch, state=BatchState.CLOSED, closed_at=now, message=reason)


def batch_totals(batch: PaymentBatch) -> dict[str, Decimal]:
    """The batch's amounts by outcome (pending, paid, failed)."""
    sums = dict(batch.payments.values_list("outcome").annotate(s=Sum("amount")).order_by())
    return {outcome: sums.get(outcome) or Decimal("0.00") for outcome in PaymentOutcome.values}
