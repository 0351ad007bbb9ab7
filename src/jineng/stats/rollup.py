"""Rebuild the daily rollups (DailyCount, IndicatorCount) for a day range, in the database and in
one transaction: the old rows of the range deleted, every measure's facts (stats.facts) written
once into a temporary table with their organisation's id, then one INSERT … SELECT that groups
them by day and dimensions, per person category and for persons without one, and gives each
row its paths, county and city from a temporary table of every organisation; and one statement
that counts every indicator's numerator and denominator by class end day in one pass over the
enrolments, for that range and the last indicator_recount_days() days (late facts), written as
one row per indicator. No loop over days, regions or people; running it twice gives the same
rows."""

from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.people.models import CategoryRecord, EmploymentRecord
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
POSTGRESQL_SETTINGS = {"work_mem": "'256MB'", "maintenance_work_mem": "'512MB'", "jit": "off"}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(model, names) -> str:
    return ", ".join(_q(model._meta.get_field(name).column) for name in names)


def _region_table(cursor, regions: Regions) -> None:
    """A temporary table of every organisation's id and path with its county and city
    (Regions.of), which the rebuild joins: the codes are decided once per organisation, not once
    per row, and the facts are grouped by the organisation's id (a number hashes and compares
    faster than its path) and given their path, county and city back after."""
    cursor.execute(f"DROP TABLE IF EXISTS {_q(REGION_TABLE)}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_q(REGION_TABLE)} (id bigint PRIMARY KEY, "
        "path varchar(255) UNIQUE, county varchar(12), city varchar(12))"
    )
    organisations = Organisation.objects.values_list("id", "path")
    cursor.executemany(
        f"INSERT INTO {_q(REGION_TABLE)} (id, path, county, city) VALUES (%s, %s, %s, %s)",  # noqa: S608
        [(pk, path, *regions.of(path)) for pk, path in organisations],
    )


def _category_join() -> str:
    """The LEFT JOIN of the facts `f` to the category records of their person valid on their
    day (004 §二; `k`, none for a fact whose person had none): the condition of
    facts.with_category, written out because the facts are a table here."""
    record = CategoryRecord._meta
    k = {name: f"k.{_q(record.get_field(name).column)}" for name in
         ("person", "valid_from", "valid_to")}  # fmt: skip
    return (
        f"LEFT JOIN {_q(record.db_table)} k "
        f"ON {k['person']} = f.fact_person AND {k['valid_from']} <= f.{_q('day')} "
        f"AND ({k['valid_to']} IS NULL OR {k['valid_to']} >= f.{_q('day')})"
    )


FACT_TABLE = "stats_rollup_fact"
# The fact table's dimensions: those of the facts (DIMENSIONS) with the organisation's id in
# place of its path, and without the department's path (that of dept_id's organisation, by
# stats.facts' definition): the paths are put back from the region table at the end.
FACT_KEYS = ("measure", "day", "org_id", "dept_id", "inst_id", "occ_id")
FACT_COLUMNS = ("fact_id", "fact_person", "day", "org_path", "dept_id", "inst_id", "occ_id")


def _fact_table(cursor, start: date, end: date) -> None:
    """A temporary table of every measure's facts of start..end (stats.facts: their id, person
    and FACT_KEYS), written once and read twice by _insert_measure_rows."""
    parts, params = [], []
    names = ", ".join(f"x.{_q(name)}" for name in ("fact_id", "fact_person", "day"))
    for measure in ROLLED_UP:
        rows = facts.in_period(facts.facts(measure), start, end)
        fact = rows.annotate(fact_id=F("id"), fact_person=F("person_id"))
        inner, inner_params = fact.values(*FACT_COLUMNS).order_by().query.sql_with_params()
        # A LEFT JOIN: a path missing from the region table (an organisation made since it was
        # written) leaves org_id empty, which the rollup's NOT NULL org_path refuses at the
        # insert: the rebuild fails whole rather than drop the fact.
        parts.append(
            f"SELECT %s AS measure, {names}, r.id AS org_id, x.dept_id, x.inst_id, x.occ_id "  # noqa: S608
            f"FROM ({inner}) x LEFT JOIN {_q(REGION_TABLE)} r ON r.path = x.org_path"
        )
        params += [measure, *inner_params]
    cursor.execute(f"DROP TABLE IF EXISTS {_q(FACT_TABLE)}")
    # Only the SQL of the querysets above enters; values are parameters.
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_q(FACT_TABLE)} AS {' UNION ALL '.join(parts)}", params
    )
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {_q(FACT_TABLE)}")  # its size, so the groups are hashed


