"""The database part the benchmarks share (bench/stats.py, bench/audit.py, bench/audit_chain.py,
bench/verify.py, bench/site_load.py, bench/checkin_load.py): the environment Django runs in (in
this process, or for a server or script the benchmark starts), which database a run builds its
data set in (PostgreSQL: a scratch database dropped afterwards, or one kept with --keep for the
next run of the same sizes, known by a meta table; SQLite in a temporary directory for --smoke
without DATABASE_URL), the bulk loading of rows (COPY on PostgreSQL) and the statistics and size
of the database built."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ours(name: str) -> bool:
    return name.startswith(("JINENG_", "DJANGO_")) or name == "DATABASE_URL"


def clean_environment() -> dict[str, str]:
    """This process's environment without the project's settings (JINENG_*, DJANGO_*,
    DATABASE_URL): the start of the environment of a server or script a benchmark runs."""
    return {name: value for name, value in os.environ.items() if not _ours(name)}


def environment(database_url: str | None) -> None:
    """The environment the project's settings read: a fresh data directory and keys, the
    database given (SQLite in the data directory when None)."""
    import base64
    import secrets

    for name in list(os.environ):
        if _ours(name):
            del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="jineng.settings",
        JINENG_DATA_DIR=tempfile.mkdtemp(prefix="jineng-bench-"),
        JINENG_SECRET_KEY=secrets.token_urlsafe(50),
        JINENG_DATA_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        JINENG_HTTPS="0",
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url


def process_environment(data_dir: Path, database_url: str | None = None, **settings) -> dict:
    """The environment of a `jineng` process a benchmark starts (a server, a set-up script):
    this one's without the project's settings, the demo's data directory (its keys), the
    database given (SQLite in the data directory when None) and any JINENG_* `settings`."""
    env = clean_environment()
    env.update(JINENG_DEMO="1", JINENG_DATA_DIR=str(data_dir), **settings)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def postgres_reachable(url: str) -> bool:
    """Whether the PostgreSQL server of `url` answers (a benchmark falls back to SQLite)."""
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 - any failure to connect means no
        return False


@contextlib.contextmanager
def scratch(server_url: str | None) -> Iterator[str | None]:
    """A scratch PostgreSQL database on the server of `server_url`, dropped afterwards (the
    tests' own, tests/live.py); None (SQLite) without a URL."""
    if not server_url:
        yield None
        return
    for path in (ROOT, ROOT / "src"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    from tests.live import scratch_postgres

    with scratch_postgres(server_url) as url:
        yield url


def close_connections() -> None:
    """Close Django's connections, if Django was set up (a scratch database is dropped next)."""
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def main(args, script: str, *, meta_table: str, matches: Callable[[object], bool],
         run: Callable[..., int]) -> int:  # fmt: skip
    """Choose the database of the run and call `run(args, database_url, reused)`. Without
    DATABASE_URL naming PostgreSQL only --smoke runs (SQLite). --drop drops the kept database;
    without --keep a scratch database is made and dropped; with --keep the database
    args.database is made, or reused when its meta table's value `matches`."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        if not args.smoke:
            print(f"{script} needs DATABASE_URL naming a PostgreSQL server (or --smoke)")
            return 2
        return run(args, None, reused=False)
    from tests.live import _server_url, create_database, drop_database, scratch_postgres

    if args.drop:
        drop_database(url, args.database)
        print(f"dropped {args.database}")
        return 0
    if not args.keep:
        with scratch_postgres(url) as scratch:
            return run(args, scratch, reused=False)
    import psycopg

    with psycopg.connect(_server_url(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [args.database]).fetchone()  # fmt: skip
    if exists:
        with psycopg.connect(_server_url(url, args.database)) as conn:
            try:
                kept = json.loads(conn.execute(f"SELECT value FROM {meta_table}").fetchone()[0])  # noqa: S608 - a constant name
            except (psycopg.Error, TypeError):
                kept = None
        if not matches(kept):
            print(f"{args.database} holds another data set: run with --drop first")
            return 2
    else:
        create_database(url, args.database)
    return run(args, _server_url(url, args.database), reused=bool(exists))


def keep_meta(table: str, value) -> None:
    """What the kept database holds, for the next run (PostgreSQL only: SQLite is not kept)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} (value text)")
        cursor.execute(f"INSERT INTO {table} VALUES (%s)", [json.dumps(value)])  # noqa: S608


def read_meta(table: str):
    """The value keep_meta wrote, in the database of the run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table}")  # noqa: S608 - a constant name
        return json.loads(cursor.fetchone()[0])


# --- loading rows ------------------------------------------------------------------------------


class Loader:
    """Rows of one model as tuples of `columns` (attnames); every other concrete field takes its
    default (computed once) or NULL. COPY on PostgreSQL, core.bulk.insert elsewhere."""

    def __init__(self, model, columns: list[str]):
        from django.db import connection

        self.model, self.columns, self.connection = model, columns, connection
        self.pg = connection.vendor == "postgresql"
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        missing = [name for name in columns if name not in fields]
        if missing:
            raise SystemExit(f"{model.__name__} has no field {missing}")
        self.tail_names, self.tail = [], []
        for name, field in fields.items():
            if name in columns:
                continue
            if field.null and not field.has_default():
                continue
            value = field.get_default()  # "" for a text field without a default
            if value is None and not field.null:
                raise SystemExit(f"{model.__name__}.{name} needs a value in the bench")
            self.tail_names.append(name)
            self.tail.append(field.get_db_prep_save(value, connection) if self.pg else value)
        self.tail = tuple(self.tail)

    def load(self, rows) -> int:
        count = 0
        if self.pg:
            quote = self.connection.ops.quote_name
            names = ", ".join(quote(self.model._meta.get_field(n).column)
                              for n in (*self.columns, *self.tail_names))  # fmt: skip
            sql = f"COPY {quote(self.model._meta.db_table)} ({names}) FROM STDIN"
            self.connection.ensure_connection()
            with self.connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row + self.tail)
                    count += 1
            self.connection.connection.commit()
            return count
        from django.db import transaction

        from jineng.core import bulk

        names = (*self.columns, *self.tail_names)
        batch = []
        for row in rows:
            batch.append(dict(zip(names, row + self.tail, strict=True)))
            if len(batch) == 20_000:
                with transaction.atomic():
                    bulk.insert(self.model, batch)
                count, batch = count + len(batch), []
        with transaction.atomic():
            bulk.insert(self.model, batch)
        return count + len(batch)


def first_id(model, count: int) -> int:
    """Rows just loaded into an empty table have consecutive ids: the first one."""
    from django.db.models import Count, Max, Min

    span = model.objects.aggregate(lo=Min("id"), hi=Max("id"), n=Count("id"))
    if span["n"] != count or span["hi"] - span["lo"] + 1 != count:
        raise SystemExit(f"{model.__name__}: expected {count} consecutive ids, got {span}")
    return span["lo"]


# --- the database built ------------------------------------------------------------------------


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            return cursor.fetchone()[0]
    path = Path(connection.settings_dict["NAME"])
    return f"{path.stat().st_size / 1e6:.0f} MB"
