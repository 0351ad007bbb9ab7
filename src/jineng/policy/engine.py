"""Single-case decisions: training, evaluation and employment subsidies, vouchers, enrolment.

Every function takes the pack that applies (select_pack), the case and the person's history, and
returns a Decision listing every rule it checked with the evidence used. Nothing is guessed: a
value the pack does not state makes the case fail with a reason saying so. Same inputs give the
same decision (histories are read order-independently; evidence lists are sorted).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from . import labels
from .codes import LEVEL_RANKS, CertificateKind, SubsidyType
from .decision import (
    CLASS_COMPLETION,
    COLLEGE_TRAINING,
    EMPLOYMENT_SUBSIDY,
    ENROLMENT,
    EVALUATION_SUBSIDY,
    GRANTED,
    REFUSED,
    TEACHER_RULES,
    TRAINING_SUBSIDY,
    VOUCHER_ISSUE,
    ZERO,
    Decision,
    RuleCheck,
    yuan,
)
from .messages import check, claim_list, names
from .pack import Limit, PolicyPack
from .records import (
    CompletionCase,
    EmploymentLine,
    EnrolmentRequest,
    EvaluationLine,
    PriorSubsidy,
    TeacherAssignment,
    TrainingLine,
    VoucherRequest,
    institution_type_code,
)
from .schema import share_text
from .workdays import WorkingCalendar, default_calendar

__all__ = [
    "EmploymentLine",
    "EnrolmentRequest",
    "EvaluationLine",
    "PriorSubsidy",
    "TeacherAssignment",
    "TrainingLine",
    "VoucherRequest",
    "check_attendance",
    "check_college_training",
    "check_evaluation_deadline",
    "check_teacher_rules",
    "decide_employment_batch",
    "decide_employment_subsidy",
    "decide_enrolment",
    "decide_evaluation_subsidy",
    "decide_training_subsidy",
    "decide_voucher_issue",
    "decide_voucher_issue_for",
    "check_voucher_redeemed",
    "employment_window_end",
    "evaluation_due_by",
    "notice_ends_on",
]

TRAINING = SubsidyType.TRAINING.value
EVALUATION = SubsidyType.EVALUATION.value
COMPLETION = CertificateKind.TRAINING_COMPLETION.value
SPECIAL_ABILITY = CertificateKind.SPECIAL_ABILITY.value

SECTION_NAMES = {
    "training": ("职业培训补贴", "the training subsidy"),
    "training.rates": ("按培训效果确定的补贴比例", "training subsidy rates by outcome"),
    "evaluation": ("职业技能评价补贴", "the evaluation subsidy"),
    "employment.sme": ("中小微企业吸纳持证人员补助", "the SME hiring subsidy"),
    "employment.agency": ("人力资源服务机构介绍就业补贴", "the HR agency placement subsidy"),
}


# --- shared helpers --------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, kept inside the month (1-31 -> 4-30)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def employment_window_end(pack: PolicyPack, training_end: date) -> date:
    """The last day on which employment still counts as 'employed after training'."""
    return add_months(training_end, pack.require("training.rates.employment_window_months").value)


def cite_evidence(pack: PolicyPack, *keys: str) -> dict[str, Any]:
    """The cites of the rules used, for a check's evidence (assumptions flagged with notes)."""
    rules = [pack.rule(key) for key in keys]
    rules = [rule for rule in rules if rule is not None]
    parts = (part.strip() for rule in rules if rule.cite for part in rule.cite.split(";"))
    evidence: dict[str, Any] = {"cite": "; ".join(dict.fromkeys(parts))}
    assumed = [rule for rule in rules if rule.assumed]
    if assumed:
        evidence["assumed"] = True
        # Several rules of one check often share a note (the rates of one seed): say it once.
        evidence["note"] = " ".join(dict.fromkeys(rule.note for rule in assumed if rule.note))
        note_zh = " ".join(dict.fromkeys(rule.note_zh for rule in assumed if rule.note_zh))
        if note_zh:
            evidence["note_zh"] = note_zh
    return evidence


def _finish(
    pack: PolicyPack, kind: str, subject: str, checks: list[RuleCheck], amount: Decimal, **extra
) -> Decision:
    granted = all(item.passed for item in checks)
    return Decision(
        kind=kind,
        subject=subject,
        outcome=GRANTED if granted else REFUSED,
        amount=yuan(amount) if granted else ZERO,
        pack_id=pack.id,
        pack_version=pack.version,
        pack_hash=pack.content_hash,
        checks=tuple(checks),
        **{"rate": None} | extra,
    )


# The checks below depend on the pack and a few facts shared by many people (a class's end date,
# a set of categories): a claim of a hundred trainees asks the same questions a hundred times, so
# their answers are memoised. A RuleCheck is frozen and its evidence is never changed once made,
# so sharing one between decisions is safe.
CHECK_CACHE = 4096


def _pack_names(pack: PolicyPack) -> dict[str, str]:
    """The pack as sentences name it: its title, never its file id."""
    return {"pack_zh": pack.title, "pack_en": pack.title_en or pack.title}


@lru_cache(maxsize=CHECK_CACHE)
def _period_check(pack: PolicyPack, on_date: date) -> RuleCheck:
    # A pack applies only within its period: a case dated outside it belongs to another pack.
    evidence = {
        "date": on_date.isoformat(),
        "effective_from": pack.effective_from.isoformat(),
        "effective_to": pack.effective_to.isoformat(),
        "pack": pack.id,
        "cite": f"{pack.id} v{pack.version}",
    }
    return check(
        "pack.period",
        pack.in_effect(on_date),
        evidence,
        date=on_date.isoformat(),
        **_pack_names(pack),
        start=pack.effective_from.isoformat(),
        end=pack.effective_to.isoformat(),
    )


@lru_cache(maxsize=CHECK_CACHE)
def _stated_check(pack: PolicyPack, section: str) -> RuleCheck:
    what_zh, what_en = SECTION_NAMES[section]
    stated = pack.has_section(section)
    evidence = {"section": section, "stated": stated, "cite": f"{pack.id} v{pack.version}"}
    return check(f"{section}.stated", stated, evidence, what_zh=what_zh, what_en=what_en)


