"""Time to interactive of the app in Voilà, against a one-slider notebook served the same way.

    .venv/bin/python benchmarks/time_to_interactive.py --runs 5

One run of this script starts two servers with the configuration of
``negotiation-workbook serve`` (workbook.serve.serve): one on a generated one-slider
notebook, one on the app with a fresh database holding the worked example. It opens each
page ``--runs`` times in headless Chromium (after ``--warmup`` unmeasured visits), the two
pages taking turns, each visit in a fresh browser context (a first visit: nothing cached).

Time to interactive (TTI), per visit, on the browser's clock (``performance.now()``, zero
at navigation start):

1. the marker is visible: a Playwright selector, ``--slider-marker`` (default
   ``css=.widget-slider``) or ``--app-marker`` (default ``css=.nw-ready``, the class the app
   puts on its top widget once a plan is open; ``text=Saved`` or any other selector works);
2. and the kernel is idle: the last ``status`` message on the kernel websocket's iopub
   channel says ``idle``.

TTI is the later of the two instants: when the marker was seen, or when the idle status
that ended the kernel's last busy spell arrived. The marker is polled by Playwright, so TTI
is precise to a few tens of milliseconds.

Websocket bytes are the sizes of every message received on the kernel websocket up to TTI.
Kernel memory is the unique set size (USS, memory only that process holds) and the
proportional set size (PSS) of the page's own kernel, read one second after TTI, with the
page still open. With preheated kernels (the default), the server keeps one more kernel
waiting for the next visitor; use ``--no-preheat`` to measure without them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--proxy-server=http://127.0.0.1:9",  # another host: a closed port here; loopback goes direct
]

# Injected before the page's own scripts: wraps WebSocket to time and size every message
# on the kernel websocket and to follow the kernel's status (v1 protocol frames).
RECORDER_JS = r"""
(() => {
  const rec = (window.__tti = { bytes: [], status: null, statusAt: null, sockets: 0 });
  const decoder = new TextDecoder();
  function v1Status(buf) {
    const view = new DataView(buf);
    const n = Number(view.getBigUint64(0, true));
    const off = [];
    for (let i = 1; i <= n; i++) off.push(Number(view.getBigUint64(8 * i, true)));
    const channel = decoder.decode(new Uint8Array(buf, off[0], off[1] - off[0]));
    if (channel !== "iopub") return null;
    const header = JSON.parse(decoder.decode(new Uint8Array(buf, off[1], off[2] - off[1])));
    if (header.msg_type !== "status") return null;
    const content = JSON.parse(decoder.decode(new Uint8Array(buf, off[4], off[5] - off[4])));
    return content.execution_state;
  }
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      if (!String(url).includes("/api/kernels/")) return;
      rec.sockets += 1;
      this.addEventListener("message", (event) => {
        const at = performance.now();
        const data = event.data;
        const size = typeof data === "string" ? new Blob([data]).size
          : data instanceof ArrayBuffer ? data.byteLength : data.size;
        rec.bytes.push([at, size]);
        if (data instanceof ArrayBuffer) {
          try {
            const state = v1Status(data);
            if (state) { rec.status = state; rec.statusAt = at; }
          } catch (err) { /* not a v1 frame: ignore */ }
        }
      });
    }
  };
})();
"""

SLIDER_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "slider",
            "metadata": {},
            "outputs": [],
            "source": ["import ipywidgets as widgets\n", "\n", "widgets.IntSlider()"],
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


@dataclass
class Visit:
    """One measured page visit."""

    tti_ms: float
    marker_ms: float
    idle_ms: float
    ws_bytes: int
    kernel_uss_mb: float | None
    kernel_pss_mb: float | None


@dataclass
class Target:
    """A page under test: its server, marker and measured visits."""

    name: str
    marker: str
    proc: subprocess.Popen[bytes]
    url: str
    log_path: Path
    visits: list[Visit] = field(default_factory=list)
    pools_filled: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    name: str, notebook: Path | None, workdir: Path, preheat: bool, **options: int
) -> Target:
    """Serve ``notebook`` (the app when None) exactly as ``negotiation-workbook serve`` does.

    ``options`` are further arguments of :func:`workbook.serve.serve`, such as ``pool_size``.
    """
    port = free_port()
    db = workdir / f"{name}.sqlite"
    nb = "None" if notebook is None else f"Path({str(notebook)!r})"
    extra = "".join(f", {k}={int(v)}" for k, v in options.items())
    code = (
        "from pathlib import Path\n"
        "from workbook.serve import serve\n"
        f"serve({port}, db=Path({str(db)!r}), open_browser=False, notebook={nb}, "
        f"preheat={preheat}{extra})\n"
    )
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", code], stdout=log, stderr=subprocess.STDOUT, cwd=workdir
        )
    target = Target(name, "", proc, f"http://127.0.0.1:{port}/", log_path)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} server exited:\n{log_path.read_text()}")
        try:
            urllib.request.urlopen(target.url + "voila/static/", timeout=5)
        except urllib.error.HTTPError:
            return target  # any HTTP answer means the server is up
        except OSError:
            time.sleep(0.25)
    raise SystemExit(f"{name} server did not answer:\n{log_path.read_text()}")


def pools_filled(target: Target) -> int:
    """How many times the server has refilled its preheated kernel pool so far."""
    return len(re.findall(r"Kernel pool of .* is filled", target.log_path.read_text("utf-8")))


def cpu_seconds(root_pid: int) -> float:
    """CPU time used so far by a process and all its descendants (server and kernels)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        total = 0.0
        root = psutil.Process(root_pid)
        for proc in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                total += times.user + times.system
        return total
    total_ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == root_pid or ppid == root_pid:  # kernels are the server's children
                total_ticks += int(fields[11]) + int(fields[12])
    return total_ticks / os.sysconf("SC_CLK_TCK")


