"""The daily snapshot (002 §五(三) 日统计): every measure's year-to-date per place and funding
department as the rollup says it now, copied into `Snapshot` once per day and KEPT.

`take(day)` copies with one INSERT … SELECT … GROUP BY from the rollup (no row passes through
Python) and, for the indicators, one grouped count per indicator and part. It is idempotent per
day: a day already taken is left as it was, so a later recount of the rollup (a certificate
revoked, a completion recorded late) never changes what was reported then. "As of a past day"
reads that day's snapshot; the week's change is the difference of two snapshots.
"""

from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jineng.core.models import Organisation
from jineng.core.roles import require_actor
from jineng.reports.models import Snapshot, SnapshotDay
from jineng.reports.readers import SYSTEM
from jineng.stats import selectors as stats
from jineng.stats.measures import INDICATORS, NO_DATA
from jineng.stats.models import DailyCount
from jineng.stats.rollup import ROLLED_UP, Regions

PARTS = ("numerator", "denominator")
GROUP = ("org_path", "county_code", "city_code", "department_id", "department_path")


def year_start(day: date) -> date:
    return date(day.year, 1, 1)


def _copy_measures(day: date) -> int:
    snapshot, rollup = Snapshot._meta.db_table, DailyCount._meta.db_table
    columns = ", ".join(GROUP)
    placeholders = ", ".join(["%s"] * len(ROLLED_UP))
    # Table and column names are the models' own; every value is a parameter.
    sql = (
        f"INSERT INTO {snapshot} (day, measure, part, {columns}, value) "  # noqa: S608
        f"SELECT %s, measure, '', {columns}, SUM(value) FROM {rollup} "
        f"WHERE category = '' AND day >= %s AND day <= %s AND measure IN ({placeholders}) "
        f"GROUP BY measure, {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, year_start(day), day, *ROLLED_UP])
        return cursor.rowcount


def _copy_indicators(day: date) -> int:
    regions, rows = Regions(), []
    for code in INDICATORS:
        if code in NO_DATA:
            continue
        sets = stats.indicator_sets(SYSTEM, code, year_start(day), day, today=day)
        for part, queryset in zip(PARTS, reversed(sets), strict=True):
            grouped = (
                queryset.annotate(
                    dept_path=Coalesce(F("department_path"), Value("")),
                    dept_id=F("training_class__funding_department_id"),
                )
                .values("org_path", "dept_path", "dept_id")
                .annotate(n=Count("id"))
                .order_by()
            )
            for row in grouped:
                county, city = regions.of(row["org_path"])
                rows.append(Snapshot(
                    day=day, measure=code, part=part, org_path=row["org_path"],
                    county_code=county, city_code=city, department_id=row["dept_id"],
                    department_path=row["dept_path"], value=row["n"],
                ))  # fmt: skip
    return len(Snapshot.objects.bulk_create(rows, batch_size=2000))


@transaction.atomic
def take(day: date) -> SnapshotDay:
    """Keep the snapshot of `day` (year-to-date up to and including it); a day already taken
    is returned unchanged. The system's own work (the cadence, the demo) or a signed-in user:
    nobody else (fail closed)."""
    require_actor()
    marker, created = SnapshotDay.objects.select_for_update().get_or_create(day=day)
    if not created:
        return marker
    written = _copy_measures(day) + _copy_indicators(day)
    SnapshotDay.objects.filter(pk=marker.pk).update(rows=written, taken_at=timezone.now())
    marker.refresh_from_db()
    return marker


def is_taken(day: date) -> bool:
    return SnapshotDay.objects.filter(day=day).exists()


def _rows(user, day: date, measure: str, part: str = "", region: Organisation | None = None):
    rows = Snapshot.objects.filter(day=day, measure=measure, part=part)
    condition = stats.scope_q(user)
    rows = rows.none() if condition is None else rows.filter(condition)
    if region is not None:
        rows = rows.filter(org_path__startswith=region.path)
    return rows


def as_of(user, day: date, measure: str, by: str | None = None, *, part: str = "",
          region: Organisation | None = None) -> dict | None:  # fmt: skip
    """Year-to-date of a measure as reported on `day` (its kept snapshot), within the reader's
    scope: {"total": n}, or {county code | department id: n} with by="county"/"department".
    None when no snapshot of that day was kept."""
    if not is_taken(day):
        return None
    rows = _rows(user, day, measure, part, region)
    if by is None:
        return {"total": rows.aggregate(n=Sum("value"))["n"] or 0}
    column = {"county": "county_code", "department": "department_id"}[by]
    grouped = rows.values(column).annotate(n=Sum("value")).order_by(column)
    return {row[column]: row["n"] for row in grouped}


def kept_days(since: date | None = None):
    days = SnapshotDay.objects.all()
    if since:
        days = days.filter(day__gte=since)
    return days.values_list("day", flat=True)