def _periods_overlap() -> bool:
    """Whether a person has two records of one category valid on a same day: only then can a
    fact meet a category twice (and its pairs need making distinct). Looked for only when some
    person holds one category twice (a grouping; comparing every record with the others of its
    person costs seconds at province size)."""
    held_twice = CategoryRecord.objects.values("person", "category").annotate(n=Count("id"))
    if not held_twice.filter(n__gt=1).order_by().exists():
        return False
    open_end = Value(date.max)
    earlier = CategoryRecord.objects.filter(
        person=OuterRef("person"),
        category=OuterRef("category"),
        id__lt=OuterRef("id"),
        valid_from__lte=Coalesce(OuterRef("valid_to"), open_end),
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("valid_from")))
    return CategoryRecord.objects.filter(Exists(earlier)).exists()


def _grouped_facts() -> str:
    """The SELECT of the measures' rollup rows by FACT_KEYS and category id: the facts grouped
    into the main rows (category 0), and joined to the categories valid on their day into one
    row per category (a fact counted once per category: the pairs made distinct first when a
    person's periods of one category overlap) and one for the facts of persons with none
    (category NULL). Categories by id: their codes are put back with the paths."""
    keys = ", ".join(f"f.{_q(name)}" for name in FACT_KEYS)
    h_keys = keys.replace("f.", "h.")
    category = f"k.{_q(CategoryRecord._meta.get_field('category').column)}"
    distinct = "DISTINCT" if _periods_overlap() else ""
    return (
        f"SELECT {keys}, 0 AS category, COUNT(*) AS value FROM {_q(FACT_TABLE)} f "  # noqa: S608
        f"GROUP BY {keys} "
        f"UNION ALL SELECT {h_keys}, h.category, COUNT(*) FROM ("
        f"SELECT {distinct} {keys}, {category} AS category, f.fact_id "
        f"FROM {_q(FACT_TABLE)} f {_category_join()}) h GROUP BY {h_keys}, h.category"
    )


def _rollup_select() -> str:
    """The grouped facts (_grouped_facts) as the rollup's COLUMNS: the organisation's path,
    county and city and the department's path from the region table, the category's code
    ("" on the main rows, "-" for persons with none)."""
    personcategory = CategoryRecord._meta.get_field("category").related_model._meta
    code = _q(personcategory.get_field("code").column)
    g = {name: f"g.{_q(name)}" for name in (*FACT_KEYS, "category", "value")}
    select = [
        g["day"], g["measure"], "r.path", "COALESCE(r.county, '')", "COALESCE(r.city, '')",
        g["dept_id"], "COALESCE(d.path, '')", g["inst_id"], g["occ_id"],
        f"CASE WHEN {g['category']} = 0 THEN '' ELSE COALESCE(c.{code}, '-') END", g["value"],
    ]  # fmt: skip
    return (
        f"SELECT {', '.join(select)} FROM ({_grouped_facts()}) g "  # noqa: S608
        f"LEFT JOIN {_q(REGION_TABLE)} r ON r.id = {g['org_id']} "
        f"LEFT JOIN {_q(REGION_TABLE)} d ON d.id = {g['dept_id']} "
        f"LEFT JOIN {_q(personcategory.db_table)} c "
        f"ON c.{_q(personcategory.pk.column)} = {g['category']}"
    )


def _indexes(model, action: str) -> None:
    """Drop or build the indexes of the model's Meta, as its migrations made them."""
    with connection.schema_editor(atomic=False) as editor:
        for index in model._meta.indexes:
            getattr(editor, action)(model, index)


