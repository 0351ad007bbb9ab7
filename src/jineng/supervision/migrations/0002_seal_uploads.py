from django.db import migrations

from jineng.core.seal_migration import SealUploads

# The on-site check photos, stored in clear until now, sealed with the data key (issue 20; 等保三级 8.1.4.8).
UPLOADS = SealUploads("supervision", "OnSitePhoto", "content", "supervision.onsitephoto.content")


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_findings_runs_onsite_checks"),
    ]

    operations = [
        migrations.RunPython(UPLOADS.seal, UPLOADS.unseal, elidable=False),
    ]
