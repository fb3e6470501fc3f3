"""Speed of the exact package frontier, on random tables and on the GENIUS/ANAC scenarios.

Run from the repository: ``.venv/bin/python benchmarks/packages.py``. On each scenario the
NegMAS library's ``pareto_frontier`` (``pip install -e .[bench]``) runs in the same process,
on the same linear additive utilities (GENIUS's ``min(1, ·)`` left out on both sides, no
reservations), and the two frontiers are compared point by point: a point of one that is not
within ``TOLERANCE`` of a point of the other is judged in exact arithmetic (the same
floating-point option values, added as fractions) against the other's packages, which tells
a tie split by floating-point summation from a real disagreement.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import genius
from workbook.analysis.packages import package_count, pareto_frontier

TARGETS = {(20, 6): 0.050, (40, 8): 1.0}  # seconds
SPEEDUP_TARGET = 1000
TOLERANCE = 1e-9
NEGMAS_REPEAT_LIMIT = 100_000  # above this many outcomes NegMAS runs once

Package = Sequence[str | int]


def timed(call: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of ``runs`` calls, and the last result."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def random_options(issues: int, options: int, opposed: bool, seed: int) -> pd.DataFrame:
    """A random table: values uniform in [0, 1), or theirs ≈ 1 − ours (opposed interests)."""
    rng = np.random.default_rng(seed)
    ours = rng.random((issues, options))
    theirs = 1 - ours + 0.2 * rng.random(ours.shape) if opposed else rng.random(ours.shape)
    return pd.DataFrame(
        {
            "issue": np.repeat([f"issue {i}" for i in range(issues)], options),
            "option": np.tile([f"option {j}" for j in range(options)], issues),
            "ours": ours.ravel(),
            "theirs": theirs.ravel(),
        }
    )


def negmas_frontier(scenario: genius.Scenario) -> tuple[np.ndarray, np.ndarray]:
    """NegMAS's Pareto frontier: (side a, side b) points and their outcomes' indices."""
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import pareto_frontier as negmas_pareto

    issues = [make_issue(list(options), name) for name, options in scenario.issues]
    space = make_os(issues)
    ufuns = [
        LinearAdditiveUtilityFunction(
            values={
                n: {o: scenario.values[side][n][str(o)] for o in opts}
                for n, opts in scenario.issues
            },
            weights=scenario.weights[side],
            outcome_space=space,
            reserved_value=float("-inf"),
        )
        for side in ("a", "b")
    ]
    points, indices = negmas_pareto(ufuns, issues=issues, sort_by_welfare=False)
    return np.asarray(points, dtype=float).reshape(-1, 2), np.asarray(indices, dtype=np.int64)


def decode(scenario: genius.Scenario, index: int) -> Package:
    """The options of the package at ``index`` in ``itertools.product`` order (NegMAS's)."""
    chosen = []
    for _, options in reversed(scenario.issues):
        index, at = divmod(index, len(options))
        chosen.append(options[at])
    return chosen[::-1]


def exact(scenario: genius.Scenario, package: Package) -> tuple[Fraction, Fraction]:
    """Both sides' scores of a package, its floating-point option values added exactly."""
    picked = list(zip((name for name, _ in scenario.issues), package, strict=True))
    a, b = (sum(Fraction(scenario.contribution(s, i, o)) for i, o in picked) for s in "ab")
    return a, b


def agreement(
    scenario: genius.Scenario, frontier: pd.DataFrame, points: np.ndarray, indices: np.ndarray
) -> str:
    """Whether the frontiers agree; points only one of them has are judged exactly."""
    found = {"ours": frontier[["ours", "theirs"]].to_numpy(), "NegMAS": points}
    packages = {
        "ours": [list(row[2:]) for row in frontier.itertuples(index=False)],
        "NegMAS": [decode(scenario, int(i)) for i in indices],
    }
    scores = {who: [exact(scenario, p) for p in packages[who]] for who in found}
    for who, exact_scores in scores.items():
        recomputed = np.array(exact_scores, dtype=float).reshape(-1, 2)
        if not np.allclose(recomputed, found[who], rtol=0, atol=TOLERANCE):
            return f"NO: {who}'s packages do not give {who}'s points"
    gaps = np.abs(found["ours"][:, None, :] - points[None, :, :]).max(axis=2)
    alone = {
        "ours": np.flatnonzero(gaps.min(axis=1) > TOLERANCE),
        "NegMAS": np.flatnonzero(gaps.min(axis=0) > TOLERANCE),
    }

    def covered(point: tuple[Fraction, Fraction], by: str) -> bool:
        return any(a >= point[0] and b >= point[1] for a, b in scores[by])

    extra = [k for k in alone["NegMAS"] if covered(scores["NegMAS"][k], "ours")]
    lost = [k for k in alone["ours"] if not covered(scores["ours"][k], "NegMAS")]
    wrong = len(alone["NegMAS"]) - len(extra) + len(alone["ours"]) - len(lost)
    if wrong:
        return f"NO: {wrong} points of one frontier beaten by the other in exact arithmetic"
    notes = [f"+{len(extra)} NegMAS points tied or beaten by ours"] if extra else []
    notes += [f"NegMAS lost {len(lost)} of ours"] if lost else []
    return "yes" + (f" ({'; '.join(notes)}, exactly)" if notes else "")


def random_tables(runs: int) -> None:
    print(f"Random tables (median of {runs} runs)")
    head = ["issues x options", "values", "packages", "frontier", "time", "target"]
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, (16, 11, 10, 8, 9, 8), strict=True)))
    for (issues, options), target in TARGETS.items():
        for opposed in (False, True):
            table = random_options(issues, options, opposed, seed=issues)
            seconds, frontier = timed(lambda t=table: pareto_frontier(t), runs)
            verdict = "met" if seconds < target else "MISSED"
            print(
                f"{f'{issues} x {options}':>16} {'opposed' if opposed else 'independent':>11} "
                f"{f'{package_count(table):.1e}':>10} {len(frontier):>8} {seconds * 1e3:>7.1f}ms "
                f"{f'<{target * 1e3:g}ms':>8} {verdict}"
            )


