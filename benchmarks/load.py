"""Concurrent browser sessions against one server: time to interactive, errors, memory.

    .venv/bin/python benchmarks/load.py --sessions 20
    .venv/bin/python benchmarks/load.py --sessions 20 --pool-size 20

One run starts ``negotiation-workbook serve`` (workbook.serve.serve) on a fresh database
holding the worked example and one copy of it per session, waits until the server is
ready (its preheated kernels started), then opens ``--sessions`` pages at the same moment,
each in its own browser context of one headless Chromium. Each session:

1. opens the app on its own plan and becomes interactive: time to interactive (TTI) as in
   time_to_interactive.py, on the page's clock, from navigation start to the later of
   ``.nw-ready`` visible and the kernel idle;
2. changes the deal value and waits until the page says it was saved, and the store
   holds the new value.

Errors counted (there must be none): a page not interactive or not saved within
``--timeout``, an uncaught script error, a busy page (503), a refusal shown under the
edited field, and a traceback or error line in the server's log. Memory per session is
the unique memory (USS) of each page's kernel once every session is done, pages still
open; the server's own RSS is reported beside it.

The CPU seconds spent by the server, its kernels and the browser show where the time
went: here the 20 browser pages share the machine's cores with the server, while in use
each participant's page runs on their own laptop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil
from time_to_interactive import (
    CHROMIUM_ARGS,
    IDLE_JS,
    RECORDER_JS,
    Target,
    chromium,
    interactive,
    kernel_memory,
    percentile,
    start_server,
    wait_until_ready,
)

from workbook.store import PlanStore, example_plan

VALUE = ".nw-field-deal-value input"
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Session:
    """What one session measured."""

    number: int
    tti_ms: float | None = None
    saved_ms: float | None = None
    kernel_id: str = ""
    kernel_uss_mb: float | None = None
    errors: list[str] = field(default_factory=list)


def plan_id(number: int) -> str:
    return f"load-{number:02d}"


def add_plans(db: Path, sessions: int) -> None:
    """One copy of the worked example per session, so that no two sessions edit one plan."""
    with PlanStore(db) as store:
        store.ensure_example()
        for i in range(1, sessions + 1):
            copy = example_plan().model_copy(update={"id": plan_id(i), "name": f"Load {i:02d}"})
            store.create(copy, author="load")


async def run_session(browser: Any, target: Target, s: Session, timeout: float) -> Any:
    """Open, become interactive, edit and see it saved; returns the open page."""
    context = await browser.new_context()
    await context.add_init_script(RECORDER_JS)
    page = await context.new_page()
    page.on("pageerror", lambda exc: s.errors.append(f"script error: {exc}"))
    ms = timeout * 1000
    try:
        response = await page.goto(f"{target.url}?plan={plan_id(s.number)}", timeout=ms)
        if response is not None and response.status != 200:
            s.errors.append(f"HTTP {response.status} for the page")
            return page
        await page.locator(".nw-ready").wait_for(state="visible", timeout=ms)
        marker_ms = float(await page.evaluate("performance.now()"))
        await page.wait_for_function(IDLE_JS, timeout=ms)
        s.tti_ms, _, _ = interactive(marker_ms, await page.evaluate("window.__tti"))
        config = json.loads(await page.locator("#jupyter-config-data").text_content() or "{}")
        s.kernel_id = str(config.get("kernelId", ""))
        started = time.monotonic()
        await page.fill(VALUE, f"{5_000_000 + s.number:,}")
        await page.press(VALUE, "Enter")
        await page.wait_for_selector(".nw-save-status :text-matches('^Saved \\\\d')", timeout=ms)
        s.saved_ms = (time.monotonic() - started) * 1000
    except Exception as exc:  # a timeout: counted, the other sessions go on
        s.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    return page


def cpu_seconds(procs: list[psutil.Process]) -> float:
    """User + system CPU time of ``procs`` (those gone already count 0)."""
    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def browser_processes() -> list[psutil.Process]:
    """Chromium's processes on this machine (the benchmark's own browser)."""
    return [p for p in psutil.process_iter(["name"]) if "chrom" in (p.info["name"] or "").lower()]


async def load(target: Target, sessions: list[Session], timeout: float) -> float:
    """Run every session at once; returns the browser's CPU seconds."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(run_session(browser, target, s, timeout) for s in sessions))
            await asyncio.sleep(1)
            for s in sessions:  # every page still open
                s.kernel_uss_mb = kernel_memory(target, s.kernel_id)[0] if s.kernel_id else None
            return cpu_seconds(browser_processes())
        finally:
            await browser.close()


