"""The served app, end to end: `negotiation-workbook serve` on a free port, a fresh database.

Each page fetched here starts (or takes) a kernel; the server culls them, and the
fixtures stop the server and its kernels at the end of the session.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import websocket
from jupyter_client.session import Session

from tests.kernel_socket import CONTROL, KernelSocket, ws_url
from workbook.model import Plan
from workbook.serve import (
    CULL_IDLE_TIMEOUT,
    CULL_INTERVAL,
    FRONTEND_EXTENSIONS,
    app_notebook_path,
)
from workbook.store import PlanStore, example_plan

if TYPE_CHECKING:
    from conftest import ServedApp, StartServer


# --- the page ----------------------------------------------------------------------


def test_app_notebook_is_found() -> None:
    path = app_notebook_path()
    assert path.name == "app.ipynb"
    assert path.is_absolute()
    assert path.is_file()


def _code_lines(notebook: Path) -> list[str]:
    """Distinctive source lines of the notebook's code cells."""
    nb = json.loads(notebook.read_text("utf-8"))
    lines = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            lines += [line.strip() for line in source.splitlines() if len(line.strip()) >= 12]
    return lines


def test_page_renders_without_source_or_traceback(served_app: ServedApp) -> None:
    status, html = served_app.get_page()
    assert status == 200
    assert "jupyter-config-data" in html
    assert 'class="jp-CodeMirrorEditor' not in html  # the code cells' editors
    for line in _code_lines(app_notebook_path()):
        assert line not in html, f"notebook source shown in the page: {line!r}"
    for leak in ("Traceback", "Error at server", "site-packages", str(served_app.db)):
        assert leak not in html
    assert str(app_notebook_path().parent) not in html


def test_page_assets_are_served(served_app: ServedApp) -> None:
    _, html = served_app.get_page()
    assets = set(re.findall(r'"(/voila/(?:templates|static)/[^"?]+)', html))
    assert assets
    for asset in assets:
        status, _, _ = served_app.request(asset)
        assert status == 200, asset


def test_page_loads_only_the_apps_frontend_extensions(served_app: ServedApp) -> None:
    names = {ext["name"] for ext in served_app.get_page_config()["federated_extensions"]}
    assert names <= set(FRONTEND_EXTENSIONS)
    assert "@voila-dashboards/widgets-manager8" in names


def test_page_refuses_a_foreign_host_header(served_app: ServedApp) -> None:
    """A page on another site resolving its name to 127.0.0.1 (DNS rebinding) gets nothing."""
    port = served_app.host.split(":")[1]
    status, _, _ = served_app.request("/", headers={"Host": f"attacker.example:{port}"})
    assert status == 403


@pytest.mark.parametrize(
    "query",
    [
        "template=classic",
        "template=reveal",
        "voila-template=reveal",
        "theme=dark",
        "voila-theme=dark",
        "template=reveal&theme=dark",
    ],
)
def test_template_and_theme_come_from_the_server(served_app: ServedApp, query: str) -> None:
    status, html = served_app.get_page(query)
    assert status == 200
    assert 'data-jp-theme-name="JupyterLab Light"' in html
    assert "theme-dark" not in html
    assert "/voila/templates/lab/static/" in html
    assert "/voila/templates/classic/" not in html
    assert "/voila/templates/reveal/" not in html


def test_example_plan_loaded_into_the_new_database(served_app: ServedApp) -> None:
    with PlanStore(served_app.db, read_only=True) as store:
        first = store.history(example_plan().id)[0]
    assert (first.revision, first.author) == (1, "worked example")


# --- files -------------------------------------------------------------------------

REFUSED_PATHS = [
    "/voila/files/app.ipynb",
    "/voila/files/plans.sqlite",
    "/voila/files/../workbook/serve.py",
    "/voila/files/..%2fworkbook%2fserve.py",
    "/voila/files/%2e%2e/%2e%2e/pyproject.toml",
    "/voila/files/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/voila/files/assets/../../pyproject.toml",
    "/voila/files/assets/..%2f..%2fREADME.md",
    "/voila/files//etc/passwd",
    "/voila/files/%2fetc%2fpasswd",
    "/voila/files/....//....//etc/passwd",
    "/app.ipynb",
    "/voila/static/..%2f..%2f..%2fserve.py",
    "/voila/templates/lab/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/templates/lab/static/a/..%2f..%2f..%2fconf.json",
    "/voila/templates/..%2f..%2f..%2f/static/x",
    "/voila/templates/nonexistent/static/x.css",
    "/voila/labextensions/..%2f..%2f..%2fetc%2fpasswd",
    "/voila/api/themes/..%2f..%2f..%2fetc%2fpasswd",
]


