"""Policy packs: per-region, dated policy data read from TOML files in policies/.

A pack states the rules one bureau applies in one period, each value with its cite. Nothing here
guesses: a value the pack does not state is absent, and a decision that needs it is refused with a
reason. See docs/policy-packs.md for the file format.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import schema
from .codes import LEVEL_RANKS, SubsidyType
from .errors import AmbiguousPacks, PackError, RuleMissing

PACK_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REGION_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True, slots=True)
class Source:
    """A document a pack cites: a seed policy document or an outside one (then assumed)."""

    ref: str  # what cites start with: "004", or "国办发〔2019〕24号"
    seed: bool
    title: str
    file: str | None = None
    doc_no: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One stated rule value with its citation."""

    key: str  # dotted path, e.g. "training.rates.employed"
    value: Any
    cite: str | None
    assumed: bool = False
    note: str | None = None  # the author's note, often English
    note_zh: str | None = None  # the note for zh-hans readers (pages show no English note)


@dataclass(frozen=True, slots=True)
class Limit:
    """The per-person limits of one subsidy type, resolved for the engine."""

    subsidy_type: str
    count: int | None  # None: no count cap ("unlimited")
    window: str | None  # "lifetime" | "calendar_year"
    counted_types: frozenset[str]  # the subsidy types counted against the cap (itself included)
    unique_by: str  # "occupation_level" | "occupation"
    higher_level_blocks_lower: bool


@dataclass(frozen=True, slots=True)
class PackRow:
    """One line of a pack's readable description (PolicyPack.describe)."""

    section: str
    section_zh: str
    section_en: str
    key: str
    label_zh: str
    label_en: str
    value: str  # display text, zh-hans
    value_en: str
    unit: str  # zh-hans
    unit_en: str
    cite: str
    assumed: bool
    note: str
    note_zh: str  # "" when the pack gives no zh-hans note: zh-hans pages then show none
    stated: bool  # False: the pack does not state it (decisions needing it are refused)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class PolicyPack:
    id: str
    version: int
    title: str
    region: str  # GB/T 2260: the pack applies to this region and everything below it
    effective_from: date
    effective_to: date  # inclusive
    sources: tuple[Source, ...]
    rules: tuple[Rule, ...]  # in schema order
    content_hash: str  # sha256 of the file's bytes: a changed file under an unchanged version
    example: bool = False
    title_en: str | None = None
    period_note: str | None = None
    path: str = field(default="", compare=False)
    _by_key: dict[str, Rule] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {rule.key: rule for rule in self.rules})

    def __lt__(self, other: PolicyPack) -> bool:
        return self.sort_key < other.sort_key

    def __hash__(self) -> int:
        # The id, version and file hash name the content: hashing every rule on each look-up
        # would make the engine's memoised checks cost more than they save.
        return hash((self.id, self.version, self.content_hash))

    @property
    def sort_key(self) -> tuple:
        return (self.region, self.effective_from, self.id, self.version, self.content_hash)

    # --- reading rules -------------------------------------------------------------------

    def rule(self, key: str) -> Rule | None:
        return self._by_key.get(key)

    def value(self, key: str, default: Any = None) -> Any:
        rule = self._by_key.get(key)
        return default if rule is None else rule.value

    def require(self, key: str) -> Rule:
        rule = self._by_key.get(key)
        if rule is None:
            raise RuleMissing(self.id, key)
        return rule

    def has_section(self, path: str) -> bool:
        prefix = path + "."
        return any(key.startswith(prefix) for key in self._by_key)

    def categories(self, key: str) -> frozenset[str] | None:
        """A category list resolved to codes; None means any person ("any")."""
        codes = self.value(key)
        if codes is None:
            raise RuleMissing(self.id, key)
        return _resolve_categories(codes, self.value("categories.six", ()))

    def limit(self, subsidy_type: str) -> Limit | None:
        base = f"limits.{subsidy_type}"
        count_rule = self.rule(f"{base}.count")
        if count_rule is None:
            return None
        count = None if count_rule.value == "unlimited" else count_rule.value
        shared = self.value(f"{base}.shared_with", ())
        return Limit(
            subsidy_type=subsidy_type,
            count=count,
            window=self.value(f"{base}.window"),
            counted_types=frozenset((subsidy_type, *shared)),
            unique_by=self.value(f"{base}.unique_by"),
            higher_level_blocks_lower=self.value(f"{base}.higher_level_blocks_lower"),
        )

    def licence_required(self, occupation: str) -> str | None:
        """The practising licence (a licence type code) an occupation's subsidised training
        needs its trainees to hold already (004 §五(一)), or None when the pack names none."""
        return dict(self.value("training.licence_required", ())).get(occupation)

    def in_effect(self, on_date: date) -> bool:
        return self.effective_from <= on_date <= self.effective_to

    # --- display -------------------------------------------------------------------------

    def describe(self) -> list[PackRow]:
        """The pack's rules as rows a web page can show, in schema order, with cites."""
        rows = _meta_rows(self)
        for section in schema.SECTIONS:
            rows.extend(_section_rows(self, section))
        return rows

    def assumed_rows(self) -> list[PackRow]:
        """The rows of values no seed of this pack states (borrowed from another region's
        document or placeholders), for the bureau to confirm or change; grouped by section in
        the order the pack's page shows them."""
        return [row for row in self.describe() if row.assumed]


