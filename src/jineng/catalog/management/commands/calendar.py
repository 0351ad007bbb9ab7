"""`jineng calendar add-workdays DATE N`: the date N working days after DATE (China's calendar,
with its adjusted working days). Exits 2 with a one-line reason for a year it has no data for."""

import sys

from django.core.management.base import BaseCommand

from jineng.core.management.arguments import iso_date
from jineng.policy.workdays import UnknownCalendarYear, WorkingCalendar


class Command(BaseCommand):
    help = "Working-day arithmetic with China's holiday calendar."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-workdays", help="print the date N working days after DATE")
        add.add_argument("date", type=iso_date, help="YYYY-MM-DD")
        add.add_argument("n", type=int)
        check = sub.add_parser("is-workday", help="print yes or no")
        check.add_argument("date", type=iso_date, help="YYYY-MM-DD")

    def handle(self, *args, action, **options):
        day = options["date"]
        calendar = WorkingCalendar()
        try:
            if action == "add-workdays":
                if options["n"] < 0:
                    self.fail("N must not be negative")
                self.stdout.write(calendar.add_workdays(day, options["n"]).isoformat())
            else:
                self.stdout.write("yes" if calendar.is_workday(day) else "no")
        except UnknownCalendarYear as problem:
            self.fail(str(problem))

    def fail(self, reason: str):
        self.stderr.write(f"jineng calendar: {reason}")
        sys.exit(2)