def scenarios(runs: int, with_negmas: bool) -> None:
    found = genius.scenarios()
    if not found:
        print(f"\nNo scenarios in {genius.folder()}: set {genius.ENV} to their folder.")
        return
    print(f"\nGENIUS/ANAC scenarios from {genius.folder()} (ours: median of {runs} runs)")
    print(
        f"{'scenario':<16} {'outcomes':>10} {'frontier':>8} {'ours':>9} {'NegMAS':>9} "
        f"{'runs':>4} {'NegMAS/ours':>11}  agree"
    )
    largest = None
    for scenario in found:
        options = scenario.options()
        seconds, frontier = timed(lambda o=options: pareto_frontier(o), runs)
        line = f"{scenario.name:<16} {scenario.outcomes:>10,} {len(frontier):>8} "
        line += f"{seconds * 1e3:>7.2f}ms"
        if not with_negmas:
            print(line)
            continue
        repeats = 1 if scenario.outcomes > NEGMAS_REPEAT_LIMIT else min(runs, 3)
        try:
            reference_seconds, (points, indices) = timed(
                lambda s=scenario: negmas_frontier(s), repeats
            )
        except Exception as error:  # report exactly why NegMAS failed, then go on
            print(f"{line}  NegMAS failed: {type(error).__name__}: {error}")
            continue
        ratio = reference_seconds / seconds
        largest = (scenario.name, ratio)
        agree = agreement(scenario, frontier, points, indices)
        print(f"{line} {reference_seconds:>8.3f}s {repeats:>4} {ratio:>10,.0f}x  {agree}")
    if largest is not None:
        name, ratio = largest
        verdict = "met" if ratio >= SPEEDUP_TARGET else "MISSED"
        print(
            f"On the largest scenario NegMAS ran ({name}): {ratio:,.0f}x faster "
            f"(target {SPEEDUP_TARGET:,}x): {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per timing (median)")
    parser.add_argument("--no-negmas", action="store_true", help="skip the NegMAS comparison")
    args = parser.parse_args()
    with_negmas = not args.no_negmas
    if with_negmas:
        try:
            import negmas  # noqa: F401
        except ImportError as error:
            print(f"NegMAS is not installed ({error}); install it with: pip install -e .[bench]")
            with_negmas = False
    random_tables(args.runs)
    scenarios(args.runs, with_negmas)


if __name__ == "__main__":
    main()