def _insert_measure_rows(cursor, start: date, end: date) -> dict[str, int]:
    """Replace the rollup's rows of start..end with the new ones (_rollup_select, inserted as
    they are grouped); rows written per measure. A long range (BULK_DAYS) takes the table for
    itself: its indexes are dropped before and built after (once, sorted, instead of one entry
    per row), and it is emptied at once when no row lies outside the range, and analysed after;
    readers wait for the rebuild's end meanwhile."""
    in_range = DailyCount.objects.filter(day__gte=start, day__lte=end)
    bulk = _bulk(start, end)
    outside = DailyCount.objects.filter(Q(day__lt=start) | Q(day__gt=end))
    if bulk and not outside.exists():
        cursor.execute(f"TRUNCATE {_q(DailyCount._meta.db_table)}")
    else:
        in_range.delete()
    if bulk:
        _indexes(DailyCount, "remove_index")
    # Only model metadata and the names above enter the SQL.
    cursor.execute(
        f"INSERT INTO {_q(DailyCount._meta.db_table)} ({_columns(DailyCount, COLUMNS)}) "  # noqa: S608
        f"{_rollup_select()}"
    )
    if bulk:
        _indexes(DailyCount, "add_index")
        # Fresh statistics for the readers' plans (the table's rows all changed).
        cursor.execute(f"ANALYZE {_q(DailyCount._meta.db_table)}")
    written = in_range.values_list("measure").annotate(n=Count("id")).order_by()
    return {**dict.fromkeys(ROLLED_UP, 0), **dict(written)}


def indicator_ranges(start: date, end: date, today: date) -> list[tuple[date, date | None]]:
    """The class end days whose indicators a rebuild of start..end recounts: start..end and
    every day from today - indicator_recount_days() on (None: no end, classes ending later
    included), one range when they meet."""
    recent = today - timedelta(days=indicator_recount_days())
    if end >= recent - timedelta(days=1):
        return [(min(start, recent), None)]
    return [(start, end), (recent, None)]


INDICATOR_TABLE = "stats_rollup_indicator"


def _windowed(condition) -> bool:
    """Whether a condition looks for an employment record in a window of days after the class
    (facts._employed_within, _insured_on_day_after): a correlation on a range, which the
    database answers with an index probe per enrolment. (The certificate check correlates on
    keys only: the database hashes it by itself.)"""
    if isinstance(condition, Exists):
        return condition.query.model is EmploymentRecord
    return isinstance(condition, Q) and any(_windowed(c) for c in condition.children)


def _indicator_flags(rows) -> tuple[dict, dict[int, str]]:
    """(the columns of the flags of one of the enrolments `rows`, by name; per indicator n the
    name of its numerator's flag): den_n, whether it is in indicator n's denominator, and
    hit_k, whether it meets the numerator condition k (facts.indicator_conditions) and is in a
    denominator that reads it, each distinct condition once (placement and 就业率 share theirs).
    An employment condition (_windowed) is the set of the enrolments meeting it (`id IN (…)`):
    the database finds them with one hashed join over the employment records instead of an
    index probe per enrolment, and looks each enrolment up in the set."""
    flags, hits, uses = {}, {}, {}
    for n, code in enumerate(INDICATORS_ROLLED_UP):
        den, hit = facts.indicator_conditions(code)
        flags[f"den_{n}"] = ExpressionWrapper(Q(den), output_field=BooleanField())
        # Two conditions are the same when their SQL is.
        key = str(rows.filter(hit).query)
        hits.setdefault(key, hit)
        uses.setdefault(key, []).append(n)
    numerator = {}
    for k, (key, hit) in enumerate(hits.items()):
        read_by = reduce(or_, (Q(facts.indicator_conditions(INDICATORS_ROLLED_UP[n])[0])
                               for n in uses[key]))  # fmt: skip
        if _windowed(hit):
            condition = Q(id__in=rows.filter(read_by, hit).values("id"))
        else:
            condition = Q(read_by, hit)
        flags[f"hit_{k}"] = ExpressionWrapper(condition, output_field=BooleanField())
        numerator.update(dict.fromkeys(uses[key], f"hit_{k}"))
    return flags, numerator


