"""Published training and sign-up: every write here, checked, audited, failing closed.

- Publishing (003 §三10 统一的报名和项目发布平台): an institution publishes an approved class
  of its own or a standing offer; the bureau publishes its own projects (订单式, with an
  employer). `expected_subsidy` says what the worker can expect under the region's policy pack,
  decided by the claims' own engine call (`decide_training_subsidy`) on the claims' subsidy
  standard, never a second copy of the rates.
- Registering (002 §四(五) 实名制, 一点登录): a worker registers with the registry's identity and
  phone checks; the phone is confirmed by a one-time code (hashed at rest, expiring, limited in
  tries and rate) sent through core.sms; a person already in the registry is linked, not
  registered twice.
- Signing up (报名, 004 §四(三) 广泛发动各类劳动者积极报名参加培训): the worker applies; the
  institution accepts into the roster through training's enrolment (its eligibility and its
  refusals, unchanged) or declines with a reason; a full class keeps a waiting list that moves
  up in order when a place frees.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog.models import Region
from jineng.catalog.packs import pack_for
from jineng.claims.services import subsidy_standard
from jineng.core import audit, phonecodes, states, writes
from jineng.core import services as core_services
from jineng.core.i18n import language
from jineng.core.models import Organisation, PhoneCode
from jineng.core.roles import (
    Capability,
    OrgKind,
    Role,
    acting_user,
    require_actor,
    require_capability,
)
from jineng.core.scope import scoped
from jineng.offers.models import (
    OPEN_STATES,
    Application,
    ApplicationState,
    Offer,
    OfferKind,
    OfferState,
)
from jineng.people import ledger
from jineng.people import services as people
from jineng.people.models import Person
from jineng.people.selectors import categories_by_person, licences_by_person
from jineng.policy import TrainingLine, decide_training_subsidy
from jineng.policy.codes import CertificateKind
from jineng.training import eligibility
from jineng.training import services as training
from jineng.training.models import (
    EDITABLE_STATES,
    ClassState,
    EnrollmentState,
    TrainingClass,
)
from jineng.vouchers import services as vouchers
from jineng.vouchers.models import Voucher, VoucherState

# States of a class that still takes trainees (training.services.enrol says the same).
TAKING_STATES = EDITABLE_STATES | {ClassState.APPROVED}
WAITING_LIST = "offers:waiting-list"
REGISTER = "public:register"


def _lang() -> str:
    return "zh" if language() == "zh" else "en"


# --- publishing -------------------------------------------------------------------------------


def county_of(organisation: Organisation) -> Region | None:
    """The county (or city) an organisation sits in: its own region code, else its bureau's."""
    for org in (organisation, organisation.nearest_bureau()):
        if org is not None and org.region_code:
            region = Region.objects.filter(code=org.region_code).first()
            if region is not None:
                return region
    return None


def _publisher(organisation: Organisation | None) -> Organisation:
    """The user's own organisation, or one in their scope (the system administrator publishes
    for an institution without a login of its own, as the demo does)."""
    require_capability(Capability.PUBLISH_TRAINING, _("Your role cannot publish training."))
    user = acting_user()
    if organisation is not None and user is not None:
        if not scoped(user, Organisation.objects.filter(pk=organisation.pk)).exists():
            raise PermissionDenied(_("Training is published by an institution or a bureau."))
        return organisation
    if user is None or user.organisation is None:
        raise PermissionDenied(_("Training is published by an institution or a bureau."))
    return user.organisation


def _check_class(training_class: TrainingClass, user, *, approved: bool) -> None:
    if not scoped(user, TrainingClass.objects.filter(pk=training_class.pk)).exists():
        raise ValidationError({"training_class": _("This class is not yours to publish.")})
    if approved and training_class.state != ClassState.APPROVED:
        raise ValidationError(
            {
                "training_class": _(
                    "Only a class the bureau has approved is published (004 §四(三)); "
                    "this one is “%(state)s”."
                )
                % {"state": training_class.get_state_display()}
            }
        )
    if training_class.state not in TAKING_STATES:
        raise ValidationError(
            {
                "training_class": _("A class that is “%(state)s” takes no more trainees.")
                % {"state": training_class.get_state_display()}
            }
        )


