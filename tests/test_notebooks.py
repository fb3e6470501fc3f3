"""Every shipped notebook runs headless on a fresh store and shows its widgets."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.helpers import run_async
from workbook.store import PlanStore

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").rglob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def test_there_are_notebooks_to_run():
    names = {nb.name for nb in NOTEBOOKS}
    assert {"app.ipynb", "compare_plans.ipynb", "add_your_own.ipynb"} <= names
    assert len(names) >= 10


def test_notebooks_are_thin():
    for path in NOTEBOOKS:
        notebook = json.loads(path.read_text("utf-8"))
        code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
        assert not any(
            line.lstrip().startswith(("def ", "class "))
            for src in code
            for line in src.splitlines()
        ), path.name
        assert notebook["cells"][0]["cell_type"] == "markdown", path.name
        assert "".join(notebook["cells"][0]["source"]).startswith("# "), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    notebook = json.loads(path.read_text("utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


AT_ONCE = 2
"""Notebooks executed at the same time, each in a kernel of its own (a kernel mostly waits
on its own start-up and imports: two keep both cores of a small machine busy)."""


@dataclass
class Run:
    """A notebook executed on a store of its own: the notebook with its outputs, or why not."""

    notebook: nbformat.NotebookNode
    db: Path
    error: BaseException | None = None


async def _execute(path: Path, folder: Path, slots: asyncio.Semaphore) -> Run:
    db = folder / "plans.sqlite"
    if path.parent.name == "analyst":  # analysts work on a store the app has filled
        with PlanStore(db) as store:
            store.ensure_example()
    run = Run(nbformat.read(path, as_version=4), db)
    client = NotebookClient(
        run.notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEGOTIATION_WORKBOOK")}
    async with slots:
        try:
            await client.async_execute(env={**env, "NEGOTIATION_WORKBOOK_DB": str(db)})
        except Exception as exc:  # reported by the notebook's own test
            run.error = exc
    return run


EXECUTES = "test_notebook_executes_and_shows_widgets"


@pytest.fixture(scope="module")
def executed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[Path], Run]:
    """A notebook's run. The first asked for starts every notebook the run selected,
    :data:`AT_ONCE` at a time; under pytest-xdist each worker runs only those it is given."""
    runs: dict[Path, Run] = {}

    async def execute_all(paths: list[Path]) -> list[Run]:
        slots = asyncio.Semaphore(AT_ONCE)
        return await asyncio.gather(
            *(_execute(p, tmp_path_factory.mktemp(p.stem), slots) for p in paths)
        )

    def run_of(path: Path) -> Run:
        if path not in runs:
            paths = [path]
            if not os.environ.get("PYTEST_XDIST_WORKER"):
                paths += [
                    item.callspec.params["path"]
                    for item in request.session.items
                    if getattr(item, "originalname", "") == EXECUTES
                    and item.callspec.params["path"] not in (*runs, path)
                ]
            runs.update(zip(paths, run_async(execute_all(paths)), strict=True))
        return runs[path]

    return run_of


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes_and_shows_widgets(path, executed):
    run = executed(path)
    if run.error is not None:
        raise run.error
    outputs = [
        o
        for cell in run.notebook.cells
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"], [o.get("text") for o in outputs]
    mimes = {mime for o in outputs for mime in o.get("data", {})}
    if path.parent.name == "analyst":
        tables = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        assert any("<table" in t and "Northwind" in t for t in tables) or (
            "application/vnd.plotly.v1+json" in mimes
        )
    else:
        assert WIDGET_MIME in mimes, path.name
    with PlanStore(run.db, read_only=True) as store:
        assert [p.id for p in store.list_plans()] == ["example-northwind"]
