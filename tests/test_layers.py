"""The package keeps its layers, has no import cycles, and type-checks where it is declared to.

The contracts are in pyproject.toml (``[tool.importlinter]``, ``[tool.mypy]``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def lint_imports(package_parent: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``lint-imports`` on the ``workbook`` package found in ``package_parent``."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=package_parent,  # lint-imports looks for the package there first
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contracts_are_kept():
    run = lint_imports()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 3 kept, 0 broken." in run.stdout


def with_import(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package with ``line`` added inside a function at the end of ``module``."""
    shutil.copytree(
        ROOT / "workbook", tmp_path / "workbook", ignore=shutil.ignore_patterns("*.pyc")
    )
    path = tmp_path / "workbook" / module
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\n\ndef _added() -> None:\n    {line}  # noqa\n", encoding="utf-8")
    return tmp_path


def test_an_import_against_the_layers_breaks_the_contract(tmp_path):
    run = lint_imports(
        with_import(tmp_path, "model/plan.py", "from workbook.tables import plan_tables")
    )
    assert run.returncode != 0
    assert "workbook.model is not allowed to import workbook.tables" in run.stdout, run.stdout


def test_an_import_cycle_inside_a_package_breaks_the_contract(tmp_path):
    run = lint_imports(with_import(tmp_path, "ui/style.py", "from workbook.ui import forms"))
    assert run.returncode != 0
    assert "No cycles are allowed in workbook.ui" in run.stdout, run.stdout


def test_the_declared_modules_type_check():
    # mypy's cache (.mypy_cache, ignored by git): a later run checks only what changed.
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success: no issues found" in run.stdout