@transaction.atomic
def publish(
    *,
    kind: str,
    title: str,
    training_class: TrainingClass | None = None,
    organisation: Organisation | None = None,
    **values,
) -> Offer:
    """Publish a training. A class (kind "class"): an approved class of the user's institution;
    occupation, level, dates, place and places come from it. A standing offer: occupation,
    level, type, county, place and places, and how many sign-ups open the next class. A
    project of the bureau (订单式): as a standing offer, with the employer it trains for."""
    organisation = _publisher(organisation)
    user = acting_user()
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the training a title.")})
    if kind == OfferKind.CLASS:
        if training_class is None:
            raise ValidationError({"training_class": _("Choose the class to publish.")})
        _check_class(training_class, user, approved=True)
        institution_org = training_class.institution.organisation
        values.update(
            occupation=training_class.occupation,
            level=training_class.level,
            training_type=training_class.training_type,
            venue=training_class.venue,
            start_date=training_class.start_date,
            end_date=training_class.end_date,
            places=training_class.capacity,
            min_signups=None,
            county=values.get("county") or county_of(institution_org),
        )
    elif kind == OfferKind.STANDING:
        if organisation.kind != OrgKind.INSTITUTION:
            raise ValidationError(_("A standing offer is an institution's."))
        if not values.get("min_signups") and not values.get("start_date"):
            raise ValidationError(
                {"min_signups": _("Give the dates, or how many sign-ups open the next class.")}
            )
    elif kind == OfferKind.PROJECT:
        if organisation.kind != OrgKind.BUREAU:
            raise ValidationError(_("Only the bureau publishes projects of its own."))
        if not (values.get("employer") or "").strip():
            raise ValidationError({"employer": _("Name the employer the project trains for.")})
        if training_class is not None:
            _check_class(training_class, user, approved=True)
    else:
        raise ValidationError({"kind": _("Unknown kind of training.")})
    if values.get("county") is None:
        raise ValidationError({"county": _("Choose the county where the training takes place.")})
    offer = writes.create(
        Offer(
            organisation=organisation,
            kind=kind,
            title=title,
            training_class=training_class,
            published_by=user,
            **values,
        )
    )
    return offer


def _check_own_offer(offer: Offer) -> None:
    user = acting_user()
    if user is not None and not scoped(user, Offer.objects.filter(pk=offer.pk)).exists():
        raise PermissionDenied(_("This training is not yours."))


