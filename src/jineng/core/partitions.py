"""Monthly partitions of the tables that grow without bound, on PostgreSQL.

A province stores hundreds of millions of attendance events. On PostgreSQL such a table is
partitioned by month (declarative partitioning, PARTITION BY RANGE on one time column): a month's
rows are one table of their own with its own indexes, a query that names a time range reads only
its months, and old months can be detached and archived whole. SQLite keeps one table; the code
that reads and writes the model is the same on both.

- `partition_table()` turns an existing table into a partitioned one (used by a migration, on
  PostgreSQL only): the same columns, the same indexes, foreign keys and triggers (created on
  the parent, so every partition has them), its rows copied over. PostgreSQL asks that the
  primary key and every unique constraint include the partition key, so the key becomes (id,
  month column) and each unique constraint gets the month column added; `id` stays unique by
  its sequence, and Django still addresses rows by `id`. A table that other tables point at (a
  foreign key to it) is refused: PostgreSQL cannot point a foreign key at part of a partitioned
  table's key.
- Every partitioned table has a DEFAULT partition: a row whose month has no partition of its own
  (a device whose clock says 1970, or the maintenance not run) is stored there, never refused,
  so an 8 a.m. peak never fails on a missed monthly job. `ensure()` then gives such months their
  own partitions and moves the rows out of the default one, so the default stays empty in normal
  running; `status()` shows how many rows wait there. The move updates and deletes no row (it
  copies them and empties the detached default with TRUNCATE), so it works on the audit log,
  whose triggers refuse both.
- `ensure()` (`jineng partitions ensure`, run monthly) creates the partitions of this month and
  the coming ones. It is idempotent and safe to run from several machines at once (an advisory
  lock makes the runs take turns).

Partitions are named `<table>_pYYYY_MM` and `<table>_default`; months are counted in the
platform's time zone (settings.TIME_ZONE), as the pages and statistics count them.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import connections, transaction

MONTHS_AHEAD = 3  # partitions kept ready beyond the current month
LOCK_KEY = 72_201_021  # pg_advisory_xact_lock: one maintenance run at a time


@dataclass
class Partitioned:
    """A partitioned table as the database describes it."""

    table: str
    column: str
    column_type: str  # "timestamp with time zone" or "date"
    partitions: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # name → bounds

    @property
    def default(self) -> str | None:
        return next((name for name, bounds in self.partitions.items() if bounds is None), None)


def is_postgresql(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def partition_name(table: str, month: date) -> str:
    return f"{table}_p{month:%Y_%m}"


def _bound(month: date, column_type: str) -> str:
    """The SQL literal of a month's first instant (in the platform's zone) or first day."""
    if column_type == "date":
        return f"'{month.isoformat()}'"
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime(month.year, month.month, 1, tzinfo=zone)
    return f"'{start.isoformat()}'::timestamptz"


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def tables(using: str = "default") -> list[Partitioned]:
    """The partitioned tables of the database, with their partitions (PostgreSQL; else none)."""
    if not is_postgresql(using):
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_partitioned_table p
            JOIN pg_class c ON c.oid = p.partrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
            WHERE p.partstrat = 'r' AND p.partnatts = 1
            ORDER BY c.relname
            """
        )
        found = [Partitioned(*row) for row in cursor.fetchall()]
        for table in found:
            cursor.execute(
                """
                SELECT child.relname, pg_get_expr(child.relpartbound, child.oid)
                FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid
                WHERE i.inhparent = %s::regclass ORDER BY child.relname
                """,
                [table.table],
            )
            for name, bound in cursor.fetchall():
                table.partitions[name] = None if bound == "DEFAULT" else bound
    return found


def _months_in_default(cursor, connection, table: Partitioned) -> list[date]:
    column = _quote(connection, table.column)
    if table.column_type == "date":
        expression = f"date_trunc('month', {column})::date"
    else:
        expression = f"date_trunc('month', {column} AT TIME ZONE %s)::date"
    cursor.execute(
        f"SELECT DISTINCT {expression} FROM {_quote(connection, table.default)}",  # noqa: S608
        [] if table.column_type == "date" else [settings.TIME_ZONE],
    )
    return sorted(row[0] for row in cursor.fetchall() if row[0] is not None)


