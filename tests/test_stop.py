"""Stopping ``negotiation-workbook serve`` with Ctrl-C: one line, no traceback, whenever."""

from __future__ import annotations

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


# Once the server answers: while its first kernel is still starting, and once it is ready.
@pytest.mark.parametrize("after", [0.0, 5.0])
def test_ctrl_c_stops_the_server_with_one_line(tmp_path, after):
    port = _free_port()
    cmd = [sys.executable, "-m", "workbook.cli", "serve", "--port", str(port)]
    cmd += ["--db", str(tmp_path / "plans.sqlite"), "--no-browser"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        _wait_for_port(port, proc)
        time.sleep(after)  # when the interrupt comes, not a check of anything
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
