"""Training subsidy decisions for a whole batch (a year's claims) in one pass.

The hot loop decides each line with per-pack constants compiled once, integer cents and a bit
mask of failed rules, and keeps each person's running state (count, occupations and levels
subsidised) so caps hold across lines of the same person within the batch: lines are applied in
order, as if decided one after the other. It builds no Decision objects; TrainingBatch.decision(i)
rebuilds the full Decision of any line on demand from the same facts (the tests check that the
two paths agree).
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from .codes import LEVEL_RANKS, SubsidyType
from .decision import Decision
from .engine import add_months, decide_training_subsidy
from .pack import PolicyPack
from .records import PriorSubsidy, TrainingLine

TRAINING = SubsidyType.TRAINING.value
COMPLETION = "training_completion"

# One bit per rule, in the order the single-line decision lists its checks.
RULE_CODES = (
    "pack.period",
    "training.stated",
    "training.category",
    "training.licence",
    "training.rates.stated",
    "training.rate_scope",
    "training.outcome",
    "training.certificate",  # instead of training.outcome outside the rates' scope
    "limit.count",
    "limit.unique",
    "limit.higher_level",
)
(PERIOD, STATED, CATEGORY, LICENCE, RATES_STATED, RATE_SCOPE, OUTCOME, STANDARD_CERT, COUNT,
 UNIQUE, HIGHER) = (1 << bit for bit in range(len(RULE_CODES)))  # fmt: skip
TIER_NAMES = (None, "employed", "certificate", "completion_only", "standard")  # index = tier
NO_TIER, EMPLOYED, CERTIFICATE, COMPLETION_ONLY, STANDARD = range(5)
RATE_SCALE = 10_000  # rates in basis points: 0.8 -> 8000 (a pack allows 4 decimal places)


@dataclass(frozen=True, slots=True)
class TrainingConstants:
    """What the hot loop needs from a pack, computed once per pack."""

    effective_from: date
    effective_to: date
    stated: bool
    eligible: frozenset[str] | None  # None: any person
    licence_required: dict[str, str]  # occupation -> the licence its trainees must hold
    rates_stated: bool
    rate_categories: frozenset[str] | None
    rate_types: frozenset[str]
    window_months: int
    rate_points: tuple[int, int, int, int, int]  # by tier number; basis points
    certificate_kinds: frozenset[str]
    completion_counts_for_new: bool
    # 004 §四(五): certified trainees outside the rates' scope, when the pack states their rate
    standard_stated: bool
    standard_kinds: frozenset[str]
    count: int | None  # None: no count cap
    per_year: bool
    counted_types: frozenset[str]
    by_level: bool
    higher_blocks: bool


@lru_cache(maxsize=32)
def training_constants(pack: PolicyPack) -> TrainingConstants:
    stated = pack.has_section("training")
    rates_stated = pack.has_section("training.rates")
    limit = pack.limit(TRAINING) if stated else None

    def points(key: str) -> int:
        value = pack.value(key) if rates_stated else None
        return 0 if value is None else int(value * RATE_SCALE)

    return TrainingConstants(
        effective_from=pack.effective_from,
        effective_to=pack.effective_to,
        stated=stated,
        eligible=pack.categories("training.eligible") if stated else frozenset(),
        licence_required=dict(pack.value("training.licence_required", ())),
        rates_stated=rates_stated,
        rate_categories=pack.categories("training.rates.categories") if rates_stated else None,
        rate_types=frozenset(pack.value("training.rates.training_types", ())),
        window_months=pack.value("training.rates.employment_window_months", 0),
        rate_points=(
            0,
            points("training.rates.employed"),
            points("training.rates.certificate"),
            points("training.rates.completion_only"),
            points("training.rates.standard_rate"),
        ),
        certificate_kinds=frozenset(pack.value("training.rates.certificate_kinds", ())),
        completion_counts_for_new=bool(
            pack.value("training.rates.completion_counts_for_new_occupation")
        ),
        standard_stated=rates_stated and pack.rule("training.rates.standard_rate") is not None,
        standard_kinds=frozenset(pack.value("training.rates.standard_certificate_kinds", ())),
        count=limit.count if limit else None,
        per_year=bool(limit and limit.window == "calendar_year"),
        counted_types=limit.counted_types if limit else frozenset(),
        by_level=bool(limit and limit.unique_by == "occupation_level"),
        higher_blocks=bool(limit and limit.higher_level_blocks_lower),
    )


class CompactResult(NamedTuple):
    outcome: str
    amount_cents: int
    tier: str | None
    failed_codes: tuple[str, ...]


class TrainingBatch:
    """Per-line results in flat arrays (outcome, cents, tier, failed-rule mask)."""

    def __init__(
        self,
        pack: PolicyPack,
        lines: Sequence[TrainingLine],
        histories: Mapping[str, Sequence[PriorSubsidy]],
    ) -> None:
        size = len(lines)
        self.pack = pack
        self.lines = lines
        self.histories = histories
        self.granted = bytearray(size)  # 1 granted, 0 refused
        self.tiers = bytearray(size)  # TIER_NAMES index
        self.amount_cents = array("q", bytes(8 * size))
        self.failed = array("H", bytes(2 * size))  # bit mask over RULE_CODES
        self._lines_by_person: dict[str, list[int]] | None = None

    def __len__(self) -> int:
        return len(self.granted)

    @property
    def granted_count(self) -> int:
        return self.granted.count(1)

    @property
    def total_cents(self) -> int:
        return sum(self.amount_cents)

    @property
    def total_amount(self) -> Decimal:
        return Decimal(self.total_cents).scaleb(-2)

    def outcome(self, index: int) -> str:
        return "granted" if self.granted[index] else "refused"

    def amount(self, index: int) -> Decimal:
        return Decimal(self.amount_cents[index]).scaleb(-2)

    def failed_codes(self, index: int) -> tuple[str, ...]:
        mask = self.failed[index]
        return tuple(code for bit, code in enumerate(RULE_CODES) if mask >> bit & 1)

    def compact(self, index: int) -> CompactResult:
        return CompactResult(
            self.outcome(index),
            self.amount_cents[index],
            TIER_NAMES[self.tiers[index]],
            self.failed_codes(index),
        )

    def history_at(self, index: int) -> list[PriorSubsidy]:
        """The person's history as line `index` saw it: before the batch, plus earlier grants."""
        line = self.lines[index]
        history = list(self.histories.get(line.person_key, ()))
        for earlier in self._person_lines(line.person_key):
            if earlier >= index:
                break
            if self.granted[earlier]:
                history.append(self._as_prior(earlier))
        return history

    def decision(self, index: int) -> Decision:
        """The full Decision of one line, with every check and its evidence."""
        return decide_training_subsidy(self.pack, self.lines[index], self.history_at(index))

    def _as_prior(self, index: int) -> PriorSubsidy:
        line = self.lines[index]
        return PriorSubsidy(
            claim_id=line.claim_id,
            subsidy_type=TRAINING,
            occupation=line.occupation,
            level=line.level,
            decided_on=line.training_end,
            amount=self.amount(index),
        )

    def _person_lines(self, person_key: str) -> list[int]:
        if self._lines_by_person is None:
            index: dict[str, list[int]] = {}
            for position, line in enumerate(self.lines):
                index.setdefault(line.person_key, []).append(position)
            self._lines_by_person = index
        return self._lines_by_person.get(person_key, [])


