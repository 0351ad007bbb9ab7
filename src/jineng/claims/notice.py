"""The public notice (公示) of a reviewed claim's approved lines, and objections (异议) to it.

004 §四(五): 经3个工作日公示后拨付 — payment follows a public notice of N working days, N being
the pack's procedure.notice_working_days (never a constant here: a pack that states none
refuses). Working days follow China's holiday calendar with its adjusted working weekends
(jineng.policy.workdays); a year with no calendar data is refused, never guessed.

While the notice runs (its first day to its last, inclusive) anyone, without logging in, may
lodge an objection, about one line or about the whole list. The bureau resolves each one:
dismissed, or upheld, which rejects the lines it concerns. An objection about one line rejects
that line; one about the whole list rejects the lines the reviewer names (`lines`), all of them
to reject the whole list: a vague objection never wipes out a list on its own. The notice ends,
and the claim becomes payable, from the day after its last day and only when no objection is
open.

The public page shows names and ID numbers masked only (张*明, 4114**********123X).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jineng.catalog.models import PolicyPackVersion
from jineng.catalog.packs import parsed_pack
from jineng.claims.locks import locked
from jineng.claims.models import (
    Claim,
    ClaimLine,
    ClaimState,
    LineState,
    Notice,
    Objection,
    ObjectionState,
)
from jineng.claims.review import approved_total, check_reviewer, decide_line, lines_of
from jineng.core import crypto, states, writes
from jineng.core.personal import mask_name, mask_phone, mask_text
from jineng.core.readiness import Ready
from jineng.core.roles import acting_user
from jineng.people import ledger
from jineng.people.services import check_phone
from jineng.policy import notice_ends_on
from jineng.policy.pack import PolicyPack
from jineng.policy.workdays import UnknownCalendarYear

NOTICE_DAYS = "procedure.notice_working_days"
RECENT_DAYS = 30  # an ended notice stays on the public page this many days
TEXT_MAX = 2000  # Objection.text
NAME_MAX = 60  # Objection.contact_name
RESOLUTION_MAX = 500  # Objection.resolution
CONTACT_FIELD = "objection_phone"  # the objector's phone: its encryption's associated data
# Lines shown on the public page: approved, and (after the notice) being paid.
PUBLIC_LINE_STATES = (LineState.APPROVED, LineState.PAID, LineState.FAILED)


# --- publishing -------------------------------------------------------------------------------


def notice_pack(claim: Claim) -> tuple[PolicyPackVersion, PolicyPack]:
    """The pack version the claim's approved lines were decided with, which must state the
    notice period (004 §四(五)). Lines are decided together, under one version; should a claim
    hold lines of several, the longest notice is kept, as it satisfies every version."""
    ids = claim.lines.filter(state=LineState.APPROVED).values_list("decision__pack", flat=True)
    versions = [(v, parsed_pack(v)) for v in PolicyPackVersion.objects.filter(pk__in=set(ids))]
    if not versions:
        raise ValidationError(_("The claim has no approved line to notice."))
    for version, pack in versions:
        if pack.value(NOTICE_DAYS) is None:
            raise ValidationError(
                _("Policy pack %(pack)s states no public notice period "
                  "(procedure.notice_working_days): add it to the pack before publishing.")
                % {"pack": str(version)}
            )  # fmt: skip
    return max(versions, key=lambda found: found[1].value(NOTICE_DAYS))


def notice_end(pack: PolicyPack, starts_on: date) -> date:
    """The notice's last day: N working days after its first (jineng.policy.notice_ends_on)."""
    try:
        return notice_ends_on(pack, starts_on)
    except UnknownCalendarYear as missing:
        raise ValidationError(
            _("There is no working-day calendar for %(year)s yet, so the end of the notice "
              "cannot be computed: add that year's holiday schedule first.")
            % {"year": missing.year}
        ) from None  # fmt: skip


