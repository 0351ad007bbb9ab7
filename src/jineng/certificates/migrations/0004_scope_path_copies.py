"""The certificate's scope reads three organisation paths copied onto the row
(core.scope.PathCopies); existing certificates are filled from their relations. Their indexes
are the next migration's: PostgreSQL creates no index in the transaction that updated the
table (its foreign keys' checks are still pending)."""

from django.db import migrations, models

from jineng.core.scope import refresh_path_copies

COLUMNS = ("holder_org_path", "issuer_org_path", "class_org_path")
PATH_COPIES = (
    ("holder_org_path", "person__organisation__path"),
    ("issuer_org_path", "evaluation_org__organisation__path"),
    ("class_org_path", "training_class__institution__organisation__path"),
)


def fill(apps, schema_editor):
    certificate = apps.get_model("certificates", "Certificate")
    refresh_path_copies(certificate.objects.all(), PATH_COPIES)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_list_order_index"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="certificate",
                name=column,
                field=models.CharField(blank=True, default="", editable=False, max_length=255),
            )
            for column in COLUMNS
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
