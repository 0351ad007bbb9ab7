"""`jineng import KIND FILE`: the one command for every import (people, employment, catalogs).
Kinds that import into one record take it with `--target ID` (sessions and enrollments: the class).

Ends by printing one JSON line: {"rows", "created", "updated", "unchanged", "rejected"}.
Exit 0 when it ran, whatever was rejected; exit 2 with a one-line reason when the input is
unusable (unknown format, required columns missing, unreadable file, no bureau to register
people with). Without --org a roster registers each person with the bureau of the region of
their ID number (people.services.BureauOfRegion).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from jineng.core import audit
from jineng.core.imports import (
    SPECS,
    ImportFileError,
    ImportOptions,
    run_import,
    write_error_report,
)
from jineng.core.models import Organisation


class Command(BaseCommand):
    help = "Import a file (xlsx, xls, ods, csv) of one kind; report rejected rows with reasons."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(SPECS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="validate only, store nothing")
        parser.add_argument("--all-or-nothing", action="store_true")
        parser.add_argument("--update", action="store_true", help="change existing records")
        parser.add_argument("--errors", type=Path, help="write the rejected rows to this .xlsx")
        parser.add_argument("--org", default="", help="the bureau's code, for people (default: "
                            "each person's bureau by the region of the ID number)")  # fmt: skip
        parser.add_argument("--target", type=int, default=None, metavar="ID",
                            help="the record to import into, e.g. the class for sessions and "
                            "enrollments")  # fmt: skip

    def handle(self, *args, kind, file, errors, org, target, **options):
        organisation = self._organisation(org)
        if not file.is_file():
            self.fail(f"cannot read {file}")
        run_options = ImportOptions(
            all_or_nothing=options["all_or_nothing"], dry_run=options["dry_run"],
            update=options["update"],
            context={"organisation": organisation, "source": f"import:{file.name}",
                     "target": target},
        )  # fmt: skip
        with audit.system_context("command:import"):
            try:
                report = run_import(
                    SPECS[kind], file.read_bytes(), file.name, options=run_options,
                    progress=lambda rows: self.stderr.write(f"\r{rows} rows", ending=""),
                )  # fmt: skip
            except ImportFileError as problem:
                self.fail(str(problem))
        self.stderr.write("")
        for rejection in report.rejected:
            self.stderr.write(f"row {rejection.row}: {rejection.column}: {rejection.message}")
        if errors is not None:
            errors.write_bytes(write_error_report(report))
        self.stdout.write(json.dumps(report.as_dict()))

    def _organisation(self, code: str) -> Organisation | None:
        """The organisation given by --org; None lets the roster find each person's bureau."""
        if not code:
            return None
        found = Organisation.objects.filter(code=code).first()
        if found is None:
            self.fail(f"no organisation has the code {code!r} (`jineng setup --region CODE` "
                      "creates the bureaus)")  # fmt: skip
        return found

    def fail(self, reason: str):
        self.stderr.write(f"jineng import: {reason}")
        sys.exit(2)
