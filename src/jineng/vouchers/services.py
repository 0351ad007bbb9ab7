"""Training vouchers (电子培训券, 002 §四(五)3, 003 §三10): every change through here, checked,
audited (core.writes), written in the voucher's history and on the holder's ledger.

发券 issue / issue_by_rule — the bureau; the policy engine decides who may have one
领取 claim              — the holder, with their own login (or the bureau's counter, recorded)
验证 redeem             — the institution, at enrolment, after checking the holder
兑现 settle             — the bureau, only against a valid certificate of the holder
     expire_due, void   — past the validity; or cancelled by the bureau with a reason

002 §四(五)3: 实名制、不得转让、以证换券、无证无价. A voucher is one person's, never another's;
it is settled once, against one certificate, which settles no other voucher.
"""

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog.models import Occupation, Region, SkillLevel, SubsidyStandard
from jineng.catalog.packs import pack_for, record_decision
from jineng.certificates.models import Certificate, CertificateStatus
from jineng.core import audit, states, writes
from jineng.core.i18n import language
from jineng.core.models import Organisation
from jineng.core.readiness import Ready
from jineng.core.roles import (
    Capability,
    OrgKind,
    acting_user,
    has_capability,
    require_actor,
    require_capability,
)
from jineng.core.scope import scoped
from jineng.people import ledger
from jineng.people.models import Person
from jineng.policy import VoucherRequest, decide_voucher_issue_for
from jineng.training.models import ClassState, Enrollment, EnrollmentState, TrainingClass
from jineng.training.services import prior_training_subsidies
from jineng.vouchers import hooks
from jineng.vouchers.models import (
    ACTIVE_STATES,
    EXPIRING_STATES,
    Voucher,
    VoucherRule,
    VoucherState,
)

# Rows a bulk issue (a rule's run, the expiry) handles in one transaction.
CHUNK = 200
# Classes at whose enrolments a voucher may be redeemed: the roster is still open or the class
# is running. A completed, closed, withdrawn or cancelled class takes no voucher.
REDEEMABLE_CLASS_STATES = {
    ClassState.DRAFT,
    ClassState.SUBMITTED,
    ClassState.REJECTED,
    ClassState.APPROVED,
    ClassState.IN_PROGRESS,
}


def _reasons(decision) -> str:
    return "; ".join(decision.reasons("zh" if language() == "zh" else "en"))


def _label(state: str) -> str:
    return str(VoucherState(state).label)


def _names(occupations) -> str:
    return "、".join(occupation.name for occupation in occupations)


def _locked(voucher: Voucher) -> Voucher:
    return Voucher.objects.select_for_update().select_related("person").get(pk=voucher.pk)


def _on_a_locked_copy(service):
    """A change of state works on a fresh copy of the voucher, locked for the transaction; the
    caller's object is read again afterwards (enrol checks the state it was given)."""

    @functools.wraps(service)
    def wrapped(voucher: Voucher, *args, **kwargs) -> Voucher:
        require_actor()  # before the lock: an anonymous caller reads nothing
        with transaction.atomic():
            service(_locked(voucher), *args, **kwargs)
        voucher.refresh_from_db()
        return voucher

    return wrapped


def _move(voucher: Voucher, to_state: str, *, note: str = "", title: str = "", **values):
    """Take the step (core.states: checked, in the history with `note` as its reason, the
    voucher updated with `values`) and write the holder's ledger line."""
    from_state = voucher.state
    change = states.move(voucher, to_state, reason=note, values=values, validate=False)
    ledger.add(
        voucher.person,
        ledger.Kind.VOUCHER,
        title or _("Voucher %(number)s %(state)s") % {"number": voucher.number,
                                                       "state": _label(to_state)},
        obj=voucher,
        detail={"number": voucher.number, "from": from_state, "to": to_state,
                "reason": change.reason},
    )  # fmt: skip
    return change


# --- issuing (发券) ---------------------------------------------------------------------------


def _bureau_of(organisation: Organisation | None) -> Organisation | None:
    return organisation.nearest_bureau() if organisation is not None else None


def _region_codes(organisation: Organisation) -> list[str]:
    """The organisation's region and those above it, nearest first (for standards and packs)."""
    code = organisation.region_code
    region = Region.objects.select_related("parent__parent").filter(code=code).first()
    return region.ancestor_codes() if region else [code] if code else []


