"""Benchmark (issue 16, "Scale"): the statistics on a province-sized PostgreSQL database, against
the same figures computed by DuckDB over the same rows exported to Parquet.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/stats.py
        [--people N] [--enrolments N] [--certificates N] [--years N] [--cities N]
        [--counties N] [--institutions N] [--samples N] [--database NAME] [--keep | --drop]
    .venv/bin/python bench/stats.py --smoke          # tiny sizes, SQLite (or DATABASE_URL), seconds

The data set (defaults: the issue's): 5,000,000 people registered by 160 county bureaus under 18
city bureaus of one province (synthetic GB/T 2260 codes 41CC00 / 41CCNN, built through the
project's services: regions, bureaus, institutions, industry departments, reviewers), person
categories (some ending within the period), and over 3 years 1,000,000 enrolments a year in
subsidised classes (some funded by a department, a few history classes that do not count,
withdrawals and failures), 1,000,000 certificates a year (most after a class, issued per class
on one day; the others at the evaluation sessions of each county; some revoked, some 培训合格证,
some from before the period so that "first ever" matters) and employment (insurance) records
of trainees. Rows go in with COPY on PostgreSQL (core.bulk on SQLite); the build time and the
database size are printed.

On PostgreSQL the data set lives in its own database (--database, default jineng_bench_stats on
the server of DATABASE_URL): kept after the run with --keep and reused by the next run when its
sizes match; dropped with --drop (alone: just drop it). Without --keep a new database is built
and dropped afterwards.

Timed, after the rows are exported to Parquet (not timed):
1. the rollup rebuild: stats.rollup.rebuild over the whole period, against DuckDB computing the
   same rollups (the same measures grouped by day, organisation, department, institution,
   occupation, with the category rows; each indicator's numerator and denominator grouped by
   class end day, organisation, department and institution) from the raw rows. Goal: within
   2x DuckDB.
2. the dashboard's reads (stats.selectors.measure_totals by nothing/county/city/department/
   month, and stats.selectors.indicators), for a province, a city and a county reviewer, over a
   mix of periods, measures and narrowings: p50/p95, and the same figure computed by DuckDB from
   the raw rows. Goal: p95 < 200 ms.
Every figure read is compared with DuckDB's (the indicators read from the project's indicator
rollup against DuckDB counting the raw rows), the rollups' row counts and sums per measure
and per indicator with DuckDB's rollups, and both rollups with DuckDB's row for row (every
column, EXCEPT ALL both ways): the bench exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import benchdb
from benchdb import Loader, analyse, database_size, first_id

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = "410000"
DEFAULT_DATABASE = "jineng_bench_stats"
GOAL_P95_MS = 200
GOAL_ROLLUP_RATIO = 2.0
SKILL = ("qualification", "skill_level", "special_ability")
TYPES = [  # (training type, weight)
    ("employment_skills", 5), ("job_skills_upgrade", 3), ("entrepreneurship", 1),
    ("special_ability", 1),
]  # fmt: skip
LEVELS = [("5", 4), ("4", 3), ("3", 2), ("2", 1)]
CATEGORY_SETS = [
    (), ("rural_migrant",), ("rural_migrant",), ("graduate",), ("registered_unemployed",),
    ("registered_unemployed", "employment_difficulty"), ("enterprise_employee",),
    ("poverty_monitoring", "rural_migrant"), ("veteran",), ("flexible",), (), (),
]  # fmt: skip
SMOKE = {
    "people": 3000, "enrolments": 1200, "certificates": 1200, "years": 3, "cities": 3,
    "counties": 6, "institutions": 12, "departments": 1, "class_size": 20, "samples": 12,
}  # fmt: skip


# --- loading rows ------------------------------------------------------------------------------


# --- the data set ------------------------------------------------------------------------------


class World:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)  # noqa: S311 (synthetic data)
        last = date.today().year - 1
        self.years = list(range(last - args.years + 1, last + 1))


def city_codes(n: int) -> list[str]:
    return [f"41{i + 1:02d}00" for i in range(n)]


def organisations(world: World) -> None:
    """Regions, the bureau tree, departments and institutions through the project's services;
    the reviewers whose scopes the dashboard is read with."""
    import secrets

    from django.core.management import call_command
    from stdnum.cn import uscc

    from jineng.catalog import reference
    from jineng.catalog import services as catalog
    from jineng.core import services as core
    from jineng.core.roles import OrgKind, Role
    from jineng.institutions.models import Institution

    args, rng = world.args, world.rng
    call_command("migrate", interactive=False, verbosity=0)
    reference.load_basics()
    reference.load_occupations()
    cities = city_codes(args.cities)
    counties = {c: [] for c in cities}
    for n in range(args.counties):
        city = cities[n % len(cities)]
        counties[city].append(f"{city[:4]}{len(counties[city]) + 1:02d}")
    items = [{"code": PROVINCE, "name": "河南省"}]
    for i, city in enumerate(cities):
        items.append({"code": city, "name": f"第{i + 1}市"})
        items += [
            {"code": c, "name": f"第{i + 1}市第{j + 1}县"} for j, c in enumerate(counties[city])
        ]
    for outcome in catalog.save_regions(items):
        if not isinstance(outcome, str):
            raise outcome
    province = core.create_organisation(
        kind=OrgKind.BUREAU,
        name="河南省人力资源和社会保障厅",
        code=PROVINCE,
        parent=None,
        region_code=PROVINCE,
    )
    world.county_bureaus, world.city_bureaus, world.departments = [], [], []
    places = []  # (bureau, code) an institution may hang under
    for city in cities:
        bureau = core.create_organisation(kind=OrgKind.BUREAU, name=f"{city}人社局", code=city,
                                          parent=province, region_code=city)  # fmt: skip
        world.city_bureaus.append(bureau)
        places.append((bureau, city))
        for code in counties[city]:
            county = core.create_organisation(
                kind=OrgKind.BUREAU,
                name=f"{code}人社局",
                code=code,
                parent=bureau,
                region_code=code,
            )
            world.county_bureaus.append(county)
            places += [(county, code)] * 3  # most institutions are in the counties
        for d in range(args.departments):
            world.departments.append(core.create_organisation(
                kind=OrgKind.DEPARTMENT, name=f"{city}行业部门{d + 1}",
                code=f"DEPT-{city}-{d + 1:02d}", parent=bureau, region_code=city,
            ))  # fmt: skip
    kinds = ["private_school", "technical_school", "public_centre", "enterprise"]
    for n in range(args.institutions):
        parent, code = places[n % len(places)]
        body = f"52{code}MJ{n:07d}"
        org = core.create_organisation(kind=OrgKind.INSTITUTION, name=f"{code}职业培训学校{n}",
                                       code=body + uscc.calc_check_digit(body), parent=parent,
                                       region_code=code)  # fmt: skip
        Institution.objects.create(organisation=org, type=rng.choice(kinds), state="designated")
    password = secrets.token_urlsafe(16) + "Aa1!"
    readers = {"province": province, "city": world.city_bureaus[0],
               "county": world.county_bureaus[0]}  # fmt: skip
    for name, org in readers.items():
        core.create_user(username=f"bench-{name}", password=password, organisation=org,
                         roles=[Role.REVIEWER])  # fmt: skip


def facts(world: World) -> dict[str, int]:
    """People, categories, classes, enrolments, certificates and employment, loaded in bulk."""
    from jineng.catalog.models import FundChannel, Occupation, PersonCategory, SkillLevel
    from jineng.catalog.models import TrainingType as TrainingTypeModel
    from jineng.certificates.models import Certificate
    from jineng.core.models import Organisation
    from jineng.core.roles import OrgKind
    from jineng.core.scope import refresh_path_copies
    from jineng.institutions.models import Institution
    from jineng.people.models import CategoryRecord, EmploymentRecord, Person
    from jineng.training.models import Enrollment, TrainingClass

    args, rng = world.args, world.rng
    now = datetime(world.years[0] - 1, 12, 1, 2, tzinfo=UTC)
    counties = list(Organisation.objects.filter(kind=OrgKind.BUREAU).exclude(
        region_code__endswith="00").values_list("id", flat=True))  # fmt: skip
    people = Loader(Person, ["name", "id_number_cipher", "id_number_hash", "id_number_masked",
                             "organisation_id", "registered_at", "source"])  # fmt: skip
    cipher = b"-"
    counts = {"people": people.load(
        (f"学员{n}", cipher, f"bench-stats-{n}", "4101**********0000",
         counties[(n * 7919) % len(counties)], now, "bench")
        for n in range(args.people)
    )}  # fmt: skip
    p0 = first_id(Person, args.people)

    categories = {c: pk for c, pk in PersonCategory.objects.values_list("code", "id")}
    start_year = world.years[0]

    def category_rows():
        for n in range(args.people):
            chosen = CATEGORY_SETS[(n * 31 + n // 7) % len(CATEGORY_SETS)]
            for i, code in enumerate(chosen):
                # Some categories end inside the period (a graduate's year, a job found).
                ends = date(start_year + n % 3, 6, 30) if (n + i) % 5 == 0 else None
                yield (p0 + n, categories[code], date(start_year - 2, 1, 1), ends)

    counts["categories"] = Loader(
        CategoryRecord, ["person_id", "category_id", "valid_from", "valid_to"]
    ).load(category_rows())

    occupations = list(Occupation.objects.order_by("code").values_list("id", flat=True)[:60])
    levels = {code: pk for code, pk in SkillLevel.objects.values_list("code", "id")}
    types = {code: pk for code, pk in TrainingTypeModel.objects.values_list("code", "id")}
    channels = list(FundChannel.objects.values_list("id", flat=True))
    institutions = list(Institution.objects.values_list("id", "organisation__path"))
    departments = [d.pk for d in world.departments]
    size = args.class_size
    plan = []  # (code, institution, occupation, level, type, channel, dept, start, end, history)
    for year in world.years:
        for _ in range(max(1, args.enrolments // size)):
            end = date(year, 1, 10) + timedelta(days=rng.randrange(350))
            history = rng.random() < 0.03
            plan.append((
                f"S{len(plan):08d}", rng.choice(institutions)[0], rng.choice(occupations),
                levels[rng.choices([c for c, _ in LEVELS], [w for _, w in LEVELS])[0]],
                types[rng.choices([c for c, _ in TYPES], [w for _, w in TYPES])[0]],
                None if history else rng.choice(channels),
                rng.choice(departments) if departments and rng.random() < 0.2 else None,
                end - timedelta(days=rng.randrange(5, 40)), end, history,
            ))  # fmt: skip
    counts["classes"] = Loader(TrainingClass, [
        "code", "institution_id", "occupation_id", "level_id", "training_type_id",
        "fund_channel_id", "funding_department_id", "start_date", "end_date", "source",
        "history_subsidised", "name", "venue", "capacity", "state",
    ]).load(
        (*row[:9], "history" if row[9] else "platform", False if row[9] else None, "培训班",
         "实训楼", size, "completed")
        for row in plan
    )  # fmt: skip
    c0 = first_id(TrainingClass, len(plan))

    enrolled, certified = [], []  # rows, made in one pass
    employment = []
    per_class_cert = args.certificates * 0.8 / max(1, args.enrolments * 0.9)
    person_of = 0
    for index, (_code, _inst, occupation, level, _type, _ch, _d, start, end, _h) in enumerate(plan):
        class_id = c0 + index
        certificate_day = end + timedelta(days=rng.randrange(5, 40))
        base = rng.randrange(args.people)
        step = 1 + rng.randrange(args.people - 1)
        while math.gcd(step, args.people) != 1:  # distinct people in a class
            step += 1
        for k in range(size):
            person = p0 + (base + k * step) % args.people
            roll = rng.random()
            state = "completed" if roll < 0.9 else "not_completed" if roll < 0.95 else "withdrawn"
            day = start - timedelta(days=rng.randrange(0, 4))
            at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)  # 10:00 in Shanghai
            enrolled.append((class_id, person, state, True, at, ""))
            if state == "completed" and rng.random() < per_class_cert:
                kind = "training_completion" if rng.random() < 0.05 else "skill_level"
                status = "revoked" if rng.random() < 0.03 else "valid"
                certified.append((person, kind, occupation, level, certificate_day, class_id,
                                  status, False))  # fmt: skip
            if state == "completed" and rng.random() < 0.6:
                offset = rng.randrange(-300, 200)
                began = end + timedelta(days=offset)
                ended = (
                    began + timedelta(days=rng.randrange(30, 400)) if rng.random() < 0.4 else None
                )
                person_of += 1
                employment.append((person, f"9141{person_of:014d}", began, ended, 6))
    del plan
    counts["enrolments"] = Loader(Enrollment, ["training_class_id", "person_id", "state",
                                               "eligible", "enrolled_at", "reason"]).load(
        iter(enrolled))  # fmt: skip
    del enrolled
    # Certificates without a class: the evaluation sessions of each county (10th and 25th of
    # the month), and some issued in the years before the period.
    sessions = [date(y, m, d) for y in [world.years[0] - 2, world.years[0] - 1, *world.years]
                for m in range(1, 13) for d in (10, 25)]  # fmt: skip
    others = int(args.certificates * args.years * 0.2) + args.certificates // 10
    for n in range(others):
        person = p0 + rng.randrange(args.people)
        kind = rng.choice(SKILL + ("training_completion",))
        level = None if kind == "special_ability" else levels[rng.choice("5432")]
        day = sessions[rng.randrange(len(sessions))] if n % 3 else sessions[rng.randrange(48)]
        certified.append((person, kind, rng.choice(occupations), level, day, None,
                          "revoked" if rng.random() < 0.03 else "valid", False))  # fmt: skip
    counts["certificates"] = Loader(Certificate, [
        "person_id", "kind", "occupation_id", "level_id", "issued_on", "training_class_id",
        "status", "issued_here", "number",
    ]).load((*row, f"BS{n:010d}") for n, row in enumerate(certified))  # fmt: skip
    del certified
    refresh_path_copies(Certificate.objects.all())  # the paths its scope reads (COPY skips save)
    counts["employment"] = Loader(
        EmploymentRecord, ["person_id", "employer_uscc", "start", "end", "insured_months"]
    ).load(iter(employment))
    return counts


# --- the export to Parquet and DuckDB's figures ------------------------------------------------

EXPORTS = {
    "orgs": (
        "SELECT id, kind, path, region_code, depth FROM core_organisation",
        {"id": "BIGINT", "kind": "VARCHAR", "path": "VARCHAR", "region_code": "VARCHAR",
         "depth": "INTEGER"},
    ),
    "persons": (
        "SELECT id, organisation_id FROM people_person",
        {"id": "BIGINT", "organisation_id": "BIGINT"},
    ),
    "classes": (
        "SELECT c.id, i.organisation_id, c.funding_department_id, c.occupation_id, "
        "CASE WHEN l.is_high_skill THEN 1 ELSE 0 END, t.code, "
        "CASE WHEN c.fund_channel_id IS NOT NULL OR c.history_subsidised THEN 1 ELSE 0 END, "
        "c.end_date FROM training_trainingclass c "
        "JOIN institutions_institution i ON i.id = c.institution_id "
        "JOIN catalog_skilllevel l ON l.id = c.level_id "
        "JOIN catalog_trainingtype t ON t.id = c.training_type_id",
        {"id": "BIGINT", "inst_id": "BIGINT", "dept_id": "BIGINT", "occ_id": "BIGINT",
         "high": "INTEGER", "type": "VARCHAR", "subsidised": "INTEGER", "end_date": "DATE"},
    ),
    "enrolments": (
        "SELECT id, training_class_id, person_id, state, enrolled_at FROM training_enrollment",
        {"id": "BIGINT", "class_id": "BIGINT", "person_id": "BIGINT", "state": "VARCHAR",
         "enrolled_at": "VARCHAR"},
    ),
    "certs": (
        "SELECT c.id, c.person_id, c.kind, c.status, "
        "CASE WHEN l.is_high_skill THEN 1 ELSE 0 END, c.issued_on, c.training_class_id, "
        "c.occupation_id FROM certificates_certificate c "
        "LEFT JOIN catalog_skilllevel l ON l.id = c.level_id",
        {"id": "BIGINT", "person_id": "BIGINT", "kind": "VARCHAR", "status": "VARCHAR",
         "high": "INTEGER", "issued_on": "DATE", "class_id": "BIGINT", "occ_id": "BIGINT"},
    ),
    "categories": (
        "SELECT r.person_id, k.code, r.valid_from, r.valid_to FROM people_categoryrecord r "
        "JOIN catalog_personcategory k ON k.id = r.category_id",
        {"person_id": "BIGINT", "code": "VARCHAR", "valid_from": "DATE", "valid_to": "DATE"},
    ),
    "employment": (
        'SELECT person_id, start, "end" FROM people_employmentrecord',
        {"person_id": "BIGINT", "start": "DATE", "end": "DATE"},
    ),
}  # fmt: skip


def export(folder: Path, duck, tables: dict = EXPORTS) -> float:
    """Each table as CSV (COPY TO STDOUT on PostgreSQL), then Parquet by DuckDB."""
    from django.db import connection

    started = time.perf_counter()
    for name, (sql, columns) in tables.items():
        path = folder / f"{name}.csv"
        with path.open("wb") as handle:
            if connection.vendor == "postgresql":
                connection.ensure_connection()
                with (
                    connection.connection.cursor() as cursor,
                    cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER false)") as copy,
                ):
                    for block in copy:
                        handle.write(block)
            else:
                with connection.cursor() as cursor:
                    cursor.execute(sql)
                    text = csv.writer(_Text(handle))
                    while rows := cursor.fetchmany(20_000):
                        text.writerows(rows)
        parquet = folder / f"{name}.parquet"
        duck.execute(
            f"COPY (SELECT * FROM read_csv(?, header = false, columns = {_struct(columns)}, "
            f"nullstr = '')) TO '{parquet}' (FORMAT parquet)",
            [str(path)],
        )
        path.unlink()
        duck.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{parquet}')")
    return time.perf_counter() - started


class _Text:
    def __init__(self, handle):
        self.handle = handle

    def write(self, text: str) -> None:
        self.handle.write(text.encode())


def _struct(columns: dict) -> str:
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"


DUCK_VIEWS = """
CREATE VIEW org_region AS
WITH anc AS (
    SELECT o.path, b.region_code AS code, b.depth FROM orgs o
    JOIN orgs b ON b.kind = 'bureau' AND coalesce(b.region_code, '') <> ''
        AND starts_with(o.path, b.path)
)
SELECT path, county, coalesce(city0, substr(county, 1, 4) || '00') AS city FROM (
    SELECT path,
        coalesce(arg_max(code, depth) FILTER (WHERE NOT ends_with(code, '00')),
                 arg_max(code, depth)) AS county,
        arg_max(code, depth) FILTER (WHERE ends_with(code, '00')
                                     AND NOT ends_with(code, '0000')) AS city0
    FROM anc GROUP BY path
);
CREATE VIEW cls AS
SELECT c.*, o.path AS org_path, coalesce(d.path, '') AS dept_path FROM classes c
JOIN orgs o ON o.id = c.inst_id LEFT JOIN orgs d ON d.id = c.dept_id;
CREATE VIEW enr AS
SELECT e.id, e.person_id, e.state, e.class_id,
    CAST(CAST(substr(e.enrolled_at, 1, 19) AS TIMESTAMP) + INTERVAL 8 HOUR AS DATE) AS day