@transaction.atomic
def attach_class(offer: Offer, training_class: TrainingClass) -> Offer:
    """The next class of a standing offer or the class of a bureau's project: its sign-ups go
    into it. The class trains the offer's occupation at its level and still takes trainees."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution opens its classes."))
    _check_own_offer(offer)
    _check_class(training_class, acting_user(), approved=False)
    if (training_class.occupation_id, training_class.level_id) != (
        offer.occupation_id,
        offer.level_id,
    ):
        raise ValidationError(
            {"training_class": _("The class trains another occupation or level than the offer.")}
        )
    writes.update(
        offer,
        training_class=training_class,
        start_date=training_class.start_date,
        end_date=training_class.end_date,
        places=training_class.capacity,
    )
    promote(offer)
    return offer


# What a publisher may change of a published training: a class's own dates, place and places
# come from the class (they change there); nothing changes the kind, the class, the occupation,
# the level or the training type that sign-ups were made for.
EDITABLE = {
    OfferKind.CLASS: ("title", "county", "employer", "description"),
    OfferKind.STANDING: (
        "title", "county", "venue", "start_date", "end_date", "min_signups", "places",
        "employer", "description",
    ),
}  # fmt: skip
EDITABLE[OfferKind.PROJECT] = EDITABLE[OfferKind.STANDING]


@transaction.atomic
def update_offer(offer: Offer, **values) -> Offer:
    """Change a published training: what EDITABLE allows for its kind (anything else is
    refused by name), with the rules of publishing (a title; a standing offer's dates or
    sign-ups to open; a project's employer) and never fewer places than are held. More places
    move the waiting list up."""
    require_capability(Capability.PUBLISH_TRAINING, _("Your role cannot publish training."))
    _check_own_offer(offer)
    offer = _locked_offer(offer)
    if offer.state != OfferState.PUBLISHED:
        raise ValidationError(_("A closed training is not changed."))
    editable = EDITABLE[offer.kind]
    if offer.training_class_id is not None:
        editable = tuple(f for f in editable if f not in ("start_date", "end_date", "places"))
    fixed = sorted(set(values) - set(editable))
    if fixed:
        raise ValidationError(
            {name: _("This does not change once the training is published.") for name in fixed}
        )
    if "title" in values:
        values["title"] = " ".join((values["title"] or "").split())
        if not values["title"]:
            raise ValidationError({"title": _("Give the training a title.")})
    for text in ("venue", "employer", "description"):
        if text in values:
            values[text] = (values[text] or "").strip()
    if "county" in values and values["county"] is None:
        raise ValidationError({"county": _("Choose the county where the training takes place.")})
    after = {name: values.get(name, getattr(offer, name)) for name in editable}
    if offer.kind == OfferKind.STANDING and not (after.get("min_signups") or after.get(
            "start_date")):  # fmt: skip
        raise ValidationError(
            {"min_signups": _("Give the dates, or how many sign-ups open the next class.")}
        )
    if offer.kind == OfferKind.PROJECT and not after.get("employer"):
        raise ValidationError({"employer": _("Name the employer the project trains for.")})
    if "places" in values:
        held = places_taken(offer)
        if not values["places"] or values["places"] < held:
            raise ValidationError(
                {
                    "places": _("%(held)d places are held by sign-ups: no fewer places.")
                    % {"held": held}
                }
            )
    writes.update(offer, **values)
    promote(offer)
    return offer


@transaction.atomic
def close(offer: Offer) -> Offer:
    """Withdraw a published training: closed for sign-up (the sign-ups made stay)."""
    require_capability(Capability.PUBLISH_TRAINING, _("Your role cannot publish training."))
    _check_own_offer(offer)
    if offer.state != OfferState.PUBLISHED:
        raise ValidationError(_("This training is closed for sign-up."))
    return writes.update(offer, state=OfferState.CLOSED)


# --- what the worker can expect ---------------------------------------------------------------


@dataclass(frozen=True)
class _Priced:
    """What the claims' subsidy standard reads of a class."""

    occupation_id: int
    level_id: int
    end_date: date


@dataclass
class Expectation:
    """The subsidy a worker can expect, in plain words: the standard, the amount each outcome
    earns, and for a signed-in worker whether they are eligible and why not."""

    standard: Decimal | None = None
    outcomes: list[tuple[str, Decimal]] = field(default_factory=list)
    eligible: bool | None = None  # None: nobody signed in
    reasons: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def free(self) -> bool:
        return bool(self.eligible) and any(amount > 0 for _label, amount in self.outcomes)


# Outcomes the engine is asked about: (tier label, employed, certificate)
def _scenarios():
    return [
        (_("certified and employed within the window"), True, CertificateKind.SKILL_LEVEL),
        (_("certified, not employed"), False, CertificateKind.SKILL_LEVEL),
        (_("training certificate only"), False, CertificateKind.TRAINING_COMPLETION),
    ]


def _facts(pack, offer: Offer, person: Person, today: date) -> eligibility.TraineeFacts:
    if offer.start_date and offer.end_date:
        return eligibility.trainee_facts(pack, offer, [(person.pk, today)])[person.pk]
    categories = categories_by_person([person.pk], today).get(person.pk, frozenset())
    licences = licences_by_person([person.pk], today).get(person.pk, frozenset())
    return eligibility.TraineeFacts(person.pk, today, categories, licences)


def expected_subsidy(offer: Offer, person: Person | None = None) -> Expectation:
    """What the pack of the offer's county would pay for this training (004 §四(五)): the
    claims' subsidy standard times the rate each outcome earns, decided by the engine as a
    claim line is. For a signed-in worker, their categories, licences and subsidy history; for
    anyone else, a person of the categories the rates by outcome are for."""
    today = timezone.localdate()
    day = offer.start_date or today
    found = pack_for(offer.county.code, day)
    if found is None:
        return Expectation(
            note=_("No policy pack covers %(county)s yet: ask the bureau.")
            % {"county": offer.county.name}
        )
    _version, pack = found
    end = offer.end_date or day
    standard = subsidy_standard(_Priced(offer.occupation_id, offer.level_id, end), offer.county)
    if not standard.amount or standard.amount <= 0:
        return Expectation(note=_("No subsidy standard is set for this occupation and level."))
    history, eligible, reasons = [], None, []
    if person is not None:
        facts = _facts(pack, offer, person, today)
        history = training.prior_training_subsidies(person)
        decision = eligibility.enrolment_decision(pack, offer, facts, history)
        eligible, reasons = decision.granted, decision.reasons(_lang())
        categories, licences, licence_day = facts.categories, facts.licences, facts.day
    else:
        scope = pack.categories("training.rates.categories") or frozenset()
        categories = frozenset(sorted(scope)[:1])
        licences, licence_day = frozenset(), day
    outcomes, seen = [], set()
    for label, employed, certificate in _scenarios():
        line = TrainingLine(
            claim_id="offer",
            person_key=f"P{person.pk}" if person else "P0",
            categories=categories,
            occupation=offer.occupation.code,
            level=offer.level.code,
            is_new_occupation=offer.occupation.is_new,
            training_type=offer.training_type.code,
            training_end=end,
            certificate=certificate,
            employment_start=end if employed else None,
            standard=standard.amount,
            licences=licences,
            licence_day=licence_day,
        )
        decision = decide_training_subsidy(pack, line, history)
        if decision.tier in seen:
            continue
        seen.add(decision.tier)
        outcomes.append((label if decision.tier != "standard" else _("certified"), decision.amount))
    return Expectation(standard.amount, outcomes, eligible, reasons)


# --- the one-time code ------------------------------------------------------------------------


def request_code(phone: str, ip: str | None) -> None:
    """Text a one-time code to the phone (core.phonecodes): refused beyond the rate of a phone
    and of an address (per hour, settings PHONE_CODES_PER_PHONE and PHONE_CODES_PER_ADDRESS)."""
    phone = people.check_phone(phone)
    with audit.system_context(REGISTER):
        phonecodes.issue(phonecodes.REGISTER, phone, ip=ip)


def check_code(phone: str, code: str) -> PhoneCode:
    """The newest code sent to the phone, if `code` is it, unexpired and within its tries. A
    wrong code uses up a try (kept even though the registration is refused)."""
    phone = people.check_phone(phone)
    with audit.system_context(REGISTER):
        return phonecodes.verify(phonecodes.REGISTER, code, phone=phone)


def register_worker(
    *,
    name: str,
    document_kind: str,
    id_number: str,
    phone: str,
    code: str,
    username: str,
    password: str,
):
    """A worker's own registration: the code confirms the phone, the registry's checks take the
    identity (people.services), and the login gets the worker role. A person already in the
    registry is linked (when their name matches and the phone on record, if any, is the one just
    confirmed), never registered twice."""
    sent = check_code(phone, code)  # a wrong code's try is kept: outside the transaction
    phone = people.check_phone(phone)
    document = people.check_identity(document_kind, id_number)
    with transaction.atomic(), audit.system_context(REGISTER):
        person = Person.objects.filter(
            id_number_hash__in=people.id_hashes(document.kind, document.number)
        ).first()
        if person is not None:
            if person.user_id is not None:
                raise ValidationError(
                    {"id_number": _("This person already has an account: sign in.")}
                )
            if " ".join(name.split()) != person.name or (
                person.phone_hash and person.phone_hash not in people.phone_hashes(phone)
            ):
                raise ValidationError(
                    {
                        "id_number": _(
                            "This ID number is registered with another name or phone: "
                            "ask %(bureau)s to correct the registry."
                        )
                        % {"bureau": person.organisation.name}
                    }
                )
            if not person.phone_hash:
                people.update_person(person, phone=phone)
            bureau = person.organisation
        else:
            bureau = people.BureauOfRegion()(document.region_code or "")
            if bureau is None:
                raise ValidationError(_("No bureau serves this region yet."))
            person = people.register_person(
                name=name,
                id_number=id_number,
                phone=phone,
                document_kind=document_kind,
                organisation=bureau,
                source=_("self-registration"),
            )
        user = core_services.create_user(
            username=username,
            password=password,
            organisation=bureau,
            roles=[Role.WORKER],
            full_name=person.name,
        )
        people.link_user(person, user)
        phonecodes.spend(phonecodes.REGISTER, sent)
        ledger.add(person, ledger.Kind.REGISTERED, _("Account opened; phone confirmed by code"))
    return user


# --- signing up -------------------------------------------------------------------------------


def capacity(offer: Offer) -> int:
    return offer.training_class.capacity if offer.training_class_id else offer.places


def places_taken(offer: Offer) -> int:
    """Places held: trainees on the class's roster and sign-ups waiting for the institution."""
    held = offer.applications.filter(state=ApplicationState.APPLIED).count()
    if offer.training_class_id:
        held += offer.training_class.enrollments.filter(state=EnrollmentState.ENROLLED).count()
    return held


def _locked_offer(offer: Offer) -> Offer:
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("training_class", "occupation", "level", "training_type", "county")
        .get(pk=offer.pk)
    )


