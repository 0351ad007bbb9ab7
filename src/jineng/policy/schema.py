"""The schema of a policy pack: every section and key, its type, unit and display names.

One table drives parsing (pack.py), the readable description of a pack (PolicyPack.describe) and
the documentation check (a test that docs/policy-packs.md names every key listed here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from . import labels
from .codes import LEVEL_RANKS, CertificateKind, PersonCategory, SubsidyType, TrainingType

# Units: code -> (zh, en) as printed after a value.
UNITS = {
    "": ("", ""),
    "ratio": ("", ""),  # printed as a percentage
    "yuan": ("元", "yuan"),
    "months": ("个月", "months"),
    "days": ("日（自然日）", "calendar days"),
    "working_days": ("个工作日", "working days"),
    "times": ("次", "times"),
    "institutions": ("家", "institutions"),
    "levels": ("个等级", "levels"),
    "trainees": ("人", "trainees"),
    "points": ("分", "points"),
    "years": ("周岁", "years of age"),
    "seconds": ("秒", "seconds"),
    "sessions": ("节", "sessions"),
    "check-ins": ("次", "check-ins"),
    "metres": ("米", "metres"),
    "hour": ("时", "o'clock"),
    "factor": ("倍", "times"),
}

MAX_RATE_PLACES = 4  # a rate is a ratio with at most 4 decimal places (0.8, 0.75, 0.3333)
MAX_MONEY_PLACES = 2  # money is yuan with at most 2 decimal places (fen)


class Kind:
    """How one rule value is read from TOML, checked, and displayed."""

    type_name = "a value"

    def parse(self, raw: Any) -> Any:
        raise NotImplementedError

    def display(self, value: Any, lang: str) -> str:
        return str(value)


def _is_number(raw: Any) -> bool:
    return isinstance(raw, int | float) and not isinstance(raw, bool)


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 99


class Bool(Kind):
    type_name = "true or false"

    def parse(self, raw: Any) -> bool:
        if not isinstance(raw, bool):
            raise ValueError(f"must be true or false, not {type(raw).__name__} {raw!r}")
        return raw

    def display(self, value: bool, lang: str) -> str:
        if lang == "zh":
            return "是" if value else "否"
        return "yes" if value else "no"


class Int(Kind):
    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.type_name = f"a whole number from {minimum} to {maximum}"

    def parse(self, raw: Any) -> int:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ValueError(f"must be a whole number, not {type(raw).__name__} {raw!r}")
        if not self.minimum <= raw <= self.maximum:
            raise ValueError(f"must be from {self.minimum} to {self.maximum}, not {raw}")
        return raw


class CountOrUnlimited(Kind):
    type_name = 'a whole number from 1 up, or "unlimited"'

    def parse(self, raw: Any) -> int | str:
        if raw == "unlimited":
            return raw
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 1:
            raise ValueError(f'must be a whole number from 1 up or "unlimited", not {raw!r}')
        return raw

    def display(self, value: int | str, lang: str) -> str:
        if value == "unlimited":
            return "不限" if lang == "zh" else "unlimited"
        return str(value)


class Ratio(Kind):
    type_name = "a number from 0 to 1 (0.8 means 80%)"

    def parse(self, raw: Any) -> Decimal:
        if not _is_number(raw):
            raise ValueError(f"must be a number from 0 to 1, not {type(raw).__name__} {raw!r}")
        value = Decimal(str(raw))
        if not Decimal(0) <= value <= Decimal(1):
            raise ValueError(f"must be from 0 to 1 (a share, 0.8 means 80%), not {raw}")
        if _decimal_places(value) > MAX_RATE_PLACES:
            raise ValueError(f"has more than {MAX_RATE_PLACES} decimal places: {raw}")
        return value.quantize(Decimal("0.0001"))

    def display(self, value: Decimal, lang: str) -> str:
        percent = (value * 100).normalize()
        return f"{percent:f}%"


FRACTION_TEXT = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def share_text(value: Fraction, lang: str) -> str:
    """An exact share for people: 50% when a percentage with 4 decimals holds it exactly,
    else the fraction with an approximate percentage (1/3 -> "1/3（约33.33%）")."""
    percent = Decimal(value.numerator) * 100 / Decimal(value.denominator)
    if (value * 10_000).denominator == 1:
        return f"{percent.normalize():f}%"
    approx = percent.quantize(Decimal("0.01"))
    if lang == "zh":
        return f"{value.numerator}/{value.denominator}（约{approx}%）"
    return f"{value.numerator}/{value.denominator} (about {approx}%)"


class ExactShare(Kind):
    """A share or ratio kept exact as a Fraction: written as a fraction in quotes ("1/3") or as
    a number with at most 4 decimal places (0.5). 1/3 never becomes 0.33 or 0.3333."""

    def __init__(self, maximum: int = 1) -> None:
        self.maximum = maximum
        self.type_name = (
            f'a fraction in quotes such as "1/3", or a number from 0 to {maximum} '
            f"with at most {MAX_RATE_PLACES} decimal places"
        )

    def parse(self, raw: Any) -> Fraction:
        if isinstance(raw, str):
            match = FRACTION_TEXT.match(raw)
            if not match:
                raise ValueError(f'must be a fraction such as "1/3" or a number, not {raw!r}')
            numerator, denominator = int(match[1]), int(match[2])
            if denominator == 0:
                raise ValueError(f"has a zero denominator: {raw!r}")
            value = Fraction(numerator, denominator)
        elif _is_number(raw):
            number = Decimal(str(raw))
            if not number.is_finite():
                raise ValueError(f"must be a finite number, not {raw!r}")
            if _decimal_places(number) > MAX_RATE_PLACES:
                raise ValueError(
                    f"has more than {MAX_RATE_PLACES} decimal places: {raw} (write a fraction "
                    'in quotes, e.g. "1/3", for a share no decimal holds exactly)'
                )
            value = Fraction(number)
        else:
            raise ValueError(f"must be {self.type_name}, not {type(raw).__name__} {raw!r}")
        if not 0 <= value <= self.maximum:
            raise ValueError(f"must be from 0 to {self.maximum}, not {raw}")
        return value

    def display(self, value: Fraction, lang: str) -> str:
        return share_text(value, lang)


MONTH_DAY_TEXT = re.compile(r"^(\d{2})-(\d{2})$")
MONTH_NAMES_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, order=True, slots=True)
class MonthDay:
    """A day of every year, written "04-30": a yearly deadline of the timetable (004 §四)."""

    month: int
    day: int

    def in_year(self, year: int) -> date:
        return date(year, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


class MonthDayKind(Kind):
    """A month and day in quotes, "MM-DD" ("04-30" is 30 April of whichever year). 29 February
    is refused: a yearly date must exist every year."""

    type_name = 'a month and day in quotes, "MM-DD" (e.g. "04-30")'

    def parse(self, raw: Any) -> MonthDay:
        if not isinstance(raw, str):
            raise ValueError(
                f'must be a month and day in quotes such as "04-30", not {type(raw).__name__} '
                f"{raw!r}"
            )
        match = MONTH_DAY_TEXT.match(raw)
        if not match:
            raise ValueError(
                f'must be written "MM-DD", two digits each (e.g. "04-30"), not {raw!r}'
            )
        month, day = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"has no month {month}: {raw!r} (months are 01 to 12)")
        if (month, day) == (2, 29):
            raise ValueError('"02-29" is not a day of every year: write "02-28" or "03-01"')
        try:
            date(2001, month, day)
        except ValueError:
            raise ValueError(
                f"{raw!r} is not a day of the year: month {month} has no day {day}"
            ) from None
        return MonthDay(month, day)

    def display(self, value: MonthDay, lang: str) -> str:
        if lang == "zh":
            return f"{value.month}月{value.day}日"
        return f"{value.day} {MONTH_NAMES_EN[value.month - 1]}"


class Money(Kind):
    type_name = "an amount in yuan, at most 2 decimal places"

    def parse(self, raw: Any) -> Decimal:
        if not _is_number(raw):
            raise ValueError(f"must be an amount in yuan, not {type(raw).__name__} {raw!r}")
        value = Decimal(str(raw))
        if value < 0:
            raise ValueError(f"must not be negative: {raw}")
        if _decimal_places(value) > MAX_MONEY_PLACES:
            raise ValueError(f"has more than {MAX_MONEY_PLACES} decimal places: {raw}")
        return value.quantize(Decimal("0.01"))

    def display(self, value: Decimal, lang: str) -> str:
        text = f"{value:,.2f}"
        return text[:-3] if text.endswith(".00") else text


class Choice(Kind):
    def __init__(self, table: dict[str, tuple[str, str]]) -> None:
        self.table = table
        self.type_name = "one of " + ", ".join(f'"{code}"' for code in table)

    def parse(self, raw: Any) -> str:
        if raw not in self.table:
            raise ValueError(f"must be {self.type_name}, not {raw!r}")
        return str(raw)

    def display(self, value: str, lang: str) -> str:
        return labels.zh(self.table, value) if lang == "zh" else labels.en(self.table, value)


class CodeList(Kind):
    """A list of codes from a fixed set (kept in the author's order, no repeats)."""

    def __init__(
        self,
        table: dict,
        what: str,
        *,
        allow_empty: bool = False,
        groups: tuple[str, ...] = (),
    ) -> None:
        self.table = table
        self.what = what
        self.allow_empty = allow_empty
        self.groups = groups
        words = f" or the words {', '.join(repr(g) for g in groups)}" if groups else ""
        self.type_name = f"a list of {what} codes{words}"

    def parse(self, raw: Any) -> tuple[str, ...]:
        if not isinstance(raw, list):
            raise ValueError(f"must be a list of {self.what} codes, not {type(raw).__name__}")
        if not raw and not self.allow_empty:
            raise ValueError(f"must name at least one {self.what}")
        known = set(self.table) | set(self.groups)
        for item in raw:
            if item not in known:
                raise ValueError(f"unknown {self.what} code {item!r}; known: {sorted(known)}")
        if len(set(raw)) != len(raw):
            raise ValueError(f"names a {self.what} twice: {raw}")
        if "any" in raw and len(raw) > 1:
            raise ValueError('"any" already includes everyone: write it alone')
        return tuple(raw)

    def display(self, value: tuple[str, ...], lang: str) -> str:
        if not value:
            return "（无）" if lang == "zh" else "(none)"
        if self.table is labels.CATEGORY:
            return labels.category_list(value, lang)
        pick = labels.zh if lang == "zh" else labels.en
        return ("、" if lang == "zh" else ", ").join(pick(self.table, code) for code in value)


OCCUPATION_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")


class OccupationLicences(Kind):
    """Occupations (codes of the 2022 大典, e.g. 6-31-01-03) and the practising licence each
    needs (a licence type code), written as a table: { "6-31-01-03" = "electrical_work" }. Kept
    as (occupation, licence) pairs in the author's order; an empty table names no occupation."""

    type_name = (
        'a table of occupation codes and licence types, e.g. { "6-31-01-03" = "electrical_work" }'
    )

    def parse(self, raw: Any) -> tuple[tuple[str, str], ...]:
        if not isinstance(raw, dict):
            raise ValueError(f"must be {self.type_name}, not {type(raw).__name__} {raw!r}")
        pairs = []
        for occupation, licence in raw.items():
            if not OCCUPATION_CODE.match(occupation):
                raise ValueError(
                    f"{occupation!r} is not an occupation code (they look like 6-31-01-03)"
                )
            if licence not in labels.LICENCE_TYPE:
                raise ValueError(
                    f"unknown licence type {licence!r} for {occupation}; "
                    f"known: {sorted(labels.LICENCE_TYPE)}"
                )
            pairs.append((occupation, str(licence)))
        return tuple(pairs)

    def display(self, value: tuple[tuple[str, str], ...], lang: str) -> str:
        if not value:
            return "（无）" if lang == "zh" else "(none)"
        pick = labels.zh if lang == "zh" else labels.en
        if lang == "zh":
            return "；".join(
                f"{code}：{pick(labels.LICENCE_TYPE, licence)}" for code, licence in value
            )
        return "; ".join(f"{code}: {pick(labels.LICENCE_TYPE, licence)}" for code, licence in value)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    unit: str
    label_zh: str
    label_en: str
    required: bool = True  # must be written whenever its section is present


@dataclass(frozen=True)
class SectionSpec:
    path: str
    label_zh: str
    label_en: str
    fields: tuple[FieldSpec, ...]
    level_keys: bool = False  # the keys are skill-level codes (evaluation.amounts)
    parent: str | None = None  # a section that must be present too
    # When absent, describe() shows it as "not stated" (decisions needing it are refused).
    show_when_absent: bool = True
    # What describe() says of the section when absent (zh, en), if not that claims are refused.
    absent_text: tuple[str, str] | None = None
    # Every key optional, at least one stated, only the stated ones described (graduates).
    some_keys: bool = False


CATEGORIES = CodeList(labels.CATEGORY, "person category", groups=("six", "any"))
# An empty list says the rule applies to no institution type (the document sets no such rule).
INSTITUTION_TYPES = CodeList(labels.INSTITUTION_TYPE, "institution type", allow_empty=True)
SIX_LIST = CodeList(labels.CATEGORY, "person category")
CERT_KINDS = CodeList(labels.CERTIFICATE_KIND, "certificate kind")
LEVEL_AMOUNT = Money()
# A rung of the skill-level ladder (专项职业能力 is off it).
LADDER_LEVEL = Choice({code: names for code, names in labels.LEVEL.items() if code != "special"})
MONTH_DAY = MonthDayKind()

SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "categories",
        "人员类别",
        "Person categories",
        (FieldSpec("six", SIX_LIST, "", "六类人员", "the six categories"),),
        show_when_absent=False,  # only a name for a list; the lists that use it are shown
    ),
    SectionSpec(
        "training",
        "职业培训补贴",
        "Training subsidy",
        (
            FieldSpec("eligible", CATEGORIES, "", "补贴对象", "eligible categories"),
            # 004 §五(一): 对保安员、电工、焊工等有从业资格要求的职业(工种),…对已取得从业资格的
            # 符合条件劳动者开展补贴性职业技能培训. Left out: no occupation needs a licence.
            FieldSpec(
                "licence_required",
                OccupationLicences(),
                "",
                "有从业资格要求的职业（工种）及须已取得的从业资格证",
                "occupations that need a practising licence, and the licence",
                required=False,
            ),
        ),
    ),
    SectionSpec(
        "eligibility",
        "补贴对象资格认定",
        "Eligibility",
        (
            FieldSpec(
                "category_date",
                Choice(labels.CATEGORY_DATE),
                "",
                "人员类别的认定日期",
                "person categories count on",
            ),
        ),
    ),
    SectionSpec(
        "training.rates",
        "职业培训补贴 · 按培训效果确定的补贴比例",
        "Training subsidy · rates by outcome",
        (
            FieldSpec("categories", CATEGORIES, "", "适用人员", "applies to categories"),
            FieldSpec(
                "training_types",
                CodeList(labels.TRAINING_TYPE, "training type"),
                "",
                "适用培训类型",
                "applies to training types",
            ),
            FieldSpec(
                "employment_window_months",
                Int(1, 24),
                "months",
                "培训后实现就业的期限",
                "employment window after training",
            ),
            FieldSpec("employed", Ratio(), "ratio", "已实现就业的补贴比例", "rate if employed"),
            FieldSpec(
                "certificate", Ratio(), "ratio", "未就业、取得证书的补贴比例", "rate if certified"
            ),
            FieldSpec(
                "completion_only",
                Ratio(),
                "ratio",
                "仅取得培训合格证书的补贴比例",
                "rate with a training completion certificate only",
            ),
            FieldSpec(
                "certificate_kinds",
                CERT_KINDS,
                "",
                "按“取得证书”计的证书",
                "certificates that count as a certificate",
            ),
            FieldSpec(
                "completion_counts_for_new_occupation",
                Bool(),
                "",
                "新职业（工种）的培训合格证书按“取得证书”计",
                "a completion certificate counts as a certificate for a new occupation",
            ),
            # 004 §四(五) first paragraph: every eligible trainee who earns a certificate is paid
            # 按规定; the rates above are the second paragraph's, for the categories and training
            # types named above. Both keys or neither: without them, trainees outside that scope
            # are refused ("this pack states no rate for them").
            FieldSpec(
                "standard_rate",
                Ratio(),
                "ratio",
                "上述人员和培训类型以外、取得证书的，按补贴标准的比例",
                "rate for certified trainees outside the categories and training types above",
                required=False,
            ),
            FieldSpec(
                "standard_certificate_kinds",
                CERT_KINDS,
                "",
                "上述人员和培训类型以外，按“取得证书”计的证书",
                "certificates that earn trainees outside that scope the standard rate",
                required=False,
            ),
        ),
        parent="training",
    ),
    SectionSpec(
        "evaluation",
        "职业技能评价补贴",
        "Skill evaluation subsidy",
        (
            FieldSpec("eligible", CATEGORIES, "", "补贴对象", "eligible categories"),
            FieldSpec("first_evaluation_only", Bool(), "", "仅限初次评价", "first evaluation only"),
            FieldSpec("certificate_kinds", CERT_KINDS, "", "可补贴的证书", "certificates covered"),
            FieldSpec("payee", Choice(labels.PAYEE), "", "补贴拨付对象", "paid to"),
            FieldSpec(
                "applicant_agreement_required",
                Bool(),
                "",
                "须由考核评价机构与补贴申请人签订免费技能评价协议书",
                "a free-evaluation agreement signed with each applicant is required",
                required=False,  # absent: no agreement with each person is required
            ),
        ),
    ),
    SectionSpec(
        "evaluation.amounts",
        "职业技能评价补贴 · 补贴标准",
        "Skill evaluation subsidy · amount per level",
        tuple(
            FieldSpec(level, LEVEL_AMOUNT, "yuan", name_zh, name_en, required=False)
            for level, (name_zh, name_en) in labels.LEVEL.items()
        ),
        level_keys=True,
        parent="evaluation",
    ),
    *(
        SectionSpec(
            f"limits.{subsidy}",
            f"享受次数限制 · {labels.zh(labels.SUBSIDY_TYPE, subsidy)}",
            f"Per-person limits · {labels.en(labels.SUBSIDY_TYPE, subsidy)}",
            (
                FieldSpec("count", CountOrUnlimited(), "times", "最多享受次数", "at most"),
                FieldSpec(
                    "window", Choice(labels.WINDOW), "", "次数计算期间", "counted", required=False
                ),
                FieldSpec(
                    "shared_with",
                    CodeList(labels.SUBSIDY_TYPE, "subsidy type", allow_empty=True),
                    "",
                    "与之合并计算次数的补贴",
                    "cap shared with",
                    required=False,
                ),
                FieldSpec(
                    "unique_by", Choice(labels.UNIQUE_BY), "", "不得重复享受", "never twice for"
                ),
                FieldSpec(
                    "higher_level_blocks_lower",
                    Bool(),
                    "",
                    "已享受同一职业较高等级的，不再享受较低等级",
                    "a higher level already subsidised blocks a lower one",
                ),
            ),
            show_when_absent=False,
        )
        for subsidy in SubsidyType
    ),
    SectionSpec(
        "entry_levels",
        "职业技能等级评价的申报等级",
        "Entry levels of skill level evaluations",
        (
            FieldSpec(
                "without_certificate",
                LADDER_LEVEL,
                "",
                "未持有本职业（工种）证书者可申报的最高等级",
                "the highest level without a certificate of the occupation",
            ),
            FieldSpec(
                "levels_above_certificate",
                Int(1, 3),
                "levels",
                "持证者可申报高出所持本职业（工种）最高证书的等级数",
                "a certificate holder may take this many levels above their highest certificate",
            ),
            FieldSpec(
                "certificate_kinds",
                CERT_KINDS,
                "",
                "按申报等级计的证书",
                "certificates that count for the entry level",
            ),
        ),
        absent_text=(
            "本政策未规定（职业技能等级评价预约不予受理）",
            "not stated by this pack (skill level evaluations are not booked)",
        ),
    ),
    SectionSpec(
        "entry_levels.graduates",
        "职业技能等级评价的申报等级 · 院校毕业生可直接申报的等级",
        "Entry levels · graduates may go straight to",
        tuple(
            FieldSpec(
                kind,
                LADDER_LEVEL,
                "",
                name_zh + "毕业生",
                f"a graduate of a {name_en}",
                required=False,
            )
            for kind, (name_zh, name_en) in labels.SCHOOL_KIND.items()
        ),  # fmt: skip
        parent="entry_levels",
        some_keys=True,
        absent_text=(
            "本政策未规定（按一般申报等级）",
            "not stated by this pack (the usual ladder)",
        ),
    ),
    SectionSpec(
        "employment.sme",
        "中小微企业吸纳持证人员一次性补助",
        "SME hiring a certificate holder",
        (
            FieldSpec("amount_per_person", Money(), "yuan", "每吸纳1人补助", "per person hired"),
            FieldSpec(
                "min_insured_months",
                Int(0, 120),
                "months",
                "稳定就业并缴纳社会保险至少",
                "insured employment of at least",
            ),
            FieldSpec(
                "enterprise_cap", Money(), "yuan", "每户企业累计最高", "at most per enterprise"
            ),
            FieldSpec("certificate_required", Bool(), "", "须为持证人员", "certificate required"),
            FieldSpec(
                "size_classes",
                CodeList(labels.ENTERPRISE_SIZE, "enterprise size class"),
                "",
                "可享受补助的企业规模类型",
                "enterprise size classes that qualify",
            ),
            FieldSpec(
                "hired_in_claim_year",
                Bool(),
                "",
                "仅限申报年度内新吸纳的人员",
                "only people hired in the year the claim is for",
            ),
        ),
    ),
    SectionSpec(
        "employment.agency",
        "人力资源服务机构介绍就业补贴",
        "HR agency placing a certificate holder",
        (
            FieldSpec("amount_per_person", Money(), "yuan", "每成功介绍1人补贴", "per placement"),
            FieldSpec(
                "min_insured_months",
                Int(0, 120),
                "months",
                "稳定就业并缴纳社会保险至少",
                "insured employment of at least",
            ),
            FieldSpec("certificate_required", Bool(), "", "须为持证人员", "certificate required"),
            FieldSpec(
                "within_province_only",
                Bool(),
                "",
                "仅限省内就业",
                "employment in the province only",
            ),
        ),
    ),
    SectionSpec(
        "teachers",
        "培训机构师资",
        "Teachers of training institutions",
        (
            FieldSpec(
                "min_full_time_share",
                ExactShare(maximum=1),
                "",
                "专职教师占教师总数的最低比例",
                "minimum share of full-time teachers",
            ),
            FieldSpec(
                "full_time_share_applies_to",
                INSTITUTION_TYPES,
                "",
                "专职教师比例要求适用的机构类型",
                "the full-time share applies to institution types",
            ),
            FieldSpec(
                "part_time_max_institutions",
                Int(1, 100),
                "institutions",
                "兼职教师任职培训机构最多",
                "a part-time teacher teaches at most at",
            ),
            FieldSpec(
                "part_time_window",
                Choice(labels.TEACHER_WINDOW),
                "",
                "兼职教师任职机构数计算期间",
                "institutions counted",
            ),
        ),
    ),
    SectionSpec(
        "colleges",
        "职业院校（含技工院校）开展职业技能培训",
        "Vocational colleges (technical schools included) running skills training",
        (
            FieldSpec(
                "min_training_ratio",
                ExactShare(maximum=10),
                "",
                "每年职业技能培训人次不少于在校生人数的",
                "yearly training person-times at least this share of enrolled students",
            ),
            FieldSpec(
                "college_types",
                CodeList(labels.INSTITUTION_TYPE, "institution type"),
                "",
                "按职业院校计的机构类型",
                "institution types counted as colleges",
            ),
        ),
    ),
    SectionSpec(
        "procedure",
        "办理时限与条件",
        "Procedure",
        (
            FieldSpec(
                "evaluation_deadline_days",
                Int(0, 365),
                "days",
                "培训结束后完成考核评价的期限",
                "evaluation deadline after training ends",
                required=False,
            ),
            FieldSpec(
                "notice_working_days",
                Int(1, 60),
                "working_days",
                "补贴拨付前公示期",
                "public notice before payment",
                required=False,
            ),
            FieldSpec(
                "application_lead_days",
                Int(1, 90),
                "days",
                "开班申请须在开班前提交的天数",
                "opening application submitted at least this many days before the start",
                required=False,
            ),
            FieldSpec(
                "voucher_validity_days",
                Int(1, 3660),
                "days",
                "培训券有效期",
                "voucher validity",
                required=False,
            ),
            FieldSpec(
                "attendance_min_ratio",
                Ratio(),
                "ratio",
                "结业所需最低出勤率",
                "attendance needed for completion",
                required=False,
            ),
        ),
    ),
    SectionSpec(
        "attendance",
        "考勤",
        "Attendance",
        (
            FieldSpec(
                "manual_entry_days",
                Int(0, 60),
                "days",
                "课后可手工补录考勤的天数（0为课次当天）",
                "days after a session in which attendance may be entered by hand (0: that day)",
            ),
        ),
    ),
    SectionSpec(
        "commitment",
        "承诺制培训",
        "Training under commitment (承诺制)",
        (
            FieldSpec(
                "allowed_for",
                CodeList(labels.COMMITMENT_REASON, "commitment reason"),
                "",
                "可实行承诺制的培训",
                "training that may run under commitment",
            ),
            FieldSpec(
                "attendance_min_ratio",
                Ratio(),
                "ratio",
                "承诺制培训结业所需最低出勤率",
                "attendance needed for completion under commitment",
                required=False,
            ),
        ),
    ),
    SectionSpec(
        "statistics",
        "统计口径",
        "How the indicators count",
        (
            FieldSpec(
                "employment_window_days",
                Int(1, 3650),
                "days",
                "培训结束后计入上岗率、就业率的就业期限",
                "employment counts for placement and employment rates within this many days "
                "after the class ends",
            ),
            FieldSpec(
                "stay_days",
                Int(1, 3650),
                "days",
                "岗位技能提升培训稳岗率的认定天数（培训结束后第N天仍参保）",
                "job retention: still insured on this day after the class ended",
            ),
        ),
        absent_text=(
            "本政策未规定（按平台默认：上岗90天、稳岗180天）",
            "not stated by this pack (the platform's defaults: 90 days for placement, 180 for "
            "retention)",
        ),
    ),
    SectionSpec(
        "timetable",
        "年度工作时间表",
        "The year's timetable",
        tuple(
            FieldSpec(name, MONTH_DAY, "", label_zh, label_en, required=False)
            for name, label_zh, label_en in (
                ("plan_by", "制定培训工作方案并报送的截止日期", "training plan sent by"),
                (
                    "institutions_published_by",
                    "向社会公布承担培训任务的机构的截止日期",
                    "institutions undertaking training published by",
                ),
                (
                    "evaluation_orgs_published_by",
                    "向社会公布考核评价机构的截止日期",
                    "evaluation organisations published by",
                ),
                ("training_ends_by", "完成培训任务的截止日期", "training finished by"),
                ("payment_from", "资金支付期开始日期", "subsidies paid from"),
                ("payment_to", "资金支付期结束日期", "subsidies paid until"),
                (
                    "performance_report_by",
                    "绩效评估情况报送的截止日期",
                    "performance report sent by",
                ),
            )
        ),
        some_keys=True,
        absent_text=(
            "本政策未规定（不提示年度时限）",
            "not stated by this pack (no yearly deadline is shown or warned about)",
        ),
    ),
    SectionSpec(
        "supervision",
        "数据比对（监督检查）",
        "Data comparison (supervision)",
        (
            FieldSpec(
                "manual_attendance_share",
                Ratio(),
                "ratio",
                "手工补录考勤占已出勤记录的比例超过此值即提示",
                "a class is flagged when more than this share of its attendance is hand-entered",
            ),
            FieldSpec(
                "identical_attendance_min_trainees",
                Int(2, 1000),
                "trainees",
                "全体学员出勤次数完全相同即提示的最少学员数",
                "identical attendance of every trainee is flagged from this many trainees",
            ),
            FieldSpec(
                "uniform_scores_min_trainees",
                Int(2, 1000),
                "trainees",
                "全体通过且成绩（近乎）相同即提示的最少人数",
                "everyone passing with (near-)identical scores is flagged from this many trainees",
            ),
            FieldSpec(
                "uniform_scores_max_spread",
                Int(0, 100),
                "points",
                "成绩最高与最低之差不超过此值视为（近乎）相同",
                "scores count as (near-)identical when highest minus lowest is at most",
            ),
            FieldSpec(
                "shared_phone_min_trainees",
                Int(2, 1000),
                "trainees",
                "同一手机号的学员达到此人数即提示",
                "a phone number shared by at least this many trainees is flagged",
            ),
            FieldSpec(
                "burst_seconds",
                Int(1, 3600),
                "seconds",
                "同一设备连续打卡的时间窗口",
                "a burst of check-ins is counted within",
            ),
            FieldSpec(
                "burst_min_checkins",
                Int(2, 1000),
                "trainees",
                "同一设备在时间窗口内打卡达到此人数即提示",
                "one device checking in at least this many trainees within the window is flagged",
            ),
            FieldSpec(
                "working_age_from",
                Int(14, 20),
                "years",
                "就业技能培训学员劳动年龄下限",
                "working age from",
            ),
            FieldSpec(
                "working_age_to",
                Int(40, 70),
                "years",
                "就业技能培训学员劳动年龄上限（不含）",
                "working age until (not included)",
            ),
            FieldSpec(
                "same_order_min_sessions",
                Int(2, 1000),
                "sessions",
                "同一批学员按相同顺序打卡达到此节数即提示",
                "the same trainees checked in in the same order is flagged from this many sessions",
            ),
            FieldSpec(
                "same_order_min_trainees",
                Int(2, 1000),
                "trainees",
                "按相同顺序打卡的学员达到此人数才比对",
                "an order of check-ins is compared from this many trainees",
            ),
            FieldSpec(
                "outside_window_min_checkins",
                Int(1, 100000),
                "check-ins",
                "一个班在课时时间以外的学员打卡达到此数即可提示",
                "a class may be flagged from this many trainee check-ins outside their session's "
                "time",
            ),
            FieldSpec(
                "outside_window_share",
                Ratio(),
                "ratio",
                "课时时间以外的打卡占该班学员设备打卡的比例超过此值即提示",
                "a class is flagged when more than this share of its trainees' device check-ins "
                "fell outside their session's time",
            ),
            FieldSpec(
                "site_radius",
                Int(1, 100000),
                "metres",
                "培训班未填写场地半径时，打卡位置距培训场地在此距离（另加定位精度）以内视为在场",
                "a check-in reported within this distance of its session's site (plus the "
                "position's accuracy) counts as there, when the class states no radius",
            ),
            FieldSpec(
                "outside_place_min_checkins",
                Int(1, 100000),
                "check-ins",
                "一个班位置不在培训场地的学员打卡达到此数即可提示",
                "a class may be flagged from this many trainee check-ins reported away from their "
                "session's site",
            ),
            FieldSpec(
                "outside_place_share",
                Ratio(),
                "ratio",
                "位置不在培训场地的打卡占该班带位置学员打卡的比例超过此值即提示",
                "a class is flagged when more than this share of its trainees' check-ins that "
                "carry a position were away from the site",
            ),
            FieldSpec(
                "working_day_from",
                Int(0, 23),
                "hour",
                "读取课表时，工作日（周一至周五）工作时间的开始时刻",
                "reading a timetable: the working day (Monday to Friday) begins at this hour",
            ),
            FieldSpec(
                "working_day_until",
                Int(1, 24),
                "hour",
                "读取课表时，工作日工作时间的结束时刻；非全日制班的课次全部在此时间内的，视为全日制",
                "… and ends at this hour: a part-time class whose every session lies within it is "
                "read as full-time",
            ),
            FieldSpec(
                "short_job_days",
                Int(1, 365),
                "days",
                "在就业期限最后若干天内开始、期限届满后若干天内终止的就业视为短期凑数",
                "a job starting in the last this-many days of the employment window and ending "
                "within this many days after it is flagged",
            ),
            FieldSpec(
                "risk_weight_high",
                Int(0, 100),
                "points",
                "机构风险分：高风险疑点的权重",
                "an institution's risk score: weight of a high-severity finding",
            ),
            FieldSpec(
                "risk_weight_medium",
                Int(0, 100),
                "points",
                "机构风险分：中风险疑点的权重",
                "an institution's risk score: weight of a medium-severity finding",
            ),
            FieldSpec(
                "risk_weight_low",
                Int(0, 100),
                "points",
                "机构风险分：低风险疑点的权重",
                "an institution's risk score: weight of a low-severity finding",
            ),
            FieldSpec(
                "risk_factor_open",
                Int(0, 10),
                "factor",
                "机构风险分：待核查、核查中疑点的倍数",
                "an institution's risk score: factor of an open or under-review finding",
            ),
            FieldSpec(
                "risk_factor_confirmed",
                Int(0, 10),
                "factor",
                "机构风险分：已查实疑点的倍数",
                "an institution's risk score: factor of a confirmed finding",
            ),
            FieldSpec(
                "nightly_days",
                Int(1, 3650),
                "days",
                "每晚比对回溯的天数",
                "the nightly comparison looks back this many days",
            ),
        ),
        show_when_absent=False,
    ),
)