FROM enrolments e;
CREATE VIEW f_training AS
SELECT e.id, e.person_id, c.end_date AS day, c.org_path, c.dept_path, c.dept_id,
    c.inst_id, c.occ_id FROM enr e JOIN cls c ON c.id = e.class_id
WHERE c.subsidised = 1 AND e.state = 'completed';
CREATE VIEW "f_training@enrolment" AS
SELECT e.id, e.person_id, e.day, c.org_path, c.dept_path, c.dept_id, c.inst_id, c.occ_id
FROM enr e JOIN cls c ON c.id = e.class_id WHERE c.subsidised = 1 AND e.state <> 'withdrawn';
CREATE VIEW skill AS SELECT * FROM certs WHERE status = 'valid' AND kind IN {skill};
CREATE VIEW cert_facts AS
SELECT s.*, s.issued_on AS day, coalesce(c.org_path, po.path) AS org_path,
    coalesce(c.dept_path, '') AS dept_path, c.dept_id, c.inst_id, s.occ_id AS occ
FROM skill s LEFT JOIN cls c ON c.id = s.class_id
JOIN persons p ON p.id = s.person_id JOIN orgs po ON po.id = p.organisation_id;
CREATE VIEW f_new_skilled AS
SELECT id, person_id, day, org_path, dept_path, dept_id, inst_id, occ AS occ_id FROM (
    SELECT *, row_number() OVER (PARTITION BY person_id ORDER BY issued_on, id) AS rn
    FROM cert_facts) WHERE rn = 1;
