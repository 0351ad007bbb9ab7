"""The data comparison's writes (004 §五(六)): a run of the checks over a region and period, and
each finding's review — assigned to a reviewer in scope, cleared with a reason and its evidence
or confirmed — through core.states.move; an on-site check (现场核查) recorded on a finding. A
confirmed finding opens the recovery (追回) of the paid lines it touches, through claims' own
service, and writes a line in the institution's credit file.

Every service fails closed (supervision.manage) and works inside the user's region.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.packs import pack_for
from jineng.claims import recovery
from jineng.claims.models import ClaimLine, LineState, RecoveryCause
from jineng.claims.numbers import next_number
from jineng.core import audit, states, writes
from jineng.core.models import AuditAction, Organisation, User
from jineng.core.roles import (
    CAPABILITIES,
    Capability,
    OrgKind,
    acting_user,
    has_capability,
    require_capability,
)
from jineng.core.scope import scope_of, scoped
from jineng.institutions import services as institutions
from jineng.institutions.models import CreditEventKind, Institution
from jineng.people import services as people
from jineng.people.models import Person
from jineng.supervision import checks
from jineng.supervision.holds import line_findings, touching
from jineng.supervision.models import (
    Finding,
    FindingState,
    OnSiteCheck,
    OnSitePhoto,
    OnSiteResult,
    Run,
)

ONLY_REVIEWERS = gettext_lazy("Only the bureau's reviewers run the data comparison and decide "
                              "its findings.")  # fmt: skip
NUMBER_PREFIX = "YD"  # 疑点
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_KINDS = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
TEXT_MAX = 300


def _require_in_scope(queryset, message: str) -> None:
    user = acting_user()
    if user is not None and not scoped(user, queryset).exists():
        raise PermissionDenied(message)


def _text(value: str, field: str, *, required: bool, message: str) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX:
        raise ValidationError(
            {field: _("At most %(max)d characters.") % {"max": TEXT_MAX}}
        )  # fmt: skip
    return value


# --- runs ---------------------------------------------------------------------------------------


def _org_paths(found: list[checks.Found], region: Organisation) -> list[str]:
    """The data scope of each finding: its institution's organisation, else its trainee's
    bureau, else the run's region; two queries for the whole run."""
    institution_ids = {f.subjects.get("institution_id") for f in found} - {None}
    person_ids = {f.subjects.get("person_id") for f in found} - {None}
    by_institution = dict(
        Institution.objects.filter(pk__in=institution_ids).values_list("pk", "organisation__path")
    )
    by_person = dict(
        Person.objects.filter(pk__in=person_ids).values_list("pk", "organisation__path")
    )
    return [
        by_institution.get(f.subjects.get("institution_id"))
        or by_person.get(f.subjects.get("person_id"))
        or region.path
        for f in found
    ]


def _store(check: checks.Check, found: list[checks.Found], run: Run, pack_label: str) -> int:
    """Store the findings not found before (by check and key); returns how many are new."""
    known = set(
        Finding.objects.filter(check_code=check.code, key__in=[f.key for f in found]).values_list(
            "key", flat=True
        )
    )
    new = [f for f in found if f.key not in known]
    year = timezone.localdate().year
    for item, path in zip(new, _org_paths(new, run.region), strict=True):
        finding = writes.create(
            Finding(
                number=next_number(f"{NUMBER_PREFIX}{year}"),
                check_code=check.code,
                key=item.key[:200],
                severity=check.severity,
                summary=str(item.summary)[:TEXT_MAX],
                region=run.region,
                org_path=path,
                evidence=item.evidence,
                run=run,
                pack_version=pack_label,
                **item.subjects,
            ),
            validate=False,
        )
        states.record_start(finding, reason=str(check.name))
    return len(new)


def _region_or_refuse(region: Organisation) -> None:
    if region.kind != OrgKind.BUREAU:
        raise ValidationError({"region": _("Choose a bureau's region.")})
    _require_in_scope(
        Organisation.objects.filter(pk=region.pk), _("This region is outside your own.")
    )


