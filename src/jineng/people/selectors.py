"""Reads of the registry, always through the data scope. Searching by a whole ID or phone
number goes through the keyed hash: the clear number is never compared, stored or logged."""

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from jineng.core.filters import run
from jineng.core.scope import scoped
from jineng.people import identity, services
from jineng.people.filters import PersonFilter
from jineng.people.models import CategoryRecord, LicenceRecord, Person
from jineng.policy.records import CATEGORY_CODES, LICENCE_CODES

PHONE_RE = re.compile(r"^\+?\d[\d -]{6,}$")


def persons_for(user, search: str = "") -> QuerySet[Person]:
    queryset = scoped(user, Person.objects.select_related("organisation", "region"))
    search = search.strip()
    if not search:
        return queryset
    number = identity.normalise(search)
    if len(number) >= 15 and any(ch.isdecimal() for ch in number):
        return queryset.filter(id_number_hash__in=services.id_number_hashes(number))
    if PHONE_RE.match(search):
        try:
            return queryset.filter(
                phone_hash__in=services.phone_hashes(identity.check_phone(search))
            )
        except identity.IdentityError:
            return queryset.none()
    return queryset.filter(name__icontains=search)


def person_list(user, filters=None) -> QuerySet[Person]:
    """The registry's list on its page and in the API: latest registered first."""
    return run(PersonFilter, persons_for(user), filters).order_by("-registered_at", "-id")


def categories_on(person: Person, day) -> set[str]:
    """The codes of the person's categories valid on a day."""
    return {
        record.category.code
        for record in person.categories.select_related("category")
        if record.is_valid_on(day)
    }


def categories_by_person(person_ids: Iterable[int], day: date) -> dict[int, frozenset[str]]:
    """Each person's category codes valid on the day, in one query; a catalog category the
    policy engine does not know counts as none. A person without any is left out."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = CategoryRecord.objects.filter(person_id__in=list(person_ids), valid_from__lte=day)
    rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    for person_id, code in rows.values_list("person_id", "category__code"):
        if code in CATEGORY_CODES:
            found[person_id].add(code)
    return {person_id: frozenset(codes) for person_id, codes in found.items()}


def _on_days(rows, pairs, known) -> dict[tuple[int, date], frozenset[str]]:
    """{(person id, day): codes of the rows (person id, code, from, to) valid on that day}."""
    days: dict[int, set[date]] = defaultdict(set)
    for person_id, day in pairs:
        days[person_id].add(day)
    found: dict[tuple[int, date], set[str]] = defaultdict(set)
    for person_id, code, valid_from, valid_to in rows:
        if code not in known:
            continue
        for day in days[person_id]:
            if valid_from <= day and (valid_to is None or valid_to >= day):
                found[person_id, day].add(code)
    return {key: frozenset(codes) for key, codes in found.items()}


def _spanning(queryset, pairs):
    """The rows of the pairs' persons valid on some day between the first and the last."""
    first, last = min(day for _p, day in pairs), max(day for _p, day in pairs)
    queryset = queryset.filter(person_id__in={person_id for person_id, _d in pairs})
    return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first), valid_from__lte=last)


def categories_on_days(pairs) -> dict[tuple[int, date], frozenset[str]]:
    """categories_by_person for many (person id, day) pairs at once (a claim generation's
    classes, each counting on its own day): one query, each pair read as categories_by_person
    reads it. A pair without any is left out."""
    pairs = list(pairs)
    if not pairs:
        return {}
    rows = _spanning(CategoryRecord.objects, pairs).values_list(
        "person_id", "category__code", "valid_from", "valid_to"
    )
    return _on_days(rows, pairs, CATEGORY_CODES)


def licences_on_days(pairs) -> dict[tuple[int, date], frozenset[str]]:
    """licences_by_person for many (person id, day) pairs at once, in one query."""
    pairs = list(pairs)
    if not pairs:
        return {}
    rows = _spanning(LicenceRecord.objects, pairs).values_list(
        "person_id", "licence_type", "valid_from", "valid_to"
    )
    return _on_days(rows, pairs, LICENCE_CODES)


def six_categories_on(person: Person, pack, day) -> set[str]:
    """Which of the person's categories are "six categories" under the pack (004 §二): the
    pack's list decides, never code."""
    return categories_on(person, day) & set(pack.value("categories.six", ()))


def _valid_on(queryset, day: date):
    queryset = queryset.filter(valid_from__lte=day)
    return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def licences_by_person(person_ids: Iterable[int], day: date) -> dict[int, frozenset[str]]:
    """Each person's practising licences (从业资格, 004 §五(一)) valid on the day, as licence
    type codes, in one query. A person without any is left out."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = _valid_on(LicenceRecord.objects.filter(person_id__in=list(person_ids)), day)
    for person_id, code in rows.values_list("person_id", "licence_type"):
        if code in LICENCE_CODES:
            found[person_id].add(code)
    return {person_id: frozenset(codes) for person_id, codes in found.items()}


def licences_valid_on(person_ids: Iterable[int], licence_type: str, day: date):
    """{person id: the licence record of the type valid on the day} (the one valid longest),
    for pages that show which licence a trainee holds."""
    rows = _valid_on(
        LicenceRecord.objects.filter(person_id__in=list(person_ids), licence_type=licence_type),
        day,
    ).order_by("person_id", "valid_to", "-valid_from")
    found = {}
    for record in rows:  # open-ended (NULL) sorts first on SQLite, last on PostgreSQL
        best = found.get(record.person_id)
        if (
            best is None
            or best.valid_to is not None
            and (record.valid_to is None or record.valid_to > best.valid_to)
        ):
            found[record.person_id] = record
    return found
