"""The facts a decision is made from: frozen, slotted records the Django side fills in.

They check their own codes on creation, so a decision never meets an unknown category or level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .codes import (
    LEVEL_RANKS,
    CertificateKind,
    EnterpriseSize,
    InstitutionType,
    LicenceType,
    PersonCategory,
    SchoolKind,
    SubsidyType,
    TrainingType,
)

CATEGORY_CODES = frozenset(PersonCategory)
CERTIFICATE_CODES = frozenset(CertificateKind)
SUBSIDY_CODES = frozenset(SubsidyType)
TRAINING_TYPE_CODES = frozenset(TrainingType)
INSTITUTION_TYPE_CODES = frozenset(InstitutionType)
SCHOOL_KIND_CODES = frozenset(SchoolKind)
ENTERPRISE_SIZES = frozenset(EnterpriseSize)
LICENCE_CODES = frozenset(LicenceType)
EMPLOYMENT_KINDS = {"sme": SubsidyType.EMPLOYMENT_SME, "agency": SubsidyType.EMPLOYMENT_AGENCY}
CENT = Decimal("0.01")


def _categories(record: object, value: object) -> None:
    if type(value) is not frozenset:
        value = frozenset(value)  # type: ignore[arg-type]
        object.__setattr__(record, "categories", value)
    if not value <= CATEGORY_CODES:
        raise ValueError(f"unknown person category codes: {sorted(value - CATEGORY_CODES)}")


def _licences(record: object, value: object) -> None:
    """The practising licences (从业资格, 004 §五(一)) a person holds on the day that counts."""
    if type(value) is not frozenset:
        value = frozenset(value)  # type: ignore[arg-type]
        object.__setattr__(record, "licences", value)
    if not value <= LICENCE_CODES:
        raise ValueError(f"unknown licence type codes: {sorted(value - LICENCE_CODES)}")


def _level(value: str) -> None:
    if value not in LEVEL_RANKS:
        raise ValueError(f"unknown skill level {value!r}; known: {list(LEVEL_RANKS)}")


def _certificate(value: str | None) -> None:
    if value is not None and value not in CERTIFICATE_CODES:
        raise ValueError(f"unknown certificate kind {value!r}")


def _money(name: str, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ValueError(f"{name} must be a non-negative Decimal, not {value!r}")
    if value != value.quantize(CENT):
        raise ValueError(f"{name} has more than 2 decimal places: {value}")


@dataclass(frozen=True, slots=True)
class PriorSubsidy:
    """A subsidy a person already received (their history)."""

    claim_id: str
    subsidy_type: str
    occupation: str
    level: str
    decided_on: date
    amount: Decimal

    def __post_init__(self) -> None:
        if self.subsidy_type not in SUBSIDY_CODES:
            raise ValueError(f"unknown subsidy type {self.subsidy_type!r}")
        _level(self.level)


@dataclass(frozen=True, slots=True)
class TrainingLine:
    """One trainee of a finished class, claimed for the training subsidy (职业培训补贴).

    `standard` is the subsidy standard of the occupation and level (yuan); the outcome rate is
    applied to it. `employment_start` is the start of insured employment, if any.
    `licences` are the practising licences (从业资格, 004 §五(一)) the trainee held valid on
    `licence_day`, the day the pack counts categories on (the class's first day in the packs;
    None: the training end).
    """

    claim_id: str
    person_key: str
    categories: frozenset[str]
    occupation: str
    level: str
    is_new_occupation: bool
    training_type: str
    training_end: date
    certificate: str | None
    employment_start: date | None
    standard: Decimal
    licences: frozenset[str] = frozenset()
    licence_day: date | None = None

    def __post_init__(self) -> None:
        _categories(self, self.categories)
        _licences(self, self.licences)
        _level(self.level)
        _certificate(self.certificate)
        if self.training_type not in TRAINING_TYPE_CODES:
            raise ValueError(f"unknown training type {self.training_type!r}")
        _money("standard", self.standard)


@dataclass(frozen=True, slots=True)
class EvaluationLine:
    """One evaluation result claimed for the evaluation subsidy (职业技能评价补贴)."""

    claim_id: str
    person_key: str
    categories: frozenset[str]
    occupation: str
    level: str
    certificate: str | None  # the certificate obtained; None when the person did not pass
    first_evaluation: bool
    evaluated_on: date
    # 004 §四(五): the day the person signed the free-evaluation agreement (免费技能评价协议书)
    # with the evaluation organisation; None when none is on record.
    agreement_signed_on: date | None = None
    applicant: str = ""  # the person's name, for the messages (the evidence keeps person_key)

    def __post_init__(self) -> None:
        _categories(self, self.categories)
        _level(self.level)
        _certificate(self.certificate)
        signed_on = self.agreement_signed_on
        if signed_on is not None and not isinstance(signed_on, date):
            raise ValueError(f"agreement_signed_on must be a date, not {signed_on!r}")


@dataclass(frozen=True, slots=True)
class EmploymentLine:
    """A certificate holder hired by an SME, or placed by an HR service agency (002 §四(三)1)."""

    claim_id: str
    enterprise_key: str
    person_key: str
    kind: str  # "sme" | "agency"
    holds_certificate: bool
    insured_months: int
    hired_on: date
    in_province: bool = True
    # An SME's line (002 §四(三)1: 年度内新吸纳…的中小微企业) also says what the enterprise registry
    # shows: its size class (None: the enterprise is not recorded), the day that class was
    # assessed by its evidence (None: no evidence), the day the claim was taken in, and the year
    # the claim is for (年度). An agency's line leaves them out.
    enterprise_size: str | None = None
    size_assessed_on: date | None = None
    claimed_on: date | None = None
    claim_year: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in EMPLOYMENT_KINDS:
            raise ValueError(f"kind must be 'sme' or 'agency', not {self.kind!r}")
        if self.insured_months < 0:
            raise ValueError(f"insured_months must not be negative: {self.insured_months}")
        if self.enterprise_size is not None and self.enterprise_size not in ENTERPRISE_SIZES:
            known = sorted(ENTERPRISE_SIZES)
            raise ValueError(f"unknown enterprise size {self.enterprise_size!r}; known: {known}")
        if self.kind == "sme" and (self.claimed_on is None or self.claim_year is None):
            raise ValueError("an SME line needs claimed_on and claim_year (002 §四(三)1 年度内)")


@dataclass(frozen=True, slots=True)
class VoucherRequest:
    """A worker asks for an e-voucher (电子培训券) for an occupation."""

    person_key: str
    categories: frozenset[str]
    occupation: str
    requested_on: date

    def __post_init__(self) -> None:
        _categories(self, self.categories)


@dataclass(frozen=True, slots=True)
class EnrolmentRequest:
    """A worker asks to enrol in a subsidised class (of `training_type`, when known: the rate
    that applies depends on it, 004 §四(五)). `licences` are the practising licences (从业资格,
    004 §五(一)) the worker holds valid on `licence_day` (the day the pack counts categories on;
    None: `enrol_on`)."""

    person_key: str
    categories: frozenset[str]
    occupation: str
    level: str
    enrol_on: date
    training_type: str | None = None
    licences: frozenset[str] = frozenset()
    licence_day: date | None = None

    def __post_init__(self) -> None:
        _categories(self, self.categories)
        _licences(self, self.licences)
        _level(self.level)
        if self.training_type is not None and self.training_type not in TRAINING_TYPE_CODES:
            raise ValueError(f"unknown training type {self.training_type!r}")


@dataclass(frozen=True, slots=True)
class CompletionCase:
    """One trainee at the end of a class (结业): sessions attended of those scheduled, the
    assessment result (None while not recorded) and, for a class under commitment (承诺制),
    its reason and whether the signed commitment is on file."""

    person_key: str
    attended: int
    scheduled: int
    assessment_passed: bool | None
    commitment_reason: str | None = None
    commitment_signed: bool = False


@dataclass(frozen=True, slots=True)
class HeldCertificate:
    """A certificate a person holds (valid, issued here or recorded), for the entry level of a
    skill evaluation: its number is named in the reasons; a certificate without a level (专项职业
    能力, 培训合格) never counts for the ladder."""

    number: str
    kind: str
    occupation: str
    level: str | None
    issued_on: date

    def __post_init__(self) -> None:
        _certificate(self.kind)
        if self.level is not None:
            _level(self.level)


@dataclass(frozen=True, slots=True)
class Schooling:
    """A person's graduation from a school (学历), for the entry level of a skill evaluation
    (002 §四(二)1): the kind of school, its name and the major, and the day of graduation."""

    school_kind: str
    school: str
    major: str
    graduated_on: date

    def __post_init__(self) -> None:
        if self.school_kind not in SCHOOL_KIND_CODES:
            raise ValueError(
                f"unknown school kind {self.school_kind!r}; known: {sorted(SCHOOL_KIND_CODES)}"
            )


def institution_type_code(value: str) -> None:
    if value not in INSTITUTION_TYPE_CODES:
        raise ValueError(
            f"unknown institution type {value!r}; known: {sorted(INSTITUTION_TYPE_CODES)}"
        )


@dataclass(frozen=True, slots=True)
class TeacherAssignment:
    """One teacher of an institution in a year (000 §三(七)): full-time (专职) or part-time (兼职).

    `person_key` is the platform's key of the teacher, never a name or an ID number: it is what
    a decision's evidence names.
    """

    person_key: str
    full_time: bool

    def __post_init__(self) -> None:
        if not isinstance(self.person_key, str) or not self.person_key.strip():
            raise ValueError(f"person_key must be a non-empty text, not {self.person_key!r}")
        if not isinstance(self.full_time, bool):
            raise ValueError(f"full_time must be True or False, not {self.full_time!r}")
