"""Rebuild the daily rollups (DailyCount, IndicatorCount) for a day range, in the database and in
one transaction: the old rows of the range deleted, then one INSERT … SELECT per measure that
reads the measure's facts (stats.facts) once and writes its rows grouped by day and dimensions,
its rows per person category and those of persons without one, with the county and city of each
organisation (a temporary table); and one INSERT … SELECT that counts every indicator's
numerator and denominator by class end day in one pass over the enrolments, for that range and
the last indicator_recount_days() days (late facts). No loop over days, regions or people; running
it twice gives the same rows."""

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.people.models import CategoryRecord
from jineng.stats import facts, windows
from jineng.stats.measures import (
    INDICATORS,
    MEASURES,
    NO_DATA,
    TRAINING_AT_ENROLMENT,
)
from jineng.stats.models import DailyCount, IndicatorCount

ROLLED_UP = (*MEASURES, TRAINING_AT_ENROLMENT)
INDICATORS_ROLLED_UP = tuple(code for code in INDICATORS if code not in NO_DATA)
# Facts arrive late for the indicators: an employment record counts up to the pack's
# employment_window_days after the class ended (placement), retention looks at its stay_days'th
# day, and insurance records are entered after the fact. So every rebuild recounts the
# indicators of the classes that ended in the last indicator_recount_days() (the longest window
# of any pack, plus RECOUNT_MARGIN_DAYS) and of those ending later, whatever the measures' range.
RECOUNT_MARGIN_DAYS = 30


def indicator_recount_days() -> int:
    longest = max(max(w.employment_days, w.stay_days) for _scope, w in windows.scopes())
    return longest + RECOUNT_MARGIN_DAYS


DIMENSIONS = ("day", "org_path", "department_path", "dept_id", "inst_id", "occ_id")


class Regions:
    """The county and city of an organisation path: the codes of the bureaus above it."""

    def __init__(self):
        self.codes = dict(
            Organisation.objects.filter(kind=OrgKind.BUREAU).values_list("path", "region_code")
        )

    def of(self, path: str) -> tuple[str, str]:
        segments = path.strip("/").split("/")
        codes = []
        for i in range(len(segments), 0, -1):
            code = self.codes.get("/" + "/".join(segments[:i]) + "/")
            if code:
                codes.append(code)
        county = next((c for c in codes if not c.endswith("00")), codes[0] if codes else "")
        city = next((c for c in codes if c.endswith("00") and not c.endswith("0000")), "")
        if not city and county:
            city = county[:4] + "00"
        return county, city


REGION_TABLE = "stats_rollup_region"
COLUMNS = (
    "day", "measure", "org_path", "county_code", "city_code", "department_id",
    "department_path", "institution_id", "occupation_id", "category", "value",
)  # fmt: skip
INDICATOR_COLUMNS = (
    "day", "indicator", "org_path", "county_code", "city_code", "department_id",
    "department_path", "institution_id", "numerator", "denominator",
)  # fmt: skip
INDICATOR_DIMENSIONS = ("day", "org_path", "department_path", "dept_id", "inst_id")
# A rebuild of this many days or more (a year and more: an operator's recount, the demo; not
# the daily run) replaces the rows in bulk on PostgreSQL (_insert_measure_rows).
BULK_DAYS = 366
# PostgreSQL, for the rebuild's transaction only: the grouped joins sort and hash a few hundred
# MB at province size (the default 4 MB spills them to disk), and compiling them (JIT) costs
# seconds where running them costs less.
POSTGRESQL_SETTINGS = {"work_mem": "'256MB'", "jit": "off"}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(model, names) -> str:
    return ", ".join(_q(model._meta.get_field(name).column) for name in names)


def _region_table(cursor, regions: Regions) -> None:
    """A temporary table of every organisation's path with its county and city (Regions.of),
    which the inserts join: the codes are decided once per organisation, not once per row."""
    cursor.execute(f"DROP TABLE IF EXISTS {_q(REGION_TABLE)}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_q(REGION_TABLE)} "
        "(path varchar(255) PRIMARY KEY, county varchar(12), city varchar(12))"
    )
    paths = Organisation.objects.values_list("path", flat=True)
    cursor.executemany(
        f"INSERT INTO {_q(REGION_TABLE)} (path, county, city) VALUES (%s, %s, %s)",  # noqa: S608
        [(path, *regions.of(path)) for path in paths],
    )


def _category_join() -> tuple[str, str]:
    """(LEFT JOIN of the facts `f` to the categories of their person valid on their day (004
    §二), the joined category's code or "-" for a fact whose person had none): the condition
    of facts.with_category, written out because the facts are a CTE here."""
    record = CategoryRecord._meta
    category = record.get_field("category").related_model._meta
    code = f"c.{_q(category.get_field('code').column)}"
    k = {name: f"k.{_q(record.get_field(name).column)}" for name in
         ("person", "category", "valid_from", "valid_to")}  # fmt: skip
    join = (
        f"LEFT JOIN ({_q(record.db_table)} k INNER JOIN {_q(category.db_table)} c "
        f"ON c.{_q(category.pk.column)} = {k['category']}) "
        f"ON {k['person']} = f.fact_person AND {k['valid_from']} <= f.{_q('day')} "
        f"AND ({k['valid_to']} IS NULL OR {k['valid_to']} >= f.{_q('day')})"
    )
    return join, f"COALESCE({code}, '-')"


