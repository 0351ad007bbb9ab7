"""`jineng targets load-annex`: load 002 (附件1, 附件2, §三, §二(二)) as 商丘市's target plans.

On an empty database after `jineng setup --region 411400` the bureaus exist but not the city
departments of 附件2: the command creates the missing ones (codes DEPT-411400-01…28 in the
seed's order, as the demo does) before loading, unless --no-departments is given."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from jineng.core import audit
from jineng.targets import load


class Command(BaseCommand):
    help = "Load 002's target plans of 商丘市 (idempotent)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        annex = sub.add_parser("load-annex", help="002 附件1/附件2, §三 and §二(二) as plans")
        annex.add_argument(
            "--no-departments",
            action="store_true",
            help="do not create 附件2's departments that are missing (fail instead)",
        )

    def handle(self, *args, no_departments=False, **options):
        try:
            with audit.system_context("command:targets load-annex"):
                report = load.load_all(create_departments=not no_departments)
        except ValidationError as problem:
            self.stderr.write("jineng targets: " + " ".join(problem.messages))
            sys.exit(2)
        self.stdout.write(str(report))
