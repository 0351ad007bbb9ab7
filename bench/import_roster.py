"""Roster import speed and memory (issue: the real-name registry).

    .venv/bin/python bench/import_roster.py [--rows 100000]

Writes an .xlsx roster of N valid people, then in one run on a scratch SQLite database:
  - the import: `jineng import people` (validation, encryption, hashes, bulk inserts, audit);
  - the floor: reading the same file with calamine and bulk-inserting the raw rows into a
    two-column table of the same database;
and prints both times, their ratio (target ≤ 3) and the import's peak memory (target < 300 MB).
"""

import argparse
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
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        roster = scratch / "roster.xlsx"
        write_roster(roster, rows)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JINENG_", "DJANGO_"))}
        env.pop("DATABASE_URL", None)
        env.update(JINENG_DEMO="1", JINENG_DATA_DIR=str(scratch))
        jineng = [sys.executable, "-m", "jineng.cli"]
        subprocess.run([*jineng, "demo"], env=env, check=True, capture_output=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run([*jineng, "import", "people", str(roster), "--org", "411402"],
                              env=env, check=True, capture_output=True, text=True)  # fmt: skip
        elapsed = time.perf_counter() - started
        peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
        floor_run = subprocess.run(
            [sys.executable, "-c", FLOOR, str(roster), str(scratch / "jineng.sqlite3")],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        floor = float(floor_run.stdout.strip())
    print(f"rows: {rows:,}; import: {done.stdout.strip().splitlines()[-1]}")
    print(f"import: {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s), peak memory {peak_mb:.0f} MB")
    print(f"floor (calamine read + bulk insert of the raw rows): {floor:.1f} s")
    print(f"ratio import/floor: {elapsed / floor:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
