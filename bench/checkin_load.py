"""Check-in load: device events against a real `jineng serve`, beside an anchor (issue 6).

    .venv/bin/python bench/checkin_load.py [--events 3000] [--clients 16] [--rate 300]
                                           [--batch 1] [--max-seconds 60] [--workers N]
                                           [--smoke] [--data-dir DIR [--database URL]]

Makes a scratch environment (a scratch PostgreSQL database on postgres://postgres@127.0.0.1:5432,
or DATABASE_URL's server; SQLite with a warning when PostgreSQL does not answer), loads the demo,
prepares a class in progress with a session running now, its own trainees and teachers (never
the demo's) and attendance devices, and starts `jineng serve` (gunicorn with its production
defaults) with JINENG_BENCH_ANCHOR=1. Then, on loopback with keep-alive connections:

  - check-in, saturated: `--clients` clients post `--events` events as fast as the server
    answers (`--batch` events per request; 1 is a terminal posting as people pass);
  - check-in, paced: the same number of events sent at `--rate` events/s whatever the answers
    (latency counted from when each was due, so a slow server cannot hide its queue);
  - the anchor, saturated and paced alike: POST /api/v1/bench/anchor/, the same middleware and
    one INSERT into a one-index table through a raw cursor: the least a request that stores
    something costs on this server.

and prints events/s, p50 and p99 for each, and the ratios check-in/anchor. Each phase stops at
its count or at --max-seconds / 4, whichever comes first (after a warm-up of at most 5 s each);
the demo and the class take about as long again beforehand. Finally the stored rows are
counted against the answers. With --data-dir (and --database on PostgreSQL), a demo loaded
there before (`jineng demo`) is used and kept, the class and its people added to it.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchdb  # noqa: E402 - bench/ is the script's own folder
from tests.live import free_port, scratch_postgres, stop, wait_until_up  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
JINENG = [sys.executable, "-m", "jineng.cli"]

SETUP = r"""
import json, sys
from datetime import date, datetime, time, timedelta
import django
django.setup()
import time_machine
from django.db import connection
from django.utils import timezone
from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.core.audit import audit_context, system_context
from jineng.core.models import Organisation, User
from jineng.institutions.models import Institution
from jineng.institutions.services import add_teacher, engage
from jineng.people.identity import gb11643_check_character
from jineng.people.models import Person
from jineng.people.services import decrypt_id_number, register_person
from jineng.training import services

trainees, devices = int(sys.argv[1]), int(sys.argv[2])
institution = Institution.objects.get(organisation__name="商丘市鸿鹄职业技能培训学校")
staff = User.objects.get(username="institution")
reviewer = User.objects.get(username="city_reviewer")
now, today = timezone.now(), timezone.localdate()
end = today if (today.month, today.day) == (12, 31) else today + timedelta(days=1)
opens = max(now - timedelta(hours=1), timezone.make_aware(datetime.combine(today, time.min)))
closes = min(now + timedelta(hours=2), timezone.make_aware(datetime.combine(end, time(23, 59))))
# People of the bench's own, never the demo's (born 1966-2005): born from 2007-07-01 on (the
# test factories' from 2006-01-01, a thousand a day), registered with 梁园区's bureau.
# An earlier run's people on the same database are left alone: numbered after them.
bureau = Organisation.objects.get(code="411402")
first = Person.objects.filter(source="bench").count()
with system_context("bench:checkin_load"):
    people = []
    for n in range(first, first + trainees):
        body = f"411402{date(2007, 7, 1) + timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
        people.append(register_person(name=f"压测学员{n}", organisation=bureau, source="bench",
                                      id_number=body + gb11643_check_character(body)))
    # Two teachers of its own too, engaged by the institution this year: none of the demo's,
    # whose sessions could overlap the bench's.
    teacher_people = []
    for n in range(first + trainees, first + trainees + 2):
        body = f"411402{date(2007, 7, 1) + timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
        teacher_people.append(register_person(
            name=f"压测教师{n}", organisation=bureau, source="bench",
            id_number=body + gb11643_check_character(body)))
    teachers = [add_teacher(person, qualifications="压测") for person in teacher_people]
    for teacher in teachers:
        engage(teacher, institution, year=today.year, full_time=False)
