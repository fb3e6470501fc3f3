"""Self-play of the rehearsal counterpart over the GENIUS/ANAC scenarios.

Run from the repository: ``.venv/bin/python benchmarks/rehearsal.py``. Side ``a`` of each
scenario is us, side ``b`` them. Their side is a :class:`workbook.Counterpart` of each
style; our side is either a counterpart of each style playing on the same options with the
sides swapped, or a scripted team blind to their values, as many teams are: it opens with
its best package and each round gives the one-issue step that costs it least, down to the
Nash package's value to it; it accepts a counter-offer worth at least its own next offer to
it, and at the last round anything at or above its floor.

Offers alternate: we offer, they answer; if they counter, we answer their counter-offer; a
counter-offer of ours is our next offer. Both sides have the same limit in rounds. Each
side's floor is the scenario's reservation value unless ``--floor`` sets both. Scores are
the scenarios' linear additive utilities without GENIUS's ``min(1, ·)`` (as in the package
benchmark).

It prints, for each pairing of our style against theirs over all scenarios and seeds: the
agreement rate, the mean distance of the agreed package to the Pareto frontier (straight
line, in utility units), the mean Nash product of the agreements ((ours − our floor) ×
(theirs − their floor)) and the mean number of rounds; then the time their counterpart
takes to answer on the largest scenario (median and max over every answer of every game
there), and to be built.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Hashable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import genius
from workbook.analysis.packages import Frontier, Package, _frontier, _read
from workbook.analysis.rehearsal import STYLES, Counterpart

OURS = (*STYLES, "random", "scripted")
THEIRS = (*STYLES, "random")
RESPONSE_TARGET = 0.050  # seconds, on the largest scenario


class Scripted:
    """A team's script, blind to their values: open with our best package, then each round
    give the one-issue step that costs us least, as long as we stay at or above the Nash
    package's value to us (and our floor)."""

    def __init__(self, options: pd.DataFrame, floors: tuple[float, float], rounds: int) -> None:
        table = _read(options)
        front = Frontier(table, *_frontier(table))
        nash = front.nash(*floors)
        self.floor, self.rounds, self.round = floors[0], rounds, 0
        self.stop = max(floors[0], float(front.ours[0]) if nash is None else nash.ours)
        self.values = {
            (i, o): v for i, o, v in options[["issue", "option", "ours"]].itertuples(index=False)
        }
        self.choices: dict[Hashable, list[Hashable]] = {}
        for issue, option in options[["issue", "option"]].itertuples(index=False):
            self.choices.setdefault(issue, []).append(option)
        self.current = {
            issue: max(opts, key=lambda o, i=issue: self.values[(i, o)])
            for issue, opts in self.choices.items()
        }

    def worth(self, options: dict[Hashable, Hashable]) -> float:
        return sum(self.values[(i, o)] for i, o in options.items())

    def _next(self) -> dict[Hashable, Hashable]:
        """The offer after the current one: the cheapest one-issue step that keeps us at or
        above where we stop; the current offer when there is none."""
        now = self.worth(self.current)
        steps = []
        for issue, opts in self.choices.items():
            here = self.values[(issue, self.current[issue])]
            for option in opts:
                cost = here - self.values[(issue, option)]
                if cost > 0 and now - cost >= self.stop - 1e-12:
                    steps.append((cost, issue, option))
        if not steps:
            return dict(self.current)
        cost, issue, option = min(steps, key=lambda s: s[0])
        return self.current | {issue: option}

    def opening(self) -> Package:
        return Package(self.worth(self.current), 0.0, dict(self.current))

    def respond(self, options: dict[Hashable, Hashable]) -> tuple[str, Package | None]:
        self.round += 1
        following = self._next()
        worth = self.worth(options)
        last = self.round >= self.rounds
        if worth >= self.worth(following) - 1e-12 or (last and worth >= self.floor):
            return "accept", None
        if last:
            return "walk_away", None
        self.current = following
        return "counter", Package(self.worth(following), 0.0, following)