def decide_training_batch(
    pack: PolicyPack,
    lines: Sequence[TrainingLine],
    histories: Mapping[str, Sequence[PriorSubsidy]],
) -> TrainingBatch:
    """Decide every line in order against its person's history (004 §四(五) limits hold across
    lines of the same person). `histories` maps person_key to the person's earlier subsidies."""
    batch = TrainingBatch(pack, lines, histories)
    constants = training_constants(pack)
    if not constants.stated:
        _refuse_all(batch, constants)
    else:
        _decide_lines(batch, constants)
    return batch


def _refuse_all(batch: TrainingBatch, c: TrainingConstants) -> None:
    # Without a [training] section nothing else can be checked (as in the single-line path).
    for index, line in enumerate(batch.lines):
        out_of_period = line.training_end < c.effective_from or line.training_end > c.effective_to
        batch.failed[index] = STATED | (PERIOD if out_of_period else 0)


def _initial_state(history: Sequence[PriorSubsidy], c: TrainingConstants) -> list:
    """[lifetime count, counts by year, subsidised keys, highest rank by occupation]."""
    count = 0
    by_year: dict[int, int] = {}
    keys: set = set()
    top_rank: dict[str, int] = {}
    for prior in history:
        if prior.subsidy_type in c.counted_types:
            count += 1
            year = prior.decided_on.year
            by_year[year] = by_year.get(year, 0) + 1
        if prior.subsidy_type == TRAINING:
            keys.add((prior.occupation, prior.level) if c.by_level else prior.occupation)
            rank = LEVEL_RANKS[prior.level]
            if rank > top_rank.get(prior.occupation, 0):
                top_rank[prior.occupation] = rank
    return [count, by_year, keys, top_rank]


