"""A page that is still loading keeps its kernel; one that loads nothing frees it.

Voilà sends the page, then the browser fetches the page's scripts and asks for its kernel
before it opens the kernel's websocket; on a busy machine that takes a while. The app's
reaper counts those fetches (from the browser the page was sent to) as the page still
loading, up to a bound; jupyter_server's idle culler leaves page kernels to the reaper.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
import pytest

from workbook.serve import KernelCap, Timers
from workbook.store import PlanStore, example_plan

if TYPE_CHECKING:
    from conftest import ServedApp, StartServer


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.25)


def serve_code(timers: str, notebook: Path | None = None) -> str:
    """Python that runs ``serve`` on loopback with ``timers`` (a ``Timers(...)`` call)
    and one preheated kernel, for the app or for ``notebook``."""
    other = f", notebook=Path({str(notebook)!r})" if notebook else ""
    return (
        "from pathlib import Path\n"
        "from workbook.serve import Timers, serve\n"
        f"serve({{port}}, db=Path({{db!r}}), open_browser=False, timers={timers}{other})\n"
    )


def quiet_notebook(path: Path) -> Path:
    """A page that shows a widget and then sends nothing: its kernel stays idle."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import ipywidgets as W\nW.HTML('quiet')")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, path)
    return path


def pool_filled(app: ServedApp) -> bool:
    return "is filled with" in app.log()


def freed_by_reaper(app: ServedApp, kernel_id: str) -> bool:
    return f"freeing kernel {kernel_id}" in app.log()


def culled(app: ServedApp, kernel_id: str) -> bool:
    return bool(re.search(rf"Culling .*\({re.escape(kernel_id)}\)", app.log()))


# --- the rule alone ------------------------------------------------------------------------


def _page(cap: KernelCap, manager: set[str], kernel_id: str, browser: str) -> None:
    ticket = cap.admit(manager, browser=browser)
    assert ticket
    ticket.bind(kernel_id)
    manager.add(kernel_id)
    ticket.release()  # the page was sent


def test_a_loading_page_keeps_its_kernel_until_the_bound() -> None:
    manager: set[str] = set()
    cap = KernelCap(10)
    timers = Timers(unconnected=20, loading=120)
    start = time.monotonic()
    _page(cap, manager, "bare", browser="flood")
    _page(cap, manager, "slow", browser="chromium")
    _page(cap, manager, "open", browser="chromium")
    cap.connected("open")
    _page(cap, manager, "again", browser="flood")  # the page fetched again: no loading sign
    cap.loading("", now=start + 15)  # a fetch without the cookie speaks for no page
    cap.loading("chromium", now=start + 15)
    assert set(cap.expired(manager, timers, now=start + 21)) == {"bare", "again"}
    for second in range(30, 120, 15):  # its scripts keep coming, for a very long time
        cap.loading("chromium", now=start + second)
        assert "slow" not in cap.expired(manager, timers, now=start + second + 10)
    assert "slow" in cap.expired(manager, timers, now=start + 121)
    assert "open" not in cap.expired(manager, timers, now=start + 121)
    assert "slow" in cap and "open" in cap and "other" not in cap


# --- served: what frees a kernel -----------------------------------------------------------


def test_a_bare_page_kernel_is_freed_by_the_reaper_not_the_culler(
    start_server: StartServer, tmp_path: Path
) -> None:
    """An idle page kernel nobody loads: jupyter_server's culler (after 1 s idle here,
    looking every 15 s) leaves it to the reaper, which frees it after the production delay
    for unconnected pages (20 s)."""
    notebook = quiet_notebook(tmp_path / "quiet.ipynb")
    app = start_server(code=serve_code("Timers(idle=1, interval=1)", notebook))
    wait_for(lambda: pool_filled(app), 120, "the kernel pool did not fill")
    kernel_id = app.new_page_kernel()  # it waited in the pool: idle since it was filled
    wait_for(lambda: not app.kernel_alive(kernel_id), 60, "the bare page kept its kernel")
    assert not culled(app, kernel_id), "jupyter_server's culler freed a page kernel"
    assert freed_by_reaper(app, kernel_id)


def test_fetching_the_page_files_keeps_a_kernel_only_for_a_while(
    start_server: StartServer,
) -> None:
    """A client that fetches the page's files with its cookie keeps its page's kernel
    past the unconnected delay, but not past the loading bound; a bare page's kernel goes."""
    app = start_server(code=serve_code("Timers(unconnected=3, loading=10, interval=0.5)"))
    wait_for(lambda: pool_filled(app), 120, "the kernel pool did not fill")
    status, headers, body = app.request("/")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    assert cookie.startswith("_xsrf=")
    loading = str(re.search(rb'"kernelId": "([0-9a-f-]+)"', body)[1].decode())  # type: ignore[index]
    bare = app.new_page_kernel()

    def fetch_files() -> None:  # what the page's scripts fetch, the kernel once it is gone
        assert app.request("/voila/static/voila.js", headers={"Cookie": cookie})[0] == 200
        assert app.request(f"/api/kernels/{loading}", headers={"Cookie": cookie})[0] in (200, 404)

    def bare_gone() -> bool:
        fetch_files()
        return not app.kernel_alive(bare)

    wait_for(bare_gone, 30, "the bare page kept its kernel")
    assert app.kernel_alive(loading), "the loading page lost its kernel with the bare one"

    def loading_gone() -> bool:
        fetch_files()
        return not app.kernel_alive(loading)

    wait_for(loading_gone, 60, "fetching files kept a kernel past the loading bound")
    assert freed_by_reaper(app, loading)


# --- in a browser ------------------------------------------------------------------------------

UNCONNECTED = 5  # s: the reaper's delay for unconnected pages, on the short timers below
SCRIPT_DELAY = 3000  # ms each of the page's scripts takes to arrive: several times over
# the delay in all, less than it between two fetches


@pytest.mark.browser
def test_a_slowly_loading_page_keeps_its_kernel_and_saves(
    start_server: StartServer, page: Any
) -> None:
    app = start_server(code=serve_code(f"Timers(idle=1, unconnected={UNCONNECTED}, interval=0.5)"))
    wait_for(lambda: pool_filled(app), 120, "the kernel pool did not fill")
    with PlanStore(app.db) as store:
        plan = example_plan().model_copy(update={"id": "slow-page", "name": "Slow page"})
        store.create(plan, author="test")

    def slow_script(route: Any) -> None:
        response = route.fetch()  # the server answers at once; the browser gets it later
        page.wait_for_timeout(SCRIPT_DELAY)
        route.fulfill(response=response)

    page.route(re.compile(re.escape(app.url) + r".*\.js(\?.*)?$"), slow_script)
    try:
        page.goto(f"{app.url}?plan=slow-page", timeout=120_000)
        page.wait_for_selector(".nw-ready", timeout=120_000)
        page.fill(".nw-field-summary textarea", "Typed on a slow machine")
        page.wait_for_selector(".nw-save-status :text-matches('^Saved \\\\d')", timeout=30_000)
    finally:  # scripts still on their way are dropped with the page
        page.unroute_all(behavior="ignoreErrors")
    with PlanStore(app.db, read_only=True) as store:
        assert store.load("slow-page").plan.summary == "Typed on a slow machine"