def check_store(db: Path, sessions: list[Session]) -> None:
    with PlanStore(db, read_only=True) as store:
        for s in sessions:
            if s.saved_ms is not None:
                saved = store.load(plan_id(s.number)).plan.deal_value
                if saved != 5_000_000 + s.number:
                    s.errors.append(f"the store holds {saved:,.0f}, not the value typed")


def server_errors(target: Target) -> list[str]:
    log = target.log_path.read_text("utf-8", errors="replace")
    return [line for line in log.splitlines() if "Traceback" in line or " ERROR " in line]


def spread(values: list[float], unit: str) -> str:
    if not values:
        return "n/a"
    return (
        f"median {statistics.median(values):,.0f}{unit}, p95 {percentile(values, 95):,.0f}{unit}, "
        f"max {max(values):,.0f}{unit}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (20)")
    parser.add_argument(
        "--pool-size", type=int, default=1, help="preheated kernels, as serve --pool-size (1)"
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds per step (300)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--log", type=Path, default=RESULTS / "load-server.log", help="copy of the server log"
    )
    args = parser.parse_args(argv)
    sessions = [Session(i) for i in range(1, args.sessions + 1)]
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        workdir = Path(tmp)
        add_plans(workdir / "app.sqlite", args.sessions)
        target = start_server("app", None, workdir, True, pool_size=args.pool_size)
        try:
            wait_until_ready(target, preheat=args.pool_size > 0, timeout=600)
            server = psutil.Process(target.proc.pid)
            before = cpu_seconds([server]), cpu_seconds(server.children(recursive=True))
            started = time.monotonic()
            browser_cpu = asyncio.run(load(target, sessions, args.timeout))
            elapsed = time.monotonic() - started
            server_cpu = cpu_seconds([server]) - before[0]
            kernels_cpu = cpu_seconds(server.children(recursive=True)) - before[1]
            server_rss = psutil.Process(target.proc.pid).memory_info().rss / 1e6
            check_store(workdir / "app.sqlite", sessions)
            log_errors = server_errors(target)
        finally:
            target.proc.terminate()
            target.proc.wait(timeout=60)
            args.log.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target.log_path, args.log)

    errors = [f"session {s.number}: {e}" for s in sessions for e in s.errors]
    errors += [f"server log: {line}" for line in log_errors]
    tti = [s.tti_ms for s in sessions if s.tti_ms is not None]
    saved = [s.saved_ms for s in sessions if s.saved_ms is not None]
    uss = [s.kernel_uss_mb for s in sessions if s.kernel_uss_mb is not None]
    print(f"\n{args.sessions} sessions at once, pool of {args.pool_size}, {elapsed:.0f} s in all")
    print(f"  interactive:           {len(tti)} of {args.sessions}")
    print(f"  time to interactive:   {spread(tti, ' ms')}")
    print(f"  edit to saved:         {spread(saved, ' ms')}")
    if uss:
        print(
            f"  kernel USS per session: median {statistics.median(uss):.0f} MB, "
            f"max {max(uss):.0f} MB, {sum(uss):,.0f} MB for {len(uss)} kernels"
        )
    print(f"  server RSS:            {server_rss:.0f} MB")
    print(
        f"  CPU seconds:           server {server_cpu:.1f}, kernels {kernels_cpu:.1f}, "
        f"browser {browser_cpu:.1f} (all on this machine's {os.cpu_count()} cores)"
    )
    print(f"  errors:                {len(errors)}")
    for error in errors:
        print(f"    - {error}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {
            "sessions": [asdict(s) for s in sessions],
            "pool_size": args.pool_size,
            "tti_ms": {
                "median": statistics.median(tti) if tti else None,
                "p95": percentile(tti, 95),
            },
            "kernel_uss_mb_median": statistics.median(uss) if uss else None,
            "server_rss_mb": server_rss,
            "cpu_seconds": {"server": server_cpu, "kernels": kernels_cpu, "browser": browser_cpu},
            "errors": errors,
        }
        args.json.write_text(json.dumps(summary, indent=2), "utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