def _resolve_categories(codes: Iterable[str], six: Iterable[str]) -> frozenset[str] | None:
    resolved: set[str] = set()
    for code in codes:
        if code == "any":
            return None
        if code == "six":
            resolved.update(six)
        else:
            resolved.add(code)
    return frozenset(resolved)


# --- describe() helpers ----------------------------------------------------------------------


def _row(section: schema.SectionSpec | None, key: str, **values: Any) -> PackRow:
    return PackRow(
        section=section.path if section else "pack",
        section_zh=section.label_zh if section else "政策基本信息",
        section_en=section.label_en if section else "About this pack",
        key=key,
        **{"unit": "", "unit_en": "", "cite": "", "assumed": False, "note": "", "note_zh": ""}
        | {"stated": True}
        | values,
    )


def _meta_rows(pack: PolicyPack) -> list[PackRow]:
    sources = "；".join(f"{s.ref}：{s.title}" for s in pack.sources)
    period = f"{pack.effective_from.isoformat()} — {pack.effective_to.isoformat()}"
    meta = [
        ("id", "政策包编号", "pack id", pack.id, pack.id, ""),
        ("version", "版本", "version", str(pack.version), str(pack.version), ""),
        ("title", "名称", "title", pack.title, pack.title_en or pack.title, ""),
        ("region", "适用地区（含下辖地区）", "region (and below)", pack.region, pack.region, ""),
        ("period", "有效期", "in effect", period, period, pack.period_note or ""),
        ("sources", "依据文件", "sources", sources, sources, ""),
    ]
    if pack.example:
        example = ("示例，不得用于实际审核", "an example, not for real decisions")
        meta.append(("example", "性质", "status", *example, ""))
    # period_note is written in zh-hans, like the title.
    return [
        _row(None, key, label_zh=lz, label_en=le, value=vz, value_en=ve, note=note, note_zh=note)
        for key, lz, le, vz, ve, note in meta
    ]


def _section_rows(pack: PolicyPack, section: schema.SectionSpec) -> list[PackRow]:
    if not pack.has_section(section.path):
        if not section.show_when_absent:
            return []
        value_zh, value_en = section.absent_text or (
            "本政策未规定（相关补贴不予核定）",
            "not stated by this pack (such claims are refused)",
        )
        return [
            _row(
                section,
                section.path,
                label_zh=section.label_zh,
                label_en=section.label_en,
                value=value_zh,
                value_en=value_en,
                stated=False,
            )
        ]
    rows = []
    for spec in section.fields:
        key = f"{section.path}.{spec.name}"
        rule = pack.rule(key)
        if rule is None:
            if (
                section.level_keys
                or section.some_keys
                or (not spec.required and section.path.startswith("limits."))
            ):
                continue  # amounts, graduates: only those stated; limits: an unlimited count's
            rows.append(_absent_row(section, key, spec))
            continue
        unit_zh, unit_en = schema.UNITS["" if rule.value == "unlimited" else spec.unit]
        rows.append(
            _row(
                section,
                key,
                label_zh=spec.label_zh,
                label_en=spec.label_en,
                value=spec.kind.display(rule.value, "zh"),
                value_en=spec.kind.display(rule.value, "en"),
                unit=unit_zh,
                unit_en=unit_en,
                cite=rule.cite or "",
                assumed=rule.assumed,
                note=rule.note or "",
                note_zh=rule.note_zh or "",
            )
        )
    return rows