@lru_cache(maxsize=CHECK_CACHE)
def _category_check(
    pack: PolicyPack, subsidy: str, key: str, categories: frozenset[str]
) -> RuleCheck:
    eligible = pack.categories(key)
    mine = sorted(categories)
    evidence = {
        "person_categories": mine,
        "eligible": "any" if eligible is None else sorted(eligible),
        **cite_evidence(pack, key, "categories.six"),
    }
    shown = {
        "cats_zh": names(labels.CATEGORY, mine, "zh"),
        "cats_en": names(labels.CATEGORY, mine, "en"),
        "eligible_zh": labels.category_list(pack.value(key), "zh"),
        "eligible_en": labels.category_list(pack.value(key), "en"),
        "subsidy_zh": labels.zh(labels.SUBSIDY_TYPE, subsidy),
        "subsidy_en": labels.en(labels.SUBSIDY_TYPE, subsidy),
    }
    code = f"{subsidy}.category"
    if eligible is None:
        return check(code, True, evidence, "any", **shown)
    return check(code, not eligible.isdisjoint(categories), evidence, **shown)


# --- practising licences (004 §五(一)) --------------------------------------------------------


def _licence_checks(
    pack: PolicyPack, occupation: str, licences: frozenset[str], day: date
) -> list[RuleCheck]:
    """004 §五(一): 对保安员、电工、焊工等有从业资格要求的职业(工种),…对已取得从业资格的符合条件
    劳动者开展补贴性职业技能培训. A check only for an occupation the pack lists: the person must
    hold its licence, valid on the day the pack counts categories on."""
    if pack.licence_required(occupation) is None:
        return []
    return [_licence_check(pack, occupation, licences, day)]


@lru_cache(maxsize=CHECK_CACHE)
def _licence_check(
    pack: PolicyPack, occupation: str, licences: frozenset[str], day: date
) -> RuleCheck:
    needed = pack.licence_required(occupation)
    evidence = {
        "occupation": occupation,
        "licence_required": needed,
        "licences_held": sorted(licences),
        "day": day.isoformat(),
        **cite_evidence(pack, "training.licence_required"),
    }
    return check(
        "training.licence",
        needed in licences,
        evidence,
        occupation=occupation,
        day=day.isoformat(),
        licence_zh=labels.zh(labels.LICENCE_TYPE, needed),
        licence_en=labels.en(labels.LICENCE_TYPE, needed),
    )


# --- per-person limits (004 §四(五); 002 §四(二)1) -------------------------------------------


def _subsidy_names(subsidy: str) -> dict[str, str]:
    return {
        "subsidy_zh": labels.zh(labels.SUBSIDY_TYPE, subsidy),
        "subsidy_en": labels.en(labels.SUBSIDY_TYPE, subsidy),
    }


def _limit_checks(
    pack: PolicyPack,
    limit: Limit,
    history: Sequence[PriorSubsidy],
    occupation: str,
    level: str | None,
    on_date: date,
) -> list[RuleCheck]:
    """Count cap, never-twice, and (where the pack says so) higher level blocks lower."""
    if not history:  # most people: the same answers for everyone of the occupation and date
        return list(_first_subsidy_checks(pack, limit, occupation, level, on_date))
    return _limit_checks_of(pack, limit, history, occupation, level, on_date)


@lru_cache(maxsize=CHECK_CACHE)
def _first_subsidy_checks(
    pack: PolicyPack, limit: Limit, occupation: str, level: str | None, on_date: date
) -> tuple[RuleCheck, ...]:
    return tuple(_limit_checks_of(pack, limit, (), occupation, level, on_date))


def _limit_checks_of(
    pack: PolicyPack,
    limit: Limit,
    history: Sequence[PriorSubsidy],
    occupation: str,
    level: str | None,
    on_date: date,
) -> list[RuleCheck]:
    checks = [_count_check(pack, limit, history, on_date)]
    if level is not None or limit.unique_by == "occupation":
        checks.append(_unique_check(pack, limit, history, occupation, level))
    if level is not None and limit.higher_level_blocks_lower:
        checks.append(_higher_level_check(pack, limit, history, occupation, level))
    return checks


def _count_check(
    pack: PolicyPack, limit: Limit, history: Sequence[PriorSubsidy], on_date: date
) -> RuleCheck:
    base = f"limits.{limit.subsidy_type}"
    evidence = {
        "subsidy_types": sorted(limit.counted_types),
        "cap": "unlimited" if limit.count is None else limit.count,
        **cite_evidence(pack, f"{base}.count", f"{base}.window", f"{base}.shared_with"),
    }
    shown = _subsidy_names(limit.subsidy_type)
    if limit.count is None:
        return check("limit.count", True, evidence, "unlimited", **shown)
    per_year = limit.window == "calendar_year"
    counted = sorted(
        prior.claim_id
        for prior in history
        if prior.subsidy_type in limit.counted_types
        and (not per_year or prior.decided_on.year == on_date.year)
    )
    evidence |= {"window": limit.window, "counted": len(counted), "prior_claim_ids": counted}
    if per_year:
        evidence["year"] = on_date.year
    window_zh, window_en = labels.WINDOW[limit.window]
    if per_year:
        window_zh, window_en = f"{on_date.year}年度内", f"in {on_date.year}"
    return check(
        "limit.count",
        len(counted) < limit.count,
        evidence,
        window_zh=window_zh,
        window_en=window_en,
        counted=len(counted),
        cap=limit.count,
        claims=claim_list(counted),
        **shown,
    )


def _unique_check(
    pack: PolicyPack,
    limit: Limit,
    history: Sequence[PriorSubsidy],
    occupation: str,
    level: str | None,
) -> RuleCheck:
    by_level = limit.unique_by == "occupation_level"
    conflicts = sorted(
        prior.claim_id
        for prior in history
        if prior.subsidy_type == limit.subsidy_type
        and prior.occupation == occupation
        and (not by_level or prior.level == level)
    )
    evidence = {
        "unique_by": limit.unique_by,
        "occupation": occupation,
        "level": level if by_level else None,
        "conflicting_claim_ids": conflicts,
        **cite_evidence(pack, f"limits.{limit.subsidy_type}.unique_by"),
    }
    unique_zh, unique_en = labels.UNIQUE_BY[limit.unique_by]
    what_zh, what_en = occupation, occupation
    if by_level:
        what_zh = f"{occupation}，{labels.zh(labels.LEVEL, level)}"
        what_en = f"{occupation}, {labels.en(labels.LEVEL, level)}"
    return check(
        "limit.unique",
        not conflicts,
        evidence,
        unique_zh=unique_zh,
        unique_en=unique_en,
        what_zh=what_zh,
        what_en=what_en,
        claims=claim_list(conflicts),
        **_subsidy_names(limit.subsidy_type),
    )