# The application is filed and approved a week before the class starts (004 §四(三)).
opened = timezone.make_aware(datetime.combine(today - timedelta(days=7), time(10)))
with time_machine.travel(opened, tick=True):
    with audit_context(actor=staff):
        training_class = services.create_class(
            institution, name="考勤压测班", occupation=Occupation.objects.get(code="6-18-02-04"),
            level=SkillLevel.objects.get(code="5"),
            training_type=TrainingType.objects.get(code="employment_skills"),
            fund_channel=FundChannel.objects.order_by("code").first(), start_date=today,
            end_date=end, venue="实训楼", capacity=len(people), assessment_plan="实操考核",
        )
        services.set_teachers(training_class, teachers)
        session = services.add_session(training_class, starts_at=opens, ends_at=closes,
                                       topic="考勤压测", teacher=teachers[0])
        for person in people:
            services.enrol(training_class, person)
        services.submit(training_class)
    with audit_context(actor=reviewer):
        services.approve(training_class)
with audit_context(actor=staff):
    services.change_state(training_class, "in_progress")
    tokens = [services.register_device(institution, f"压测考勤机{n}")[1] for n in range(devices)]
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_anchor (id bigserial PRIMARY KEY,"
                       " event_id varchar(64) NOT NULL, at timestamptz NOT NULL)")
    else:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_anchor (id integer PRIMARY KEY"
                       " AUTOINCREMENT, event_id varchar(64) NOT NULL, at datetime NOT NULL)")
    cursor.execute("DELETE FROM bench_anchor")  # an earlier run's rows
print(json.dumps({
    "vendor": connection.vendor, "session": session.pk, "tokens": tokens,
    "trainees": [decrypt_id_number(p) for p in people],
    "teachers": [decrypt_id_number(t.person) for t in teachers],
    "device_time": (opens + timedelta(minutes=30)).isoformat(),
}))
"""

COUNT = r"""
import json, sys
import django
django.setup()
from django.db import connection
from jineng.training.models import CheckIn
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM bench_anchor")
    anchors = cursor.fetchone()[0]
print(json.dumps({"checkins": CheckIn.objects.filter(session=int(sys.argv[1])).count(),
                  "anchors": anchors}))