def _absent_row(section: schema.SectionSpec, key: str, spec: schema.FieldSpec) -> PackRow:
    return _row(
        section,
        key,
        label_zh=spec.label_zh,
        label_en=spec.label_en,
        value="本政策未规定",
        value_en="not stated by this pack",
        stated=False,
    )


# --- loading ---------------------------------------------------------------------------------


def load_pack(path: str | Path) -> PolicyPack:
    """Read and strictly validate one pack file; raise PackError naming file, key and reason."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PackError(path, "", f"cannot be read: {error.strerror or error}") from error
    return parse_pack(data, path)


def parse_pack(data: bytes | str, path: str | Path) -> PolicyPack:
    """Validate a pack's content (as stored, e.g. in the database); `path` names it in errors
    and gives the id it must carry (the file name without .toml)."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise PackError(path, "", "is not UTF-8 text") from error
    except tomllib.TOMLDecodeError as error:
        raise PackError(path, "", f"is not valid TOML: {error}") from error
    return _PackReader(path, raw).read(hashlib.sha256(data).hexdigest())


def load_packs(directory: str | Path) -> tuple[PolicyPack, ...]:
    """Load every *.toml in a directory; reject duplicate ids and overlapping periods."""
    packs = tuple(sorted(load_pack(path) for path in sorted(Path(directory).glob("*.toml"))))
    _check_no_duplicates(packs)
    return packs


def _check_no_duplicates(packs: Sequence[PolicyPack]) -> None:
    seen: dict[str, PolicyPack] = {}
    for pack in packs:
        if pack.id in seen:
            raise PackError(pack.path, "id", f"id {pack.id!r} is also used by {seen[pack.id].path}")
        seen[pack.id] = pack
    for index, pack in enumerate(packs):
        for other in packs[index + 1 :]:
            overlaps = (
                other.region == pack.region
                and other.effective_from <= pack.effective_to
                and pack.effective_from <= other.effective_to
            )
            if overlaps:
                raise PackError(
                    other.path,
                    "effective_from",
                    f"its period overlaps that of pack {pack.id!r} ({pack.path}) for the same "
                    f"region {pack.region}: only one pack may apply to a region on a date",
                )


def select_pack(
    packs: Iterable[PolicyPack],
    region_code: str,
    on_date: date,
    region_ancestors: Sequence[str],
    *,
    include_examples: bool = False,
) -> PolicyPack | None:
    """The pack of the most specific region (itself, then upwards) in effect on the date.

    `region_ancestors` lists the region's codes from itself upwards, e.g. ["411402", "411400",
    "410000"] (see gbt2260_ancestors). Example packs are left out unless asked for. None when
    no pack applies; AmbiguousPacks when two apply at the same level (the data must be fixed).
    """
    chain = [region_code, *(code for code in region_ancestors if code != region_code)]
    candidates = [p for p in packs if p.in_effect(on_date) and (include_examples or not p.example)]
    for code in chain:
        matches = sorted(p for p in candidates if p.region == code)
        if len(matches) > 1:
            raise AmbiguousPacks(code, on_date, [p.id for p in matches])
        if matches:
            return matches[0]
    return None


def gbt2260_ancestors(code: str) -> list[str]:
    """A GB/T 2260 code and the codes above it: 411402 -> [411402, 411400, 410000]."""
    chain = [code]
    if code[4:] != "00":
        chain.append(code[:4] + "00")
    if code[2:] != "0000":
        chain.append(code[:2] + "0000")
    return chain