def wait_until_ready(target: Target, preheat: bool, timeout: float = 120) -> None:
    """Wait until the server is ready for the next visitor, as it would be in normal use.

    With preheated kernels: the pool has been refilled and the new kernel has run the
    notebook up to where it waits for a request (the server and its kernels go quiet).
    """
    deadline = time.monotonic() + timeout
    if preheat:
        while pools_filled(target) <= target.pools_filled:
            if time.monotonic() > deadline:
                raise SystemExit(f"{target.name}: the kernel pool did not refill")
            time.sleep(0.1)
        target.pools_filled = pools_filled(target)
    before = cpu_seconds(target.proc.pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(target.proc.pid)
        if now - before < 0.03:  # under 6 % of one core for half a second
            return
        before = now
    raise SystemExit(f"{target.name}: the server did not settle")


def kernel_pid(server_pid: int, kernel_id: str) -> int | None:
    """The process of kernel ``kernel_id``: a child of the server named by its connection file."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        for child in psutil.Process(server_pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if any(kernel_id in part for part in child.cmdline()):
                    return int(child.pid)
        return None
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if kernel_id.encode() in (entry / "cmdline").read_bytes():
                    return int(entry.name)
    return None


def memory_mb(pid: int) -> tuple[float | None, float | None]:
    """(USS, PSS) of a process in MB: psutil when installed, else /proc/<pid>/smaps_rollup."""
    try:
        import psutil

        info = psutil.Process(pid).memory_full_info()
        return info.uss / 1e6, getattr(info, "pss", 0) / 1e6 or None
    except ImportError:
        pass
    fields: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                fields[parts[0][:-1]] = int(parts[1]) * 1024
    if not fields:
        return None, None
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return uss / 1e6, fields.get("Pss", 0) / 1e6


def page_kernel(page: Any) -> str:
    """The id of the kernel a Voilà page was rendered with ("" when it has none)."""
    config = json.loads(page.locator("#jupyter-config-data").text_content() or "{}")
    return str(config.get("kernelId", ""))


def kernel_memory(target: Target, kernel_id: str) -> tuple[float | None, float | None]:
    """(USS, PSS) in MB of the server's kernel ``kernel_id``."""
    pid = kernel_pid(target.proc.pid, kernel_id) if kernel_id else None
    return memory_mb(pid) if pid else (None, None)


def kernel_gone(target: Target, kernel_id: str) -> bool:
    try:
        urllib.request.urlopen(f"{target.url}api/kernels/{kernel_id}", timeout=10)
    except urllib.error.HTTPError as exc:
        return exc.code == 404
    return False


IDLE_JS = "window.__tti.sockets > 0 && window.__tti.status === 'idle'"
"""True once the page's kernel websocket is open and the kernel's last status is idle."""


def wait_idle(page: Any, timeout_ms: float) -> None:
    """Until the kernel has been idle for half a second (the recorder follows its status)."""
    page.wait_for_function(
        "window.__tti.status === 'idle' && performance.now() - window.__tti.statusAt > 500",
        timeout=timeout_ms,
        polling=100,
    )


def interactive(marker_ms: float, rec: dict[str, Any]) -> tuple[float, float, int]:
    """(TTI, idle at, websocket bytes before TTI) from the marker time and the recorder."""
    idle_ms = float(rec["statusAt"])
    tti = max(marker_ms, idle_ms)
    return tti, idle_ms, sum(size for at, size in rec["bytes"] if at <= tti)


def visit(browser: Any, target: Target, timeout_ms: float) -> Visit:
    """Open the page once in a fresh context and measure it."""
    context = browser.new_context()
    context.add_init_script(RECORDER_JS)
    page = context.new_page()
    try:
        page.goto(target.url, wait_until="commit", timeout=timeout_ms)
        page.locator(target.marker).first.wait_for(state="visible", timeout=timeout_ms)
        marker_ms = float(page.evaluate("performance.now()"))
        page.wait_for_function(IDLE_JS, timeout=timeout_ms)
        tti, idle_ms, ws_bytes = interactive(marker_ms, page.evaluate("window.__tti"))
        kernel_id = page_kernel(page)
        time.sleep(1)
        uss, pss = kernel_memory(target, kernel_id)
    finally:
        page.goto("about:blank")  # unload: the page's shutdown beacon frees its kernel
        context.close()
    deadline = time.monotonic() + 30
    while kernel_id and not kernel_gone(target, kernel_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    return Visit(tti, marker_ms, idle_ms, ws_bytes, uss, pss)


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by the nearest rank; None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered), max(1, math.ceil(q / 100 * len(ordered)))) - 1]


