"""`jineng keys rotate` as a real process killed with SIGKILL half-way, then run again: every
record ends sealed with the new key (and the SM suite: AES to SM by the same command), every
look-up works with the old key removed (issue 20: 等保三级 8.1.4.8 key management)."""

import base64
import json
import os
import signal
import subprocess
from datetime import date, timedelta

from stdnum.cn import ric

from tests.live import JINENG, jineng, prepared_environment

ROWS = 1500
NEW_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()


def roster(path, rows: int = ROWS) -> list[str]:
    numbers = []
    with path.open("w", encoding="utf-8") as handle:
        handle.write("姓名,身份证号码,手机号码\n")
        for n in range(rows):
            body = f"411402{date(1971, 1, 1) + timedelta(days=n // 900):%Y%m%d}{n % 900:03d}"
            numbers.append(body + ric.calc_check_digit(body + "0"))
            handle.write(f"学员{n},{numbers[-1]},139{n:08d}\n")
    return numbers


CHECK = """
import json
from jineng.core import crypto
from jineng.people import services
from jineng.people.models import Person
numbers = json.load(open({path!r}))
people = list(Person.objects.all())
print(json.dumps({{
    "current": sum(crypto.is_current(p.id_number_cipher) and crypto.is_current(p.phone_cipher)
                   for p in people),
    "decrypted": sorted(services.decrypt_id_number(p) for p in people),
    "found": sum(services.find_by_id_number(n) is not None for n in numbers),
    "by_phone": Person.objects.filter(phone_hash__in=services.phone_hashes("13900000007")).count(),
}}))
"""


def stale(env) -> int:
    status = jineng(env, "keys", "status", check=False)
    line = next(x for x in status.stdout.splitlines() if x.startswith("people.Person:"))
    return int(line.split(", ")[1].split()[0])


def test_a_killed_rotation_from_aes_to_sm_resumes_and_leaves_every_record_readable(tmp_path):
    numbers = roster(tmp_path / "people.csv")
    (tmp_path / "numbers.json").write_text(json.dumps(numbers))
    with prepared_environment(tmp_path / "data", "setup") as env:
        jineng(env, "import", "people", str(tmp_path / "people.csv"), "--org", "411402")
        old_key = json.loads((tmp_path / "data" / "demo-keys.json").read_text())["data_key"]
        rotating = {**env, "JINENG_DATA_KEY": NEW_KEY, "JINENG_DATA_KEYS_OLD": old_key,
                    "JINENG_CRYPTO": "sm"}  # fmt: skip
        assert stale(rotating) == ROWS
        command = [*JINENG, "keys", "rotate", "--chunk", "20"]
        first = subprocess.Popen(command, env=rotating, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)  # fmt: skip
        for line in first.stdout:
            if line.startswith("people.Person: "):  # printed after a committed chunk
                break
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        left = stale(rotating)
        assert 0 < left < ROWS and left % 20 == 0  # whole chunks only

        # half-way, look-ups find old and new hashes alike
        checked = json.loads(jineng(rotating, "shell", "-v0", "-c", CHECK.format(
            path=str(tmp_path / "numbers.json"))).stdout)  # fmt: skip
        assert checked["found"] == ROWS and checked["by_phone"] == 1
        # the roster imported again half-way: every person known, none seen as changed
        imported = jineng(rotating, "import", "people", str(tmp_path / "people.csv"),
                          "--org", "411402")  # fmt: skip
        summary = json.loads(imported.stdout.strip().splitlines()[-1])
        assert summary["unchanged"] == ROWS and summary["created"] == 0

        again = jineng(rotating, "keys", "rotate", "--chunk", "20")
        assert f"people.Person: {left}/{left} rotated" in again.stdout
        assert jineng(rotating, "keys", "status", "--check").returncode == 0

        new_only = {**env, "JINENG_DATA_KEY": NEW_KEY, "JINENG_CRYPTO": "sm"}
        checked = json.loads(jineng(new_only, "shell", "-v0", "-c", CHECK.format(
            path=str(tmp_path / "numbers.json"))).stdout)  # fmt: skip
        assert checked["current"] == ROWS
        assert checked["decrypted"] == sorted(numbers)
        assert checked["found"] == ROWS and checked["by_phone"] == 1
        old_only = jineng({**env, "JINENG_CRYPTO": "sm"}, "keys", "status")
        assert "NOT CONFIGURED" in old_only.stdout  # the demo's old key alone reads nothing


def test_keys_commands_refuse_bad_input_in_one_line(tmp_path):
    with prepared_environment(tmp_path / "data", "migrated") as env:
        zero = jineng(env, "keys", "rotate", "--chunk", "0", check=False)
        bad = jineng({**env, "JINENG_DATA_KEYS_OLD": "sm3:abc"}, "keys", "status", check=False)
    assert zero.returncode != 0 and "--chunk" in zero.stderr
    assert bad.returncode == 2 and "aes or sm" in bad.stderr
    for result in (zero, bad):
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