class _PackReader:
    """Reads the parsed TOML of one pack into a PolicyPack, failing on the first error."""

    def __init__(self, path: Path, raw: dict[str, Any]) -> None:
        self.path = path
        self.raw = raw
        self.sources: dict[str, Source] = {}
        self.rules: dict[str, Rule] = {}

    def fail(self, key: str, reason: str) -> PackError:
        return PackError(self.path, key, reason)

    def read(self, content_hash: str) -> PolicyPack:
        top = self._read_top_level()
        self.sources = self._read_sources(top["sources"])
        for section in schema.SECTIONS:
            self._read_section(section)
        self._check_containers()
        _Consistency(self).check(top)
        return PolicyPack(
            id=top["id"],
            version=top["version"],
            title=top["title"],
            region=top["region"],
            effective_from=top["effective_from"],
            effective_to=top["effective_to"],
            sources=tuple(self.sources.values()),
            rules=tuple(self.rules.values()),
            content_hash=content_hash,
            example=top.get("example", False),
            title_en=top.get("title_en"),
            period_note=top.get("period_note"),
            path=str(self.path),
        )

    # top level and sources

    def _read_top_level(self) -> dict[str, Any]:
        tables = {path.split(".")[0] for path in schema.SECTION_BY_PATH}
        allowed = set(schema.TOP_LEVEL_REQUIRED) | set(schema.TOP_LEVEL_OPTIONAL) | tables
        self._reject_unknown(self.raw, allowed, "")
        top = self._typed(self.raw, schema.TOP_LEVEL_REQUIRED, schema.TOP_LEVEL_OPTIONAL, "")
        if not PACK_ID.match(top["id"]):
            raise self.fail("id", "must be lower-case letters, digits and hyphens, e.g. hebei-2024")
        if top["id"] != self.path.stem:
            raise self.fail("id", f"must equal the file name without .toml ({self.path.stem!r})")
        if top["version"] < 1:
            raise self.fail("version", f"must be 1 or more, not {top['version']}")
        if not REGION_CODE.match(top["region"]):
            raise self.fail("region", f"must be a six-digit GB/T 2260 code, not {top['region']!r}")
        if top["effective_to"] < top["effective_from"]:
            raise self.fail(
                "effective_to",
                f"{top['effective_to']} is before effective_from {top['effective_from']}",
            )
        return top

    def _typed(
        self, table: dict, required: dict[str, type], optional: dict[str, type], prefix: str
    ) -> dict[str, Any]:
        for name in required:
            if name not in table:
                raise self.fail(prefix + name, "required key is missing")
        result = {}
        for name, value in table.items():
            expected = required.get(name) or optional.get(name)
            if expected is None:
                continue  # a section table, read later
            if not _has_type(value, expected):
                raise self.fail(
                    prefix + name,
                    f"must be {_type_words(expected)}, not {type(value).__name__} {value!r}",
                )
            result[name] = value
        return result

    def _read_sources(self, raw_sources: list) -> dict[str, Source]:
        if not raw_sources:
            raise self.fail("sources", "must list at least one source document")
        sources: dict[str, Source] = {}
        for index, raw in enumerate(raw_sources):
            prefix = f"sources[{index}]."
            if not isinstance(raw, dict):
                raise self.fail(f"sources[{index}]", "must be a table ([[sources]])")
            allowed = set(schema.SOURCE_REQUIRED) | set(schema.SOURCE_OPTIONAL)
            self._reject_unknown(raw, allowed, prefix)
            values = self._typed(raw, schema.SOURCE_REQUIRED, schema.SOURCE_OPTIONAL, prefix)
            if values["ref"] in sources:
                raise self.fail(prefix + "ref", f"ref {values['ref']!r} is listed twice")
            if not values["ref"].strip():
                raise self.fail(prefix + "ref", "must not be empty")
            sources[values["ref"]] = Source(**values)
        return sources

    # sections and rules

    def _read_section(self, section: schema.SectionSpec) -> None:
        table = self._table_at(section.path)
        if table is None:
            return
        if section.parent and self._table_at(section.parent) is None:
            raise self.fail(section.path, f"needs the section [{section.parent}] too")
        children = {
            path[len(section.path) + 1 :]
            for path in schema.SECTION_BY_PATH
            if path.startswith(section.path + ".")
        }
        names = {spec.name for spec in section.fields}
        self._reject_unknown(table, names | children, section.path + ".")
        stated = 0
        for spec in section.fields:
            key = f"{section.path}.{spec.name}"
            if spec.name not in table:
                if spec.required:
                    raise self.fail(key, "required key is missing")
                continue
            self.rules[key] = self._read_rule(key, table[spec.name], spec.kind)
            stated += 1
        if section.level_keys and not stated:
            raise self.fail(section.path, "must state an amount for at least one level")
        if section.some_keys and not stated:
            raise self.fail(section.path, f"must state at least one of: {', '.join(sorted(names))}")

    def _table_at(self, path: str) -> dict | None:
        node: Any = self.raw
        walked = []
        for part in path.split("."):
            walked.append(part)
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
            if not isinstance(node, dict):
                raise self.fail(".".join(walked), "must be a table of rules ([section])")
        return node

    def _check_containers(self) -> None:
        for container in schema.CONTAINERS:
            table = self.raw.get(container)
            if table is None:
                continue
            if not isinstance(table, dict):
                raise self.fail(container, "must be a table of sections")
            children = {
                path.split(".")[1] for path in schema.SECTION_BY_PATH if path.startswith(container)
            }
            self._reject_unknown(table, children, container + ".")

    def _read_rule(self, key: str, raw: Any, kind: schema.Kind) -> Rule:
        if not isinstance(raw, dict):
            raise self.fail(
                key,
                f'write it as {{ value = {_toml_repr(raw)}, cite = "004 §..." }}: '
                "every rule value carries its cite",
            )
        self._reject_unknown(raw, schema.RULE_KEYS, key + ".")
        if "value" not in raw:
            raise self.fail(key + ".value", "required key is missing")
        try:
            value = kind.parse(raw["value"])
        except ValueError as error:
            raise self.fail(key, str(error)) from error
        cite, assumed, note = raw.get("cite"), raw.get("assumed", False), raw.get("note")
        for name, item, expected in (("cite", cite, str), ("assumed", assumed, bool)):
            if item is not None and not _has_type(item, expected):
                raise self.fail(f"{key}.{name}", f"must be {_type_words(expected)}")
        for name in ("note", "note_zh"):
            text = raw.get(name)
            if text is not None and (not isinstance(text, str) or not text.strip()):
                raise self.fail(f"{key}.{name}", "must be a non-empty text")
        self._check_citation(key, cite, assumed, note)
        note_zh = raw.get("note_zh")
        return Rule(key=key, value=value, cite=cite, assumed=assumed, note=note, note_zh=note_zh)

    def _check_citation(self, key: str, cite: str | None, assumed: bool, note: str | None) -> None:
        if assumed and not note:
            raise self.fail(key + ".note", "an assumed value needs a note saying why")
        if cite is None:
            if not assumed:
                raise self.fail(
                    key + ".cite",
                    'every value needs a cite such as "004 §四(五)", '
                    "or assumed = true with a note when no source states it",
                )
            return
        cites_seed = False
        for part in (part.strip() for part in cite.split(";")):
            source = self._source_of(part)
            if source is None:
                raise self.fail(
                    key + ".cite",
                    f"{part!r} names no source of this pack (refs: {', '.join(self.sources)})",
                )
            if source.seed and "§" not in part:
                raise self.fail(key + ".cite", f'{part!r}: name the section, e.g. "004 §四(五)"')
            cites_seed = cites_seed or source.seed
        if not cites_seed and not assumed:
            raise self.fail(
                key + ".cite",
                "cites no seed document: a value only outside sources state must be marked "
                "assumed = true with a note",
            )

    def _source_of(self, part: str) -> Source | None:
        matches = [ref for ref in self.sources if part == ref or part.startswith(ref + " ")]
        return self.sources[max(matches, key=len)] if matches else None

    def _reject_unknown(self, table: dict, allowed: set[str], prefix: str) -> None:
        for name in table:
            if name not in allowed:
                raise self.fail(
                    prefix + name, f"unknown key (known here: {', '.join(sorted(allowed))})"
                )


