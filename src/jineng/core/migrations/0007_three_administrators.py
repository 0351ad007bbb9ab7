"""三权分立 (GB/T 22239-2019 8.1.5): the one system administrator becomes three roles.

The safest way for the accounts that exist: each system administrator stays a system
administrator (organisations, catalogs, policy packs, settings) and loses, with the capabilities
moved to the new roles, the management of accounts and the reading of the audit log. No account
is given a role it did not have: the host's operator creates the security and the audit
administrator with `jineng createuser --role security_admin|audit_admin`. Each such account gets
an audit entry saying so (chained by the next migration, 0007_audit_hash_chain).
"""

from django.db import migrations, models
from django.utils import timezone, translation
from django.utils.translation import gettext

from jineng.core.roles import NARROWED_SYSTEM_ADMIN


def narrow_system_administrators(apps, schema_editor):
    UserRole = apps.get_model("core", "UserRole")
    AuditEntry = apps.get_model("core", "AuditEntry")
    with translation.override("zh-hans"):
        message = gettext(NARROWED_SYSTEM_ADMIN)
    for assignment in UserRole.objects.filter(role="system_admin").select_related("user"):
        user = assignment.user
        AuditEntry.objects.create(
            at=timezone.now(),
            actor_label="system:migration",
            action="update",
            object_type="core.user",
            object_id=str(user.pk),
            object_repr=(user.full_name or user.username)[:200],
            org_path=user.organisation.path if user.organisation_id else "",
            message=message[:300],
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0006_two_factor_and_token_expiry")]

    operations = [
        migrations.AlterField(
            model_name="userrole",
            name="role",
            field=models.CharField(
                choices=[
                    ("worker", "Worker"),
                    ("institution_staff", "Training institution staff"),
                    ("evaluation_staff", "Evaluation organisation staff"),
                    ("reviewer", "Bureau reviewer"),
                    ("department_staff", "Industry department staff"),
                    ("finance_audit", "Finance / audit (read-only)"),
                    ("system_admin", "System administrator"),
                    ("security_admin", "Security administrator"),
                    ("audit_admin", "Audit administrator"),
                ],
                max_length=30,
                verbose_name="role",
            ),
        ),
        migrations.AddConstraint(
            model_name="userrole",
            constraint=models.UniqueConstraint(
                condition=models.Q(("role__in", ["audit_admin", "security_admin", "system_admin"])),
                fields=("user",),
                name="one_administrator_role_per_user",
                violation_error_message="One account cannot hold two administrator roles.",
            ),
        ),
        migrations.RunPython(narrow_system_administrators, migrations.RunPython.noop),
    ]
