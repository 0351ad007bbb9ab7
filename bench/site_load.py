"""Whole-site load (issue 20, 等保 "Load"): simulated users of every role against a real
`jineng serve` (gunicorn), a realistic mix of page reads, API reads and writes, on loopback.

    .venv/bin/python bench/site_load.py [--users 200] [--seconds 180] [--think 10]
                                        [--workers 3] [--threads 4]
                                        [--database URL --data-dir DIR] [--smoke]

Makes a scratch environment (a scratch PostgreSQL database on postgres://postgres@127.0.0.1:5432,
or DATABASE_URL's server; SQLite with a warning when PostgreSQL does not answer) and loads the
demo into it; or, with --data-dir (and --database for PostgreSQL), uses a demo loaded there
before (`jineng demo`), keeping it. Then it adds the load's own data through the services:
for each simulated institution user a draft class with its own people to enrol and take off
the roster again, and a queue of submitted classes for the reviewers to approve.

The users (`--users`, shared out over worker, institution staff, evaluation staff, city and
county reviewers, department staff, finance/audit and the three administrators) sign in through the
login page, each with a session of its own, spread over a ramp (`--ramp`); the measured phase
starts when the last one has signed in, and lasts `--seconds`. Each user repeats until then:
think (exponential, mean `--think` seconds), then one action drawn from its role's mix: pages
(home, class lists, the review queues, claim lists, payments, statistics, the dashboard, the
registry search, users and the audit log...), API reads, and writes (an institution enrols a
person on its draft class through the API and takes them off again; a reviewer approves a
submitted class). Every user also asks for /healthz now and then:
the anchor, the least a request costs on this server under the same load at the same time.

Prints the throughput, and per kind of request the count, p50/p95/p99/max and errors, the p95
as a ratio to the anchor's, and the verdict against the goal (0 errors, p95 < 500 ms for every
kind). An error is any answer other than the one expected (a 500, a redirect to the login page,
a refused write) or no answer within 30 s; the first ones are printed. Exit status 1 on errors.
"""

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchdb  # noqa: E402
from tests.live import free_port, stop, wait_until_up  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
JINENG = [sys.executable, "-m", "jineng.cli"]
PASSWORD = "Jineng@2026"  # the demo's published password (jineng.core.demo.DEMO_PASSWORD)
GOAL_P95_MS = 500

# The share of the simulated users by login (the demo's logins; each simulated user signs in
# with a session of its own).
ROLES = {
    "worker": 0.25,
    "institution": 0.25,
    "evaluator": 0.08,
    "city_reviewer": 0.14,
    "county_reviewer": 0.08,
    "department": 0.07,
    "finance": 0.07,
    "admin": 0.04,
    "secadmin": 0.01,
    "auditadmin": 0.01,
}

