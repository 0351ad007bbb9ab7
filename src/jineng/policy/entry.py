"""Entry levels (申报等级): the highest skill level a person may be evaluated at in an occupation.

002 §四(二)1: 中等职业学校毕业生可直接参加中级工评价，高等职业学校、本科院校应用型专业毕业生
可参加高级工评价. Everyone else climbs the national ladder (国家职业技能标准, 申报条件):
without a certificate of the occupation a person starts at 五级/初级工, and each level above
needs the certificate of the level below. The pack states both ([entry_levels],
[entry_levels.graduates]); nothing of the policy is a constant here. The years of work the
national standards also ask for are not known to the platform: the evaluation organisation
checks them on the application (资格审核).

    entry = entry_level(pack, "6-18-02-04", on, certificates, schooling)
    entry.level, entry.basis
    check = check_entry_level(pack, "4", "6-18-02-04", on, certificates, schooling)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from . import labels
from .codes import LEVEL_RANKS
from .decision import RuleCheck
from .engine import cite_evidence
from .messages import ENTRY_BASIS, check, names
from .pack import PolicyPack
from .records import HeldCertificate, Schooling

CODE = "evaluation.entry_level"
SECTION = "entry_levels"
START = "entry_levels.without_certificate"
STEP = "entry_levels.levels_above_certificate"
KINDS = "entry_levels.certificate_kinds"
GRADUATES = "entry_levels.graduates"
SPECIAL = "special"  # 专项职业能力: no level, off the ladder

# The bases of an entry level: where everyone starts, a certificate held, a school finished.
BASIS_START = "start"
BASIS_CERTIFICATE = "certificate"
BASIS_GRADUATE = "graduate"

LEVEL_OF_RANK = {rank: code for code, rank in LEVEL_RANKS.items()}
TOP_RANK = max(LEVEL_RANKS.values())


@dataclass(frozen=True, slots=True)
class EntryLevel:
    """The highest level a person may take in one occupation on one day, and why."""

    level: str
    basis: str  # BASIS_START | BASIS_CERTIFICATE | BASIS_GRADUATE
    certificate: HeldCertificate | None = None  # the certificate it stands on
    schooling: Schooling | None = None  # the graduation it stands on

    @property
    def rank(self) -> int:
        return LEVEL_RANKS[self.level]

    def allows(self, level: str) -> bool:
        """Whether an evaluation at `level` may be taken (专项职业能力 always may)."""
        return level == SPECIAL or LEVEL_RANKS[level] <= self.rank

    def keys(self) -> tuple[str, ...]:
        """The pack keys the answer rests on (for the cite)."""
        if self.basis == BASIS_CERTIFICATE:
            return (STEP, KINDS)
        if self.basis == BASIS_GRADUATE and self.schooling is not None:
            return (f"{GRADUATES}.{self.schooling.school_kind}",)
        return (START,)


def entry_level(
    pack: PolicyPack,
    occupation: str,
    on: date,
    certificates: Iterable[HeldCertificate] = (),
    schooling: Iterable[Schooling] = (),
) -> EntryLevel:
    """The highest level of `occupation` the person may take on `on`: where everyone starts
    (entry_levels.without_certificate), or levels_above_certificate above their highest
    certificate of the occupation (of the kinds counted, issued by then), or the level their
    school leads to (entry_levels.graduates, graduated by then), whichever is highest. The
    caller passes the person's valid certificates; others' occupations are ignored here.
    RuleMissing when the pack does not state the ladder."""
    start = pack.require(START).value
    step = pack.require(STEP).value
    kinds = set(pack.require(KINDS).value)
    best = EntryLevel(start, BASIS_START)
    held = sorted(
        (
            certificate
            for certificate in certificates
            if certificate.occupation == occupation
            and certificate.kind in kinds
            and certificate.level not in (None, SPECIAL)
            and certificate.issued_on <= on
        ),
        key=lambda c: (-LEVEL_RANKS[c.level or SPECIAL], c.issued_on, c.number),
    )
    if held:
        top = held[0]
        reach = min(LEVEL_RANKS[top.level or SPECIAL] + step, TOP_RANK)
        if reach > best.rank:
            best = EntryLevel(LEVEL_OF_RANK[reach], BASIS_CERTIFICATE, certificate=top)
    finished = sorted(
        (school for school in schooling if school.graduated_on <= on),
        key=lambda s: (s.graduated_on, s.school_kind, s.school, s.major),
    )
    for school in finished:
        level = pack.value(f"{GRADUATES}.{school.school_kind}")
        if level is not None and LEVEL_RANKS[level] > best.rank:
            best = EntryLevel(level, BASIS_GRADUATE, schooling=school)
    return best


def _level_names(key: str, level: str) -> dict[str, str]:
    zh, en = labels.LEVEL.get(level, (level, level))
    return {f"{key}_zh": zh, f"{key}_en": en}


def basis_text(pack: PolicyPack, entry: EntryLevel) -> dict[str, str]:
    """Why the person may take what they may, in both languages ({basis_zh}, {basis_en})."""
    zh, en = ENTRY_BASIS[entry.basis]
    if entry.basis == BASIS_CERTIFICATE and entry.certificate is not None:
        held = entry.certificate
        values = {
            **_level_names("cert_level", held.level or SPECIAL),
            "cert_kind_zh": labels.zh(labels.CERTIFICATE_KIND, held.kind),
            "cert_kind_en": labels.en(labels.CERTIFICATE_KIND, held.kind),
            "number": held.number,
            "issued": held.issued_on.isoformat(),
            "step": pack.value(STEP),
        }
    elif entry.basis == BASIS_GRADUATE and entry.schooling is not None:
        school = entry.schooling
        values = {
            "school_kind_zh": labels.zh(labels.SCHOOL_KIND, school.school_kind),
            "school_kind_en": labels.en(labels.SCHOOL_KIND, school.school_kind),
            "school": school.school,
            "major": school.major,
            "graduated": school.graduated_on.isoformat(),
            **_level_names("grad", entry.level),
        }
    else:
        kinds = pack.value(KINDS, ())
        values = {
            "kinds_zh": names(labels.CERTIFICATE_KIND, kinds, "zh").replace("、", "或"),
            "kinds_en": names(labels.CERTIFICATE_KIND, kinds, "en").replace(", ", " or "),
            **_level_names("start", entry.level),
        }
    return {"basis_zh": zh.format(**values), "basis_en": en.format(**values)}


def check_entry_level(
    pack: PolicyPack,
    level: str,
    occupation: str,
    on: date,
    certificates: Iterable[HeldCertificate] = (),
    schooling: Iterable[Schooling] = (),
) -> RuleCheck:
    """Whether the person may take the evaluation of `occupation` at `level` on `on` (002
    §四(二)1 and the ladder of the pack). Passes for 专项职业能力 (no level); fails, saying so,
    when the pack does not state the ladder."""
    evidence: dict = {"level": level, "occupation": occupation, "on": on.isoformat()}
    shown = _level_names("level", level)
    if level == SPECIAL:
        return check(CODE, True, evidence, "off_ladder")
    if not pack.has_section(SECTION):
        return check(CODE, False, evidence, "not_stated", **shown)
    entry = entry_level(pack, occupation, on, certificates, schooling)
    evidence |= {
        "entry_level": entry.level,
        "basis": entry.basis,
        "certificate": entry.certificate.number if entry.certificate else None,
        "school_kind": entry.schooling.school_kind if entry.schooling else None,
        "graduated_on": entry.schooling.graduated_on.isoformat() if entry.schooling else None,
        **cite_evidence(pack, *entry.keys()),
    }
    return check(
        CODE,
        entry.allows(level),
        evidence,
        **shown,
        **_level_names("max", entry.level),
        **basis_text(pack, entry),
    )
