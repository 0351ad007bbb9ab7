"""The history of each claim moves into the one shared history (core.StateChange,
written by core.states.move); the app's own ClaimStateChange table goes. Reversible."""

from django.db import migrations

from jineng.core.history_migration import OldHistory

HISTORY = OldHistory(
    app_label="claims",
    model="ClaimStateChange",
    subject="claim",
    subject_model="claim",
    org_path="claim__organisation__path",
    owner="",
    has_document=False,
)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("core", "0005_statechange"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(HISTORY.into_core, HISTORY.back_from_core),
        migrations.DeleteModel(name="ClaimStateChange"),
    ]
