"""Benchmark (issue 22): replaying a year of 1,000,000 training subsidy lines under a draft pack,
beside the engine's own batch time on the same lines as the anchor (goal: within 2x of it).

    .venv/bin/python bench/whatif.py [--lines N] [--seed S] [--repeat R] [--traces] [--smoke]

The year is bench/policy_engine.py's deterministic data (persons with earlier subsidies, about
four lines each, Hebei 2024's pack). Each line is first decided under the pack in force by the
batch engine, and stored as the claims app stores it: the decision's rule trace as a dict
(catalog.DecisionRecord.detail), of which this bench keeps the checks the replay reads its facts
from (pack.period, training.category, training.rate_scope, training.outcome or
training.certificate, training.licence, claim.standard: codes and evidence, not the messages),
with the compact facts kept beside it (catalog.DecisionRecord.facts, jineng.policy.facts, one
line of text), and the claim line's own columns. The draft is Hebei's pack with the 80% tier of
004 §四(五) set to 70% through the same edit the draft page makes (whatif.toml_edit), read by the
strict loader.

Timed: the replay as whatif.services runs it after its query: each case made from its row and
compact facts (whatif.replay.case_of; with --traces from its stored trace instead, as for a
record stored before the facts were kept), in the order decided (as the query gives them), and
whatif.replay.replay
under the draft (the batch engine, the claim checks, the new amounts); then the summary by
county and category (whatif.services.summarise is Django-side; its loop is repeated here on the
same cases). The anchor: decide_training_batch under the draft on the same TrainingLines, built
already. With --repeat R each part is timed R times and the best kept (the anchor once before
the cases are made and again between the replay's runs, under the same memory): on a shared
machine the best of a few runs says more than one. The bench prints both times, lines/s, the
ratio, and checks that the replay's new total equals the anchor's. Exits 1 if they disagree.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from policy_engine import PACK_FILE, generate  # noqa: E402

from jineng.policy import facts as policy_facts  # noqa: E402
from jineng.policy.batch import decide_training_batch  # noqa: E402
from jineng.policy.decision import TRAINING_SUBSIDY  # noqa: E402
from jineng.policy.pack import parse_pack  # noqa: E402
from jineng.whatif import replay, toml_edit  # noqa: E402

GOAL = 2.0
CHUNK = 50_000
ZERO = Decimal("0.00")
COUNTIES = ["130102", "130104", "130105", "130108", "130109", "130110"]


def draft_pack():
    text = toml_edit.set_value(PACK_FILE.read_text("utf-8"), "training.rates.certificate", "0.70")
    return parse_pack(text, PACK_FILE.name)


def stored(line, batch, index) -> dict:
    """A line's stored trace as the replay reads it: the checks that hold its facts."""
    checks = [
        {"code": "claim.completed", "passed": True, "message_zh": "", "message_en": "",
         "evidence": {}},
        {"code": "claim.standard", "passed": True, "message_zh": "", "message_en": "",
         "evidence": {"amount": str(line.standard)}},
        {"code": "pack.period", "passed": True,
         "evidence": {"date": line.training_end.isoformat()}},
        {"code": "training.category", "passed": True,
         "evidence": {"person_categories": sorted(line.categories)}},
        {"code": "training.rate_scope", "passed": True,
         "evidence": {"person_categories": sorted(line.categories),
                      "training_type": line.training_type}},
        {"code": "training.outcome", "passed": True,
         "evidence": {"certificate": line.certificate, "is_new_occupation": line.is_new_occupation,
                      "employment_start": line.employment_start and
                      line.employment_start.isoformat()}},
    ]  # fmt: skip
    return {"kind": TRAINING_SUBSIDY, "outcome": batch.outcome(index),
            "amount": str(batch.amount(index)), "checks": checks}  # fmt: skip


