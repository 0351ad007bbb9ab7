"""`jineng vouchers expire`: expire every issued or claimed voucher past its validity (run it
daily from cron, or enqueue jineng.vouchers.tasks.expire_vouchers); prints one JSON line."""

import json

from django.core.management.base import BaseCommand

from jineng.core import audit
from jineng.core.management.arguments import iso_date
from jineng.vouchers import services


class Command(BaseCommand):
    help = "Training vouchers (电子培训券): expire those past their validity."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        expire = sub.add_parser("expire", help="expire issued or claimed vouchers past validity")
        expire.add_argument(
            "--today", type=iso_date, help="the day to count from (YYYY-MM-DD); default today"
        )

    def handle(self, *args, action, **options):
        with audit.system_context("command:vouchers expire"):
            expired = services.expire_due(options.get("today"))
        self.stdout.write(json.dumps({"expired": expired}))