def _higher_level_check(
    pack: PolicyPack, limit: Limit, history: Sequence[PriorSubsidy], occupation: str, level: str
) -> RuleCheck:
    # 专项职业能力 ("special", rank 0) is not on the level ladder: it neither blocks nor is blocked.
    rank = LEVEL_RANKS[level]
    higher = sorted(
        prior.claim_id
        for prior in history
        if prior.subsidy_type == limit.subsidy_type
        and prior.occupation == occupation
        and rank > 0
        and LEVEL_RANKS[prior.level] > rank
    )
    evidence = {
        "occupation": occupation,
        "level": level,
        "higher_claim_ids": higher,
        **cite_evidence(pack, f"limits.{limit.subsidy_type}.higher_level_blocks_lower"),
    }
    return check(
        "limit.higher_level",
        not higher,
        evidence,
        occupation=occupation,
        level_zh=labels.zh(labels.LEVEL, level),
        level_en=labels.en(labels.LEVEL, level),
        claims=claim_list(higher),
        **_subsidy_names(limit.subsidy_type),
    )


# --- training subsidy (004 §四(五)) ----------------------------------------------------------


STANDARD_RATE = "training.rates.standard_rate"
STANDARD_KINDS = "training.rates.standard_certificate_kinds"
# How a trainee's rate is found (004 §四(五)): by outcome (the tiers of the second paragraph),
# by the standard (the first paragraph: certified trainees outside the tiers' scope), or not at
# all (outside the scope, and the pack states no rate for them).
BY_OUTCOME, BY_STANDARD, NO_RATE = "tiers", "standard", "none"


@dataclass(frozen=True, slots=True)
class Outcome:
    tier: str | None  # None: no outcome that earns a subsidy
    rate: Decimal | None
    window_end: date


def in_rate_scope(pack: PolicyPack, categories: frozenset[str], training_type: str) -> bool:
    """004 §四(五) second paragraph: the rates by outcome are for 六类人员 (the pack's
    `training.rates.categories`) in employment-oriented training (its `training_types`)."""
    scope = pack.categories("training.rates.categories")
    types = pack.value("training.rates.training_types")
    return (scope is None or not scope.isdisjoint(categories)) and training_type in types


@lru_cache(maxsize=CHECK_CACHE)
def rate_path(pack: PolicyPack, categories: frozenset[str], training_type: str) -> str:
    """BY_OUTCOME inside the rates' scope; outside it BY_STANDARD when the pack states the rate
    for other certified trainees (004 §四(五) first paragraph), else NO_RATE."""
    if in_rate_scope(pack, categories, training_type):
        return BY_OUTCOME
    return BY_STANDARD if pack.rule(STANDARD_RATE) is not None else NO_RATE


def training_outcome(pack: PolicyPack, line: TrainingLine) -> Outcome:
    """Which rate the outcome earns. 004 §四(五), inside the rates' scope: employed within the
    window -> employed rate; else a certificate (a completion certificate only for a new
    occupation) -> certificate rate; else a completion certificate -> completion rate; else
    nothing. Outside the scope, when the pack states it (the first paragraph, 取得证书…的,
    按规定给予职业培训补贴): a certificate of `standard_certificate_kinds` -> the standard rate
    (tier "standard"), employment or not; else nothing."""
    window_end = employment_window_end(pack, line.training_end)
    if rate_path(pack, line.categories, line.training_type) == BY_STANDARD:
        if line.certificate in pack.value(STANDARD_KINDS):
            return Outcome("standard", pack.value(STANDARD_RATE), window_end)
        return Outcome(None, None, window_end)
    start = line.employment_start
    if start is not None and line.training_end <= start <= window_end:
        tier = "employed"
    elif line.certificate in pack.value("training.rates.certificate_kinds") or (
        line.certificate == COMPLETION
        and line.is_new_occupation
        and pack.value("training.rates.completion_counts_for_new_occupation")
    ):
        tier = "certificate"
    elif line.certificate == COMPLETION:
        tier = "completion_only"
    else:
        return Outcome(None, None, window_end)
    return Outcome(tier, pack.value(f"training.rates.{tier}"), window_end)


def decide_training_subsidy(
    pack: PolicyPack, line: TrainingLine, history: Sequence[PriorSubsidy]
) -> Decision:
    """职业培训补贴 for one trainee: the standard times the rate the outcome earns."""
    checks = [_period_check(pack, line.training_end), _stated_check(pack, "training")]
    outcome = None
    if pack.has_section("training"):
        checks.append(_category_check(pack, TRAINING, "training.eligible", line.categories))
        checks += _licence_checks(
            pack, line.occupation, line.licences, line.licence_day or line.training_end
        )
        checks.append(_stated_check(pack, "training.rates"))
        if pack.has_section("training.rates"):
            outcome = training_outcome(pack, line)
            checks.append(_rate_scope_check(pack, line.categories, line.training_type))
            if rate_path(pack, line.categories, line.training_type) == BY_STANDARD:
                checks.append(_standard_certificate_check(pack, line, outcome))
            else:
                checks.append(_outcome_check(pack, line, outcome))
        limit = pack.limit(TRAINING)
        checks += _limit_checks(
            pack, limit, history, line.occupation, line.level, line.training_end
        )
    rate = outcome.rate if outcome else None
    amount = line.standard * rate if rate is not None else ZERO
    return _finish(
        pack,
        TRAINING_SUBSIDY,
        line.claim_id,
        checks,
        amount,
        rate=rate,
        tier=outcome.tier if outcome else None,
    )


@lru_cache(maxsize=CHECK_CACHE)
def _rate_scope_check(
    pack: PolicyPack, categories: frozenset[str], training_type: str
) -> RuleCheck:
    # 004 §四(五): the outcome rates are for 六类人员 in employment-oriented training; other
    # certified trainees are paid 按规定, at the pack's standard rate when it states one.
    scope = pack.categories("training.rates.categories")
    types = pack.value("training.rates.training_types")
    path = rate_path(pack, categories, training_type)
    keys = ["training.rates.categories", "training.rates.training_types"]
    if path == BY_STANDARD:
        keys.append(STANDARD_RATE)
    evidence = {
        "person_categories": sorted(categories),
        "training_type": training_type,
        "rate_categories": "any" if scope is None else sorted(scope),
        "rate_training_types": sorted(types),
        "rate_by": path,
        **cite_evidence(pack, *keys),
    }
    return check(
        "training.rate_scope",
        path != NO_RATE,
        evidence,
        "standard" if path == BY_STANDARD else "",
        type_zh=labels.zh(labels.TRAINING_TYPE, training_type),
        type_en=labels.en(labels.TRAINING_TYPE, training_type),
        cats_zh=names(labels.CATEGORY, sorted(categories), "zh"),
        cats_en=names(labels.CATEGORY, sorted(categories), "en"),
        scope_cats_zh=labels.category_list(pack.value("training.rates.categories"), "zh"),
        scope_cats_en=labels.category_list(pack.value("training.rates.categories"), "en"),
        scope_types_zh=names(labels.TRAINING_TYPE, types, "zh"),
        scope_types_en=names(labels.TRAINING_TYPE, types, "en"),
    )


