"""`jineng policy load [DIR]`: load policy packs (policies/*.toml) into the database."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from jineng.catalog import packs
from jineng.core import audit
from jineng.policy.errors import PackError


class Command(BaseCommand):
    help = (
        "Load the policy packs; a malformed or self-contradicting pack is refused with its reason."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load every *.toml of a directory (default: policies/)")
        load.add_argument("directory", nargs="?", type=Path)

    def handle(self, *args, directory=None, **options):
        directory = Path(directory or settings.POLICIES_DIR)
        if not directory.is_dir():
            self.stderr.write(
                f"jineng policy: {directory} is not a directory of policy packs "
                "(give one, or set JINENG_POLICIES_DIR)"
            )
            sys.exit(2)
        try:
            with audit.system_context("command:policy"):
                outcomes = packs.load_pack_directory(directory)
        except PackError as problem:
            self.stderr.write(f"jineng policy: {problem}")
            sys.exit(2)
        for pack_id, outcome in outcomes.items():
            self.stdout.write(f"{pack_id}: {outcome}")
