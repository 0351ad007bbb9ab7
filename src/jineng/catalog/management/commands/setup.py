"""`jineng setup [--region CODE] [--admin USERNAME]`: a real start from nothing, after `jineng
migrate`. Loads the reference catalogs, the national GB/T 2260 code list with its history and
the policy packs; with --region creates the bureau tree of that province or city; with --admin
creates the first system administrator (password from JINENG_ADMIN_PASSWORD, or typed).

Idempotent; prints one JSON line of what it did. A refusal (an unknown region, a weak password)
is one line on stderr, exit status 1, and leaves the database as it was.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jineng.catalog import setup
from jineng.core import audit
from jineng.core.management.prerequisites import password_from, require_migrated


class Command(BaseCommand):
    help = (
        "Prepare an empty installation: catalogs, GB/T 2260 regions, policy packs, the bureau "
        "tree of a region and the first system administrator (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", metavar="CODE",
                            help="a province or city (e.g. 411400): its bureau, those above it "
                            "and one per region under it")  # fmt: skip
        parser.add_argument("--admin", default="", metavar="USERNAME",
                            help="create this system administrator (password from "
                            "JINENG_ADMIN_PASSWORD, or typed)")  # fmt: skip

    def handle(self, *args, region, admin, **options):
        require_migrated()
        region = region.strip()
        if region and not (region.isdecimal() and len(region) == 6):
            raise CommandError(f"--region takes a six-digit GB/T 2260 code, not {region!r}")
        account = None
        if admin:
            account = setup.Admin(admin.strip(), password_from("JINENG_ADMIN_PASSWORD"))
        try:
            with audit.system_context("command:setup"):
                summary = setup.run(region=region or None, admin=account)
        except ValidationError as problem:
            raise CommandError(" ".join(problem.messages)) from None
        self.stdout.write(json.dumps(summary, ensure_ascii=False, sort_keys=True))
