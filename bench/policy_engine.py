"""Benchmark: the batch training-subsidy engine against the same check as one DuckDB query.

    .venv/bin/python bench/policy_engine.py [--lines N] [--seed S]

Generates a deterministic synthetic year of claims (persons with earlier subsidies, training
lines), decides them with jineng.policy.batch on one core and prints lines/s. Then it loads the
same data into DuckDB (before timing) and runs the same rules (category and rate scope, the rate
selected by outcome, the per-person cap and the occupation+level uniqueness, lines applied in
order) as ONE SQL query, prints its time, the ratio engine/DuckDB, and checks that both agree on
the number of granted lines and the total amount. Exits 1 if they disagree.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from jineng.policy.batch import RATE_SCALE, decide_training_batch, training_constants  # noqa: E402
from jineng.policy.pack import PolicyPack, load_pack  # noqa: E402
from jineng.policy.records import PriorSubsidy, TrainingLine  # noqa: E402

PACK_FILE = ROOT / "policies" / "hebei-2024.toml"
OCCUPATIONS = [f"4-{group:02d}-{item:02d}-00" for group in range(1, 9) for item in range(1, 6)]
LEVELS = ["5", "4", "3", "2", "1"]
CATEGORY_SETS = [
    frozenset({"rural_migrant"}),
    frozenset({"graduate"}),
    frozenset({"registered_unemployed", "employment_difficulty"}),
    frozenset({"poverty_monitoring", "rural_migrant"}),
    frozenset({"school_leaver"}),
    frozenset({"enterprise_employee"}),  # eligible, but outside the outcome rates (004 §四(五))
    frozenset({"veteran"}),  # not eligible in Hebei 2024
    frozenset(),
]
CERTIFICATES = [None, "training_completion", "skill_level", "qualification", "special_ability"]
CERTIFICATE_WEIGHTS = [10, 25, 40, 10, 15]
STANDARDS = [Decimal(value) for value in ("800", "1000", "1200.50", "1500", "2000", "666.67")]
TRAINING_TYPES = ["employment_skills"] * 17 + ["job_skills_upgrade"] * 3


def generate(lines: int, seed: int) -> tuple[list[TrainingLine], dict[str, list[PriorSubsidy]]]:
    """A deterministic data set: about four lines per person, 0-3 earlier subsidies each."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    days = {offset: date(2024, 1, 1) + timedelta(days=offset) for offset in range(-1200, 700)}
    persons = [f"P{number:07d}" for number in range(max(1, lines // 4))]
    person_categories = {person: rng.choice(CATEGORY_SETS) for person in persons}
    histories = {}
    for person in persons:
        count = rng.choice((0, 0, 1, 1, 2, 3))
        if count:
            histories[person] = [
                PriorSubsidy(
                    claim_id=f"H{person[1:]}-{number}",
                    subsidy_type="training" if rng.random() < 0.9 else "evaluation",
                    occupation=rng.choice(OCCUPATIONS),
                    level=rng.choice(LEVELS),
                    decided_on=days[rng.randrange(-1100, -1)],
                    amount=Decimal("800.00"),
                )
                for number in range(count)
            ]
    result = []
    for number in range(lines):
        person = rng.choice(persons)
        end_offset = rng.randrange(90, 240) if rng.random() < 0.99 else rng.randrange(370, 500)
        employed_after = rng.randrange(0, 150) if rng.random() < 0.5 else None
        result.append(
            TrainingLine(
                claim_id=f"C{number:08d}",
                person_key=person,
                categories=person_categories[person],
                occupation=rng.choice(OCCUPATIONS),
                level=rng.choice(LEVELS),
                is_new_occupation=rng.random() < 0.1,
                training_type=rng.choice(TRAINING_TYPES),
                training_end=days[end_offset],
                certificate=rng.choices(CERTIFICATES, CERTIFICATE_WEIGHTS)[0],
                employment_start=None
                if employed_after is None
                else days[end_offset + employed_after],
                standard=rng.choice(STANDARDS),
            )
        )
    return result, histories


def run_engine(pack: PolicyPack, lines, histories) -> tuple[float, int, int]:
    training_constants(pack)  # compiled once per pack, outside the timing like a warm server
    gc.collect()  # start clean; the collector stays on during the run
    started = time.perf_counter()
    batch = decide_training_batch(pack, lines, histories)
    elapsed = time.perf_counter() - started
    return elapsed, batch.granted_count, batch.total_cents


def write_csv(folder: Path, lines, histories) -> tuple[Path, Path]:
    lines_csv, history_csv = folder / "lines.csv", folder / "history.csv"
    with lines_csv.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["idx", "person", "categories", "occupation", "level", "is_new_occupation"]
            + ["training_type", "training_end", "certificate", "employment_start"]
            + ["standard_cents"]
        )
        for index, line in enumerate(lines):
            writer.writerow(
                [
                    index,
                    line.person_key,
                    "|".join(sorted(line.categories)),
                    line.occupation,
                    line.level,
                    line.is_new_occupation,
                    line.training_type,
                    line.training_end.isoformat(),
                    line.certificate or "",
                    line.employment_start.isoformat() if line.employment_start else "",
                    int(line.standard * 100),
                ]
            )
    with history_csv.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person", "subsidy_type", "occupation", "level", "decided_on"])
        for person, priors in histories.items():
            for prior in priors:
                writer.writerow(
                    [person, prior.subsidy_type, prior.occupation, prior.level, prior.decided_on]
                )
    return lines_csv, history_csv


def load_duckdb(folder: Path, lines_csv: Path, history_csv: Path, threads: int):
    import duckdb

    connection = duckdb.connect(str(folder / "bench.duckdb"))
    connection.execute(f"SET threads = {int(threads)}")
    connection.execute(
        "CREATE TABLE lines AS SELECT idx, person, "
        "CASE WHEN categories IS NULL OR categories = '' THEN []::VARCHAR[] "
        "ELSE string_split(categories, '|') END AS categories, occupation, "
        "CAST(level AS VARCHAR) AS level, is_new_occupation, training_type, training_end, "
        "NULLIF(certificate, '') AS certificate, employment_start, standard_cents "
        "FROM read_csv(?, header = true, all_varchar = false, "
        "types = {'level': 'VARCHAR', 'certificate': 'VARCHAR', 'categories': 'VARCHAR'})",
        [str(lines_csv)],
    )
    connection.execute(
        "CREATE TABLE history AS SELECT * FROM read_csv(?, header = true, "
        "types = {'level': 'VARCHAR'})",
        [str(history_csv)],
    )
    return connection


def sql_list(values) -> str:
    return "[" + ", ".join(f"'{value}'" for value in sorted(values)) + "]"


def build_query(pack: PolicyPack) -> str:
    """The pack's training rules as one SQL query (lifetime cap, occupation+level uniqueness)."""
    c = training_constants(pack)
    supported = c.rates_stated and not c.per_year and c.by_level and not c.higher_blocks
    if not supported or c.count is None or c.eligible is None or c.rate_categories is None:
        raise SystemExit(f"the SQL twin covers only packs shaped like hebei-2024, not {pack.id}")
    employed, certificate, completion, standard = c.rate_points[1:]
    new_counts = "TRUE" if c.completion_counts_for_new else "FALSE"
    standard_stated = "TRUE" if c.standard_stated else "FALSE"
    standard_kinds = sql_list(c.standard_kinds) if c.standard_kinds else "[]::VARCHAR[]"
    in_scope = (
        f"(list_has_any(l.categories, {sql_list(c.rate_categories)}) "
        f"AND l.training_type IN (SELECT unnest({sql_list(c.rate_types)})))"
    )
    # Built from the pack's validated codes and numbers, never from user input.
    return f"""
WITH history_count AS (
    SELECT person, count(*) AS prior_count FROM history
    WHERE subsidy_type IN (SELECT unnest({sql_list(c.counted_types)}))
    GROUP BY person
),
history_keys AS (
    SELECT DISTINCT person, occupation, level FROM history WHERE subsidy_type = 'training'
),
judged AS (
    SELECT l.idx, l.person, l.occupation, l.level, l.standard_cents,
        CASE
            -- 004 §四(五) first paragraph: outside the tiers' scope, a certificate earns the
            -- standard rate (when the pack states one), whatever the employment
            WHEN NOT {in_scope} AND {standard_stated} THEN
                CASE WHEN l.certificate IN (SELECT unnest({standard_kinds})) THEN {standard} END
            WHEN l.employment_start IS NOT NULL AND l.employment_start >= l.training_end
                 AND l.employment_start <= l.training_end + INTERVAL {c.window_months} MONTH
                THEN {employed}
            WHEN l.certificate IN (SELECT unnest({sql_list(c.certificate_kinds)}))
                 OR (l.certificate = 'training_completion' AND l.is_new_occupation AND {new_counts})
                THEN {certificate}
            WHEN l.certificate = 'training_completion' THEN {completion}
            ELSE NULL
        END AS rate_points,
        l.training_end BETWEEN DATE '{c.effective_from}' AND DATE '{c.effective_to}'
            AND list_has_any(l.categories, {sql_list(c.eligible)})
            AND ({in_scope} OR {standard_stated}) AS line_ok,
        k.person IS NOT NULL AS subsidised_before,
        coalesce(h.prior_count, 0) AS prior_count
    FROM lines l
    LEFT JOIN history_count h ON h.person = l.person
    LEFT JOIN history_keys k
        ON k.person = l.person AND k.occupation = l.occupation AND k.level = l.level
),
candidates AS (
    SELECT *, row_number() OVER (PARTITION BY person, occupation, level ORDER BY idx) AS key_seq
    FROM judged WHERE line_ok AND rate_points IS NOT NULL AND NOT subsidised_before
),
first_of_key AS (
    SELECT *, row_number() OVER (PARTITION BY person ORDER BY idx) AS person_seq
    FROM candidates WHERE key_seq = 1
)
SELECT count(*) AS granted,
    coalesce(sum((standard_cents * rate_points + {RATE_SCALE // 2}) // {RATE_SCALE}), 0) AS cents
FROM first_of_key
WHERE prior_count + person_seq <= {c.count}
"""  # noqa: S608


def run_duckdb(connection, query: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    granted, cents = connection.execute(query).fetchone()
    return time.perf_counter() - started, int(granted), int(cents)


def yuan(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):,.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--duckdb-threads", type=int, default=1)
    args = parser.parse_args(argv)

    pack = load_pack(PACK_FILE)
    started = time.perf_counter()
    lines, histories = generate(args.lines, args.seed)
    priors = sum(len(items) for items in histories.values())
    print(
        f"data: {len(lines):,} lines, {args.lines // 4:,} persons, {priors:,} earlier subsidies "
        f"(generated in {time.perf_counter() - started:.1f} s); pack {pack.id} v{pack.version}"
    )

    engine_s, engine_granted, engine_cents = run_engine(pack, lines, histories)
    print(
        f"engine: {engine_s:.3f} s, {len(lines) / engine_s:,.0f} lines/s (one core); "
        f"granted {engine_granted:,} lines, {yuan(engine_cents)} yuan"
    )

    with tempfile.TemporaryDirectory(prefix="jineng-bench-") as folder:
        lines_csv, history_csv = write_csv(Path(folder), lines, histories)
        del lines, histories
        connection = load_duckdb(Path(folder), lines_csv, history_csv, args.duckdb_threads)
        query = build_query(pack)
        run_duckdb(connection, query)  # warm-up: DuckDB plans and caches on first run
        duck_s, duck_granted, duck_cents = run_duckdb(connection, query)
        connection.close()
    print(
        f"duckdb: {duck_s:.3f} s ({args.duckdb_threads} thread(s)), one SQL query; "
        f"granted {duck_granted:,} lines, {yuan(duck_cents)} yuan"
    )
    print(f"ratio engine/duckdb: {engine_s / duck_s:.2f} (time; above 1 means DuckDB is faster)")
    agree = (engine_granted, engine_cents) == (duck_granted, duck_cents)
    print(f"agreement: {'yes' if agree else 'NO'} (granted lines and total amount)")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
