"""Five pages editing one plan at once: how fast each sees the others' edits, and what is lost.

    .venv/bin/python benchmarks/coedit.py --pages 5 --seconds 60

One run starts ``negotiation-workbook serve`` (workbook.serve.serve) on a fresh database
holding the worked example and opens ``--pages`` real Chromium pages on it, each in its own
browser context (its own kernel). First, with every page open and nobody typing, the CPU
time of the server and its kernels is measured for ``--idle`` seconds: that is what the
live checks (one indexed query a second per page) cost. Then, once a second for
``--seconds``, every page types a new value into a field of its own (the summary, the
counterpart, our company, and the roles of the first team members). The report gives:

- the time from a value being typed until every other page shows it (median and p95);
- how many saves were merged with another page's save (revisions noted "merged with");
- lost edits: fields whose stored value is not the last one typed, once everything settled,
  and typed values that never reached any revision (there must be none of either).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from time_to_interactive import CHROMIUM_ARGS, chromium, cpu_seconds, start_server

from workbook.store import PlanStore

PLAN = "example-northwind"
FIELDS = [
    (".nw-field-summary textarea", 0),
    (".nw-field-counterpart input", 0),
    (".nw-field-company input", 0),
    (".nw-field-team-role input", 0),
    (".nw-field-team-role input", 1),
]
PATHS = [("summary",), ("counterpart",), ("company",), ("team", 0, "role"), ("team", 1, "role")]
READ = """(fields) => fields.map(([sel, n]) => {
  const el = document.querySelectorAll(sel)[n];
  return el ? el.value : null;
})"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def value_of(plan: Any, path: tuple[Any, ...]) -> Any:
    obj = plan
    for part in path:
        obj = obj[part] if isinstance(part, int) else getattr(obj, part)
    return obj


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--idle", type=int, default=30)
    args = parser.parse_args(argv)
    pages_n = min(args.pages, len(FIELDS))
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="coedit-bench-"))
    target = start_server("coedit", None, workdir, preheat=True)
    db = workdir / "coedit.sqlite"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
            pages = []
            for _ in range(pages_n):
                page = browser.new_context().new_page()
                page.goto(f"{target.url}?plan={PLAN}", timeout=180_000)
                page.wait_for_selector(".nw-ready", timeout=180_000)
                pages.append(page)
            time.sleep(3)  # let the pages settle before measuring the idle cost
            before = cpu_seconds(target.proc.pid)
            time.sleep(args.idle)
            idle_cpu = cpu_seconds(target.proc.pid) - before
            per_page_minute = idle_cpu / pages_n * 60 / args.idle

            typed: dict[tuple[int, int], float] = {}
            seen: dict[tuple[int, int], dict[int, float]] = {}
            start = time.monotonic()
            for second in range(args.seconds):
                tick = start + second
                for k, page in enumerate(pages):
                    sel, nth = FIELDS[k]
                    page.locator(sel).nth(nth).fill(f"p{k} {second}")
                    typed[(k, second)] = time.monotonic()
                    seen[(k, second)] = {}
                while time.monotonic() < tick + 1:
                    for j, page in enumerate(pages):
                        values = page.evaluate(READ, FIELDS[:pages_n])
                        now = time.monotonic()
                        for k, value in enumerate(values):
                            if k == j or not value or not value.startswith(f"p{k} "):
                                continue
                            shown = int(value.split(" ")[1])
                            for i in range(shown + 1):
                                if (k, i) in seen and j not in seen[(k, i)]:
                                    seen[(k, i)][j] = now
            deadline = time.monotonic() + 15  # let the last values travel
            while time.monotonic() < deadline:
                done = all(len(s) == pages_n - 1 for s in seen.values())
                if done:
                    break
                for j, page in enumerate(pages):
                    values = page.evaluate(READ, FIELDS[:pages_n])
                    now = time.monotonic()
                    for k, value in enumerate(values):
                        if k != j and value and value.startswith(f"p{k} "):
                            shown = int(value.split(" ")[1])
                            for i in range(shown + 1):
                                if (k, i) in seen and j not in seen[(k, i)]:
                                    seen[(k, i)][j] = now
            # a value overtaken by the next one before a page drew it counts at that moment
            latencies = [
                max(s.values()) - typed[key] for key, s in seen.items() if len(s) == pages_n - 1
            ]
            browser.close()
        with PlanStore(db, read_only=True) as store:
            history = store.history(PLAN)
            merges = sum(1 for h in history if h.note.startswith("merged with"))
            latest = store.load(PLAN).plan
            stored_values = [set() for _ in range(pages_n)]
            for h in history:
                plan = store.load(PLAN, h.revision).plan
                for k in range(pages_n):
                    stored_values[k].add(value_of(plan, PATHS[k]))
        last = args.seconds - 1
        final_lost = sum(1 for k in range(pages_n) if value_of(latest, PATHS[k]) != f"p{k} {last}")
        never_stored = sum(
            1
            for k in range(pages_n)
            for i in range(args.seconds)
            if f"p{k} {i}" not in stored_values[k]
        )
        print(f"pages: {pages_n}, seconds of typing: {args.seconds}")
        print(
            f"time until every other page shows an edit: median "
            f"{statistics.median(latencies):.2f} s, p95 {percentile(latencies, 0.95):.2f} s "
            f"({len(latencies)} of {len(seen)} edits seen everywhere)"
        )
        print(f"revisions: {len(history)}, merged saves: {merges}")
        print(
            f"lost edits: {final_lost} fields not at their last value; "
            f"{never_stored} typed values never stored"
        )
        print(
            f"server and kernel CPU with {pages_n} idle open pages: "
            f"{per_page_minute:.2f} CPU-seconds per page per minute"
        )
        return 0 if final_lost == 0 else 1
    finally:
        target.proc.terminate()
        try:
            target.proc.wait(timeout=30)
        except Exception:
            target.proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