def _outcome_check(pack: PolicyPack, line: TrainingLine, outcome: Outcome) -> RuleCheck:
    months = pack.value("training.rates.employment_window_months")
    start = line.employment_start
    evidence = {
        "tier": outcome.tier,
        "rate": None if outcome.rate is None else str(outcome.rate),
        "training_end": line.training_end.isoformat(),
        "employment_start": None if start is None else start.isoformat(),
        "window_months": months,
        "window_end": outcome.window_end.isoformat(),
        "certificate": line.certificate,
        "is_new_occupation": line.is_new_occupation,
        **cite_evidence(
            pack,
            "training.rates.employment_window_months",
            f"training.rates.{outcome.tier or 'certificate'}",
            "training.rates.certificate_kinds",
            "training.rates.completion_counts_for_new_occupation",
        ),
    }
    return check(
        "training.outcome",
        outcome.tier is not None,
        evidence,
        outcome.tier or "",
        rate="" if outcome.rate is None else f"{(outcome.rate * 100).normalize():f}%",
        months=months,
        training_end=line.training_end.isoformat(),
        window_end=outcome.window_end.isoformat(),
        employment_start="" if start is None else start.isoformat(),
        cert_zh=labels.zh(labels.CERTIFICATE_KIND, line.certificate or ""),
        cert_en=labels.en(labels.CERTIFICATE_KIND, line.certificate or ""),
        **_not_employed_text(line, months, outcome.window_end),
    )


def _standard_certificate_check(
    pack: PolicyPack, line: TrainingLine, outcome: Outcome
) -> RuleCheck:
    # 004 §四(五): 参加培训后取得证书(含职业资格证书、职业技能等级证书、专项职业能力证书、
    # 培训合格证书)的, 按规定给予职业培训补贴: a certificate, not employment, earns it.
    kinds = pack.value(STANDARD_KINDS)
    evidence = {
        "tier": outcome.tier,
        "rate": None if outcome.rate is None else str(outcome.rate),
        "certificate": line.certificate,
        "certificate_kinds": list(kinds),
        **cite_evidence(pack, STANDARD_RATE, STANDARD_KINDS),
    }
    variant = ""
    if outcome.tier is None:
        variant = "none" if line.certificate is None else "kind"
    rate = pack.value(STANDARD_RATE)
    return check(
        "training.certificate",
        outcome.tier is not None,
        evidence,
        variant,
        rate=f"{(rate * 100).normalize():f}%",
        cert_zh=labels.zh(labels.CERTIFICATE_KIND, line.certificate or ""),
        cert_en=labels.en(labels.CERTIFICATE_KIND, line.certificate or ""),
        kinds_zh=names(labels.CERTIFICATE_KIND, kinds, "zh"),
        kinds_en=names(labels.CERTIFICATE_KIND, kinds, "en"),
    )


def _not_employed_text(line: TrainingLine, months: int, window_end: date) -> dict[str, str]:
    start = line.employment_start
    if start is None:
        return {"not_employed_zh": "培训后未就业", "not_employed_en": "not employed after training"}
    return {
        "not_employed_zh": f"就业日期（{start}）不在培训结束（{line.training_end}）后"
        f"{months}个月内（至{window_end}）",
        "not_employed_en": f"employment on {start} is not within {months} months after "
        f"training ended on {line.training_end} (by {window_end})",
    }


# --- evaluation subsidy (004 §四(五); 002 §四(二)1) ------------------------------------------


def decide_evaluation_subsidy(
    pack: PolicyPack, line: EvaluationLine, history: Sequence[PriorSubsidy]
) -> Decision:
    """职业技能评价补贴 for one evaluation, paid as the pack says (e.g. to the evaluation org)."""
    checks = [_period_check(pack, line.evaluated_on), _stated_check(pack, "evaluation")]
    amount = ZERO
    if pack.has_section("evaluation"):
        checks.append(_category_check(pack, EVALUATION, "evaluation.eligible", line.categories))
        if pack.value("evaluation.first_evaluation_only"):
            checks.append(_first_evaluation_check(pack, line))
        if pack.value("evaluation.applicant_agreement_required"):
            checks.append(_applicant_agreement_check(pack, line))
        checks.append(_certificate_kind_check(pack, line))
        if line.certificate is not None:
            checks.append(_level_matches_check(line))
        amount_check, amount = _amount_check(pack, line.level)
        checks.append(amount_check)
        limit = pack.limit(EVALUATION)
        checks += _limit_checks(
            pack, limit, history, line.occupation, line.level, line.evaluated_on
        )
    return _finish(
        pack,
        EVALUATION_SUBSIDY,
        line.claim_id,
        checks,
        amount,
        payee=pack.value("evaluation.payee"),
    )


def _first_evaluation_check(pack: PolicyPack, line: EvaluationLine) -> RuleCheck:
    # 004 §四(五): 通过初次职业技能评价.
    evidence = {
        "first_evaluation": line.first_evaluation,
        **cite_evidence(pack, "evaluation.first_evaluation_only"),
    }
    return check("evaluation.first_evaluation", line.first_evaluation, evidence)


def _applicant_agreement_check(pack: PolicyPack, line: EvaluationLine) -> RuleCheck:
    # 004 §四(五): 由考核评价机构与补贴申请人签订免费技能评价协议书 - signed on or before the
    # evaluation date, since it is what makes the evaluation free.
    signed_on = line.agreement_signed_on
    evidence = {
        "person": line.person_key,
        "signed_on": None if signed_on is None else signed_on.isoformat(),
        "evaluated_on": line.evaluated_on.isoformat(),
        **cite_evidence(pack, "evaluation.applicant_agreement_required"),
    }
    shown = {"applicant": line.applicant or line.person_key, "evaluated_on": line.evaluated_on}
    if signed_on is None:
        return check("evaluation.applicant_agreement", False, evidence, "missing", **shown)
    if signed_on > line.evaluated_on:
        return check(
            "evaluation.applicant_agreement", False, evidence, "late", signed_on=signed_on, **shown
        )
    return check("evaluation.applicant_agreement", True, evidence, signed_on=signed_on, **shown)


