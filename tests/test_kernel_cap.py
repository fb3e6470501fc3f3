"""A cap on page kernels: a burst of requests gets a busy page, not the machine's memory.

The served test runs one server capped at a few pages with one preheated kernel, sends it
200 page requests at once, and follows the number of kernels and the server's memory
while they are answered; then a closed page and culling make room again.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import psutil
import pytest

from tests.conftest import REPO
from workbook.serve import (
    CULL_IDLE_TIMEOUT,
    CULL_INTERVAL,
    RETRY_AFTER,
    KernelCap,
    busy_page,
)

if TYPE_CHECKING:
    from conftest import ServedApp, StartServer

CAP, POOL = 3, 1
BURST = 200
MB = 1e6

# --- the cap alone ---------------------------------------------------------------------


def test_cap_counts_admitted_pages_and_their_kernels() -> None:
    manager: set[str] = {"pooled"}  # anything with ``in``: the kernels the server holds
    cap = KernelCap(2)
    first, second = cap.admit(manager), cap.admit(manager)
    assert first and second
    assert cap.admit(manager) is None  # two pages are waiting for their kernels
    first.bind("k1")
    manager.add("k1")
    first.release()  # the request ends; its kernel keeps the place
    assert cap.in_use(manager) == 2 and cap.admit(manager) is None
    second.release()  # this one ended without a kernel (say, the render failed)
    third = cap.admit(manager)
    assert third is not None and cap.admit(manager) is None
    third.bind("k2")
    third.bind("k2")  # binding twice, or releasing after binding, counts once
    third.release()
    manager.add("k2")
    assert cap.in_use(manager) == 2
    manager.discard("k1")  # the kernel was culled or its page closed
    assert cap.in_use(manager) == 1
    assert cap.admit(manager) is not None


def test_busy_page_is_plain_and_escaped() -> None:
    page = busy_page()
    assert "<script" not in page.lower() and "http" not in page.split("</style>")[1]
    assert f'content="{RETRY_AFTER}"' in page  # the page retries by itself
    assert "try again" in page or "tries again" in page
    assert "Everyone&#39;s seat is taken" in page  # text is escaped by the template


# --- the served app under a burst --------------------------------------------------------


@pytest.fixture(scope="module")
def app(start_server: StartServer) -> ServedApp:
    app = start_server(args=["--max-kernels", str(CAP), "--pool-size", str(POOL)])
    wait_for(lambda: pool_fills(app) >= 1, 120, "the kernel pool did not fill")
    return app


def pool_fills(app: ServedApp) -> int:
    return len(re.findall(r"Kernel pool of \S+ is filled", app.log()))


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.5)


def memory(app: ServedApp) -> tuple[float, float]:
    """RSS of the server and the sum of its kernels' RSS, in MB."""
    server = psutil.Process(app.proc.pid).memory_info().rss / MB
    kernels = 0.0
    for pid in app.kernel_pids():
        with contextlib.suppress(psutil.NoSuchProcess):
            kernels += psutil.Process(pid).memory_info().rss / MB
    return server, kernels


@dataclass
class Watch:
    """Samples kernels, memory and the server's answer time while a burst runs."""

    app: ServedApp
    kernels: list[int] = field(default_factory=list)
    server_mb: list[float] = field(default_factory=list)
    kernels_mb: list[float] = field(default_factory=list)
    answer_s: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            self.kernels.append(len(self.app.kernel_pids()))
            server, kernels = memory(self.app)
            self.server_mb.append(server)
            self.kernels_mb.append(kernels)
            started = time.monotonic()
            status, _, _ = self.app.request("/voila/static/")  # answered without a kernel
            assert status == 404
            self.answer_s.append(time.monotonic() - started)
            time.sleep(0.2)


@dataclass
class Burst:
    statuses: Counter[int]
    busy: list[tuple[dict[str, str], bytes]]
    cookies: list[str]
    kernel_ids: list[str]