@transaction.atomic
def run_checks(region: Organisation, start: date, end: date, codes=None) -> Run:
    """Run the checks (all, or those named) over the region and period; store each new finding
    and the run with its counts per check. A check whose thresholds the pack does not state is
    skipped, and the run says so."""
    require_capability(Capability.MANAGE_SUPERVISION, ONLY_REVIEWERS)
    _region_or_refuse(region)
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    chosen = pack_for(region.region_code, end)
    version, pack = chosen if chosen else (None, None)
    label = f"{version.pack_id} v{version.version}" if version else ""
    run = writes.create(
        Run(region=region, period_from=start, period_to=end, pack=version, by=acting_user()),
        validate=False,
    )
    scope = checks.Scope(region=region, start=start, end=end, pack=pack)
    counts = {}
    for check in checks.CHECKS:
        if codes is not None and check.code not in codes:
            continue
        missing = [key for key in check.keys if scope.value(key) is None]
        if missing:
            counts[check.code] = {"skipped": ", ".join(missing)}
            continue
        found = check.find(scope)
        counts[check.code] = {"found": len(found), "new": _store(check, found, run, label)}
    writes.update(run, counts=counts, finished_at=timezone.now(), validate=False)
    return run


# --- the review of a finding ------------------------------------------------------------------


def _locked(finding: Finding) -> Finding:
    found = Finding.objects.filter(pk=finding.pk)
    _require_in_scope(found, _("This finding is outside your region."))
    return found.select_for_update(of=("self",)).get()


def reviewers_for(finding: Finding):
    """The users who may review the finding: supervision managers whose scope holds it."""
    roles = CAPABILITIES[Capability.MANAGE_SUPERVISION]
    users = User.objects.filter(is_active=True, roles__role__in=roles).distinct()
    return [
        user
        for user in users.select_related("organisation").order_by("username")
        if has_capability(user, Capability.MANAGE_SUPERVISION)
        and scoped(user, Finding.objects.filter(pk=finding.pk)).exists()
    ]


@transaction.atomic
def assign(finding: Finding, reviewer: User) -> Finding:
    """Open → under review, assigned to a reviewer who may decide it (in its region)."""
    require_capability(Capability.MANAGE_SUPERVISION, ONLY_REVIEWERS)
    finding = _locked(finding)
    states.check(finding, FindingState.UNDER_REVIEW)
    in_scope = scope_of(reviewer).q_for(Finding.scope)
    may = has_capability(reviewer, Capability.MANAGE_SUPERVISION) and in_scope is not None
    if not may or not Finding.objects.filter(in_scope, pk=finding.pk).exists():
        raise ValidationError(
            {"reviewer": _("%(user)s may not review findings of this region.")
             % {"user": reviewer.get_full_name() or reviewer.username}}
        )  # fmt: skip
    states.move(
        finding,
        FindingState.UNDER_REVIEW,
        reason=_("Assigned to %(user)s") % {"user": reviewer.get_full_name() or reviewer.username},
        values={"reviewer": reviewer},
        validate=False,
    )
    return finding


@transaction.atomic
def clear(finding: Finding, *, reason: str, evidence: str) -> Finding:
    """Under review → cleared: nothing wrong, with the reason and what shows it; the money it
    held may move again."""
    require_capability(Capability.MANAGE_SUPERVISION, ONLY_REVIEWERS)
    finding = _locked(finding)
    states.check(finding, FindingState.CLEARED)
    reason = _text(reason, "reason", required=True, message=_("Give the reason for clearing."))
    evidence = _text(
        evidence, "evidence", required=True, message=_("Say what shows the finding is unfounded.")
    )
    states.move(
        finding, FindingState.CLEARED, reason=reason, document=evidence,
        values={"decision_reason": reason, "decision_evidence": evidence,
                "decided_at": timezone.now()},
        validate=False,
    )  # fmt: skip
    return finding


@transaction.atomic
def confirm(finding: Finding, *, reason: str) -> Finding:
    """Under review → confirmed: the recovery of every paid line it touches (claims' service,
    cause fraud), and a violation in the institution's credit file. The lines not paid stay
    held: they are neither approved nor paid."""
    require_capability(Capability.MANAGE_SUPERVISION, ONLY_REVIEWERS)
    finding = _locked(finding)
    states.check(finding, FindingState.CONFIRMED)
    reason = _text(reason, "reason", required=True, message=_("Give the reason for confirming."))
    states.move(
        finding, FindingState.CONFIRMED, reason=reason,
        values={"decision_reason": reason, "decided_at": timezone.now()}, validate=False,
    )  # fmt: skip
    why = _("Finding %(number)s confirmed: %(reason)s") % {
        "number": finding.number,
        "reason": reason,
    }
    for line in paid_lines_to_recover(finding):
        recovery.open_recovery(line, cause=RecoveryCause.FRAUD, reason=why)
    if finding.institution_id:
        institutions.add_institution_credit_event(
            finding.institution,
            kind=CreditEventKind.VIOLATION,
            description=f"{finding.number} {finding.summary}",
            at=timezone.localdate(),
        )
    return finding


