"""`jineng import people` as a real process: its JSON line and exit codes, and a run killed
half-way then run again, which must store every valid row exactly once."""

import csv
import json
import signal
import subprocess
from datetime import date, timedelta

from stdnum.cn import ric

from tests.live import JINENG, jineng, prepared_environment

ROWS = 12_000


def big_roster(path, rows: int = ROWS) -> None:
    start = date(1970, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["姓名", "身份证号码"])
        for n in range(rows):
            body = f"411402{start + timedelta(days=n // 900):%Y%m%d}{n % 900:03d}"
            writer.writerow([f"学员{n}", body + ric.calc_check_digit(body + "0")])


def count_people(env, source: str) -> int:
    script = (
        "from jineng.people.models import Person\n"
        f"print(Person.objects.filter(source={source!r}).count())"
    )
    return int(jineng(env, "shell", "-v0", "-c", script).stdout.strip())


def test_a_killed_import_run_again_stores_every_row_once(tmp_path):
    roster = tmp_path / "big.csv"
    big_roster(roster)
    with prepared_environment(tmp_path / "data", "setup") as env:  # the bureau of 411402
        command = [*JINENG, "import", "people", str(roster), "--org", "411402"]
        first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen = b""
        while b" rows" not in seen and first.poll() is None:
            seen += first.stderr.read(1)  # progress is printed after each committed chunk
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        stored_before = count_people(env, "import:big.csv")
        assert 0 < stored_before < ROWS
        again = jineng(env, "import", "people", str(roster), "--org", "411402")
        summary = json.loads(again.stdout.strip().splitlines()[-1])
        assert summary["unchanged"] == stored_before
        assert summary["created"] == ROWS - stored_before and summary["rejected"] == 0
        assert count_people(env, "import:big.csv") == ROWS


def test_unusable_input_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "people.csv"
    bad.write_text("名字,备注\n张三,x\n", encoding="utf-8")
    with prepared_environment(tmp_path / "data", "migrated") as env:
        missing_columns = jineng(env, "import", "people", str(bad), check=False)
        unknown_format = jineng(env, "import", "people", str(tmp_path / "x.pdf"), check=False)
    for result in (missing_columns, unknown_format):
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
