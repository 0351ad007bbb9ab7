"""The benchmarks still run (issue 21, "Benchmarks that cannot rot"): each one in its smoke mode
(tiny sizes, seconds) as a process, on SQLite or on PostgreSQL when DATABASE_URL names one; the
test checks the exit code (1: the figures disagree with DuckDB's) and that the figures were
printed. bench/policy_engine.py has its own (tests/policy/test_bench.py). The ones that serve
the demo over HTTP (check-in, site load) start from a copy of the test run's prepared demo
(tests/live.py) rather than load it again."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.live import postgres_url, prepared_environment

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*argv: str, env: dict | None = None) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / argv[0]), *argv[1:]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def on_the_prepared_demo(tmp_path: Path, *argv: str) -> str:
    """Run a benchmark with --data-dir on a copy of the prepared demo (its own database)."""
    with prepared_environment(tmp_path / "data", "demo") as env:
        return run_bench(*argv, "--data-dir", env["JINENG_DATA_DIR"], env=env)


def test_stats_bench_smoke_prints_its_figures_and_agrees_with_duckdb():
    out = run_bench("stats.py", "--smoke")
    assert re.search(r"built in \d+ s, [\d.]+ [kMG]?B: [\d,]+ people", out), out
    assert re.search(r"rollup rebuild .*: [\d.]+ s, [\d,]+ rows; DuckDB the same rollup: "
                     r"[\d.]+ s .* ratio [\d.]+", out), out  # fmt: skip
    assert "rollup equal to DuckDB's (rows and sums per measure): yes" in out, out
    for reader in ("province", "city", "county"):
        for read in ("measure", "indicators"):
            assert re.search(rf"{reader}\s+{read}\s+\d+(\s+[\d.]+){{5}}", out), out
    assert re.search(r"dashboard p95 over all reads: [\d.]+ ms", out), out
    assert "figures equal to DuckDB's: yes" in out, out


def test_province_bench_smoke_builds_the_province_and_times_every_page():
    out = run_bench("province.py", "--smoke")
    built = (r"built in \d+ s, [\d.]+ [kMG]?B: [\d,]+ people, .* [\d,]+ check-ins, .* "
             r"[\d,]+ claim lines, [\d,]+ payment batches, [\d,]+ payments")  # fmt: skip
    assert re.search(built, out), out
    for reader in ("province", "city", "county"):
        for page in ("people", "classes", "class", "claims", "api people", "api claims"):
            assert re.search(rf"{reader}\s+{page}\s+\d+(\s+[\d.]+){{4}}", out), out
        assert re.search(rf"{reader}\s+/healthz \(anchor\)\s+\d+\s+[\d.]+", out), out
    assert re.search(r"slowest page p95: \d+ ms", out), out
    assert "NOT ANSWERED" not in out, out


def test_claims_bench_smoke_agrees_with_duckdb():
    out = run_bench("claims.py", "--smoke")
    assert re.search(r"generation: [\d.]+ s, [\d,]+ lines/s", out), out
    assert re.search(r"create_training_claim \(writes included\): [\d,]+ lines", out), out
    assert re.search(r"duckdb: [\d.]+ s", out), out
    assert "agreement: yes" in out, out


def test_import_roster_bench_smoke_prints_its_ratios():
    out = run_bench("import_roster.py", "--smoke")
    assert re.search(r'import: \{"rows": 200, "created": 200,', out), out
    assert re.search(r"ratio import/floor: [\d.]+", out), out
    assert re.search(r"ratio least secure work/floor: [\d.]+", out), out
    assert re.search(r"ratio import/least secure work: [\d.]+ \(target <= 2\)", out), out


def test_audit_bench_smoke_finds_every_planted_case_and_nothing_else():
    out = run_bench("audit.py", "--smoke")
    assert re.search(r"built in \d+ s, [\d.]+ [kMG]?B: [\d,]+ people", out), out
    rows = re.findall(r"^([a-z_]+)\s+[\d.]+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+$", out, re.M)
    assert len(rows) == 21, out  # every check has planted cases, all found, nothing else flagged
    assert all(int(planted) > 0 and (found, missed, false) == (planted, "0", "0")
               for _code, planted, found, missed, false in rows), out  # fmt: skip
    assert re.search(r"whole audit: [\d.]+ s", out), out
    assert re.search(r"anchor: one scan of the [\d,]+ check-ins [\w ]+: [\d.]+ s; ratio whole "
                     r"audit/anchor: [\d.]+", out), out  # fmt: skip
    assert "every planted case found, no false flag: yes" in out, out


def test_verify_bench_smoke_prints_its_ratio():
    argv = ("--postgres", postgres_url()) if postgres_url() else ()
    out = run_bench("verify.py", "--smoke", *argv)
    assert re.search(r"raw Ed25519 verify \(cryptography\): +[\d,]+ /s", out), out
    assert re.search(r"verify_payload \(signature\+status\): +[\d,]+ /s", out), out
    assert re.search(r"ratio: [\d.]+ \((meets|BELOW) the target of 0.5\)", out), out


def test_checkin_load_smoke_stores_every_event_it_was_answered_for(tmp_path):
    """Issue 21: its setup enrolled demo people the demo's own classes use; it builds its own."""
    out = on_the_prepared_demo(tmp_path, "checkin_load.py", "--smoke")
    for phase in ("check-in, saturated", "anchor, saturated", "check-in, paced", "anchor, paced"):
        assert re.search(rf"{phase}[\w /]*\s+\d+ (events|req)/s\s+p50\s+[\d.]+ ms", out), out
    assert re.search(r"ratio check-in/anchor: events/s ÷ requests/s [\d.]+", out), out
    stored = re.search(r"stored: (\d+) check-in events \((\d+) answered as stored\), "
                       r"(\d+) anchor rows \((\d+)\)", out)  # fmt: skip
    assert stored and stored[1] == stored[2] and stored[3] == stored[4], out
    assert int(stored[1]) > 0 and "failed requests: 0" in out, out