SETUP = r"""
import json, sys
from datetime import date, datetime, time, timedelta
import django
django.setup()
from django.utils import timezone
from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.core.audit import audit_context, system_context
from jineng.core.models import Organisation, User
from jineng.institutions.models import Institution
from jineng.people.identity import gb11643_check_character
from jineng.people.models import Person
from jineng.people.services import decrypt_id_number, register_person
from jineng.training import services

drafts, per_draft, queue = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
institution = Institution.objects.get(organisation__name="商丘市鸿鹄职业技能培训学校")
staff = User.objects.get(username="institution")
bureau = Organisation.objects.get(code="411402")
today = timezone.localdate()
# The load's own people, never the demo's (born 1966-2005) nor the test factories' (from
# 2006-01-01, a thousand a day): born from 2009-01-01 on, numbered after any of an earlier run.
first = Person.objects.filter(source="bench-site").count()


def new_people(count):
    global first
    made = []
    with system_context("bench:site_load"):
        for n in range(first, first + count):
            body = f"411402{date(2009, 1, 1) + timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
            made.append(register_person(name=f"压测{n}", organisation=bureau, source="bench-site",
                                        id_number=body + gb11643_check_character(body)))
    first += count
    return made


teachers = [e.teacher for e in institution.engagements.filter(year=today.year)][:2]


def new_class(name, start, trainees):
    training_class = services.create_class(
        institution, name=name, occupation=Occupation.objects.get(code="6-18-02-04"),
        level=SkillLevel.objects.get(code="5"),
        training_type=TrainingType.objects.get(code="employment_skills"),
        fund_channel=FundChannel.objects.order_by("code").first(), start_date=start,
        end_date=start + timedelta(days=1), venue="实训楼", capacity=per_draft + 5,
        assessment_plan="实操考核",
    )
    services.set_teachers(training_class, teachers)
    for offset in range(2):
        day = timezone.make_aware(datetime.combine(start + timedelta(days=offset), time(9)))
        services.add_session(training_class, starts_at=day, ends_at=day + timedelta(hours=3),
                             topic=f"第{offset + 1}课", teacher=teachers[0])
    for person in trainees:
        services.enrol(training_class, person)
    return training_class


out = {"drafts": [], "queue": []}
with audit_context(actor=staff):
    for n in range(drafts):
        training_class = new_class(f"压测草稿班{first}-{n}", today + timedelta(days=40), [])
        out["drafts"].append({"class": training_class.pk, "people": [
            decrypt_id_number(p) for p in new_people(per_draft)]})
    for n in range(queue):
        training_class = new_class(f"压测待审班{first}-{n}", today + timedelta(days=30),
                                   new_people(1))
        services.submit(training_class)
        out["queue"].append(training_class.pk)
# What one login costs in CPU on this machine: the password hash of the configured hasher.
from django.contrib.auth.hashers import get_hasher, make_password
import time as clock
started = clock.process_time()
make_password("Jineng@2026")
out["hash_ms"] = (clock.process_time() - started) * 1000
hasher = get_hasher()
out["hasher"] = f"{hasher.algorithm}, {getattr(hasher, 'iterations', '?'):,} iterations"
print(json.dumps(out))
"""


def environment(stack: ExitStack, args) -> tuple[dict, str, bool]:
    """The server's environment, the name of its database, and whether the demo is loaded."""
    env = benchdb.clean_environment()
    given = os.environ.get("DATABASE_URL", "")
    env["JINENG_DEMO"] = "1"
    if args.data_dir:  # a demo loaded before: used as it is
        env["JINENG_DATA_DIR"] = str(Path(args.data_dir).resolve())
        url = args.database or (given if given.startswith("postgres") else "")
        if url:
            env["DATABASE_URL"] = url
            return env, "PostgreSQL " + urllib.parse.urlsplit(url).path.lstrip("/"), True
        return env, "SQLite", True
    data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="site-load-")))
    env["JINENG_DATA_DIR"] = str(data_dir)
    server = given if given.startswith("postgres") else DEFAULT_PG
    admin = server.rsplit("/", 1)[0] + "/postgres"
    if not (args.smoke and not given.startswith("postgres")) and benchdb.postgres_reachable(admin):
        url = stack.enter_context(benchdb.scratch(server))
        env["DATABASE_URL"] = url
        return env, "PostgreSQL " + urllib.parse.urlsplit(url).path.lstrip("/"), False
    if not args.smoke:
        print(f"WARNING: PostgreSQL does not answer at {admin}: falling back to SQLite. The goal "
              "(p95 < 500 ms) is for PostgreSQL.", file=sys.stderr)  # fmt: skip
    return env, "SQLite", False


