"""Roster import speed and memory (issue: the real-name registry).

    .venv/bin/python bench/import_roster.py [--rows 100000 | --smoke]

Writes an .xlsx roster of N valid people, then in one run on a scratch SQLite database:
  - the import: `jineng import people` (validation, encryption, hashes, bulk inserts, audit);
  - the floor: reading the same file with calamine and bulk-inserting the raw rows into a
    two-column table of the same database;
  - the least work a secure import must do, hand-written with sqlite3 and no framework: the
    floor plus the check character, AES-GCM of ID number and phone, their HMAC look-up hashes,
    masking, and three rows per person (person, ledger line, audit entry) without indexes;
and prints the times, their ratios to the floor (target ≤ 3) and the import's peak memory
(target < 300 MB). The third figure shows how much of the ratio the required work alone takes;
the import's ratio to it is issue 21's goal (≤ 2).

With DATABASE_URL naming a PostgreSQL server, the import runs in a scratch database on it
(dropped afterwards); the floor and the least work stay on SQLite, the same anchor as before.
"""

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import ric

FLOOR = """
import sqlite3, sys, time
from python_calamine import CalamineWorkbook
started = time.perf_counter()
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).iter_rows()
next(rows)
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE TABLE IF NOT EXISTS floor_rows (name TEXT, id_number TEXT)")
batch = []
for row in rows:
    batch.append((str(row[0]), str(row[1])))
    if len(batch) == 1000:
        db.executemany("INSERT INTO floor_rows VALUES (?, ?)", batch); db.commit(); batch = []
db.executemany("INSERT INTO floor_rows VALUES (?, ?)", batch); db.commit()
print(time.perf_counter() - started)
"""

LEAST_WORK = """
import hashlib, hmac, json, os, sqlite3, sys, time
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from python_calamine import CalamineWorkbook
aes, hash_key = AESGCM(os.urandom(32)), os.urandom(32)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def sealed(value, field):
    nonce = os.urandom(12)
    return b"\\1" + nonce + aes.encrypt(nonce, value.encode(), field.encode())
def keyed(value, field):
    return hmac.new(hash_key, f"{field}\\0{value}".encode(), hashlib.sha256).hexdigest()
started = time.perf_counter()
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).iter_rows()
next(rows)
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE TABLE least_person (name, id_cipher, id_hash, id_masked, phone_cipher,"
           " phone_hash, phone_masked, birth)")
db.execute("CREATE TABLE least_ledger (person, kind, title, detail)")
db.execute("CREATE TABLE least_audit (action, type, id, after)")
people, ledger, audit = [], [], []
for n, row in enumerate(rows):
    name, number, phone = str(row[0]), str(row[1]), str(row[2])
    total = sum(int(c) * w for c, w in zip(number, WEIGHTS))
    assert "10X98765432"[total % 11] == number[17]
    masked = number[:4] + "*" * 10 + number[-4:]
    people.append((name, sealed(number, "id_number"), keyed(number, "id_number"), masked,
                   sealed(phone, "phone"), keyed(phone, "phone"), phone[:3] + "****" + phone[-4:],
                   number[6:14]))
    ledger.append((n, "registered", "Registered", '{"source": "import"}'))
    audit.append(("create", "people.person", n, json.dumps({"name": name, "id": masked})))
    if len(people) == 1000:
        db.executemany("INSERT INTO least_person VALUES (?, ?, ?, ?, ?, ?, ?, ?)", people)
        db.executemany("INSERT INTO least_ledger VALUES (?, ?, ?, ?)", ledger)
        db.executemany("INSERT INTO least_audit VALUES (?, ?, ?, ?)", audit)
        db.commit()
        people, ledger, audit = [], [], []
db.executemany("INSERT INTO least_person VALUES (?, ?, ?, ?, ?, ?, ?, ?)", people)
db.executemany("INSERT INTO least_ledger VALUES (?, ?, ?, ?)", ledger)
db.executemany("INSERT INTO least_audit VALUES (?, ?, ?, ?)", audit)
db.commit()
print(time.perf_counter() - started)
"""


def write_roster(path: Path, rows: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["姓名", "身份证号码", "手机号码"])
    start = date(1960, 1, 1)
    for n in range(rows):
        body = f"411402{start + timedelta(days=n // 900):%Y%m%d}{n % 900:03d}"
        sheet.append([f"学员{n}", body + ric.calc_check_digit(body + "0"), f"138{n:08d}"])
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="200 rows: the test that it runs")
    args = parser.parse_args()
    rows = 200 if args.smoke else args.rows
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as scratch, _database(url) as database_url:
        scratch = Path(scratch)
        roster = scratch / "roster.xlsx"
        write_roster(roster, rows)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JINENG_", "DJANGO_"))}
        env.pop("DATABASE_URL", None)
        env.update(JINENG_DEMO="1", JINENG_DATA_DIR=str(scratch))
        if database_url:
            env["DATABASE_URL"] = database_url
        jineng = [sys.executable, "-m", "jineng.cli"]
        # The least a bureau starts from: its tree of bureaus (the roster goes to 梁园区).
        for command in (["migrate", "-v0"], ["setup", "--region", "411400"]):
            subprocess.run([*jineng, *command], env=env, check=True, capture_output=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run([*jineng, "import", "people", str(roster), "--org", "411402"],
                              env=env, check=True, capture_output=True, text=True)  # fmt: skip
        elapsed = time.perf_counter() - started
        peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
        database = str(scratch / "jineng.sqlite3")
        floor, least = (_timed_script(script, roster, database) for script in (FLOOR, LEAST_WORK))
    vendor = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"rows: {rows:,}; database: {vendor}; import: {done.stdout.strip().splitlines()[-1]}")
    print(f"import: {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s), peak memory {peak_mb:.0f} MB")
    print(f"floor (calamine read + bulk insert of the raw rows): {floor:.1f} s")
    print(f"least secure work (floor + checks, encryption, hashes, 3 rows/person): {least:.1f} s")
    print(f"ratio import/floor: {elapsed / floor:.2f} (target <= 3)")
    print(f"ratio least secure work/floor: {least / floor:.2f}")
    print(f"ratio import/least secure work: {elapsed / least:.2f} (target <= 2)")


@contextlib.contextmanager
def _database(url: str):
    """A scratch PostgreSQL database when DATABASE_URL names a server, else None (SQLite)."""
    if not url.startswith("postgres"):
        yield None
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.live import scratch_postgres

    with scratch_postgres(url) as scratch:
        yield scratch


def _timed_script(script: str, roster: Path, database: str) -> float:
    """Seconds a script printed after running it on the roster and the database."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(roster), database],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return float(done.stdout.strip())


if __name__ == "__main__":
    main()
