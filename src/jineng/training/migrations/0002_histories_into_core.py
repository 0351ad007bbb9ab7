"""The history of each trainingclass moves into the one shared history (core.StateChange,
written by core.states.move); the app's own ClassStateChange table goes. Reversible."""

from django.db import migrations

from jineng.core.history_migration import OldHistory

HISTORY = OldHistory(
    app_label="training",
    model="ClassStateChange",
    subject="training_class",
    subject_model="trainingclass",
    org_path="training_class__institution__organisation__path",
    owner="",
    has_document=False,
)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("core", "0005_statechange"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(HISTORY.into_core, HISTORY.back_from_core),
        migrations.DeleteModel(name="ClassStateChange"),
    ]