def game(
    options: pd.DataFrame,
    swapped: pd.DataFrame,
    floors: tuple[float, float],
    ours: str,
    theirs: str,
    rounds: int,
    seed: int,
    times: list[float],
) -> tuple[dict[Hashable, Hashable] | None, int]:
    """One negotiation: the package agreed (or None) and the rounds it took."""
    them = Counterpart(options, floors[1], style=theirs, rounds=rounds, seed=seed)
    us: Scripted | Counterpart
    if ours == "scripted":
        us = Scripted(options, floors, rounds)
    else:
        us = Counterpart(swapped, floors[0], style=ours, rounds=rounds, seed=seed + 1000)
    offer = us.opening().options
    for at in range(1, rounds + 1):
        start = time.perf_counter()
        answer = them.respond(offer)
        times.append(time.perf_counter() - start)
        if answer.kind == "accept":
            return offer, at
        if answer.kind == "walk_away" or answer.package is None:
            return None, at
        if isinstance(us, Scripted):
            kind, package = us.respond(answer.package.options)
        else:
            reply = us.respond(answer.package.options)
            kind, package = reply.kind, reply.package
        if kind == "accept":
            return answer.package.options, at
        if kind == "walk_away" or package is None:
            return None, at
        offer = package.options
    return None, rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="the limit in rounds")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per pairing")
    parser.add_argument("--floor", type=float, default=None, help="both sides' floor")
    args = parser.parse_args()
    found = genius.scenarios()
    if not found:
        print(f"No scenarios in {genius.folder()}: set {genius.ENV} to their folder.")
        return
    largest = found[-1]
    print(
        f"Self-play over {len(found)} GENIUS/ANAC scenarios from {genius.folder()}: "
        f"{args.rounds} rounds, seeds 0..{args.seeds - 1}, floors "
        + ("the scenarios' reservations" if args.floor is None else f"{args.floor:g}")
    )
    prepared = []
    for scenario in found:
        options = scenario.options()
        swapped = options.rename(columns={"ours": "theirs", "theirs": "ours"})
        if args.floor is None:
            floors = (scenario.reservations["a"], scenario.reservations["b"])
        else:
            floors = (args.floor, args.floor)
        table = _read(options)
        front = Frontier(table, *_frontier(table))
        values = {
            side: {
                (i, o): v for i, o, v in options[["issue", "option", side]].itertuples(index=False)
            }
            for side in ("ours", "theirs")
        }
        prepared.append((scenario, options, swapped, floors, front, values))
    head = f"{'ours':>11} {'theirs':>11} {'agreed':>7} {'distance':>9}"
    print(f"{head} {'Nash product':>12} {'rounds':>6}")
    largest_times: list[float] = []
    for ours in OURS:
        for theirs in THEIRS:
            agreed, distances, products, lengths = 0, [], [], []
            games = 0
            for scenario, options, swapped, floors, front, values in prepared:
                for seed in range(args.seeds):
                    times: list[float] = []
                    deal, length = game(
                        options, swapped, floors, ours, theirs, args.rounds, seed, times
                    )
                    if scenario is largest:
                        largest_times += times
                    games += 1
                    lengths.append(length)
                    if deal is None:
                        continue
                    agreed += 1
                    u = sum(values["ours"][(i, o)] for i, o in deal.items())
                    v = sum(values["theirs"][(i, o)] for i, o in deal.items())
                    distances.append(float(np.hypot(front.ours - u, front.theirs - v).min()))
                    products.append(max(0.0, u - floors[0]) * max(0.0, v - floors[1]))
            mean_distance = statistics.fmean(distances) if distances else float("nan")
            mean_product = statistics.fmean(products) if products else float("nan")
            print(
                f"{ours:>11} {theirs:>11} {agreed / games:>6.0%} {mean_distance:>9.4f} "
                f"{mean_product:>12.4f} {statistics.fmean(lengths):>6.1f}"
            )
    builds = []
    for _ in range(7):
        start = time.perf_counter()
        Counterpart(largest.options(), largest.reservations["b"], style="boulware")
        builds.append(time.perf_counter() - start)
    median, worst = statistics.median(largest_times), max(largest_times)
    verdict = "met" if worst < RESPONSE_TARGET else "MISSED"
    print(
        f"\nAnswer time on the largest scenario ({largest.name}, {largest.outcomes:,} outcomes, "
        f"{len(largest_times)} answers): median {median * 1e3:.3f}ms, max {worst * 1e3:.3f}ms "
        f"(target <{RESPONSE_TARGET * 1e3:g}ms: {verdict}); building the counterpart: median "
        f"{statistics.median(builds) * 1e3:.1f}ms"
    )


if __name__ == "__main__":
    main()
