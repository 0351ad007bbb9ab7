"""The reference attendance-device client (docs/devices.md): an institution runs it on a PC at
the door. It makes the device's Ed25519 key pair (the private key stays in a file only its
owner reads), queues each check-in signed at once in a local SQLite file, so the PC works with
no network, and uploads the queue in signed batches when the platform answers, with retries;
a sync cut off half-way resumes where it stopped, and the platform stores each event once.

    jineng device keygen   --dir D                    # prints the public key to register
    jineng device configure --dir D --device ID --url https://platform.example
    jineng device record   --dir D --session S --person ID_NUMBER|E<enrolment> --direction in
                           [--lat 34.4146 --lon 115.6563 --accuracy 15]
    jineng device import   --dir D events.csv   # session,person,direction[,time,match,distance]
    jineng device sync     --dir D [--batch 100] [--retries 5] [--all]
    jineng device status   --dir D

(`python -m jineng.training.device_client ...` is the same without the platform's settings.)
The face match itself comes from the camera side; here it is given with --match/--distance.

Pure Python (sqlite3, http.client, `cryptography`): nothing here imports Django.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import sqlite3
import sys
import time
import urllib.parse
from contextlib import closing
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jineng.training import signing

KEY_FILE = "device.key"
QUEUE_FILE = "queue.sqlite3"
PATH = "/api/v1/attendance/signed-batches/"
SCHEMA = """
CREATE TABLE IF NOT EXISTS config (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    counter INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    signature TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',   -- pending | stored | duplicate | refused
    reason TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    flag TEXT NOT NULL DEFAULT '',
    synced_at TEXT
);
CREATE INDEX IF NOT EXISTS events_pending ON events (status, counter);
"""
# Failures worth another try: the network, or the server's own trouble (5xx).
RETRYABLE = (OSError, http.client.HTTPException)


class ClientError(Exception):
    """A refusal of the client's own (bad input, no key, not configured): one line to print."""


