"""Rebuild the daily rollup (DailyCount) for a day range: for each measure, the facts of the range
grouped by day and dimensions in the database (one aggregate query, no loop over people), the
old rows of the range deleted and the new ones inserted by INSERT … SELECT with the county and
city of each organisation (a temporary table), in one transaction. Running it
twice gives the same rows."""

from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F

from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.stats import facts
from jineng.stats.measures import MEASURES, TRAINING_AT_ENROLMENT
from jineng.stats.models import DailyCount

ROLLED_UP = (*MEASURES, TRAINING_AT_ENROLMENT)
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


@transaction.atomic
def rebuild(start: date, end: date) -> dict[str, int]:
    """Recount every measure for the days start..end (both included); returns rows written per
    measure. Each measure is three INSERT … SELECT statements (its rows, its rows per person
    category, its rows of persons without one): nothing passes through Python."""
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
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(REGION_TABLE)}")
    return written
