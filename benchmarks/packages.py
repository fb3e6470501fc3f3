"""Speed of the exact package frontier, on random tables and on the GENIUS/ANAC scenarios.

Also the speed of :func:`workbook.analysis.improve.improvements` (every package at least as
good for both sides as a deal) on random tables of 40 issues × 8 options, for three deals:
each issue's first option, the deal worst for us, and the Nash package (already efficient).
Beside the wall time (the target's measure) it prints the mean processor time of a call,
which other work on a busy machine does not inflate. And the speed of
:func:`workbook.analysis.robust.robust_frontier` for three estimates of their values on the
random tables (a figure, no target).

Run from the repository: ``.venv/bin/python benchmarks/packages.py``. On each scenario the
NegMAS library's ``pareto_frontier`` (``pip install -e .[bench]``) runs in the same process,
on the same linear additive utilities (GENIUS's ``min(1, ·)`` left out on both sides, no
reservations), and the two frontiers are compared point by point. NegMAS compares raw
floating-point sums, so a tie that summation order (or values such as 0.10000000000000009
stored for 0.1) splits by a few units in the last place gives it an extra point; such a point
is dominated by one of ours up to ``TOLERANCE`` and is counted apart, not as a disagreement.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import genius
from workbook.analysis.improve import improvements
from workbook.analysis.offers import equivalent_offer_set
from workbook.analysis.packages import nash_package, package_count, pareto_frontier
from workbook.analysis.robust import robust_frontier

TARGETS = {(20, 6): 0.050, (40, 8): 1.0}  # seconds
IMPROVE_TARGET = 0.100  # seconds, 40 issues x 8 options
IMPROVE_LIMIT = 10
OFFERS_SIZE, OFFERS_TARGET = (50, 6), 0.5  # equivalent offers on a big planner, seconds
SPEEDUP_TARGET = 1000
TOLERANCE = 1e-9
NEGMAS_REPEAT_LIMIT = 100_000  # above this many outcomes NegMAS runs once


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


def negmas_frontier(scenario: genius.Scenario) -> np.ndarray:
    """NegMAS's Pareto frontier of the scenario, as (side a, side b) points."""
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
    points, _ = negmas_pareto(ufuns, issues=issues, sort_by_welfare=False)
    return np.asarray(points, dtype=float).reshape(-1, 2)


def agreement(ours: np.ndarray, theirs: np.ndarray) -> str:
    """Whether two frontiers have the same points, up to ``TOLERANCE`` and split ties."""

    def alone(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Points of ``a`` not within the tolerance of a point of ``b``."""
        return a[np.abs(a[:, None, :] - b[None, :, :]).max(axis=2).min(axis=1) > TOLERANCE]

    def dominated(a: np.ndarray, b: np.ndarray) -> int:
        """How many points of ``a`` some point of ``b`` dominates, up to the tolerance."""
        return int((b[None, :, :] >= a[:, None, :] - TOLERANCE).all(axis=2).any(axis=1).sum())

    ours_only, theirs_only = alone(ours, theirs), alone(theirs, ours)
    split = dominated(theirs_only, ours)
    wrong = len(theirs_only) - split + dominated(ours_only, theirs)
    if wrong:
        return f"NO: {wrong} points of one frontier dominated by the other"
    notes = [f"NegMAS +{split} points ours dominate within {TOLERANCE:g}"] if split else []
    notes += [f"NegMAS lacks {len(ours_only)} of ours"] if len(ours_only) else []
    return "yes" + (f" ({'; '.join(notes)})" if notes else "")


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


def improvement_tables(runs: int) -> None:
    print(f"\nImprovements on a deal, 40 x 8 (median of {runs} runs, limit {IMPROVE_LIMIT})")
    head = f"{'values':>11} {'deal':>14} {'found':>6} {'more':>5} {'time':>9} {'cpu':>9}"
    print(f"{head} {'target':>8}")
    for opposed in (False, True):
        table = random_options(40, 8, opposed, seed=40)
        issues = list(dict.fromkeys(table["issue"]))
        worst = table.loc[table.groupby("issue", sort=False)["ours"].idxmin()]
        nash = nash_package(table)
        deals = {
            "first options": {issue: "option 0" for issue in issues},
            "worst for us": dict(zip(worst["issue"], worst["option"], strict=True)),
            "Nash package": {issue: nash[issue] for issue in issues},
        }
        for name, deal in deals.items():
            cpu = time.process_time()
            seconds, found = timed(
                lambda t=table, d=deal: improvements(t, d, limit=IMPROVE_LIMIT), runs
            )
            cpu = (time.process_time() - cpu) / runs
            verdict = "met" if seconds < IMPROVE_TARGET else "MISSED"
            print(
                f"{'opposed' if opposed else 'independent':>11} {name:>14} {len(found.rows):>6} "
                f"{'yes' if found.more else 'no':>5} {seconds * 1e3:>7.1f}ms {cpu * 1e3:>7.1f}ms "
                f"{f'<{IMPROVE_TARGET * 1e3:g}ms':>8} {verdict}"
            )


def offers(runs: int) -> None:
    """Equivalent offers (k = 2, 3) at the middle of the frontier, default tolerance."""
    issues, options = OFFERS_SIZE
    print(f"\nEquivalent offers, {issues} x {options} (median of {runs} runs)")
    print(f"{'values':>11} {'k':>2} {'candidates':>10} {'time':>9} {'target':>8}")
    for opposed in (False, True):
        table = random_options(issues, options, opposed, seed=issues)
        rows = list(table.itertuples(index=False, name=None))
        middle = float(np.median(pareto_frontier(table)["ours"]))
        for k in (2, 3):
            seconds, result = timed(
                lambda r=rows, v=middle, k=k: equivalent_offer_set(r, v, k), runs
            )
            verdict = "met" if seconds < OFFERS_TARGET else "MISSED"
            print(
                f"{'opposed' if opposed else 'independent':>11} {k:>2} {result.candidates:>10} "
                f"{seconds * 1e3:>7.1f}ms {f'<{OFFERS_TARGET * 1e3:g}ms':>8} {verdict}"
            )


def robust_tables(runs: int) -> None:
    print(f"\nRobust frontier, 3 estimates of their values (median of {runs} runs)")
    print(f"{'issues x options':>16} {'values':>11} {'packages':>8} {'all 3':>6} {'time':>9}")
    for issues, options in TARGETS:
        for opposed in (False, True):
            tables = [random_options(issues, options, opposed, seed=s) for s in (1, 2, 3)]
            tables = [t.assign(ours=tables[0]["ours"]) for t in tables]
            seconds, found = timed(lambda t=tables: robust_frontier(t), runs)
            print(
                f"{f'{issues} x {options}':>16} {'opposed' if opposed else 'independent':>11} "
                f"{len(found.rows):>8} {len(found.everywhere()):>6} {seconds * 1e3:>7.1f}ms"
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
            reference_seconds, points = timed(lambda s=scenario: negmas_frontier(s), repeats)
        except Exception as error:  # report exactly why NegMAS failed, then go on
            print(f"{line}  NegMAS failed: {type(error).__name__}: {error}")
            continue
        ratio = reference_seconds / seconds
        largest = (scenario.name, ratio)
        agree = agreement(frontier[["ours", "theirs"]].to_numpy(), points)
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
    improvement_tables(args.runs)
    offers(args.runs)
    robust_tables(args.runs)
    scenarios(args.runs, with_negmas)


if __name__ == "__main__":
    main()
