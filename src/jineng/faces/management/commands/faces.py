"""`jineng faces calibrate FOLDER`: same-person and different-person distances of a folder of
labelled photos (one subfolder per person) and a suggested JINENG_FACE_THRESHOLD with its
false-accept and false-reject rates. `jineng faces purge [--today D]`: delete the templates whose
retention has passed (daily, from cron; docs/faces.md)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jineng.core import audit
from jineng.core.management.prerequisites import require_migrated
from jineng.faces import calibrate, services


class Command(BaseCommand):
    help = "Face verification: calibrate the threshold, or delete templates past retention."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        cal = sub.add_parser("calibrate", help="distances of labelled photos, and a threshold")
        cal.add_argument("folder", help="one subfolder per person, JPEG or PNG photos in each")
        purge = sub.add_parser("purge", help="delete the templates past their retention")
        purge.add_argument("--today", help="the day (YYYY-MM-DD), to catch up a missed one")

    def handle(self, *args, action, **options):
        if action == "calibrate":
            return self._calibrate(Path(options["folder"]))
        require_migrated()
        from datetime import date

        try:
            today = date.fromisoformat(options["today"]) if options.get("today") else None
        except ValueError:
            raise CommandError("--today is a date, YYYY-MM-DD.") from None
        with audit.system_context("command:faces purge"):
            deleted = services.purge_expired(today)
        self.stdout.write(f"deleted {deleted} face templates past their retention")

    def _calibrate(self, folder: Path):
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        result = calibrate.calibrate(
            folder, min_pixels=settings.FACE_MIN_PIXELS, min_sharpness=settings.FACE_MIN_SHARPNESS
        )
        if not result.same or not result.different:
            raise CommandError("Need at least two photos of one person and photos of two persons.")
        out = self.stdout.write
        for path, code in result.refused:
            out(f"refused {path}: {code}")
        out(
            "same person ({}): {}".format(
                len(result.same), " ".join(f"{d:.3f}" for d in result.same)
            )
        )
        out("different persons ({}): {}".format(
            len(result.different), " ".join(f"{d:.3f}" for d in result.different)))  # fmt: skip
        out(f"suggested JINENG_FACE_THRESHOLD={result.threshold}")
        out(f"false accept {result.false_accept:.1%}, false reject {result.false_reject:.1%} "
            f"(now {settings.FACE_THRESHOLD})")  # fmt: skip