def _start(claim: Claim, starts_on: date | None) -> date:
    """Today unless given; a notice posted elsewhere first may start earlier, but never before
    the review that made its list."""
    starts_on = starts_on or timezone.localdate()
    reviewed_on = timezone.localdate(claim.reviewed_at) if claim.reviewed_at else starts_on
    if starts_on < reviewed_on:
        raise ValidationError(
            {"starts_on": _("A notice cannot start before the claim was reviewed (%(date)s).")
             % {"date": reviewed_on}}
        )  # fmt: skip
    return starts_on


@transaction.atomic
def publish_notice(claim: Claim, *, starts_on: date | None = None) -> Notice:
    """Publish the public notice of a reviewed claim (004 §四(五): 经3个工作日公示后拨付): its end
    computed in working days from the pack version its lines were decided with, kept with it."""
    check_reviewer(claim)
    claim = locked(claim)
    states.check(claim, ClaimState.IN_NOTICE)
    starts_on = _start(claim, starts_on)
    version, pack = notice_pack(claim)
    ends_on = notice_end(pack, starts_on)
    notice = writes.create(
        Notice(
            claim=claim, starts_on=starts_on, ends_on=ends_on,
            working_days=pack.value(NOTICE_DAYS), pack=version, published_by=acting_user(),
        )
    )  # fmt: skip
    period = {"start": starts_on, "end": ends_on}
    reason = _("Public notice from %(start)s to %(end)s.") % period
    states.move(claim, ClaimState.IN_NOTICE, reason=reason)
    title = _("In public notice from %(start)s to %(end)s, claim %(number)s: %(amount)s yuan")
    _write_ledgers(claim, title, period)
    return notice


def _write_ledgers(claim: Claim, title: str, values: dict) -> None:
    """One event on the ledger of each person whose line is approved (the line links the
    decision and its reasons)."""
    for line in claim.lines.filter(state=LineState.APPROVED).select_related("person"):
        text = title % {**values, "number": claim.number, "amount": line.amount}
        ledger.add(line.person, ledger.Kind.SUBSIDY, text, obj=line,
                   detail={"claim": claim.number, "amount": str(line.amount)})  # fmt: skip


# --- objections -------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    """The objection, bounded; ID and phone numbers typed into it are masked, as everywhere
    outside their own encrypted fields (the public list shows them masked anyway)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your objection.")})
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {"text": _("An objection has at most %(max)d characters.") % {"max": TEXT_MAX}}
        )
    return mask_text(text)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if len(name) > NAME_MAX:
        raise ValidationError(
            {"contact_name": _("A name has at most %(max)d characters.") % {"max": NAME_MAX}}
        )
    return name


def _check_running(claim: Claim, notice: Notice, today: date) -> None:
    if claim.state != ClaimState.IN_NOTICE or notice.ended_at is not None:
        raise ValidationError(_("This notice has ended: objections are no longer taken."))
    if today < notice.starts_on:
        raise ValidationError(
            _("The notice runs from %(start)s to %(end)s: objections are taken then.")
            % {"start": notice.starts_on, "end": notice.ends_on}
        )
    if today > notice.ends_on:
        raise ValidationError(
            _("The notice ended on %(end)s: objections were taken until then.")
            % {"end": notice.ends_on}
        )


def _objected_line(claim: Claim, line) -> ClaimLine | None:
    if line in (None, ""):
        return None
    try:
        return lines_of(claim, [line], states_in=[LineState.APPROVED])[0]
    except ValidationError:
        raise ValidationError({"line": _("This line is not on the notice.")}) from None