def _certificate_kind_check(pack: PolicyPack, line: EvaluationLine) -> RuleCheck:
    # 004 §四(五): 职业资格证书、职业技能等级证书、专项职业能力证书, 不含培训合格证.
    covered = pack.value("evaluation.certificate_kinds")
    evidence = {
        "certificate": line.certificate,
        "covered": sorted(covered),
        **cite_evidence(pack, "evaluation.certificate_kinds"),
    }
    shown = {
        "cert_zh": labels.zh(labels.CERTIFICATE_KIND, line.certificate or ""),
        "cert_en": labels.en(labels.CERTIFICATE_KIND, line.certificate or ""),
        "covered_zh": names(labels.CERTIFICATE_KIND, covered, "zh"),
        "covered_en": names(labels.CERTIFICATE_KIND, covered, "en"),
    }
    if line.certificate is None:
        return check("evaluation.certificate_kind", False, evidence, "none", **shown)
    return check("evaluation.certificate_kind", line.certificate in covered, evidence, **shown)


def _level_matches_check(line: EvaluationLine) -> RuleCheck:
    # 002 §四(二)1 prices 专项职业能力 apart from the levels: the level must match the certificate.
    special_cert = line.certificate == SPECIAL_ABILITY
    matches = special_cert == (line.level == "special")
    evidence = {"certificate": line.certificate, "level": line.level, "cite": "002 §四(二)1"}
    return check(
        "evaluation.level_matches_certificate",
        matches,
        evidence,
        cert_zh=labels.zh(labels.CERTIFICATE_KIND, line.certificate),
        cert_en=labels.en(labels.CERTIFICATE_KIND, line.certificate),
        level_zh=labels.zh(labels.LEVEL, line.level),
        level_en=labels.en(labels.LEVEL, line.level),
    )


def _amount_check(pack: PolicyPack, level: str) -> tuple[RuleCheck, Decimal]:
    # 002 §四(二)1: 专项职业能力100, 初级工200, 中级工240, 高级工280, 技师350, 高级技师380 元.
    key = f"evaluation.amounts.{level}"
    amount = pack.value(key)
    evidence = {
        "level": level,
        "amount": None if amount is None else str(amount),
        **cite_evidence(pack, key),
    }
    result = check(
        "evaluation.amount",
        amount is not None,
        evidence,
        level_zh=labels.zh(labels.LEVEL, level),
        level_en=labels.en(labels.LEVEL, level),
        amount="" if amount is None else f"{amount:,.2f}",
    )
    return result, amount if amount is not None else ZERO


# --- employment subsidies (002 §四(三)1) -----------------------------------------------------


def decide_employment_subsidy(
    pack: PolicyPack, line: EmploymentLine, enterprise_granted_total: Decimal
) -> Decision:
    """SME hiring subsidy (capped per enterprise) or HR agency placement subsidy.

    `enterprise_granted_total` is what the enterprise was already granted under this subsidy.
    """
    enterprise_granted_total = Decimal(enterprise_granted_total)  # an int total is fine too
    if enterprise_granted_total < 0:
        raise ValueError(
            f"enterprise_granted_total must not be negative: {enterprise_granted_total}"
        )
    section = f"employment.{line.kind}"
    checks = [_period_check(pack, line.hired_on), _stated_check(pack, section)]
    amount = ZERO
    if pack.has_section(section):
        amount = pack.value(f"{section}.amount_per_person")
        if line.kind == "sme":
            checks += _enterprise_checks(pack, line)
        checks.append(_holds_certificate_check(pack, section, line))
        checks.append(_insured_months_check(pack, section, line))
        if pack.value(f"{section}.within_province_only"):
            checks.append(_in_province_check(pack, section, line))
        if line.kind == "sme":
            checks.append(_hire_year_check(pack, line))
            cap_check, amount = _enterprise_cap_check(pack, amount, enterprise_granted_total)
            checks.append(cap_check)
    return _finish(
        pack,
        EMPLOYMENT_SUBSIDY,
        line.claim_id,
        checks,
        amount,
        payee="enterprise" if line.kind == "sme" else "agency",
    )


def _size_names(size: str) -> dict[str, str]:
    return {
        "size_zh": labels.zh(labels.ENTERPRISE_SIZE, size),
        "size_en": labels.en(labels.ENTERPRISE_SIZE, size),
    }


def _enterprise_checks(pack: PolicyPack, line: EmploymentLine) -> list[RuleCheck]:
    """002 §四(三)1: only 中小微企业. The enterprise is in the registry, its size class is one
    the pack lists (《中小企业划型标准规定》's classes), and that class rests on evidence assessed
    no later than the day the claim was taken in. An enterprise not recorded is refused on the
    first check alone: there is no size class to compare."""
    key = "employment.sme.size_classes"
    cites = cite_evidence(pack, key)
    recorded = line.enterprise_size is not None
    checks = [
        check(
            "employment.enterprise_recorded",
            recorded,
            {"enterprise": line.enterprise_key, "recorded": recorded, **cites},
        )
    ]
    if not recorded:
        return checks
    size, allowed = line.enterprise_size, pack.value(key)
    checks.append(
        check(
            "employment.enterprise_size",
            size in allowed,
            {"size": size, "size_classes": list(allowed), **cites},
            **_size_names(size),
            classes_zh=names(labels.ENTERPRISE_SIZE, allowed, "zh"),
            classes_en=names(labels.ENTERPRISE_SIZE, allowed, "en"),
        )
    )
    checks.append(_size_evidence_check(line, cites))
    return checks


def _size_evidence_check(line: EmploymentLine, cites: dict[str, Any]) -> RuleCheck:
    assessed, claimed = line.size_assessed_on, line.claimed_on
    evidence = {
        "size_assessed_on": None if assessed is None else assessed.isoformat(),
        "claimed_on": claimed.isoformat(),
        **cites,
    }
    if assessed is None:
        return check("employment.size_evidence", False, evidence, "missing")
    shown = {"assessed_on": assessed.isoformat(), "claimed_on": claimed.isoformat()}
    return check("employment.size_evidence", assessed <= claimed, evidence, **shown)


def _hire_year_check(pack: PolicyPack, line: EmploymentLine) -> RuleCheck:
    # 002 §四(三)1: 年度内新吸纳 — a hire of the year the claim is for.
    key = "employment.sme.hired_in_claim_year"
    required = pack.value(key)
    evidence = {
        "hired_on": line.hired_on.isoformat(),
        "claim_year": line.claim_year,
        "required": required,
        **cite_evidence(pack, key),
    }
    shown = {"hired_on": line.hired_on.isoformat(), "year": line.claim_year}
    if not required:
        return check("employment.hire_year", True, evidence, "not_required", **shown)
    return check("employment.hire_year", line.hired_on.year == line.claim_year, evidence, **shown)


