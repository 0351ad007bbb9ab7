"""The benchmarks still run (issue 21, "Benchmarks that cannot rot"): each one in its smoke mode
(tiny sizes, seconds) as a process, on SQLite or on PostgreSQL when DATABASE_URL names one; the
test checks the exit code (1: the figures disagree with DuckDB's) and that the figures were
printed. bench/policy_engine.py has its own (tests/policy/test_bench.py); bench/checkin_load.py
does not run today (issue 21) and has none."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*argv: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / argv[0]), *argv[1:]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


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


def test_claims_bench_smoke_agrees_with_duckdb():
    out = run_bench("claims.py", "--trainees", "200", "--history", "2000")
    assert re.search(r"generation: [\d.]+ s, [\d,]+ lines/s", out), out
    assert re.search(r"create_training_claim \(writes included\): [\d,]+ lines", out), out
    assert re.search(r"duckdb: [\d.]+ s", out), out
    assert "agreement: yes" in out, out


def test_import_roster_bench_smoke_prints_its_ratios():
    out = run_bench("import_roster.py", "--rows", "200")
    assert re.search(r'import: \{"rows": 200, "created": 200,', out), out
    assert re.search(r"ratio import/floor: [\d.]+", out), out
    assert re.search(r"ratio least secure work/floor: [\d.]+", out), out


def test_audit_bench_smoke_finds_every_planted_case_and_nothing_else():
    out = run_bench("audit.py", "--smoke")
    assert re.search(r"built in \d+ s, [\d.]+ [kMG]?B: [\d,]+ people", out), out
    for code in ("overlapping_classes", "employed_during_class", "checkin_bursts",
                 "shared_phone", "beyond_designation", "duplicate_claims"):  # fmt: skip
        assert re.search(rf"{code}\s+[\d.]+\s+\d+\s+\d+\s+0\s+0\s+\d+", out), out
    assert re.search(r"whole audit: [\d.]+ s", out), out
    assert "every planted case found, no false flag: yes" in out, out


def test_audit_chain_bench_smoke_prints_its_ratio_and_the_chain_holds():
    out = run_bench("audit_chain.py", "--smoke")
    assert re.search(r"audited write, unchained: [\d.]+ ms/write", out), out
    assert re.search(r"audited write, chained: +[\d.]+ ms/write", out), out
    assert re.search(r"ratio chained/unchained: [\d.]+", out), out
    assert re.search(r"verify's walk: [\d,]+ chained entries .* first broken: none", out), out
