from django.core.management import call_command
from django.core.management.base import BaseCommand

from jineng.core import audit, demo


class Command(BaseCommand):
    help = (
        "Prepare the embedded demo: migrate, collect static files, load reference and demo data "
        "(idempotent), and print the demo logins."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        with audit.audit_context(actor=None):
            report = demo.load()
        self.stdout.write(
            f"demo data: {report.created_orgs} organisations and "
            f"{report.created_users} users created"
            + (
                " (nothing to do: already loaded)"
                if not (report.created_orgs or report.created_users)
                else ""
            )
        )
        self.stdout.write(f"demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, roles, organisation in demo.logins():
            self.stdout.write(f"  {username:<16} {roles}  ·  {organisation}")
