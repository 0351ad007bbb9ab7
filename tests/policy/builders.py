"""Builders of engine input records for the policy tests: a valid case, changed per test."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, settings

from jineng.policy.records import EvaluationLine, PriorSubsidy, TrainingLine

# Property tests: no example database written into the work tree, no per-example deadline.
PROPERTY_SETTINGS = settings(
    database=None, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

TRAINING_END = date(2024, 6, 30)


def training_line(**changes) -> TrainingLine:
    """A six-category trainee in employment skills training, certified, not employed."""
    base = TrainingLine(
        claim_id="T-NEW",
        person_key="P1",
        categories=frozenset({"rural_migrant"}),
        occupation="4-10-01-02",
        level="4",
        is_new_occupation=False,
        training_type="employment_skills",
        training_end=TRAINING_END,
        certificate="skill_level",
        employment_start=None,
        standard=Decimal("1000.00"),
    )
    return replace(base, **changes)


def evaluation_line(**changes) -> EvaluationLine:
    """An evaluation line; the person signed the free-evaluation agreement (004 §四(五)) on the
    evaluation day unless `agreement_signed_on` says otherwise (None: no agreement)."""
    changes.setdefault("agreement_signed_on", changes.get("evaluated_on", date(2023, 6, 1)))
    base = EvaluationLine(
        claim_id="E-NEW",
        person_key="P1",
        categories=frozenset({"graduate"}),
        occupation="4-10-01-02",
        level="3",
        certificate="skill_level",
        first_evaluation=True,
        evaluated_on=date(2023, 6, 1),
    )
    return replace(base, **changes)


def prior(claim_id: str, subsidy_type: str = "training", **changes) -> PriorSubsidy:
    base = PriorSubsidy(
        claim_id=claim_id,
        subsidy_type=subsidy_type,
        occupation="4-99-00-00",
        level="5",
        decided_on=date(2023, 5, 1),
        amount=Decimal("800.00"),
    )
    return replace(base, **changes)
