"""Stopping ``negotiation-workbook serve`` with Ctrl-C: one line, no traceback, whenever."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import _free_port

pytestmark = pytest.mark.served


def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(480):
        if proc.poll() is not None:
            return
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.25)


def _take_a_page(port: int) -> None:
    """GET the app page: it takes the pool's kernel, and the pool starts the next one."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
    finally:
        conn.close()


# Once the server answers: while its first kernel is still starting, once it is ready, and
# right after a page took a kernel (the pool's next kernel is then just starting).
@pytest.mark.parametrize(("after", "page"), [(0.0, False), (5.0, False), (0.0, True)])
def test_ctrl_c_stops_the_server_with_one_line(tmp_path, after, page):
    port = _free_port()
    cmd = [sys.executable, "-m", "workbook.cli", "serve", "--port", str(port)]
    cmd += ["--db", str(tmp_path / "plans.sqlite"), "--no-browser"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        _wait_for_port(port, proc)
        time.sleep(after)  # when the interrupt comes, not a check of anything
        if page:
            _take_a_page(port)
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=120)[0].decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert proc.returncode in (0, 130), output
    last = output.strip().splitlines()[-1]
    assert last in (
        "negotiation-workbook: the server has stopped.",
        "negotiation-workbook: stopped.",
    ), output