def standard_value(occupations, level: SkillLevel | None, organisation: Organisation,
                   on: date) -> Decimal | None:  # fmt: skip
    """The voucher's value from the subsidy standards (occupation × level × region × year): the
    nearest region that states one, the latest year not after `on`; for several occupations (or
    no level) the highest of them, since the voucher pays for one of these trainings. Settling
    pays no more than the standard of the certificate obtained (settle)."""
    regions = _region_codes(organisation)
    found = SubsidyStandard.objects.filter(
        occupation__in=occupations, region__code__in=regions, year__lte=on.year
    )
    if level is not None:
        found = found.filter(level=level)
    best: dict[tuple[int, int], tuple[int, int, Decimal]] = {}
    for occupation_id, level_id, code, year, amount in found.values_list(
        "occupation_id", "level_id", "region__code", "year", "amount"
    ):
        key, rank = (occupation_id, level_id), (-regions.index(code), year)
        if key not in best or rank > best[key][:2]:
            best[key] = (*rank, amount)
    return max((amount for *_rank, amount in best.values()), default=None)


def _check_occupations(occupations) -> list[Occupation]:
    occupations = list(dict.fromkeys(occupations))
    if not occupations:
        raise ValidationError({"occupations": _("Choose at least one occupation.")})
    return occupations


def active_holding(person: Person, occupations) -> Voucher | None:
    """An active voucher (issued, claimed, redeemed) of the person for one of the occupations."""
    return (
        Voucher.objects.filter(person=person, state__in=ACTIVE_STATES, occupations__in=occupations)
        .distinct()
        .first()
    )


def _pack(person: Person, on: date):
    bureau = _bureau_of(person.organisation) or person.organisation
    found = None
    for code in _region_codes(bureau) or [""]:
        found = pack_for(code, on) if code else None
        if found is not None:
            break
    if found is None:
        raise ValidationError(
            _("No policy pack covers region %(region)s on %(date)s.")
            % {"region": bureau.region_code or "—", "date": on}
        )
    return found


def _categories(person: Person, on: date) -> frozenset[str]:
    """The codes of the person's categories valid on the day (prefetched rows are used)."""
    return frozenset(
        record.category.code for record in person.categories.all() if record.is_valid_on(on)
    )


def decide(person: Person, occupations, on: date):
    """(pack version, decision) of the engine for each occupation, the first refusal winning:
    002 §四(五)3 — vouchers go to 符合补贴条件的劳动者 (the pack's training.eligible and limits)."""
    version, pack = _pack(person, on)
    history = prior_training_subsidies(person)
    categories = _categories(person, on)
    requests = [
        VoucherRequest(person_key=f"P{person.pk}", categories=categories,
                       occupation=occupation.code, requested_on=on)
        for occupation in occupations
    ]  # fmt: skip
    return version, decide_voucher_issue_for(pack, requests, history)


@dataclass
class Numbers:
    """Voucher numbers JQ + year + the issuing bureau's region code + a serial (JQ2026411402000001):
    the bureau's row is locked while they are given, so two issues never share one."""

    organisation: Organisation
    year: int
    last: int = -1

    @property
    def prefix(self) -> str:
        return f"JQ{self.year}{(self.organisation.region_code or '000000')[:6]:0>6}"

    def next(self) -> str:
        if self.last < 0:
            Organisation.objects.select_for_update().get(pk=self.organisation.pk)
            top = Voucher.objects.filter(number__startswith=self.prefix).aggregate(n=Max("number"))
            self.last = int(top["n"][len(self.prefix) :]) if top["n"] else 0
        self.last += 1
        return f"{self.prefix}{self.last:06d}"


def _issuing_bureau(person: Person) -> Organisation:
    """The bureau of the acting reviewer; with no one acting (a task, the demo), the holder's."""
    user = acting_user()
    bureau = _bureau_of(getattr(user, "organisation", None)) if user is not None else None
    return bureau or _bureau_of(person.organisation) or person.organisation


def _check_in_scope(person: Person) -> None:
    user = acting_user()
    if user is not None and not scoped(user, Person.objects.filter(pk=person.pk)).exists():
        raise PermissionDenied(_("This person is outside your region."))


