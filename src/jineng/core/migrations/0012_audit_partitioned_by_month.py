"""The audit log partitioned by month of its chain day, on PostgreSQL (core.partitions): the
append-only table that grows with every write, login and view of personal data of a province.

The partition key is `chain_day` (the Asia/Shanghai date of `at`, the day of the entry's hash
chain, core.chain): the chain's unique position (chain_day, lane, seq) already holds it, so it
stays exactly as strict; the primary key becomes (id, chain_day), so chain_day cannot be NULL
(every entry is chained when written). An archive (`jineng audit archive`) removes whole days,
so a month's partition empties as one. The append-only triggers are made again on the
partitioned table, so every month has them. SQLite keeps one table. Going back leaves the table
partitioned (the earlier code reads and writes it the same)."""

from django.db import migrations

from jineng.core.partitions import partition_table


def partition(apps, schema_editor):
    partition_table(schema_editor, "core_auditentry", "chain_day")


class Migration(migrations.Migration):
    dependencies = [("core", "0011_phone_codes")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
