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
from django.db.models import Q, Sum
from django.utils import timezone

from jineng.core.models import Organisation
from jineng.core.roles import require_actor
from jineng.reports.models import Snapshot, SnapshotDay
from jineng.stats import facts
from jineng.stats import selectors as stats
from jineng.stats.models import DailyCount, IndicatorCount
from jineng.stats.rollup import ROLLED_UP

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
    """Each indicator's numerator and denominator per place and funding department, for the
    classes that ended from 1 January to `day`, from the indicator rollup (IndicatorCount) with
    one INSERT … SELECT … GROUP BY per part: nothing is recounted from the enrolments. An
    indicator that waits (retention: the pack's stay_days) waits from `day`."""
    rows = IndicatorCount.objects.filter(day__gte=year_start(day), day__lte=day)
    for code, condition in facts.waiting(day).items():
        rows = rows.exclude(Q(indicator=code) & condition)
    written, quote = 0, connection.ops.quote_name
    columns = ", ".join(GROUP)
    with connection.cursor() as cursor:
        for part in PARTS:
            grouped = (
                rows.values("indicator", *GROUP)
                .annotate(part_value=Sum(part))
                .filter(part_value__gt=0)
                .order_by()
            )
            inner, params = grouped.query.sql_with_params()
            selected = ", ".join(f"g.{quote(name)}" for name in GROUP)
            # Table and column names are the models' own; every value is a parameter.
            sql = (
                f"INSERT INTO {Snapshot._meta.db_table} "  # noqa: S608
                f"(day, measure, part, {columns}, value) "
                f"SELECT %s, g.{quote('indicator')}, %s, {selected}, g.{quote('part_value')} "
                f"FROM ({inner}) g"
            )
            cursor.execute(sql, [day, part, *params])
            written += cursor.rowcount
    return written


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


def kept_for_stats(user, day: date, code: str, by: str | None, region: Organisation | None,
                   department: Organisation | None) -> dict | None:  # fmt: skip
    """The statistics' "as of a past day" (stats.hooks.kept_snapshot): a measure (its rollup
    code) year-to-date as the snapshot of `day` kept it, within the reader's scope, narrowed to
    a region and a funding department; None when that day was not kept or `by` is a dimension
    the snapshot does not keep (city, institution, occupation, category, month)."""
    marker = SnapshotDay.objects.filter(day=day).first()
    if marker is None or by not in (None, "county", "department"):
        return None
    rows = _rows(user, day, code, region=region)
    if department is not None:
        rows = rows.filter(department_path__startswith=department.path)
    total = rows.aggregate(n=Sum("value"))["n"] or 0
    grouped = {}
    if by is not None:
        column = {"county": "county_code", "department": "department_id"}[by]
        values = rows.values(column).annotate(n=Sum("value")).order_by(column)
        grouped = {row[column]: row["n"] for row in values}
    return {"taken_at": marker.taken_at, "total": total, "by": grouped}