@transaction.atomic
def issue(
    person: Person,
    occupations,
    *,
    level: SkillLevel | None = None,
    value: Decimal | None = None,
    valid_until: date | None = None,
    on: date | None = None,
    rule: VoucherRule | None = None,
    organisation: Organisation | None = None,
    numbers: Numbers | None = None,
) -> Voucher:
    """发券: a voucher for one person and one or more occupations, if the engine grants it.

    The pack decides eligibility and the validity (procedure.voucher_validity_days); a shorter
    `valid_until` may be given, never a longer one. The value is given or comes from the subsidy
    standard. A person holds one active voucher for an occupation at a time. `on` is the day of
    issue (today; tests and the demo give another)."""
    require_capability(Capability.ISSUE_VOUCHERS, _("Only the bureau issues vouchers."))
    _check_in_scope(person)
    on = on or timezone.localdate()
    occupations = _check_occupations(occupations)
    held = active_holding(person, occupations)
    if held is not None:
        raise ValidationError(
            _("%(name)s already holds voucher %(number)s (“%(state)s”) for one of these "
              "occupations.")
            % {"name": person.name, "number": held.number, "state": held.get_state_display()}
        )  # fmt: skip
    version, decision = decide(person, occupations, on)
    if not decision.granted:
        raise ValidationError(
            _("No voucher for %(name)s: %(reasons)s")
            % {"name": person.name, "reasons": _reasons(decision)}
        )
    if valid_until is not None and valid_until > decision.valid_until:
        raise ValidationError(
            {"valid_until": _("The policy pack allows a voucher until %(date)s at the latest.")
             % {"date": decision.valid_until}}
        )  # fmt: skip
    if valid_until is not None and valid_until < on:
        raise ValidationError({"valid_until": _("A voucher is valid from its day of issue.")})
    if value is None:
        value = standard_value(occupations, level, person.organisation, on)
        if value is None:
            raise ValidationError(
                {"value": _("No subsidy standard states a value for %(occupations)s: give the "
                            "voucher's value.") % {"occupations": _names(occupations)}}
            )  # fmt: skip
    if value < 0:
        raise ValidationError({"value": _("The value cannot be negative.")})
    organisation = organisation or _issuing_bureau(person)
    numbers = numbers or Numbers(organisation, on.year)
    voucher = writes.create(
        Voucher(
            number=numbers.next(), person=person, level=level, value=value, issued_on=on,
            valid_until=valid_until or decision.valid_until, organisation=organisation,
            issued_by=acting_user(), rule=rule,
        ),
        validate=False,
    )  # fmt: skip
    voucher.occupations.set(occupations)
    audit.record("update", voucher, after={"occupations": [o.code for o in occupations]})
    record = record_decision(decision, version, subject=voucher,
                             org_path=person.organisation.path)  # fmt: skip
    writes.update(voucher, decision=record, validate=False)
    states.record_start(voucher, reason=rule.name if rule else "")
    ledger.add(
        person,
        ledger.Kind.VOUCHER,
        _("Voucher %(number)s issued: %(occupations)s, %(value)s yuan, valid until %(date)s")
        % {"number": voucher.number, "occupations": _names(occupations),
           "value": voucher.value, "date": voucher.valid_until},
        obj=voucher,
        decision=record,
        detail={"number": voucher.number, "to": VoucherState.ISSUED,
                "occupations": [o.code for o in occupations], "value": str(voucher.value)},
    )  # fmt: skip
    return voucher


# --- bulk issue by a rule (批量发券) -----------------------------------------------------------


@transaction.atomic
def create_rule(
    *,
    name: str,
    organisation: Organisation,
    categories,
    occupations,
    level: SkillLevel | None = None,
    value: Decimal | None = None,
    validity_days: int | None = None,
) -> VoucherRule:
    require_capability(Capability.ISSUE_VOUCHERS, _("Only the bureau issues vouchers."))
    user = acting_user()
    if organisation.kind != OrgKind.BUREAU:
        raise ValidationError({"organisation": _("A rule covers the region of a bureau.")})
    if (
        user is not None
        and not scoped(user, Organisation.objects.filter(pk=organisation.pk)).exists()
    ):
        raise PermissionDenied(_("This bureau is outside your region."))
    categories = list(categories)
    if not categories:
        raise ValidationError({"categories": _("Choose at least one person category.")})
    occupations = _check_occupations(occupations)
    if not name.strip():
        raise ValidationError({"name": _("Name the rule.")})
    rule = writes.create(
        VoucherRule(name=name.strip(), organisation=organisation, level=level, value=value,
                    validity_days=validity_days, created_by=user)
    )  # fmt: skip
    rule.categories.set(categories)
    rule.occupations.set(occupations)
    audit.record("update", rule, after={"categories": [c.code for c in categories],
                                        "occupations": [o.code for o in occupations]})  # fmt: skip
    return rule


