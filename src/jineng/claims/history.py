"""A person's subsidy history (PriorSubsidy) from the lines of claims: what the caps and the
uniqueness rule of 004 §四(五) and 002 §四(二)1 count.

A line counts when the rules granted it, it is claimed and not refused (COUNTING_LINE_STATES),
and its claim was submitted and neither withdrawn nor rejected. A draft counts for nobody: the
limits are checked again when it is submitted, under a lock (services.submit).

A top-up line (补差) raises an earlier line: together they are one subsidy, counted once (as the
earlier line when that one was granted, else as the top-up).
"""

from collections.abc import Iterable

from jineng.claims.models import COUNTING_LINE_STATES, ClaimLine, ClaimState
from jineng.policy import PriorSubsidy

# Claims whose lines never count: not yet submitted, or taken back, or refused as a whole.
NOT_COUNTING_CLAIM_STATES = (ClaimState.DRAFT, ClaimState.WITHDRAWN, ClaimState.REJECTED)
# Persons per query: well under SQLite's limit of bound parameters.
CHUNK = 5000
# Employment lines name no occupation or level; the engine's records need a level code, and
# "special" (rank 0) neither blocks nor is blocked by any level. Their type keeps them out of the
# training and evaluation uniqueness rules; they count only where a pack shares a cap with them.
NO_LEVEL = "special"

COLUMNS = (
    "id",
    "tops_up_id",
    "person_id",
    "claim__number",
    "subsidy_type",
    "occupation__code",
    "level__code",
    "decided_on",
    "amount",
)


def counting_lines(person_ids: Iterable[int], *, excluding_claim=None, columns=COLUMNS):
    """The counting lines of these persons (one indexed query per CHUNK persons), as tuples of
    `columns` (COLUMNS, then any more a reader asks for) in line order."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        lines = ClaimLine.objects.filter(
            person_id__in=ids[start : start + CHUNK],
            state__in=COUNTING_LINE_STATES,
            granted=True,
        ).exclude(claim__state__in=NOT_COUNTING_CLAIM_STATES)
        if excluding_claim is not None:
            lines = lines.exclude(claim_id=excluding_claim.pk)
        yield from lines.order_by("id").values_list(*columns)


def history_of(
    person_ids: Iterable[int], *, excluding_claim=None, excluding_lines: Iterable[int] = ()
) -> dict[int, list[PriorSubsidy]]:
    """Each person's earlier subsidies, by person id (an empty list for a person without any).

    `excluding_claim`: the claim being decided (its own lines are not its history).
    `excluding_lines`: lines whose subsidy is being decided again (a top-up's earlier line).
    """
    ids = set(person_ids)
    history: dict[int, list[PriorSubsidy]] = {person_id: [] for person_id in ids}
    skipped = set(excluding_lines)
    seen: set[int] = set()
    for row in counting_lines(ids, excluding_claim=excluding_claim):
        line_id, tops_up_id, person_id = row[:3]
        subsidy = tops_up_id or line_id  # a top-up and its earlier line are one subsidy
        if subsidy in skipped or subsidy in seen:
            continue
        seen.add(subsidy)
        history[person_id].append(prior(row))
    return history


def prior(row) -> PriorSubsidy:
    _line, _tops_up, _person, number, subsidy_type, occupation, level, decided_on, amount = row
    return PriorSubsidy(
        claim_id=number,
        subsidy_type=subsidy_type,
        occupation=occupation or "",
        level=level or NO_LEVEL,
        decided_on=decided_on,
        amount=amount,
    )
