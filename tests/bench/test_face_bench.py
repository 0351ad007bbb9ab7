"""bench/face.py runs in its smoke mode and prints each figure beside its anchor (issue 18)."""

import re

from tests.bench.test_smoke import run_bench


def test_face_bench_smoke_prints_its_figures_and_anchors():
    out = run_bench("face.py", "--smoke")
    figure = r"p50 [\d.]+ ms, p99 [\d.]+ ms; .*: p50 [\d.]+ ms, p99 [\d.]+ ms; ratio p50 [\d.]+"
    assert re.search(r"encode per photo .*: " + figure, out), out
    assert re.search(r"1:1 check-in incl. decode: " + figure, out), out
    assert re.search(r"1:N over 10,000 templates: " + figure, out), out
    assert "goal check-in p99 < 300 ms: " in out, out
