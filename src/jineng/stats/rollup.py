"""Rebuild the daily rollups (DailyCount, IndicatorCount) for a day range: for each measure,
the facts of the range grouped by day and dimensions in the database (one aggregate query, no
loop over people), the old rows of the range deleted and the new ones inserted by INSERT …
SELECT with the county and city of each organisation (a temporary table), in one transaction;
likewise each indicator's numerator and denominator by class end day, over that range and the
last INDICATOR_RECOUNT_DAYS days (late facts). Running it twice gives the same rows."""

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.stats import facts
from jineng.stats.measures import (
    EMPLOYMENT_WINDOW_DAYS,
    INDICATORS,
    MEASURES,
    NO_DATA,
    STAY_DAYS,
    TRAINING_AT_ENROLMENT,
)
from jineng.stats.models import DailyCount, IndicatorCount

ROLLED_UP = (*MEASURES, TRAINING_AT_ENROLMENT)
INDICATORS_ROLLED_UP = tuple(code for code in INDICATORS if code not in NO_DATA)
# Facts arrive late for the indicators: an employment record counts up to 90 days after the
# class ended (placement, EMPLOYMENT_WINDOW_DAYS), retention looks at the 180th day
# (STAY_DAYS), and insurance records are entered after the fact. So every rebuild recounts the
# indicators of the classes that ended in the last STAY_DAYS + 30 days (and of those ending
# later), whatever day range the measures get.
INDICATOR_RECOUNT_DAYS = max(STAY_DAYS, EMPLOYMENT_WINDOW_DAYS) + 30
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


def _region_table(cursor, regions: Regions) -> None:
    """A temporary table of every organisation's path with its county and city (Regions.of),
    which the insert joins: the codes are decided once per organisation, not once per row."""
    quote = connection.ops.quote_name
    cursor.execute(f"DROP TABLE IF EXISTS {quote(REGION_TABLE)}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {quote(REGION_TABLE)} "
        "(path varchar(255) PRIMARY KEY, county varchar(12), city varchar(12))"
    )
    paths = Organisation.objects.values_list("path", flat=True)
    cursor.executemany(
        f"INSERT INTO {quote(REGION_TABLE)} (path, county, city) VALUES (%s, %s, %s)",  # noqa: S608
        [(path, *regions.of(path)) for path in paths],
    )


def _insert(cursor, measure: str, grouped, category: str | None = None) -> int:
    """INSERT … SELECT the grouped facts (DIMENSIONS and `value`, and `cat_code` when
    category is None on a category query) with their county and city, in the database."""
    quote = connection.ops.quote_name
    inner, params = grouped.query.sql_with_params()
    g = {name: f"g.{quote(name)}" for name in (*DIMENSIONS, "value", "cat_code")}
    category_sql = "%s" if category is not None else g["cat_code"]
    select = [
        g["day"], "%s", g["org_path"], "COALESCE(r.county, '')", "COALESCE(r.city, '')",
        g["dept_id"], g["department_path"], g["inst_id"], g["occ_id"], category_sql, g["value"],
    ]  # fmt: skip
    # Only model metadata and the names above enter the SQL; values are parameters.
    sql = (
        f"INSERT INTO {quote(DailyCount._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(DailyCount._meta.get_field(c).column) for c in COLUMNS)}) "
        f"SELECT {', '.join(select)} FROM ({inner}) g "
        f"LEFT JOIN {quote(REGION_TABLE)} r ON r.path = g.{quote('org_path')}"
    )
    cursor.execute(sql, [measure, *([category] if category is not None else []), *params])
    return cursor.rowcount


INDICATOR_COLUMNS = (
    "day", "indicator", "org_path", "county_code", "city_code", "department_id",
    "department_path", "institution_id", "numerator", "denominator",
)  # fmt: skip
INDICATOR_DIMENSIONS = ("day", "org_path", "department_path", "dept_id", "inst_id")


