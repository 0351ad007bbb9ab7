"""Policy packs in the database: loading versions from policies/*.toml, choosing the pack that
applies to a region on a date, and storing the engine's decisions with their reasons.

A pack version, once loaded, never changes: a file whose content changed under the same
version number is refused, so every stored decision points at the exact rules it used.
"""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from jineng.catalog.models import DecisionRecord, PolicyPackVersion, Region
from jineng.core import writes
from jineng.core.imports import CREATED, UNCHANGED
from jineng.policy.decision import Decision
from jineng.policy.errors import PackError
from jineng.policy.facts import facts_of
from jineng.policy.pack import PolicyPack, load_packs, parse_pack, select_pack


def save_pack_version(pack: PolicyPack, text: str) -> str:
    existing = PolicyPackVersion.objects.filter(pack_id=pack.id, version=pack.version).first()
    if existing is not None:
        if existing.content_hash != pack.content_hash:
            raise PackError(
                pack.path,
                "version",
                f"the content changed but version {pack.version} is already loaded: "
                "bump the version",
            )
        return UNCHANGED
    writes.create(
        PolicyPackVersion(
            pack_id=pack.id,
            version=pack.version,
            title=pack.title,
            region_code=pack.region,
            effective_from=pack.effective_from,
            effective_to=pack.effective_to,
            source_text=text,
            content_hash=pack.content_hash,
        )
    )
    return CREATED


@transaction.atomic
def load_pack_directory(directory: Path | None = None) -> dict[str, str]:
    """Load every pack file; all or nothing, so a bad file leaves the loaded set as it was."""
    outcomes = {}
    for pack in load_packs(Path(directory or settings.POLICIES_DIR)):
        outcomes[pack.id] = save_pack_version(pack, Path(pack.path).read_text(encoding="utf-8"))
    return outcomes


# Parsed packs by (row, content hash): a stored version never changes, so its parse is kept for
# the life of the process and the TOML text is read from the database only on the first use.
_PARSED: dict[tuple[int, str], PolicyPack] = {}
_PARSED_LIMIT = 256


def parsed_pack(version: PolicyPackVersion) -> PolicyPack:
    """The rules of a stored version (parsed from the text kept in the database)."""
    key = (version.pk, version.content_hash)
    pack = _PARSED.get(key)
    if pack is None:
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        pack = _PARSED[key] = parse_pack(version.source_text, f"{version.pack_id}.toml")
    return pack


def newest_versions() -> list[PolicyPackVersion]:
    """The newest version of each pack, in one query and without the packs' text (parsed_pack
    reads it once per process)."""
    newest = {}
    for version in PolicyPackVersion.objects.defer("source_text").order_by("pack_id", "version"):
        newest[version.pack_id] = version
    return list(newest.values())


def pack_for(region_code: str, on_date: date) -> tuple[PolicyPackVersion, PolicyPack] | None:
    """The newest version of the most specific pack that covers the region on the date."""
    region = Region.objects.select_related("parent__parent").filter(code=region_code).first()
    ancestors = region.ancestor_codes() if region else [region_code]
    versions = {(v.pack_id, v.version): v for v in newest_versions()}
    chosen = select_pack(
        [parsed_pack(v) for v in versions.values()], region_code, on_date, ancestors
    )
    if chosen is None:
        return None
    return versions[(chosen.id, chosen.version)], chosen


def record_decision(
    decision: Decision, version: PolicyPackVersion, *, subject=None, org_path: str = ""
) -> DecisionRecord:
    """Store a decision with every rule it checked; audited like any other write."""
    detail = decision.to_dict()
    return writes.create(
        DecisionRecord(
            kind=decision.kind,
            outcome=decision.outcome,
            amount=decision.amount,
            pack=version,
            detail=detail,
            facts=facts_of(detail),
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
            org_path=org_path,
        )
    )


def record_decisions(
    decisions, version: PolicyPackVersion, *, subject=None, org_path: str = ""
) -> list[DecisionRecord]:
    """record_decision for many decisions of one subject (a claim's lines): one bulk insert,
    their audit entries in bulk; every rule of each decision stored, as one by one."""
    subject_type = subject._meta.label_lower if subject is not None else ""
    subject_id = str(subject.pk) if subject is not None else ""
    details = [(decision, decision.to_dict()) for decision in decisions]
    return writes.create_many([
        DecisionRecord(
            kind=decision.kind, outcome=decision.outcome, amount=decision.amount, pack=version,
            detail=detail, facts=facts_of(detail), subject_type=subject_type,
            subject_id=subject_id, org_path=org_path,
        )
        for decision, detail in details
    ])  # fmt: skip


def decision_of(record: DecisionRecord) -> Decision:
    return Decision.from_dict(record.detail)
