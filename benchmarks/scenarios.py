"""Speed of the scenarios Monte Carlo: 100,000 draws for 30 moves in 100 ms or less.

Run from the repository: ``.venv/bin/python benchmarks/scenarios.py``. The plan has 30 moves,
3 participants estimating every move and 3 competitors, with random ranges. The script times
``simulate`` (PERT and triangular) over ``--runs`` runs and prints the median, minimum and
maximum wall time. The first call of a process also builds the PERT shape table, once; it is
timed on its own. To judge the figures on a noisy shared machine, the same run times a
baseline, ``numpy.random.default_rng().random((30, 100_000))`` (one uniform number per draw
and move), taking turns with ``simulate`` so that both meet the same load, and quotes
``simulate`` as a multiple of it. A direct numpy version, which draws every value with
``Generator.beta`` and every event with ``Generator.random``, is timed for comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbook.analysis.scenarios import PERCENTILES, simulate
from workbook.model import Scenarios

MOVES, PARTICIPANTS, COMPETITORS, DRAWS = 30, 3, 3, 100_000
TARGET = 0.100  # seconds


def ranges(rng: np.random.Generator, low: float, high: float) -> dict[str, float]:
    """A random (low, likely, high) inside [low, high]."""
    a, b, c = np.sort(rng.uniform(low, high, 3))
    return {"low": float(a), "likely": float(b), "high": float(c)}


def plan(seed: int = 1) -> Scenarios:
    """30 moves, 3 participants each, 3 competitors, random but plausible ranges."""
    rng = np.random.default_rng(seed)
    competitors = [{"id": f"c{k}", "name": f"Competitor {k}"} for k in range(COMPETITORS)]
    moves = [
        {
            "id": f"m{m}",
            "name": f"Move {m}",
            "estimates": [
                {
                    "id": f"m{m}p{p}",
                    "participant": f"Participant {p}",
                    "gain": ranges(rng, -200_000, 300_000),
                    "cooperation_probability": ranges(rng, 0, 1),
                    "cooperation_value": ranges(rng, 0, 400_000),
                    "retaliation": [
                        {
                            "competitor_id": f"c{k}",
                            "probability": ranges(rng, 0, 1),
                            "damage": ranges(rng, 0, 300_000),
                        }
                        for k in range(COMPETITORS)
                    ],
                }
                for p in range(PARTICIPANTS)
            ],
        }
        for m in range(MOVES)
    ]
    return Scenarios.model_validate(
        {"competitors": competitors, "moves": moves, "seed": seed, "draws": DRAWS}
    )


def direct(scenarios: Scenarios) -> np.ndarray:
    """P10/P50/P90 of net value the plain way: Generator.beta per range, a uniform per event."""
    rng = np.random.default_rng(scenarios.seed)
    who = np.arange(MOVES)[:, None], rng.integers(0, PARTICIPANTS, (MOVES, DRAWS))

    def ranges(get: Callable[[Any], Any]) -> np.ndarray:
        """(3, moves, draws): low, likely and high of each draw's participant."""
        table = [[(get(e).low, get(e).likely, get(e).high) for e in m.estimates] for m in moves]
        return np.moveaxis(np.array(table)[who], -1, 0)

    def value(get: Callable[[Any], Any]) -> np.ndarray:
        low, likely, high = ranges(get)
        t = (likely - low) / (high - low)
        return low + (high - low) * rng.beta(1 + 4 * t, 5 - 4 * t)

    def event(get: Callable[[Any], Any]) -> np.ndarray:
        low, likely, high = ranges(get)
        return rng.random((MOVES, DRAWS)) < (low + 4 * likely + high) / 6

    moves = scenarios.moves
    net = value(lambda e: e.gain)
    net += event(lambda e: e.cooperation_probability) * value(lambda e: e.cooperation_value)
    for k in range(COMPETITORS):
        chance = event(lambda e, k=k: e.retaliation[k].probability)
        net -= chance * value(lambda e, k=k: e.retaliation[k].damage)
    return np.percentile(net, PERCENTILES, axis=1)


def interleaved(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Wall times of each call, in seconds; the calls take turns, so they share the load."""
    times: dict[str, list[float]] = {label: [] for label in calls}
    for _ in range(runs):
        for label, call in calls.items():
            start = time.perf_counter()
            call()
            times[label].append(time.perf_counter() - start)
    return times


def line(label: str, seconds: list[float], reference: float | None = None) -> str:
    text = (
        f"{label:<42} median {statistics.median(seconds) * 1e3:7.1f} ms"
        f"  (min {min(seconds) * 1e3:6.1f}, max {max(seconds) * 1e3:6.1f})"
    )
    if reference is not None:
        text += f"  {statistics.median(seconds) / reference:6.2f} x baseline"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per figure")
    parser.add_argument("--direct-runs", type=int, default=3, help="runs of the direct version")
    args = parser.parse_args()
    scenarios = plan()
    triangular = scenarios.model_copy(update={"distribution": "triangular"})
    rng = np.random.default_rng(0)
    print(
        f"{MOVES} moves x {PARTICIPANTS} participants x {COMPETITORS} competitors, "
        f"{DRAWS:,} draws per move, {args.runs} runs, {os.cpu_count()} CPUs"
    )
    first = interleaved({"first": lambda: simulate(scenarios)}, 1)["first"]
    print(line("first call of the process (PERT shapes)", first))
    times = interleaved(
        {
            "baseline": lambda: rng.random((MOVES, DRAWS)),
            "pert": lambda: simulate(scenarios),
            "triangular": lambda: simulate(triangular),
        },
        args.runs,
    )
    baseline = statistics.median(times["baseline"])
    print(line(f"baseline: rng.random(({MOVES}, {DRAWS:_}))", times["baseline"]))
    print(line("simulate, PERT", times["pert"], baseline))
    print(line("simulate, triangular", times["triangular"], baseline))
    slow = interleaved({"direct": lambda: direct(scenarios)}, args.direct_runs)["direct"]
    print(line("direct numpy (Generator.beta per value)", slow, baseline))
    pert = statistics.median(times["pert"])
    print(
        f"simulate (PERT): {pert * 1e3:.1f} ms, {pert / baseline:.1f} x the baseline, "
        f"{statistics.median(slow) / pert:.0f} x faster than the direct version; "
        f"target {TARGET * 1e3:.0f} ms: {'met' if pert <= TARGET else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