SECTION_BY_PATH = {section.path: section for section in SECTIONS}
# The keys of [timetable], in the order of the year (004 §四; the report 004 §五(五)).
TIMETABLE_KEYS = tuple(f"timetable.{spec.name}" for spec in SECTION_BY_PATH["timetable"].fields)
# Tables that only hold sections ([limits.training] lives in the table "limits").
CONTAINERS = ("limits", "employment")

TOP_LEVEL_REQUIRED = {
    "id": str,
    "version": int,
    "title": str,
    "region": str,
    "effective_from": date,
    "effective_to": date,
    "sources": list,
}
TOP_LEVEL_OPTIONAL = {"title_en": str, "example": bool, "period_note": str}
SOURCE_REQUIRED = {"ref": str, "seed": bool, "title": str}
SOURCE_OPTIONAL = {"file": str, "doc_no": str, "url": str}
RULE_KEYS = {"value", "cite", "assumed", "note", "note_zh"}

KNOWN_CATEGORY_CODES = frozenset(PersonCategory)
KNOWN_LEVELS = frozenset(LEVEL_RANKS)
TRAINING_COMPLETION = CertificateKind.TRAINING_COMPLETION.value
TRAINING_TYPES = frozenset(TrainingType)


def all_keys() -> list[str]:
    """Every dotted rule key the schema knows (for the documentation check)."""
    return [f"{section.path}.{field.name}" for section in SECTIONS for field in section.fields]
