"""The benchmark script still runs (a tiny data set), so it cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT


def test_benchmark_runs_and_agrees_with_duckdb():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "policy_engine.py"), "--lines", "2000"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(r"engine: [\d.]+ s, [\d,]+ lines/s", out), out
    assert re.search(r"duckdb: [\d.]+ s", out), out
    assert re.search(r"ratio engine/duckdb: [\d.]+", out), out
    assert "agreement: yes" in out, out
