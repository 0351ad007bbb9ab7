"""jineng.policy is pure Python: it never imports Django."""

from __future__ import annotations

import ast
import subprocess
import sys

from .conftest import ROOT

POLICY_DIR = ROOT / "src" / "jineng" / "policy"

IMPORT_ALL_WITH_DJANGO_BLOCKED = """
import pkgutil, importlib, sys
sys.modules["django"] = None  # any `import django...` now raises ImportError
import jineng.policy
for module in pkgutil.walk_packages(jineng.policy.__path__, "jineng.policy."):
    importlib.import_module(module.name)
loaded = sorted(name for name in sys.modules if name.startswith("jineng.policy."))
assert not [name for name in sys.modules if name.startswith("django.")], "django imported"
print(" ".join(loaded))
"""


def test_every_policy_module_imports_with_django_blocked():
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL_WITH_DJANGO_BLOCKED],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.split()
    for module in ("engine", "batch", "pack", "workdays", "decision", "records"):
        assert f"jineng.policy.{module}" in loaded


def test_no_source_file_names_django_in_an_import():
    offenders = []
    for path in POLICY_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert not offenders