@dataclass
class Candidate:
    person: Person
    outcome: str  # "issue" | "refused" | "holding"
    reasons: str = ""
    value: Decimal | None = None
    valid_until: date | None = None
    voucher: Voucher | None = None


@dataclass
class RuleRun:
    candidates: list[Candidate] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"issue": 0, "refused": 0, "holding": 0})

    def add(self, candidate: Candidate, keep: bool) -> None:
        self.counts[candidate.outcome] += 1
        if keep:
            self.candidates.append(candidate)


def rule_persons(rule: VoucherRule, on: date):
    """Persons of the rule's region with one of its categories valid on the day."""
    categories = list(rule.categories.all())
    valid = Q(categories__valid_from__lte=on) & (
        Q(categories__valid_to__isnull=True) | Q(categories__valid_to__gte=on)
    )
    return (
        Person.objects.filter(
            valid,
            organisation__path__startswith=rule.organisation.path,
            categories__category__in=categories,
        )
        .distinct()
        .order_by("id")
    )


def _rule_valid_until(rule: VoucherRule, decision, on: date) -> date:
    if rule.validity_days is None:
        return decision.valid_until
    return min(decision.valid_until, on + timedelta(days=rule.validity_days - 1))


def issue_by_rule(rule: VoucherRule, *, preview: bool = True, on: date | None = None,
                  keep: int = 500, chunk: int = CHUNK) -> RuleRun:  # fmt: skip
    """Who gets a voucher under the rule (preview), or issue them (preview=False).

    Each person of the region with one of the categories is decided by the engine; those already
    holding an active voucher for one of the occupations are skipped. The run goes in chunks,
    each in its own transaction, so a long run holds no lock for long and a second run issues
    only what the first did not. `keep` bounds the candidates returned (the counts are whole)."""
    # The preview lists people of the region: as much the bureau's as the issue itself.
    require_capability(Capability.ISSUE_VOUCHERS, _("Only the bureau issues vouchers."))
    on = on or timezone.localdate()
    occupations = list(rule.occupations.all())
    run = RuleRun()
    numbers = Numbers(rule.organisation, on.year)
    last_id = 0
    while True:
        persons = list(
            rule_persons(rule, on)
            .filter(id__gt=last_id)
            .select_related("organisation")
            .prefetch_related("categories__category")[:chunk]
        )
        if not persons:
            break
        last_id = persons[-1].pk
        with transaction.atomic():
            numbers.last = -1  # locked and counted again in each chunk's transaction
            for person in persons:
                run.add(_rule_one(rule, person, occupations, on, preview, numbers),
                        len(run.candidates) < keep)  # fmt: skip
    if not preview:
        with transaction.atomic():
            writes.update(rule, last_run_at=timezone.now(), last_run_issued=run.counts["issue"],
                          validate=False)  # fmt: skip
    return run


def _rule_one(rule, person, occupations, on, preview, numbers) -> Candidate:
    held = active_holding(person, occupations)
    if held is not None:
        return Candidate(person, "holding", reasons=held.number)
    version, decision = decide(person, occupations, on)
    if not decision.granted:
        return Candidate(person, "refused", reasons=_reasons(decision))
    value = rule.value
    if value is None:
        value = standard_value(occupations, rule.level, person.organisation, on)
    if value is None:
        return Candidate(
            person, "refused",
            reasons=_("No subsidy standard states a value for %(occupations)s: give the "
                      "voucher's value.") % {"occupations": _names(occupations)},
        )  # fmt: skip
    valid_until = _rule_valid_until(rule, decision, on)
    candidate = Candidate(person, "issue", value=value, valid_until=valid_until)
    if not preview:
        try:
            candidate.voucher = issue(
                person, occupations, level=rule.level, value=value, valid_until=valid_until,
                on=on, rule=rule, organisation=rule.organisation, numbers=numbers,
            )  # fmt: skip
        except ValidationError as problem:  # changed since it was decided: refused, run on
            return Candidate(person, "refused", reasons="; ".join(problem.messages))
    return candidate