CREATE VIEW f_new_high_skilled AS
SELECT id, person_id, day, org_path, dept_path, dept_id, inst_id, occ AS occ_id FROM (
    SELECT *, row_number() OVER (PARTITION BY person_id ORDER BY issued_on, id) AS rn
    FROM cert_facts WHERE high = 1) WHERE rn = 1;
CREATE VIEW f_certified AS
SELECT id, person_id, day, org_path, dept_path, dept_id, inst_id, occ AS occ_id
FROM cert_facts WHERE class_id IS NOT NULL;
CREATE VIEW f_certified_high AS
SELECT id, person_id, day, org_path, dept_path, dept_id, inst_id, occ AS occ_id
FROM cert_facts WHERE class_id IS NOT NULL AND high = 1;
"""

DIMS = "day, org_path, dept_path, dept_id, inst_id, occ_id"
VALID_ON_DAY = "k.person_id = f.person_id AND k.valid_from <= f.day " \
    "AND (k.valid_to IS NULL OR k.valid_to >= f.day)"  # fmt: skip


def duck_rollup_sql(measures, first: date, last: date) -> str:
    """The rollup of stats.rollup over first..last as one DuckDB statement over the raw rows."""
    parts = []
    for m in measures:
        f = f"(SELECT * FROM \"f_{m}\" WHERE day BETWEEN DATE '{first}' AND DATE '{last}')"
        parts.append(f"SELECT '{m}' AS measure, {DIMS}, '' AS category, count(*) AS value "
                     f"FROM {f} GROUP BY ALL")  # fmt: skip
        parts.append(f"SELECT '{m}', {DIMS}, k.code, count(DISTINCT f.id) FROM {f} f "
                     f"JOIN categories k ON {VALID_ON_DAY} GROUP BY ALL")  # fmt: skip
        parts.append(f"SELECT '{m}', {DIMS}, '-', count(*) FROM {f} f WHERE NOT EXISTS "
                     f"(SELECT 1 FROM categories k WHERE {VALID_ON_DAY}) GROUP BY ALL")  # fmt: skip
    union = "\nUNION ALL\n".join(parts)
    return (
        "CREATE OR REPLACE TABLE rollup AS SELECT u.*, r.county, r.city FROM (\n"
        f"{union}\n) u JOIN org_region r ON r.path = u.org_path"
    )


def rollup_summary_duck(duck) -> dict:
    rows = duck.execute(
        "SELECT measure, CASE category WHEN '' THEN 'main' WHEN '-' THEN 'none' ELSE 'cat' END, "
        "count(*), sum(value) FROM rollup GROUP BY ALL"
    ).fetchall()
    return {(m, k): (int(n), int(v)) for m, k, n, v in rows}


def rollup_summary_project() -> dict:
    from django.db.models import Case, CharField, Count, Sum, Value, When

    from jineng.stats.models import DailyCount

    kind = Case(When(category="", then=Value("main")), When(category="-", then=Value("none")),
                default=Value("cat"), output_field=CharField())  # fmt: skip
    rows = (DailyCount.objects.annotate(kind=kind).values("measure", "kind")
            .annotate(n=Count("id"), v=Sum("value")).order_by())  # fmt: skip
    return {(r["measure"], r["kind"]): (r["n"], r["v"]) for r in rows}


# The indicator rollup (stats.rollup: IndicatorCount) from the raw rows: each enrolment not
# withdrawn of a class that ended in the rebuild's indicator ranges, grouped once by class end day
# and dimensions with every indicator's numerator and denominator, then one row per indicator
# where its denominator is not empty.
INDICATOR_ROLLUP_SQL = """
CREATE OR REPLACE TABLE ind_grouped AS
SELECT c.end_date AS day, c.org_path, c.dept_path, c.dept_id, c.inst_id,
    count(*) FILTER (WHERE done AND type = 'employment_skills') AS placement_d,
    count(*) FILTER (WHERE done AND type = 'employment_skills' AND employed) AS placement_n,
    count(*) FILTER (WHERE done AND type = 'job_skills_upgrade') AS retention_d,
    count(*) FILTER (WHERE done AND type = 'job_skills_upgrade' AND stayed) AS retention_n,
    count(*) FILTER (WHERE type = 'entrepreneurship') AS entrepreneurship_pass_d,
    count(*) FILTER (WHERE type = 'entrepreneurship' AND done) AS entrepreneurship_pass_n,
    count(*) FILTER (WHERE done) AS all_d,
    count(*) FILTER (WHERE done AND high = 1) AS high_skill_share_n,
    count(*) FILTER (WHERE done AND certified) AS certificate_rate_n,
    count(*) FILTER (WHERE done AND employed) AS employment_rate_n
