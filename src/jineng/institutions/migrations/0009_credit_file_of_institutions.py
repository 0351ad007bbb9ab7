"""Institutions get a credit file too (a confirmed finding of the data comparison writes a line).
Going back, the examiners' file cannot hold an institution's lines: they are removed first."""

import django.db.models.deletion
from django.db import migrations, models


def drop_institution_lines(apps, schema_editor):
    apps.get_model("institutions", "CreditEvent").objects.filter(examiner__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0008_institution_listing"),
    ]

    operations = [
        migrations.AddField(
            model_name="creditevent",
            name="institution",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="credit_file",
                to="institutions.institution",
            ),
        ),
        migrations.AlterField(
            model_name="creditevent",
            name="examiner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="credit_file",
                to="institutions.examiner",
            ),
        ),
        # Backwards this runs before the examiner is required again.
        migrations.RunPython(migrations.RunPython.noop, drop_institution_lines),
        migrations.AddConstraint(
            model_name="creditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("examiner__isnull", False), ("institution__isnull", True)),
                    models.Q(("examiner__isnull", True), ("institution__isnull", False)),
                    _connector="OR",
                ),
                name="credit_event_one_holder",
            ),
        ),
    ]
