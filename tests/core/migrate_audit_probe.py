"""Run by tests/core/test_audit_migrations.py in a process of its own: a database at core
0005 with a system administrator and entries of two days, migrated to the end."""

from datetime import UTC, datetime

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "core", "0005_statechange", verbosity=0)
    state = MigrationExecutor(connection).loader.project_state(("core", "0005_statechange"))
    old = state.apps
    org = old.get_model("core", "Organisation").objects.create(
        kind="bureau", name="省厅", code="410000", path="/0000001/"
    )
    user = old.get_model("core", "User").objects.create(
        username="oldadmin", password="!", organisation=org, is_staff=True, is_superuser=True
    )
    old.get_model("core", "UserRole").objects.create(user=user, role="system_admin")
    for day, n in ((1, 3), (2, 2)):
        for i in range(n):
            old.get_model("core", "AuditEntry").objects.create(
                at=datetime(2026, 3, day, 2, i, tzinfo=UTC), action="update",
                actor_label="old", message=f"old {day}.{i}",
            )  # fmt: skip
    call_command("migrate", verbosity=0)

    from jineng.core import chain
    from jineng.core.models import AuditChainHead, AuditEntry, UserRole

    report = chain.verify()
    print("broken:", report.broken, "entries:", report.entries, "chains:", report.chains)
    print("heads:", sorted((h.day.isoformat(), h.count) for h in AuditChainHead.objects.all()))
    note = AuditEntry.objects.get(object_type="core.user", object_id=str(user.pk))
    print("narrowed:", note.actor_label, note.message)
    print("roles:", list(UserRole.objects.values_list("role", flat=True)))


if __name__ == "__main__":
    main()