def _assert_refused(app: ServedApp, path: str) -> None:
    status, headers, body = app.request(path)
    while status in (301, 302) and "Location" in headers:  # follow redirects by hand
        status, headers, body = app.request(headers["Location"])
    assert status in (403, 404), f"{path} answered {status}"
    for marker in (b'"cells"', b"SQLite format", b"import ", b"root:", b"[project]"):
        assert marker not in body, f"{path} served file content"


@pytest.mark.parametrize("path", REFUSED_PATHS)
def test_files_route_serves_nothing_but_assets(served_app: ServedApp, path: str) -> None:
    _assert_refused(served_app, path)


@pytest.fixture(scope="module")
def app_with_db_beside_notebook(start_server: StartServer, tmp_path_factory: Any) -> ServedApp:
    """The app served from a folder that also holds its database, a secret and an asset."""
    folder = tmp_path_factory.mktemp("nbfolder")
    notebook = folder / "app.ipynb"
    shutil.copy(app_notebook_path(), notebook)
    (folder / "assets").mkdir()
    (folder / "assets" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nlogo")
    (folder / "assets" / "notes.py").write_text("SECRET = 1\n")
    (folder / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nsecret")
    db = folder / "plans.sqlite"
    code = (
        "from pathlib import Path\n"
        "from workbook.serve import serve\n"
        f"serve({{port}}, db=Path({{db!r}}), open_browser=False, "
        f"notebook=Path({str(notebook)!r}), preheat=False)\n"
    )
    app = start_server(db=db, code=code)
    assert db.exists()
    return app


@pytest.mark.parametrize(
    "path",
    [
        "/voila/files/plans.sqlite",
        "/voila/files/plans.sqlite-wal",
        "/voila/files/plans.sqlite-shm",
        "/voila/files/PLANS.SQLITE",
        "/voila/files/./plans.sqlite",
        "/voila/files/assets/../plans.sqlite",
        "/voila/files/assets/notes.py",
        "/voila/files/secret.png",
        "/voila/files/app.ipynb",
    ],
)
def test_database_beside_the_notebook_is_not_served(
    app_with_db_beside_notebook: ServedApp, path: str
) -> None:
    _assert_refused(app_with_db_beside_notebook, path)


def test_app_assets_are_served(app_with_db_beside_notebook: ServedApp) -> None:
    status, _, body = app_with_db_beside_notebook.request("/voila/files/assets/logo.png")
    assert status == 200
    assert body.endswith(b"logo")


# --- the kernel websocket ----------------------------------------------------------


def test_legacy_protocol_websocket_is_refused(served_app: ServedApp) -> None:
    kernel_id = served_app.new_page_kernel()
    for subprotocols in (None, ["v2.kernel.websocket.jupyter.org"]):
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            conn = websocket.create_connection(
                ws_url(served_app, kernel_id), subprotocols=subprotocols, timeout=10
            )
            # Had it been accepted: ask for every widget's state, the request that
            # sends a legacy-protocol server into an endless loop.
            for text in _legacy_state_request():
                conn.send(text)
            conn.close()
        assert refused.value.status_code == 400
    started = time.monotonic()
    status, _, _ = served_app.request("/voila/static/")
    assert status == 404
    assert time.monotonic() - started < 5
    assert served_app.alive()


def _legacy_state_request() -> list[str]:
    """Open the widget control comm and ask it for every widget's state, legacy style."""
    session, comm_id = Session(), uuid.uuid4().hex
    opening = session.msg("comm_open", {"comm_id": comm_id, "target_name": CONTROL, "data": {}})
    asking = session.msg("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
    return [json.dumps({**m, "channel": "shell"}, default=str) for m in (opening, asking)]


def test_code_sent_over_the_websocket_is_not_run(served_app: ServedApp, tmp_path: Path) -> None:
    kernel_id = served_app.new_page_kernel()
    marker = tmp_path / "ran.txt"
    code = f"open({str(marker)!r}, 'w').write('ran')"
    execute = {"code": code, "silent": False, "store_history": False, "allow_stdin": False}
    sock = KernelSocket(served_app, kernel_id)
    try:
        for channel in ("shell", "control"):
            sock.send(channel, "execute_request", execute)
        sock.send("shell", "inspect_request", {"code": code, "cursor_pos": 0})
        sock.send("control", "debug_request", {"command": "evaluate", "expression": code})
        # Messages on a channel are forwarded and handled in order: once both replies are
        # back, the kernel has handled (or never received) everything sent before them.
        for channel in ("shell", "control"):
            reply = sock.reply_to(sock.send(channel, "kernel_info_request", {}), channel=channel)
            assert reply.msg_type == "kernel_info_reply"
    finally:
        sock.close()
    assert not marker.exists(), "code sent from the browser side ran in the kernel"
    assert "execute_request" in served_app.log()  # the server logged the refusal


# --- kernel lifetime -----------------------------------------------------------------


def test_cull_settings_free_a_lost_kernel_within_two_minutes() -> None:
    assert CULL_IDLE_TIMEOUT + CULL_INTERVAL <= 110


@pytest.fixture(scope="module")
def short_timer_app(start_server: StartServer) -> ServedApp:
    """The app with timers of seconds where production's are of minutes (checked above)."""
    code = (
        "from pathlib import Path\n"
        "from workbook.serve import Timers, serve\n"
        "serve({port}, db=Path({db!r}), open_browser=False, "
        "timers=Timers(idle=4, connected_idle=8, unconnected=4, interval=1))\n"
    )
    app = start_server(code=code)
    wait_for(lambda: pool_fills(app) >= 1, 120, "the kernel pool did not fill")
    return app


def pool_fills(app: ServedApp) -> int:
    return len(re.findall(r"Kernel pool of \S+ is filled", app.log()))


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.5)


def test_page_fetched_without_a_browser_frees_its_kernel(short_timer_app: ServedApp) -> None:
    app = short_timer_app
    kernel_id = app.new_page_kernel()
    wait_for(lambda: pool_fills(app) >= 2, 120, "the kernel pool was not refilled")
    wait_for(lambda: not app.kernel_alive(kernel_id), 60, "the page's kernel was kept")
    # The preheated kernel waiting meanwhile, never connected either, was not freed with
    # it: the next page gets it.
    next_kernel = app.new_page_kernel()
    assert f"Using pre-heated kernel: {next_kernel}" in app.log()


@pytest.mark.browser
def test_browser_page_speaks_v1_and_closing_it_frees_its_kernel(
    served_app: ServedApp, page: Any
) -> None:
    sockets: list[Any] = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(served_app.url, timeout=120_000)  # a cold kernel on a busy 2-core machine
    page.locator("#loading").wait_for(state="detached", timeout=90_000)
    page.locator(".jupyter-widgets").first.wait_for(state="visible", timeout=30_000)
    config = json.loads(page.locator("#jupyter-config-data").text_content())
    kernel_id = config["kernelId"]
    assert any(f"/api/kernels/{kernel_id}/channels" in ws.url for ws in sockets)
    assert served_app.kernel_alive(kernel_id)
    page.goto("about:blank")  # unload: the page's shutdown beacon must be honoured
    deadline = time.monotonic() + 20
    while served_app.kernel_alive(kernel_id):
        assert time.monotonic() < deadline, "closing the page did not free its kernel"
        time.sleep(0.5)


def _open_app(page: Any, url: str) -> None:
    page.goto(url, timeout=120_000)
    page.locator(".nw-ready").wait_for(state="visible", timeout=90_000)


def _selected_plan(page: Any) -> str:
    picker = page.locator(".nw-plan-picker select")
    text = str(picker.evaluate("s => s.options[s.selectedIndex].text"))
    return text.replace("\xa0", " ")  # the dropdown shows spaces as no-break spaces


@pytest.mark.browser
def test_browser_opens_the_plan_named_in_the_query_string(served_app: ServedApp, page: Any) -> None:
    """The kernel reads the server's database and, preheated, the visitor's ?plan=ID."""
    with PlanStore(served_app.db) as store:
        plan = store.create(Plan(name="Query string check"), author="test").plan
    _open_app(page, f"{served_app.url}?plan={plan.id}")
    assert _selected_plan(page).startswith("Query string check")
    _open_app(page, served_app.url)
    assert _selected_plan(page).startswith("Query string check")  # the most recent plan
    _open_app(page, f"{served_app.url}?plan={example_plan().id}")
    assert _selected_plan(page).startswith(example_plan().name)


@pytest.mark.browser
def test_browser_read_only_serve(start_server: StartServer, tmp_path: Path, page: Any) -> None:
    db = tmp_path / "plans.sqlite"
    with PlanStore(db) as store:
        store.ensure_example()
    app = start_server(db=db, args=["--read-only"])
    _open_app(page, app.url)
    assert "Read-only" in page.locator(".nw-save-status").inner_text()