def _own_person() -> Person:
    user = acting_user()
    person = Person.objects.filter(user=user).first() if user is not None else None
    if person is None:
        raise PermissionDenied(_("Your login has no record in the real-name registry."))
    return person


def offered_voucher(offer: Offer, person: Person) -> Voucher | None:
    """The voucher the worker holds for the offer's occupation, issued or claimed and not used
    (电子培训券, 002 §四(五)3): offered at sign-up."""
    return (
        Voucher.objects.filter(
            person=person,
            occupations=offer.occupation_id,
            state__in=[VoucherState.ISSUED, VoucherState.CLAIMED],
        )
        .order_by("valid_until", "id")
        .first()
    )


@transaction.atomic
def apply(offer: Offer, *, use_voucher: bool = False) -> Application:
    """报名: the signed-in worker signs up. Refused: a closed offer or a class that takes no
    more trainees, a second open sign-up, and a person without the practising licence the
    occupation needs (004 §五(一), as enrolment refuses). A full class puts the sign-up on
    the waiting list. The voucher for the occupation is claimed and kept for the acceptance."""
    require_capability(Capability.APPLY_FOR_TRAINING, _("Only a worker signs up for training."))
    person = _own_person()
    offer = _locked_offer(offer)
    if offer.state != OfferState.PUBLISHED:
        raise ValidationError(_("This training is closed for sign-up."))
    if offer.training_class_id and offer.training_class.state not in TAKING_STATES:
        raise ValidationError(_("This class has started or ended and takes no more sign-ups."))
    if offer.applications.filter(
        person=person, state__in=[*OPEN_STATES, ApplicationState.ACCEPTED]
    ).exists():
        raise ValidationError(_("You have already signed up for this training."))
    found = pack_for(offer.county.code, offer.start_date or timezone.localdate())
    if found is not None:
        _version, pack = found
        facts = _facts(pack, offer, person, timezone.localdate())
        eligibility.refuse_without_licence(pack, offer, person, facts)
    voucher = offered_voucher(offer, person) if use_voucher else None
    if voucher is not None:
        if voucher.state == VoucherState.ISSUED:
            vouchers.claim(voucher, acting_user())
            voucher.refresh_from_db()
        vouchers.check_redeemable(voucher, person, offer)
    full = places_taken(offer) >= capacity(offer)
    application = writes.create(
        Application(
            offer=offer,
            person=person,
            voucher=voucher,
            state=ApplicationState.WAITING if full else ApplicationState.APPLIED,
        )
    )
    states.record_start(application)
    ledger.add(
        person,
        ledger.Kind.CLASS,
        _("Signed up for %(title)s") % {"title": offer.title},
        obj=application,
    )
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("offer", "person")
        .get(pk=application.pk)
    )