def _holds_certificate_check(pack: PolicyPack, section: str, line: EmploymentLine) -> RuleCheck:
    key = f"{section}.certificate_required"
    required = pack.value(key)
    evidence = {
        "holds_certificate": line.holds_certificate,
        "required": required,
        **cite_evidence(pack, key),
    }
    if not required:
        return check("employment.certificate", True, evidence, "not_required")
    return check("employment.certificate", line.holds_certificate, evidence)


def _insured_months_check(pack: PolicyPack, section: str, line: EmploymentLine) -> RuleCheck:
    # 002 §四(三)1: SME 稳定就业1年以上; agency 半年以上, with social insurance paid.
    key = f"{section}.min_insured_months"
    minimum = pack.value(key)
    evidence = {
        "insured_months": line.insured_months,
        "minimum": minimum,
        **cite_evidence(pack, key),
    }
    return check(
        "employment.insured_months",
        line.insured_months >= minimum,
        evidence,
        months=line.insured_months,
        minimum=minimum,
    )


def _in_province_check(pack: PolicyPack, section: str, line: EmploymentLine) -> RuleCheck:
    key = f"{section}.within_province_only"
    evidence = {"in_province": line.in_province, **cite_evidence(pack, key)}
    return check("employment.in_province", line.in_province, evidence)


def _enterprise_cap_check(
    pack: PolicyPack, per_person: Decimal, granted_before: Decimal
) -> tuple[RuleCheck, Decimal]:
    # 002 §四(三)1: 累计最高不超过200万元. A hire that would pass the cap gets only the remainder.
    cap = pack.value("employment.sme.enterprise_cap")
    remainder = max(ZERO, cap - granted_before)
    amount = min(per_person, remainder)
    variant = "pass" if amount == per_person else ("partial" if amount > 0 else "fail")
    evidence = {
        "cap": str(cap),
        "granted_before": str(yuan(granted_before)),
        "per_person": str(per_person),
        "granted_now": str(yuan(amount)),
        **cite_evidence(pack, "employment.sme.enterprise_cap"),
    }
    result = check(
        "employment.enterprise_cap",
        amount > 0,
        evidence,
        variant,
        before=f"{granted_before:,.2f}",
        cap=f"{cap:,.2f}",
        amount=f"{amount:,.2f}",
    )
    return result, amount


def decide_employment_batch(
    pack: PolicyPack,
    lines: Sequence[EmploymentLine],
    granted_totals: dict[str, Decimal] | None = None,
) -> list[Decision]:
    """Employment lines in order, each enterprise's running total carried from line to line."""
    totals = dict(granted_totals or {})
    decisions = []
    for line in lines:
        decision = decide_employment_subsidy(pack, line, totals.get(line.enterprise_key, ZERO))
        if decision.granted and line.kind == "sme":
            totals[line.enterprise_key] = totals.get(line.enterprise_key, ZERO) + decision.amount
        decisions.append(decision)
    return decisions


# --- vouchers (002 §四(五)3) and enrolment -------------------------------------------------


def decide_voucher_issue(
    pack: PolicyPack, request: VoucherRequest, history: Sequence[PriorSubsidy]
) -> Decision:
    """Issue an e-voucher (电子培训券) to a worker who could still earn a training subsidy.

    002 §四(五)3: vouchers go to 符合补贴条件的劳动者, real-name, valid for the pack's period
    (counted in calendar days from the day of issue, which is day 1).
    """
    checks = [_period_check(pack, request.requested_on), _stated_check(pack, "training")]
    if pack.has_section("training"):
        checks.append(_category_check(pack, TRAINING, "training.eligible", request.categories))
        checks += _limit_checks(
            pack, pack.limit(TRAINING), history, request.occupation, None, request.requested_on
        )
    validity_check, valid_until = _validity_check(pack, request.requested_on)
    checks.append(validity_check)
    granted = all(item.passed for item in checks)
    return _finish(
        pack,
        VOUCHER_ISSUE,
        request.person_key,
        checks,
        ZERO,
        valid_until=valid_until if granted else None,
    )


def decide_voucher_issue_for(
    pack: PolicyPack, requests: Sequence[VoucherRequest], history: Sequence[PriorSubsidy]
) -> Decision:
    """A voucher for one or more occupations (one request each): the engine's decision on
    each, the first refusal winning, else the last grant (002 §四(五)3: 符合补贴条件的劳动者)."""
    chosen = None
    for request in requests:
        decision = decide_voucher_issue(pack, request, history)
        if chosen is None or not decision.granted:
            chosen = decision
        if not decision.granted:
            break
    if chosen is None:
        raise ValueError("a voucher names at least one occupation")
    return chosen


def _validity_check(pack: PolicyPack, issued: date) -> tuple[RuleCheck, date | None]:
    key = "procedure.voucher_validity_days"
    days = pack.value(key)
    valid_until = None if days is None else issued + timedelta(days=days - 1)
    evidence = {
        "validity_days": days,
        "valid_until": None if valid_until is None else valid_until.isoformat(),
        **cite_evidence(pack, key),
    }
    result = check(
        "voucher.validity",
        days is not None,
        evidence,
        issued=issued.isoformat(),
        days=days,
        valid_until="" if valid_until is None else valid_until.isoformat(),
    )
    return result, valid_until


def check_voucher_redeemed(
    pack: PolicyPack, valid_until: date | None, redeemed_on: date
) -> RuleCheck:
    """002 §四(五)3 (发券—培训—…—兑现): a voucher is used at enrolment within its validity
    (vouchers.services.check_redeemable), so a voucher used after its last valid day under a
    pack's validity (procedure.voucher_validity_days) is never redeemed nor settled."""
    key = "procedure.voucher_validity_days"
    shown_until = "" if valid_until is None else valid_until.isoformat()
    evidence = {
        "valid_until": valid_until.isoformat() if valid_until else None,
        "redeemed_on": redeemed_on.isoformat(),
        **cite_evidence(pack, key),
    }
    return check(
        "voucher.redeemed",
        valid_until is not None and redeemed_on <= valid_until,
        evidence,
        valid_until=shown_until or "—",
        redeemed_on=redeemed_on.isoformat(),
    )


