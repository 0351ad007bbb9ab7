"""The migrations of the three administrators (0007) and of the hash chain (0008) on a database
that already has entries and a system administrator: run as a process on a database of its own
(tests/core/migrate_audit_probe.py), on SQLite, and on PostgreSQL when DATABASE_URL names one."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url

PROBE = Path(__file__).with_name("migrate_audit_probe.py")


def postgres_database():
    """A throwaway PostgreSQL database on the server of DATABASE_URL, or None."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None

    config = dj_database_url.parse(url)
    name = f"jineng_migprobe_{uuid.uuid4().hex[:8]}"
    admin = {
        "host": config["HOST"],
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    return admin, name, url.rsplit("/", 1)[0] + "/" + name


def test_existing_entries_are_chained_and_system_administrators_narrowed(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "JINENG_DEBUG": "1",
        "JINENG_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "jineng.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.db'}",
    }
    postgres = postgres_database()
    if postgres is not None:
        import psycopg

        admin, name, env["DATABASE_URL"] = postgres
        with psycopg.connect(**admin) as server:
            server.execute(f'CREATE DATABASE "{name}"')
    try:
        result = subprocess.run(
            [sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=300
        )
    finally:
        if postgres is not None:
            with psycopg.connect(**admin) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{name}"')
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    # Five entries of two past days, then the migration's own note: every chain holds.
    assert "broken: None entries: 6 chains: 3" in out, out
    assert "('2026-03-01', 3), ('2026-03-02', 2)" in out, out
    assert "narrowed: system:migration 三权分立" in out, out
    assert "roles: ['system_admin']" in out, out  # kept, nothing more given
