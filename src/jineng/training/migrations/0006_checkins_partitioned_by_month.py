"""Attendance events partitioned by month of their device time, on PostgreSQL (core.partitions).

SQLite keeps one table; the models and their state are unchanged. On PostgreSQL the primary key
becomes (id, device_time) and the unique (device, event id) becomes (device, event id, device
time): a device resends an event with its own clock's time, so a repeat still meets the
constraint, and the services look the (device, event id) up before storing a batch. Nothing
points at training_checkin with a foreign key. Going back leaves the table partitioned (the
earlier code reads and writes it the same)."""

from django.db import migrations

from jineng.core.partitions import partition_table


def partition(apps, schema_editor):
    partition_table(schema_editor, "training_checkin", "device_time")


class Migration(migrations.Migration):
    dependencies = [("training", "0005_history_classes")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