def run_script(env: dict, script: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "jineng.settings"},
        capture_output=True, text=True, check=False, timeout=1800,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"setup failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine_cpu() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine so far (Linux /proc/stat)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)  # idle and iowait are not busy


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by process `root` and its descendants alive now
    (jineng serve, gunicorn's master and workers; Linux /proc)."""
    parents, times = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(times.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


class Stats:
    def __init__(self):
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.measuring = False

    def record(self, kind: str, seconds: float, problem: str = "", login: str = "") -> None:
        if not self.measuring and not kind.startswith("login"):
            return
        self.latencies[kind].append(seconds)
        if problem:
            self.errors[kind] += 1
            if len(self.examples[kind]) < 2:  # the first two of each kind
                self.examples[kind].append(f"{kind} ({login}): {problem}")


class User:
    """One simulated user: a session of its own, signed in as `login`."""

    def __init__(self, number: int, login: str, client: httpx.AsyncClient, stats: Stats, args,
                 data: dict):  # fmt: skip
        self.number, self.login, self.client, self.stats = number, login, client, stats
        self.args, self.data = args, data
        self.random = random.Random(number)
        self.draft = None  # an institution user's draft class and its people
        self.enrolled: dict[str, int] = {}  # id number -> enrolment id
        self.unknown: set[str] = set()  # a write without an answer: on the roster or not
        self.anchored = False  # asked for the anchor since measuring began

    async def request(self, kind, method, path, *, expect=(200,), form=None, body=None):
        headers = {}
        if method == "POST":
            headers["X-CSRFToken"] = self.client.cookies.get("csrftoken", "")
            headers["Referer"] = str(self.client.base_url) + "/"
        if form is not None:
            form = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **form}
        started = time.perf_counter()
        problem, response = "", None
        try:
            response = await self.client.request(
                method, path, headers=headers, data=form, json=body
            )
            await response.aread()
            if response.status_code not in expect:
                problem = f"{method} {path} -> {response.status_code} {response.text[:160]!r}"
        except httpx.HTTPError as error:
            problem = f"{method} {path} -> {type(error).__name__} {error}"
        self.stats.record(kind, time.perf_counter() - started, problem, self.login)
        return response if not problem else None

    async def sign_in(self) -> bool:
        await self.request("login page", "GET", "/accounts/login/")
        answer = await self.request(
            "login", "POST", "/accounts/login/", expect=(302,),
            form={"username": self.login, "password": PASSWORD},
        )  # fmt: skip
        return answer is not None

    async def run(self, start_at: float, phase: "Phase") -> None:
        await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
        signed_in = await self.sign_in()
        phase.signed_in()
        if not signed_in:
            return
        actions = MIXES[self.login]
        weights = [weight for weight, _action in actions]
        done = 0
        while time.perf_counter() < phase.stop_at or done < self.args.min_actions:
            pause = min(self.random.expovariate(1 / self.args.think), 4 * self.args.think)
            await asyncio.sleep(pause)
            if time.perf_counter() >= phase.stop_at and done >= self.args.min_actions:
                break
            # The anchor: one request in twenty, and each user's first once measuring.
            if done % 20 == 0 or (self.stats.measuring and not self.anchored):
                self.anchored = self.stats.measuring
                await self.request("anchor /healthz", "GET", "/healthz")
            else:
                _weight, action = self.random.choices(actions, weights)[0]
                await action(self)
            done += 1


# --- the actions of each role --------------------------------------------------------------


def page(kind, path):
    async def action(user):
        await user.request(kind, "GET", path)

    return action


async def registry_search(user):
    term = user.random.choice(["张", "李", "王", "刘", "陈", "压测", "4114"])
    await user.request("page: registry search", "POST", "/people/", form={"q": term})


async def class_detail(user):
    classes = user.data["drafts"] or [{"class": user.data["queue"][0]}]
    pk = user.random.choice(classes)["class"]
    await user.request("page: class detail", "GET", f"/classes/{pk}/")


async def enrol_or_withdraw(user):
    """An institution user's write: enrol one of its draft class's people, or take one off."""
    if user.draft is None:
        return await page("api: classes", "/api/v1/classes/?state=draft")(user)
    pk, people = user.draft["class"], user.draft["people"]
    waiting = [n for n in people if n not in user.enrolled and n not in user.unknown]
    if not waiting and not user.enrolled:
        return await page("api: classes", "/api/v1/classes/?state=draft")(user)
    if waiting and (not user.enrolled or user.random.random() < 0.5):
        number = user.random.choice(waiting)
        answer = await user.request(
            "api write: enrol", "POST", f"/api/v1/classes/{pk}/enrollments/", expect=(201,),
            body={"id_number": number},
        )  # fmt: skip
        if answer is not None:
            user.enrolled[number] = answer.json()["enrollment"]
        else:
            user.unknown.add(number)
        return None
    number = user.random.choice(list(user.enrolled))
    enrollment = user.enrolled.pop(number)
    await user.request(
        "api write: withdraw", "POST",
        f"/api/v1/classes/{pk}/enrollments/{enrollment}/withdraw/", body={"reason": "压测退出"},
    )  # fmt: skip
    return None


async def approve(user):
    """A reviewer's write: approve the next class of the queue of submitted ones."""
    if not user.data["queue"]:
        return await page("page: class review queue", "/classes/review/")(user)
    pk = user.data["queue"].pop()
    await user.request("api write: approve class", "POST", f"/api/v1/classes/{pk}/approve/",
                       body={"reason": ""})  # fmt: skip
    return None


HOME = (3, page("page: home", "/"))
REVIEWER = [
    HOME,
    (2, page("page: class list", "/classes/")),
    (2, page("page: class review queue", "/classes/review/")),
    (2, page("page: claim list", "/claims/")),
    (1, page("page: claim review queue", "/claims/review/")),
    (2, page("page: statistics", "/stats/")),
    (1, page("page: dashboard", "/dashboard/")),
    (2, registry_search),
    (1, page("page: people list", "/people/")),
    (1, page("page: institutions", "/institutions/")),
    (1, class_detail),
    (2, page("api: classes", "/api/v1/classes/")),
    (1, page("api: claims", "/api/v1/claims/")),
    (1, page("api: statistics", "/api/v1/stats/measures/")),
    (2, approve),
]
MIXES = {
    "worker": [
        HOME,
        (2, page("page: my vouchers", "/vouchers/mine/")),
        (2, page("page: notices", "/notices/")),
        (1, page("page: verify", "/verify/")),
        (1, page("api: me", "/api/v1/me/")),
    ],
    "institution": [
        HOME,
        (3, page("page: class list", "/classes/")),
        (2, class_detail),
        (2, page("page: claim list", "/claims/")),
        (1, page("page: evaluations", "/evaluations/")),
        (1, page("page: people list", "/people/")),
        (2, page("api: classes", "/api/v1/classes/")),
        (1, page("api: claims", "/api/v1/claims/")),
        (5, enrol_or_withdraw),
    ],
    "evaluator": [
        HOME,
        (3, page("page: evaluations", "/evaluations/")),
        (2, page("page: certificates", "/certificates/")),
        (2, page("api: evaluations", "/api/v1/evaluations/")),
        (1, page("api: certificates", "/api/v1/certificates/")),
    ],
    "city_reviewer": REVIEWER,
    # 梁园区's reviewer: the load's classes are of 鸿鹄, outside its region (a 404, rightly).
    "county_reviewer": [a for a in REVIEWER if a[1] not in (approve, class_detail)],
    "department": [
        HOME,
        (2, page("page: statistics", "/stats/")),
        (2, page("page: dashboard", "/dashboard/")),
        (1, page("page: target plans", "/targets/")),
        (1, page("page: programmes", "/targets/programmes/")),
        (1, page("api: statistics", "/api/v1/stats/measures/")),
    ],
    "finance": [
        HOME,
        (3, page("page: claim list", "/claims/")),
        (2, page("page: payments", "/claims/payments/")),
        (1, page("page: statistics", "/stats/")),
        (2, page("api: claims", "/api/v1/claims/")),
    ],
    # The three administrators (三权分立): the system's, the accounts', the audit log's.
    "admin": [
        HOME,
        (1, page("page: organisations", "/organisations/")),
        (1, page("page: institutions", "/institutions/")),
    ],
    "secadmin": [
        HOME,
        (2, page("page: users", "/users/")),
        (1, page("api: users", "/api/v1/users/")),
    ],
    "auditadmin": [
        HOME,
        (2, page("page: audit log", "/audit/")),
        (1, page("api: audit entries", "/api/v1/audit-entries/")),
    ],
}


def logins(users: int) -> list[str]:
    """`users` logins in the shares of ROLES, at least one of each role."""
    counts = {login: max(1, round(share * users)) for login, share in ROLES.items()}
    while sum(counts.values()) > users and max(counts.values()) > 1:
        counts[max(counts, key=counts.get)] -= 1
    while sum(counts.values()) < users:
        counts["worker"] += 1
    return [login for login, count in counts.items() for _ in range(count)]


async def load(port: int, server_pid: int, args, setup: dict, stats: Stats):
    everyone = logins(args.users)
    # A connection is reused within a second, before gunicorn closes it (its keep-alive is 2 s):
    # never sent on as the server closes it.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=1.0)
    timeout = httpx.Timeout(30.0)
    clients, users = [], []
    drafts = list(setup["drafts"])
    shared = {"drafts": setup["drafts"], "queue": list(setup["queue"])}
    for number, login in enumerate(everyone):
        client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                   timeout=timeout)  # fmt: skip
        clients.append(client)
        user = User(number, login, client, stats, args, shared)
        if login == "institution" and drafts:
            user.draft = drafts.pop()
        users.append(user)
    phase = Phase(len(users), args.seconds, stats, server_pid)
    begin = time.perf_counter()
    tasks = [user.run(begin + args.ramp * n / len(users), phase) for n, user in enumerate(users)]
    await asyncio.gather(*tasks)
    measured = time.perf_counter() - phase.started
    (busy, total), server, client = stats.cpu_before
    (busy2, total2), server2, client2 = machine_cpu(), tree_cpu(server_pid), time.process_time()
    ticks = os.sysconf("SC_CLK_TCK")
    stats.cpu = {
        "machine": (busy2 - busy) / ticks / measured,  # cores busy, on average
        "server": (server2 - server) / measured,
        "client": (client2 - client) / measured,
        "capacity": (total2 - total) / ticks / measured,
    }
    for client in clients:
        await client.aclose()
    return measured, len(setup["queue"]) - len(shared["queue"])


