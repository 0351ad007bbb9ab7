"""Reads of the data comparison, always within the user's data scope."""

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When

from jineng.core.filters import run
from jineng.core.scope import scoped
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
# weight, times 2 once confirmed, times 1 while open or under review, 0 once cleared.
SEVERITY_WEIGHTS = {Severity.HIGH: 5, Severity.MEDIUM: 3, Severity.LOW: 1}
STATE_FACTORS = {
    FindingState.CONFIRMED: 2,
    FindingState.OPEN: 1,
    FindingState.UNDER_REVIEW: 1,
    FindingState.CLEARED: 0,
}


def risk_score(findings: QuerySet[Finding]) -> int:
    """Σ weight(severity) × factor(state) over the findings, counted in the database."""
    points = Case(
        *[
            When(severity=severity, state=state, then=Value(weight * factor))
            for severity, weight in SEVERITY_WEIGHTS.items()
            for state, factor in STATE_FACTORS.items()
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    return findings.aggregate(score=Sum(points))["score"] or 0