def test_site_load_smoke_every_role_signs_in_and_nothing_fails(tmp_path):
    out = on_the_prepared_demo(tmp_path, "site_load.py", "--smoke")
    assert re.search(r"throughput: [\d.]+ requests/s", out), out
    assert re.search(r"login +10 +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +0 ", out), out
    assert re.search(r"anchor /healthz +\d+ ", out), out
    assert re.search(r"ratio p95 all/anchor [\d.]+", out), out
    assert re.search(r"errors: 0; worst p95 of a page or API kind: \d+ ms", out), out


def test_audit_chain_bench_smoke_prints_its_ratio_and_the_chain_holds():
    out = run_bench("audit_chain.py", "--smoke")
    assert re.search(r"audited write, unchained: [\d.]+ ms/write", out), out
    assert re.search(r"audited write, chained: +[\d.]+ ms/write", out), out
    assert re.search(r"ratio chained/unchained: [\d.]+", out), out
    assert re.search(r"verify's walk: [\d,]+ chained entries .* first broken: none", out), out


def test_whatif_bench_smoke_agrees_with_the_engine():
    """bench/whatif.py (issue 22): a year replayed under a draft from its stored traces, beside
    the engine's batch on the same lines; the replay's new total equals the engine's."""
    out = run_bench("whatif.py", "--smoke")
    assert re.search(r"anchor: the engine's batch under the draft: [\d.]+ s, [\d,]+ lines/s", out)
    assert re.search(r"replay: [\d.]+ s .*, [\d,]+ lines/s", out), out
    assert re.search(r"ratio replay/anchor: [\d.]+", out), out
    assert "agreement with the anchor's total: yes" in out, out


def test_device_sync_smoke_prints_its_ratios_and_stores_what_it_was_answered(tmp_path):
    """Issue 18, devices offline: signature verification against the raw Ed25519 verify, and
    the signed batch ingest against the plain unsigned check-in of the same events."""
    out = on_the_prepared_demo(tmp_path, "device_sync.py", "--smoke")
    assert re.search(r"raw Ed25519 verify \(anchor\): [\d.]+ µs/event", out), out
    assert re.search(r"verified_event: [\d.]+ µs/event; ratio [\d.]+", out), out
    assert re.search(r"plain unsigned check-in \(anchor\): [\d,]+ events/s", out), out
    assert re.search(r"batch ingest, signed: [\d,]+ events/s; ratio signed/plain [\d.]+", out), out
    stored = re.search(r"stored: (\d+) signed events \((\d+) signed records, (\d+) answered as "
                       r"stored\), (\d+) plain \((\d+)\)", out)  # fmt: skip
    assert stored and stored[1] == stored[2] == stored[3] and stored[4] == stored[5], out
    assert int(stored[1]) > 0, out
