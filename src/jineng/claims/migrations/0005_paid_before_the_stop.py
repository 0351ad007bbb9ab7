"""Paid before the stop (issue 17): a payment that the bank made before a finding's stop (止付)
reached it is recorded paid with the bank's day and reference and the finding's number. Existing
payments get none (empty, null): no such outcome was recorded before."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_list_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="bank_reference",
            field=models.CharField(blank=True, max_length=64, verbose_name="bank's reference"),
        ),
        migrations.AddField(
            model_name="payment",
            name="before_stop_of",
            field=models.CharField(
                blank=True, max_length=20, verbose_name="paid before the stop of finding"
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="paid_on",
            field=models.DateField(blank=True, null=True, verbose_name="paid by the bank on"),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("before_stop_of", ""),
                    models.Q(
                        ("outcome", "paid"),
                        ("paid_on__isnull", False),
                        models.Q(("bank_reference", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="payment_before_stop_paid_with_reference",
            ),
        ),
    ]
