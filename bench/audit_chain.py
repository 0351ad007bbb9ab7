"""The cost of the audit log's hash chain (issue 20, tamper-evident audit): an audited service
write (`writes.update` in its transaction: validate, save, the audit entry) with the entry
chained (core.chain: lock the chain's head, hash, move the head) against the same write with
the chaining left out, in the same run, alternating rounds, each side's best round kept; then
`chain.verify` over what was written.

    .venv/bin/python bench/audit_chain.py [--writes 2000] [--rounds 5] [--postgres URL]
    .venv/bin/python bench/audit_chain.py --smoke      # a few writes, seconds

Builds a scratch database (SQLite in a temporary directory, or with --postgres a new database on
that PostgreSQL server, dropped afterwards). Prints ms per write of each side and the ratio
chained/unchained (the anchor: the unchained audited write). Goal: ratio under 1.5.
"""

import argparse
import sys
import time
from pathlib import Path

import benchdb

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATIO = 1.5


def build():
    from django.core.management import call_command

    from jineng.core import audit, services
    from jineng.core.roles import OrgKind

    call_command("migrate", "core", verbosity=0)  # the audit log and organisations only
    with audit.system_context("bench"):
        return services.create_organisation(
            kind=OrgKind.BUREAU, name="基准省厅", code="BENCH-1", parent=None
        )


def timed_writes(org, count: int, label: str) -> float:
    """Seconds for `count` audited writes, each a service's transaction."""
    from django.db import transaction

    from jineng.core import audit, writes

    started = time.perf_counter()
    with audit.system_context("bench"):
        for i in range(count):
            with transaction.atomic():
                writes.update(org, name=f"基准省厅 {label} {i}")
    return time.perf_counter() - started


def unchained(rows: list[dict]) -> None:
    """The chaining left out: the entry gets no position and no hash."""


def walk_chains() -> tuple[int, str]:
    """What `jineng audit verify` does for each chain (the unchained side's entries, outside
    every chain, left aside): entries checked, and the first broken link or "none"."""
    from jineng.core import chain
    from jineng.core.models import AuditChainHead, AuditEntry

    total = 0
    fields = ("id", "hash", *chain.CONTENT_FIELDS, *chain.CHAIN_FIELDS)
    for head in AuditChainHead.objects.order_by("day", "lane"):
        rows = (
            AuditEntry.objects.filter(chain_day=head.day, lane=head.lane)
            .order_by("seq")
            .values(*fields)
            .iterator(chunk_size=2000)
        )
        count, broken = chain._walk(head.day, head.lane, rows, head.count, head.last_hash)
        total += count
        if broken is not None:
            return total, str(broken)
    return total, "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=2000, help="writes a round and side")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", help="a PostgreSQL URL: a scratch database on its server")
    parser.add_argument("--smoke", action="store_true", help="a few writes, seconds")
    args = parser.parse_args()
    if args.smoke:
        args.writes, args.rounds = 40, 2
    with benchdb.scratch(args.postgres) as url:
        try:
            return run(args, url)
        finally:
            benchdb.close_connections()  # before the scratch database is dropped


def run(args, database_url: str | None) -> int:
    benchdb.environment(database_url)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection

    from jineng.core import chain

    started = time.perf_counter()
    org = build()
    print(f"database: {connection.vendor}; built in {time.perf_counter() - started:.1f} s")
    link = chain.link
    best = {"chained": float("inf"), "unchained": float("inf")}
    for round_ in range(args.rounds):
        for side in ("unchained", "chained") if round_ % 2 else ("chained", "unchained"):
            chain.link = link if side == "chained" else unchained
            try:
                seconds = timed_writes(org, args.writes, f"{side}{round_}")
            finally:
                chain.link = link
            best[side] = min(best[side], seconds)
    per = {side: best[side] / args.writes * 1000 for side in best}
    ratio = per["chained"] / per["unchained"]
    print(f"audited write, unchained: {per['unchained']:.3f} ms/write "
          f"(best of {args.rounds} rounds of {args.writes})")  # fmt: skip
    print(f"audited write, chained:   {per['chained']:.3f} ms/write")
    verdict = "meets" if ratio < GOAL_RATIO else "misses"
    print(f"ratio chained/unchained: {ratio:.2f} ({verdict} the goal < {GOAL_RATIO})")
    started = time.perf_counter()
    entries, broken = walk_chains()
    seconds = time.perf_counter() - started
    rate = entries / max(seconds, 1e-9)
    print(f"verify's walk: {entries:,} chained entries in {seconds:.2f} s "
          f"({rate:,.0f} entries/s); first broken: {broken}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
