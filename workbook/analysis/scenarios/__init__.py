"""Scenarios: expected values, Monte Carlo, payoff table and team disagreement for our moves.

One module per step: ``inputs`` (the checked inputs and their coverage), ``expectations``
(exact expectations, payoff table, least regret, disagreement), ``sampling`` (the tables
every range is drawn from) and ``montecarlo`` (the simulation).

Every move carries one estimate per participant. An estimate gives three-point ranges (low,
likely, high) for our direct gain, the customer's chance of cooperating and the value of that
cooperation, and, per competitor, the chance that it retaliates and the damage if it does.

**Ranges.** ``Scenarios.distribution`` reads a range either as PERT, a Beta distribution on
[low, high] with shapes ``1 + 4 (likely - low) / (high - low)`` and
``1 + 4 (high - likely) / (high - low)`` and mean ``(low + 4 likely + high) / 6``, or as
triangular, with mean ``(low + likely + high) / 3``. A range with low == high is that value.

**The team's view (linear opinion pool).** Participants count equally. Each draw of a move
takes all its quantities from one participant chosen at random, so disagreement widens the
distribution instead of averaging away. A participant who gave no retaliation estimate for a
competitor on a move has *no view* on it, which is not the same as expecting no damage: that
competitor's pool on that move is the participants who did estimate it, with equal weights,
and a draw whose participant has no view takes that competitor's retaliation from one of them
chosen at random. A competitor that nobody estimated on a move is taken not to retaliate
against that move.

**Net value.** Cooperation and each competitor's retaliation are yes/no events, independent
of each other and, within one estimate, of the values. Drawing a probability from its range
and then the event with it gives the event the range's mean as its chance, so that is used
directly. Net value = gain + cooperation value if the customer cooperates - the damage of
every competitor that retaliates. ``expected_values`` gives its exact expectation per move.

**Monte Carlo** (``simulate``, ``net_draws``). Each range is drawn as one of ``ATOMS``
equally likely values, the means of its ``ATOMS`` equal-probability slices, so a drawn
value's expectation is exactly the range's mean and its distribution function is never off
by more than one slice (1/4096). PERT slices come from 33 exactly computed shapes (incomplete
beta function) interpolated cubically in the position of the likely value (error under
2e-6 of the range width); triangular slices are exact. Event chances are resolved to
1/2**20. Each move has its own random stream, derived from ``Scenarios.seed`` and the move's
identifier, so adding, removing or reordering moves leaves the other moves' figures as they
were, and the same inputs and seed always give the same figures. The participants' shares of
the draws are multinomial; the order of the draws carries no meaning. Draws are single
precision (about seven significant digits), far finer than the Monte Carlo error.

**What is analysed.** Only *finished* estimates count: an estimate with a range that still
misses its low, likely or high value is left out, never read as zeros. A move without a
finished estimate is left out of the results, and a competitor that no finished estimate
covers is left out of them too; :func:`estimate_coverage` lists both, for the page to say so.

**Plain results.** ``expectations``, ``simulation``, ``payoffs`` and ``disagreements``
give the results as NamedTuples and lists, which the app draws from; ``expected_values``,
``simulate``, ``payoff_table`` and ``disagreement`` build their DataFrames from the same
rows, importing pandas only when they are called.

**Inputs refused** with ``ScenarioInputError``: no moves, no move with a finished estimate,
a retaliation estimate naming a competitor that is not in the list, and ranges that the
model would refuse (out of order, probabilities outside 0..1, negative amounts, non-finite
numbers), should a plan be built unvalidated.

>>> from workbook.store import example_plan
>>> scenarios = example_plan().scenarios
>>> figures = simulate(scenarios, draws=10_000)
>>> figures.columns[:8].tolist()
['move_id', 'move', 'mean', 'std_error', 'p10', 'p50', 'p90', 'prob_loss']
>>> least_regret(payoff_table(scenarios)).move in set(figures.move)
True
"""

from __future__ import annotations

from workbook.analysis.scenarios.expectations import (
    Disagreement,
    Highlight,
    LeastRegret,
    MoveExpectation,
    Payoffs,
    best_responses,
    disagreement,
    disagreements,
    expectations,
    expected_values,
    greatest_cooperation,
    least_regret,
    most_damaging_retaliation,
    payoff_table,
    payoffs,
)
from workbook.analysis.scenarios.inputs import (
    ALL_RETALIATE,
    ATOMS,
    MAX_REGRET,
    NO_RETALIATION,
    PERCENTILES,
    QUANTITIES,
    Coverage,
    MoveCoverage,
    ScenarioInputError,
    Triple,
    estimate_coverage,
)
from workbook.analysis.scenarios.montecarlo import MoveFigures, net_draws, simulate, simulation

__all__ = [
    "ALL_RETALIATE",
    "ATOMS",
    "MAX_REGRET",
    "NO_RETALIATION",
    "PERCENTILES",
    "QUANTITIES",
    "Coverage",
    "Disagreement",
    "Highlight",
    "LeastRegret",
    "MoveCoverage",
    "MoveExpectation",
    "MoveFigures",
    "Payoffs",
    "ScenarioInputError",
    "Triple",
    "best_responses",
    "disagreement",
    "disagreements",
    "estimate_coverage",
    "expectations",
    "expected_values",
    "greatest_cooperation",
    "least_regret",
    "most_damaging_retaliation",
    "net_draws",
    "payoff_table",
    "payoffs",
    "simulate",
    "simulation",
]
