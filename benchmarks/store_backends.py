"""Save and load times of the plan store on SQLite and on PostgreSQL, in one run.

Each backend gets a fresh store holding the worked example; one process then loads and
saves it ``--saves`` times (each save a new revision on top of the last) and the medians
and 95th percentiles are printed. PostgreSQL runs in a throwaway cluster on this machine
(tests/postgres.py), with its default durability (fsync on), against an SQLite file with
``synchronous=FULL``: both wait for the disk on every commit.

    .venv/bin/python benchmarks/store_backends.py [--saves 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.postgres import cluster
from workbook.store import PlanStore


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered) * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms"


def measure(location: str | Path, saves: int) -> dict[str, list[float]]:
    """Load and save times of ``saves`` revisions of the worked example."""
    loads: list[float] = []
    writes: list[float] = []
    with PlanStore(location) as store:
        plan_id = store.ensure_example()
        assert plan_id is not None
        for i in range(saves):
            start = time.perf_counter()
            stored = store.load(plan_id)
            loads.append(time.perf_counter() - start)
            plan = stored.plan.model_copy(update={"summary": f"revision {i}"})
            start = time.perf_counter()
            store.save(plan, base_revision=stored.revision, author="bench")
            writes.append(time.perf_counter() - start)
    return {"load": loads, "save": writes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300, help="revisions per backend (300)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, cluster(durable=True) as pg:
        results = {
            "SQLite": measure(Path(folder) / "plans.sqlite", args.saves),
            "PostgreSQL": measure(pg.url(pg.new_database()), args.saves),
        }
    print(f"worked example, {args.saves} loads and saves per backend, one process")
    for backend, times in results.items():
        print(f"{backend:<11} load: {_ms(times['load'])}   save: {_ms(times['save'])}")


if __name__ == "__main__":
    main()
