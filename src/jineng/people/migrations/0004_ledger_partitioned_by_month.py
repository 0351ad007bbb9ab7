"""A person's ledger lines partitioned by month of their time, on PostgreSQL (core.partitions):
an append-only table that grows with every enrolment, certificate and payment of a province.

SQLite keeps one table; the model and its state are unchanged. On PostgreSQL the primary key
becomes (id, at); the ledger has no other unique key, and nothing points at a ledger line with a
foreign key. The index (person, at) that serves a person's ledger is made on every month.
Going back leaves the table partitioned (the earlier code reads and writes it the same)."""

from django.db import migrations

from jineng.core.partitions import partition_table


def partition(apps, schema_editor):
    partition_table(schema_editor, "people_ledgerevent", "at")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_licences")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