def _decide_lines(batch: TrainingBatch, c: TrainingConstants) -> None:
    # The hot loop: locals only, no allocation per line beyond the uniqueness key. Each branch
    # mirrors a check of engine.decide_training_subsidy (004 §四(五)).
    histories = batch.histories
    granted, tiers, cents_out, failed = batch.granted, batch.tiers, batch.amount_cents, batch.failed
    eff_from, eff_to = c.effective_from, c.effective_to
    eligible, rates_stated = c.eligible, c.rates_stated
    licence_required = c.licence_required
    rate_categories, rate_types = c.rate_categories, c.rate_types
    certificate_kinds, completion_new = c.certificate_kinds, c.completion_counts_for_new
    standard_stated, standard_kinds = c.standard_stated, c.standard_kinds
    rate_points, months = c.rate_points, c.window_months
    cap, per_year, by_level, higher_blocks = c.count, c.per_year, c.by_level, c.higher_blocks
    ranks = LEVEL_RANKS
    states: dict[str, list] = {}
    window_ends: dict[date, date] = {}
    standard_cents: dict[Decimal, int] = {}
    empty: tuple = ()

    for index, line in enumerate(batch.lines):
        mask = 0
        end = line.training_end
        if end < eff_from or end > eff_to:
            mask = PERIOD
        categories = line.categories
        if eligible is not None and eligible.isdisjoint(categories):
            mask |= CATEGORY
        if licence_required:  # 004 §五(一): the occupation's licence, held on the pack's day
            needed = licence_required.get(line.occupation)
            if needed is not None and needed not in line.licences:
                mask |= LICENCE

        tier = NO_TIER
        if not rates_stated:
            mask |= RATES_STATED
        elif (
            (rate_categories is not None and rate_categories.isdisjoint(categories))
            or line.training_type not in rate_types
        ) and standard_stated:
            # 004 §四(五) first paragraph: outside the rates' scope, a certificate earns the
            # standard rate, whatever the employment.
            if line.certificate in standard_kinds:
                tier = STANDARD
            else:
                mask |= STANDARD_CERT
        else:
            if (
                rate_categories is not None and rate_categories.isdisjoint(categories)
            ) or line.training_type not in rate_types:
                mask |= RATE_SCOPE
            window_end = window_ends.get(end)
            if window_end is None:
                window_end = window_ends[end] = add_months(end, months)
            start = line.employment_start
            certificate = line.certificate
            if start is not None and end <= start <= window_end:
                tier = EMPLOYED
            elif certificate in certificate_kinds or (
                certificate == COMPLETION and completion_new and line.is_new_occupation
            ):
                tier = CERTIFICATE
            elif certificate == COMPLETION:
                tier = COMPLETION_ONLY
            else:
                mask |= OUTCOME

        person = line.person_key
        state = states.get(person)
        if state is None:
            state = states[person] = _initial_state(histories.get(person, empty), c)
        if cap is not None:
            used = state[1].get(end.year, 0) if per_year else state[0]
            if used >= cap:
                mask |= COUNT
        occupation = line.occupation
        key = (occupation, line.level) if by_level else occupation
        if key in state[2]:
            mask |= UNIQUE
        if higher_blocks:
            rank = ranks[line.level]
            if rank > 0 and state[3].get(occupation, 0) > rank:
                mask |= HIGHER

        tiers[index] = tier
        if mask:
            failed[index] = mask
            continue
        # Granted: amount in cents, rounded half up (standard has 2 places, rate 4).
        standard = line.standard
        cents = standard_cents.get(standard)
        if cents is None:
            cents = standard_cents[standard] = int(standard * 100)
        granted[index] = 1
        cents_out[index] = (cents * rate_points[tier] + RATE_SCALE // 2) // RATE_SCALE
        state[0] += 1
        state[1][end.year] = state[1].get(end.year, 0) + 1
        state[2].add(key)
        rank = ranks[line.level]
        if rank > state[3].get(occupation, 0):
            state[3][occupation] = rank