@transaction.atomic
def accept(application: Application) -> Application:
    """The institution takes the sign-up into the class's roster: training's own enrolment
    decides it (its refusals, the eligibility for the subsidy, the voucher redeemed)."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution enrols its trainees."))
    application = _locked(application)
    _check_decider(application)
    states.check(application, ApplicationState.ACCEPTED)
    offer = _locked_offer(application.offer)
    if offer.training_class_id is None:
        raise ValidationError(
            _("Open the class of this training first: accepted sign-ups go into its roster.")
        )
    enrollment = training.enrol(
        offer.training_class, application.person, voucher=application.voucher
    )
    states.move(
        application, ApplicationState.ACCEPTED, values={"enrollment": enrollment, "reason": ""}
    )
    return application


def _check_decider(application: Application) -> None:
    user = acting_user()
    if (
        user is not None
        and not scoped(user, Application.objects.filter(pk=application.pk)).exists()
    ):
        raise PermissionDenied(_("This sign-up is not yours to decide."))


@transaction.atomic
def decline(application: Application, reason: str) -> Application:
    """The institution declines with a reason the worker reads; a place held frees."""
    require_capability(Capability.RUN_CLASSES, _("Only the institution enrols its trainees."))
    application = _locked(application)
    _check_decider(application)
    held = application.state == ApplicationState.APPLIED
    states.move(
        application,
        ApplicationState.DECLINED,
        reason=reason,
        values={"reason": (reason or "").strip()},
    )
    if held:
        promote(application.offer)
    return application


@transaction.atomic
def withdraw(application: Application) -> Application:
    """The worker takes back their own sign-up; a place held frees."""
    require_actor()
    application = _locked(application)
    if application.person.user_id != getattr(acting_user(), "pk", None):
        raise PermissionDenied(_("Only the worker withdraws their own sign-up."))
    held = application.state == ApplicationState.APPLIED
    states.move(application, ApplicationState.WITHDRAWN)
    if held:
        promote(application.offer)
    return application


def promote(offer: Offer) -> list[Application]:
    """While places are free, the first on the waiting list (in the order they signed up)
    moves up to wait for the institution: the system's own work, written in each history."""
    offer = _locked_offer(offer)
    moved = []
    free = capacity(offer) - places_taken(offer)
    waiting = offer.applications.filter(state=ApplicationState.WAITING).order_by("applied_at", "id")
    for application in list(waiting[: max(free, 0)]):
        with audit.system_context(WAITING_LIST):
            states.move(
                application,
                ApplicationState.APPLIED,
                reason=_("A place became free; moved up from the waiting list."),
            )
        moved.append(application)
    return moved


def waiting_position(application: Application) -> int | None:
    """The sign-up's place on the waiting list (1: next to move up), or None."""
    if application.state != ApplicationState.WAITING:
        return None
    ahead = Application.objects.filter(
        offer_id=application.offer_id, state=ApplicationState.WAITING
    ).filter(
        Q(applied_at__lt=application.applied_at)
        | Q(applied_at=application.applied_at, id__lt=application.pk)
    )
    return ahead.count() + 1


def on_enrollment_withdrawn(sender, *, enrollment, **kwargs) -> None:
    """A trainee left the class: each published training of the class moves its list up."""
    for offer in Offer.objects.filter(
        training_class_id=enrollment.training_class_id, state=OfferState.PUBLISHED
    ):
        promote(offer)
