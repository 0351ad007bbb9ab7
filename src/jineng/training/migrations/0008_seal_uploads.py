from django.db import migrations

from jineng.core.seal_migration import SealUploads

# The signed commitments (承诺书), stored in clear until now, sealed with the data key (issue 20; 等保三级 8.1.4.8).
UPLOADS = SealUploads("training", "Commitment", "content", "training.commitment.content")


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0007_device_keys"),
    ]

    operations = [
        migrations.RunPython(UPLOADS.seal, UPLOADS.unseal, elidable=False),
    ]
