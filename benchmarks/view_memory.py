"""Unique memory (USS) of one app kernel as it shows every section, and which heavy modules
the view path loads.

    .venv/bin/python benchmarks/view_memory.py [--big]

Builds the app on the worked example (``--big``: the plan of benchmarks/big_plan.py) in a
fresh SQLite file, as a kernel does, then shows every section once. Prints the process's
USS after start and after each section, and at the end which of pandas, plotly's figure
classes and scipy are loaded. Target: under 100 MB with every section shown.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
from pathlib import Path

import psutil

HEAVY = ("pandas", "plotly.graph_objects", "scipy", "pyarrow", "matplotlib")


def uss_mb() -> float:
    """This process's unique set size in MB."""
    gc.collect()
    return psutil.Process().memory_full_info().uss / 2**20


def loaded() -> list[str]:
    """The heavy modules this process has imported."""
    return [name for name in HEAVY if name in sys.modules]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", action="store_true", help="the plan of big_plan.py")
    args = parser.parse_args()
    print(f"{'interpreter':<14} {uss_mb():7.1f} MB  {loaded()}")
    from workbook.store import PlanStore
    from workbook.ui.app import WorkbookApp

    with tempfile.TemporaryDirectory() as tmp:
        store = PlanStore(Path(tmp) / "plans.sqlite")
        if args.big:
            sys.path.insert(0, str(Path(__file__).parent))
            from big_plan import big_plan

            plan_id = store.create(big_plan()).plan.id
        else:
            plan_id = store.ensure_example()
        app = WorkbookApp(store, scheduler=lambda _delay, _fn: None).start(plan=plan_id)
        print(f"{'started':<14} {uss_mb():7.1f} MB  {loaded()}")
        for key in app.keys:
            app.show(key)
            print(f"{key:<14} {uss_mb():7.1f} MB  {loaded()}")
        store.close()
    print(f"heavy modules loaded: {', '.join(loaded()) or 'none'}")


if __name__ == "__main__":
    main()
