"""Every `jineng` command meets bad input or a missing prerequisite with ONE line on stderr
that says what to do, and a non-zero exit status; never a traceback. Each runs as a process."""

import pytest

from tests.live import jineng, prepared_environment, scratch_environment

ROSTER = "姓名,身份证号码\n张三,11010119900307002X\n"


def assert_one_line_refusal(result, *words: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def files(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    return {"roster": str(roster), "missing": str(tmp_path / "missing.csv"), "dir": tmp_path}


def test_on_a_database_not_yet_migrated(tmp_path, files):
    commands = [
        ("cert", "verify", "JS-2026-0001"),
        ("import", "people", files["roster"]),
        ("createuser", "admin", "--org", "410000", "--role", "system_admin"),
        ("vouchers", "expire"),
        ("supervision", "nightly"),
        ("policy", "load"),
        ("catalog", "load-reference"),
        ("catalog", "load-regions", "--prefix", "41"),
        ("serve", "--bind", "127.0.0.1:1"),
        ("worker", "--batch"),
        ("setup", "--region", "411400"),
    ]
    with scratch_environment(tmp_path / "data") as env:
        for command in commands:
            assert_one_line_refusal(jineng(env, *command, check=False), "jineng migrate")


def test_bad_input_on_a_migrated_database(tmp_path, files):
    missing_dir = str(files["dir"] / "nowhere" / "out.xlsx")
    cases = [
        (("import", "people", files["roster"]), "jineng setup --region"),  # no bureau yet
        (("import", "people", files["missing"]), files["missing"]),
        (("import", "people", files["roster"], "--org", "999999"), "999999"),
        (("import", "no-such-kind", files["roster"]), "--help"),
        (("import", "people", files["roster"], "--target", "x"), "--target"),
        (("createuser", "admin", "--org", "999999", "--role", "system_admin"), "999999"),
        (("createuser", "admin", "--org", "410000"), "--role"),
        (("cert", "verify", "--keys", files["missing"], "x"), files["missing"]),
        (("cert", "keygen", "bad kid!"), "key id"),
        (("cert",), "--help"),
        (("vouchers", "expire", "--today", "tomorrow"), "YYYY-MM-DD"),
        (
            (
                "supervision",
                "run",
                "--region",
                "999999",
                "--from",
                "2026-01-01",
                "--to",
                "2026-02-01",
            ),
            "999999",
        ),  # fmt: skip
        (
            (
                "supervision",
                "run",
                "--region",
                "411400",
                "--from",
                "2026-13-01",
                "--to",
                "2026-02-01",
            ),
            "YYYY-MM-DD",
        ),  # fmt: skip
        (("calendar", "add-workdays", "2026-13-01", "3"), "YYYY-MM-DD"),
        (("calendar", "add-workdays", "2099-01-02", "3"), "2099"),
        (("policy", "load", str(files["dir"] / "nowhere")), "nowhere"),
        (("catalog", "export", "regions", missing_dir), "nowhere"),
        (("catalog", "load-regions", "--file", files["missing"]), files["missing"]),
        (("setup", "--region", "999999"), "999999"),
        (("setup", "--region", "41"), "41"),
        (("setup", "--region", "412301"), "412301"),  # abolished in 1997
        (("setup", "--admin", "root"), "JINENG_ADMIN_PASSWORD"),  # no password, no terminal
        (("no-such-command",), "jineng help"),
    ]
    with prepared_environment(tmp_path / "data", "migrated") as env:
        for command, words in cases:
            result = jineng(env, *command, check=False)
            assert_one_line_refusal(result, words)