"""


def environment(stack: ExitStack, data_dir: Path, args) -> tuple[dict, str]:
    """The scratch environment and the name of its database; with --data-dir, the demo loaded
    there (and in --database) before. In the smoke mode, PostgreSQL only when DATABASE_URL names
    a server (as in the test suite's PostgreSQL run), else SQLite."""
    server = os.environ.get("DATABASE_URL", "")
    named = server.startswith("postgres")
    server = server if named else DEFAULT_PG
    env = benchdb.process_environment(data_dir, JINENG_BENCH_ANCHOR="1")
    if args.workers:
        env["JINENG_WEB_WORKERS"] = str(args.workers)
    if args.data_dir:
        env["JINENG_DATA_DIR"] = str(Path(args.data_dir).resolve())
        if args.database or named:
            env["DATABASE_URL"] = args.database or os.environ["DATABASE_URL"]
            return env, "PostgreSQL " + urllib.parse.urlsplit(env["DATABASE_URL"]).path[1:]
        return env, "SQLite"
    smoke = args.smoke
    admin = server.rsplit("/", 1)[0] + "/postgres"
    if smoke and not named:
        return env, "SQLite (smoke)"
    if benchdb.postgres_reachable(admin):
        url = stack.enter_context(scratch_postgres(server))
        env["DATABASE_URL"] = url
        return env, "PostgreSQL " + urllib.parse.urlsplit(url).path.lstrip("/")
    print(f"WARNING: PostgreSQL does not answer at {admin}: falling back to SQLite. The target "
          "(300 events/s, p99 < 100 ms) is for PostgreSQL.", file=sys.stderr)  # fmt: skip
    return env, "SQLite (fallback)"


def busy_share(seconds: float = 2.0) -> float | None:
    """The share of CPU time the machine spends busy (Linux /proc/stat), the server idle."""

    def sample():
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    try:
        total, idle = sample()
        time.sleep(seconds)
        total2, idle2 = sample()
    except OSError:
        return None
    return 1 - (idle2 - idle) / max(1, total2 - total)


def run_script(env: dict, script: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "jineng.settings"},
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"setup failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Load:
    """`count` requests from `clients` threads, each with its own keep-alive connection;
    `rate` (requests/s) paces them from a fixed schedule, None sends as fast as answered."""

    def __init__(self, port, path, headers, bodies, clients, deadline_s, rate=None, expect=()):
        self.port, self.path, self.headers, self.bodies = port, path, headers, bodies
        self.clients, self.deadline_s, self.rate = clients, deadline_s, rate
        self.expect = expect
        self.next = 0
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.failures: dict[str, int] = {}
        self.ok = 0

    def run(self) -> dict:
        self.started = time.perf_counter()
        self.stop_at = self.started + self.deadline_s
        threads = [threading.Thread(target=self._client, args=(n,)) for n in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - self.started
        return self._summary(elapsed)

    def _take(self) -> int | None:
        with self.lock:
            index = self.next
            if index >= len(self.bodies) or time.perf_counter() > self.stop_at:
                return None
            self.next += 1
            return index

    def _client(self, number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = self.headers(number)
        while (index := self._take()) is not None:
            due = self.started + index / self.rate if self.rate else None
            if due is not None and (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            try:
                connection.request("POST", self.path, self.bodies[index], headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as problem:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                status, payload = type(problem).__name__, b""
            done = time.perf_counter()
            with self.lock:
                self.latencies.append(done - (due if due is not None else sent))
                self.ok += status in self.expect
                if status not in self.expect:
                    key = f"{status} {payload[:120].decode(errors='replace')}"
                    self.failures[key] = self.failures.get(key, 0) + 1
        connection.close()

    def _summary(self, elapsed: float) -> dict:
        ordered = sorted(self.latencies)

        def percentile(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

        return {
            "requests": len(ordered), "seconds": elapsed, "per_s": len(ordered) / elapsed,
            "p50": percentile(0.50), "p99": percentile(0.99), "max": ordered[-1] * 1000,
            "failures": self.failures, "ok": self.ok,
        }  # fmt: skip


def checkin_bodies(setup: dict, run: str, count: int, batch: int) -> list[bytes]:
    """`count` requests of `batch` events each: the trainees in and out, a teacher now and then,
    every event a new event id."""
    people = setup["trainees"]
    bodies = []
    for request in range(count):
        events = []
        for n in range(request * batch, (request + 1) * batch):
            teacher = n % 25 == 0
            number = setup["teachers"][n % 2] if teacher else people[n % len(people)]
            events.append({
                "event_id": f"{run}-{n}", "session": setup["session"], "id_number": number,
                "direction": "in" if (n // len(people)) % 2 == 0 else "out",
                "device_time": setup["device_time"],
            })  # fmt: skip
        body = events[0] if batch == 1 else {"events": events}
        bodies.append(json.dumps(body).encode())
    return bodies


def show(label: str, figures: dict, unit: str) -> None:
    line = (f"{label:<28} {figures['per_s']:8.0f} {unit}/s  p50 {figures['p50']:6.1f} ms  "
            f"p99 {figures['p99']:6.1f} ms  max {figures['max']:6.1f} ms  "
            f"({figures['requests']} requests in {figures['seconds']:.1f} s)")  # fmt: skip
    print(line)
    for failure, times in figures["failures"].items():
        print(f"    !! {times} × {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=3000, help="events per check-in phase")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--rate", type=float, default=300, help="events/s of the paced phases")
    parser.add_argument("--batch", type=int, default=1, help="events per request (1 to 500)")
    parser.add_argument("--max-seconds", type=float, default=60, help="for the four phases")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: jineng serve's)")
    parser.add_argument("--trainees", type=int, default=60)
    parser.add_argument("--devices", type=int, default=4)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a few seconds on tiny sizes (the test suite's check that it runs)",
    )
    parser.add_argument("--data-dir", help="JINENG_DATA_DIR of a demo loaded before (kept)")
    parser.add_argument("--database", help="PostgreSQL URL of that demo (kept)")
    args = parser.parse_args()
    if args.database and not args.data_dir:
        parser.error("--database needs the --data-dir of the same demo (its keys)")
    if args.smoke:
        args.events, args.clients, args.rate, args.max_seconds = 40, 2, 40, 8
        args.trainees, args.devices, args.workers = 8, 2, args.workers or 1
    if not 1 <= args.batch <= 500:
        parser.error("--batch is 1 to 500")
    with ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="checkin-")))
        env, database = environment(stack, data_dir, args)
        print(f"database: {database}; preparing the demo and the class…", flush=True)
        if not args.data_dir:
            subprocess.run([*JINENG, "demo"], env=env, check=True, capture_output=True)
        setup = run_script(env, SETUP, str(args.trainees), str(args.devices))
        port = free_port()
        log = stack.enter_context(open(data_dir / "server.log", "w"))  # noqa: SIM115
        server = subprocess.Popen([*JINENG, "serve", "--bind", f"127.0.0.1:{port}"], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        stack.callback(stop, server)
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server, data_dir / "server.log")
        workers = env.get("JINENG_WEB_WORKERS", "2 (default)")
        if (busy := busy_share()) is not None and busy > 0.15:
            print(f"WARNING: the CPUs are {busy:.0%} busy with other work before the run: the "
                  "figures are lower than on a quiet machine; the ratios to the anchor, "
                  "measured alike, stay comparable.")  # fmt: skip
        print(f"server: jineng serve, gunicorn gthread, {workers} workers × 4 threads, "
              f"{os.cpu_count()} CPUs; clients: {args.clients}; batch: {args.batch}")  # fmt: skip

        tokens = setup["tokens"]
        json_headers = {"Content-Type": "application/json", "Connection": "keep-alive"}

        def device(number: int) -> dict:
            return {**json_headers, "Authorization": f"Device {tokens[number % len(tokens)]}"}

        requests = max(1, args.events // args.batch)
        per_phase = args.max_seconds / 4
        checkin_ok = (201,) if args.batch == 1 else (200,)

        def checkin(run: str, rate=None, count=requests, seconds=per_phase) -> dict:
            bodies = checkin_bodies(setup, run, count, args.batch)
            return Load(port, "/api/v1/attendance/events/", device, bodies, args.clients,
                        seconds, rate=rate, expect=checkin_ok).run()  # fmt: skip

        def anchor(run: str, rate=None, count=args.events, seconds=per_phase) -> dict:
            bodies = [json.dumps({"event_id": f"{run}-{n}"}).encode() for n in range(count)]
            return Load(port, "/api/v1/bench/anchor/", lambda n: json_headers, bodies,
                        args.clients, seconds, rate=rate, expect=(201,)).run()  # fmt: skip

        phases = {
            "check-in, warm-up": checkin("warm", count=max(10, 200 // args.batch), seconds=5),
            "anchor, warm-up": anchor("warm", count=200, seconds=5),
            "check-in, saturated": checkin("sat"),
            "anchor, saturated": anchor("sat"),
            f"check-in, paced {args.rate:.0f}/s": checkin("paced", rate=args.rate / args.batch),
            f"anchor, paced {args.rate:.0f}/s": anchor("paced", rate=args.rate),
        }
        counted = run_script(env, COUNT, str(setup["session"]))
    for name, figures in phases.items():  # events/s for the check-in phases
        if name.startswith("check-in"):
            figures["per_s"] *= args.batch
    failed = report(args, database, phases, counted)
    sys.exit(1 if failed else 0)


def report(args, database: str, phases: dict, counted: dict) -> bool:
    """Print the figures; True when any request failed."""
    checkin, anchor, paced, anchor_paced = list(phases.values())[2:]
    print(f"\ncheck-in load on {database}")
    for name, figures in list(phases.items())[2:]:
        show(name, figures, "events" if name.startswith("check-in") else "req")
    print(f"ratio check-in/anchor: events/s ÷ requests/s {checkin['per_s'] / anchor['per_s']:.2f}; "
          f"p99 saturated {checkin['p99'] / anchor['p99']:.1f}×, "
          f"paced {paced['p99'] / anchor_paced['p99']:.1f}×")  # fmt: skip
    met = checkin["per_s"] >= 300 and paced["p99"] < 100 and paced["per_s"] >= 0.97 * args.rate
    verdict = ("met" if met else "NOT met") if args.batch == 1 else "for single events (--batch 1)"
    print(f"target (>= 300 events/s; p99 < 100 ms at {args.rate:.0f}/s): {verdict}")
    events = sum(f["ok"] * args.batch for n, f in phases.items() if n.startswith("check-in"))
    rows = sum(f["ok"] for n, f in phases.items() if n.startswith("anchor"))
    print(f"stored: {counted['checkins']} check-in events ({events} answered as stored), "
          f"{counted['anchors']} anchor rows ({rows})")  # fmt: skip
    failures = sum(sum(f["failures"].values()) for f in phases.values())
    print(f"failed requests: {failures}")
    return failures > 0


if __name__ == "__main__":
    main()