def indicator_ranges(start: date, end: date, today: date) -> list[tuple[date, date | None]]:
    """The class end days whose indicators a rebuild of start..end recounts: start..end and
    every day from today - INDICATOR_RECOUNT_DAYS on (None: no end, classes ending later
    included), one range when they meet."""
    recent = today - timedelta(days=INDICATOR_RECOUNT_DAYS)
    if end >= recent - timedelta(days=1):
        return [(min(start, recent), None)]
    return [(start, end), (recent, None)]


def _insert_indicator(cursor, code: str, first: date, last: date | None) -> int:
    """INSERT … SELECT one indicator's denominator and numerator, grouped by class end day and
    dimensions in the database, for classes that ended in first..last."""
    quote = connection.ops.quote_name
    den, hit = facts.indicator_facts(code)
    grouped = (
        facts.in_period(den, first, last)
        .values(*INDICATOR_DIMENSIONS)
        .annotate(value_num=Count("id", filter=hit), value_den=Count("id"))
        .order_by()
    )
    inner, params = grouped.query.sql_with_params()
    g = {name: f"g.{quote(name)}" for name in (*INDICATOR_DIMENSIONS, "value_num", "value_den")}
    select = [
        g["day"], "%s", g["org_path"], "COALESCE(r.county, '')", "COALESCE(r.city, '')",
        g["dept_id"], g["department_path"], g["inst_id"], g["value_num"], g["value_den"],
    ]  # fmt: skip
    columns = (quote(IndicatorCount._meta.get_field(c).column) for c in INDICATOR_COLUMNS)
    # Only model metadata and the names above enter the SQL; values are parameters.
    sql = (
        f"INSERT INTO {quote(IndicatorCount._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(select)} FROM ({inner}) g "
        f"LEFT JOIN {quote(REGION_TABLE)} r ON r.path = g.{quote('org_path')}"
    )
    cursor.execute(sql, [code, *params])
    return cursor.rowcount


def _rebuild_indicators(cursor, ranges) -> dict[str, int]:
    written = dict.fromkeys(INDICATORS_ROLLED_UP, 0)
    for first, last in ranges:
        old = IndicatorCount.objects.filter(day__gte=first)
        (old if last is None else old.filter(day__lte=last)).delete()
        for code in INDICATORS_ROLLED_UP:
            written[code] += _insert_indicator(cursor, code, first, last)
    return {f"indicator:{code}": n for code, n in written.items()}


@transaction.atomic
def rebuild(start: date, end: date, *, today: date | None = None) -> dict[str, int]:
    """Recount every measure for the days start..end (both included), and every indicator for
    the classes that ended in start..end or from today - INDICATOR_RECOUNT_DAYS on
    (indicator_ranges; today: the local date); returns rows written per measure and per
    indicator ("indicator:<code>"). Each measure is three INSERT … SELECT statements (its rows,
    its rows per person category, its rows of persons without one), each indicator one per
    range: nothing passes through Python."""
    today = today or timezone.localdate()
    DailyCount.objects.filter(day__gte=start, day__lte=end).delete()
    written = {}
    with connection.cursor() as cursor:
        _region_table(cursor, Regions())
        for measure in ROLLED_UP:
            rows = facts.in_period(facts.facts(measure), start, end)
            main = rows.values(*DIMENSIONS).annotate(value=Count("id")).order_by()
            with_cat, without = facts.with_category(rows)
            by_cat = (
                with_cat.annotate(cat_code=F(facts.CATEGORY))
                .values(*DIMENSIONS, "cat_code")
                .annotate(value=Count("id", distinct=True))
                .order_by()
            )
            no_cat = without.values(*DIMENSIONS).annotate(value=Count("id")).order_by()
            written[measure] = (
                _insert(cursor, measure, main, "")
                + _insert(cursor, measure, by_cat)
                + _insert(cursor, measure, no_cat, "-")
            )
        written.update(_rebuild_indicators(cursor, indicator_ranges(start, end, today)))
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(REGION_TABLE)}")
    return written