# --- claiming (领取) -------------------------------------------------------------------------


def _check_valid_on(voucher: Voucher, today: date) -> None:
    _valid_on(voucher, today).check()


def _valid_on(voucher: Voucher, today: date) -> Ready:
    if today > voucher.valid_until:
        return Ready.no(
            _("Voucher %(number)s expired on %(date)s.")
            % {"number": voucher.number, "date": voucher.valid_until}
        )
    return Ready()


def _step(voucher: Voucher, to_state: str) -> Ready:
    """The voucher's WORKFLOW allows the step from its state (the refusal as the reason)."""
    try:
        states.check(voucher, to_state)
    except ValidationError as refused:
        return Ready.no("; ".join(refused.messages))
    return Ready()


def claim_readiness(voucher: Voucher) -> Ready:
    """Whether the voucher may be claimed now, and if not why: issued and within its validity.
    claim() and the voucher's page (the button disabled with the reason) ask this one rule;
    who may claim it is claim()'s own check."""
    return _step(voucher, VoucherState.CLAIMED) and _valid_on(voucher, timezone.localdate())


@_on_a_locked_copy
def claim(voucher: Voucher, user) -> Voucher:
    """领取: the holder claims the voucher with their own login (个人领取使用). A bureau reviewer
    may record a claim at the counter (窗口代领) for a holder present in person; the history says
    so. Nobody else claims it: a voucher is real-name and not transferable."""
    states.check(voucher, VoucherState.CLAIMED)
    own = user is not None and voucher.person.user_id == user.pk
    at_counter = (
        not own
        and user is not None
        and has_capability(user, Capability.ISSUE_VOUCHERS)
        and scoped(user, Person.objects.filter(pk=voucher.person_id)).exists()
    )
    if not (own or at_counter):
        raise PermissionDenied(
            _("Only its holder claims voucher %(number)s: a voucher is real-name and not "
              "transferable.") % {"number": voucher.number}
        )  # fmt: skip
    claim_readiness(voucher).check()
    reason = "" if own else _("claimed at the bureau's counter, the holder present")
    _move(voucher, VoucherState.CLAIMED, note=reason, claimed_at=timezone.now())
    return voucher


# --- redeeming at enrolment (培训机构登记验证) -----------------------------------------------


def find(number: str) -> Voucher | None:
    """A voucher by its number, whoever's scope: the number is what the holder shows."""
    number = "".join((number or "").split()).upper()
    if not number:
        return None
    return Voucher.objects.select_related("person").filter(number=number).first()


def check_redeemable(voucher: Voucher, person: Person, training_class: TrainingClass) -> None:
    """Before an enrolment uses the voucher: the holder is the person (实名制、不得转让), the
    holder has claimed it, it is within its validity, it covers the class's occupation (and its
    level, when it names one)."""
    if voucher.person_id != person.pk:
        raise ValidationError(
            _("Voucher %(number)s belongs to another person (%(holder)s) and is refused for "
              "%(person)s: a voucher is real-name and not transferable.")
            % {"number": voucher.number, "holder": voucher.person.id_number_masked,
               "person": f"{person.name} ({person.id_number_masked})"}
        )  # fmt: skip
    if voucher.state == VoucherState.ISSUED:
        raise ValidationError(
            _("Voucher %(number)s has not been claimed by its holder yet.")
            % {"number": voucher.number}
        )
    states.check(voucher, VoucherState.REDEEMED)
    _check_valid_on(voucher, timezone.localdate())
    if not voucher.covers(training_class.occupation_id):
        raise ValidationError(
            _("Voucher %(number)s is for %(occupations)s, not for %(occupation)s.")
            % {"number": voucher.number, "occupations": _names(voucher.occupations.all()),
               "occupation": training_class.occupation.name}
        )  # fmt: skip
    if voucher.level_id is not None and voucher.level_id != training_class.level_id:
        raise ValidationError(
            _("Voucher %(number)s is for level %(level)s, the class trains %(class_level)s.")
            % {"number": voucher.number, "level": voucher.level.name,
               "class_level": training_class.level.name}
        )  # fmt: skip