FROM (
    SELECT e.state = 'completed' AS done, c.*,
        EXISTS (SELECT 1 FROM employment m WHERE m.person_id = e.person_id
                AND (m."end" IS NULL OR m."end" > c.end_date)
                AND m.start <= c.end_date + {window}) AS employed,
        EXISTS (SELECT 1 FROM employment m WHERE m.person_id = e.person_id
                AND (m."end" IS NULL OR m."end" > c.end_date + {stay_before})
                AND m.start <= c.end_date + {stay}) AS stayed,
        EXISTS (SELECT 1 FROM certs s WHERE s.person_id = e.person_id
                AND s.class_id = e.class_id AND s.status = 'valid'
                AND s.kind IN {skill}) AS certified
    FROM enr e JOIN cls c ON c.id = e.class_id
    WHERE e.state <> 'withdrawn' AND ({days})
) c GROUP BY ALL;
CREATE OR REPLACE TABLE ind_rollup AS SELECT u.*, r.county, r.city FROM (
    {parts}
) u JOIN org_region r ON r.path = u.org_path;
"""
INDICATOR_DENOMINATORS = {
    "placement": "placement_d", "retention": "retention_d",
    "entrepreneurship_pass": "entrepreneurship_pass_d", "high_skill_share": "all_d",
    "certificate_rate": "all_d", "employment_rate": "all_d",
}  # fmt: skip


def duck_indicator_rollup_sql(ranges) -> str:
    from jineng.stats.measures import EMPLOYMENT_WINDOW_DAYS, STAY_DAYS

    parts = "\n    UNION ALL\n    ".join(
        f"SELECT '{code}' AS indicator, day, org_path, dept_path, dept_id, inst_id, "
        f"{code}_n AS numerator, {den} AS denominator FROM ind_grouped WHERE {den} > 0"
        for code, den in INDICATOR_DENOMINATORS.items()
    )
    days = " OR ".join(
        f"c.end_date >= DATE '{first}'" + (f" AND c.end_date <= DATE '{last}'" if last else "")
        for first, last in ranges
    )
    return INDICATOR_ROLLUP_SQL.format(window=EMPLOYMENT_WINDOW_DAYS, stay=STAY_DAYS,
                                       stay_before=STAY_DAYS - 1, skill=SKILL, days=days,
                                       parts=parts)  # fmt: skip


# The project's rollups, exported after the rebuild to be compared with DuckDB's row for row.
PROJECT_ROLLUPS = {
    "p_rollup": (
        "SELECT measure, day, org_path, department_path, department_id, institution_id, "
        "occupation_id, category, value, county_code, city_code FROM stats_dailycount",
        {"measure": "VARCHAR", "day": "DATE", "org_path": "VARCHAR", "dept_path": "VARCHAR",
         "dept_id": "BIGINT", "inst_id": "BIGINT", "occ_id": "BIGINT", "category": "VARCHAR",
         "value": "BIGINT", "county": "VARCHAR", "city": "VARCHAR"},
    ),
    "p_ind_rollup": (
        "SELECT indicator, day, org_path, department_path, department_id, institution_id, "
        "numerator, denominator, county_code, city_code FROM stats_indicatorcount",
        {"indicator": "VARCHAR", "day": "DATE", "org_path": "VARCHAR", "dept_path": "VARCHAR",
         "dept_id": "BIGINT", "inst_id": "BIGINT", "numerator": "BIGINT", "denominator": "BIGINT",
         "county": "VARCHAR", "city": "VARCHAR"},
    ),
}  # fmt: skip
# Both sides' columns in one order; an empty text and NULL are one (the CSV export's nullstr).
ROW_COLUMNS = {
    ("p_rollup", "rollup"): "measure, day, org_path, coalesce(dept_path, ''), dept_id, inst_id, "
    "occ_id, coalesce(category, ''), value, coalesce(county, ''), coalesce(city, '')",
    ("p_ind_rollup", "ind_rollup"): "indicator, day, org_path, coalesce(dept_path, ''), dept_id, "
    "inst_id, numerator, denominator, coalesce(county, ''), coalesce(city, '')",
}


def _count(duck, sql: str) -> int:
    return int(duck.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0])  # noqa: S608


def rows_differing(duck, folder: Path) -> dict[str, tuple[int, int, int]]:
    """Per rollup: (rows of the project's missing in DuckDB's, rows of DuckDB's missing in the
    project's, rows in all), every column compared (EXCEPT ALL both ways)."""
    export(folder, duck, PROJECT_ROLLUPS)
    out = {}
    for (ours, theirs), columns in ROW_COLUMNS.items():
        mine = f"SELECT {columns} FROM {ours}"  # noqa: S608 (names from the bench)
        other = f"SELECT {columns} FROM {theirs}"  # noqa: S608
        queries = (f"{mine} EXCEPT ALL {other}", f"{other} EXCEPT ALL {mine}", mine)
        out[theirs] = tuple(_count(duck, sql) for sql in queries)
    return out


def indicator_summary_duck(duck) -> dict:
    rows = duck.execute(
        "SELECT indicator, count(*), sum(numerator), sum(denominator) FROM ind_rollup GROUP BY ALL"
    ).fetchall()
    return {code: (int(n), int(num), int(den)) for code, n, num, den in rows}


def indicator_summary_project() -> dict:
    from django.db.models import Count, Sum

    from jineng.stats.models import IndicatorCount

    rows = (
        IndicatorCount.objects.values("indicator")
        .annotate(n=Count("id"), num=Sum("numerator"), den=Sum("denominator"))
        .order_by()
    )
    return {r["indicator"]: (r["n"], r["num"], r["den"]) for r in rows}


def duck_totals(duck, q: Query) -> dict:
    """measure_totals' figure from the raw rows."""
    key = {None: "'total'", "county": "r.county", "city": "r.city", "department": "f.dept_id",
           "month": "strftime(f.day, '%Y-%m')"}[q.by]  # fmt: skip
    where, params = (
        ["f.day BETWEEN ? AND ?", "starts_with(f.org_path, ?)"],
        [q.start, q.end, q.scope_path],
    )
    if q.region_path:
        where.append("starts_with(f.org_path, ?)")
        params.append(q.region_path)
    if q.dept_path:
        where.append("starts_with(f.dept_path, ?)")
        params.append(q.dept_path)
    fact = "training@enrolment" if q.measure == "training" and q.counted_at == "enrolment" \
        else q.measure  # fmt: skip
    sql = (f'SELECT {key} AS k, count(*) FROM "f_{fact}" f '  # noqa: S608 (codes from the bench)
           "JOIN org_region r ON r.path = f.org_path "
           f"WHERE {' AND '.join(where)} GROUP BY ALL")  # fmt: skip
    result = {k: int(n) for k, n in duck.execute(sql, params).fetchall()}
    return result if q.by else {"total": result.get("total", 0)}


INDICATOR_SQL = """
WITH base AS (
    SELECT e.id, e.state = 'completed' AS done, c.type, c.high, c.end_date,
        EXISTS (SELECT 1 FROM employment m WHERE m.person_id = e.person_id
                AND (m."end" IS NULL OR m."end" > c.end_date)
                AND m.start <= c.end_date + {window}) AS employed,
        EXISTS (SELECT 1 FROM employment m WHERE m.person_id = e.person_id
                AND (m."end" IS NULL OR m."end" > c.end_date + {stay_before})
                AND m.start <= c.end_date + {stay}) AS stayed,
        EXISTS (SELECT 1 FROM certs s WHERE s.person_id = e.person_id
                AND s.class_id = e.class_id AND s.status = 'valid'
                AND s.kind IN {skill}) AS certified
    FROM enr e JOIN cls c ON c.id = e.class_id
    WHERE e.state <> 'withdrawn' AND c.end_date BETWEEN ? AND ?
      AND starts_with(c.org_path, ?) {narrow}
)
SELECT
    count(*) FILTER (WHERE done AND type = 'employment_skills'),
    count(*) FILTER (WHERE done AND type = 'employment_skills' AND employed),
    count(*) FILTER (WHERE done AND type = 'job_skills_upgrade' AND end_date <= ?),
    count(*) FILTER (WHERE done AND type = 'job_skills_upgrade' AND end_date <= ? AND stayed),
    count(*) FILTER (WHERE type = 'entrepreneurship'),
    count(*) FILTER (WHERE type = 'entrepreneurship' AND done),
    count(*) FILTER (WHERE done),
    count(*) FILTER (WHERE done AND high = 1),
    count(*) FILTER (WHERE done AND certified),
    count(*) FILTER (WHERE done AND employed)
FROM base
"""


def duck_indicators(duck, q: Query, today: date) -> dict:
    from jineng.stats.measures import EMPLOYMENT_WINDOW_DAYS, STAY_DAYS

    narrow, params = "", [q.start, q.end, q.scope_path]
    if q.region_path:
        narrow += " AND starts_with(c.org_path, ?)"
        params.append(q.region_path)
    if q.dept_path:
        narrow += " AND starts_with(c.dept_path, ?)"
        params.append(q.dept_path)
    cutoff = today - timedelta(days=STAY_DAYS)
    sql = INDICATOR_SQL.format(window=EMPLOYMENT_WINDOW_DAYS, stay=STAY_DAYS,
                               stay_before=STAY_DAYS - 1, skill=SKILL, narrow=narrow)  # fmt: skip
    v = [int(x) for x in duck.execute(sql, [*params, cutoff, cutoff]).fetchone()]
    return {"placement": (v[1], v[0]), "retention": (v[3], v[2]),
            "entrepreneurship_pass": (v[5], v[4]), "high_skill_share": (v[7], v[6]),
            "certificate_rate": (v[8], v[6]), "employment_rate": (v[9], v[6])}  # fmt: skip


# --- the dashboard's reads ---------------------------------------------------------------------


class Query:
    def __init__(self, kind, reader, user, start, end, *, measure=None, by=None,
                 counted_at="completion", region=None, department=None):  # fmt: skip
        self.kind, self.reader, self.user = kind, reader, user
        self.start, self.end, self.measure, self.by = start, end, measure, by
        self.counted_at, self.region, self.department = counted_at, region, department
        self.scope_path = user.organisation.path
        self.region_path = region.path if region else None
        self.dept_path = department.path if department else None

    def __str__(self) -> str:
        narrow = f" region={self.region.region_code}" if self.region else ""
        narrow += f" department={self.department.code}" if self.department else ""
        what = (f"{self.measure} by={self.by} counted_at={self.counted_at}"
                if self.kind == "measure" else "indicators")  # fmt: skip
        return f"{self.reader}: {what} {self.start}..{self.end}{narrow}"


def queries(world: World, samples: int) -> list[Query]:
    from jineng.core.models import Organisation, User
    from jineng.core.roles import OrgKind
    from jineng.stats.measures import MEASURES

    rng = random.Random(world.args.seed + 1)  # noqa: S311
    y = world.years[-1]
    periods = [(date(y, 1, 1), date(y, 12, 31)), (date(y, 4, 1), date(y, 6, 30)),
               (date(y, 6, 1), date(y, 6, 30)), (date(y - 1, 1, 1), date(y - 1, 12, 31)),
               (date(world.years[0], 1, 1), date(y, 12, 31))]  # fmt: skip
    departments = list(Organisation.objects.filter(kind=OrgKind.DEPARTMENT))
    out = []
    for reader in ("province", "city", "county"):
        user = User.objects.get(username=f"bench-{reader}")
        regions = list(
            Organisation.objects.filter(
                kind=OrgKind.BUREAU, path__startswith=user.organisation.path
            ).exclude(pk=user.organisation_id)
        )
        for n in range(samples):
            start, end = rng.choice(periods)
            region = rng.choice(regions) if regions and rng.random() < 0.25 else None
            department = rng.choice(departments) if departments and rng.random() < 0.2 else None
            if n % 5 == 4:
                out.append(Query("indicators", reader, user, start, end, region=region,
                                 department=department))  # fmt: skip
                continue
            measure = rng.choice(list(MEASURES))
            counted_at = (
                "enrolment" if measure == "training" and rng.random() < 0.3 else "completion"
            )
            out.append(
                Query(
                    "measure",
                    reader,
                    user,
                    start,
                    end,
                    measure=measure,
                    by=rng.choice([None, "county", "city", "department", "month"]),
                    counted_at=counted_at,
                    region=region,
                    department=department,
                )
            )
    return out


def project_figure(q: Query, today: date):
    from jineng.stats import selectors

    if q.kind == "measure":
        return selectors.measure_totals(q.user, q.measure, q.start, q.end, q.by,
                                        counted_at=q.counted_at, region=q.region,
                                        department=q.department)  # fmt: skip
    items = selectors.indicators(q.user, q.start, q.end, today=today, region=q.region,
                                 department=q.department)  # fmt: skip
    return {i["code"]: (i["numerator"], i["denominator"]) for i in items if i["available"]}


def normal(figure: dict) -> dict:
    return {(None if k is None else str(k)): v for k, v in figure.items()}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def time_reads(world: World, duck, samples: int) -> bool:
    from django.utils import timezone

    today = timezone.localdate()
    agree = True
    timings: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for q in queries(world, samples):
        started = time.perf_counter()
        mine = project_figure(q, today)
        ours = time.perf_counter() - started
        started = time.perf_counter()
        theirs = duck_totals(duck, q) if q.kind == "measure" else duck_indicators(duck, q, today)
        duck_s = time.perf_counter() - started
        timings.setdefault((q.reader, q.kind), []).append((ours, duck_s))
        if normal(mine) != normal(theirs):
            agree = False
            print(f"DIFFERENT: {q}\n  project: {mine}\n  duckdb:  {theirs}")
    print(f"dashboard reads (goal: p95 < {GOAL_P95_MS} ms), ms:")
    print(f"  {'reader':<9} {'read':<11} {'n':>3} {'p50':>8} {'p95':>8} {'duck p50':>9} "
          f"{'duck p95':>9} {'p95 ratio':>9}")  # fmt: skip
    worst = 0.0
    for (reader, kind), pairs in timings.items():
        ours = [a * 1000 for a, _ in pairs]
        theirs = [b * 1000 for _, b in pairs]
        p95 = percentile(ours, 95)
        if kind == "measure":
            worst = max(worst, p95)
        print(f"  {reader:<9} {kind:<11} {len(pairs):>3} {statistics.median(ours):>8.1f} "
              f"{p95:>8.1f} {statistics.median(theirs):>9.1f} {percentile(theirs, 95):>9.1f} "
              f"{p95 / max(percentile(theirs, 95), 1e-6):>9.2f}")  # fmt: skip
    all_ours = [a * 1000 for pairs in timings.values() for a, _ in pairs]
    print(
        f"dashboard p95 over all reads: {percentile(all_ours, 95):.1f} ms "
        f"({'meets' if percentile(all_ours, 95) < GOAL_P95_MS else 'misses'} the goal)"
    )
    print(f"figures equal to DuckDB's: {'yes' if agree else 'NO'}")
    return agree


# --- the run -----------------------------------------------------------------------------------


def sizes(args) -> dict:
    return {k: getattr(args, k) for k in (*SMOKE, "seed") if k != "samples"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=5_000_000)
    parser.add_argument("--enrolments", type=int, default=1_000_000, help="a year")
    parser.add_argument("--certificates", type=int, default=1_000_000, help="a year")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--cities", type=int, default=18)
    parser.add_argument("--counties", type=int, default=160)
    parser.add_argument("--institutions", type=int, default=1600)
    parser.add_argument("--departments", type=int, default=2, help="per city")
    parser.add_argument("--class-size", type=int, default=50)
    parser.add_argument("--samples", type=int, default=40, help="reads per reader")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--duckdb-threads", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database for reuse")
    parser.add_argument("--drop", action="store_true", help="drop the kept database and stop")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, a few seconds")
    args = parser.parse_args(argv)
    if args.smoke:
        for key, value in SMOKE.items():
            setattr(args, key, value)
    return benchdb.main(
        args, "bench/stats.py", meta_table="bench_stats_meta",
        matches=lambda kept: kept == sizes(args), run=run,
    )  # fmt: skip


