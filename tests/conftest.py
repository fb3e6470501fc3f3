"""Shared fixtures: free ports, the app served by the real command line, headless Chromium."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent
LOCAL_ONLY = "--proxy-server=http://127.0.0.1:9"
"""Every request to another host goes to a proxy on a closed port of this machine and
fails there; Chromium sends requests to this machine (loopback) past the proxy."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    LOCAL_ONLY,
]
START_TIMEOUT = 90.0
SERVED_GROUP = "served"
"""The pytest-xdist group of most browser tests and of those that time a server's kernels
(culling, caps, floods), run one at a time (``--dist loadgroup``)."""
APART_GROUP = "served-apart"
"""The pytest-xdist group of the served tests of :data:`APART_MODULES`: one at a time too,
in the other worker, beside the first group."""
APART_MODULES = frozenset(
    {
        "test_app",
        "test_browser_brief_print",
        "test_browser_charts",
        "test_browser_preparation",
        "test_browser_rehearsal",
        "test_cli",
        "test_data_safety",
        "test_hub",
        "test_name_box",
        "test_preheat",
        "test_room_forms",
        "test_serve",
        "test_server_log_report",
        "test_stop",
        "test_store_files",
        "test_store_postgres",
        "test_widget_values",
        "test_workshop_ui",
    }
)
"""Modules whose tests time nothing of a server's kernels (no culling, caps or floods), so
that they can run beside the other group: served tests that drive Chromium little or not at
all, and browser tests that only fill in and read pages. Chosen so that the two workers,
with the shared tests, finish at about the same time."""
LOG_TAIL_LINES = 150
"""Lines of each server log attached to a failed test's report."""

