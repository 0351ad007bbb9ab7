"""The history of each institution moves into the one shared history (core.StateChange,
written by core.states.move); the app's own StateChange table goes. Reversible."""

from django.db import migrations

from jineng.core.history_migration import OldHistory

HISTORY = OldHistory(
    app_label="institutions",
    model="StateChange",
    subject="institution",
    subject_model="institution",
    org_path="institution__organisation__path",
    owner="",
    has_document=True,
)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0005_evaluationorg_register_code_and_more"),
        ("core", "0005_statechange"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(HISTORY.into_core, HISTORY.back_from_core),
        migrations.DeleteModel(name="StateChange"),
    ]
