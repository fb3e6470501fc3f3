"""A page's kernel survives the races of a busy machine.

- jupyter_client picks a kernel's ports by binding and releasing them, and the kernel binds
  them a moment later; another process can take one in between. The test hands the kernel
  a port that a listening socket holds, as that other process would, and expects a kernel
  that answers, on other ports.
- A page that closes while kernel output is being sent to it makes the send fail; that is
  no error, and leaves no traceback in the server's log.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
from typing import Any

import pytest
from jupyter_client.connect import LocalPortCache
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

from tests.helpers import run_async
from workbook.serve.handlers import _read_send_failure
from workbook.serve.kernels import _KernelManager


async def _start_and_ask(manager: _KernelManager) -> dict[str, Any]:
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        return await client.kernel_info(reply=True, timeout=60)
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def test_a_kernel_given_a_taken_port_starts_again_on_new_ports(monkeypatch: pytest.MonkeyPatch):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    cache = LocalPortCache.instance()
    pick = cache.find_available_port
    handed: list[int] = []

    def taken_first(ip: str) -> int:  # the first port handed out is the taken one
        handed.append(port if not handed else pick(ip))
        return handed[-1]

    monkeypatch.setattr(cache, "find_available_port", taken_first)
    manager = _KernelManager(kernel_name="python3")
    try:
        reply = run_async(_start_and_ask(manager))
    finally:
        taken.close()
    assert reply["content"]["status"] == "ok"
    assert handed[0] == port and len(handed) == 10  # two launches of five ports each
    assert port not in manager.ports


async def _failed_sends(failures: list[BaseException], read: bool) -> list[str]:
    """Fail one unawaited send per failure (as a page closing mid-send does) and return
    what asyncio reported of them once they were gone."""
    reported: list[str] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _, context: reported.append(context["message"]))

    async def send(failure: BaseException) -> None:
        raise failure

    for failure in failures:
        sending = asyncio.ensure_future(send(failure))
        if read:
            sending.add_done_callback(_read_send_failure)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        del sending
    gc.collect()
    return reported


def test_a_send_to_a_page_that_closed_leaves_no_traceback(caplog: pytest.LogCaptureFixture):
    closed = [WebSocketClosedError(), StreamClosedError()]
    # unread, asyncio reports both ("Task exception was never retrieved" and a traceback)
    assert len(run_async(_failed_sends(closed, read=False))) == 2
    with caplog.at_level(logging.WARNING):
        assert run_async(_failed_sends(closed, read=True)) == []
        assert not caplog.records
        # a failure other than a closed page is still told
        assert run_async(_failed_sends([OSError("no route")], read=True)) == []
    assert ["no route" in r.getMessage() for r in caplog.records] == [True]
