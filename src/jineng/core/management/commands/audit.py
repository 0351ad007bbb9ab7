"""`jineng audit`: check the audit log's hash chains, export a day's digest, archive old days.

    jineng audit verify [--from DATE] [--to DATE] [--digest FILE]   exit 1 at a broken link
    jineng audit verify --archive FILE                              an archive file on its own
    jineng audit digest --date DATE [--out FILE]                    the day's final hashes (JSON)
    jineng audit archive --before DATE [--dir DIR]                  older days to a .jsonl.gz

See docs/security.md ("Tamper-evident audit") and core.chain.
"""

import json
import sys
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jineng.core import audit, chain


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Check the audit log's hash chains, export a day's digest, archive old entries."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check the chains; name the first broken link")
        verify.add_argument("--from", dest="start", type=str, help="first day (YYYY-MM-DD)")
        verify.add_argument("--to", dest="end", type=str, help="last day (YYYY-MM-DD)")
        verify.add_argument("--archive", type=Path, help="check an archive file instead")
        verify.add_argument("--digest", type=Path, help="also compare with a digest kept")
        digest = sub.add_parser("digest", help="a day's final hashes, as JSON")
        digest.add_argument("--date", dest="on", required=True, help="the day (YYYY-MM-DD)")
        digest.add_argument("--out", type=Path, help="a file (default: standard output)")
        archive = sub.add_parser("archive", help="move the days before a date to a file")
        archive.add_argument("--before", required=True, help="the first day kept (YYYY-MM-DD)")
        archive.add_argument("--dir", type=Path, help="where (default: DATA_DIR/audit-archive)")

    def handle(self, *args, action, **options):
        with audit.system_context("command:audit"):
            getattr(self, action)(**options)

    def _report(self, report) -> None:
        self.stdout.write(f"{report.chains} chains, {report.entries} entries checked")
        if report.broken is not None:
            self.stderr.write(f"broken: {report.broken}")
            sys.exit(1)
        self.stdout.write("the chain holds")

    def verify(self, start, end, archive, digest, **options):
        if archive is not None:
            if not archive.is_file():
                raise CommandError(f"cannot read {archive}")
            try:
                self._report(chain.verify_archive(archive))
            except ValueError as problem:
                raise CommandError(str(problem)) from None
            return
        self._report(chain.verify(day(start) if start else None, day(end) if end else None))
        if digest is not None:
            try:
                saved = json.loads(digest.read_text(encoding="utf-8"))
                problem = chain.check_digest(saved)
            except (OSError, ValueError, KeyError, TypeError):
                raise CommandError(f"{digest} is not a digest of `jineng audit digest`") from None
            if problem:
                self.stderr.write(f"broken: {problem}")
                sys.exit(1)
            self.stdout.write(f"the chains of {saved['day']} end as the digest says")

    def digest(self, on, out, **options):
        text = json.dumps(chain.digest(day(on)), ensure_ascii=False, indent=2) + "\n"
        if out is None:
            self.stdout.write(text, ending="")
            return
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as problem:
            raise CommandError(f"cannot write {out}: {problem.strerror}") from None
        self.stdout.write(f"wrote {out}")

    def archive(self, before, dir, **options):  # noqa: A002 - the option's name
        directory = dir or Path(settings.DATA_DIR) / "audit-archive"
        try:
            done = chain.archive(day(before), directory, made_by="command:audit")
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        except OSError as problem:
            raise CommandError(f"cannot write in {directory}: {problem.strerror}") from None
        self.stdout.write(
            f"archived {done.entries} entries of {done.chains} chains to {done.path} "
            f"(sha256 {done.sha256}); kept from {before} on, {timezone.localdate()} today"
        )