@transaction.atomic
def lodge_objection(
    notice: Notice, *, text: str, contact_name: str = "", phone: str = "", line=None
) -> Objection:
    """An objection (异议) to a running notice (004 §四(五) 公示), by anyone, no login needed:
    about one line (a ClaimLine or its id) or, with none, the whole list. The phone, checked
    like every phone, is stored encrypted and shown masked; it is never logged."""
    text, contact_name = _clean_text(text), _clean_name(contact_name)
    phone = check_phone(phone) if (phone or "").strip() else ""
    claim = locked(notice.claim)  # one at a time with end_notice's count of open ones
    notice = Notice.objects.get(pk=notice.pk)
    _check_running(claim, notice, timezone.localdate())
    objection = Objection(
        notice=notice, line=_objected_line(claim, line), text=text, contact_name=contact_name
    )
    if phone:
        objection.contact_cipher = crypto.encrypt(phone, CONTACT_FIELD)
        objection.contact_masked = mask_phone(phone)
    return writes.create(objection)


def objector_phone(objection: Objection) -> str:
    """The objector's phone in clear, for the reviewer who answers (never shown in lists)."""
    if not objection.contact_cipher:
        return ""
    return crypto.decrypt(objection.contact_cipher, CONTACT_FIELD)


def _clean_resolution(resolution: str) -> str:
    resolution = " ".join((resolution or "").split())
    if not resolution:
        raise ValidationError({"resolution": _("Say how the objection was resolved.")})
    if len(resolution) > RESOLUTION_MAX:
        raise ValidationError(
            {"resolution": _("A resolution has at most %(max)d characters.")
             % {"max": RESOLUTION_MAX}}
        )  # fmt: skip
    return resolution


def _upheld_lines(claim: Claim, objection: Objection, lines) -> list[ClaimLine]:
    """The lines an upheld objection rejects: those named, else the objection's own line (if
    another objection already rejected it, none); an objection about the whole list needs
    them named."""
    if lines is not None:
        return lines_of(claim, lines, states_in=[LineState.APPROVED])
    if objection.line_id is None:
        raise ValidationError(
            {"lines": _("This objection is about the whole list: choose the lines that "
                        "upholding it rejects (all of them to reject the whole list).")}
        )  # fmt: skip
    return lines_of(claim, [objection.line_id]) if _still_approved(objection) else []


def _still_approved(objection: Objection) -> bool:
    return ClaimLine.objects.filter(pk=objection.line_id, state=LineState.APPROVED).exists()


@transaction.atomic
def resolve_objection(
    objection: Objection, *, upheld: bool, resolution: str, lines=None
) -> Objection:
    """Resolve an open objection while its notice runs or waits to end (004 §四(五)): dismissed,
    or upheld, which rejects the lines it concerns (`lines`, see the module's docstring) and
    writes each on its person's ledger. Payment waits until every objection is resolved."""
    resolution = _clean_resolution(resolution)
    claim = Claim.objects.get(notice__objections=objection)
    check_reviewer(claim)
    claim = locked(claim)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.state != ObjectionState.OPEN:
        raise ValidationError(_("This objection is already resolved."))
    if claim.state != ClaimState.IN_NOTICE:
        raise ValidationError(_("Objections are resolved while the claim is in public notice."))
    if not upheld and lines is not None:
        raise ValidationError({"lines": _("A dismissed objection rejects no line.")})
    rejected = _upheld_lines(claim, objection, lines) if upheld else []
    writes.update(
        objection, state=ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED,
        resolution=resolution, resolved_by=acting_user(), resolved_at=timezone.now(),
    )  # fmt: skip
    reason = (_("Objection upheld: %(resolution)s") % {"resolution": resolution})[:300]
    for line in rejected:
        decide_line(claim, line, LineState.REJECTED, reason)
    if rejected:
        writes.update(claim, approved_total=approved_total(claim))
    return objection


# --- the end of the notice --------------------------------------------------------------------


def _today(today: date | None) -> date:
    actual = timezone.localdate()
    if today is not None and today > actual:
        raise ValidationError(_("A notice is ended on the day itself, not ahead of time."))
    return today or actual


