"""The indexes of the certificate's copied scope paths (LIKE 'prefix%' on PostgreSQL needs the
pattern operator class: the collation is not C)."""

from django.db import migrations, models

COLUMNS = ("holder_org_path", "issuer_org_path", "class_org_path")


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0004_scope_path_copies"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(
                fields=[column], name=f"certificate_{column}", opclasses=["varchar_pattern_ops"]
            ),
        )
        for column in COLUMNS
    ]
