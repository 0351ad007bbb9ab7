"""Writes to the catalogs, each audited: keyed upserts used by imports, loaders and the demo."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from jineng.catalog.models import Occupation, Region, RegionLevel, SkillLevel
from jineng.core import audit, writes
from jineng.core.imports import CREATED, UNCHANGED, UPDATED

REGION_CODE_RE = re.compile(r"^\d{6}$")
OCCUPATION_CODE_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
TRUE_WORDS = {"是", "yes", "y", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "no", "n", "false", "0", ""}


def upsert(model: type[models.Model], key: dict, values: dict, m2m: dict | None = None) -> str:
    """Create the row with this key, or update the fields that differ; audited either way."""
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = writes.create(model(**key, **values))
        outcome = CREATED
    else:
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if changed:
            writes.update(obj, **changed)
        outcome = UPDATED if changed else UNCHANGED
    for name, targets in (m2m or {}).items():
        manager = getattr(obj, name)
        if set(manager.all()) != set(targets):
            manager.set(targets)
            if outcome == UNCHANGED:
                outcome = UPDATED
    return outcome


# Parsing of cells typed by people, each raising ValidationError with a message for the report.


def parse_bool(text: str, field: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(
        {field: _("Write 是 or 否 (yes or no), not “%(text)s”.") % {"text": text}}
    )


def parse_year(text: str, field: str, *, required: bool = True) -> int | None:
    if not text and not required:
        return None
    if not re.fullmatch(r"(19|20)\d\d", text):
        raise ValidationError({field: _("“%(text)s” is not a year.") % {"text": text}})
    return int(text)


def parse_amount(text: str, field: str) -> Decimal:
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or amount < 0
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise ValidationError(
            {
                field: _("“%(text)s” is not an amount in yuan (at most 2 decimals, not negative).")
                % {"text": text}
            }
        )
    return amount.quantize(Decimal("0.01"))


def region_by_code(code: str, field: str = "region") -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({field: _("No region has the code “%(code)s”.") % {"code": code}})
    return region


def occupation_by_code(code: str, field: str = "occupation") -> Occupation:
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        raise ValidationError({field: _("No occupation has the code “%(code)s”.") % {"code": code}})
    return occupation


def level_by_code(code: str, field: str = "level") -> SkillLevel:
    level = (
        SkillLevel.objects.filter(code=code).first() or SkillLevel.objects.filter(name=code).first()
    )
    if level is None:
        raise ValidationError({field: _("No skill level is called “%(code)s”.") % {"code": code}})
    return level


def check_evaluated_at(occupation: Occupation, level: SkillLevel) -> None:
    """An occupation is trained, designated and evaluated only at the levels it has."""
    if not occupation.levels.filter(pk=level.pk).exists():
        names = {"occupation": occupation.name, "level": level.name}
        raise ValidationError(
            {"level": _("%(occupation)s is not evaluated at the level %(level)s.") % names}
        )


def region_level_of(code: str) -> str:
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


def region_parent_code(code: str) -> str | None:
    """The GB/T 2260 parent: county 411402 → city 411400 → province 410000. Directly
    administered counties (e.g. 419001) hang under the province when no city exists."""
    level = region_level_of(code)
    if level == RegionLevel.PROVINCE:
        return None
    if level == RegionLevel.CITY:
        return code[:2] + "0000"
    return code[:4] + "00"


def present(**values) -> dict:
    """The values that were given: an import file without a column leaves that field alone."""
    return {name: value for name, value in values.items() if value is not KEEP}


KEEP = object()  # "this field was not in the file": keep the stored value


def save_region(*, code: str, name: str, valid_from=KEEP, valid_to=KEEP, is_local=KEEP) -> str:
    values = present(
        code=code, name=name, valid_from=valid_from, valid_to=valid_to, is_local=is_local
    )
    (outcome,) = save_regions([values])
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


LEVEL_ORDER = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


@transaction.atomic
def save_regions(items: list[dict]) -> list[str | ValidationError]:
    """Create or update regions, parents first whatever their order: the whole national code
    list (about 7,000 codes) takes one bulk insert per level with its audit entries in bulk;
    a changed region is updated (and audited) on its own. Each item is a dict of code, name
    and any of valid_from, valid_to, is_local (a missing one keeps the stored value). Returns,
    item by item, the outcome (created, updated, unchanged) or the ValidationError refusing it;
    a refused item changes nothing."""
    writes.ensure_can_write()
    outcomes: list = [None] * len(items)
    known = _regions_around(item["code"] for item in items)
    seen: set[str] = set()
    for level in LEVEL_ORDER:
        new = []
        for index, item in enumerate(items):
            code = item["code"]
            if not REGION_CODE_RE.match(code) or region_level_of(code) != level:
                continue
            try:
                if code in seen:
                    raise ValidationError(
                        {"code": _("The region %(code)s appears twice.") % {"code": code}}
                    )
                seen.add(code)
                values = {**item, "level": level, "parent": _region_parent(code, known)}
                if code in known:
                    outcomes[index] = _update_region(known[code], values)
                else:
                    region = Region(**values)
                    # The parent was just found; checking it again would cost a query per row.
                    region.full_clean(exclude=["parent"], validate_unique=False)
                    new.append(region)
                    outcomes[index] = CREATED
            except ValidationError as problem:
                outcomes[index] = problem
        Region.objects.bulk_create(new, batch_size=500)
        audit.record_created(new)
        known.update((region.code, region) for region in new)
    for index, item in enumerate(items):
        if outcomes[index] is None:  # not six digits: no level to place it at
            message = _("A region code has six digits, not “%(code)s”.") % {"code": item["code"]}
            outcomes[index] = ValidationError({"code": message})
    return outcomes


def _regions_around(codes) -> dict[str, Region]:
    """The stored regions of these codes and of their possible parents, by code."""
    wanted = set()
    for code in codes:
        wanted |= {code, code[:4] + "00", code[:2] + "0000"}
    return {region.code: region for region in Region.objects.filter(code__in=wanted)}


def _region_parent(code: str, known: dict[str, Region]) -> Region | None:
    """The GB/T 2260 parent, or the province for a county with no city (419001 济源)."""
    parent_code = region_parent_code(code)
    if parent_code is None:
        return None
    parent = known.get(parent_code) or known.get(code[:2] + "0000")
    if parent is None:
        message = _("Load the region %(parent)s before %(code)s.")
        raise ValidationError({"code": message % {"parent": parent_code, "code": code}})
    return parent


def _update_region(region: Region, values: dict) -> str:
    parent = values.pop("parent")
    changed = {name: value for name, value in values.items() if getattr(region, name) != value}
    if region.parent_id != (parent.pk if parent else None):  # compared by id: no query
        changed["parent"] = parent
    if changed:
        writes.update(region, **changed)
    return UPDATED if changed else UNCHANGED


def parse_levels(text: str, field: str = "levels") -> list[SkillLevel]:
    """ "5-1" (五级 to 一级), "4-1", "5,4,3", or "专项" / "special"; a trailing ? is a doubt
    of the source, kept in the occupation's `unconfirmed` flag, not here."""
    text = text.replace("?", "").replace("？", "").strip()
    if not text:
        return []
    typed_as_date = re.fullmatch(r"\d{4}-0?(\d{1,2})-0?(\d{1,2})", text)
    if typed_as_date:
        # A spreadsheet turned the typed "5-1" into the 1st of May: read it back as 5-1.
        text = f"{typed_as_date.group(1)}-{typed_as_date.group(2)}"
    if text in {"专项", "special"}:
        return [level_by_code("special", field)]
    match = re.fullmatch(r"([1-5])\s*-\s*([1-5])", text)
    if match:
        low, high = sorted((int(match.group(1)), int(match.group(2))))
        return [level_by_code(str(n), field) for n in range(high, low - 1, -1)]
    return [level_by_code(part.strip(), field) for part in re.split(r"[,，、;；\s]+", text) if part]


@transaction.atomic
def save_occupation(
    *,
    code: str,
    name: str,
    levels=KEEP,
    is_new=KEEP,
    new_since=KEEP,
    is_access=KEEP,
    former_code=KEEP,
    unconfirmed=KEEP,
    note=KEEP,
) -> str:
    if not OCCUPATION_CODE_RE.match(code):
        raise ValidationError(
            {
                "code": _("An occupation code looks like 6-18-02-04, not “%(code)s”.")
                % {"code": code}
            }
        )
    values = present(
        name=name,
        is_new=is_new,
        new_since=new_since,
        is_access=is_access,
        former_code=former_code,
        unconfirmed=unconfirmed,
        note=note,
    )
    m2m = {} if levels is KEEP else {"levels": levels}
    return upsert(Occupation, {"code": code}, values, m2m=m2m)