@transaction.atomic
def end_notice(claim: Claim, *, today: date | None = None) -> Claim:
    """End the notice of a claim (004 §四(五): 经3个工作日公示后拨付): from the day after its
    last day, with every objection resolved. The claim becomes payable, or is closed when upheld
    objections left nothing approved."""
    check_reviewer(claim)
    claim = locked(claim)
    states.check(claim, ClaimState.PAYABLE)
    notice = Notice.objects.get(claim=claim)
    end_readiness(notice, _today(today)).check()
    writes.update(notice, ended_at=timezone.now())
    total = approved_total(claim)
    if not claim.lines.filter(state=LineState.APPROVED).exists():
        states.move(claim, ClaimState.CLOSED, reason=_("Upheld objections left nothing approved."))
        return claim
    ended = _("Public notice ended.")
    states.move(claim, ClaimState.PAYABLE, reason=ended, values={"approved_total": total})
    _write_ledgers(claim, _("Public notice of claim %(number)s ended: %(amount)s yuan to pay"), {})
    return claim


def end_readiness(notice: Notice, today: date | None = None) -> Ready:
    """Whether the notice may end now, and if not why: from the day after its last day (004
    §四(五) 经3个工作日公示), with every objection resolved. The service and the claim's page
    (the button disabled with the reason) both ask this."""
    today = today or timezone.localdate()
    if today <= notice.ends_on:
        return Ready.no(
            _("The notice runs until %(end)s: it can end from %(next)s.")
            % {"end": notice.ends_on, "next": notice.ends_on + timedelta(days=1)}
        )
    count = notice.objections.filter(state=ObjectionState.OPEN).count()
    if count:
        return Ready.no(
            ngettext(
                "%(count)d objection is still open: resolve it before the notice ends.",
                "%(count)d objections are still open: resolve them before the notice ends.",
                count,
            )
            % {"count": count}
        )
    return Ready()


# --- the public page --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicLine:
    """One line as the public sees it: the person masked."""

    id: int
    name: str  # 张*明
    id_number: str  # 4114**********123X
    occupation: str
    level: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PublicNotice:
    id: int
    claim_number: str
    subsidy: str
    claimant: str
    bureau: str
    starts_on: date
    ends_on: date
    running: bool
    total: Decimal
    lines: tuple[PublicLine, ...]


def public_notices(today: date | None = None) -> list[PublicNotice]:
    """The notices running today and those ended in the last RECENT_DAYS days, newest first,
    as the public page shows them (004 §四(五) 公示): no object of the registry, only masked
    names and ID numbers."""
    today = today or timezone.localdate()
    shown = ClaimLine.objects.filter(state__in=PUBLIC_LINE_STATES).select_related(
        "person", "occupation", "level"
    ).order_by("id")  # fmt: skip
    notices = (
        Notice.objects.filter(starts_on__lte=today, ends_on__gte=today - timedelta(RECENT_DAYS))
        .select_related("claim__organisation", "claim__bureau")
        .prefetch_related(Prefetch("claim__lines", queryset=shown, to_attr="shown_lines"))
        .order_by("-starts_on", "-id")
    )
    return [_public(notice, today) for notice in notices]


def _public(notice: Notice, today: date) -> PublicNotice:
    claim = notice.claim
    lines = tuple(
        PublicLine(
            id=line.pk, name=mask_name(line.person.name), id_number=line.person.id_number_masked,
            occupation=line.occupation.name if line.occupation else "",
            level=line.level.name if line.level else "", amount=line.amount,
        )
        for line in claim.shown_lines
    )  # fmt: skip
    return PublicNotice(
        id=notice.pk, claim_number=claim.number, subsidy=claim.get_kind_display(),
        claimant=claim.payee_name or claim.organisation.name, bureau=claim.bureau.name,
        starts_on=notice.starts_on, ends_on=notice.ends_on,
        running=notice.ended_at is None and today <= notice.ends_on,
        total=sum((line.amount for line in lines), Decimal("0.00")), lines=lines,
    )  # fmt: skip
