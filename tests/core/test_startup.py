"""Settings come from the environment only; production refuses to start without its secrets."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

JINENG = [sys.executable, "-m", "jineng.cli"]
GOOD_SECRET = "s" * 50
GOOD_DATA_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="


def run(args, tmp_path, **env):
    """Run `jineng` with a clean environment: only what the test gives it."""
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "JINENG_DATA_DIR": str(tmp_path / "data"),
    }
    return subprocess.run(
        [*JINENG, *args], env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret(tmp_path):
    result = run(["check"], tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("jineng: JINENG_SECRET_KEY is not set")
    assert "Traceback" not in result.stderr


def test_production_refuses_a_missing_or_malformed_data_key(tmp_path):
    missing = run(["check"], tmp_path, JINENG_SECRET_KEY=GOOD_SECRET)
    assert missing.returncode == 2 and "JINENG_DATA_KEY is not set" in missing.stderr
    bad = run(["check"], tmp_path, JINENG_SECRET_KEY=GOOD_SECRET, JINENG_DATA_KEY="short")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "32 bytes" in bad.stderr


def test_demo_generates_and_keeps_its_own_keys(tmp_path):
    first = run(["check"], tmp_path, JINENG_DEMO="1")
    assert first.returncode == 0, first.stderr
    keys_file = tmp_path / "data" / "demo-keys.json"
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    keys = json.loads(keys_file.read_text())
    second = run(["check"], tmp_path, JINENG_DEMO="1")
    assert second.returncode == 0
    assert json.loads(keys_file.read_text()) == keys


PRODUCTION = {
    "JINENG_SECRET_KEY": "k" * 20 + "Zx9#" * 10,
    "JINENG_DATA_KEY": GOOD_DATA_KEY,
    "JINENG_ALLOWED_HOSTS": "jineng.example.cn",
    "JINENG_PUBLIC_URL": "https://jineng.example.cn",
}


def test_production_settings_pass_django_deployment_checks(tmp_path):
    result = run(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("address", ["", "http://jineng.example.cn", "https://127.0.0.1:8000"])
def test_the_deployment_check_wants_the_public_https_address(tmp_path, address):
    """Certificates print JINENG_PUBLIC_URL as the page to verify them: the demo's default
    (127.0.0.1) or a plain http address is a warning before going live."""
    env = {**PRODUCTION, "JINENG_PUBLIC_URL": address}
    result = run(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, **env)
    assert result.returncode != 0 and "jineng.W001" in result.stderr, result.stderr


@pytest.mark.parametrize("debug", ["", "0"])
def test_production_cookies_are_secure(tmp_path, debug):
    script = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    env = {
        "PATH": os.environ["PATH"],
        "JINENG_SECRET_KEY": GOOD_SECRET,
        "JINENG_DATA_KEY": GOOD_DATA_KEY,
        "JINENG_DEBUG": debug,
        "DJANGO_SETTINGS_MODULE": "jineng.settings",
        "JINENG_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["False", "True", "True", "True"], result.stderr


def test_settings_read_nothing_but_the_environment():
    """No settings file, no .env: the module reads os.environ (and the demo key file) only."""
    source = Path("src/jineng/settings.py").read_text()
    assert "open(" not in source and "dotenv" not in source