def touched_lines(finding: Finding):
    """The claim lines the finding touches (held while it is not cleared), for its page."""
    return touching(finding, ClaimLine.objects.select_related("claim", "person")).order_by("pk")


def paid_lines_to_recover(finding: Finding):
    return (
        touching(finding, ClaimLine.objects.all())
        .filter(state=LineState.PAID)
        .exclude(Exists(recovery.Recovery.objects.filter(line=OuterRef("pk"))))
        .order_by("pk")
    )


def recover_lines_paid_after_confirmation(lines) -> None:
    """Lines recorded paid while a confirmed finding touches them (paid before the stop, the
    finding confirmed before finance learned the bank had paid): the money left though the
    fraud is confirmed, so each is recovered as confirming it would have been (cause fraud, the
    finding's reason). The receiver of claims' lines_paid, inside the recording's transaction."""
    held = line_findings([line.pk for line in lines])
    for line in lines:
        numbers = [number for number, _summary, _url in held.get(line.pk, [])]
        finding = (
            Finding.objects.filter(number__in=numbers, state=FindingState.CONFIRMED)
            .order_by("id")
            .first()
        )
        if finding is not None:
            why = _("Finding %(number)s confirmed: %(reason)s") % {
                "number": finding.number,
                "reason": finding.decision_reason,
            }
            recovery.recover_paid_line(line, cause=RecoveryCause.FRAUD, reason=why)


# --- on-site checks (现场核查) ---------------------------------------------------------------


@dataclass(frozen=True)
class Photo:
    filename: str
    content: bytes


def photo_type(content: bytes) -> str:
    kind = next((kind for magic, kind in PHOTO_KINDS.items() if content.startswith(magic)), None)
    if kind is None or len(content) > MAX_PHOTO_BYTES:
        raise ValidationError({"photos": _("Each photo must be a JPEG or PNG of at most 10 MB.")})
    return kind


@transaction.atomic
def record_onsite_check(
    finding: Finding,
    *,
    checked_on: date,
    people_present: str,
    result: str,
    notes: str = "",
    photos: list[Photo] = (),
) -> OnSiteCheck:
    """An on-site check on a finding not decided yet: the day (not in the future), who was
    there, the result and the photos taken."""
    require_capability(Capability.MANAGE_SUPERVISION, ONLY_REVIEWERS)
    finding = _locked(finding)
    if finding.state not in (FindingState.OPEN, FindingState.UNDER_REVIEW):
        raise ValidationError(
            _("Finding %(number)s is decided (“%(state)s”): no more on-site checks.")
            % {"number": finding.number, "state": finding.get_state_display()}
        )
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("The check cannot be dated in the future.")})
    present = _text(
        people_present, "people_present", required=True, message=_("Say who was present.")
    )
    if result not in OnSiteResult.values:
        raise ValidationError({"result": _("Choose the result of the check.")})
    kinds = [photo_type(photo.content) for photo in photos]
    record = writes.create(
        OnSiteCheck(finding=finding, checked_on=checked_on, people_present=present,
                    result=result, notes=(notes or "").strip()[:2000], recorded_by=acting_user()),
        validate=False,
    )  # fmt: skip
    for photo, kind in zip(photos, kinds, strict=True):
        writes.create(
            OnSitePhoto(check_record=record, filename=(photo.filename or "photo")[:200],
                        content_type=kind, content=OnSitePhoto.CONTENT.seal(photo.content),
                        sha256=hashlib.sha256(photo.content).hexdigest()),
            validate=False,
        )  # fmt: skip
    return record


def read_photo(photo: OnSitePhoto) -> bytes:
    """A photo of an on-site check, for those who see its finding."""
    require_capability(Capability.VIEW_SUPERVISION, ONLY_REVIEWERS)
    _require_in_scope(
        OnSitePhoto.objects.filter(pk=photo.pk), _("This finding is outside your region.")
    )
    return OnSitePhoto.CONTENT.open(photo.content)


# --- the evidence in full ------------------------------------------------------------------------


def full_evidence(finding: Finding) -> dict[int, str]:
    """{person id: whole ID number} of the persons in the evidence: each is a view of personal
    data in the audit log (people.services.reveal_id_number), and the opening itself too."""
    require_capability(Capability.VIEW_SUPERVISION, ONLY_REVIEWERS)
    _require_in_scope(
        Finding.objects.filter(pk=finding.pk), _("This finding is outside your region.")
    )
    viewer = acting_user()
    audit.record(AuditAction.VIEW_PERSONAL, finding, message="finding evidence")
    persons = Person.objects.filter(pk__in=finding.evidence.get("persons", []))
    return {person.pk: people.reveal_id_number(viewer, person) for person in persons}
