"""Benchmark (issue 8): generating training subsidy claim lines for 100,000 completed trainees
against the histories of 1,000,000 earlier claim lines, and the same limit check as one DuckDB
query over the same data.

    .venv/bin/python bench/claims.py [--small | --smoke] [--trainees N] [--history M] [--seed S]
    DATABASE_URL=postgres://user@host/db .venv/bin/python bench/claims.py   # on PostgreSQL

Builds a scratch database (SQLite in a temporary directory; with DATABASE_URL naming a
PostgreSQL server, a new database on it, dropped afterwards): Hebei's pack (004 §四(五): 3 in a
lifetime, the same occupation and level never twice), persons, earlier claims with their lines
(some withdrawn, drafts, refused or rejected: they must not count), completed classes of 100
trainees with categories, certificates and employment. Then, class by class, it times the code
claims.services runs to make a claim's lines, without the writes: the facts (training_facts),
the history query (history.history_of), the engine's batch decision (training_batch) and the
full decisions with their rule traces (explain_training); and prints lines/s. A few classes are
then claimed through create_training_claim itself, writes included.

The same limit check (the count cap and the occupation+level uniqueness) is then run as ONE SQL
query in DuckDB over the same rows exported from the database (loaded before timing); the bench
prints its time, the ratio to the history query + batch decision, and checks that both find the
same lines over the cap and the same repeats. Exits 1 if they disagree.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLASS_SIZE = 100
CHUNK = 50_000  # rows generated and inserted at a time (bounded memory)
REGION = "130100"  # 石家庄市: Hebei's pack
CATEGORY_SETS = [
    ("rural_migrant",),
    ("graduate",),
    ("registered_unemployed", "employment_difficulty"),
    ("school_leaver",),
    ("poverty_monitoring", "rural_migrant"),
    ("enterprise_employee",),  # eligible, but outside the outcome rates
]


def environment(database_url: str | None) -> None:
    import base64
    import secrets

    for name in list(os.environ):
        if name.startswith(("JINENG_", "DJANGO_")) or name == "DATABASE_URL":
            del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="jineng.settings",
        JINENG_DATA_DIR=tempfile.mkdtemp(prefix="jineng-bench-claims-"),
        JINENG_SECRET_KEY=secrets.token_urlsafe(50),
        JINENG_DATA_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        JINENG_HTTPS="0",
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url


# --- the scratch data ------------------------------------------------------------------------


class World:
    """Ids of what the generated rows point at."""

    def __init__(self, rng: random.Random):
        self.rng = rng


def reference(world: World) -> None:
    """Catalogs, packs, Hebei's regions, bureau and institution, standards for 2024."""
    from decimal import Decimal

    from django.core.management import call_command

    from jineng.catalog import packs, reference
    from jineng.catalog import services as catalog
    from jineng.catalog.models import (
        FundChannel,
        Occupation,
        PersonCategory,
        SkillLevel,
        SubsidyStandard,
        TrainingType,
    )
    from jineng.core import services as core
    from jineng.core.roles import OrgKind
    from jineng.institutions.models import Institution

    call_command("migrate", interactive=False, verbosity=0)
    reference.load_basics()
    reference.load_occupations()
    packs.load_pack_directory()
    catalog.save_region(code="130000", name="河北省")
    catalog.save_region(code=REGION, name="石家庄市")
    world.region = catalog.region_by_code(REGION)
    province = core.create_organisation(
        kind=OrgKind.BUREAU, name="河北省人社厅", code="130000", parent=None, region_code="130000"
    )
    world.bureau = core.create_organisation(
        kind=OrgKind.BUREAU, name="石家庄市人社局", code=REGION, parent=province,
        region_code=REGION,
    )  # fmt: skip
    world.institution = Institution.objects.create(
        organisation=_institution_org(core, world.bureau), type="private_school",
        state="designated",
    )  # fmt: skip
    world.occupations = list(Occupation.objects.order_by("code")[:20])
    world.levels = list(SkillLevel.objects.filter(code__in=["5", "4", "3"]))
    world.keys = [(o, lv) for o in world.occupations for lv in world.levels]
    for occupation, level in world.keys:
        SubsidyStandard.objects.create(
            occupation=occupation, level=level, region=world.region, year=2024,
            amount=Decimal(world.rng.choice(["800", "1000", "1200.50", "1500", "2000"])),
        )  # fmt: skip
    world.categories = {c.code: c.pk for c in PersonCategory.objects.all()}
    world.training_type = TrainingType.objects.get(code="employment_skills")
    world.fund_channel = FundChannel.objects.order_by("code").first()


