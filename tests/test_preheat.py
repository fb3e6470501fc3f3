"""Waiting for the visitor in a preheated kernel, without importing Voilà."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import page_config
from workbook.preheat import query_url, wait_for_request

if TYPE_CHECKING:
    from conftest import StartServer


@pytest.fixture
def query_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A stand-in for Voilà's request-info websocket; yields the paths asked for."""
    from websockets.sync.server import serve

    asked: list[str] = []

    def handler(socket: object) -> None:
        asked.append(socket.request.path)  # type: ignore[attr-defined]
        socket.send(json.dumps({"QUERY_STRING": "plan=p1&section=value", "SERVER_PORT": "1"}))  # type: ignore[attr-defined]

    with serve(handler, "127.0.0.1", 0) as server:
        port = server.socket.getsockname()[1]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        for key, value in {
            "VOILA_PREHEAT": "True",
            "VOILA_APP_PORT": str(port),
            "VOILA_SERVER_URL": "/base/",
            "VOILA_KERNEL_ID": "k-1",
        }.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("QUERY_STRING", raising=False)
        yield asked
        server.shutdown()
        thread.join(timeout=10)


def test_preheated_kernel_gets_the_request_variables(query_server: list[str]) -> None:
    import os

    assert query_url().endswith(":" + os.environ["VOILA_APP_PORT"] + "/base/voila/query/k-1")
    wait_for_request()
    assert query_server == ["/base/voila/query/k-1"]
    assert os.environ["QUERY_STRING"] == "plan=p1&section=value"


def test_kernel_started_for_a_request_does_not_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    wait_for_request()  # returns at once: nothing listens


def test_importing_it_loads_no_server_side_module() -> None:
    code = (
        "import sys, workbook.preheat\n"
        "server_side = ('voila', 'jupyter_server', 'nbconvert', 'jinja2')\n"
        "print([m for m in server_side if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_served_preheated_notebook_reads_the_query_string(
    start_server: StartServer, tmp_path: Path
) -> None:
    """With real Voilà: the page shows the visitor's query string, read after the wait."""
    source = (
        "import os, sys\n"
        "from workbook.preheat import wait_for_request\n"
        "wait_for_request()\n"
        "print('query:', os.environ['QUERY_STRING'], '| voila loaded:', 'voila' in sys.modules)"
    )
    notebook = tmp_path / "query.ipynb"
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "execution_count": None,
                        "id": "query",
                        "metadata": {},
                        "outputs": [],
                        "source": source,
                    }
                ],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    code = (
        "from pathlib import Path\n"
        "from workbook.serve import serve\n"
        "serve({port}, db=Path({db!r}), open_browser=False, "
        f"notebook=Path({str(notebook)!r}))\n"
    )
    app = start_server(code=code)
    deadline = time.monotonic() + 90
    while "is filled" not in app.log():
        assert time.monotonic() < deadline, "the kernel pool did not fill"
        time.sleep(0.5)
    status, html = app.get_page("plan=p-42")
    assert status == 200
    assert "query: plan=p-42 | voila loaded: False" in html
    assert f"Using pre-heated kernel: {page_config(html)['kernelId']}" in app.log()


def test_the_app_waits_for_its_visitor_without_loading_voila(
    query_server: list[str], tmp_path: Path
) -> None:
    """``launch()`` in a preheated kernel asks for the request with this module, not Voilà's."""
    import os

    code = (
        "import sys\n"
        "from workbook.ui import launch\n"
        f"launch(db={str(tmp_path / 'plans.sqlite')!r})\n"
        "from workbook.ui.app import WorkbookApp\n"
        "print('voila loaded:', 'voila' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert query_server == ["/base/voila/query/k-1"]
    assert "voila loaded: False" in out.stdout