def decide_enrolment(
    pack: PolicyPack, request: EnrolmentRequest, history: Sequence[PriorSubsidy]
) -> Decision:
    """May this worker enrol in a subsidised class? Eligible, holding the practising licence an
    occupation that needs one asks for (004 §五(一)), and the training subsidy limits
    (004 §四(五)) would not already stop the subsidy for this occupation and level. Given the
    class's training type, also whether the pack states a rate for this trainee in it (by
    outcome, or by the standard for other certified trainees, 004 §四(五)): the claim asks the
    same, so the roster and the claim agree."""
    checks = [_period_check(pack, request.enrol_on), _stated_check(pack, "training")]
    if pack.has_section("training"):
        checks.append(_category_check(pack, TRAINING, "training.eligible", request.categories))
        checks += _licence_checks(
            pack, request.occupation, request.licences, request.licence_day or request.enrol_on
        )
        if request.training_type is not None:
            checks.append(_stated_check(pack, "training.rates"))
            if pack.has_section("training.rates"):
                checks.append(_rate_scope_check(pack, request.categories, request.training_type))
        checks += _limit_checks(
            pack,
            pack.limit(TRAINING),
            history,
            request.occupation,
            request.level,
            request.enrol_on,
        )
    return _finish(pack, ENROLMENT, request.person_key, checks, ZERO)


# --- procedure helpers (004 §四(四), §四(五)) -----------------------------------------------


def evaluation_due_by(pack: PolicyPack, training_end: date) -> date:
    """004 §四(四): evaluation within N (calendar) days after training ends; the last such day."""
    return training_end + timedelta(days=pack.require("procedure.evaluation_deadline_days").value)


def check_evaluation_deadline(
    pack: PolicyPack, training_end: date, evaluated_on: date
) -> RuleCheck:
    key = "procedure.evaluation_deadline_days"
    days = pack.require(key).value
    due = evaluation_due_by(pack, training_end)
    evidence = {
        "training_end": training_end.isoformat(),
        "evaluated_on": evaluated_on.isoformat(),
        "due": due.isoformat(),
        "days": days,
        **cite_evidence(pack, key),
    }
    return check(
        "procedure.evaluation_deadline",
        evaluated_on <= due,
        evidence,
        training_end=training_end.isoformat(),
        evaluated_on=evaluated_on.isoformat(),
        due=due.isoformat(),
        days=days,
    )


def notice_ends_on(
    pack: PolicyPack, published_on: date, working_calendar: WorkingCalendar | None = None
) -> date:
    """004 §四(五): the last day of the public notice (公示), N working days after publication.

    Payment may follow from the next day. Working days follow China's holiday calendar with its
    adjusted days; a year without calendar data raises UnknownCalendarYear.
    """
    days = pack.require("procedure.notice_working_days").value
    return (working_calendar or default_calendar()).add_workdays(published_on, days)


def check_attendance(
    pack: PolicyPack, attended: int, scheduled: int, *, commitment: bool = False
) -> RuleCheck:
    """Completion (结业) needs the pack's attendance share: under commitment (承诺制, 004 §五(二))
    the share the pack sets for such classes. A pack that states none refuses, with that reason."""
    if not 0 <= attended <= scheduled:
        raise ValueError(f"attended {attended} of {scheduled} sessions is not possible")
    key = "commitment.attendance_min_ratio" if commitment else "procedure.attendance_min_ratio"
    minimum = pack.value(key)
    evidence: dict[str, Any] = {
        "attended": attended,
        "scheduled": scheduled,
        "rule": key,
        "minimum": None if minimum is None else str(minimum),
        **cite_evidence(pack, key),
    }
    if minimum is None:
        return check("procedure.attendance", False, evidence, "not_stated")
    if scheduled == 0:
        return check("procedure.attendance", False, evidence, "no_sessions")
    ratio = Decimal(attended) / Decimal(scheduled)
    return check(
        "procedure.attendance",
        ratio >= minimum,
        evidence,
        attended=attended,
        scheduled=scheduled,
        ratio=f"{ratio:.0%}",
        minimum=f"{minimum:.0%}",
    )


def check_commitment_allowed(pack: PolicyPack, reason: str) -> RuleCheck:
    """004 §五(二): large-enterprise, pre-job and cross-province training may run under
    commitment (承诺制), as the local bureau rules; the pack lists which."""
    key = "commitment.allowed_for"
    allowed = pack.value(key, ())
    evidence = {"reason": reason, "allowed_for": list(allowed), **cite_evidence(pack, key)}
    reason_zh, reason_en = labels.COMMITMENT_REASON.get(reason, (reason, reason))
    return check(
        "commitment.allowed",
        reason in allowed,
        evidence,
        reason_zh=reason_zh,
        reason_en=reason_en,
    )


def decide_completion(pack: PolicyPack, case: CompletionCase) -> Decision:
    """结业: attendance at least the pack's share and the assessment passed; a class under
    commitment also needs the commitment allowed and signed (004 §五(二))."""
    checks = [
        check_attendance(
            pack, case.attended, case.scheduled, commitment=case.commitment_reason is not None
        ),
        _assessment_check(case.assessment_passed),
    ]
    if case.commitment_reason is not None:
        checks.append(check_commitment_allowed(pack, case.commitment_reason))
        signed = case.commitment_signed
        checks.append(check("commitment.signed", signed, {"signed": signed}))
    return _finish(pack, CLASS_COMPLETION, case.person_key, checks, ZERO)


def _assessment_check(passed: bool | None) -> RuleCheck:
    evidence = {"assessment_passed": passed}
    if passed is None:
        return check("completion.assessment", False, evidence, "missing")
    return check("completion.assessment", passed, evidence)


# --- institutions: teachers (000 §三(七)) and colleges (000 §二(二)) -----------------------


def check_teacher_rules(
    pack: PolicyPack,
    *,
    institution_type: str,
    year: int,
    assignments: Sequence[TeacherAssignment],
    part_time_counts: Mapping[str, int],
    institution_key: str = "",
) -> Decision:
    """000 §三(七): 民办培训机构专职教师不得少于教师总数的1/3, 兼职教师1年内任职不得超过3家培训机构.

    `assignments` are the institution's teachers in `year` (each person once);
    `part_time_counts` maps a person key to the number of institutions that person teaches at
    part-time in that year, this one included. Every part-time teacher of `assignments` needs a
    count; other keys are ignored (a region-wide map may be passed). The full-time share applies
    only to the pack's `teachers.full_time_share_applies_to` types; the part-time limit to every
    institution. Raises RuleMissing when the pack does not state [teachers]; the decision's
    subject is `institution_key`.
    """
    institution_type_code(institution_type)
    if not isinstance(year, int) or isinstance(year, bool):
        raise ValueError(f"year must be a whole number, not {year!r}")
    teachers = _distinct_teachers(assignments)
    part_time = sorted(item.person_key for item in teachers if not item.full_time)
    counts = _part_time_counts(part_time, part_time_counts)
    checks = [
        _year_check(pack, year),
        _full_time_share_check(pack, institution_type, teachers),
        _part_time_check(pack, year, counts),
    ]
    return _finish(pack, TEACHER_RULES, institution_key, checks, ZERO)


