"""Places (issue 17): a class's training site (its venue's WGS-84 position and accepted radius),
a session's own site, and the position a device reports with a check-in.

The check-in's three columns are nullable without a default: on PostgreSQL, ALTER TABLE ... ADD
COLUMN on the partitioned training_checkin (0006) adds them to every partition, present and
future, without rewriting a row; SQLite adds them to its one table."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("core", "0010_worker_heartbeat"),
        ("institutions", "0010_seal_uploads"),
        ("training", "0009_list_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkin",
            name="accuracy",
            field=models.FloatField(blank=True, null=True, verbose_name="accuracy (m)"),
        ),
        migrations.AddField(
            model_name="checkin",
            name="latitude",
            field=models.FloatField(blank=True, null=True, verbose_name="latitude"),
        ),
        migrations.AddField(
            model_name="checkin",
            name="longitude",
            field=models.FloatField(blank=True, null=True, verbose_name="longitude"),
        ),
        migrations.AddField(
            model_name="session",
            name="site_address",
            field=models.CharField(blank=True, max_length=200, verbose_name="site address"),
        ),
        migrations.AddField(
            model_name="session",
            name="site_latitude",
            field=models.FloatField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(-90),
                    django.core.validators.MaxValueValidator(90),
                ],
                verbose_name="site latitude",
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="site_longitude",
            field=models.FloatField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(-180),
                    django.core.validators.MaxValueValidator(180),
                ],
                verbose_name="site longitude",
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="site_radius",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(100000),
                ],
                verbose_name="site radius (m)",
            ),
        ),
        migrations.AddField(
            model_name="trainingclass",
            name="site_latitude",
            field=models.FloatField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(-90),
                    django.core.validators.MaxValueValidator(90),
                ],
                verbose_name="site latitude",
            ),
        ),
        migrations.AddField(
            model_name="trainingclass",
            name="site_longitude",
            field=models.FloatField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(-180),
                    django.core.validators.MaxValueValidator(180),
                ],
                verbose_name="site longitude",
            ),
        ),
        migrations.AddField(
            model_name="trainingclass",
            name="site_radius",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(100000),
                ],
                verbose_name="site radius (m)",
            ),
        ),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("site_latitude__isnull", True), ("site_longitude__isnull", True)),
                    models.Q(("site_latitude__isnull", False), ("site_longitude__isnull", False)),
                    _connector="OR",
                ),
                name="session_site_whole",
            ),
        ),
        migrations.AddConstraint(
            model_name="trainingclass",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("site_latitude__isnull", True), ("site_longitude__isnull", True)),
                    models.Q(("site_latitude__isnull", False), ("site_longitude__isnull", False)),
                    _connector="OR",
                ),
                name="class_site_whole",
            ),
        ),
    ]
