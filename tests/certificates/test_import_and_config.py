"""Certificates obtained elsewhere, imported; the signing keys read from the environment."""

import json
import os
import stat
import subprocess
import sys

from jineng.certificates import services, signing
from jineng.certificates.imports import CERTIFICATES
from jineng.certificates.models import Certificate
from jineng.core import audit
from jineng.core.imports import SPECS, ImportOptions, run_import
from jineng.people.services import decrypt_id_number
from tests.factories import PersonFactory


def test_the_bureau_imports_certificates_obtained_elsewhere(users, yongcheng_person):

    number = decrypt_id_number(yongcheng_person)
    liangyuan = PersonFactory(bureau="411402")
    rows = (
        "姓名,身份证号码,证书类型,证书编号,职业代码,等级,发证日期,发证机构\n"
        f"{yongcheng_person.name},{number},职业资格证书,1941140003001111,6-31-01-03,四级,"
        "2019/06/28,河南省职业技能鉴定指导中心\n"
        f"{yongcheng_person.name},{number},专项职业能力证书,ZX-2020-0001,4-03-02-02,,"
        "2020-01-15,商丘市职业技能鉴定中心\n"
        f"别的名字,{number},职业资格证书,1941140003001112,6-31-01-03,四级,2019-06-28,某中心\n"
        f"{yongcheng_person.name},{number},奖状,1941140003001113,6-31-01-03,四级,2019-06-28,某\n"
        f"{yongcheng_person.name},{number},职业资格证书,1941140003001114,9-99-99-99,,2019-06-28,某\n"
        f"{liangyuan.name},{decrypt_id_number(liangyuan)},职业资格证书,1941140003001111,"
        "6-31-01-03,四级,2019-06-28,河南省职业技能鉴定指导中心\n"
    ).encode()
    options = ImportOptions(context={"user": users["city_reviewer"]})
    with audit.audit_context(actor=users["city_reviewer"]):
        report = run_import(CERTIFICATES, rows, "c.csv", options=options)
    assert report.counts["created"] == 2, report.rejected
    assert {r.row for r in report.rejected} == {4, 5, 6, 7}
    recorded = Certificate.objects.get(number="1941140003001111")
    assert not recorded.issued_here and recorded.signed_payload == "" and recorded.level.code == "4"
    assert recorded.issued_on.isoformat() == "2019-06-28"
    assert Certificate.objects.get(number="ZX20200001").level is None
    assert services.verify_number("1941140003001111")["reason"] == "not_issued_here"
    with audit.audit_context(actor=users["city_reviewer"]):
        again = run_import(CERTIFICATES, rows, "c.csv", options=options)
    assert again.counts["created"] == 0 and again.counts["unchanged"] == 2
    # 梁园区's reviewer does not reach a 永城 person.
    with audit.audit_context(actor=users["county_reviewer"]):
        county = run_import(
            CERTIFICATES, rows, "c.csv",
            options=ImportOptions(context={"user": users["county_reviewer"]}),
        )  # fmt: skip
    assert county.counts["created"] == 0
    assert SPECS["certificates"] is CERTIFICATES


JINENG = [sys.executable, "-m", "jineng.cli"]
GOOD = {
    "JINENG_SECRET_KEY": "s" * 50,
    "JINENG_DATA_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
}


def run(tmp_path, *args, **env):
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
            "JINENG_DATA_DIR": str(tmp_path / "data")}  # fmt: skip
    return subprocess.run([*JINENG, *args], env={**base, **env}, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_malformed_keys_are_refused_in_one_line(tmp_path):
    bad = run(tmp_path, "check", **GOOD, JINENG_CERT_SIGNING_KEY="2026a:short")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert bad.stderr.startswith("jineng: JINENG_CERT_SIGNING_KEY is malformed")
    retired = run(tmp_path, "check", **GOOD, JINENG_CERT_RETIRED_KEYS="old")
    assert retired.returncode == 2 and "JINENG_CERT_RETIRED_KEYS" in retired.stderr
    assert "Traceback" not in bad.stderr + retired.stderr
    key = signing.new_signing_key("2027a")
    old = signing.public_of(signing.new_signing_key("2026a"))
    ok = run(tmp_path, "check", **GOOD, JINENG_CERT_SIGNING_KEY=key, JINENG_CERT_RETIRED_KEYS=old)
    assert ok.returncode == 0, ok.stderr


def test_the_demo_adds_a_signing_key_to_an_older_key_file(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    older = {"secret_key": "d" * 60, "data_key": GOOD["JINENG_DATA_KEY"]}
    keys_file = data / "demo-keys.json"
    keys_file.write_text(json.dumps(older))
    os.chmod(keys_file, 0o600)
    script = "from django.conf import settings; print(settings.CERT_SIGNING_KEY)"
    first = run(tmp_path, "shell", "-c", script, JINENG_DEMO="1")
    assert first.returncode == 0, first.stderr
    keys = json.loads(keys_file.read_text())
    assert keys["secret_key"] == older["secret_key"] and keys["data_key"] == older["data_key"]
    assert first.stdout.strip().splitlines()[-1] == keys["cert_signing_key"]
    assert signing.KeySet.parse(signing=keys["cert_signing_key"]).kid == "demo-1"
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    second = run(tmp_path, "shell", "-c", script, JINENG_DEMO="1")
    assert second.stdout == first.stdout
