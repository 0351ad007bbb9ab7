"""The audit log partitioned by month of its chain day on PostgreSQL (issue 21: "the audit log,
ledger lines ... partitioned by month"; core migration 0012, core.partitions). The append-only
guard and the hash chain hold across partitions and across a move out of the default partition.
SQLite keeps one table: these tests need the PostgreSQL run."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from jineng.core import audit, chain, partitions
from jineng.core.models import AuditEntry
from tests import partitioned
from tests.partitioned import postgresql_only, value

pytestmark = [pytest.mark.django_db, postgresql_only]
ZONE = ZoneInfo(settings.TIME_ZONE)
FAR = date(2031, 5, 1)  # a month no migration or earlier run made a partition for


def partition_of(entry: AuditEntry) -> str:
    return partitioned.partition_of("core_auditentry", entry.pk)


def refused(statement: str, params: list) -> None:
    """The statement fails on the append-only guard (and is rolled back on its own)."""
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)


def write(message: str) -> AuditEntry:
    with audit.system_context("test"):
        return audit.record("update", message=message)


def test_the_audit_log_is_partitioned_by_its_chain_day_with_a_default_partition():
    (table,) = [t for t in partitions.tables() if t.table == "core_auditentry"]
    assert (table.column, table.column_type) == ("chain_day", "date")
    assert table.default == "core_auditentry_default"
    this_month = partitions.first_of_month(datetime.now(ZONE).date())
    assert partitions.partition_name("core_auditentry", this_month) in table.partitions
    entry = write("today")
    assert partition_of(entry) == partitions.partition_name("core_auditentry", entry.chain_day)


def test_every_partition_keeps_the_append_only_guard():
    entry = write("guarded")
    month = partition_of(entry)
    for statement in (
        f"UPDATE {month} SET message = 'rewritten' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {month} WHERE id = %s",  # noqa: S608
        "UPDATE core_auditentry SET message = 'rewritten' WHERE id = %s",
    ):
        refused(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).message == "guarded"


def test_a_chain_position_is_still_unique():
    entry = write("first")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.create(
            action="update", message="a forged second entry at the same position",
            chain_day=entry.chain_day, lane=entry.lane, seq=entry.seq, hash="x" * 64,
        )  # fmt: skip


def test_entries_of_a_month_without_partition_wait_in_the_default_one_and_move_out_whole():
    """A month the monthly run did not prepare: the entries are kept in the default partition
    (never refused), and `ensure` moves them out although the guard refuses every UPDATE and
    DELETE; their hashes and the chain are unchanged."""
    with time_machine.travel(datetime(2031, 5, 20, 9, 0, tzinfo=ZONE), tick=False):
        first, second = write("far 1"), write("far 2")
    assert partition_of(first) == partition_of(second) == "core_auditentry_default"
    hashes = dict(AuditEntry.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "hash"))

    done = partitions.ensure(today=FAR, months_ahead=0)

    assert done["core_auditentry"] == {"created": ["core_auditentry_p2031_05"], "moved": 2}
    assert partition_of(first) == partition_of(second) == "core_auditentry_p2031_05"
    moved = dict(AuditEntry.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "hash"))
    assert moved == hashes
    assert value("SELECT count(*) FROM core_auditentry_default") == 0
    assert chain.verify().broken is None
    # The moved rows are as guarded as any.
    refused("DELETE FROM core_auditentry WHERE id = %s", [first.pk])