def _institution_org(core, bureau):
    from stdnum.cn import uscc

    from jineng.core.roles import OrgKind

    body = f"52{REGION}MJ0000901"
    return core.create_organisation(
        kind=OrgKind.INSTITUTION, name="石家庄市燕赵职业培训学校",
        code=body + uscc.calc_check_digit(body), parent=bureau, region_code=REGION,
    )  # fmt: skip


def insert_chunks(model, rows_of, total: int) -> None:
    """Insert `total` rows made by rows_of(start, stop), CHUNK at a time."""
    from django.db import transaction

    from jineng.core import bulk

    for start in range(0, total, CHUNK):
        with transaction.atomic():
            bulk.insert(model, rows_of(start, min(total, start + CHUNK)))


def persons(world: World, count: int) -> None:
    from django.utils import timezone

    from jineng.people.models import Person

    now = timezone.now()
    insert_chunks(
        Person,
        lambda start, stop: [
            {
                "name": f"学员{n}", "id_number_cipher": b"-", "id_number_hash": f"bench-{n}",
                "id_number_masked": "4114**********0000", "organisation_id": world.bureau.pk,
                "registered_at": now, "source": "bench",
            }
            for n in range(start, stop)
        ],
        count,
    )  # fmt: skip
    world.person_ids = list(Person.objects.order_by("id").values_list("id", flat=True))


