from django.db import migrations

from jineng.core.seal_migration import SealUploads

# The enterprises' size-class evidence files, stored in clear until now, sealed with the data key (issue 20; 等保三级 8.1.4.8).
UPLOADS = SealUploads(
    "institutions", "Enterprise", "evidence_content", "institutions.enterprise.evidence_content"
)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0009_credit_file_of_institutions"),
    ]

    operations = [
        migrations.RunPython(UPLOADS.seal, UPLOADS.unseal, elidable=False),
    ]
