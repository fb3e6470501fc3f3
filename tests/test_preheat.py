"""Waiting for the visitor in a preheated kernel, without importing Voilà."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from asyncio import timeout as asyncio_timeout
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import page_config
from tests.helpers import run_async
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


# --- a kernel's socket that drops ---------------------------------------------------------


def test_a_kernel_whose_socket_drops_connects_again_and_gets_the_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first connection closes before the request came; the kernel asks again."""
    from websockets.sync.server import serve

    connections: list[int] = []

    def handler(socket: object) -> None:
        connections.append(1)
        if len(connections) == 1:
            socket.close(1011, "going away before the visitor came")  # type: ignore[attr-defined]
            return
        socket.send(json.dumps({"QUERY_STRING": "plan=p-7"}))  # type: ignore[attr-defined]
        socket.recv()  # type: ignore[attr-defined]  # until the kernel closes

    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        monkeypatch.setenv("VOILA_PREHEAT", "True")
        monkeypatch.setenv("VOILA_APP_PORT", str(server.socket.getsockname()[1]))
        monkeypatch.setenv("VOILA_KERNEL_ID", "k-7")
        monkeypatch.setenv("QUERY_STRING", "")
        wait_for_request()
        server.shutdown()
        thread.join(timeout=10)
    assert os.environ["QUERY_STRING"] == "plan=p-7"
    assert len(connections) == 2


async def _query_sockets(check: Any) -> None:
    """Run ``check(url, waiters, cache)`` against the server's request-info handler."""
    import asyncio
    import gc

    from tornado.web import Application
    from voila.request_info_handler import RequestInfoSocketHandler

    from workbook.serve.handlers import _RequestInfoHandler

    opened: list[_RequestInfoHandler] = []

    class Handler(_RequestInfoHandler):  # remembers its sockets, to close them at the end
        def open(self, kernel_id: str) -> None:  # type: ignore[override]
            opened.append(self)
            super().open(kernel_id)

    app = Application([(r"/voila/query/(.*)", Handler)])
    server = app.listen(0, address="127.0.0.1")
    port = next(iter(server._sockets.values())).getsockname()[1]
    try:
        await check(
            f"ws://127.0.0.1:{port}/voila/query/",
            RequestInfoSocketHandler._waiters,
            RequestInfoSocketHandler._cache,
        )
    finally:
        server.stop()
        for handler in opened:
            if handler.ws_connection is not None:
                handler.close()
        await _until(lambda: all(h.ws_connection is None for h in opened), "sockets stay open")
        await server.close_all_connections()
        await asyncio.sleep(0)
        gc.collect()


async def _until(condition: Any, what: str) -> None:
    import asyncio

    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError(what)


def _send(kernel_id: str, query: str) -> None:
    from voila.request_info_handler import RequestInfoSocketHandler

    RequestInfoSocketHandler.send_updates(
        {"kernel_id": kernel_id, "payload": json.dumps({"QUERY_STRING": query})}
    )


def test_a_second_socket_of_the_kernel_gets_the_request_after_the_first_closes() -> None:
    """A kernel that connected again before the server saw its first socket close: the
    first socket's close must not take the second one's place away (Voilà's handler
    removed the last socket that connected, and the request then waited for nobody)."""
    from websockets.asyncio.client import connect

    async def check(url: str, waiters: dict[str, Any], cache: dict[str, Any]) -> None:
        first = await connect(url + "k-second", ping_interval=None)
        await _until(lambda: "k-second" in waiters, "the first socket was not registered")
        one = waiters["k-second"]
        second = await connect(url + "k-second", ping_interval=None)
        await _until(lambda: waiters.get("k-second") not in (None, one), "no second socket")
        await first.close()
        await _until(lambda: one.ws_connection is None, "the first socket did not close")
        _send("k-second", "plan=p-2")
        async with asyncio_timeout(10):
            assert json.loads(await second.recv()) == {"QUERY_STRING": "plan=p-2"}
        await second.close()
        await _until(lambda: "k-second" not in cache, "the request was kept after it was read")

    run_async(_query_sockets(check))


def test_a_request_written_to_a_socket_that_then_dropped_reaches_the_next_one() -> None:
    """The request was written, but the kernel's socket dropped before the kernel read it
    (no clean close): the kernel's next socket gets it (Voilà's handler had forgotten it)."""
    from websockets.asyncio.client import connect

    async def check(url: str, waiters: dict[str, Any], cache: dict[str, Any]) -> None:
        dropped = await connect(url + "k-drop", ping_interval=None)
        await _until(lambda: "k-drop" in waiters, "the socket was not registered")
        handler = waiters["k-drop"]
        _send("k-drop", "plan=p-3")
        dropped.transport.abort()  # gone without a close frame
        await dropped.wait_closed()
        await _until(lambda: handler.ws_connection is None, "the server did not see the drop")
        again = await connect(url + "k-drop", ping_interval=None)
        async with asyncio_timeout(10):
            assert json.loads(await again.recv()) == {"QUERY_STRING": "plan=p-3"}
        await again.close()

    run_async(_query_sockets(check))
