"""The PDF carries a QR code whose text is the signed payload; `jineng cert` verifies it."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from jineng.certificates import pdf, services, signing


def decode_qr(data: bytes) -> list[str]:
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    document = pdfium.PdfDocument(data)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image)]


def pdf_text(data: bytes) -> str:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(data)
    try:
        return document[0].get_textpage().get_text_range()
    finally:
        document.close()


def test_the_pdf_qr_code_decodes_to_the_signed_payload(issue, yongcheng_person):
    certificate = issue()
    data = pdf.render(certificate)
    assert data.startswith(b"%PDF")
    assert decode_qr(data) == [certificate.signed_payload]
    text = pdf_text(data)
    assert "职业技能等级证书" in text and certificate.number in text
    assert yongcheng_person.id_number_masked in text


def test_a_revoked_certificate_pdf_says_so(issue, act):
    certificate = issue()
    with act("city_reviewer"):
        certificate = services.revoke(certificate, "替考")
    assert "撤销" in pdf_text(pdf.render(certificate))


def verify_cli(text: str) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("cert", "verify", text, stdout=out)
        code = 0
    except SystemExit as stop:
        code = stop.code
    return code, json.loads(out.getvalue())


def test_cli_exit_codes(issue, act):
    certificate = issue()
    code, result = verify_cli(certificate.signed_payload)
    assert code == 0 and result["valid"] and result["number"] == certificate.number
    header, body, sig = certificate.signed_payload.split(".")
    forged = header + "." + body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + sig
    assert verify_cli(forged)[1]["reason"] in ("bad_signature", "malformed")
    assert verify_cli(forged)[0] == 1
    stranger = signing.KeySet.parse(signing=signing.new_signing_key("other"))
    claims = signing.verify(services.keys().public, certificate.signed_payload).claims
    assert verify_cli(signing.sign(stranger, claims))[0] == 1
    assert verify_cli("garbage")[1]["reason"] == "malformed"
    assert verify_cli("a.b.c" * 20)[0] == 1
    with act("city_reviewer"):
        services.revoke(certificate, "替考")
    code, result = verify_cli(certificate.signed_payload)
    assert code == 1 and result["reason"] == "revoked" and result["revoked_reason"] == "替考"


def test_cli_by_number(issue):
    certificate = issue()
    assert verify_cli(certificate.number) == (0, verify_cli(certificate.number)[1])
    assert verify_cli("S023141411001264777777")[0] == 1


def test_cli_keygen_prints_a_usable_key():
    out = io.StringIO()
    call_command("cert", "keygen", "2027a", stdout=out)
    lines = out.getvalue().splitlines()
    key = lines[0].removeprefix("JINENG_CERT_SIGNING_KEY=")
    keys = signing.KeySet.parse(signing=key)
    assert keys.kid == "2027a"
    assert lines[-1].removeprefix("# ") == signing.public_of(key)


def test_jineng_cert_verify_as_a_process(tmp_path):
    """The real command line (no database needed to refuse a malformed payload)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "JINENG_DATA_DIR": str(tmp_path),
           "JINENG_DEMO": "1"}  # fmt: skip
    jineng = [sys.executable, "-m", "jineng.cli"]
    malformed = "x" * 30 + "." + "y" * 30 + "." + "z" * 30
    bad = subprocess.run([*jineng, "cert", "verify", malformed], env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert bad.returncode == 1, bad.stderr
    assert json.loads(bad.stdout.strip().splitlines()[-1])["reason"] == "malformed"
    keygen = subprocess.run([*jineng, "cert", "keygen", "k-2"], env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert keygen.returncode == 0 and keygen.stdout.startswith("JINENG_CERT_SIGNING_KEY=k-2:")


def test_cli_verifies_offline_with_the_saved_keys(issue, client, tmp_path):
    """--keys: the signature against a saved copy of the keys endpoint, with no status look-up;
    a forged payload, a key that is not in the file and a bad key file are each reported."""
    certificate = issue()
    saved = tmp_path / "keys.json"
    saved.write_bytes(client.get("/.well-known/jineng-cert-keys.json").content)
    out = io.StringIO()
    call_command("cert", "verify", "--keys", str(saved), certificate.signed_payload, stdout=out)
    result = json.loads(out.getvalue())
    assert result["valid"] and result["claims"]["no"] == certificate.number
    assert "not checked offline" in result["status"]

    stranger = signing.KeySet.parse(signing=signing.new_signing_key("other"))
    foreign = signing.sign(stranger, result["claims"])
    with pytest.raises(SystemExit) as stop:
        call_command("cert", "verify", "--keys", str(saved), foreign, stdout=io.StringIO())
    assert stop.value.code == 1

    saved.write_text('{"keys": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="no Ed25519 key"):
        call_command("cert", "verify", "--keys", str(saved), certificate.signed_payload)
