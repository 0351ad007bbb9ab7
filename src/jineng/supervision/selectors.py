"""Reads of the data comparison, always within the user's data scope."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When
from django.utils import timezone

from jineng.core.filters import run
from jineng.core.scope import scoped
from jineng.institutions.services import pack_for_institution
from jineng.supervision.filters import FindingFilter
from jineng.supervision.models import Finding, FindingState, Run, Severity


def findings_for(user) -> QuerySet[Finding]:
    return scoped(
        user,
        Finding.objects.select_related(
            "institution__organisation", "training_class", "person", "reviewer", "region"
        ),
    )


def finding_list(user, filters=None) -> QuerySet[Finding]:
    return run(FindingFilter, findings_for(user), filters).order_by("-created_at", "-id")


def runs_for(user) -> QuerySet[Run]:
    return scoped(user, Run.objects.select_related("region", "pack", "by"))


# The risk score of an institution, written on its page: each finding counts its severity's
# weight times its state's factor (a cleared finding counts nothing); the weights and factors
# are the pack's (supervision.risk_*), the pack in force in the institution's region today.
RISK_WEIGHT_KEYS = {
    Severity.HIGH: "supervision.risk_weight_high",
    Severity.MEDIUM: "supervision.risk_weight_medium",
    Severity.LOW: "supervision.risk_weight_low",
}
RISK_FACTOR_KEYS = {
    FindingState.CONFIRMED: "supervision.risk_factor_confirmed",
    FindingState.OPEN: "supervision.risk_factor_open",
    FindingState.UNDER_REVIEW: "supervision.risk_factor_open",
}


@dataclass(frozen=True)
class RiskRule:
    """The weights and factors of the risk score, as a pack states them."""

    weights: dict[str, int]
    factors: dict[str, int]  # cleared: 0

    @classmethod
    def of(cls, pack) -> "RiskRule | None":
        """The pack's rule, or None when the pack (or its absence) states no weights."""
        if pack is None:
            return None
        keys = [*RISK_WEIGHT_KEYS.values(), *RISK_FACTOR_KEYS.values()]
        if any(pack.value(key) is None for key in keys):
            return None
        return cls(
            weights={sev: pack.value(key) for sev, key in RISK_WEIGHT_KEYS.items()},
            factors={
                **{state: pack.value(key) for state, key in RISK_FACTOR_KEYS.items()},
                FindingState.CLEARED: 0,
            },
        )


def risk_rule(institution) -> RiskRule | None:
    """The risk score's rule for the institution: its region's pack in force today."""
    found = pack_for_institution(institution, timezone.localdate().year)
    return RiskRule.of(found[1] if found else None)


def risk_score(findings: QuerySet[Finding], rule: RiskRule) -> int:
    """Σ weight(severity) × factor(state) over the findings, counted in the database."""
    points = Case(
        *[
            When(severity=severity, state=state, then=Value(weight * factor))
            for severity, weight in rule.weights.items()
            for state, factor in rule.factors.items()
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    return findings.aggregate(score=Sum(points))["score"] or 0
