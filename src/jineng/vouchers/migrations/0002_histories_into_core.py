"""The history of each voucher moves into the one shared history (core.StateChange,
written by core.states.move); the app's own VoucherStateChange table goes. Reversible."""

from django.db import migrations

from jineng.core.history_migration import OldHistory

HISTORY = OldHistory(
    app_label="vouchers",
    model="VoucherStateChange",
    subject="voucher",
    subject_model="voucher",
    org_path="voucher__organisation__path",
    owner="voucher__person__user",
    has_document=False,
)


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0001_initial"),
        ("core", "0005_statechange"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(HISTORY.into_core, HISTORY.back_from_core),
        migrations.DeleteModel(name="VoucherStateChange"),
    ]
