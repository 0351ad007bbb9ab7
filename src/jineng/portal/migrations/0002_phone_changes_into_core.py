"""The phone changes move into the one service of every one-time code (core.phonecodes,
core.PhoneCode of the purpose "phone change"), which keeps the new number sealed beside the code;
portal's own PhoneChange table goes. Every row is kept with its worker, sealed number, masked
number, times and wrong tries: the worker's history of phone changes, in their copy of their
data (PIPL art. 45). A code still waiting no longer works (its hash was computed otherwise, and
codes live minutes). Reversible."""

from django.db import migrations
from django.utils import timezone

from jineng.core import crypto

FIELDS = ("user_id", "phone_masked", "code_hash", "created_at", "tries", "confirmed_at")


def _phone_hash(cipher) -> str:
    """The number's look-up hash, as core.phonecodes keeps it; empty for a value that does not
    open (its key is not configured): the row is history, never looked up by its number."""
    try:
        return crypto.lookup_hash(crypto.decrypt(bytes(cipher), "phone"), "phone")
    except Exception:  # noqa: BLE001 - InvalidTag, UnknownKey, "unknown encryption format"
        return ""


def into_core(apps, schema_editor):
    old = apps.get_model("portal", "PhoneChange")
    shared = apps.get_model("core", "PhoneCode")
    now = timezone.now()
    rows = []
    for row in old.objects.order_by("id").iterator(chunk_size=2000):
        rows.append(
            shared(
                purpose="phone_change",
                phone_hash=_phone_hash(row.phone_cipher),
                phone_cipher=bytes(row.phone_cipher),
                expires_at=row.expires_at if row.confirmed_at else min(row.expires_at, now),
                **{name: getattr(row, name) for name in FIELDS},
            )
        )
    shared.objects.bulk_create(rows, batch_size=2000)


def back_from_core(apps, schema_editor):
    old = apps.get_model("portal", "PhoneChange")
    shared = apps.get_model("core", "PhoneCode")
    codes = shared.objects.filter(purpose="phone_change", user__isnull=False)
    old.objects.bulk_create(
        [
            old(
                phone_cipher=bytes(row.phone_cipher or b""),
                expires_at=row.expires_at,
                **{name: getattr(row, name) for name in FIELDS},
            )
            for row in codes.order_by("id").iterator(chunk_size=2000)
        ],
        batch_size=2000,
    )
    shared.objects.filter(purpose="phone_change").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("core", "0011_phone_codes"),
    ]

    operations = [
        migrations.RunPython(into_core, back_from_core),
        migrations.DeleteModel(name="PhoneChange"),
    ]