_SERVER_LOGS: list[Path] = []
"""Every log written by a server that :func:`start_server` started, in order of start."""
_LOGS_AT_START = pytest.StashKey[dict[Path, tuple[int, int]]]()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that starts a server ``served`` and every one that drives Chromium
    ``browser``, whatever its module says: ``-m "not served and not browser"`` is a fast tier.

    Served and browser tests also form two pytest-xdist groups, each run in one worker one
    test at a time: most browser tests with those that time kernels (:data:`SERVED_GROUP`),
    and those of :data:`APART_MODULES` (:data:`APART_GROUP`); the tests that start no
    server are shared between the workers. (Two servers starting kernels at once may pick
    the same free port; a kernel that loses it is started again on new ports, see
    ``workbook.serve.kernels``.)
    """
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "start_server" in fixtures:
            item.add_marker(pytest.mark.served)
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("served") or item.get_closest_marker("browser"):
            module = getattr(item, "module", None)
            name = module.__name__.rsplit(".", 1)[-1] if module is not None else ""
            group = APART_GROUP if name in APART_MODULES else SERVED_GROUP
            item.add_marker(pytest.mark.xdist_group(group))
            if getattr(config.option, "loadgroup", False):  # a pytest-xdist worker
                _name_group(item, group)


def _name_group(item: pytest.Item, group: str) -> None:
    """Suffix the test's id with ``@group``, which is how pytest-xdist's controller tells a
    group's tests (``--dist loadgroup``). pytest-xdist 3.8 does it by setting ``_nodeid``,
    which pytest 9.2 no longer reads (it keeps a structured ``_id``): there, do it here."""
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # an older pytest: pytest-xdist names the group itself
        return
    if "@" not in item.nodeid and isinstance(getattr(item, "_id", None), NodeId):
        item._id = NodeId.parse(f"{item.nodeid}@{group}")


def _log_state(path: Path) -> tuple[int, int]:
    """Size and modification time (ns) of a log: either changes when the server writes."""
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item) -> None:
    """Remember how far each server log had got when the test started."""
    item.stash[_LOGS_AT_START] = {path: _log_state(path) for path in _SERVER_LOGS}


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a log."""
    with contextlib.suppress(OSError):
        return "".join(path.read_text("utf-8", errors="replace").splitlines(True)[-lines:])
    return f"({path} could not be read)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed test's report shows the tail of each server log written while it ran
    (servers started during the test and session servers it made write), so a failure
    in CI shows what the server did."""
    report = yield
    if report.failed:
        before = item.stash.get(_LOGS_AT_START, {})
        for path in _SERVER_LOGS:
            if path not in before or _log_state(path) != before[path]:
                title = f"server log {path.parent.name}/{path.name} (last {LOG_TAIL_LINES} lines)"
                report.sections.append((title, _tail(path)))
    return report


def _free_port() -> int:
    """A port free on every address (servers here bind to 127.0.0.1 or 0.0.0.0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    return _free_port()


@dataclass
class ServedApp:
    """A running ``negotiation-workbook serve`` process and what it was given."""

    url: str
    db: Path
    proc: subprocess.Popen[bytes]
    log_path: Path
    _kernels_seen: set[int] = field(default_factory=set)

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    def log(self) -> str:
        """Everything the server wrote so far."""
        return self.log_path.read_text("utf-8", errors="replace")

    def request(
        self, path: str, *, method: str = "GET", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send ``path`` exactly as given (no normalisation) and return status, headers, body."""
        host, port = self.host.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def get_page(self, query: str = "") -> tuple[int, str]:
        """GET the app page (which starts or takes a kernel); status and HTML."""
        status, _, body = self.request("/" + (f"?{query}" if query else ""))
        return status, body.decode("utf-8", errors="replace")

    def get_page_config(self, query: str = "") -> dict[str, Any]:
        """GET the app page and return the page configuration embedded in it."""
        status, html = self.get_page(query)
        assert status == 200, status
        return page_config(html)

    def new_page_kernel(self) -> str:
        """GET the app page and return the id of the kernel it was rendered with."""
        return str(self.get_page_config()["kernelId"])

    def kernel_alive(self, kernel_id: str) -> bool:
        """Whether the server still has the kernel ``kernel_id``."""
        status, _, _ = self.request(f"/api/kernels/{kernel_id}")
        assert status in (200, 404), status
        return status == 200

    def kernel_pids(self) -> set[int]:
        """Process ids of the kernels the server runs now (remembered for cleanup)."""
        import psutil

        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return set()
        pids = {c.pid for c in children if "ipykernel" in " ".join(_cmdline(c))}
        self._kernels_seen |= pids
        return pids

    def alive(self) -> bool:
        return self.proc.poll() is None


def _cmdline(proc: Any) -> list[str]:
    try:
        return list(proc.cmdline())
    except Exception:
        return []


def page_config(html: str) -> dict[str, Any]:
    """The ``jupyter-config-data`` JSON embedded in a Voilà page."""
    match = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "the page carries no jupyter-config-data"
    return dict(json.loads(match.group(1)))


def _wait_until_answering(app: ServedApp, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not app.alive():
            raise RuntimeError(f"the server exited with {app.proc.returncode}:\n{app.log()}")
        with contextlib.suppress(OSError):
            # any answer will do; this route starts no kernel
            app.request("/voila/static/")
            return
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{app.log()}")


def _stop(*apps: ServedApp) -> None:
    """Stop the servers with their kernels: all are asked at once, then each is waited for
    (a server takes a second or so to shut its kernels down)."""
    import psutil

    for app in apps:
        app.kernel_pids()
        if app.alive():
            app.proc.terminate()
    for app in apps:
        try:
            app.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.proc.kill()
            app.proc.wait(timeout=30)
        for pid in app._kernels_seen:  # kernels outliving their server would leak
            with contextlib.suppress(psutil.NoSuchProcess):
                proc = psutil.Process(pid)
                if "ipykernel" in " ".join(_cmdline(proc)):
                    proc.kill()


StartServer = Callable[..., ServedApp]


@pytest.fixture(scope="session")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartServer]:
    """Factory: ``start_server(db=..., args=[...])`` runs ``negotiation-workbook serve``.

    With ``code=...`` it runs that Python code instead of the command line (for serve
    options the command line does not expose); ``{port}`` and ``{db}`` are filled in.
    Every server started is stopped, with its kernels, at the end of the session.
    """
    started: list[ServedApp] = []

    def start(
        *, db: Path | None = None, args: Sequence[str] = (), code: str | None = None
    ) -> ServedApp:
        workdir = tmp_path_factory.mktemp("served")
        db = db or workdir / "plans.sqlite"
        for attempt in range(3):  # another process may take the free port before the server
            port = _free_port()
            if code is None:
                cmd = [sys.executable, "-m", "workbook.cli", "serve", "--port", str(port)]
                cmd += ["--db", str(db), "--no-browser", *args]
            else:
                cmd = [sys.executable, "-c", code.format(port=port, db=str(db))]
            log_path = workdir / f"server{attempt or ''}.log"
            _SERVER_LOGS.append(log_path)
            env = {k: v for k, v in os.environ.items() if not k.startswith("NEGOTIATION_WORKBOOK")}
            with log_path.open("wb") as log:
                proc = subprocess.Popen(
                    cmd, stdout=log, stderr=subprocess.STDOUT, cwd=workdir, env=env
                )
            app = ServedApp(f"http://127.0.0.1:{port}/", db, proc, log_path)
            started.append(app)
            try:
                _wait_until_answering(app, START_TIMEOUT)
                return app
            except RuntimeError:
                if app.alive() or "already in use" not in app.log():
                    raise
        raise RuntimeError(f"no free port for the server after three tries:\n{app.log()}")

    yield start
    _stop(*started)


@pytest.fixture(scope="session")
def served_app(start_server: StartServer) -> ServedApp:
    """The app served by ``negotiation-workbook serve`` on a free port with a fresh database."""
    return start_server()


def chromium_path() -> str | None:
    """Debian's Chromium, or any ``chromium`` on PATH; None when there is none."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _no_browser(reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; browser tests must run in CI (CI=true)")
    pytest.skip(f"{reason}; browser tests skipped (install Debian's chromium to run them)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium driven by Playwright; never downloads a browser."""
    executable = chromium_path()
    if executable is None:
        _no_browser("Chromium not found at /usr/bin/chromium nor on PATH")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("Python Playwright is not installed")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page in its own context (cookies and storage not shared)."""
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()


def _no_postgres(reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; the PostgreSQL store tests must run in CI (CI=true)")
    pytest.skip(f"{reason}; PostgreSQL store tests skipped (install Debian's postgresql)")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """A throwaway PostgreSQL cluster for the whole run (see tests/postgres.py)."""
    from tests.postgres import cluster, pg_bin

    if pg_bin() is None:
        _no_postgres("PostgreSQL's initdb and pg_ctl are not installed")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _no_postgres("psycopg is not installed (pip install -e '.[test]')")
    with cluster() as running:
        yield running


STORE_BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=STORE_BACKENDS)
def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a fresh plan store lives, once per backend: an SQLite file that does not exist
    yet, or the address of a new, empty PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "plans.sqlite"
    running = request.getfixturevalue("pg_cluster")
    return running.url(running.new_database())