def fmt(value: float | None, unit: str = "", digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{unit}"


def report(targets: list[Target]) -> dict[str, Any]:
    """Print per-visit figures and medians; return them as plain data."""
    summary: dict[str, Any] = {}
    for t in targets:
        print(f"\n{t.name} ({t.marker})")
        print("  run   TTI ms   marker ms   idle ms   ws bytes   kernel USS MB   PSS MB")
        for i, v in enumerate(t.visits, 1):
            print(
                f"  {i:>3} {v.tti_ms:>8.0f} {v.marker_ms:>11.0f} {v.idle_ms:>9.0f} "
                f"{v.ws_bytes:>10,} {fmt(v.kernel_uss_mb, digits=1):>15} "
                f"{fmt(v.kernel_pss_mb, digits=1):>8}"
            )
        summary[t.name] = {
            "tti_ms": median([v.tti_ms for v in t.visits]),
            "ws_bytes": median([float(v.ws_bytes) for v in t.visits]),
            "kernel_uss_mb": median([v.kernel_uss_mb for v in t.visits]),
            "kernel_pss_mb": median([v.kernel_pss_mb for v in t.visits]),
            "visits": [asdict(v) for v in t.visits],
        }
    slider, app = summary["slider"], summary["app"]
    ratio = app["tti_ms"] / slider["tti_ms"] if slider["tti_ms"] else None
    summary["tti_ratio_app_to_slider"] = ratio
    print("\nmedians                 slider          app")
    print(f"  TTI               {fmt(slider['tti_ms'], ' ms'):>11} {fmt(app['tti_ms'], ' ms'):>12}")
    print(f"  websocket bytes   {fmt(slider['ws_bytes']):>11} {fmt(app['ws_bytes']):>12}")
    print(
        f"  kernel USS        {fmt(slider['kernel_uss_mb'], ' MB', 1):>11} "
        f"{fmt(app['kernel_uss_mb'], ' MB', 1):>12}"
    )
    print(
        f"  kernel PSS        {fmt(slider['kernel_pss_mb'], ' MB', 1):>11} "
        f"{fmt(app['kernel_pss_mb'], ' MB', 1):>12}"
    )
    print(f"  TTI ratio app/slider: {fmt(ratio, digits=2)}")
    return summary


def measure(
    browser: Any, targets: list[Target], runs: int, warmup: int, timeout: float, preheat: bool
) -> None:
    """Visit each target ``warmup + runs`` times, taking turns; keep the measured visits."""
    for t in targets:
        wait_until_ready(t, preheat)
    for i in range(warmup + runs):
        for t in targets:
            v = visit(browser, t, timeout * 1000)
            wait_until_ready(t, preheat)
            if i >= warmup:
                t.visits.append(v)


def chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("Chromium not found: install Debian's chromium package")


@contextlib.contextmanager
def servers(workdir: Path, preheat: bool) -> Iterator[list[Target]]:
    slider_nb = workdir / "slider" / "slider.ipynb"
    slider_nb.parent.mkdir()
    slider_nb.write_text(json.dumps(SLIDER_NOTEBOOK), "utf-8")
    started: list[Target] = []
    try:
        started.append(start_server("slider", slider_nb, workdir, preheat))
        started.append(start_server("app", None, workdir, preheat))
        yield started
    finally:
        for t in started:
            t.proc.terminate()
            try:
                t.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                t.proc.kill()
                t.proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured visits per page (5)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured visits first (1)")
    parser.add_argument("--app-marker", default="css=.nw-ready", help="selector: app is ready")
    parser.add_argument(
        "--slider-marker", default="css=.widget-slider", help="selector: slider is ready"
    )
    parser.add_argument("--no-preheat", action="store_true", help="serve without kernel pool")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per visit (120)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    preheat = not args.no_preheat

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="tti-") as tmp, servers(Path(tmp), preheat) as ts:
        slider, app = ts
        slider.marker, app.marker = args.slider_marker, args.app_marker
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
            try:
                measure(browser, ts, args.runs, args.warmup, args.timeout, preheat)
            finally:
                browser.close()
        summary = report(ts)
    summary["preheat"] = preheat
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
