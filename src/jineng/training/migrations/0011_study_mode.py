"""A class's study mode (issue 17, check 3): full-time (全日制) or part-time (非全日制). Every
existing class gets full-time, what supervision read every class as before the mode was
recorded (the safe reading: it keeps the check as strict as it was)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0010_places"),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingclass",
            name="study_mode",
            field=models.CharField(
                choices=[
                    ("full_time", "full-time (全日制)"),
                    ("part_time", "part-time (非全日制, e.g. evenings and weekends)"),
                ],
                default="full_time",
                max_length=10,
                verbose_name="study mode",
            ),
        ),
        migrations.AddConstraint(
            model_name="trainingclass",
            constraint=models.CheckConstraint(
                condition=models.Q(("study_mode__in", ["full_time", "part_time"])),
                name="class_study_mode_known",
            ),
        ),
    ]
