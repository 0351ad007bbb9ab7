from datetime import timedelta

from django.db import migrations, models

# No token lives for ever any more (issue 20, finding 8): one issued without an expiry gets the
# longest lifetime a token may now be given, counted from its creation.
LONGEST_LIFETIME = timedelta(days=180)


def give_every_token_an_expiry(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    for token in ApiToken.objects.filter(expires_at__isnull=True):
        token.expires_at = token.created_at + LONGEST_LIFETIME
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_statechange"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        # Two-factor sign-in: django-otp's TOTP device with its secret encrypted (core.twofactor).
        migrations.CreateModel(
            name="TwoFactorDevice",
            fields=[],
            options={
                "verbose_name": "authenticator app",
                "verbose_name_plural": "authenticator apps",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_totp.totpdevice",),
        ),
        migrations.AlterModelOptions(
            name="apitoken",
            options={
                "ordering": ["-created_at", "-id"],
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
            },
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked at"),
        ),
        migrations.RunPython(give_every_token_an_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]
