"""Every shipped notebook runs headless on a fresh store and shows its widgets."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from workbook.store import PlanStore

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").rglob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def test_there_are_notebooks_to_run():
    names = {nb.name for nb in NOTEBOOKS}
    assert "app.ipynb" in names and len(names) >= 8


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    notebook = json.loads(path.read_text("utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes_and_shows_widgets(path, tmp_path, monkeypatch):
    db = tmp_path / "plans.sqlite"
    monkeypatch.setenv("NEGOTIATION_WORKBOOK_DB", str(db))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    outputs = [
        o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"], [o.get("text") for o in outputs]
    assert any(WIDGET_MIME in o.get("data", {}) for o in outputs), path.name
    with PlanStore(db, read_only=True) as store:
        assert [p.id for p in store.list_plans()] == ["example-northwind"]
