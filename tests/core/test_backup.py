"""`jineng backup` and `jineng restore` as real processes, on SQLite and (in the PostgreSQL run)
PostgreSQL: a backup restored into a new, empty database has every table's rows and decrypts
with the keys kept apart; the backup never holds the data key; a database with tables is
refused (issue 20: 等保三级 8.1.4.9 数据备份恢复)."""

import json
import stat

from tests.core.test_keys_cli import roster
from tests.live import jineng, prepared_environment, scratch_environment

STATE = """
import json
from django.db import connection
from jineng.people import services
from jineng.people.models import Person
counts = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names()):
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
sample = [services.decrypt_id_number(p) for p in Person.objects.order_by("pk")[:40]]
from jineng.core.models import TwoFactorDevice
from jineng.institutions.models import Enterprise
sealed = {"evidence": [Enterprise.EVIDENCE.open(e.evidence_content).decode()
                       for e in Enterprise.objects.exclude(evidence_content=None)],
          "totp": [d.bin_key.hex() for d in TwoFactorDevice.objects.all()]}
print(json.dumps({"counts": counts, "sample": sample, "sealed": sealed,
                  "found": sum(services.find_by_id_number(n) is not None for n in sample)}))
"""

# A sealed upload (an enterprise's evidence file) and a sealed TOTP secret, made here as their
# services would store them: the restore gives them back, readable with the kept keys.
PLANT = """
from datetime import date
from jineng.core.models import Organisation, TwoFactorDevice, User
from jineng.institutions.models import Enterprise
Enterprise.objects.create(
    uscc="91411402MA47X0000T", name="备份测试有限公司", size="small",
    bureau=Organisation.objects.order_by("pk").first(), size_evidence="年报",
    size_assessed_on=date(2026, 3, 1), evidence_filename="年报.pdf",
    evidence_content=Enterprise.EVIDENCE.seal(b"%PDF-1.4 evidence"),
)
user = User.objects.create(username="backup_probe", organisation=Organisation.objects.first())
TwoFactorDevice.objects.create(user=user, name="TOTP", confirmed=True,
                               key=TwoFactorDevice.sealed(bytes(range(20))))
"""


def state(env) -> dict:
    return json.loads(jineng(env, "shell", "-v0", "-c", STATE).stdout)


def keys_of(path) -> dict:
    lines = path.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_a_backup_restored_into_an_empty_database_has_every_row(tmp_path):
    numbers = roster(tmp_path / "people.csv", 300)
    (tmp_path / "safe").mkdir()
    (tmp_path / "backups").mkdir()
    with prepared_environment(tmp_path / "data", "setup") as env:
        jineng(env, "import", "people", str(tmp_path / "people.csv"), "--org", "411402")
        jineng(env, "shell", "-v0", "-c", PLANT)
        before = state(env)
        assert before["sealed"] == {"evidence": ["%PDF-1.4 evidence"],
                                    "totp": [bytes(range(20)).hex()]}  # fmt: skip
        target = tmp_path / "backups" / "jineng.backup"
        same_dir = jineng(env, "backup", str(target), "--keys-to", str(tmp_path / "backups" / "k"),
                          check=False)  # fmt: skip
        assert same_dir.returncode != 0 and "apart" in same_dir.stderr and not target.exists()
        made = jineng(env, "backup", str(target), "--keys-to", str(tmp_path / "safe" / "keys.env"))
        assert "backup written" in made.stdout
        reminded = jineng(env, "backup", str(tmp_path / "backups" / "second"))
        assert "JINENG_DATA_KEY" in reminded.stderr  # without --keys-to: a reminder
        again = jineng(env, "backup", str(target), check=False)
        assert again.returncode != 0 and "exists" in again.stderr
        data_key = json.loads((tmp_path / "data" / "demo-keys.json").read_text())["data_key"]
    keys_file = tmp_path / "safe" / "keys.env"
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    keys = keys_of(keys_file)
    assert keys["JINENG_DATA_KEY"] == data_key and keys["JINENG_CRYPTO"] == "aes"
    content = target.read_bytes()
    assert data_key.encode() not in content and numbers[0].encode() not in content
    assert b"%PDF-1.4 evidence" not in content  # the upload sealed in the backup too
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    with scratch_environment(tmp_path / "elsewhere") as empty:  # a new, empty database
        restoring = {**empty, **keys}
        restored = jineng(restoring, "restore", str(target))
        assert "restored" in restored.stdout and "warning" not in restored.stderr
        after = state(restoring)
        refused = jineng(restoring, "restore", str(target), check=False)
        assert refused.returncode != 0 and "not empty" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    with scratch_environment(tmp_path / "keyless") as other:  # its own demo key, not the backup's
        warned = jineng(other, "restore", str(target))
        assert "warning: personal data sealed with keys not configured" in warned.stderr

    audit = "core_auditentry"
    assert after["counts"].pop(audit) == before["counts"].pop(audit) + 1  # the restore's entry
    # That entry may open a chain of its own (a new day, or on PostgreSQL another lane).
    heads = "core_auditchainhead"
    assert after["counts"].pop(heads) - before["counts"].pop(heads) in (0, 1)
    assert after["counts"] == before["counts"]
    assert sum(before["counts"].values()) > 1000
    assert after["sample"] == before["sample"] and len(after["sample"]) == 40
    assert after["sealed"] == before["sealed"]
    assert after["found"] == 40


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all")
    with scratch_environment(tmp_path / "data") as env:
        result = jineng(env, "restore", str(junk), check=False)
        missing = jineng(env, "restore", str(tmp_path / "nothing"), check=False)
    assert result.returncode != 0 and "not a jineng backup" in result.stderr
    assert missing.returncode != 0 and "cannot read" in missing.stderr
    for answer in (result, missing):
        assert "Traceback" not in answer.stderr
