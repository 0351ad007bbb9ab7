"""Every catalog described once: its model, the columns of its pages and of its import/export,
and how an imported row is applied. Pages, API and the `jineng catalog` command read this."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jineng.catalog import services
from jineng.catalog.models import (
    CertificateType,
    FundChannel,
    Occupation,
    PersonCategory,
    Region,
    SkillLevel,
    SubsidyStandard,
    TrainingType,
    UrgentOccupation,
)
from jineng.core.imports import Column, ImportRun, ImportSpec, Row, row_by_row


@dataclass(frozen=True)
class Catalog:
    slug: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    apply: Callable[[dict], str] | None  # an imported row → created / updated / unchanged
    row_of: Callable[[models.Model], dict]  # a row of the list page and of the export
    search_fields: tuple[str, ...] = ("code", "name")
    related: tuple[str, ...] = ()  # select_related
    apply_chunk: Callable[[list[Row], ImportRun], None] | None = None  # instead of `apply`

    @property
    def title(self):
        return self.model._meta.verbose_name_plural

    def queryset(self):
        queryset = self.model.objects.all()
        if self.related:
            queryset = queryset.select_related(*self.related)
        if self.model is Occupation:
            queryset = queryset.prefetch_related("levels")
        return queryset

    @property
    def spec(self) -> ImportSpec:
        return ImportSpec(
            name=self.slug,
            title=self.title,
            columns=self.columns,
            apply_chunk=self.apply_chunk or row_by_row(self.apply),
            export_rows=lambda: (self.row_of(obj) for obj in self.queryset().iterator(2000)),
        )


def yes_no(value: bool) -> str:
    return "是" if value else "否"


# Regions -----------------------------------------------------------------------------------


def cell(row: dict, key: str, parse):
    """A parsed cell, or KEEP when the file has no such column (the stored value stays)."""
    return parse(row[key], key) if key in row else services.KEEP


def optional_year(text: str, field: str):
    return services.parse_year(text, field, required=False)


def _region_values(row: dict) -> dict:
    values = {
        "code": row["code"],
        "name": row["name"],
        "valid_from": cell(row, "valid_from", optional_year),
        "valid_to": cell(row, "valid_to", optional_year),
        "is_local": cell(row, "is_local", services.parse_bool),
    }
    return services.present(**values)


def _apply_region_chunk(rows: list[Row], run: ImportRun) -> None:
    """Regions go in together, parents first and new ones in bulk (`services.save_regions`):
    the national code list is 7,000 rows."""
    parsed = []
    for row in rows:
        try:
            parsed.append((row, _region_values(row.values)))
        except ValidationError as problem:
            run.reject_error(row, problem)
    outcomes = services.save_regions([values for _row, values in parsed])
    for (row, _values), outcome in zip(parsed, outcomes, strict=True):
        if isinstance(outcome, ValidationError):
            run.reject_error(row, outcome)
        else:
            run.count(outcome)


def _region_row(region: Region) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.get_level_display(),
        "parent": region.parent.code if region.parent else "",
        "valid_from": region.valid_from or "",
        "valid_to": region.valid_to or "",
        "is_local": yes_no(region.is_local),
    }


REGIONS = Catalog(
    slug="regions",
    model=Region,
    columns=(
        Column("code", _("Code"), example="411402", help=_("GB/T 2260, six digits")),
        Column("name", _("Name"), example="梁园区"),
        Column("level", _("Level"), required=False, help=_("For reading only: from the code")),
        Column("parent", _("Parent"), required=False, help=_("For reading only: from the code")),
        Column("valid_from", _("Valid from (year)"), required=False, example="1997"),
        Column(
            "valid_to",
            _("Valid until (year)"),
            required=False,
            help=_("Empty for a current code; the last year for an abolished one"),
        ),
        Column(
            "is_local",
            _("Local code"),
            required=False,
            example="否",
            help=_("是 for a functional zone without a GB/T 2260 code"),
        ),
    ),
    apply=None,
    apply_chunk=_apply_region_chunk,
    row_of=_region_row,
    related=("parent",),
)

# Occupations -------------------------------------------------------------------------------


def text(value: str, field: str) -> str:
    return value


def _apply_occupation(row: dict) -> str:
    return services.save_occupation(
        code=row["code"],
        name=row["name"],
        levels=cell(row, "levels", services.parse_levels),
        is_new=cell(row, "is_new", services.parse_bool),
        new_since=cell(row, "new_since", optional_year),
        is_access=cell(row, "is_access", services.parse_bool),
        former_code=cell(row, "former_code", text),
        note=cell(row, "note", text),
    )


def _occupation_row(occupation: Occupation) -> dict:
    levels = sorted(occupation.levels.all(), key=lambda level: -level.rank)
    return {
        "code": occupation.code,
        "name": occupation.name,
        "levels": ",".join(level.code for level in levels),
        "is_new": yes_no(occupation.is_new),
        "new_since": occupation.new_since or "",
        "is_access": yes_no(occupation.is_access),
        "former_code": occupation.former_code,
        "note": occupation.note,
    }


OCCUPATIONS = Catalog(
    slug="occupations",
    model=Occupation,
    columns=(
        Column("code", _("Code"), example="6-18-02-04", help=_("《职业分类大典》2022")),
        Column("name", _("Name"), example="焊工"),
        Column(
            "levels",
            _("Levels"),
            required=False,
            example="5-1",
            help=_("5-1 for 五级 to 一级; or a list such as 5,4,3; 专项 for 专项职业能力"),
        ),
        Column("is_new", _("New occupation"), required=False, example="否"),
        Column("new_since", _("New since (year)"), required=False),
        Column("is_access", _("Employment access"), required=False, example="是"),
        Column("former_code", _("Code before 2022"), required=False),
        Column("note", _("Note"), required=False),
    ),
    apply=_apply_occupation,
    row_of=_occupation_row,
    search_fields=("code", "name", "former_code"),
)

# Skill levels ------------------------------------------------------------------------------


def _apply_level(row: dict) -> str:
    if not row["rank"].isdecimal():
        raise ValidationError({"rank": _("The rank is a whole number.")})
    values = services.present(
        name=row["name"],
        rank=int(row["rank"]),
        is_high_skill=cell(row, "is_high_skill", services.parse_bool),
    )
    return services.upsert(SkillLevel, {"code": row["code"]}, values)


LEVELS = Catalog(
    slug="levels",
    model=SkillLevel,
    columns=(
        Column("code", _("Code"), example="3"),
        Column("name", _("Name"), example="三级/高级工"),
        Column("rank", _("Rank"), example="4", help=_("Higher rank, higher level")),
        Column("is_high_skill", _("High-skill"), required=False, example="是"),
    ),
    apply=_apply_level,
    row_of=lambda level: {
        "code": level.code,
        "name": level.name,
        "rank": level.rank,
        "is_high_skill": yes_no(level.is_high_skill),
    },
)

# Small coded catalogs ----------------------------------------------------------------------


def coded_catalog(slug: str, model: type[models.Model]) -> Catalog:
    def apply(row: dict) -> str:
        values = services.present(name=row["name"], description=cell(row, "description", text))
        return services.upsert(model, {"code": row["code"]}, values)

    return Catalog(
        slug=slug,
        model=model,
        columns=(
            Column("code", _("Code")),
            Column("name", _("Name")),
            Column("description", _("Description"), required=False),
        ),
        apply=apply,
        row_of=lambda item: {"code": item.code, "name": item.name, "description": item.description},
    )


# Subsidy standards and urgently needed occupations -----------------------------------------

REGION_COLUMN = Column("region", _("Region code"), example="411400")
YEAR_COLUMN = Column("year", _("Year"), example="2024")
OCCUPATION_COLUMNS = (
    Column("occupation", _("Occupation code"), example="6-18-02-04"),
    Column(
        "occupation_name",
        _("Occupation"),
        required=False,
        example="焊工",
        help=_("For reading only; the code decides"),
    ),
)


def _apply_standard(row: dict) -> str:
    key = {
        "region": services.region_by_code(row["region"]),
        "year": services.parse_year(row["year"], "year"),
        "occupation": services.occupation_by_code(row["occupation"]),
        "level": services.level_by_code(row["level"]),
    }
    services.check_evaluated_at(key["occupation"], key["level"])
    amount = services.parse_amount(row["amount"], "amount")
    return services.upsert(SubsidyStandard, key, {"amount": amount})


def _standard_row(standard: SubsidyStandard) -> dict:
    return {
        "region": standard.region.code,
        "year": standard.year,
        "occupation": standard.occupation.code,
        "occupation_name": standard.occupation.name,
        "level": standard.level.code,
        "amount": standard.amount,
    }


STANDARDS = Catalog(
    slug="standards",
    model=SubsidyStandard,
    columns=(
        REGION_COLUMN,
        YEAR_COLUMN,
        *OCCUPATION_COLUMNS,
        Column("level", _("Level code"), example="4", help=_("special, 5, 4, 3, 2 or 1")),
        Column("amount", _("Amount (yuan)"), example="1500"),
    ),
    apply=_apply_standard,
    row_of=_standard_row,
    search_fields=("occupation__name", "occupation__code", "region__code", "region__name"),
    related=("region", "occupation", "level"),
)


def _apply_urgent(row: dict) -> str:
    key = {
        "region": services.region_by_code(row["region"]),
        "year": services.parse_year(row["year"], "year"),
        "occupation": services.occupation_by_code(row["occupation"]),
    }
    return services.upsert(UrgentOccupation, key, {})


URGENT = Catalog(
    slug="urgent",
    model=UrgentOccupation,
    columns=(REGION_COLUMN, YEAR_COLUMN, *OCCUPATION_COLUMNS),
    apply=_apply_urgent,
    row_of=lambda item: {
        "region": item.region.code,
        "year": item.year,
        "occupation": item.occupation.code,
        "occupation_name": item.occupation.name,
    },
    search_fields=("occupation__name", "occupation__code", "region__code", "region__name"),
    related=("region", "occupation"),
)

CATALOGS = {
    catalog.slug: catalog
    for catalog in (
        REGIONS,
        OCCUPATIONS,
        LEVELS,
        coded_catalog("certificate-types", CertificateType),
        coded_catalog("training-types", TrainingType),
        coded_catalog("person-categories", PersonCategory),
        coded_catalog("fund-channels", FundChannel),
        STANDARDS,
        URGENT,
    )
}
