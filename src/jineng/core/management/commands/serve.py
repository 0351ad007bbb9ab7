"""Serve jineng with gunicorn (static files by whitenoise), optionally with a task worker.

Never Django's runserver: the same production server runs in the demo and in production.
"""

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jineng.core.management.prerequisites import require_migrated


class Command(BaseCommand):
    help = "Run the production web server (gunicorn), and with --with-worker a task worker too."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("JINENG_WEB_WORKERS", "2"))
        )
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--with-worker", action="store_true", help="also run one background task worker"
        )

    def handle(self, *args, **options):
        require_migrated()
        if not (settings.STATIC_ROOT / "staticfiles.json").exists():
            raise CommandError(
                "static files are not collected: run `jineng collectstatic --noinput` first"
            )
        command = [sys.executable, "-m", "gunicorn", "jineng.wsgi:application"]
        command += ["--bind", options["bind"], "--access-logfile", "-"]
        command += ["--workers", str(options["workers"]), "--threads", str(options["threads"])]
        proxies = os.environ.get("JINENG_FORWARDED_ALLOW_IPS", "127.0.0.1")
        command += ["--forwarded-allow-ips", proxies]
        web = subprocess.Popen(command)
        children = [web]
        if options["with_worker"]:
            children.append(subprocess.Popen([sys.executable, "-m", "jineng.cli", "worker"]))
        if self._wait_for_listener(options["bind"], web):
            self.stdout.write(f"jineng is running at http://{options['bind']}/  (Ctrl+C stops it)")
        self._supervise(children)

    def _wait_for_listener(self, bind: str, web: subprocess.Popen, timeout: float = 60) -> bool:
        """True once the address accepts connections; False if gunicorn exits first."""
        host, _, port = bind.rpartition(":")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and web.poll() is None:
            try:
                socket.create_connection((host or "127.0.0.1", int(port)), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.2)
        return False

    def _supervise(self, children: list[subprocess.Popen]) -> None:
        """Wait until a child exits or we are told to stop; then stop them all."""
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        failed = [child.returncode for child in children if child.returncode not in (0, -15)]
        if failed and not stopping:
            raise CommandError(f"a server process exited with status {failed[0]}")