def _create_partition(cursor, connection, table: Partitioned, month: date) -> str:
    """Create the month's partition (no rows of that month may wait in the default one)."""
    name = partition_name(table.table, month)
    start, end = _bound(month, table.column_type), _bound(next_month(month), table.column_type)
    cursor.execute(
        f"CREATE TABLE {_quote(connection, name)} PARTITION OF {_quote(connection, table.table)} "
        f"FOR VALUES FROM ({start}) TO ({end})"
    )
    table.partitions[name] = f"FROM ({start}) TO ({end})"
    return name


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _move_out_of_default(cursor, connection, table: Partitioned, months: list[date]) -> int:
    """Create the months' partitions while their rows wait in the default partition; the rows
    moved. Every month found in the default one is among `months`, so all its rows move.

    The default partition is detached (PostgreSQL refuses a new partition whose rows its default
    holds), the partitions made, the default's rows inserted again through the parent (each into
    its month), the detached default emptied with TRUNCATE and attached again. No row is updated
    or deleted, so a table whose triggers refuse UPDATE and DELETE (the audit log) moves as well,
    and every value, a hash chain's included, is copied as it was. A partition key cannot be NULL
    (it is part of the primary key), so every row has a month."""
    parent, default = _quote(connection, table.table), _quote(connection, table.default)
    columns = ", ".join(_quote(connection, name) for name in _columns(cursor, table.table))
    cursor.execute(f"ALTER TABLE {parent} DETACH PARTITION {default}")
    for month in months:
        _create_partition(cursor, connection, table, month)
    cursor.execute(f"INSERT INTO {parent} ({columns}) SELECT {columns} FROM {default}")  # noqa: S608
    moved = cursor.rowcount
    # TRUNCATE refuses a table with foreign-key checks still pending (rows written earlier in an
    # enclosing transaction): run them now, then defer again as Django's constraints are.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"TRUNCATE {default}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {default} DEFAULT")
    return moved


def ensure(*, today: date | None = None, months_ahead: int = MONTHS_AHEAD,
           using: str = "default") -> dict[str, dict]:  # fmt: skip
    """Create the partitions of this month and the next `months_ahead`, and of every month whose
    rows wait in a default partition; {table: {"created": [names], "moved": rows}}."""
    if not is_postgresql(using):
        return {}
    today = today or datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    wanted = [first_of_month(today)]
    for _ in range(months_ahead):
        wanted.append(next_month(wanted[-1]))
    connection = connections[using]
    done: dict[str, dict] = {}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for table in tables(using):
            waiting = _months_in_default(cursor, connection, table) if table.default else []
            missing = sorted(
                month for month in {*wanted, *waiting}
                if partition_name(table.table, month) not in table.partitions
            )  # fmt: skip
            moved = 0
            if waiting:
                moved = _move_out_of_default(cursor, connection, table, missing)
            else:
                for month in missing:
                    _create_partition(cursor, connection, table, month)
            created = [partition_name(table.table, month) for month in missing]
            done[table.table] = {"created": created, "moved": moved}
    return done


def status(using: str = "default") -> list[dict]:
    """Each partitioned table: its partitions with their rows (the default one's rows are those
    `ensure` has still to move)."""
    found = []
    with connections[using].cursor() as cursor:
        for table in tables(using):
            parts = []
            for name, bounds in table.partitions.items():
                cursor.execute(f"SELECT count(*) FROM {_quote(connections[using], name)}")  # noqa: S608
                parts.append(
                    {"name": name, "bounds": bounds or "DEFAULT", "rows": cursor.fetchone()[0]}
                )
            found.append({"table": table.table, "column": table.column, "partitions": parts})
    return found


# --- turning a table into a partitioned one (migrations) ---------------------------------------