def history(world: World, lines: int) -> None:
    """Earlier claims (100 lines each) of random persons: most submitted or paid, some
    withdrawn or drafts; lines mostly granted and approved or paid, some refused or rejected."""
    from django.db import transaction

    from jineng.catalog.models import DecisionRecord, PolicyPackVersion
    from jineng.claims.models import Claim, ClaimLine
    from jineng.core import bulk

    version = PolicyPackVersion.objects.get(pack_id="hebei-2024")
    record = DecisionRecord.objects.create(
        kind="training_subsidy", outcome="granted", pack=version, detail={"bench": True}
    )
    rng, claims = world.rng, max(1, lines // CLASS_SIZE)
    states = ["paid"] * 12 + ["submitted", "reviewed", "withdrawn", "draft", "rejected"]
    with transaction.atomic():
        bulk.insert(Claim, [
            {"number": f"H{n:08d}", "kind": "training", "state": rng.choice(states),
             "organisation_id": world.institution.organisation_id, "bureau_id": world.bureau.pk,
             "region_id": world.region.pk}
            for n in range(claims)
        ])  # fmt: skip
    claim_ids = list(Claim.objects.order_by("id").values_list("id", flat=True))
    first_day = date(2019, 1, 1).toordinal()
    line_states = ["paid"] * 8 + ["approved", "rejected"]

    def rows(start: int, stop: int) -> list[dict]:
        out = []
        for n in range(start, stop):
            occupation, level = rng.choice(world.keys)
            out.append({
                "claim_id": claim_ids[n // CLASS_SIZE % len(claim_ids)],
                "person_id": rng.choice(world.person_ids),
                "subsidy_type": "training" if rng.random() < 0.9 else "evaluation",
                "occupation_id": occupation.pk, "level_id": level.pk,
                "decided_on": date.fromordinal(first_day + rng.randrange(2000)),
                "decision_id": record.pk, "granted": rng.random() < 0.95,
                "amount": "800.00", "state": rng.choice(line_states),
            })  # fmt: skip
        return out

    insert_chunks(ClaimLine, rows, lines)


def classes(world: World, trainees: int) -> None:
    """Completed classes of CLASS_SIZE trainees (the first persons), with their categories,
    certificates and employment."""
    from django.utils import timezone

    from jineng.certificates.models import Certificate
    from jineng.people.models import CategoryRecord, EmploymentRecord
    from jineng.training.models import Enrollment, TrainingClass

    rng, now = world.rng, timezone.now()
    count = max(1, trainees // CLASS_SIZE)
    ends = [date(2024, 3, 1) + timedelta(days=rng.randrange(240)) for _ in range(count)]
    keys = [rng.choice(world.keys) for _ in range(count)]
    TrainingClass.objects.bulk_create(
        TrainingClass(
            institution=world.institution, code=f"B{n:06d}", name="培训班",
            occupation=keys[n][0], level=keys[n][1], training_type=world.training_type,
            fund_channel=world.fund_channel, start_date=ends[n] - timedelta(days=20),
            end_date=ends[n], venue="实训楼", capacity=CLASS_SIZE, state="completed",
        )
        for n in range(count)
    )  # fmt: skip
    world.classes = list(
        TrainingClass.objects.order_by("id").select_related(
            "institution__organisation", "occupation", "level", "training_type"
        )
    )
    trainee_ids = world.person_ids[: count * CLASS_SIZE]

    def enrolments(start, stop):
        return [
            {"training_class_id": world.classes[n // CLASS_SIZE].pk,
             "person_id": trainee_ids[n], "eligible": True, "enrolled_at": now,
             "state": "completed" if rng.random() < 0.97 else "not_completed",
             "reason": ""}
            for n in range(start, stop)
        ]  # fmt: skip

    def categories(start, stop):
        return [
            {"person_id": trainee_ids[n], "category_id": world.categories[code],
             "valid_from": date(2020, 1, 1)}
            for n in range(start, stop)
            for code in rng.choice(CATEGORY_SETS)
        ]  # fmt: skip

    def certificates(start, stop):
        out = []
        for n in range(start, stop):
            kind = rng.choices(["skill_level", "training_completion", None], [5, 2, 3])[0]
            if kind:
                training_class = world.classes[n // CLASS_SIZE]
                out.append({
                    "person_id": trainee_ids[n], "kind": kind, "number": f"BC{n:010d}",
                    "occupation_id": training_class.occupation_id,
                    "level_id": training_class.level_id,
                    "issued_on": training_class.end_date + timedelta(days=5),
                    "issued_here": False, "status": "valid", "created_at": now,
                })  # fmt: skip
        return out

    def employment(start, stop):
        out = []
        for n in range(start, stop):
            if rng.random() < 0.5:
                end = world.classes[n // CLASS_SIZE].end_date
                out.append({
                    "person_id": trainee_ids[n], "employer_uscc": "91130100MA0000000X",
                    "start": end + timedelta(days=rng.randrange(150)), "insured_months": 6,
                })  # fmt: skip
        return out

    total = len(trainee_ids)
    insert_chunks(Enrollment, enrolments, total)
    insert_chunks(CategoryRecord, categories, total)
    insert_chunks(Certificate, certificates, total)
    insert_chunks(EmploymentRecord, employment, total)


def analyse(connection) -> None:
    """Planner statistics, as a database in service has them (autovacuum, or SQLite's ANALYZE
    run by the operators): freshly bulk-loaded tables have none."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- the timed generation ----------------------------------------------------------------------


class Timings:
    def __init__(self) -> None:
        self.facts = self.history = self.batch = self.traces = 0.0
        self.lines = self.granted = self.cents = self.priors = 0
        self.over_cap = self.repeated = 0


def generate(world: World) -> Timings:
    """The lines of every class as create_training_claim makes them, without the writes: the
    facts of all the classes set-wise (training_facts_many: one query per kind of fact), the
    histories of all their trainees in one query, then each class's batch decision and traces."""
    from jineng.catalog.packs import pack_for
    from jineng.claims import services
    from jineng.claims.history import history_of
    from jineng.policy.batch import COUNT, UNIQUE

    timings = Timings()
    started = time.perf_counter()
    enrolled = services.claimable_enrollments_many(world.classes)
    items = [
        services.ClassFacts(training_class, "BENCH", world.region, enrolled[training_class.pk],
                            pack_for(REGION, training_class.end_date)[1])
        for training_class in world.classes
    ]  # fmt: skip
    every_fact = services.training_facts_many(items)
    fetched = time.perf_counter()
    every_history = history_of([fact.person_id for facts in every_fact for fact in facts])
    timings.facts = fetched - started
    timings.history = time.perf_counter() - fetched
    for item, facts in zip(items, every_fact, strict=True):
        started = time.perf_counter()
        histories = {fact.person_id: every_history.get(fact.person_id, []) for fact in facts}
        batch = services.training_batch(item.pack, facts, histories)
        decided = time.perf_counter()
        decisions = services.explain_training(batch, facts)
        explained = time.perf_counter()
        timings.batch += decided - started
        timings.traces += explained - decided
        timings.lines += len(decisions)
        timings.priors += sum(len(items) for items in histories.values())
        for index, decision in enumerate(decisions):
            timings.granted += decision.granted
            timings.cents += int(decision.amount * 100)
            timings.over_cap += bool(batch.failed[index] & COUNT)
            timings.repeated += bool(batch.failed[index] & UNIQUE)
    return timings


def with_writes(world: World, count: int) -> tuple[int, float]:
    """Lines/s of create_training_claim itself (decision records, lines, audit entries)."""
    from jineng.claims import services
    from jineng.core import audit

    started, lines = time.perf_counter(), 0
    with audit.system_context("bench:claims"):
        for training_class in world.classes[-count:]:
            lines += services.create_training_claim(training_class).lines.count()
    return lines, time.perf_counter() - started


# --- the same limit check in DuckDB -------------------------------------------------------------


def export(folder: Path) -> tuple[Path, Path]:
    """The earlier lines (with their claim's state) and the new lines, as CSV."""
    from django.db import connection

    history_csv, lines_csv = folder / "history.csv", folder / "lines.csv"
    queries = {
        history_csv: (
            "SELECT l.person_id, c.state, l.state, l.granted, l.subsidy_type, o.code, v.code "
            "FROM claims_claimline l JOIN claims_claim c ON c.id = l.claim_id "
            "JOIN catalog_occupation o ON o.id = l.occupation_id "
            "JOIN catalog_skilllevel v ON v.id = l.level_id WHERE c.number LIKE 'H%%'",
            ["person_id", "claim_state", "line_state", "granted", "subsidy_type",
             "occupation", "level"],
        ),
        lines_csv: (
            "SELECT e.person_id, o.code, v.code FROM training_enrollment e "
            "JOIN training_trainingclass t ON t.id = e.training_class_id "
            "JOIN catalog_occupation o ON o.id = t.occupation_id "
            "JOIN catalog_skilllevel v ON v.id = t.level_id",
            ["person_id", "occupation", "level"],
        ),
    }  # fmt: skip
    for path, (sql, header) in queries.items():
        with path.open("w", newline="") as handle, connection.cursor() as cursor:
            writer = csv.writer(handle)
            writer.writerow(header)
            cursor.execute(sql)
            while rows := cursor.fetchmany(20_000):
                writer.writerows((*row[:3], int(bool(row[3])), *row[4:]) if len(row) > 3
                                 else row for row in rows)  # fmt: skip
    return history_csv, lines_csv


def duckdb_check(folder: Path, history_csv: Path, lines_csv: Path, threads: int):
    """(seconds, lines over the cap, repeated lines) of one SQL query, data loaded before."""
    import duckdb

    from jineng.catalog.packs import pack_for
    from jineng.claims.history import NOT_COUNTING_CLAIM_STATES
    from jineng.claims.models import COUNTING_LINE_STATES
    from jineng.policy.batch import training_constants

    _version, pack = pack_for(REGION, date(2024, 6, 1))
    limits = training_constants(pack)
    if limits.per_year or not limits.by_level or limits.count is None:
        raise SystemExit("the SQL twin covers a lifetime cap and occupation+level uniqueness")
    db = duckdb.connect(str(folder / "bench.duckdb"))
    db.execute(f"SET threads = {int(threads)}")
    for table, path in (("history", history_csv), ("lines", lines_csv)):
        db.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, "  # noqa: S608
            "types = {'level': 'VARCHAR', 'occupation': 'VARCHAR'})",
            [str(path)],
        )
    query = limit_query(limits, COUNTING_LINE_STATES, NOT_COUNTING_CLAIM_STATES)
    db.execute(query).fetchone()  # warm-up: DuckDB plans and caches on the first run
    started = time.perf_counter()
    over_cap, repeated = db.execute(query).fetchone()
    seconds = time.perf_counter() - started
    db.close()
    return seconds, int(over_cap), int(repeated)


def sql_list(values) -> str:
    return "(" + ", ".join(f"'{value}'" for value in sorted(values)) + ")"


def limit_query(limits, line_states, claim_states) -> str:
    """history_of's filters, the count cap and the occupation+level uniqueness as one query
    (built from the pack's codes and the model's states, never from input)."""
    return f"""
WITH counted AS (
    SELECT person_id, subsidy_type, occupation, level FROM history
    WHERE granted = 1 AND line_state IN {sql_list(line_states)}
      AND claim_state NOT IN {sql_list(claim_states)}
),
per_person AS (
    SELECT person_id, count(*) AS n FROM counted
    WHERE subsidy_type IN {sql_list(limits.counted_types)} GROUP BY person_id
),
keys AS (
    SELECT DISTINCT person_id, occupation, level FROM counted WHERE subsidy_type = 'training'
)
SELECT count(*) FILTER (WHERE coalesce(p.n, 0) >= {limits.count}) AS over_cap,
       count(k.person_id) AS repeated
FROM lines l
LEFT JOIN per_person p ON p.person_id = l.person_id
LEFT JOIN keys k ON k.person_id = l.person_id AND k.occupation = l.occupation
    AND k.level = l.level
"""  # noqa: S608


# --- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, help="default: trainees + history / 2")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--claims-with-writes", type=int, default=5, help="classes")
    parser.add_argument("--duckdb-threads", type=int, default=1)
    parser.add_argument("--small", action="store_true", help="2,000 trainees, 20,000 lines")
    parser.add_argument("--smoke", action="store_true", help="200 trainees, 2,000 lines")
    args = parser.parse_args(argv)
    if args.small:
        args.trainees, args.history = 2_000, 20_000
    if args.smoke:
        args.trainees, args.history, args.claims_with_writes = 200, 2_000, 2
    args.persons = args.persons or args.trainees + args.history // 2

    sys.path.insert(0, str(ROOT / "src"))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        sys.path.insert(0, str(ROOT))
        from tests.live import scratch_postgres

        with scratch_postgres(url) as scratch:
            return run(args, scratch)
    return run(args, None)


def run(args, database_url: str | None) -> int:
    environment(database_url)
    import django

    django.setup()
    from django.db import connection

    from jineng.core import audit

    world = World(random.Random(args.seed))  # noqa: S311 (synthetic data)
    started = time.perf_counter()
    with audit.system_context("bench:claims"):
        reference(world)
        persons(world, args.persons)
        history(world, args.history)
        classes(world, args.trainees)
    analyse(connection)
    print(
        f"database: {connection.vendor}; built in {time.perf_counter() - started:.0f} s: "
        f"{args.persons:,} persons, {args.history:,} earlier lines, "
        f"{len(world.classes):,} completed classes of {CLASS_SIZE}"
    )
    timings = generate(world)
    report(timings)
    lines, seconds = with_writes(world, args.claims_with_writes)
    print(f"create_training_claim (writes included): {lines:,} lines in {seconds:.2f} s, "
          f"{lines / seconds:,.0f} lines/s")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="jineng-bench-duck-") as folder:
        history_csv, lines_csv = export(Path(folder))
        connection.close()
        duck_s, over_cap, repeated = duckdb_check(
            Path(folder), history_csv, lines_csv, args.duckdb_threads
        )
    return compare(timings, duck_s, over_cap, repeated, args.duckdb_threads)


def report(t: Timings) -> None:
    total = t.facts + t.history + t.batch + t.traces
    print(f"lines: {t.lines:,}, granted {t.granted:,}, {t.cents / 100:,.2f} yuan; "
          f"earlier subsidies read: {t.priors:,}")  # fmt: skip
    print(f"  facts (enrolments, categories, certificates, employment, standard): {t.facts:.2f} s")
    print(f"  history query (history_of):             {t.history:.2f} s")
    print(f"  decisions (engine batch, limits included): {t.batch:.2f} s")
    print(f"  rule traces (full decisions):           {t.traces:.2f} s")
    print(f"generation: {total:.2f} s, {t.lines / total:,.0f} lines/s (one core); "
          f"without the traces {t.lines / (total - t.traces):,.0f} lines/s")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


def compare(t: Timings, duck_s: float, over_cap: int, repeated: int, threads: int) -> int:
    checked = t.history + t.batch
    print(f"duckdb: {duck_s:.3f} s ({threads} thread(s)), one SQL query: {over_cap:,} lines over "
          f"the cap, {repeated:,} repeats of an occupation and level")  # fmt: skip
    print(f"engine: {t.over_cap:,} over the cap, {t.repeated:,} repeats")
    print(f"ratio (history query + batch decision) / duckdb: {checked / duck_s:.1f}; "
          f"whole generation / duckdb: {(checked + t.facts + t.traces) / duck_s:.1f} "
          "(time; above 1 means DuckDB is faster)")  # fmt: skip
    agree = (t.over_cap, t.repeated) == (over_cap, repeated)
    print(f"agreement: {'yes' if agree else 'NO'} (lines over the cap and repeats)")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
