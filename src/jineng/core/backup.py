"""Backup and restore of the database (docs/operations.md), never of the keys.

SQLite: the online backup API of sqlite3 (a consistent copy while the platform runs, WAL
included). PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore --single-transaction`.
Either is written to a temporary file beside the target and renamed when complete, so a backup
that fails leaves no partial file. A restore goes into an empty database only.

Personal data stays sealed in the backup (core.crypto): the data key is not in the database and
so never in a backup; `--keys-to FILE` writes the keys to a file of their own (mode 0600) that is
to be kept apart from the backups.
"""

import base64
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

from jineng.core import crypto

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done: one line saying why and what to do."""


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backup of a {vendor} database is not supported")
    return vendor


def _pg_environment() -> dict:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):  # fmt: skip
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (the PostgreSQL client tools)")
    result = subprocess.run(
        command, env=_pg_environment(), capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        problem = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{command[0]} failed: {problem}")


def backup(path: Path) -> Path:
    """Write a backup of the database to `path` (which must not exist yet)."""
    path = path.resolve()
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new file")
    if not path.parent.is_dir():
        raise BackupError(f"there is no directory {path.parent}")
    temporary = path.with_name(f".{path.name}.partial")
    temporary.unlink(missing_ok=True)
    try:
        if engine() == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(temporary)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={temporary}"])  # fmt: skip
        os.chmod(temporary, 0o600)  # sealed, yet names and organisations are in clear
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def backup_kind(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as problem:
        raise BackupError(f"cannot read {path}: {problem.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a jineng backup (neither SQLite nor pg_dump's custom format)")


def table_names() -> list[str]:
    return connection.introspection.table_names()


def restore(path: Path) -> int:
    """Restore a backup into the configured database, which must be empty; the tables made."""
    path = path.resolve()
    kind = backup_kind(path)
    if kind != engine():
        raise BackupError(
            f"{path} is a {kind} backup and the database is {engine()}: restore it into a "
            f"{kind} database"
        )
    existing = table_names()
    if existing:
        raise BackupError(
            f"the database is not empty ({len(existing)} tables): restore only into a new, "
            "empty database (create one, point DATABASE_URL or JINENG_DATA_DIR at it)"
        )
    if kind == "sqlite":
        _restore_sqlite(path)
    else:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", f"--dbname={settings.DATABASES['default']['NAME']}",
              str(path)])  # fmt: skip
    connection.close()
    return len(table_names())


def _restore_sqlite(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is damaged (SQLite quick_check failed)")
        found = source.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()[0]
        if not found:
            raise BackupError(f"{path} is an SQLite file but not a jineng database")
        connection.close()
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            source.backup(target)  # one step: the copy is whole or not made
        finally:
            target.close()
    except sqlite3.DatabaseError as problem:
        raise BackupError(f"{path} cannot be read as SQLite: {problem}") from None
    finally:
        source.close()


def keys_file_text() -> str:
    """The data keys as environment lines (JINENG_DATA_KEY, JINENG_DATA_KEYS_OLD, JINENG_CRYPTO)."""
    ring = crypto.ring()

    def encoded(material: bytes) -> str:
        return base64.urlsafe_b64encode(material).decode()

    old = ",".join(
        encoded(material) if len(suites) > 1 else f"{suites[0]}:{encoded(material)}"
        for suites, material in ring.old
    )
    return (
        "# jineng data keys: keep this file apart from the backups (a backup without them\n"
        "# cannot be read; these without a backup give nothing).\n"
        f"JINENG_DATA_KEY={encoded(ring.current)}\n"
        f"JINENG_DATA_KEYS_OLD={old}\n"
        f"JINENG_CRYPTO={ring.suite}\n"
    )


def check_keys_path(path: Path, backup_path: Path) -> Path:
    """Where the keys may go: a new file, not in the backup's own directory."""
    path = path.resolve()
    if path.parent == backup_path.resolve().parent:
        raise BackupError(
            "--keys-to must not be in the backup's directory: keep the keys apart from the data"
        )
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new file")
    if not path.parent.is_dir():
        raise BackupError(f"there is no directory {path.parent}")
    return path


def write_keys(path: Path, backup_path: Path) -> Path:
    """Write the keys to `path`, mode 0600, readable by the owner only."""
    path = check_keys_path(path, backup_path)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(keys_file_text())
    return path


def unreadable_after_restore() -> dict[str, int] | None:
    """Sealed values whose key is not configured here, by key id (None: the restored schema is
    not this version's yet, `jineng migrate` first)."""
    from jineng.core import keys

    try:
        state = keys.status()
    except DatabaseError:
        return None
    known = {crypto.key_id(material) for material in crypto.ring().materials()}
    missing: dict[str, int] = {}
    for model in state:
        for column in model.columns:
            for header, count in column.headers.items():
                kid = header[2 : crypto.HEADER_BYTES]
                if header[:1] == crypto.FORMAT_V2 and kid not in known:
                    missing[kid.hex()] = missing.get(kid.hex(), 0) + count
    return missing