@_on_a_locked_copy
def redeem(voucher: Voucher, enrollment: Enrollment) -> Voucher:
    """验证: the institution uses the voucher for an enrolment of its class (training.services.
    enrol calls this when a voucher comes with the enrolment)."""
    require_capability(
        Capability.REDEEM_VOUCHERS, _("Only the training institution redeems vouchers.")
    )
    training_class = enrollment.training_class
    check_redeemable(voucher, enrollment.person, training_class)
    if enrollment.state != EnrollmentState.ENROLLED:
        raise ValidationError(
            _("This trainee is “%(state)s”: only an enrolment takes a voucher.")
            % {"state": enrollment.get_state_display()}
        )
    if training_class.state not in REDEEMABLE_CLASS_STATES:
        raise ValidationError(
            _("A class that is “%(state)s” takes no voucher.")
            % {"state": training_class.get_state_display()}
        )
    used = Voucher.objects.filter(enrollment=enrollment).exclude(pk=voucher.pk).first()
    if used is not None:
        raise ValidationError(
            _("This enrolment already uses voucher %(number)s.") % {"number": used.number}
        )
    _move(
        voucher,
        VoucherState.REDEEMED,
        title=_("Voucher %(number)s redeemed at enrolment in class %(code)s")
        % {"number": voucher.number, "code": training_class.code},
        enrollment=enrollment,
        redeemed_at=timezone.now(),
    )
    return voucher


# --- settling (兑现: 以证换券、无证无价) --------------------------------------------------------


def settling_certificates(voucher: Voucher):
    """The valid certificates of the holder for the occupation trained, obtained no earlier
    than the class began and settling no other voucher: those that may settle it."""
    training_class = voucher.enrollment.training_class
    return (
        Certificate.objects.filter(
            person_id=voucher.person_id,
            occupation_id=training_class.occupation_id,
            status=CertificateStatus.VALID,
            issued_on__gte=training_class.start_date,
            voucher__isnull=True,
        )
        .select_related("occupation", "level")
        .order_by("issued_on", "id")
    )


def settling_certificate(voucher: Voucher) -> Certificate | None:
    """The first certificate that may settle the voucher (settling_certificates)."""
    return settling_certificates(voucher).first()


def _settle_state(voucher: Voucher) -> Ready:
    if voucher.state == VoucherState.SETTLED:
        return Ready.no(
            _("Voucher %(number)s was settled on %(date)s against certificate %(certificate)s: "
              "a voucher is settled only once.")
            % {"number": voucher.number, "date": timezone.localdate(voucher.settled_at),
               "certificate": voucher.certificate.number}
        )  # fmt: skip
    return _step(voucher, VoucherState.SETTLED)


def settle_readiness(voucher: Voucher) -> Ready:
    """Whether the voucher may be settled now, and if not why: redeemed at an enrolment, and the
    holder holds a certificate that may settle it (以证换券、无证无价). settle() and the voucher's
    page (the button disabled with the reason) ask this one rule."""
    state = _settle_state(voucher)
    if not state:
        return state
    if settling_certificate(voucher) is None:
        training_class = voucher.enrollment.training_class
        return Ready.no(
            _("No valid certificate of the holder for %(occupation)s since %(date)s: without a "
              "certificate the voucher is worth nothing (以证换券、无证无价).")
            % {"occupation": training_class.occupation.name, "date": training_class.start_date}
        )  # fmt: skip
    return held_readiness(voucher, settling_certificate(voucher))


def held_readiness(voucher: Voucher, certificate: Certificate) -> Ready:
    """Money waits for the data comparison (004 §五(六)): a settlement that a finding holds
    (one naming the voucher, the certificate, the holder in the class trained or as such, or
    the class as a whole) waits until the finding is cleared; the refusal names the finding."""
    held = hooks.settlement_findings(voucher, certificate)
    if not held:
        return Ready()
    number, summary, _url = held[0]
    return Ready.no(
        _("Voucher %(voucher)s of %(person)s (%(id)s) waits for finding %(finding)s "
          "(%(summary)s): it cannot be settled until the finding is cleared.")
        % {"voucher": voucher.number, "person": voucher.person.name,
           "id": voucher.person.id_number_masked, "finding": number, "summary": summary}
    )  # fmt: skip


