"""A real JupyterHub for the hub test and the hub benchmark: the project's own configuration
on free ports, every user's server running ``negotiation-workbook serve --hub`` on one
PostgreSQL database.

The hub uses its dummy authenticator with one fixed password, the local process spawner
and configurable-http-proxy from npm. :func:`running_hub` starts it and stops it, with the
proxy and every user server it spawned.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

PASSWORD = "hub-test-password"
"""The one password of the hub's dummy authenticator."""

SHIPPED_CONFIG = Path(__file__).resolve().parent.parent / "deploy/jupyterhub/jupyterhub_config.py"

HUB_CONFIG = """
c = get_config()  # noqa
load_subconfig({shipped!r})  # the project's own one-machine configuration, then free ports
c.JupyterHub.bind_url = "http://127.0.0.1:{port}/"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}/"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.JupyterHub.pid_file = "{folder}/jupyterhub.pid"
c.Spawner.cmd = c.Spawner.cmd + ["--pool-size", "0"]  # two cores: no kernel ahead of time
c.Spawner.start_timeout = 240
c.Spawner.http_timeout = 240
"""


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Hub:
    """A running JupyterHub: its public address, the plan store's address, its log."""

    url: str
    db: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")


def missing() -> str:
    """What this machine lacks to run a hub ("" when nothing)."""
    if shutil.which("configurable-http-proxy") is None:
        return "configurable-http-proxy is not on PATH (npm install -g configurable-http-proxy)"
    if not (Path(sys.executable).parent / "jupyterhub").exists():
        return "jupyterhub is not installed (pip install -e '.[test]')"
    return ""


@contextlib.contextmanager
def running_hub(db: str, folder: Path) -> Iterator[Hub]:
    """JupyterHub on free ports with its files in ``folder``, every user's server on the
    plan store ``db`` (the hub's own address for it: each server gets its own role)."""
    import psutil

    port = free_port()
    config = folder / "jupyterhub_config.py"
    config.write_text(
        HUB_CONFIG.format(
            shipped=str(SHIPPED_CONFIG),
            port=port,
            hub_port=free_port(),
            proxy_port=free_port(),
            folder=folder,
        )
    )
    log_path = folder / "hub.log"
    env = {
        **{
            k: v for k, v in os.environ.items() if not k.startswith(("NEGOTIATION_", "JUPYTERHUB_"))
        },
        "NEGOTIATION_WORKBOOK_DB": db,
        "WORKBOOK_HUB_PASSWORD": PASSWORD,
        "WORKBOOK_HUB_STATE": str(folder / "state"),
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    running = Hub(f"http://127.0.0.1:{port}/", db, proc, log_path)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with {proc.returncode}:\n{running.log()}")
            with contextlib.suppress(URLError, OSError):
                urlopen(running.url + "hub/api", timeout=5).read()
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterHub did not answer:\n{running.log()}")
            time.sleep(0.5)
        yield running
    finally:
        with contextlib.suppress(psutil.NoSuchProcess):
            seen = {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
        proc.terminate()  # the hub stops the proxy and every user server it spawned
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        for pid in seen:  # anything that outlived the hub (a kernel, the proxy)
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(pid).kill()