class _Consistency:
    """Checks that span several keys: a pack must not contradict itself."""

    def __init__(self, reader: _PackReader) -> None:
        self.reader = reader
        self.rules = reader.rules

    def value(self, key: str, default: Any = None) -> Any:
        rule = self.rules.get(key)
        return default if rule is None else rule.value

    def check(self, top: dict[str, Any]) -> None:
        self._six_stated()
        self._rates_ordered()
        self._rate_scope_within_eligible()
        self._standard_rate_paired()
        self._limits_required()
        for subsidy in SubsidyType:
            self._limit_consistent(subsidy.value)
        self._amounts_match_certificates()
        self._sme_cap()
        self._entry_levels()
        self._payment_window()

    def _six_stated(self) -> None:
        for key, rule in self.rules.items():
            uses_six = isinstance(rule.value, tuple) and "six" in rule.value
            if uses_six and "categories.six" not in self.rules:
                raise self.reader.fail(key, 'uses "six" but the pack does not state categories.six')

    def _rates_ordered(self) -> None:
        employed = self.value("training.rates.employed")
        certificate = self.value("training.rates.certificate")
        completion = self.value("training.rates.completion_only")
        if employed is None:
            return
        if employed < certificate:
            raise self.reader.fail(
                "training.rates.employed",
                f"the employed rate {employed} is lower than the certificate rate {certificate}",
            )
        if certificate < completion:
            raise self.reader.fail(
                "training.rates.certificate",
                f"the certificate rate {certificate} is lower than the completion-only rate "
                f"{completion}",
            )
        kinds = self.value("training.rates.certificate_kinds", ())
        if schema.TRAINING_COMPLETION in kinds:
            raise self.reader.fail(
                "training.rates.certificate_kinds",
                "must not list training_completion: when a completion certificate counts as a "
                "certificate is completion_counts_for_new_occupation",
            )

    def _rate_scope_within_eligible(self) -> None:
        scope = self.value("training.rates.categories")
        if scope is None:
            return
        six = self.value("categories.six", ())
        eligible = _resolve_categories(self.value("training.eligible"), six)
        in_scope = _resolve_categories(scope, six)
        if eligible is None:
            return
        if in_scope is None or not in_scope <= eligible:
            outside = "everyone" if in_scope is None else ", ".join(sorted(in_scope - eligible))
            raise self.reader.fail(
                "training.rates.categories",
                f"gives rates to categories not eligible under training.eligible: {outside}",
            )

    def _standard_rate_paired(self) -> None:
        # 004 §四(五): the rate for trainees outside the rates' scope goes with the certificates
        # that earn it; one without the other would pay on an unstated rule.
        rate = "training.rates.standard_rate" in self.rules
        kinds = "training.rates.standard_certificate_kinds" in self.rules
        if rate and not kinds:
            raise self.reader.fail(
                "training.rates.standard_certificate_kinds",
                "required with standard_rate: name the certificates that earn it",
            )
        if kinds and not rate:
            raise self.reader.fail(
                "training.rates.standard_rate",
                "required with standard_certificate_kinds: state the rate they earn",
            )

    def _limits_required(self) -> None:
        for subsidy in ("training", "evaluation"):
            if f"{subsidy}.eligible" in self.rules and f"limits.{subsidy}.count" not in self.rules:
                raise self.reader.fail(
                    f"limits.{subsidy}",
                    f"a pack with a [{subsidy}] section must state [limits.{subsidy}] "
                    '(write count = "unlimited" if the documents set no cap)',
                )

    def _limit_consistent(self, subsidy: str) -> None:
        base = f"limits.{subsidy}"
        count = self.value(f"{base}.count")
        if count is None:
            return
        for name in ("window", "shared_with"):
            stated = f"{base}.{name}" in self.rules
            if count == "unlimited" and stated:
                raise self.reader.fail(
                    f"{base}.{name}", 'means nothing when count is "unlimited": remove it'
                )
            if count != "unlimited" and not stated:
                raise self.reader.fail(f"{base}.{name}", "required key is missing")
        for other in self.value(f"{base}.shared_with", ()):
            self._shared_cap_agrees(subsidy, other)

    def _shared_cap_agrees(self, subsidy: str, other: str) -> None:
        key = f"limits.{subsidy}.shared_with"
        if other == subsidy:
            raise self.reader.fail(key, f"a cap cannot be shared with its own type {subsidy!r}")
        other_base = f"limits.{other}"
        if f"{other_base}.count" not in self.rules:
            return  # the other type has no limits of its own: it only counts here
        same = (
            subsidy in self.value(f"{other_base}.shared_with", ())
            and self.value(f"{other_base}.count") == self.value(f"limits.{subsidy}.count")
            and self.value(f"{other_base}.window") == self.value(f"limits.{subsidy}.window")
        )
        if not same:
            raise self.reader.fail(
                key,
                f"shares its cap with {other!r}, but limits.{other} does not share it back "
                "with the same count and window",
            )

    def _amounts_match_certificates(self) -> None:
        kinds = self.value("evaluation.certificate_kinds", ())
        if "evaluation.amounts.special" in self.rules and "special_ability" not in kinds:
            raise self.reader.fail(
                "evaluation.amounts.special",
                "states an amount for 专项职业能力 but evaluation.certificate_kinds does not "
                "cover special_ability",
            )

    def _entry_levels(self) -> None:
        """The ladder counts certificates with a level, and a graduate's level is above where
        everyone starts (else the rule would say nothing)."""
        kinds = self.value("entry_levels.certificate_kinds", ())
        levelless = sorted(set(kinds) - {"qualification", "skill_level"})
        if levelless:
            raise self.reader.fail(
                "entry_levels.certificate_kinds",
                f"only certificates with a level count for the ladder, not {', '.join(levelless)}",
            )
        start = self.value("entry_levels.without_certificate")
        if start is None:
            return
        for key, rule in self.rules.items():
            if key.startswith("entry_levels.graduates.") and (
                LEVEL_RANKS[rule.value] <= LEVEL_RANKS[start]
            ):
                raise self.reader.fail(
                    key,
                    f"{rule.value!r} is not above the level everyone may take "
                    f"(entry_levels.without_certificate {start!r}): the exception says nothing",
                )

    def _sme_cap(self) -> None:
        per_person = self.value("employment.sme.amount_per_person")
        cap = self.value("employment.sme.enterprise_cap")
        if per_person is not None and cap is not None and per_person > cap:
            raise self.reader.fail(
                "employment.sme.enterprise_cap",
                f"{cap} is less than the amount for one person ({per_person})",
            )

    def _payment_window(self) -> None:
        """004 §四(五) 做好资金支付(4月至10月): a window within one calendar year."""
        start = self.value("timetable.payment_from")
        end = self.value("timetable.payment_to")
        if (start is None) != (end is None):
            missing = "timetable.payment_to" if end is None else "timetable.payment_from"
            raise self.reader.fail(
                missing, "the payment window needs both payment_from and payment_to"
            )
        if start is not None and end < start:
            raise self.reader.fail(
                "timetable.payment_to",
                f"{end} is before payment_from {start}: the window runs within one calendar year",
            )


def _has_type(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    return isinstance(value, expected)


def _type_words(expected: type) -> str:
    return {
        str: 'a text in quotes ("...")',
        int: "a whole number",
        bool: "true or false",
        date: "a date such as 2024-01-01 (no quotes, no time)",
        list: "a list",
    }.get(expected, expected.__name__)


def _toml_repr(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return f'"{raw}"'
    return repr(raw)
