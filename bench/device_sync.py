"""Devices offline (issue 18, docs/devices.md): what signing costs the platform.

    .venv/bin/python bench/device_sync.py [--batch 500] [--batches 4] [--rounds 3] [--people 100]
                                          [--smoke] [--data-dir DIR]

1. Signature verification per event: `signing.verified_event` (verify the Ed25519 signature,
   then read the layout) against the anchor, `cryptography`'s raw Ed25519 verify of the same
   bytes; µs per event and the ratio.
2. Batch ingest: the same events posted as signed batches to /api/v1/attendance/signed-batches/
   (signatures, counters, the SignedEvent record, training's check-in rules) against the anchor,
   the plain unsigned batch of /api/v1/attendance/events/ with a device token (training's
   check-in rules alone); events/s of each, best of `--rounds` alternating rounds, and the ratio
   signed/plain. Both go through Django's request handling in this process (no network).

Builds its own data: a scratch data directory with the demo loaded (`jineng demo`, a few
minutes; a scratch PostgreSQL database when DATABASE_URL names a server, else SQLite), then a
class running now with its own people and two devices (tests/devicesync.py). With --data-dir (and
DATABASE_URL), a demo loaded there before is used (the smoke test's copy of the prepared demo).
The stored rows are counted against the answers at the end.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def environment(stack: ExitStack, args) -> str:
    """Point this process at the data: --data-dir as given, or a scratch demo made now."""
    from tests.live import postgres_url, scratch_postgres

    for name in list(os.environ):
        if name.startswith(("JINENG_", "DJANGO_")) or (
            name == "DATABASE_URL" and not args.data_dir
        ):
            del os.environ[name]
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="jineng-bench-devices-")
    os.environ.update(JINENG_DEMO="1", JINENG_DATA_DIR=str(Path(data_dir).resolve()),
                      DJANGO_SETTINGS_MODULE="jineng.settings")  # fmt: skip
    if args.data_dir:
        return (
            "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
        )
    server = postgres_url()
    if server:
        os.environ["DATABASE_URL"] = stack.enter_context(scratch_postgres(server))
    print("loading the demo (jineng demo) ...", flush=True)
    subprocess.run([sys.executable, "-m", "jineng.cli", "demo"], env=os.environ, check=True,
                   capture_output=True, timeout=1800)  # fmt: skip
    return "PostgreSQL" if server else "SQLite"


def signed_events(key, setup: dict, first: int, count: int, tag: str) -> list[dict]:
    from jineng.training import signing

    opens = datetime.fromisoformat(setup["opens"])
    people = setup["people"]
    events = []
    for n in range(first, first + count):
        event = signing.Event(
            device=setup["device"], counter=n + 1, event_id=f"{tag}{n}", session=setup["session"],
            person=people[n % len(people)], direction="in" if n % 2 == 0 else "out",
            device_time=opens + timedelta(minutes=30, milliseconds=n), match="passed",
            distance=0.4,
        )  # fmt: skip
        payload, signature = signing.sign(key, event)
        events.append({"payload": payload, "signature": signature, "event": event})
    return events


def measure_verify(key, events: list[dict]) -> tuple[float, float]:
    """µs per event: the anchor (raw verify) and verified_event, best of three passes each."""
    from jineng.training import signing

    public = signing.public_key(signing.public_text(key))
    raw = [(signing.unb64url(e["signature"]), signing.unb64url(e["payload"])) for e in events]
    best_raw = best_ours = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for signature, data in raw:
            public.verify(signature, data)
        best_raw = min(best_raw, time.perf_counter() - started)
        started = time.perf_counter()
        for event in events:
            signing.verified_event(public, event["payload"], event["signature"])
        best_ours = min(best_ours, time.perf_counter() - started)
    return best_raw / len(events) * 1e6, best_ours / len(events) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=500, help="events a request (at most 500)")
    parser.add_argument("--batches", type=int, default=4, help="requests a round and side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--smoke", action="store_true", help="small sizes, seconds")
    parser.add_argument("--data-dir", help="a data directory with the demo loaded")
    args = parser.parse_args()
    if args.smoke:
        args.batch, args.batches, args.rounds, args.people = 50, 2, 2, 10
    with ExitStack() as stack:
        vendor = environment(stack, args)
        import django

        django.setup()
        return run(args, vendor)


def run(args, vendor: str) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django.test import Client
    from tests.devicesync import prepare

    from jineng.training import signing
    from jineng.training.models import CheckIn, SignedEvent

    key = Ed25519PrivateKey.generate()
    started = time.perf_counter()
    setup = prepare(args.people, signing.public_text(key), source="devices-bench")
    print(f"database: {vendor}; class of {args.people} people and two devices "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    per_side = args.batch * args.batches * args.rounds
    events = signed_events(key, setup, 0, per_side, "s")
    raw_us, ours_us = measure_verify(key, events)
    print(f"signature verification, raw Ed25519 verify (anchor): {raw_us:.1f} µs/event")
    print(f"signature verification, verified_event: {ours_us:.1f} µs/event; "
          f"ratio {ours_us / raw_us:.2f}")  # fmt: skip
    client = Client(HTTP_HOST="127.0.0.1")
    plain_headers = {"HTTP_AUTHORIZATION": f"Device {setup['token']}"}
    best = {"signed": float("inf"), "plain": float("inf")}
    answered = {"signed": 0, "plain": 0}
    for round_ in range(args.rounds):
        for side in ("signed", "plain") if round_ % 2 == 0 else ("plain", "signed"):
            seconds = 0.0
            for b in range(args.batches):
                first = (round_ * args.batches + b) * args.batch
                chunk = events[first : first + args.batch]
                if side == "signed":
                    body = signing.sign_batch(key, setup["device"], datetime.now().astimezone(),
                                              [{"payload": e["payload"], "signature":
                                                e["signature"]} for e in chunk])  # fmt: skip
                    path, headers = "/api/v1/attendance/signed-batches/", {}
                else:
                    body = {"events": [plain(e["event"], "p") for e in chunk]}
                    path, headers = "/api/v1/attendance/events/", plain_headers
                data = json.dumps(body)
                started = time.perf_counter()
                response = client.post(path, data, content_type="application/json", **headers)
                seconds += time.perf_counter() - started
                answer = response.json()
                if response.status_code != 200 or answer["stored"] != len(chunk):
                    print(f"{side} batch not stored whole: {response.status_code} "
                          f"{json.dumps(answer)[:400]}")  # fmt: skip
                    return 1
                answered[side] += answer["stored"]
            best[side] = min(best[side], seconds)
    rate = {side: args.batch * args.batches / best[side] for side in best}
    print(f"batch ingest, plain unsigned check-in (anchor): {rate['plain']:,.0f} events/s "
          f"(batches of {args.batch}, best of {args.rounds} rounds of {args.batches})")  # fmt: skip
    print(f"batch ingest, signed: {rate['signed']:,.0f} events/s; "
          f"ratio signed/plain {rate['signed'] / rate['plain']:.2f}")  # fmt: skip
    signed_rows = SignedEvent.objects.filter(device_id=setup["device"]).count()
    signed_checkins = CheckIn.objects.filter(device_id=setup["device"]).count()
    plain_rows = CheckIn.objects.exclude(device_id=setup["device"]).filter(
        session_id=setup["session"]).count()  # fmt: skip
    print(f"stored: {signed_checkins} signed events ({signed_rows} signed records, "
          f"{answered['signed']} answered as stored), {plain_rows} plain "
          f"({answered['plain']})")  # fmt: skip
    same = signed_checkins == signed_rows == answered["signed"] and plain_rows == answered["plain"]
    return 0 if same else 1


def plain(event, tag: str) -> dict:
    """The same event as an unsigned device posts it (the anchor's)."""
    return {"event_id": f"{tag}{event.counter}", "session": event.session,
            "id_number": event.person, "direction": event.direction,
            "device_time": event.device_time.isoformat()}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
