"""The registration's one-time codes move into the one service of every one-time code
(core.phonecodes, core.PhoneCode of the purpose "register"); offers' own PhoneCode table goes.
Every row is kept (the codes used are the record of how each account's phone was confirmed);
a code still waiting no longer works (its hash was computed otherwise, and codes live minutes).
Reversible."""

from django.db import migrations
from django.utils import timezone

FIELDS = ("phone_hash", "code_hash", "ip", "created_at", "tries")


def into_core(apps, schema_editor):
    old = apps.get_model("offers", "PhoneCode")
    shared = apps.get_model("core", "PhoneCode")
    now = timezone.now()
    rows = []
    for row in old.objects.order_by("id").iterator(chunk_size=2000):
        confirmed = row.confirmed_at or (row.created_at if row.used else None)
        rows.append(
            shared(
                purpose="register",
                confirmed_at=confirmed,
                expires_at=row.expires_at if confirmed else min(row.expires_at, now),
                **{name: getattr(row, name) for name in FIELDS},
            )
        )
    shared.objects.bulk_create(rows, batch_size=2000)


def back_from_core(apps, schema_editor):
    old = apps.get_model("offers", "PhoneCode")
    shared = apps.get_model("core", "PhoneCode")
    codes = shared.objects.filter(purpose="register")
    old.objects.bulk_create(
        [
            old(
                expires_at=row.expires_at,
                confirmed_at=row.confirmed_at,
                used=row.confirmed_at is not None,
                **{name: getattr(row, name) for name in FIELDS},
            )
            for row in codes.order_by("id").iterator(chunk_size=2000)
        ],
        batch_size=2000,
    )
    codes.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0001_initial"),
        ("core", "0011_phone_codes"),
    ]

    operations = [
        migrations.RunPython(into_core, back_from_core),
        migrations.DeleteModel(name="PhoneCode"),
    ]
