"""What the tests of the monthly partitions (core.partitions) share: they need PostgreSQL (SQLite
keeps one table), and they read a value or a row's partition with plain SQL."""

import pytest
from django.conf import settings
from django.db import connection

postgresql_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="partitions are PostgreSQL's (DATABASE_URL=postgres://...); SQLite keeps one table",
)


def value(sql, params=()):
    """The first column of the first row of a query."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def partition_of(table: str, pk: int) -> str:
    """The partition that holds the row `pk` of a partitioned table."""
    return value(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])  # noqa: S608