def run(args, database_url: str | None, reused: bool) -> int:
    benchdb.environment(database_url)
    import django

    django.setup()
    import duckdb
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from jineng.core import audit
    from jineng.stats import rollup

    world = World(args)
    started = time.perf_counter()
    if reused:
        call_command("migrate", interactive=False, verbosity=0)  # new indexes, if any
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, reused "
              f"({database_size()})")  # fmt: skip
    else:
        with audit.system_context("bench:stats"):
            organisations(world)
            counts = facts(world)
        analyse()
        if args.keep:
            benchdb.keep_meta("bench_stats_meta", sizes(args))
        print(
            f"database: {connection.vendor}; built in {time.perf_counter() - started:.0f} s, "
            f"{database_size()}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
    print(f"sizes: {sizes(args)}; years {world.years[0]}–{world.years[-1]}")
    with tempfile.TemporaryDirectory(prefix="jineng-bench-stats-") as folder:
        duck = duckdb.connect(str(Path(folder) / "bench.duckdb"))
        duck.execute(f"SET threads = {int(args.duckdb_threads)}")
        exported = export(Path(folder), duck)
        duck.execute(DUCK_VIEWS.format(skill=SKILL))
        print(f"exported to Parquet in {exported:.1f} s (not timed below)")

        first, last = date(world.years[0], 1, 1), date(world.years[-1], 12, 31)
        started = time.perf_counter()
        written = rollup.rebuild(first, last)
        rebuild_s = time.perf_counter() - started
        started = time.perf_counter()
        duck.execute(duck_rollup_sql(rollup.ROLLED_UP, first, last))
        duck_measures_s = time.perf_counter() - started
        # The rebuild recounts the indicators of first..last and of the last
        # indicator_recount_days() (rollup.indicator_ranges).
        ranges = rollup.indicator_ranges(first, last, timezone.localdate())
        started = time.perf_counter()
        duck.execute(duck_indicator_rollup_sql(ranges))
        duck_indicators_s = time.perf_counter() - started
        duck_s = duck_measures_s + duck_indicators_s
        ratio = rebuild_s / duck_s
        indicator_rows = sum(v for k, v in written.items() if k.startswith("indicator:"))
        print(f"rollup rebuild {first}..{last}: {rebuild_s:.2f} s, {sum(written.values()):,} rows; "
              f"DuckDB the same rollup: {duck_s:.2f} s ({args.duckdb_threads} threads); ratio "
              f"{ratio:.1f} (goal <= {GOAL_ROLLUP_RATIO:.0f}: "
              f"{'meets' if ratio <= GOAL_ROLLUP_RATIO else 'misses'})")  # fmt: skip
        spans = ", ".join(f"{a}..{b or ''}" for a, b in ranges)
        print(
            f"  of which the indicator rollup ({spans}): {indicator_rows:,} rows; "
            f"DuckDB measures {duck_measures_s:.2f} s, indicators {duck_indicators_s:.2f} s"
        )
        ours, theirs = rollup_summary_project(), rollup_summary_duck(duck)
        same_rollup = ours == theirs
        if not same_rollup:
            for key in sorted(set(ours) | set(theirs)):
                if ours.get(key) != theirs.get(key):
                    print(
                        f"DIFFERENT rollup {key}: project {ours.get(key)}, duckdb {theirs.get(key)}"
                    )
        same = "yes" if same_rollup else "NO"
        print(f"rollup equal to DuckDB's (rows and sums per measure): {same}")
        ours, theirs = indicator_summary_project(), indicator_summary_duck(duck)
        same_indicators = ours == theirs
        for key in sorted(set(ours) | set(theirs)):
            if ours.get(key) != theirs.get(key):
                print(f"DIFFERENT indicator rollup {key}: project {ours.get(key)}, "
                      f"duckdb {theirs.get(key)}")  # fmt: skip
        print(f"indicator rollup equal to DuckDB's (rows, numerators and denominators per "
              f"indicator): {'yes' if same_indicators else 'NO'}")  # fmt: skip
        differing = rows_differing(duck, Path(folder))
        same_rows = all(a == b == 0 for a, b, _ in differing.values())
        print("rollups equal to DuckDB's row for row (every column): "
              + ("yes" if same_rows else "NO") + "; " + ", ".join(
                  f"{name}: {total:,} rows, {a} only in the project's, {b} only in DuckDB's"
                  for name, (a, b, total) in differing.items()))  # fmt: skip
        same_reads = time_reads(world, duck, args.samples)
        duck.close()
    connection.close()
    return 0 if same_rollup and same_indicators and same_rows and same_reads else 1


if __name__ == "__main__":
    sys.exit(main())
