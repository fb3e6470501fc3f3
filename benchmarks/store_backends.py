"""Save and load times of the plan store on SQLite and on PostgreSQL, in one run.

Each backend gets a fresh store holding the worked example. One process loads and saves
it ``--saves`` times (each save a new revision on top of the last): the medians and 95th
percentiles are printed. Then ``--writers`` processes save at once, ``--each`` saves
apiece, reloading and retrying on a conflict: first all on one plan, then each on a plan
of its own; the revisions per second the store sustains, and the conflicts retried.

PostgreSQL runs in a throwaway cluster on this machine (tests/postgres.py) with its
default durability (fsync on), against an SQLite file with ``synchronous=FULL``: both
wait for the disk on every commit.

    .venv/bin/python benchmarks/store_backends.py [--saves 300] [--writers 8] [--each 100]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.postgres import cluster  # noqa: E402
from workbook.store import PlanStore  # noqa: E402

WRITER = """
import sys
from workbook.errors import ConflictError
from workbook.store import PlanStore  # noqa: E402

db, plan_id, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
conflicts = 0
with PlanStore(db) as store:
    sys.stdin.readline()  # everyone starts together
    for i in range(count):
        while True:
            stored = store.load(plan_id)
            plan = stored.plan.model_copy(update={"summary": str(i)})
            try:
                store.save(plan, base_revision=stored.revision, author="bench")
                break
            except ConflictError:
                conflicts += 1
print(conflicts)
"""


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered) * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms"


def one_process(location: str | Path, saves: int) -> tuple[list[float], list[float]]:
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
    return loads, writes


def many_writers(
    location: str | Path, writers: int, each: int, *, one_plan: bool
) -> tuple[float, int]:
    """Saves per second of ``writers`` processes saving one plan (or a plan each), and the
    conflicts they retried."""
    with PlanStore(location) as store:
        plans = [
            "example-northwind" if one_plan else store.duplicate("example-northwind").plan.id
            for _ in range(writers)
        ]
        before = sum(len(store.history(p)) for p in set(plans))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(location), plan_id, str(each)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for plan_id in plans
    ]
    time.sleep(3)  # the processes import the workbook and open the store before the start
    start = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = [proc.communicate(timeout=900)[0] for proc in procs]
    took = time.perf_counter() - start
    assert all(proc.returncode == 0 for proc in procs)
    with PlanStore(location, read_only=True) as store:
        assert sum(len(store.history(p)) for p in set(plans)) == before + writers * each
    return writers * each / took, sum(int(out) for out in outputs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300, help="one process's saves (300)")
    parser.add_argument("--writers", type=int, default=8, help="processes saving at once (8)")
    parser.add_argument("--each", type=int, default=100, help="saves per process (100)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, cluster(durable=True) as pg:
        stores = {
            "SQLite": Path(folder) / "plans.sqlite",
            "PostgreSQL": pg.url(pg.new_database()),
        }
        print(f"worked example; one process: {args.saves} loads and saves per backend")
        for backend, location in stores.items():
            loads, writes = one_process(location, args.saves)
            print(f"  {backend:<11} load: {_ms(loads)}   save: {_ms(writes)}")
        for one_plan in (True, False):
            which = "one plan" if one_plan else "a plan each"
            print(f"{args.writers} processes saving {which}, {args.each} saves each")
            for backend, location in stores.items():
                rate, conflicts = many_writers(location, args.writers, args.each, one_plan=one_plan)
                print(f"  {backend:<11} {rate:7.1f} saves/s   {conflicts} conflicts retried")


if __name__ == "__main__":
    main()