def _check_certificate(voucher: Voucher, certificate: Certificate) -> None:
    training_class = voucher.enrollment.training_class
    values = {"number": certificate.number}
    problems = []
    if certificate.person_id != voucher.person_id:
        problems.append(_("Certificate %(number)s is not the holder's.") % values)
    if certificate.status != CertificateStatus.VALID:
        problems.append(
            _("Certificate %(number)s is revoked: a revoked certificate settles nothing.") % values
        )
    if certificate.occupation_id != training_class.occupation_id:
        problems.append(_("Certificate %(number)s is not for the occupation trained.") % values)
    if certificate.issued_on < training_class.start_date:
        problems.append(_("Certificate %(number)s was issued before the training began.") % values)
    other = Voucher.objects.filter(certificate=certificate).exclude(pk=voucher.pk).first()
    if other is not None:
        problems.append(
            _("Certificate %(number)s has settled voucher %(other)s already.")
            % {**values, "other": other.number}
        )
    if problems:
        raise ValidationError(problems)


def settled_amount(voucher: Voucher, certificate: Certificate) -> Decimal:
    """The voucher's value, but never more than the standard of the certificate obtained (a
    voucher without a level is worth the highest standard of its occupations)."""
    standard = standard_value(
        [certificate.occupation], certificate.level, voucher.person.organisation,
        voucher.issued_on,
    )  # fmt: skip
    return voucher.value if standard is None else min(voucher.value, standard)


@_on_a_locked_copy
def settle(voucher: Voucher, certificate: Certificate | None = None) -> Voucher:
    """兑现: once the holder holds a valid certificate for the occupation trained (以证换券、
    无证无价, 002 §四(五)3). A voucher is settled once; a certificate settles one voucher."""
    require_capability(Capability.SETTLE_VOUCHERS, _("Only the bureau settles vouchers."))
    if certificate is None:
        settle_readiness(voucher).check()
        certificate = settling_certificate(voucher)
    else:  # the one chosen: refused with what is wrong with it (it settles: so would the rule)
        _settle_state(voucher).check()
        _check_certificate(voucher, certificate)
        held_readiness(voucher, certificate).check()
    amount = settled_amount(voucher, certificate)
    _move(
        voucher,
        VoucherState.SETTLED,
        title=_("Voucher %(number)s settled against certificate %(certificate)s: %(amount)s yuan")
        % {"number": voucher.number, "certificate": certificate.number, "amount": amount},
        certificate=certificate,
        settled_at=timezone.now(),
        settled_amount=amount,
    )
    return voucher


# --- expiry and voiding ---------------------------------------------------------------------


@_on_a_locked_copy
def expire(voucher: Voucher, *, today: date | None = None) -> Voucher:
    """A voucher past its validity, not yet used, expires."""
    today = today or timezone.localdate()
    states.check(voucher, VoucherState.EXPIRED)
    if today <= voucher.valid_until:
        raise ValidationError(
            _("Voucher %(number)s is valid until %(date)s.")
            % {"number": voucher.number, "date": voucher.valid_until}
        )
    note = _("valid until %(date)s") % {"date": voucher.valid_until}
    _move(voucher, VoucherState.EXPIRED, note=note, reason=note)
    return voucher


def due(today: date):
    return Voucher.objects.filter(state__in=EXPIRING_STATES, valid_until__lt=today)


def expire_due(today: date | None = None, *, chunk: int = CHUNK) -> int:
    """Every issued or claimed voucher past its validity becomes expired, in chunks (one
    transaction each). Run daily (`jineng vouchers expire`, or the task)."""
    today = today or timezone.localdate()
    count = 0
    while True:
        ids = list(due(today).order_by("id").values_list("id", flat=True)[:chunk])
        if not ids:
            return count
        with transaction.atomic():
            for voucher in Voucher.objects.filter(pk__in=ids, state__in=EXPIRING_STATES):
                expire(voucher, today=today)
                count += 1


@_on_a_locked_copy
def void(voucher: Voucher, reason: str) -> Voucher:
    """作废: the bureau cancels a voucher not yet settled, with a reason."""
    require_capability(Capability.ISSUE_VOUCHERS, _("Only the bureau voids vouchers."))
    states.check(voucher, VoucherState.VOIDED)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding the voucher.")})
    reason = reason.strip()[:300]
    _move(voucher, VoucherState.VOIDED, note=reason, reason=reason)
    return voucher
