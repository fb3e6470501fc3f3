"""How long each section of a big plan takes to draw its first chart, in the served app.

    .venv/bin/python benchmarks/big_plan.py

Builds a plan with 200 scenario moves and 50 concession variables of 6 options each (from
the worked example, its rows repeated with new names), stores it in a fresh SQLite file,
serves the app on it as ``negotiation-workbook serve`` does and opens every section in
headless Chromium, one after the other in one page. For each section it prints the seconds
from the click on its name until its first chart is drawn (a visible plotly plot), or
until the kernel is idle for a section without charts. Target: 3 s per section.
``--in-process`` times the sections' panels without a browser instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from time_to_interactive import CHROMIUM_ARGS, RECORDER_JS, chromium, start_server, wait_idle

from workbook.model import Plan
from workbook.store import PlanStore, example_plan

MOVES, VARIABLES, OPTIONS = 200, 50, 6
TARGET_S = 3.0


def big_plan(moves: int = MOVES, variables: int = VARIABLES, options: int = OPTIONS) -> Plan:
    """The worked example with ``moves`` moves and ``variables`` variables of ``options``
    options each: its own rows first, then copies of them under new names and ids."""
    plan = example_plan()
    data = plan.model_dump(mode="json")
    given = data["scenarios"]["moves"]
    data["scenarios"]["moves"] = [
        {**move, "id": f"mv-big-{i}", "name": f"{move['name']} ({i})"[:120]}
        | {"estimates": [{**e, "id": f"{e['id']}-{i}"} for e in move["estimates"]]}
        for i, move in enumerate(given[i % len(given)] for i in range(moves))
    ]
    data["scenarios"]["moves"][: len(given)] = given
    table = data["concessions"]["variables"]
    out = []
    for i in range(variables):
        source = table[i % len(table)]
        own = i < len(table)
        rows = list(source["options"])
        while len(rows) < options:  # more options, each a step further than the last
            last = rows[-1]
            rows.append(
                {
                    **last,
                    "id": f"{last['id']}-more{len(rows)}",
                    "label": f"{last['label']} +{len(rows)}"[:120],
                    "ours": float(last["ours"]) - 3.0 - len(rows),
                    "theirs": float(last["theirs"]) + 2.0 + len(rows),
                }
            )
        rows = rows[:options] if not own else rows[: max(options, len(source["options"]))]
        if own:
            out.append({**source, "options": rows})
        else:
            out.append(
                {
                    **source,
                    "id": f"va-big-{i}",
                    "name": f"{source['name']} ({i})"[:120],
                    "options": [{**o, "id": f"{o['id']}-v{i}"} for o in rows],
                }
            )
    data["concessions"]["variables"] = out
    return Plan.model_validate(data)


def in_process(plan: Plan, db: Path) -> dict[str, float]:
    """Seconds each section takes to show for the first time, in this process."""
    from workbook.ui.app import WorkbookApp

    store = PlanStore(db)
    stored = store.create(plan)
    app = WorkbookApp(store, scheduler=lambda _delay, _fn: None).start(plan=stored.plan.id)
    times = {}
    for key in app.keys:
        start = time.perf_counter()
        app.show(key)
        times[key] = time.perf_counter() - start
    return times


# From the click on a section's name: the first time a plotly plot of one of the section's
# panels (DOM class nw-panel-<section>-<name>) is drawn and visible.
WATCH_JS = """
(key) => {
  const rec = (window.__open = { start: performance.now(), plot: null });
  const mine = `[class*="nw-panel-${key}-"] .js-plotly-plot`;
  const visible = () => [...document.querySelectorAll(mine)]
    .some(el => el.offsetParent !== null && el.data);
  const poll = () => {
    if (rec.plot !== null) return;
    if (visible()) rec.plot = performance.now();
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}
"""


def served(plan: Plan, workdir: Path, timeout_ms: float) -> dict[str, tuple[float, bool]]:
    """(seconds, whether a chart was drawn) per section, in the served app in Chromium."""
    from playwright.sync_api import sync_playwright

    from workbook.content import load_content

    with PlanStore(workdir / "app.sqlite") as store:
        plan_id = store.create(plan).plan.id
    target = start_server("app", None, workdir, True)
    results: dict[str, tuple[float, bool]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
            try:
                context = browser.new_context()
                context.add_init_script(RECORDER_JS)
                page = context.new_page()
                page.goto(f"{target.url}?plan={plan_id}&section=deal", timeout=timeout_ms)
                page.wait_for_selector(".nw-ready", timeout=timeout_ms)
                wait_idle(page, timeout_ms)
                for key in load_content():
                    if key == "deal":
                        continue
                    page.evaluate(WATCH_JS, key)
                    page.click(f".nw-nav-{key}")
                    page.wait_for_selector(f".nw-nav-{key}.mod-primary", timeout=timeout_ms)
                    wait_idle(page, timeout_ms)
                    charts = f'[class*="nw-panel-{key}-"] [class*="nw-chart-"]'
                    if page.locator(charts).count():  # plotly may draw after the kernel idles
                        page.wait_for_function(
                            "window.__open.plot !== null", timeout=timeout_ms, polling=50
                        )
                    rec = page.evaluate("({...window.__open, idle: window.__tti.statusAt})")
                    drawn = rec["plot"] is not None
                    end = rec["plot"] if drawn else rec["idle"]
                    results[key] = ((end - rec["start"]) / 1000, drawn)
                    idle = (rec["idle"] - rec["start"]) / 1000
                    print(
                        f"  {key:<14} {results[key][0]:6.2f} s  "
                        f"{'chart' if drawn else 'idle'} (kernel idle after {idle:.2f} s)"
                    )
                context.close()
            finally:
                browser.close()
    finally:
        target.proc.terminate()
        target.proc.wait(timeout=30)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--in-process", action="store_true", help="no browser: time the views")
    parser.add_argument(
        "--example", action="store_true", help="the worked example instead, for comparison"
    )
    parser.add_argument("--timeout", type=float, default=120, help="seconds per step (120)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    plan = example_plan() if args.example else big_plan()
    print(
        f"plan: {len(plan.scenarios.moves)} moves, {len(plan.concessions.variables)} variables "
        f"of {min(len(v.options) for v in plan.concessions.variables)}+ options"
    )
    with tempfile.TemporaryDirectory(prefix="big-") as tmp:
        if args.in_process:
            times = {k: (v, False) for k, v in in_process(plan, Path(tmp) / "p.sqlite").items()}
            for key, (seconds, _) in times.items():
                print(f"  {key:<14} {seconds:6.2f} s")
        else:
            times = served(plan, Path(tmp), args.timeout * 1000)
    slowest = max(times, key=lambda k: times[k][0])
    verdict = "met" if times[slowest][0] <= TARGET_S else "MISSED"
    print(f"slowest: {slowest} {times[slowest][0]:.2f} s (target {TARGET_S:g} s): {verdict}")
    if args.json:
        args.json.write_text(json.dumps({k: v[0] for k, v in times.items()}, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