def burst(app: ServedApp, count: int) -> Burst:
    """``count`` page requests at once; some carry markup in their query string."""
    paths = [f"/?plan=<script>alert({i})</script>" if i % 10 == 0 else "/" for i in range(count)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda p: app.request(p), paths))
    result = Burst(Counter(s for s, _, _ in answers), [], [], [])
    for status, headers, body in answers:
        if status == 503:
            result.busy.append((headers, body))
        elif status == 200:
            result.cookies.append(headers.get("Set-Cookie", ""))
            found = re.search(rb'"kernelId": "([0-9a-f-]+)"', body)
            assert found, "a page without its kernel id"
            result.kernel_ids.append(found.group(1).decode())
    return result


@dataclass
class Measured:
    """A burst and what was watched while it was answered."""

    burst: Burst
    watch: Watch
    before: tuple[float, float]
    after: tuple[float, float]


@pytest.fixture(scope="module")
def measured(app: ServedApp) -> Measured:
    before = memory(app)
    watch = Watch(app)
    watcher = threading.Thread(target=watch.run, daemon=True)
    watcher.start()
    try:
        result = burst(app, BURST)
        wait_for(lambda: pool_fills(app) >= 2, 120, "the pool was not refilled")
        samples = len(watch.kernels)  # and a few samples of the refilled server
        wait_for(lambda: len(watch.kernels) >= samples + 3, 60, "the watch stopped")
    finally:
        watch.stop.set()
        watcher.join(timeout=60)
    return Measured(result, watch, before, memory(app))


def test_burst_keeps_kernels_and_memory_bounded(app: ServedApp, measured: Measured) -> None:
    result, watch = measured.burst, measured.watch
    (server_before, kernels_before), (server_after, kernels_after) = measured.before, measured.after
    print(
        f"\nburst of {BURST}: {dict(result.statuses)}; kernels at most {max(watch.kernels)}; "
        f"server RSS {server_before:.0f} -> {server_after:.0f} MB (peak "
        f"{max(watch.server_mb):.0f}); kernels RSS {kernels_before:.0f} -> "
        f"{kernels_after:.0f} MB (peak {max(watch.kernels_mb):.0f}); answers in at most "
        f"{max(watch.answer_s):.2f} s"
    )
    assert set(result.statuses) == {200, 503}
    assert result.statuses[200] == CAP
    assert max(watch.kernels) <= CAP + POOL
    assert len(app.kernel_pids()) == CAP + POOL
    assert max(watch.server_mb) - server_before < 150
    assert max(watch.kernels_mb) < (CAP + POOL) * 400
    assert max(watch.answer_s) < 10
    for headers, body in result.busy:
        assert headers["Retry-After"] == str(RETRY_AFTER)
        assert headers["Content-Type"].startswith("text/html")
        text = body.decode()
        assert "busy" in text and "<script" not in text
        for leak in ("Traceback", "site-packages", str(REPO), str(app.db)):
            assert leak not in text
    assert app.alive()


def test_closed_page_and_culling_make_room(app: ServedApp, measured: Measured) -> None:
    """At the cap the pool's kernel waits; a closed page lets it in; culling frees the rest."""
    assert app.request("/")[0] == 503
    closed = measured.burst.kernel_ids[0]
    cookie = measured.burst.cookies[0].split(";")[0]
    assert cookie.startswith("_xsrf=")
    status, _, _ = app.request(
        f"/voila/api/shutdown/{closed}",
        method="POST",
        headers={"Cookie": cookie, "X-XSRFToken": cookie.split("=", 1)[1]},
    )
    assert status == 204  # what the page's unload beacon sends
    wait_for(lambda: not app.kernel_alive(closed), 30, "the closed page kept its kernel")
    pooled = app.new_page_kernel()  # a place is free: the preheated kernel takes it
    assert f"Using pre-heated kernel: {pooled}" in app.log()
    assert app.request("/")[0] == 503
    # Pages fetched without a browser are culled; then visitors are welcome again.
    wait_for(
        lambda: app.request("/")[0] == 200,
        CULL_IDLE_TIMEOUT + 2 * CULL_INTERVAL + 30,
        "culling did not make room",
    )
