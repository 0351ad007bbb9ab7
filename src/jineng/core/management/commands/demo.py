from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from jineng.core import audit, demo

# Each app that has demo data offers a `load()` in its demo module; they run in this order,
# later ones standing on earlier ones. Every load is idempotent.
DEMO_LOADERS = [
    "jineng.catalog.demo",  # first: `jineng setup --region 411400` (catalogs, regions, bureaus)
    "jineng.core.demo",
    "jineng.people.demo",
    "jineng.institutions.demo",
    "jineng.training.demo",
    "jineng.certificates.demo",
    "jineng.evaluation.demo",
    "jineng.vouchers.demo",  # vouchers settle against the certificates of the demos before
    "jineng.claims.demo",  # last: claims for the classes, evaluations and people of all the rest
]


class Command(BaseCommand):
    help = (
        "Prepare the embedded demo: migrate, collect static files, load reference and demo data "
        "(idempotent), and print the demo logins."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        with audit.audit_context(actor=None), transaction.atomic():
            for name in DEMO_LOADERS:
                result = import_module(name).load()
                self.stdout.write(f"{name.split('.')[1]}: {result}")
        self.stdout.write(f"demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, roles, organisation in demo.logins():
            self.stdout.write(f"  {username:<16} {roles}  ·  {organisation}")
