"""Plain names of the rules a decision checks, for every page that shows a decision's reasons.

A rule check carries a machine code (`training.category`, `claim.standard`, ...) and a sentence in
both languages that states the case's own facts and numbers. Readers see the sentence under the
rule's plain name from this module; the code stays out of the visible text (pages put it in a
title attribute, and the evidence in a detail only system administrators open).

One place for every code: the policy engine's (jineng.policy.messages), the claims app's own
checks (claims.services.MESSAGES) and the decision kinds. A code missing here reads "Rule", never
the code itself; tests/core/test_rule_names.py checks that every code the engine and the claims
app can write has its name.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Codes ending in these words name the same rule for every subsidy (training.category,
# evaluation.category, employment_sme.category; training.stated, employment.sme.stated, ...).
FAMILY_SUFFIXES = {
    ".category": "category",
    ".stated": "stated",
}

RULE_NAMES = {
    "pack.period": _("Policy in force on the date"),
    "stated": _("The policy provides this subsidy"),
    "training.rates.stated": _("The policy sets rates by training outcome"),
    "category": _("Person category"),
    "training.licence": _("Practising licence held"),
    "training.rate_scope": _("Who the rates by outcome apply to"),
    "training.outcome": _("Training outcome and rate"),
    "training.certificate": _("Certificate obtained, paid by the standard"),
    "limit.count": _("Number of subsidies already received"),
    "limit.unique": _("Never twice for the same occupation and level"),
    "limit.higher_level": _("Already subsidised at a higher level"),
    "evaluation.first_evaluation": _("First skill evaluation"),
    "evaluation.applicant_agreement": _("Free-evaluation agreement with the applicant"),
    "evaluation.certificate_kind": _("Certificate obtained"),
    "evaluation.level_matches_certificate": _("Certificate matches the level"),
    "evaluation.amount": _("Evaluation subsidy amount"),
    "evaluation.entry_level": _("Level the person may take (entry level)"),
    "employment.enterprise_recorded": _("Enterprise in the enterprise registry"),
    "employment.enterprise_size": _("Small, medium or micro enterprise"),
    "employment.size_evidence": _("Evidence of the enterprise's size class"),
    "employment.hire_year": _("Hired in the year of the claim"),
    "employment.certificate": _("The hire holds a certificate"),
    "employment.insured_months": _("Months of insured employment"),
    "employment.in_province": _("Employed in the province"),
    "employment.enterprise_cap": _("Enterprise's total cap"),
    "voucher.validity": _("Voucher validity"),
    "voucher.redeemed": _("Voucher used within its validity"),
    "procedure.evaluation_deadline": _("Evaluation deadline after training"),
    "procedure.attendance": _("Attendance needed for completion"),
    "teachers.full_time_share": _("Share of full-time teachers"),
    "teachers.part_time_limit": _("Institutions per part-time teacher"),
    "colleges.training_ratio": _("Training person-times of a college"),
    "completion.assessment": _("Final assessment"),
    "commitment.allowed": _("Training under commitment allowed"),
    "commitment.signed": _("Signed commitment on file"),
    # The year's timetable (004 §四): warnings, never reasons of a refusal.
    "timetable.training_end": _("Training finished by the year's deadline"),
    "timetable.institutions_published": _("Institutions undertaking training published in time"),
    "timetable.evaluation_orgs_published": _("Evaluation organisations published in time"),
    "timetable.payment_window": _("Paid within the payment window"),
    # The claims app's own checks (claims.services.MESSAGES).
    "claim.completed": _("Completed the class"),
    "claim.standard": _("Subsidy standard"),
    "claim.evaluation": _("Evaluation result"),
    "claim.certificate": _("Certificate still valid"),
    "claim.top_up": _("Top-up of an earlier claim"),
}

DECISION_KINDS = {
    "training_subsidy": pgettext_lazy("decision", "Training subsidy"),
    "evaluation_subsidy": pgettext_lazy("decision", "Skill evaluation subsidy"),
    "employment_subsidy": pgettext_lazy("decision", "Employment subsidy"),
    "voucher_issue": pgettext_lazy("decision", "Issue of a training voucher"),
    "enrolment": pgettext_lazy("decision", "Subsidy eligibility at enrolment"),
    "teacher_rules": pgettext_lazy("decision", "Rules on teachers"),
    "college_training": pgettext_lazy("decision", "Training duty of a college"),
    "completion": pgettext_lazy("decision", "Completion of the class"),
}


def rule_family(code: str) -> str:
    """The key of RULE_NAMES a check code reads under."""
    if code in RULE_NAMES:
        return code
    for suffix, family in FAMILY_SUFFIXES.items():
        if code.endswith(suffix):
            return family
    return ""


def rule_name(code: str) -> str:
    """The rule's plain name in the reader's language ("Rule" for a code not listed)."""
    return RULE_NAMES.get(rule_family(code)) or _("Rule")


def decision_kind_name(kind: str) -> str:
    return DECISION_KINDS.get(kind) or _("Decision")


def subject_name(label: str) -> str:
    """A decision's subject type ("training.enrollment") as its model's name ("enrolment")."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return pgettext_lazy("decision subject", "Record")
