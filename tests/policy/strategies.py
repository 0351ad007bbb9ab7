"""Hypothesis strategies: random training lines, histories and employment lines."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from jineng.policy.decision import Decision
from jineng.policy.engine import decide_training_subsidy
from jineng.policy.pack import PolicyPack
from jineng.policy.records import EmploymentLine, PriorSubsidy, TrainingLine

PERSONS = ["P1", "P2", "P3"]
OCCUPATIONS = ["4-01-01-01", "4-02-02-02", "6-18-02-04"]
LEVELS = ["special", "5", "4", "3", "2", "1"]
CATEGORY_SETS = [
    frozenset(),
    frozenset({"graduate"}),
    frozenset({"rural_migrant", "registered_unemployed"}),
    frozenset({"enterprise_employee"}),
    frozenset({"veteran"}),
]
# Practising licences held (004 §五(一)): 6-18-02-04 (焊工) needs welding_work under Hebei.
LICENCE_SETS = [frozenset(), frozenset({"welding_work"}), frozenset({"electrical_work"})]
CERTIFICATES = [None, "training_completion", "skill_level", "qualification", "special_ability"]
TRAINING_TYPES = ["employment_skills", "job_skills_upgrade", "pre_employment"]
STANDARDS = [Decimal(v) for v in ("0", "0.01", "666.67", "1000.00", "1200.05", "3333.33")]

dates = st.dates(min_value=date(2022, 1, 1), max_value=date(2026, 6, 30))


@st.composite
def training_lines(draw, max_size: int = 20) -> list[TrainingLine]:
    count = draw(st.integers(min_value=0, max_value=max_size))
    lines = []
    for number in range(count):
        end = draw(dates)
        after = draw(st.one_of(st.none(), st.integers(min_value=-15, max_value=120)))
        lines.append(
            TrainingLine(
                claim_id=f"L{number:03d}",
                person_key=draw(st.sampled_from(PERSONS)),
                categories=draw(st.sampled_from(CATEGORY_SETS)),
                occupation=draw(st.sampled_from(OCCUPATIONS)),
                level=draw(st.sampled_from(LEVELS)),
                is_new_occupation=draw(st.booleans()),
                training_type=draw(st.sampled_from(TRAINING_TYPES)),
                training_end=end,
                certificate=draw(st.sampled_from(CERTIFICATES)),
                employment_start=None if after is None else end + timedelta(days=after),
                standard=draw(st.sampled_from(STANDARDS)),
                licences=draw(st.sampled_from(LICENCE_SETS)),
            )
        )
    return lines


@st.composite
def priors(draw, prefix: str, max_size: int = 4) -> list[PriorSubsidy]:
    count = draw(st.integers(min_value=0, max_value=max_size))
    return [
        PriorSubsidy(
            claim_id=f"{prefix}-H{number}",
            subsidy_type=draw(st.sampled_from(["training", "training", "evaluation"])),
            occupation=draw(st.sampled_from(OCCUPATIONS)),
            level=draw(st.sampled_from(LEVELS)),
            decided_on=draw(dates),
            amount=Decimal("100.00"),
        )
        for number in range(count)
    ]


@st.composite
def histories(draw) -> dict[str, list[PriorSubsidy]]:
    return {person: draw(priors(person)) for person in PERSONS}


@st.composite
def employment_lines(draw, max_size: int = 30) -> list[EmploymentLine]:
    count = draw(st.integers(min_value=0, max_value=max_size))
    return [
        EmploymentLine(
            claim_id=f"E{number:03d}",
            enterprise_key=draw(st.sampled_from(["A", "B"])),
            person_key=f"W{number}",
            kind=draw(st.sampled_from(["sme", "sme", "agency"])),
            holds_certificate=draw(st.booleans()),
            insured_months=draw(st.integers(min_value=0, max_value=24)),
            hired_on=(hired := draw(st.dates(date(2022, 5, 1), date(2025, 12, 31)))),
            in_province=draw(st.booleans()),
            enterprise_size=draw(st.sampled_from(["small", "medium", "micro", "large", None])),
            size_assessed_on=hired,
            claimed_on=hired + timedelta(days=400),
            claim_year=draw(st.sampled_from([hired.year, hired.year, hired.year - 1])),
        )
        for number in range(count)
    ]


def decide_in_order(
    pack: PolicyPack, lines: list[TrainingLine], start: dict[str, list[PriorSubsidy]]
) -> list[Decision]:
    """The reference: single-line decisions one after the other, each grant added to history."""
    running = {person: list(items) for person, items in start.items()}
    decisions = []
    for line in lines:
        history = running.setdefault(line.person_key, [])
        decision = decide_training_subsidy(pack, line, history)
        if decision.granted:
            history.append(
                PriorSubsidy(
                    line.claim_id,
                    "training",
                    line.occupation,
                    line.level,
                    line.training_end,
                    decision.amount,
                )
            )
        decisions.append(decision)
    return decisions