FACT_TABLE = "stats_rollup_fact"


def _fact_table(cursor, start: date, end: date) -> None:
    """A temporary table of every measure's facts of start..end (stats.facts: their id, person
    and DIMENSIONS, with the measure), written once and read twice by _insert_measures."""
    parts, params = [], []
    for measure in ROLLED_UP:
        rows = facts.in_period(facts.facts(measure), start, end)
        fact = rows.annotate(fact_id=F("id"), fact_person=F("person_id"))
        inner, inner_params = (
            fact.values("fact_id", "fact_person", *DIMENSIONS).order_by().query.sql_with_params()
        )
        parts.append(f"SELECT %s AS measure, x.* FROM ({inner}) x")  # noqa: S608
        params += [measure, *inner_params]
    cursor.execute(f"DROP TABLE IF EXISTS {_q(FACT_TABLE)}")
    # Only the SQL of the querysets above enters; values are parameters.
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_q(FACT_TABLE)} AS {' UNION ALL '.join(parts)}", params
    )
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {_q(FACT_TABLE)}")  # its size, so the groups are hashed


ROWS_TABLE = "stats_rollup_rows"


def _periods_overlap() -> bool:
    """Whether a person has two records of one category valid on a same day: only then can a
    fact meet a category twice (and its pairs need making distinct)."""
    open_end = Value(date.max)
    earlier = CategoryRecord.objects.filter(
        person=OuterRef("person"),
        category=OuterRef("category"),
        id__lt=OuterRef("id"),
        valid_from__lte=Coalesce(OuterRef("valid_to"), open_end),
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("valid_from")))
    return CategoryRecord.objects.filter(Exists(earlier)).exists()


def _measure_rows(cursor) -> None:
    """A temporary table of the measures' rollup rows (COLUMNS): the facts grouped by measure
    and DIMENSIONS into the main rows (category ""), and with the categories valid on their day
    into one row per category (a fact counted once per category: the pairs made distinct first
    when a person's periods of one category overlap) and one for the facts of persons with none
    (category "-"); each row with its county and city."""
    keys = ", ".join(f"f.{_q(name)}" for name in ("measure", *DIMENSIONS))
    h_keys = keys.replace("f.", "h.")
    join, category = _category_join()
    distinct = "DISTINCT" if _periods_overlap() else ""
    g = {name: f"g.{_q(name)}" for name in ("measure", *DIMENSIONS, "category", "value")}
    select = [
        g["day"], g["measure"], g["org_path"], "COALESCE(r.county, '')", "COALESCE(r.city, '')",
        g["dept_id"], g["department_path"], g["inst_id"], g["occ_id"], g["category"], g["value"],
    ]  # fmt: skip
    names = (_q(DailyCount._meta.get_field(c).column) for c in COLUMNS)
    select = [f"{expression} AS {name}" for expression, name in zip(select, names, strict=True)]
    cursor.execute(f"DROP TABLE IF EXISTS {_q(ROWS_TABLE)}")
    # Only model metadata and the names above enter the SQL.
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_q(ROWS_TABLE)} AS "  # noqa: S608
        f"SELECT {', '.join(select)} FROM ("
        f"SELECT {keys}, '' AS category, COUNT(*) AS value FROM {_q(FACT_TABLE)} f "
        f"GROUP BY {keys} "
        f"UNION ALL SELECT {h_keys}, h.category, COUNT(*) FROM ("
        f"SELECT {distinct} {keys}, {category} AS category, f.fact_id "
        f"FROM {_q(FACT_TABLE)} f {join}) h GROUP BY {h_keys}, h.category"
        f") g LEFT JOIN {_q(REGION_TABLE)} r ON r.path = {g['org_path']}"
    )


def _indexes(model, action: str) -> None:
    """Drop or build the indexes of the model's Meta, as its migrations made them."""
    with connection.schema_editor(atomic=False) as editor:
        for index in model._meta.indexes:
            getattr(editor, action)(model, index)


def _insert_measure_rows(cursor, start: date, end: date) -> dict[str, int]:
    """Replace the rollup's rows of start..end with the new ones (_measure_rows); rows written
    per measure. A long range (BULK_DAYS) takes the table for itself: its indexes are dropped
    before and built after (once, sorted, instead of one entry per row), and it is emptied at
    once when no row lies outside the range, and analysed after; readers wait for the rebuild's
    end meanwhile."""
    in_range = DailyCount.objects.filter(day__gte=start, day__lte=end)
    bulk = connection.vendor == "postgresql" and (end - start).days + 1 >= BULK_DAYS
    outside = DailyCount.objects.filter(Q(day__lt=start) | Q(day__gt=end))
    if bulk and not outside.exists():
        cursor.execute(f"TRUNCATE {_q(DailyCount._meta.db_table)}")
    else:
        in_range.delete()
    if bulk:
        _indexes(DailyCount, "remove_index")
    columns = _columns(DailyCount, COLUMNS)
    cursor.execute(
        f"INSERT INTO {_q(DailyCount._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {columns} FROM {_q(ROWS_TABLE)}"
    )
    if bulk:
        _indexes(DailyCount, "add_index")
        # Fresh statistics for the readers' plans (the table's rows all changed).
        cursor.execute(f"ANALYZE {_q(DailyCount._meta.db_table)}")
    cursor.execute(f"SELECT measure, COUNT(*) FROM {_q(ROWS_TABLE)} GROUP BY measure")  # noqa: S608
    return {**dict.fromkeys(ROLLED_UP, 0), **dict(cursor.fetchall())}


