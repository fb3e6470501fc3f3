"""The app's side of a rehearsal on the worked example, timed.

Run from the repository: ``.venv/bin/python benchmarks/rehearse_plan.py``. The app keeps a
rehearsal in the plan and replays it from its first round at each offer, so the time of one
offer grows with the rounds played. It prints the median time (over ``--runs``) of an offer
at the last of ``--rounds`` rounds (the replay and their answer), of the debrief of those
rounds, and of the improvements of the offer on the table.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from workbook.analysis import rehearse
from workbook.model.concessions import MAX_REHEARSAL_ROUNDS
from workbook.store import example_plan


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=MAX_REHEARSAL_ROUNDS)
    parser.add_argument("--runs", type=int, default=7, help="runs per timing (median)")
    args = parser.parse_args()
    plan = example_plan()
    planner = plan.concessions
    # tit-for-tat, offers moving the term back and forth: the rehearsal lasts every round
    record = rehearse.start_rehearsal(planner, "tit_for_tat", args.rounds, 1)
    offers = [dict(planner.current_offer, **{"va-term": t}) for t in ("op-t1", "op-t3", "op-t5")]
    while len(record.played) < args.rounds - 1:
        record = rehearse.play_round(planner, record, offers[len(record.played) % 3])
    rehearsal = record
    last = len(rehearsal.played) + 1
    offer = median_ms(lambda: rehearse.play_round(planner, rehearsal, offers[0]), args.runs)
    debrief = median_ms(lambda: rehearse.debrief(plan, rehearsal), args.runs)
    better = median_ms(lambda: rehearse.offer_improvements(planner), args.runs)
    variables = len(rehearse.agenda(planner))
    print(f"Worked example, {variables} variables on the agenda, median of {args.runs} runs:")
    print(f"  an offer at round {last} of {args.rounds} (replay and answer): {offer:.1f} ms")
    print(f"  the debrief of {len(rehearsal.played)} rounds: {debrief:.1f} ms")
    print(f"  the improvements of the offer on the table (five listed): {better:.1f} ms")


if __name__ == "__main__":
    main()