class Device:
    """The device's state directory: its key file and its queue."""

    def __init__(self, directory: str | Path):
        self.dir = Path(directory)
        self.db = sqlite3.connect(self.dir / QUEUE_FILE, isolation_level=None, timeout=30)
        self.db.executescript(SCHEMA)

    # --- the key ---------------------------------------------------------------------------

    @staticmethod
    def keygen(directory: str | Path) -> str:
        """Make the key pair; the private key (its 32-byte seed, base64url) in a file with mode
        0600, never overwritten. Returns the public key to register."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        seed = key.private_bytes_raw()
        try:
            fd = os.open(path / KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise ClientError(f"{path / KEY_FILE} exists: this device has its key") from None
        with os.fdopen(fd, "w") as out:
            out.write(signing.b64url(seed) + "\n")
        Device(path).db.close()
        return signing.public_text(key)

    def key(self) -> Ed25519PrivateKey:
        path = self.dir / KEY_FILE
        if not path.exists():
            raise ClientError(f"no key in {self.dir}: run `keygen` first")
        if path.stat().st_mode & 0o077:
            raise ClientError(f"{path} is readable by others: chmod 600 it")
        return Ed25519PrivateKey.from_private_bytes(signing.unb64url(path.read_text().strip()))

    # --- configuration ---------------------------------------------------------------------

    def set(self, **values) -> None:
        for name, value in values.items():
            self.db.execute("INSERT OR REPLACE INTO config VALUES (?, ?)", (name, str(value)))

    def get(self, name: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM config WHERE name = ?", (name,)).fetchone()
        return row[0] if row else default

    def device_id(self) -> int:
        value = self.get("device")
        if value is None:
            raise ClientError("not configured: run `configure --device ID --url URL` first")
        return int(value)

    # --- the queue -------------------------------------------------------------------------

    def record(self, *, session: int, person: str, direction: str, at: datetime | None = None,
               match: str = "none", distance: float | None = None, latitude: float | None = None,
               longitude: float | None = None, accuracy: float | None = None,
               ) -> tuple[int, str]:  # fmt: skip
        """Sign one event and queue it: (counter, event id). The counter goes up by one for
        each event, in the same transaction as the event, so none is ever used twice."""
        key, device = self.key(), self.device_id()
        at = (at or datetime.now()).astimezone()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            counter = int(self.get("counter", "0")) + 1
            event = signing.Event(
                device=device, counter=counter, event_id=f"{device}.{counter}", session=session,
                person=person.strip().upper(), direction=direction, device_time=at, match=match,
                distance=distance, latitude=latitude, longitude=longitude, accuracy=accuracy,
            )  # fmt: skip
            try:
                payload, signature = signing.sign(key, event)
            except (ValueError, KeyError, OverflowError) as problem:
                raise ClientError(f"event refused: {problem}") from None
            self.db.execute(
                "INSERT INTO events (counter, event_id, payload, signature, recorded_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (counter, event.event_id, payload, signature, _now()),
            )
            self.set(counter=counter)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return counter, event.event_id

    def counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT status, COUNT(*) FROM events GROUP BY status")
        return dict(rows.fetchall())

    def _batch(self, size: int, after: int | None) -> list[tuple]:
        if after is None:
            return self.db.execute(
                "SELECT counter, payload, signature FROM events WHERE status = 'pending'"
                " ORDER BY counter LIMIT ?", (size,),
            ).fetchall()  # fmt: skip
        return self.db.execute(
            "SELECT counter, payload, signature FROM events WHERE counter > ?"
            " ORDER BY counter LIMIT ?", (after, size),
        ).fetchall()  # fmt: skip

    def _answered(self, rows: list[tuple], results: list[dict]) -> None:
        now = _now()
        self.db.execute("BEGIN IMMEDIATE")
        for (counter, _payload, _signature), result in zip(rows, results, strict=True):
            self.db.execute(
                "UPDATE events SET status = CASE WHEN status = 'stored' AND ? = 'duplicate'"
                " THEN status ELSE ? END, reason = ?, error = ?, flag = ?, synced_at = ?"
                " WHERE counter = ?",
                (result["status"], result["status"], result.get("reason", ""),
                 result.get("error", ""), result.get("flag", ""), now, counter),
            )  # fmt: skip
        self.db.execute("COMMIT")

    # --- sync ------------------------------------------------------------------------------

    def sync(self, *, batch: int = 100, retries: int = 5, timeout: float = 30,
             everything: bool = False, say=print) -> dict[str, int]:  # fmt: skip
        """Upload the queue in signed batches, oldest first; each answer is written down at once,
        so a sync cut off resumes with what is left. A failed request is tried again after a
        growing pause, `retries` times in a row at most. `everything` sends the acknowledged
        events too (the platform answers them "duplicate"), to confirm it holds them all."""
        key, device, url = self.key(), self.device_id(), self.get("url")
        if not url:
            raise ClientError("no platform address: run `configure --url URL` first")
        totals = {"stored": 0, "duplicate": 0, "refused": 0}
        after = 0 if everything else None
        failures = 0
        while rows := self._batch(batch, after):
            events = [{"payload": payload, "signature": signature}
                      for _counter, payload, signature in rows]  # fmt: skip
            body = signing.sign_batch(key, device, datetime.now().astimezone(), events)
            try:
                status, answer = post(url, body, timeout)
            except RETRYABLE as problem:
                failures += 1
                if failures > retries:
                    left = self.counts().get("pending", 0)
                    say(f"gave up after {retries} retries ({problem}); {left} events still "
                        "queued: run sync again")  # fmt: skip
                    break
                pause = min(0.2 * 2 ** (failures - 1), 10)
                say(f"no answer ({problem or type(problem).__name__}); retrying in {pause:.1f} s")
                time.sleep(pause)
                continue
            failures = 0
            if status != 200:
                detail = answer.get("detail") if isinstance(answer, dict) else answer
                say(f"the platform refused the batch ({status}): {detail}")
                break
            self._answered(rows, answer["results"])
            for result in answer["results"]:
                totals[result["status"]] += 1
            say(f"batch of {len(rows)}: {answer['stored']} stored, {answer['duplicate']} "
                f"duplicate, {answer['refused']} refused "
                f"(clock {answer['clock_skew']:+d} s)")  # fmt: skip
            if after is not None:
                after = rows[-1][0]
        return totals


def _now() -> str:
    return datetime.now().astimezone().isoformat()


def post(url: str, body: dict, timeout: float) -> tuple[int, dict]:
    """POST the batch on a connection of its own; a 5xx answer counts as no answer."""
    parts = urllib.parse.urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    data = json.dumps(body).encode()
    with closing(kind(parts.netloc, timeout=timeout)) as connection:
        connection.request(
            "POST", parts.path.rstrip("/") + PATH, body=data,
            headers={"Content-Type": "application/json", "Connection": "close",
                     "Accept-Language": os.environ.get("JINENG_DEVICE_LANGUAGE", "zh-hans")},
        )  # fmt: skip
        response = connection.getresponse()
        raw = response.read()
    if response.status >= 500:
        raise http.client.HTTPException(f"server error {response.status}")
    try:
        return response.status, json.loads(raw)
    except ValueError:
        raise http.client.HTTPException(f"not JSON (HTTP {response.status})") from None


# --- the command line --------------------------------------------------------------------------


def configure_parser(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (("keygen", "make the key pair and print the public key to register"),
                       ("configure", "the device's id (once registered) and the platform"),
                       ("record", "sign and queue one event"),
                       ("import", "sign and queue the events of a CSV file"),
                       ("sync", "upload the queue in signed batches"),
                       ("status", "what is queued, sent and refused")):  # fmt: skip
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--dir", required=True, help="the device's state directory")
        if name == "configure":
            sub.add_argument("--device", type=int, help="the device's id on the platform")
            sub.add_argument("--url", help="the platform's address, e.g. https://jineng.example")
        if name == "record":
            sub.add_argument("--session", type=int, required=True)
            sub.add_argument("--person", required=True, help="an ID number, or E<enrolment id>")
            sub.add_argument("--direction", choices=["in", "out"], required=True)
            sub.add_argument("--at", help="ISO 8601 with offset (default: now)")
            sub.add_argument("--match", choices=list(signing.MATCHES), default="none")
            sub.add_argument("--distance", type=float)
            sub.add_argument("--lat", type=float, help="where the device is: WGS-84 latitude")
            sub.add_argument("--lon", type=float, help="… and longitude")
            sub.add_argument("--accuracy", type=float, help="… within this many metres")
        if name == "import":
            sub.add_argument("file", help="CSV: session,person,direction[,time,match,distance]")
        if name == "sync":
            sub.add_argument("--batch", type=int, default=100, help="events per request")
            sub.add_argument("--retries", type=int, default=5)
            sub.add_argument("--timeout", type=float, default=30)
            sub.add_argument("--all", action="store_true",
                             help="send the acknowledged events too (to confirm them)")  # fmt: skip


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ClientError(f"not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise ClientError(f"give the time with its UTC offset (+08:00): {text!r}")
    return value


def _import(device: Device, path: str, say) -> int:
    """Queue the events of a CSV file: every line checked first; any bad line queues none
    (each named with its line number and why)."""
    events, problems = [], []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                distance = (row.get("distance") or "").strip()
                values = dict(session=int(row["session"]), person=row["person"].strip().upper(),
                              direction=row["direction"].strip(), at=_time(row.get("time")),
                              match=(row.get("match") or "none").strip(),
                              distance=float(distance) if distance else None)  # fmt: skip
                signing.Event(
                    device=1, counter=1, event_id="check", session=values["session"],
                    person=values["person"], direction=values["direction"],
                    device_time=values["at"] or datetime.now().astimezone(),
                    match=values["match"], distance=values["distance"],
                ).message()  # fmt: skip
            except KeyError as missing:
                problems.append(f"line {line}: no {missing} column")
            except (ValueError, TypeError, AttributeError, OverflowError, ClientError) as problem:
                problems.append(f"line {line}: {problem}")
            else:
                events.append(values)
    if problems:
        raise ClientError(f"{path}: nothing queued; " + "; ".join(problems[:10]))
    for values in events:
        device.record(**values)
    say(f"{len(events)} events signed and queued")
    return len(events)


def run(args: argparse.Namespace, say=print) -> int:
    if args.action == "keygen":
        public = Device.keygen(args.dir)
        say(f"public key: {public}")
        say(f"fingerprint: {signing.fingerprint(public)}")
        say("register it with the device on the platform, then run `configure`")
        return 0
    device = Device(args.dir)
    if args.action == "configure":
        if args.device is not None:
            device.set(device=args.device)
        if args.url:
            device.set(url=args.url.rstrip("/"))
        say(f"device {device.get('device', '?')} at {device.get('url', '?')}")
    elif args.action == "record":
        counter, event_id = device.record(
            session=args.session, person=args.person, direction=args.direction,
            at=_time(args.at), match=args.match, distance=args.distance, latitude=args.lat,
            longitude=args.lon, accuracy=args.accuracy,
        )  # fmt: skip
        say(f"queued {event_id} (counter {counter})")
    elif args.action == "import":
        _import(device, args.file, say)
    elif args.action == "sync":
        totals = device.sync(batch=max(1, min(args.batch, 500)), retries=args.retries,
                             timeout=args.timeout, everything=args.all, say=say)  # fmt: skip
        left = device.counts().get("pending", 0)
        say(f"sync: {totals['stored']} stored, {totals['duplicate']} duplicate, "
            f"{totals['refused']} refused; {left} still queued")  # fmt: skip
        return 0 if left == 0 else 1
    elif args.action == "status":
        say(f"device {device.get('device', '?')} at {device.get('url', '?')}, "
            f"last counter {device.get('counter', '0')}")  # fmt: skip
        for status, count in sorted(device.counts().items()):
            say(f"  {status}: {count}")
        for event_id, reason, error in device.db.execute(
            "SELECT event_id, reason, error FROM events WHERE status = 'refused' ORDER BY counter"
        ):
            say(f"  refused {event_id}: {reason}: {error}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jineng device", description=__doc__.split("\n\n")[0])
    configure_parser(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except ClientError as problem:
        print(f"jineng device: {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
