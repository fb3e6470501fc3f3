"""Stores and plan files that are not what they seem: limits, sizes, bad and read-only stores.

Every refusal is one line on standard error, never a traceback, and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workbook.cli import main
from workbook.errors import PlanFileError, StoreError
from workbook.model import MAX_OPTIONS, MAX_ROWS
from workbook.store import MAX_IMPORT_BYTES, PlanStore, example_plan, read_plan_file


def _example() -> dict[str, Any]:
    return example_plan().model_dump(mode="json")


def _over_the_row_limit() -> dict[str, Any]:
    plan = _example()
    move = plan["scenarios"]["moves"][0]
    plan["scenarios"]["moves"] = [dict(move, id=f"m{i}") for i in range(MAX_ROWS + 1)]
    return plan


def _over_the_option_limit() -> dict[str, Any]:
    plan = _example()
    variable = plan["concessions"]["variables"][0]
    option = variable["options"][0]
    variable["options"] = [
        dict(option, id=f"o{i}", label=f"option {i}") for i in range(MAX_OPTIONS + 1)
    ]
    return plan


def _over_the_text_limit() -> dict[str, Any]:
    plan = _example()
    plan["scenarios"]["moves"][0]["description"] = "x" * 5001
    return plan


@pytest.mark.parametrize(
    ("plan", "named"),
    [
        (_over_the_row_limit, f"moves holds {MAX_ROWS + 1} entries; the limit is {MAX_ROWS}"),
        (_over_the_option_limit, f"the limit is {MAX_OPTIONS}"),
        (_over_the_text_limit, "at most 5,000 characters"),
    ],
)
def test_a_plan_over_a_limit_is_refused_with_the_limit_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], plan: Any, named: str
) -> None:
    db = tmp_path / "plans.sqlite"
    with PlanStore(db) as store:
        store.ensure_example()
        before = [vars(s) for s in store.list_plans()]
    file = tmp_path / "plan.json"
    file.write_text(json.dumps(plan()))
    assert main(["import", str(file), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert named in err and err.count("\n") == 1
    with PlanStore(db) as store:
        assert [vars(s) for s in store.list_plans()] == before


def test_the_worked_example_is_within_the_limits() -> None:
    plan = _example()
    assert len(plan["scenarios"]["moves"]) <= MAX_ROWS
    assert all(len(v["options"]) <= MAX_OPTIONS for v in plan["concessions"]["variables"])


def test_an_import_file_is_measured_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "huge.json"
    with big.open("wb") as file:
        file.truncate(200_000_000)  # 200 MB, sparse: no disk used
    tracemalloc.start()
    try:
        with pytest.raises(PlanFileError, match="larger than"):
            read_plan_file(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MAX_IMPORT_BYTES  # not the 200 MB


# --- --db that is not a plan store -------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbook.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEGOTIATION_WORKBOOK")},
        check=False,
    )


def _bad_store(kind: str, folder: Path) -> str:
    if kind == "url":
        return "https://example.com/plans.sqlite"
    if kind == "folder":
        (folder / "a-folder").mkdir()
        return str(folder / "a-folder")
    if kind == "text file":
        (folder / "notes.txt").write_text("not a database\n" * 100)
        return str(folder / "notes.txt")
    if kind == "other database":
        import sqlite3

        con = sqlite3.connect(folder / "other.sqlite")
        con.execute("CREATE TABLE invoices (number INTEGER)")
        con.commit()
        con.close()
        return str(folder / "other.sqlite")
    assert kind == "truncated store"
    path = folder / "cut.sqlite"
    with PlanStore(path) as store:
        store.ensure_example()
    os.truncate(path, path.stat().st_size // 2)
    return str(path)


@pytest.mark.parametrize(
    "kind", ["url", "folder", "text file", "other database", "truncated store"]
)
@pytest.mark.parametrize("command", [["list"], ["export", "example-northwind"], ["serve"]])
def test_a_db_that_is_not_a_plan_store_gets_one_line(
    tmp_path: Path, free_port: int, kind: str, command: list[str]
) -> None:
    db = _bad_store(kind, tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    extra = ["--port", str(free_port), "--no-browser"] if command == ["serve"] else []
    done = _cli(*command, "--db", db, *extra, cwd=tmp_path)
    assert done.returncode in (1, 2)
    # One message; argparse puts its usage lines (indented) above a bad argument's.
    lines = [line for line in done.stderr.splitlines() if line.startswith("negotiation-workbook")]
    assert len(lines) == 1, done.stderr
    assert all(
        line.startswith(("usage:", " ", "negotiation-workbook"))
        for line in done.stderr.splitlines()
    )
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing created


# --- read-only stores ---------------------------------------------------------------------


def _immutable(path: Path, on: bool) -> None:
    subprocess.run(["chattr", "+i" if on else "-i", str(path)], check=True, timeout=30)


@pytest.fixture
def read_only_store() -> Iterator[Path]:
    """A plan store file nobody may write to, in a folder nobody may write to.

    Root may write to any file whatever its mode, so as root both are made immutable.
    """
    folder = Path(tempfile.mkdtemp(prefix="nw-ro-"))
    db = folder / "plans.sqlite"
    with PlanStore(db) as store:
        store.ensure_example()
    db.chmod(0o444)
    folder.chmod(0o555)
    root = os.geteuid() == 0
    if root:
        _immutable(db, True)
        _immutable(folder, True)
    try:
        yield db
    finally:
        if root:
            _immutable(folder, False)
            _immutable(db, False)
        folder.chmod(0o755)
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def test_a_read_only_store_is_read_with_read_only(read_only_store: Path) -> None:
    db = read_only_store
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    listed = _cli("list", "--db", str(db), "--read-only", cwd=db.parent)
    assert listed.returncode == 0, listed.stderr
    assert "example-northwind" in listed.stdout
    exported = _cli(
        "export",
        "example-northwind",
        "--format",
        "md",
        "--db",
        str(db),
        "--read-only",
        cwd=db.parent,
    )
    assert exported.returncode == 0, exported.stderr
    assert "Northwind" in exported.stdout
    refused = _cli("list", "--db", str(db), cwd=db.parent)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "--read-only" in refused.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in db.parent.iterdir()) == ["plans.sqlite"]


def test_read_only_store_open_refuses_to_write(read_only_store: Path) -> None:
    with PlanStore(read_only_store, read_only=True) as store:
        assert store.list_plans()
    with pytest.raises(StoreError, match="no plan store"):
        PlanStore(read_only_store.parent / "missing.sqlite", read_only=True)