class Phase:
    """The measured phase: from when the last user has signed in (the ramp's logins, each a
    password hash, have been answered), for `seconds`; the logins are measured all along."""

    def __init__(self, users: int, seconds: float, stats: Stats, server_pid: int):
        self.waiting, self.seconds, self.stats, self.server_pid = users, seconds, stats, server_pid
        self.stop_at = float("inf")
        self.started = 0.0

    def signed_in(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.started = time.perf_counter()
            self.stop_at = self.started + self.seconds
            self.stats.measuring = True
            self.stats.cpu_before = machine_cpu(), tree_cpu(self.server_pid), time.process_time()


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def report(args, database: str, stats: Stats, measured: float, approved: int, setup) -> bool:
    kinds = sorted(
        stats.latencies, key=lambda k: (k == "anchor /healthz", k.startswith("login"), k)
    )
    steady = [k for k in kinds if not k.startswith("login")]
    total = sum(len(stats.latencies[k]) for k in steady)
    anchor = sorted(stats.latencies.get("anchor /healthz", [])) or [float("nan")]
    anchor_p95 = percentile(anchor, 0.95)
    print(
        f"\nsite load on {database}: {args.users} users, think {args.think} s, "
        f"{measured:.0f} s measured once all had signed in (over a {args.ramp:.0f} s ramp); "
        f"gunicorn {args.workers} workers × {args.threads} threads, {os.cpu_count()} CPUs"
    )
    print(f"throughput: {total / measured:.1f} requests/s ({total} requests in {measured:.0f} s); "
          f"writes approved {approved} classes")  # fmt: skip
    cpu = stats.cpu
    print(f"CPU while measured, in cores of {cpu['capacity']:.0f}: the whole machine "
          f"{cpu['machine']:.2f}, of which the server {cpu['server']:.2f} (PostgreSQL not "
          f"counted) and these simulated users {cpu['client']:.2f}; a login's password hash "
          f"{setup['hash_ms']:.0f} ms ({setup['hasher']})")  # fmt: skip
    print(f"{'kind':<30}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'errors':>8}{'p95/anchor':>12}")  # fmt: skip
    worst, errors = 0.0, 0
    for kind in kinds:
        ordered = sorted(stats.latencies[kind])
        p95 = percentile(ordered, 0.95)
        errors += stats.errors[kind]
        if not kind.startswith("login") and kind != "anchor /healthz":
            worst = max(worst, p95)
        print(f"{kind:<30}{len(ordered):>7}{percentile(ordered, 0.5):>9.1f}{p95:>9.1f}"
              f"{percentile(ordered, 0.99):>9.1f}{ordered[-1] * 1000:>9.1f}"
              f"{stats.errors[kind]:>8}{p95 / anchor_p95:>12.1f}")  # fmt: skip
    for kind in kinds:
        for example in stats.examples.get(kind, []):
            print(f"    !! {example}")
    every = sorted(x for k in steady for x in stats.latencies[k])
    print(f"all requests but the logins: p50 {percentile(every, 0.5):.1f} ms, "
          f"p95 {percentile(every, 0.95):.1f} ms, p99 {percentile(every, 0.99):.1f} ms; "
          f"anchor p95 {anchor_p95:.1f} ms; ratio p95 all/anchor "
          f"{percentile(every, 0.95) / anchor_p95:.1f}")  # fmt: skip
    met = errors == 0 and worst < GOAL_P95_MS
    print(f"errors: {errors}; worst p95 of a page or API kind: {worst:.0f} ms; goal (0 errors, "
          f"p95 < {GOAL_P95_MS} ms): {'met' if met else 'NOT met'}")  # fmt: skip
    return errors == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument(
        "--seconds", type=float, default=180, help="measured, from when every user has signed in"
    )
    parser.add_argument("--think", type=float, default=10, help="mean seconds between actions")
    parser.add_argument(
        "--ramp",
        type=float,
        help="seconds over which the users sign in, not measured but for the "
        "logins (default: 0.6 s a user, a login's password hash costing about "
        "that much CPU here, or a tenth of --seconds if longer)",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--database", help="PostgreSQL URL of a demo loaded before (kept)")
    parser.add_argument("--data-dir", help="JINENG_DATA_DIR of a demo loaded before (kept)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a few users for a few seconds (the test suite's check that it runs)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.users, args.seconds, args.think, args.workers, args.threads = 10, 6, 0.2, 1, 4
    if args.ramp is None:
        args.ramp = max(args.seconds / 10, 0.6 * args.users)
    # In the smoke mode each user acts a few times however slow the machine is.
    args.min_actions = 6 if args.smoke else 0
    if args.database and not args.data_dir:
        parser.error("--database needs the --data-dir of the same demo (its keys)")
    institution_users = logins(args.users).count("institution")
    with ExitStack() as stack:
        env, database, loaded = environment(stack, args)
        if not loaded:
            print(f"database: {database}; loading the demo…", flush=True)
            subprocess.run([*JINENG, "demo"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        queue = max(4, args.users // 4)
        setup = run_script(env, SETUP, str(institution_users), "6", str(queue))
        print(
            f"the load's own data: {institution_users} draft classes with 6 people each, "
            f"{queue} submitted classes ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        port = free_port()
        log_path = Path(env["JINENG_DATA_DIR"]) / f"site-load-{port}.log"
        log = stack.enter_context(open(log_path, "w"))  # noqa: SIM115
        server = subprocess.Popen(
            [*JINENG, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--threads", str(args.threads)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        stack.callback(stop, server)
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server, log_path)
        stats = Stats()
        measured, approved = asyncio.run(load(port, server.pid, args, setup, stats))
        failures = [line for line in log_path.read_text().splitlines()
                    if re.search(r"Traceback|\bERROR\b|\bCRITICAL\b", line)]  # fmt: skip
    ok = report(args, database, stats, measured, approved, setup)
    if failures:
        print(f"server log: {len(failures)} tracebacks or errors, the first ones:")
        for line in failures[:5]:
            print(f"    {line[:300]}")
    sys.exit(0 if ok and not failures else 1)


if __name__ == "__main__":
    main()