def _distinct_teachers(assignments: Sequence[TeacherAssignment]) -> list[TeacherAssignment]:
    seen: set[str] = set()
    for item in assignments:
        if not isinstance(item, TeacherAssignment):
            raise ValueError(f"assignments must be TeacherAssignment records, not {item!r}")
        if item.person_key in seen:
            raise ValueError(f"teacher {item.person_key!r} is listed twice")
        seen.add(item.person_key)
    return list(assignments)


def _part_time_counts(part_time: list[str], counts: Mapping[str, int]) -> dict[str, int]:
    result = {}
    for key in part_time:
        if key not in counts:
            raise ValueError(f"no institution count for part-time teacher {key!r}")
        count = counts[key]
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError(
                f"the institution count of {key!r} includes this institution, so it is a "
                f"whole number of at least 1, not {count!r}"
            )
        result[key] = count
    return result


def _year_check(pack: PolicyPack, year: int) -> RuleCheck:
    # A pack applies to a year when it is in effect on at least one of its days.
    in_effect = pack.effective_from.year <= year <= pack.effective_to.year
    evidence = {
        "year": year,
        "effective_from": pack.effective_from.isoformat(),
        "effective_to": pack.effective_to.isoformat(),
        "pack": pack.id,
        "cite": f"{pack.id} v{pack.version}",
    }
    return check(
        "pack.period",
        in_effect,
        evidence,
        "year" if in_effect else "year_fail",
        year=year,
        **_pack_names(pack),
        start=pack.effective_from.isoformat(),
        end=pack.effective_to.isoformat(),
    )


def _type_names(institution_type: str, types: Sequence[str]) -> dict[str, str]:
    return {
        "type_zh": labels.zh(labels.INSTITUTION_TYPE, institution_type),
        "type_en": labels.en(labels.INSTITUTION_TYPE, institution_type),
        "types_zh": names(labels.INSTITUTION_TYPE, types, "zh"),
        "types_en": names(labels.INSTITUTION_TYPE, types, "en"),
    }


def _full_time_share_check(
    pack: PolicyPack, institution_type: str, teachers: list[TeacherAssignment]
) -> RuleCheck:
    # 000 §三(七): 民办培训机构专职教师不得少于教师总数的1/3 (compared exactly, as fractions).
    share_key, types_key = "teachers.min_full_time_share", "teachers.full_time_share_applies_to"
    minimum: Fraction = pack.require(share_key).value
    types = pack.require(types_key).value
    full_time = sum(1 for item in teachers if item.full_time)
    total = len(teachers)
    share = Fraction(full_time, total) if total else None
    evidence = {
        "institution_type": institution_type,
        "applies_to": sorted(types),
        "full_time": full_time,
        "total": total,
        "share": None if share is None else str(share),
        "minimum": str(minimum),
        **cite_evidence(pack, share_key, types_key),
    }
    shown = {
        "full_time": full_time,
        "total": total,
        "minimum_zh": share_text(minimum, "zh"),
        "minimum_en": share_text(minimum, "en"),
        "share_zh": "" if share is None else share_text(share, "zh"),
        "share_en": "" if share is None else share_text(share, "en"),
        **_type_names(institution_type, types),
    }
    code = "teachers.full_time_share"
    if institution_type not in types:
        return check(code, True, evidence, "not_applicable", **shown)
    if share is None:
        return check(code, False, evidence, "no_teachers", **shown)
    return check(code, share >= minimum, evidence, **shown)


def _part_time_check(pack: PolicyPack, year: int, counts: dict[str, int]) -> RuleCheck:
    # 000 §三(七): 兼职教师1年内任职不得超过3家培训机构.
    max_key, window_key = "teachers.part_time_max_institutions", "teachers.part_time_window"
    maximum = pack.require(max_key).value
    window = pack.require(window_key).value
    over = sorted((key, count) for key, count in counts.items() if count > maximum)
    evidence = {
        "year": year,
        "window": window,
        "max_institutions": maximum,
        "part_time_teachers": len(counts),
        "over_limit": [{"person_key": key, "institutions": count} for key, count in over],
        **cite_evidence(pack, max_key, window_key),
    }
    shown = {
        "year": year,
        "count": len(counts),
        "max": maximum,
        "over_zh": "、".join(f"{key}（{count}家）" for key, count in over),
        "over_en": ", ".join(f"{key} ({count} institutions)" for key, count in over),
    }
    code = "teachers.part_time_limit"
    if not counts:
        return check(code, True, evidence, "none", **shown)
    return check(code, not over, evidence, **shown)


def check_college_training(
    pack: PolicyPack,
    *,
    institution_type: str,
    enrolled: int,
    training_person_times: int,
    institution_key: str = "",
) -> Decision:
    """000 §二(二): 各职业院校(含技工教育)每年开展职业技能培训人次数不得少于在校生人数的50%.

    Passes when training_person_times ≥ ratio × enrolled, compared exactly. Institutions whose
    type the pack does not count as a college pass with "does not apply"; a college reporting no
    enrolment fails. Raises RuleMissing when the pack does not state [colleges].
    """
    institution_type_code(institution_type)
    for name, number in (("enrolled", enrolled), ("training_person_times", training_person_times)):
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise ValueError(f"{name} must be a whole number of at least 0, not {number!r}")
    ratio_key, types_key = "colleges.min_training_ratio", "colleges.college_types"
    ratio: Fraction = pack.require(ratio_key).value
    types = pack.require(types_key).value
    required = math.ceil(ratio * enrolled) if enrolled else None
    evidence = {
        "institution_type": institution_type,
        "college_types": sorted(types),
        "enrolled": enrolled,
        "training_person_times": training_person_times,
        "min_ratio": str(ratio),
        "required_person_times": required,
        **cite_evidence(pack, ratio_key, types_key),
    }
    shown = {
        "enrolled": enrolled,
        "person_times": training_person_times,
        "required": "" if required is None else required,
        "ratio_zh": share_text(ratio, "zh"),
        "ratio_en": share_text(ratio, "en"),
        **_type_names(institution_type, types),
    }
    code = "colleges.training_ratio"
    if institution_type not in types:
        result = check(code, True, evidence, "not_applicable", **shown)
    elif enrolled == 0:
        result = check(code, False, evidence, "no_enrolment", **shown)
    else:
        result = check(code, training_person_times >= ratio * enrolled, evidence, **shown)
    return _finish(pack, COLLEGE_TRAINING, institution_key, [result], ZERO)