def indicator_ranges(start: date, end: date, today: date) -> list[tuple[date, date | None]]:
    """The class end days whose indicators a rebuild of start..end recounts: start..end and
    every day from today - indicator_recount_days() on (None: no end, classes ending later
    included), one range when they meet."""
    recent = today - timedelta(days=indicator_recount_days())
    if end >= recent - timedelta(days=1):
        return [(min(start, recent), None)]
    return [(start, end), (recent, None)]


INDICATOR_TABLE = "stats_rollup_indicator"


def _insert_indicators(cursor, first: date, last: date | None) -> dict[str, int]:
    """The enrolments of classes that ended in first..last grouped by class end day and
    dimensions, with every indicator's denominator and numerator counted in the same pass (a
    temporary table), then one row per indicator and group whose denominator is not empty;
    rows written per indicator."""
    counts = {}
    for n, code in enumerate(INDICATORS_ROLLED_UP):
        den, hit = facts.indicator_conditions(code)
        counts[f"den_{n}"] = Count("id", filter=den)
        counts[f"num_{n}"] = Count("id", filter=Q(den, hit))
    rows = facts.in_period(facts.indicator_rows(), first, last)
    grouped = rows.values(*INDICATOR_DIMENSIONS).annotate(**counts).order_by()
    inner, params = grouped.query.sql_with_params()
    cursor.execute(f"DROP TABLE IF EXISTS {_q(INDICATOR_TABLE)}")
    # Only the SQL of the queryset above enters; values are parameters.
    cursor.execute(f"CREATE TEMPORARY TABLE {_q(INDICATOR_TABLE)} AS {inner}", params)
    g = {name: f"g.{_q(name)}" for name in (*INDICATOR_DIMENSIONS, *counts)}
    written = {}
    for n, code in enumerate(INDICATORS_ROLLED_UP):
        select = [
            g["day"], "%s", g["org_path"], "COALESCE(r.county, '')", "COALESCE(r.city, '')",
            g["dept_id"], g["department_path"], g["inst_id"], g[f"num_{n}"], g[f"den_{n}"],
        ]  # fmt: skip
        # Only model metadata and the names above enter the SQL; values are parameters.
        cursor.execute(
            f"INSERT INTO {_q(IndicatorCount._meta.db_table)} "  # noqa: S608
            f"({_columns(IndicatorCount, INDICATOR_COLUMNS)}) "
            f"SELECT {', '.join(select)} FROM {_q(INDICATOR_TABLE)} g "
            f"LEFT JOIN {_q(REGION_TABLE)} r ON r.path = {g['org_path']} WHERE {g[f'den_{n}']} > 0",
            [code],
        )
        written[code] = cursor.rowcount
    cursor.execute(f"DROP TABLE {_q(INDICATOR_TABLE)}")
    return written


def _rebuild_indicators(cursor, ranges) -> dict[str, int]:
    written = dict.fromkeys(INDICATORS_ROLLED_UP, 0)
    for first, last in ranges:
        old = IndicatorCount.objects.filter(day__gte=first)
        (old if last is None else old.filter(day__lte=last)).delete()
        for code, n in _insert_indicators(cursor, first, last).items():
            written[code] += n
    return {f"indicator:{code}": n for code, n in written.items()}


def _tune(cursor) -> None:
    if connection.vendor == "postgresql":
        for name, value in POSTGRESQL_SETTINGS.items():
            cursor.execute(f"SET LOCAL {name} = {value}")


@transaction.atomic
def rebuild(start: date, end: date, *, today: date | None = None) -> dict[str, int]:
    """Recount every measure for the days start..end (both included), and every indicator for
    the classes that ended in start..end or from today - indicator_recount_days() on
    (indicator_ranges; today: the local date); returns rows written per measure and per
    indicator ("indicator:<code>"). One INSERT … SELECT per measure and one per indicator range:
    nothing passes through Python."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        _tune(cursor)
        _region_table(cursor, Regions())
        _fact_table(cursor, start, end)
        _measure_rows(cursor)
        written = _insert_measure_rows(cursor, start, end)
        written.update(_rebuild_indicators(cursor, indicator_ranges(start, end, today)))
        for table in (ROWS_TABLE, FACT_TABLE, REGION_TABLE):
            cursor.execute(f"DROP TABLE {_q(table)}")
    return written
