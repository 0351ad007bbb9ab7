"""Writes to the registry: registering persons, their categories, practising licences and
employment, and the audited full view of an ID number. Validation comes from people.identity
(pure Python)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import PersonCategory, Region
from jineng.core import audit, crypto, writes
from jineng.core.i18n import language
from jineng.core.models import AuditAction, Organisation
from jineng.core.personal import mask_id_number
from jineng.core.roles import Capability, OrgKind, Role, acting_user, require_capability
from jineng.core.scope import scoped
from jineng.people import identity, ledger
from jineng.people.models import (
    CategoryRecord,
    DocumentKind,
    EducationRecord,
    EmploymentRecord,
    LicenceRecord,
    LicenceType,
    Person,
    SchoolKind,
    id_hash_value,
    licence_hash_value,
)
from jineng.people.signals import categories_changed, licences_changed
from jineng.policy.codes import PersonCategory as Category
from jineng.policy.engine import add_months

# Roles whose work needs a person's whole ID number (checking documents, paying money).
FULL_VIEW_ROLES = {Role.REVIEWER, Role.SYSTEM_ADMIN}


def invalid(field: str, problem: identity.IdentityError) -> ValidationError:
    return ValidationError({field: problem.message(language())})


def id_hash(kind: str, number: str) -> str:
    """The look-up hash a document number is stored under now (models.id_hash_value)."""
    return crypto.lookup_hash(id_hash_value(kind, number), "id_number")


def id_hashes(kind: str, number: str) -> tuple[str, ...]:
    """Every hash a document number may be stored under (more than one while the data key is
    being rotated): search with `id_number_hash__in`."""
    return crypto.lookup_hashes(id_hash_value(kind, number), "id_number")


def id_hashes_many(documents) -> list[tuple[str, ...]]:
    """id_hashes of each (kind, number), the keys resolved once (imports)."""
    values = [id_hash_value(kind, number) for kind, number in documents]
    return crypto.lookup_hashes_many(values, "id_number")


def phone_hash(phone: str) -> str:
    return crypto.lookup_hash(phone, "phone")


def phone_hashes(phone: str) -> tuple[str, ...]:
    return crypto.lookup_hashes(phone, "phone")


def region_exists(code: str) -> bool:
    return Region.objects.filter(code=code).exists()


def check_identity(
    kind: str,
    text: str,
    *,
    birth_date: date | None = None,
    sex: str | None = None,
    region_check=region_exists,
    today: date | None = None,
) -> identity.Document:
    """Validate a document number and what was typed beside it; ValidationError names the field.
    `today`: the day an import of many rows read once."""
    try:
        document = identity.check_document(
            kind, text, today=today or timezone.localdate(), region_exists=region_check
        )
    except identity.IdentityError as problem:
        raise invalid("id_number", problem) from None
    mismatches = identity.check_against_typed(document, birth_date=birth_date, sex=sex)
    if mismatches:
        field = "birth_date" if mismatches[0].code.startswith("birth") else "sex"
        raise invalid(field, mismatches[0])
    return document


def check_phone(text: str) -> str:
    try:
        return identity.check_phone(text)
    except identity.IdentityError as problem:
        raise invalid("phone", problem) from None


class BureauOfRegion:
    """The bureau a person registers with when a roster comes without one (`jineng import
    people FILE` without --org): the nearest bureau whose region covers the region of the ID
    number (梁园区's bureau for 411402…, 商丘's for 4114…, 河南's for 41…), else the bureau at
    the top of the tree when there is only one (a person from another province registers with
    the installation's own bureau). None when neither exists."""

    def __init__(self):
        bureaus = Organisation.objects.filter(kind=OrgKind.BUREAU).exclude(region_code="")
        self.by_prefix = {region_prefix(b.region_code): b for b in bureaus.order_by("-path")}
        tops = list(Organisation.objects.filter(kind=OrgKind.BUREAU, parent=None)[:2])
        self.top = tops[0] if len(tops) == 1 else None

    def __bool__(self) -> bool:
        return bool(self.by_prefix) or self.top is not None

    def __call__(self, region_code: str) -> Organisation | None:
        for size in (6, 4, 2):
            found = self.by_prefix.get(region_code[:size]) if region_code else None
            if found is not None:
                return found
        return self.top


def region_prefix(code: str) -> str:
    """What a GB/T 2260 code covers: 410000 → 41, 411400 → 4114, 411402 → 411402."""
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


@dataclass(frozen=True)
class NewPerson:
    """What a new person is made from (new_persons); `id_hash` when the caller has it already."""

    document: identity.Document
    name: str
    organisation: Organisation
    phone: str = ""
    id_hash: str = ""


def new_person(
    document: identity.Document,
    *,
    name: str,
    organisation: Organisation,
    phone: str = "",
    source: str = "",
    regions: dict[str, Region] | None = None,
) -> Person:
    """An unsaved Person with its numbers encrypted, hashed and masked."""
    given = NewPerson(document, name, organisation, phone)
    return new_persons([given], source=source, regions=regions)[0]


def new_persons(
    items: list[NewPerson], *, source: str = "", regions: dict[str, Region] | None = None
) -> list[Person]:
    """Unsaved Persons with their numbers encrypted, hashed and masked: the encryption and the
    hashes of all of them at once (crypto's batch calls resolve the keys once: a roster of
    100,000 rows), each value still sealed with a nonce of its own."""
    names = [" ".join(item.name.split()) for item in items]
    if not all(names):
        raise ValidationError({"name": _("The name is empty.")})
    ciphers = crypto.encrypt_many([item.document.number for item in items], "id_number")
    missing = [item for item in items if not item.id_hash]
    hashes = iter(
        crypto.lookup_hashes_many(
            [id_hash_value(item.document.kind, item.document.number) for item in missing],
            "id_number",
        )
    )
    phoned = [item.phone for item in items if item.phone]
    phone_ciphers = iter(crypto.encrypt_many(phoned, "phone"))
    phone_digests = iter(crypto.lookup_hashes_many(phoned, "phone"))
    persons = []
    for item, name, cipher in zip(items, names, ciphers, strict=True):
        document = item.document
        region = None
        if document.region_code:
            region = (regions or {}).get(document.region_code) or Region.objects.filter(
                code=document.region_code
            ).first()
        person = Person(
            name=name,
            document_kind=document.kind,
            id_number_cipher=cipher,
            # the current hash is the first of every hash the number may be stored under
            id_number_hash=item.id_hash or next(hashes)[0],
            id_number_masked=identity.mask_id(document.number),
            birth_date=document.birth_date,
            sex=document.sex or "",
            region=region,
            organisation=item.organisation,
            source=source,
        )
        if item.phone:
            person.phone_cipher = next(phone_ciphers)
            person.phone_hash = next(phone_digests)[0]
            person.phone_masked = identity.mask_phone(item.phone)
        persons.append(person)
    return persons


@transaction.atomic
def register_person(
    *,
    name: str,
    id_number: str,
    organisation: Organisation,
    document_kind: str = DocumentKind.ID_CARD,
    phone: str = "",
    birth_date: date | None = None,
    sex: str | None = None,
    source: str = "",
) -> Person:
    require_capability(Capability.REGISTER_PEOPLE, _("Your role cannot register people."))
    document = check_identity(document_kind, id_number, birth_date=birth_date, sex=sex)
    phone = check_phone(phone) if phone else ""
    existing = (
        Person.objects.filter(id_number_hash__in=id_hashes(document.kind, document.number))
        .select_related("organisation")
        .first()
    )
    if existing is not None:
        raise ValidationError(
            {
                "id_number": ValidationError(
                    _("This ID number is already registered with %(bureau)s (%(masked)s).")
                    % {"bureau": existing.organisation.name, "masked": existing.id_number_masked},
                    code="registered",
                )
            }
        )
    person = writes.create(
        new_person(document, name=name, organisation=organisation, phone=phone, source=source)
    )
    ledger.add(
        person, ledger.Kind.REGISTERED, _("Registered by real name"), detail={"source": source}
    )
    return person


@transaction.atomic
def register_with_categories(*, categories: list[dict], **person) -> Person:
    """A person and their categories (add_category's arguments, one dict each), all or nothing:
    the registration page's one write."""
    registered = register_person(**person)
    for values in categories:
        add_category(registered, values.pop("code"), **values)
    return registered


def registering_bureaus(user):
    """The bureaus a user may register a person with: the bureau at or above their organisation
    (for an institution's staff the bureau above the institution, as the class roster import
    picks it) and, for a bureau's own staff, the bureaus of the region below it."""
    organisation = user.organisation
    bureau = organisation.nearest_bureau() if organisation is not None else None
    if bureau is None:
        return Organisation.objects.none()
    if organisation.kind == OrgKind.BUREAU:
        return Organisation.objects.filter(kind=OrgKind.BUREAU, path__startswith=bureau.path)
    return Organisation.objects.filter(pk=bureau.pk)


@transaction.atomic
def update_person(person: Person, *, name: str | None = None, phone: str | None = None) -> Person:
    """Change what a later roster or the person's bureau corrects; the ID number never changes."""
    changes = {}
    if name is not None:
        changes["name"] = " ".join(name.split())
    if phone is not None:
        phone = check_phone(phone)
        changes.update(
            phone_cipher=crypto.encrypt(phone, "phone"), phone_hash=phone_hash(phone),
            phone_masked=identity.mask_phone(phone),
        )  # fmt: skip
    return writes.update(person, **changes)


@transaction.atomic
def link_user(person: Person, user) -> Person:
    """Give a worker's login its registry record: from then on they see their own records."""
    if Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise ValidationError({"user": _("This login already belongs to another person.")})
    return writes.update(person, user=user)


def id_number_hashes(text: str) -> tuple[str, ...]:
    """The keyed hashes a typed number may be stored under (one per document kind, and per key
    while the data key is being rotated)."""
    number = identity.normalise(text)
    return tuple(digest for kind in DocumentKind.values for digest in id_hashes(kind, number))


def find_by_id_number(text: str) -> Person | None:
    """Exact look-up through the keyed hash: the number is never stored or searched in clear."""
    return Person.objects.filter(id_number_hash__in=id_number_hashes(text)).first()


def is_person(person: Person, text: str) -> bool:
    """Whether what someone typed is this person's whole ID document number (through the keyed
    hash, never decrypted) or their whole name (spaces ignored)."""
    typed = identity.normalise(text)
    if not typed:
        return False
    if person.id_number_hash in id_number_hashes(typed):
        return True
    return typed == identity.normalise(person.name)


def decrypt_id_number(person: Person) -> str:
    """For the system's own work (matching, exports to payment); never shown unaudited."""
    return crypto.decrypt(person.id_number_cipher, "id_number")


def reveal_id_number(viewer, person: Person) -> str:
    """The whole number, for a role that needs it; every such view goes to the audit log."""
    if not (viewer.role_set & FULL_VIEW_ROLES):
        raise PermissionDenied(_("Your role does not show whole ID numbers."))
    audit.record(AuditAction.VIEW_PERSONAL, person, message="id_number")
    return decrypt_id_number(person)


# Categories that count only in the calendar year the person left school (004 §二): 毕业年度
# 高校毕业生, and 应届 初高中毕业生 (应届: of this year's class; read as the calendar year they
# left school, like the graduates' 毕业年度, assumed: 004 names no dates).
YEAR_BOUND = {
    Category.GRADUATE: gettext_lazy("A graduate needs the graduation year."),
    Category.SCHOOL_LEAVER: gettext_lazy("A school leaver needs the year they left school."),
}


def category_period(
    code: str, valid_from: date, valid_to: date | None, graduation_year: int | None
):
    """The validity of a new category record: a year-bound category (YEAR_BOUND, 004 §二) is
    valid from 1 January to 31 December of the year the person left school, whatever dates
    were typed; any other category as typed."""
    if code not in YEAR_BOUND:
        return valid_from, valid_to
    if graduation_year is None:
        raise ValidationError({"graduation_year": str(YEAR_BOUND[code])})
    return date(graduation_year, 1, 1), date(graduation_year, 12, 31)


@transaction.atomic
def add_category(
    person: Person,
    code: str,
    *,
    valid_from: date,
    valid_to: date | None = None,
    evidence: str = "",
    source: str = "",
    graduation_year: int | None = None,
) -> CategoryRecord:
    category = (
        PersonCategory.objects.filter(code=code).first()
        or PersonCategory.objects.filter(name=code).first()
    )
    if category is None:
        raise ValidationError(
            {"categories": _("Unknown person category: %(code)s") % {"code": code}}
        )
    start, end = category_period(category.code, valid_from, valid_to, graduation_year)
    record = writes.create(
        CategoryRecord(
            person=person,
            category=category,
            valid_from=start,
            valid_to=end,
            evidence=evidence,
            source=source,
        )
    )
    ledger.add(
        person,
        ledger.Kind.CATEGORY,
        category.name,
        obj=record,
        detail={"from": start.isoformat(), "to": end.isoformat() if end else None},
    )
    categories_changed.send(sender=CategoryRecord, person_ids=[person.pk])
    return record


@transaction.atomic
def change_category(
    record: CategoryRecord, *, valid_from: date, valid_to: date | None, evidence: str = ""
) -> CategoryRecord:
    """End or correct a person's category: its validity (and the evidence for the change). The
    bureau keeps the registry's facts, so only its reviewers (and admins) change them; rosters
    of the person's classes not completed yet are decided again (categories_changed)."""
    require_capability(
        Capability.IMPORT_PEOPLE, _("Only the bureau ends or corrects a person's categories.")
    )
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(
            {"valid_to": _("A category cannot end before it starts (%(start)s).")
             % {"start": valid_from}}
        )  # fmt: skip
    changes = {"valid_from": valid_from, "valid_to": valid_to}
    if evidence.strip():
        changes["evidence"] = evidence.strip()
    before = (record.valid_from, record.valid_to)
    record = writes.update(record, **changes)
    ledger.add(
        record.person,
        ledger.Kind.CATEGORY,
        _("%(category)s changed: valid %(start)s to %(end)s")
        % {"category": record.category.name, "start": valid_from, "end": valid_to or "—"},
        obj=record,
        detail={
            "before": [day.isoformat() if day else None for day in before],
            "from": valid_from.isoformat(),
            "to": valid_to.isoformat() if valid_to else None,
        },
    )
    categories_changed.send(sender=CategoryRecord, person_ids=[record.person_id])
    return record


# --- practising licences (从业资格, 004 §五(一)) ------------------------------------------------

# Letters, digits and hyphens: 特种作业操作证 numbers are often the holder's ID number, 保安员证
# numbers a letter and digits. Checked after normalising (full-width folded, spaces removed).
LICENCE_NUMBER_RE = re.compile(r"^[0-9A-Z][0-9A-Z-]{3,39}$")


def licence_number(text: str) -> str:
    """A licence number as typed, cleaned (NFKC, no spaces, upper case); refused by shape only,
    never echoed in the message."""
    number = identity.normalise(text).upper()
    if not LICENCE_NUMBER_RE.match(number):
        raise ValidationError(
            {"number": _("A licence number has 4 to 40 letters, digits or hyphens.")}
        )
    return number


def licence_hash(licence_type: str, number: str) -> str:
    """The keyed look-up hash of a licence number of a type (never the number in clear)."""
    return crypto.lookup_hash(licence_hash_value(licence_type, number), "licence_number")


def licence_hashes(licence_type: str, number: str) -> tuple[str, ...]:
    """Every hash the licence number may be stored under (more while a key rotates)."""
    return crypto.lookup_hashes(licence_hash_value(licence_type, number), "licence_number")


def _require_visible(person: Person) -> None:
    """Fail closed on the data scope too: a user records licences only of persons they see
    (the system's own work, an import by command, sees everyone)."""
    user = acting_user()
    if user is not None and not scoped(user, Person.objects.filter(pk=person.pk)).exists():
        raise ValidationError({"person": _("This person is not in the registry.")})


def _licence_period(valid_from: date, valid_to: date | None) -> None:
    if valid_from > timezone.localdate():
        raise ValidationError(
            {"valid_from": _("A licence cannot be valid from a day after today.")}
        )
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(
            {"valid_to": _("A licence cannot end before it starts (%(start)s).")
             % {"start": valid_from}}
        )  # fmt: skip


def find_licence(licence_type: str, number: str, *, person: Person | None = None):
    """The records of a licence number of a type (through the keyed hash), of one person or of
    anyone."""
    records = LicenceRecord.objects.filter(
        licence_type=licence_type,
        number_hash__in=licence_hashes(licence_type, licence_number(number)),
    )
    return records if person is None else records.filter(person=person)


@transaction.atomic
def add_licence(
    person: Person,
    *,
    licence_type: str,
    number: str,
    valid_from: date,
    valid_to: date | None = None,
    issued_by: str = "",
    evidence: str = "",
    source: str = "",
) -> LicenceRecord:
    """Record a practising licence (从业资格) the person holds, with its evidence: 004 §五(一)
    trains 保安员、电工、焊工等 with a subsidy only those who already hold it. The number is stored
    encrypted, hashed and masked; a number of the same type recorded for another person is
    refused, and so is the same licence with the same validity twice. A renewal is a new record
    from its new first day. The rosters of the person's classes not completed yet are decided
    again (licences_changed)."""
    require_capability(
        Capability.REGISTER_PEOPLE, _("Your role cannot record practising licences.")
    )
    _require_visible(person)
    if licence_type not in LicenceType.values:
        raise ValidationError({"licence_type": _("Choose a licence from the list.")})
    number = licence_number(number)
    _licence_period(valid_from, valid_to)
    key = licence_hash(licence_type, number)
    same_number = LicenceRecord.objects.filter(
        licence_type=licence_type, number_hash__in=licence_hashes(licence_type, number)
    )
    other = same_number.exclude(person=person).select_related("person__organisation").first()
    if other is not None:
        raise ValidationError(
            {
                "number": ValidationError(
                    _("This licence number is already recorded for another person, registered "
                      "with %(bureau)s.") % {"bureau": other.person.organisation.name},
                    code="other_person",
                )
            }
        )  # fmt: skip
    if same_number.filter(person=person, valid_from=valid_from).exists():
        raise ValidationError(
            {
                "number": ValidationError(
                    _("This licence is already recorded from %(start)s.") % {"start": valid_from},
                    code="recorded",
                )
            }
        )
    record = writes.create(
        LicenceRecord(
            person=person,
            licence_type=licence_type,
            number_cipher=crypto.encrypt(number, "licence_number"),
            number_hash=key,
            number_masked=mask_id_number(number),
            issued_by=" ".join(issued_by.split()),
            valid_from=valid_from,
            valid_to=valid_to,
            evidence=evidence.strip(),
            source=source,
        )
    )
    ledger.add(
        person,
        ledger.Kind.LICENCE,
        f"{record.get_licence_type_display()} {record.number_masked}",
        obj=record,
        detail={
            "licence": licence_type,
            "from": valid_from.isoformat(),
            "to": valid_to.isoformat() if valid_to else None,
        },
    )
    licences_changed.send(sender=LicenceRecord, person_ids=[person.pk])
    return record


@transaction.atomic
def change_licence(
    record: LicenceRecord, *, valid_from: date, valid_to: date | None, evidence: str = ""
) -> LicenceRecord:
    """End or correct a licence's validity (revoked, not renewed, typed wrong), with the
    evidence for the change. The bureau keeps the registry's facts, so only its reviewers (and
    admins) do; the rosters of the person's open classes are decided again."""
    require_capability(
        Capability.IMPORT_PEOPLE, _("Only the bureau ends or corrects a person's licences.")
    )
    _require_visible(record.person)
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(
            {"valid_to": _("A licence cannot end before it starts (%(start)s).")
             % {"start": valid_from}}
        )  # fmt: skip
    before = (record.valid_from, record.valid_to)
    changes = {"valid_from": valid_from, "valid_to": valid_to}
    if evidence.strip():
        changes["evidence"] = evidence.strip()
    clash = LicenceRecord.objects.filter(
        person=record.person_id, licence_type=record.licence_type,
        number_hash__in=licence_hashes(
            record.licence_type, crypto.decrypt(record.number_cipher, "licence_number")
        ),
        valid_from=valid_from,
    ).exclude(pk=record.pk)  # fmt: skip
    if clash.exists():
        raise ValidationError(
            {"valid_from": _("This licence is already recorded from %(start)s.")
             % {"start": valid_from}}
        )  # fmt: skip
    record = writes.update(record, **changes)
    ledger.add(
        record.person,
        ledger.Kind.LICENCE,
        _("%(licence)s %(masked)s changed: valid %(start)s to %(end)s")
        % {"licence": record.get_licence_type_display(), "masked": record.number_masked,
           "start": valid_from, "end": valid_to or "—"},
        obj=record,
        detail={
            "before": [day.isoformat() if day else None for day in before],
            "from": valid_from.isoformat(),
            "to": valid_to.isoformat() if valid_to else None,
        },
    )  # fmt: skip
    licences_changed.send(sender=LicenceRecord, person_ids=[record.person_id])
    return record


@transaction.atomic
def add_employment(
    person: Person,
    *,
    employer_uscc: str,
    start: date,
    end: date | None = None,
    insured_months: int = 0,
    employer_name: str = "",
    source: str = "",
) -> tuple[EmploymentRecord, str]:
    try:
        uscc = identity.check_uscc(employer_uscc)
    except identity.IdentityError as problem:
        raise invalid("employer_uscc", problem) from None
    if end is not None and end < start:
        raise ValidationError({"end": _("The end is before the start.")})
    existing = EmploymentRecord.objects.filter(
        person=person, employer_uscc=uscc, start=start
    ).first()
    values = {"end": end, "insured_months": insured_months, "employer_name": employer_name}
    if existing is not None:
        changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
        if changed:
            writes.update(existing, **changed)
        return existing, "updated" if changed else "unchanged"
    record = writes.create(
        EmploymentRecord(person=person, employer_uscc=uscc, start=start, source=source, **values)
    )
    ledger.add(
        person,
        ledger.Kind.EMPLOYMENT,
        employer_name or uscc,
        obj=record,
        at=timezone.make_aware(datetime.combine(start, time.min)),
        detail={"insured_months": insured_months},
    )
    return record, "created"


def employed_within(person: Person, after: date, months: int) -> EmploymentRecord | None:
    """The first insured employment that started within `months` after `after` (e.g. the end
    of training: 004 §四(五) 3 months), or None."""
    limit = add_months(after, months)
    return (
        EmploymentRecord.objects.filter(person=person, start__gte=after, start__lte=limit)
        .order_by("start")
        .first()
    )


# --- education (学历): 002 §四(二)1 lets some graduates go straight to a higher evaluation --------

ONLY_BUREAU_EDUCATION = gettext_lazy(
    "Only the bureau records a person's education, from the diploma it has seen."
)
MIN_GRADUATION_AGE = 14  # no school the packs name is finished earlier (初中 ends at about 15)
EARLIEST_GRADUATION = date(1950, 1, 1)


def _in_scope(person: Person) -> None:
    """A user acts only on the persons of their scope (the system on anyone)."""
    user = acting_user()
    if user is not None and not scoped(user, Person.objects.filter(pk=person.pk)).exists():
        raise PermissionDenied(_("This person is not in your scope."))


def _text(value: str, field: str, limit: int, missing) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError({field: str(missing)})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


def check_education(
    person: Person, *, school_kind: str, school: str, major: str, graduated_on: date,
    evidence: str,
) -> dict:  # fmt: skip
    """The cleaned values of an education record, or ValidationError naming the field: a known
    kind of school, its name, the major, the evidence seen, and a graduation day that is not in
    the future, not before 1950 and not before the person was 14."""
    if school_kind not in SchoolKind.values:
        raise ValidationError({"school_kind": _("Choose the kind of school.")})
    values = {
        "school_kind": school_kind,
        "school": _text(school, "school", 200, _("Name the school.")),
        "major": _text(major, "major", 100, _("Name the major (专业).")),
        "evidence": _text(
            evidence, "evidence", 200, _("Name the evidence: the diploma and its number.")
        ),
    }
    if graduated_on is None:
        raise ValidationError({"graduated_on": _("Give the day of graduation.")})
    if graduated_on > timezone.localdate():
        raise ValidationError(
            {"graduated_on": _("The graduation date is in the future: record it once the "
                               "person has graduated.")}
        )  # fmt: skip
    if graduated_on < EARLIEST_GRADUATION:
        raise ValidationError(
            {"graduated_on": _("The graduation date is before %(date)s.")
             % {"date": EARLIEST_GRADUATION}}
        )  # fmt: skip
    born = person.birth_date
    if born is not None and graduated_on < _years_after(born, MIN_GRADUATION_AGE):
        raise ValidationError(
            {"graduated_on": _("The person (born %(born)s) was not yet %(age)d on %(date)s: "
                               "check the graduation date.")
             % {"born": born, "age": MIN_GRADUATION_AGE, "date": graduated_on}}
        )  # fmt: skip
    return values | {"graduated_on": graduated_on}


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def add_education(
    person: Person,
    *,
    school_kind: str,
    school: str,
    major: str,
    graduated_on: date,
    evidence: str,
    source: str = "",
) -> tuple[EducationRecord, str]:
    """Record a person's graduation (学历), checked (check_education), audited and on their
    ledger: ("created"), or the same record again ("unchanged", for imports sent twice). A
    different record of the same kind of school on the same day is refused: the bureau removes
    a wrong one first (remove_education)."""
    require_capability(Capability.IMPORT_PEOPLE, ONLY_BUREAU_EDUCATION)
    _in_scope(person)
    values = check_education(
        person, school_kind=school_kind, school=school, major=major, graduated_on=graduated_on,
        evidence=evidence,
    )  # fmt: skip
    existing = EducationRecord.objects.filter(
        person=person, school_kind=school_kind, graduated_on=graduated_on
    ).first()
    if existing is not None:
        if all(getattr(existing, name) == value for name, value in values.items()):
            return existing, "unchanged"
        raise ValidationError(
            {"graduated_on": _("A graduation from a %(kind)s on %(date)s is already recorded "
                               "(%(school)s, %(major)s): remove it first to correct it.")
             % {"kind": existing.get_school_kind_display(), "date": graduated_on,
                "school": existing.school, "major": existing.major}}
        )  # fmt: skip
    record = writes.create(EducationRecord(person=person, source=source[:100], **values))
    ledger.add(
        person,
        ledger.Kind.EDUCATION,
        _("Education recorded: %(school)s, %(major)s, graduated %(date)s (%(kind)s)")
        % {"school": record.school, "major": record.major, "date": graduated_on,
           "kind": record.get_school_kind_display()},
        obj=record,
        detail={"school_kind": school_kind, "graduated_on": graduated_on.isoformat(),
                "source": source},
    )  # fmt: skip
    return record, "created"


@transaction.atomic
def remove_education(record: EducationRecord, reason: str) -> None:
    """Remove a wrong education record, with the reason; the ledger keeps both lines (the
    record and its removal) and the audit log the record as it was."""
    require_capability(Capability.IMPORT_PEOPLE, ONLY_BUREAU_EDUCATION)
    record = EducationRecord.objects.select_related("person").get(pk=record.pk)
    _in_scope(record.person)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    person, described = record.person, str(record)
    writes.delete(record, message=reason[:300])
    ledger.add(
        person,
        ledger.Kind.EDUCATION,
        _("Education record removed: %(record)s. Reason: %(reason)s")
        % {"record": described, "reason": reason[:150]},
        detail={"reason": reason[:300]},
    )
