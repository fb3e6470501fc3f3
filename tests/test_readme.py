"""The README's two commands stay true: CI runs the test command exactly as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_gives_one_run_command_and_one_test_command():
    run, test = readme_commands()
    assert run.endswith("negotiation-workbook serve")
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_exactly():
    _, test = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert test in ci


def test_binder_installs_the_project():
    lines = (ROOT / "binder" / "requirements.txt").read_text("utf-8").splitlines()
    assert "." in [line.strip() for line in lines]