def _insert_indicators(cursor, first: date, last: date | None) -> dict[str, int]:
    """The enrolments of classes that ended in first..last with their flags (_indicator_flags)
    grouped by class end day and dimensions, every indicator's denominator and numerator
    counted in the same pass (a temporary table), then one row per indicator and group whose
    denominator is not empty; rows written per indicator."""
    rows = facts.in_period(facts.indicator_rows(), first, last)
    flags, numerator = _indicator_flags(rows)
    flagged = rows.annotate(**flags).values(*INDICATOR_DIMENSIONS, *flags).order_by()
    inner, params = flagged.query.sql_with_params()
    dims = ", ".join(f"x.{_q(name)}" for name in INDICATOR_DIMENSIONS)
    counts = []
    for n in range(len(INDICATORS_ROLLED_UP)):
        den, hit = f"x.{_q(f'den_{n}')}", f"x.{_q(numerator[n])}"
        counts += [f"COUNT(CASE WHEN {den} THEN 1 END) AS {_q(f'den_{n}')}",
                   f"COUNT(CASE WHEN {den} AND {hit} THEN 1 END) AS {_q(f'num_{n}')}"]  # fmt: skip
    cursor.execute(f"DROP TABLE IF EXISTS {_q(INDICATOR_TABLE)}")
    # Only the SQL of the queryset above and the names above enter; values are parameters.
    # MATERIALIZED: the flags computed once per enrolment, where a subquery would be merged
    # into the grouping and each flag evaluated again in every count that reads it.
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_q(INDICATOR_TABLE)} AS "  # noqa: S608
        f"WITH x AS MATERIALIZED ({inner}) "
        f"SELECT {dims}, {', '.join(counts)} FROM x GROUP BY {dims}",
        params,
    )
    g = {name: f"g.{_q(name)}" for name in INDICATOR_DIMENSIONS}
    written = {}
    for n, code in enumerate(INDICATORS_ROLLED_UP):
        num, den = f"g.{_q(f'num_{n}')}", f"g.{_q(f'den_{n}')}"
        select = [
            g["day"], "%s", g["org_path"], "COALESCE(r.county, '')", "COALESCE(r.city, '')",
            g["dept_id"], g["department_path"], g["inst_id"], num, den,
        ]  # fmt: skip
        # Only model metadata and the names above enter the SQL; values are parameters.
        cursor.execute(
            f"INSERT INTO {_q(IndicatorCount._meta.db_table)} "  # noqa: S608
            f"({_columns(IndicatorCount, INDICATOR_COLUMNS)}) "
            f"SELECT {', '.join(select)} FROM {_q(INDICATOR_TABLE)} g "
            f"LEFT JOIN {_q(REGION_TABLE)} r ON r.path = {g['org_path']} WHERE {den} > 0",
            [code],
        )
        written[code] = cursor.rowcount
    cursor.execute(f"DROP TABLE {_q(INDICATOR_TABLE)}")
    return written


def _rebuild_indicators(cursor, ranges, bulk: bool) -> dict[str, int]:
    """Replace the indicator rollup's rows of the ranges (indicator_ranges) with new ones; in a
    long rebuild (bulk) that leaves no row outside them, the table is emptied at once
    (TRUNCATE, as the measures': no dead rows for the readers to step over) and analysed
    after."""
    inside = reduce(or_, (Q(day__gte=first) & (Q(day__lte=last) if last else Q())
                          for first, last in ranges))  # fmt: skip
    truncate = bulk and not IndicatorCount.objects.exclude(inside).exists()
    if truncate:
        cursor.execute(f"TRUNCATE {_q(IndicatorCount._meta.db_table)}")
    else:
        IndicatorCount.objects.filter(inside).delete()
    written = dict.fromkeys(INDICATORS_ROLLED_UP, 0)
    for first, last in ranges:
        for code, n in _insert_indicators(cursor, first, last).items():
            written[code] += n
    if truncate:
        cursor.execute(f"ANALYZE {_q(IndicatorCount._meta.db_table)}")
    return {f"indicator:{code}": n for code, n in written.items()}


def _bulk(start: date, end: date) -> bool:
    """Whether a rebuild of start..end replaces the rows in bulk (BULK_DAYS, PostgreSQL)."""
    return connection.vendor == "postgresql" and (end - start).days + 1 >= BULK_DAYS


def _tune(cursor) -> None:
    if connection.vendor == "postgresql":
        for name, value in POSTGRESQL_SETTINGS.items():
            cursor.execute(f"SET LOCAL {name} = {value}")


@transaction.atomic
def rebuild(start: date, end: date, *, today: date | None = None) -> dict[str, int]:
    """Recount every measure for the days start..end (both included), and every indicator for
    the classes that ended in start..end or from today - indicator_recount_days() on
    (indicator_ranges; today: the local date); returns rows written per measure and per
    indicator ("indicator:<code>"). One INSERT … SELECT for the measures and one grouping per
    indicator range: nothing passes through Python."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        _tune(cursor)
        _region_table(cursor, Regions())
        _fact_table(cursor, start, end)
        written = _insert_measure_rows(cursor, start, end)
        ranges = indicator_ranges(start, end, today)
        written.update(_rebuild_indicators(cursor, ranges, _bulk(start, end)))
        for table in (FACT_TABLE, REGION_TABLE):
            cursor.execute(f"DROP TABLE {_q(table)}")
    return written