def partition_table(schema_editor, table: str, column: str, *,
                    months_ahead: int = MONTHS_AHEAD) -> None:  # fmt: skip
    """Make `table` partitioned by month on `column` (PostgreSQL; on another database nothing).

    In one transaction (the migration's): the table is renamed aside, a partitioned table of the
    same columns is made with a default partition and the months of the rows and the coming
    ones, the rows are copied, the old table dropped, and its primary key (plus `column`), unique
    constraints (plus `column`), checks, foreign keys, indexes and triggers made again under
    their names.
    An identity `id` becomes a sequence of the table's (PostgreSQL 15 has no identity column on
    a partitioned table), continuing from the highest id."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    old = f"{table}__unpartitioned"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [table])
        if cursor.fetchone():
            return  # already partitioned: the migration run again after going back (a no-op)
        cursor.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint WHERE confrelid = %s::regclass "
            "AND contype = 'f' AND conrelid <> confrelid",
            [table],
        )
        pointing = [row[0] for row in cursor.fetchall()]
        if pointing:
            raise RuntimeError(
                f"{table} cannot be partitioned: {', '.join(pointing)} point at it with a "
                "foreign key, which PostgreSQL allows only to a whole unique key of the table"
            )
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid), "
            "ARRAY(SELECT attname FROM unnest(conkey) WITH ORDINALITY k(num, pos) "
            "      JOIN pg_attribute ON attrelid = conrelid AND attnum = k.num ORDER BY k.pos) "
            "FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))"
            "::regclass AND c.conrelid = %s::regclass) ORDER BY i.indexname",
            [table, table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
            "AND NOT tgisinternal ORDER BY tgname",
            [table],
        )
        triggers = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attidentity <> '' AND NOT attisdropped",
            [table],
        )
        identities = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = %s",
            [table, column],
        )
        column_type = cursor.fetchone()[0]

        cursor.execute(f"ALTER TABLE {quote(table)} RENAME TO {quote(old)}")
        cursor.execute(
            f"CREATE TABLE {quote(table)} (LIKE {quote(old)} INCLUDING DEFAULTS "
            f"INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({quote(column)})"
        )
        cursor.execute(
            f"CREATE TABLE {quote(table + '_default')} PARTITION OF {quote(table)} DEFAULT"
        )
        described = Partitioned(table, column, column_type, {f"{table}_default": None})
        zoned = "" if column_type == "date" else " AT TIME ZONE %s"
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', {quote(column)}{zoned})::date FROM {quote(old)}",  # noqa: S608
            [] if column_type == "date" else [settings.TIME_ZONE],
        )
        today = datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
        months = {row[0] for row in cursor.fetchall() if row[0] is not None}
        month = first_of_month(today)
        for _ in range(months_ahead + 1):
            months.add(month)
            month = next_month(month)
        for month in sorted(months):
            _create_partition(cursor, connection, described, month)
        cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {quote(old)}")  # noqa: S608
        cursor.execute(f"DROP TABLE {quote(old)}")
        for name in identities:
            sequence = f"{table}_{name}_seq"
            cursor.execute(
                f"CREATE SEQUENCE {quote(sequence)} OWNED BY {quote(table)}.{quote(name)}"
            )
            cursor.execute(
                f"SELECT setval(%s, COALESCE((SELECT max({quote(name)}) FROM {quote(table)}), 0) + 1, false)",  # noqa: E501,S608
                [sequence],
            )
            cursor.execute(
                f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(name)} "
                f"SET DEFAULT nextval('{sequence}'::regclass)"
            )
        for name, kind, definition, columns in constraints:
            if kind in ("p", "u"):
                keyed = [*columns, column] if column not in columns else columns
                listed = ", ".join(quote(c) for c in keyed)
                what = "PRIMARY KEY" if kind == "p" else "UNIQUE"
                definition = f"{what} ({listed})"
            elif kind not in ("f", "c"):
                continue
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for _name, definition in indexes:  # read before the rename: they name `table`
            cursor.execute(definition)
        for definition in triggers:  # the same: made on the parent, every partition has them
            cursor.execute(definition)