def row_of(line, number: int, granted: bool, amount, facts: str | None) -> tuple:
    """The claim line as whatif.services reads it (replay.ROW), with its decision's compact
    facts (catalog.DecisionRecord.facts, a line of text as the database gives it)."""
    return (
        number, line.claim_id, int(line.person_key[1:]), replay.TRAINING, line.occupation,
        line.level, line.training_end, granted, amount, number, facts,
        COUNTIES[number % len(COUNTIES)], "", "", "", line.training_end, line.training_type,
        line.is_new_occupation, line.certificate, "", None, None,
    )  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--smoke", action="store_true", help="2,000 lines, for the tests")
    parser.add_argument(
        "--repeat", type=int, default=1,
        help="time each part this many times and keep the best (a shared machine's noise)",
    )  # fmt: skip
    parser.add_argument(
        "--traces", action="store_true", help="read the facts from the traces, not the records"
    )
    args = parser.parse_args(argv)
    lines_count = 2_000 if args.smoke else args.lines

    started = time.perf_counter()
    lines, histories = generate(lines_count, args.seed)
    in_force = parse_pack(PACK_FILE.read_bytes(), PACK_FILE)
    draft = draft_pack()
    decided = decide_training_batch(in_force, lines, histories)
    by_id = {int(key[1:]): history for key, history in histories.items()}
    print(f"built in {time.perf_counter() - started:.1f} s: {len(lines):,} lines decided")

    repeat = max(1, args.repeat)

    def timed_anchor():
        gc.collect()
        gc.disable()
        began = time.perf_counter()
        batch = decide_training_batch(draft, lines, histories)
        spent = time.perf_counter() - began
        gc.enable()
        return batch, spent

    anchor, anchor_time = timed_anchor()

    # The stored decisions are made a chunk at a time (untimed: the trace, and the compact facts
    # kept beside it when it is stored, jineng.policy.facts) and read back (timed), so that a
    # million of them are never in memory at once. --traces reads each from its trace instead,
    # as for a record stored before the facts were kept.
    cases, facts_time = [], 0.0
    facts_of, case_of = policy_facts.facts_of, replay.case_of
    for first in range(0, len(lines), CHUNK):
        chunk = []
        for number in range(first, min(first + CHUNK, len(lines))):
            line, granted = lines[number], bool(decided.granted[number])
            detail = stored(line, decided, number)
            facts = None if args.traces else facts_of(detail)
            row = row_of(line, number, granted, decided.amount(number), facts)
            chunk.append((row, detail if args.traces else None))
        best = None
        for _ in range(repeat):
            gc.disable()
            began = time.perf_counter()
            if args.traces:
                made = [case_of(row, detail) for row, detail in chunk]
            else:
                made = [case_of(row) for row, _detail in chunk]
            spent = time.perf_counter() - began
            gc.enable()
            best = spent if best is None else min(best, spent)
        cases.extend(made)
        facts_time += best
        del chunk, made
    first_trace = stored(lines[0], decided, 0)  # the first line's, to explain it
    del decided
    gc.collect()

    # The rest of the replay (deciding again, the summary's loop), timed as often as the anchor,
    # the anchor again between (under the same memory as the replay), the best of each kept.
    engine_time = rest_time = None
    for turn in range(repeat):
        gc.disable()
        began = time.perf_counter()
        outcome = replay.replay(draft, cases, by_id)
        decided_again = time.perf_counter() - began
        by_county = defaultdict(lambda: [ZERO, ZERO])
        for case in cases:
            cell = by_county[case.county]
            cell[0] += case.before_amount
            cell[1] += case.after_amount
        spent = time.perf_counter() - began
        gc.enable()
        if rest_time is None or spent < rest_time:
            engine_time, rest_time = decided_again, spent
        if turn:
            anchor_time = min(anchor_time, timed_anchor()[1])
    replay_time = facts_time + rest_time

    after = sum((case.after_amount for case in cases), Decimal(0))
    before = sum((case.before_amount for case in cases), Decimal(0))
    changed = sum(case.changed for case in cases)
    ratio = replay_time / anchor_time
    print(f"anchor: the engine's batch under the draft: {anchor_time:.2f} s, "
          f"{len(lines) / anchor_time:,.0f} lines/s")  # fmt: skip
    source = "the stored traces" if args.traces else "the compact facts beside the traces"
    print(f"replay: {replay_time:.2f} s (facts read from {source} {facts_time:.2f} s, "
          f"decided again {engine_time:.2f} s), "
          f"{len(lines) / replay_time:,.0f} lines/s")  # fmt: skip
    print(f"ratio replay/anchor: {ratio:.2f} (goal within {GOAL:.0f}x: "
          f"{'met' if ratio <= GOAL else 'not met'})")  # fmt: skip
    print(f"before {before} yuan, after {after} yuan, difference {after - before}; "
          f"{changed:,} lines changed")  # fmt: skip
    explained = outcome.decision(cases[0], first_trace)  # a full decision with its trace, on demand
    agrees = after == anchor.total_amount and explained.amount == cases[0].after_amount
    print(f"agreement with the anchor's total: {'yes' if agrees else 'NO'}")
    return 0 if agrees else 1


if __name__ == "__main__":
    sys.exit(main())
