"""The app's performance targets, measured in one run against a one-slider notebook.

    .venv/bin/python benchmarks/performance.py --runs 5 --edits 20

One run starts two servers configured as ``negotiation-workbook serve`` is (preheated
kernels), one on a one-slider notebook and one on the app, and measures in headless
Chromium (see time_to_interactive.py for how a visit is timed):

1. time to interactive (TTI), medians over ``--runs`` visits per page, the pages taking
   turns: the app's at most 1.1 times the slider's;
2. a field edit redraws its chart within 50 ms, median over ``--edits`` edits: the
   quantity of the first benefit in the value section is typed and committed with Enter;
   the clock starts at that key press (when the field sends its value) and stops when the
   value chart (``.nw-chart-value .js-plotly-plot``) holds new data; the time until the
   next animation frame after that (the redrawn chart painted) is reported beside it;
3. one app kernel under 100 MB of unique memory (USS), read just after interactive and
   again after every section was shown in one page;
4. under 1 MB received over the kernel websocket before the app is interactive.

Each target is reported as met or missed; ``--json`` writes every figure to a file.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from time_to_interactive import (
    CHROMIUM_ARGS,
    RECORDER_JS,
    Target,
    chromium,
    fmt,
    kernel_memory,
    measure,
    page_kernel,
    percentile,
    report,
    servers,
    wait_idle,
)

from workbook.content import load_content

PLAN = "example-northwind"
QUANTITY = ".nw-field-value-value-items-quantity input >> nth=0"
CHART = ".nw-chart-value"

TARGETS = {
    "tti_ratio": 1.1,
    "edit_to_chart_ms": 50.0,
    "kernel_uss_mb": 100.0,
    "ws_bytes": 1_000_000,
}

# Times one edit in the page: from the Enter key press in the field to new chart data.
EDIT_WATCH_JS = """
([field, chart]) => {
  const input = document.querySelector(field);
  const box = document.querySelector(chart);
  const plot = () => box.querySelector('.js-plotly-plot');
  const before = plot(), beforeData = before && before.data;
  const rec = (window.__edit = { start: null, data: null, painted: null });
  const changed = () => {
    const el = plot();
    return el && el.data && (el !== before || el.data !== beforeData);
  };
  const done = () => {
    if (rec.data !== null || rec.start === null || !changed()) return;
    rec.data = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => { rec.painted = performance.now(); });
  };
  const observer = new MutationObserver(done);
  observer.observe(box, { subtree: true, childList: true, attributes: true });
  const poll = () => { done(); if (rec.data === null) requestAnimationFrame(poll); };
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && rec.start === null) {
      rec.start = performance.now();
      requestAnimationFrame(poll);
    }
  }, { capture: true, once: true });
}
"""


def edit_latency(page: Any, edits: int, warmup: int) -> list[tuple[float, float]]:
    """(to new chart data, to the next frame) in ms, for each measured edit."""
    field = page.locator(QUANTITY)
    selector = field.evaluate("el => { el.dataset.nwBench = '1'; return '[data-nw-bench]'; }")
    start = float(field.input_value().replace(",", ""))
    times = []
    for i in range(warmup + edits):
        page.evaluate(EDIT_WATCH_JS, [selector, CHART])
        field.fill(f"{start + 10 * (i + 1):g}")
        field.press("Enter")
        page.wait_for_function("window.__edit.painted !== null", timeout=30_000)
        rec = page.evaluate("window.__edit")
        if i >= warmup:
            times.append((rec["data"] - rec["start"], rec["painted"] - rec["start"]))
        time.sleep(1.2)  # the autosave (0.8 s after an edit) runs between edits
    return times


def app_page(browser: Any, app: Target, timeout_ms: float) -> tuple[Any, Any]:
    """A page of the app on the value section, with its chart drawn."""
    context = browser.new_context()
    context.add_init_script(RECORDER_JS)
    page = context.new_page()
    page.goto(f"{app.url}?plan={PLAN}&section=value", timeout=timeout_ms)
    page.wait_for_selector(".nw-ready", timeout=timeout_ms)
    page.wait_for_selector(f"{CHART} .js-plotly-plot", timeout=timeout_ms)
    wait_idle(page, timeout_ms)
    return context, page


def every_section(page: Any, timeout_ms: float) -> None:
    """Show every section once, each until the kernel is idle again."""
    for key in load_content():
        page.click(f".nw-nav-{key}")
        page.wait_for_selector(f".nw-nav-{key}.mod-primary", timeout=timeout_ms)
        wait_idle(page, timeout_ms)


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured visits per page (5)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured visits/edits first (1)")
    parser.add_argument("--edits", type=int, default=20, help="measured field edits (20)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per step (120)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    timeout_ms = args.timeout * 1000

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="perf-") as tmp, servers(Path(tmp), True) as ts:
        slider, app = ts
        slider.marker, app.marker = "css=.widget-slider", "css=.nw-ready"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
            try:
                measure(browser, ts, args.runs, args.warmup, args.timeout, True)
                context, page = app_page(browser, app, timeout_ms)
                edits = edit_latency(page, args.edits, args.warmup)
                every_section(page, timeout_ms)
                time.sleep(1)
                after_all = kernel_memory(app, page_kernel(page))
                context.close()
            finally:
                browser.close()
        summary = report(ts)

    to_data = [d for d, _ in edits]
    to_paint = [f for _, f in edits]
    summary["edit_to_chart_ms"] = {
        "median": statistics.median(to_data),
        "p95": percentile(to_data, 95),
        "median_to_next_frame": statistics.median(to_paint),
        "edits": edits,
    }
    summary["kernel_after_every_section"] = {"uss_mb": after_all[0], "pss_mb": after_all[1]}
    app_s = summary["app"]
    rows = [
        ("TTI app / slider", summary["tti_ratio_app_to_slider"], TARGETS["tti_ratio"], "", 2),
        (
            "edit -> chart data, median",
            summary["edit_to_chart_ms"]["median"],
            TARGETS["edit_to_chart_ms"],
            " ms",
            0,
        ),
        (
            "kernel USS after interactive",
            app_s["kernel_uss_mb"],
            TARGETS["kernel_uss_mb"],
            " MB",
            1,
        ),
        ("kernel USS after every section", after_all[0], TARGETS["kernel_uss_mb"], " MB", 1),
        ("websocket bytes before TTI", app_s["ws_bytes"], TARGETS["ws_bytes"], "", 0),
    ]
    print(
        f"\nedit -> chart: median {statistics.median(to_data):.0f} ms, "
        f"p95 {fmt(percentile(to_data, 95))} ms, next frame median "
        f"{statistics.median(to_paint):.0f} ms ({len(edits)} edits)"
    )
    print(
        f"kernel after every section: USS {fmt(after_all[0], ' MB', 1)}, "
        f"PSS {fmt(after_all[1], ' MB', 1)}"
    )
    print("\ntarget                              measured        limit   verdict")
    verdicts = {}
    for name, value, limit, unit, digits in rows:
        verdicts[name] = verdict(value, limit)
        print(
            f"  {name:<32} {fmt(value, unit, digits):>12} {fmt(limit, unit, digits):>12}   "
            f"{verdicts[name]}"
        )
    summary["verdicts"] = verdicts
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
