"""Scenarios: expected values, Monte Carlo, payoff table and team disagreement for our moves.

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

import functools
import hashlib
import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbook.errors import WorkbookError

if TYPE_CHECKING:
    from workbook.model import Scenarios

ATOMS = 4096
"""Equally likely values each range is drawn from (a power of two: 12 random bits each)."""

PERCENTILES = (10, 50, 90)
"""The percentiles of net value that ``simulate`` reports."""

NO_RETALIATION = "No retaliation"
ALL_RETALIATE = "All retaliate"
MAX_REGRET = "Max regret"
MIN_DRAWS, MAX_DRAWS = 100, 10_000_000

QUANTITIES = (
    "gain",
    "cooperation_probability",
    "cooperation_value",
    "retaliation_probability",
    "retaliation_damage",
)
"""Names of the estimated quantities, as in ``Scenarios.to_frame()``."""

_SHAPES = 33  # PERT shapes computed exactly, at likely-value positions 0, 1/32, ..., 1
_SERIES_TERMS = 90  # power series terms of the incomplete beta function (x <= 1/2)
_NEWTON_STEPS = 4
_EVENT_BITS = 20  # event chances resolved to 2**-20; the low 12 bits pick the value
_BUCKETS = 4096  # buckets of the exact percentile selection
_MAX_BUCKET_SCALE = 1e30  # beyond this, buckets would overflow single precision

Triple = tuple[float, float, float]


class ScenarioInputError(WorkbookError, ValueError):
    """The scenarios cannot be analysed as entered; the message says what to change."""


# --- checked inputs ------------------------------------------------------------------------


@dataclass(frozen=True)
class _View:
    """One participant's estimate of one move, checked and reduced to plain numbers."""

    participant: str
    gain: Triple
    cooperation_probability: Triple
    cooperation_value: Triple
    retaliation: dict[int, tuple[Triple, Triple]]  # competitor index -> (probability, damage)


@dataclass(frozen=True)
class _Move:
    id: str
    name: str
    views: list[_View]


@dataclass(frozen=True)
class _Plan:
    moves: list[_Move]
    competitors: list[str]  # labels, unique
    distribution: str
    seed: int
    draws: int


def _labels(names: Sequence[str], ids: Sequence[str]) -> list[str]:
    """Names, with the identifier added to any name that is not unique."""
    counts = Counter(names)
    return [f"{n} ({i})" if counts[n] > 1 else n for n, i in zip(names, ids, strict=True)]


def _triple(value: Any, what: str, kind: str) -> Triple:
    """The (low, likely, high) of a range, refused with a message when the model would be."""
    try:
        low, likely, high = (float(getattr(value, part)) for part in ("low", "likely", "high"))
    except (AttributeError, TypeError, ValueError):
        raise ScenarioInputError(f"{what} must be a range of three numbers") from None
    if not all(math.isfinite(v) for v in (low, likely, high)):
        raise ScenarioInputError(f"{what}: every value must be a finite number")
    if not low <= likely <= high:
        raise ScenarioInputError(
            f"{what}: low ({low:g}) must not be above likely ({likely:g}), "
            f"and likely not above high ({high:g})"
        )
    if kind == "probability" and not (low >= 0 and high <= 1):
        raise ScenarioInputError(
            f"{what}: a probability must lie between 0 and 1 (low {low:g}, high {high:g})"
        )
    if kind == "amount" and low < 0:
        raise ScenarioInputError(f"{what}: an amount cannot be negative (low {low:g})")
    return low, likely, high


def _settings(scenarios: Scenarios, draws: int | None) -> tuple[str, int, int]:
    distribution = scenarios.distribution
    if distribution not in ("pert", "triangular"):
        raise ScenarioInputError(
            f"the distribution must be 'pert' or 'triangular', not {distribution!r}"
        )
    seed = scenarios.seed
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ScenarioInputError(f"the random seed must be a whole number from 0, not {seed!r}")
    count = scenarios.draws if draws is None else draws
    if isinstance(count, bool) or not isinstance(count, int | np.integer):
        raise ScenarioInputError(f"the number of draws must be a whole number, not {count!r}")
    if not MIN_DRAWS <= count <= MAX_DRAWS:
        raise ScenarioInputError(
            f"the number of draws must be between {MIN_DRAWS:,} and {MAX_DRAWS:,}, not {count:,}"
        )
    return distribution, seed, int(count)


def _finished(estimate: Any) -> bool:
    """Whether no range of an estimate still misses its low, likely or high value.

    Anything that is not a range at all is not "unfinished": :func:`_triple` refuses it.
    """
    parts = [estimate.gain, estimate.cooperation_probability, estimate.cooperation_value]
    for ret in estimate.retaliation:
        parts += [ret.probability, ret.damage]
    return not any(
        hasattr(r, p) and getattr(r, p) is None for r in parts for p in ("low", "likely", "high")
    )


@dataclass(frozen=True)
class Coverage:
    """What the analysis uses and what it leaves out until it is estimated.

    ``moves`` has one row per move in plan order: ``move_id``, ``move``, ``finished`` (the
    participants whose estimates are complete and analysed), ``unfinished`` (those whose
    estimates still miss a low, likely or high value) and ``analysed`` (whether the move is
    in the results: it has at least one finished estimate). ``competitors`` names the
    competitors that no finished estimate of an analysed move covers: they are left out.
    """

    moves: pd.DataFrame
    competitors: list[str]

    @property
    def missing(self) -> pd.DataFrame:
        """The moves left out of the results."""
        return self.moves[~self.moves["analysed"]].reset_index(drop=True)


def estimate_coverage(scenarios: Scenarios) -> Coverage:
    """Which moves and competitors the analysis covers, and which wait for estimates.

    >>> from workbook.store import example_plan
    >>> estimate_coverage(example_plan().scenarios).missing.empty
    True
    """
    rows = []
    covered: set[str] = set()
    for move in scenarios.moves:
        done = [e for e in move.estimates if _finished(e)]
        rows.append(
            {
                "move_id": move.id,
                "move": move.name,
                "finished": [e.participant for e in done],
                "unfinished": [e.participant for e in move.estimates if not _finished(e)],
                "analysed": bool(done),
            }
        )
        covered.update(r.competitor_id for e in done for r in e.retaliation)
    columns = ["move_id", "move", "finished", "unfinished", "analysed"]
    competitors = list(scenarios.competitors)
    labels = _labels([c.name for c in competitors], [c.id for c in competitors])
    left_out = [label for c, label in zip(competitors, labels, strict=True) if c.id not in covered]
    return Coverage(pd.DataFrame(rows, columns=columns), left_out)


def _check(scenarios: Scenarios, draws: int | None = None) -> _Plan:
    """Checked plain-number copy of the scenarios, or ScenarioInputError naming the problem.

    Only finished estimates are used; moves without one, and competitors that no used
    estimate covers, are left out (see :func:`estimate_coverage`).
    """
    distribution, seed, count = _settings(scenarios, draws)
    if not scenarios.moves:
        raise ScenarioInputError(
            "there are no moves yet: add at least one candidate move to analyse the scenarios"
        )
    competitors = list(scenarios.competitors)
    labels = _labels([c.name for c in competitors], [c.id for c in competitors])
    index = {c.id: k for k, c in enumerate(competitors)}
    estimated: set[int] = set()
    moves = []
    for move in scenarios.moves:
        views = []
        for est in move.estimates:
            if not _finished(est):
                continue
            who = f"{est.participant}'s estimate for the move “{move.name}”"
            retaliation: dict[int, tuple[Triple, Triple]] = {}
            for ret in est.retaliation:
                k = index.get(ret.competitor_id)
                if k is None:
                    raise ScenarioInputError(
                        f"{who} names a competitor that is not in the list "
                        f"(identifier {ret.competitor_id!r}): pick a listed competitor or add it"
                    )
                if k in retaliation:
                    raise ScenarioInputError(
                        f"{who} estimates the competitor “{labels[k]}” twice: keep one"
                    )
                retaliation[k] = (
                    _triple(
                        ret.probability,
                        f"{who}: the chance that {labels[k]} retaliates",
                        "probability",
                    ),
                    _triple(ret.damage, f"{who}: the damage if {labels[k]} retaliates", "amount"),
                )
            estimated.update(retaliation)
            views.append(
                _View(
                    participant=est.participant,
                    gain=_triple(est.gain, f"{who}: the gain", "money"),
                    cooperation_probability=_triple(
                        est.cooperation_probability,
                        f"{who}: the chance of cooperation",
                        "probability",
                    ),
                    cooperation_value=_triple(
                        est.cooperation_value, f"{who}: the value of cooperation", "amount"
                    ),
                    retaliation=retaliation,
                )
            )
        if views:
            moves.append(_Move(move.id, move.name, views))
    if not moves:
        raise ScenarioInputError(
            "no move has a finished estimate yet: give low, likely and high for every "
            "range of one move to see the results"
        )
    kept = sorted(estimated)
    renumber = {k: i for i, k in enumerate(kept)}
    moves = [
        _Move(
            mv.id,
            mv.name,
            [
                _View(
                    v.participant,
                    v.gain,
                    v.cooperation_probability,
                    v.cooperation_value,
                    {renumber[k]: r for k, r in v.retaliation.items()},
                )
                for v in mv.views
            ],
        )
        for mv in moves
    ]
    return _Plan(moves, [labels[k] for k in kept], distribution, seed, count)


def _mean(r: Triple, distribution: str) -> float:
    """Mean of a range: PERT (low + 4 likely + high) / 6, triangular (low + likely + high) / 3."""
    low, likely, high = r
    if distribution == "pert":
        return (low + 4 * likely + high) / 6
    return (low + likely + high) / 3


def _move_labels(plan: _Plan) -> list[str]:
    return _labels([m.name for m in plan.moves], [m.id for m in plan.moves])


# --- exact expectations ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Expectation:
    gain: np.ndarray  # (moves,)
    cooperation_probability: np.ndarray  # (moves,)
    cooperation: np.ndarray  # (moves,) expected cooperation value, chance included
    retaliation: np.ndarray  # (moves, competitors) expected damage, chance included
    damage_if: np.ndarray  # (moves, competitors) expected damage given that they retaliate


def _expect(plan: _Plan) -> _Expectation:
    d = plan.distribution
    shape = (len(plan.moves), len(plan.competitors))
    gain, coop_p, coop = (np.zeros(shape[0]) for _ in range(3))
    retaliation, damage_if = np.zeros(shape), np.zeros(shape)
    for m, move in enumerate(plan.moves):
        p = [_mean(v.cooperation_probability, d) for v in move.views]
        gain[m] = np.mean([_mean(v.gain, d) for v in move.views])
        coop_p[m] = np.mean(p)
        coop[m] = np.mean(
            [pi * _mean(v.cooperation_value, d) for pi, v in zip(p, move.views, strict=True)]
        )
        for k in range(shape[1]):
            pool = [v.retaliation[k] for v in move.views if k in v.retaliation]
            if not pool:
                continue
            chance = np.array([_mean(r[0], d) for r in pool])
            damage = np.array([_mean(r[1], d) for r in pool])
            retaliation[m, k] = np.mean(chance * damage)
            total = chance.sum()
            damage_if[m, k] = (chance @ damage) / total if total > 0 else damage.mean()
    return _Expectation(gain, coop_p, coop, retaliation, damage_if)


def expected_values(scenarios: Scenarios) -> pd.DataFrame:
    """Exact expected gain, cooperation, retaliation (total and per competitor) and net per move.

    Columns: ``move_id``, ``move``, ``participants``, ``gain``, ``cooperation_probability``
    (the pooled chance that the customer cooperates), ``cooperation`` (expected value of
    cooperation, chance included), ``retaliation`` (expected damage of all competitors),
    ``net`` = gain + cooperation - retaliation, then ``retaliation: <competitor>`` for each.

    >>> from workbook.store import example_plan
    >>> table = expected_values(example_plan().scenarios)
    >>> bool((table.net == table.gain + table.cooperation - table.retaliation).all())
    True
    """
    plan = _check(scenarios)
    e = _expect(plan)
    frame = pd.DataFrame(
        {
            "move_id": [m.id for m in plan.moves],
            "move": [m.name for m in plan.moves],
            "participants": [len(m.views) for m in plan.moves],
            "gain": e.gain,
            "cooperation_probability": e.cooperation_probability,
            "cooperation": e.cooperation,
            "retaliation": e.retaliation.sum(axis=1),
            "net": e.gain + e.cooperation - e.retaliation.sum(axis=1),
        }
    )
    for k, label in enumerate(plan.competitors):
        frame[f"retaliation: {label}"] = e.retaliation[:, k]
    return frame


@dataclass(frozen=True)
class Highlight:
    """A move singled out by an expected figure; ``competitor`` says who weighs most in it."""

    move_id: str
    move: str
    value: float
    competitor: str | None = None


def most_damaging_retaliation(scenarios: Scenarios) -> Highlight | None:
    """The move whose expected retaliation damage, summed over competitors, is the largest.

    Expected damage counts each competitor's chance of retaliating times its damage, pooled
    over the participants as described in the module. ``competitor`` is the competitor with
    the largest share of it. Ties go to the move (and competitor) listed first; ``None``
    when no move is expected to provoke any damage.

    >>> from workbook.store import example_plan
    >>> most_damaging_retaliation(example_plan().scenarios).value > 0
    True
    """
    plan = _check(scenarios)
    damage = _expect(plan).retaliation
    totals = damage.sum(axis=1)
    m = int(np.argmax(totals))
    if not totals[m] > 0:
        return None
    k = int(np.argmax(damage[m]))
    return Highlight(plan.moves[m].id, plan.moves[m].name, float(totals[m]), plan.competitors[k])


def greatest_cooperation(scenarios: Scenarios) -> Highlight | None:
    """The move whose expected cooperation value (chance times value, pooled) is the largest.

    Ties go to the move listed first; ``None`` when no move is expected to earn any.
    """
    plan = _check(scenarios)
    coop = _expect(plan).cooperation
    m = int(np.argmax(coop))
    if not coop[m] > 0:
        return None
    return Highlight(plan.moves[m].id, plan.moves[m].name, float(coop[m]))


# --- payoff table and regret ------------------------------------------------------------------


def payoff_table(scenarios: Scenarios) -> pd.DataFrame:
    """Our expected payoff for each move (rows) against each competitor response (columns).

    Columns: ``"No retaliation"``; ``"<competitor> retaliates"`` for each competitor, in which
    that competitor retaliates and the others do not; and, with two competitors or more,
    ``"All retaliate"``. A cell is the expected gain plus the expected cooperation value minus
    the expected damage, given that they retaliate, of those who do: the mean of the
    participants' expected damages weighted by their chances of retaliation (their plain mean
    if all of them give it no chance). A competitor nobody estimated on a move does no damage
    to it. Rows are indexed by move name (with the identifier added to names that repeat), in
    plan order.

    >>> from workbook.store import example_plan
    >>> payoff_table(example_plan().scenarios).columns[0]
    'No retaliation'
    """
    plan = _check(scenarios)
    e = _expect(plan)
    base = e.gain + e.cooperation
    columns = {NO_RETALIATION: base}
    for k, label in enumerate(plan.competitors):
        columns[f"{label} retaliates"] = base - e.damage_if[:, k]
    if len(plan.competitors) > 1:
        columns[ALL_RETALIATE] = base - e.damage_if.sum(axis=1)
    return pd.DataFrame(columns, index=pd.Index(_move_labels(plan), name="move"))


def _check_table(table: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ScenarioInputError("the payoff table needs at least one move and one response")
    try:
        values = table.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ScenarioInputError("every cell of the payoff table must be a number") from None
    if not np.isfinite(values).all():
        raise ScenarioInputError("every cell of the payoff table must be a finite number")
    if table.index.has_duplicates or table.columns.has_duplicates:
        raise ScenarioInputError("the payoff table's moves and responses must be unique")
    return pd.DataFrame(values, index=table.index, columns=table.columns)


def best_responses(table: pd.DataFrame) -> pd.DataFrame:
    """The best move against each response of a payoff table, with its payoff.

    One row per response (the table's columns), columns ``best_move`` and ``payoff``. Ties go
    to the move listed first.

    >>> from workbook.store import example_plan
    >>> best_responses(payoff_table(example_plan().scenarios)).columns.tolist()
    ['best_move', 'payoff']
    """
    values = _check_table(table)
    frame = pd.DataFrame({"best_move": values.idxmax(axis=0), "payoff": values.max(axis=0)})
    frame.index.name = "response"
    return frame


@dataclass(frozen=True)
class LeastRegret:
    """The move of least regret: its largest regret over all responses is the smallest.

    ``regret`` holds, for each move and response, the best payoff against that response
    minus this move's payoff, and the column ``"Max regret"``, the largest over responses.
    """

    move: Hashable
    max_regret: float
    regret: pd.DataFrame


def least_regret(table: pd.DataFrame) -> LeastRegret:
    """The minimax-regret move of a payoff table, with the regret table; ties: first listed.

    >>> from workbook.store import example_plan
    >>> least_regret(payoff_table(example_plan().scenarios)).max_regret >= 0
    True
    """
    values = _check_table(table)
    regret = values.max(axis=0) - values
    worst = regret.max(axis=1)
    move = worst.idxmin()
    regret[MAX_REGRET] = worst
    return LeastRegret(move=move, max_regret=float(worst[move]), regret=regret)


# --- disagreement ------------------------------------------------------------------------------


def disagreement(scenarios: Scenarios) -> pd.DataFrame:
    """Where the participants disagree most: one row per estimate given by two or more.

    A row is a (move, quantity, competitor) that at least two participants estimated
    (``competitor`` is empty except for retaliation). ``likely`` maps each participant to
    their likely value. ``lowest`` and ``highest`` name the participants whose range means
    are the lowest and the highest (the first listed on ties), ``lowest_mean`` and
    ``highest_mean`` give them. ``spread`` = (highest mean - lowest mean) / (highest high -
    lowest low over all their ranges): 0 when every mean is the same, near 1 when narrow
    ranges sit far apart; unit-free, so chances and amounts compare; 0 when all the ranges are
    one single value. Rows come widest spread first ("discuss these first"), then in plan order.

    >>> from workbook.store import example_plan
    >>> disagreement(example_plan().scenarios).spread.is_monotonic_decreasing
    True
    """
    plan = _check(scenarios)
    rows = []
    for move in plan.moves:
        groups: list[tuple[str, str, list[tuple[str, Triple]]]] = [
            (q, "", [(v.participant, getattr(v, q)) for v in move.views]) for q in QUANTITIES[:3]
        ]
        for k, label in enumerate(plan.competitors):
            pool = [(v.participant, v.retaliation[k]) for v in move.views if k in v.retaliation]
            groups.append(("retaliation_probability", label, [(p, r[0]) for p, r in pool]))
            groups.append(("retaliation_damage", label, [(p, r[1]) for p, r in pool]))
        for quantity, competitor, entries in groups:
            if len(entries) < 2:
                continue
            means = [_mean(r, plan.distribution) for _, r in entries]
            lo, hi = int(np.argmin(means)), int(np.argmax(means))
            width = max(r[2] for _, r in entries) - min(r[0] for _, r in entries)
            rows.append(
                {
                    "move_id": move.id,
                    "move": move.name,
                    "quantity": quantity,
                    "competitor": competitor,
                    "participants": len(entries),
                    "likely": {p: r[1] for p, r in entries},
                    "lowest": entries[lo][0],
                    "lowest_mean": means[lo],
                    "highest": entries[hi][0],
                    "highest_mean": means[hi],
                    "spread": min(1.0, (means[hi] - means[lo]) / width) if width > 0 else 0.0,
                }
            )
    columns = [
        "move_id", "move", "quantity", "competitor", "participants", "likely",
        "lowest", "lowest_mean", "highest", "highest_mean", "spread",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("spread", ascending=False, kind="stable", ignore_index=True)


# --- sampling tables ------------------------------------------------------------------------


def _betainc(a: np.ndarray, b: np.ndarray, log_beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Regularized incomplete beta I_x(a, b) for a, b >= 1 and 0 < x < 1 (series and symmetry)."""
    x = np.broadcast_to(x, np.broadcast_shapes(a.shape, x.shape))
    flip = x > 0.5
    y = np.where(flip, 1.0 - x, x)
    p, q = np.where(flip, b, a), np.where(flip, a, b)
    term, total = np.ones_like(y), np.ones_like(y)
    for n in range(_SERIES_TERMS):
        term *= (p + q + n) / (p + 1 + n) * y
        total += term
    front = np.exp(p * np.log(y) + q * np.log1p(-y) - np.log(p) - log_beta)
    value = front * total
    return np.where(flip, 1.0 - value, value)


def _log_beta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda s, t: math.lgamma(s) + math.lgamma(t) - math.lgamma(s + t))(a, b)


@functools.cache
def _pert_shapes() -> np.ndarray:
    """Slice means of the standard PERT on [0, 1] for likely values at 0, 1/32, ..., 1.

    Quantiles by Newton's method on the incomplete beta function from interpolated starts;
    slice means from the partial first moment, mean * I_x(a + 1, b). Shapes past 1/2 are
    mirror images of those before it.
    """
    half = _SHAPES // 2 + 1
    t = (np.arange(half) / (_SHAPES - 1))[:, None]
    a, b = 1 + 4 * t, 5 - 4 * t
    log_beta = _log_beta(a, b)
    u = np.arange(1, ATOMS) / ATOMS
    grid = np.arange(1, 512) / 512
    cdf = _betainc(a, b, log_beta, grid)
    x = np.array([np.interp(u, np.r_[0.0, row, 1.0], np.r_[0.0, grid, 1.0]) for row in cdf])
    for _ in range(_NEWTON_STEPS):
        density = np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - log_beta)
        x = np.clip(x - (_betainc(a, b, log_beta, x) - u) / density, 1e-9, 1 - 1e-9)
    mean = a / (a + b)
    moment = mean * _betainc(a + 1, b, _log_beta(a + 1, b), x)
    rows = ATOMS * np.diff(np.hstack([np.zeros_like(mean), moment, mean]), axis=1)
    shapes = np.vstack([rows, 1.0 - rows[-2::-1, ::-1]])
    shapes.flags.writeable = False
    return shapes


def _cubic(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first of the four PERT shapes around each t, and their cubic (Lagrange) weights."""
    position = t * (_SHAPES - 1)
    start = np.clip(np.floor(position).astype(np.intp) - 1, 0, _SHAPES - 4)
    x = position - start
    weights = np.stack(
        [
            -(x - 1) * (x - 2) * (x - 3) / 6,
            x * (x - 2) * (x - 3) / 2,
            -x * (x - 1) * (x - 3) / 2,
            x * (x - 1) * (x - 2) / 6,
        ],
        axis=1,
    )
    return start, weights


@functools.cache
def _pert_basis() -> np.ndarray:
    """The PERT shapes in single precision."""
    basis = _pert_shapes().astype(np.float32)
    basis.flags.writeable = False
    return basis


_U = np.arange(ATOMS + 1) / ATOMS
_RISE = (ATOMS * np.diff(_U**1.5) * 2 / 3).astype(np.float32)
_FALL = (ATOMS * np.diff((1 - _U) ** 1.5) * 2 / 3).astype(np.float32)


def _triangular_integral(t: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Integral from 0 to u of the standard triangular's quantile function (mode t)."""
    rise = (2 / 3) * np.sqrt(t) * u**1.5
    fall = u - t + (2 / 3) * (t**2 - (1 - t) ** 2 + np.sqrt(1 - t) * (1 - u) ** 1.5)
    return np.where(u <= t, rise, fall)


def _triangular_atoms(t: np.ndarray) -> np.ndarray:
    """Slice means of the standard triangular with mode t (single precision)."""
    mode = np.minimum((t * ATOMS).astype(np.intp), ATOMS - 1)  # the slice holding the mode
    atoms = np.where(
        np.arange(ATOMS) < mode[:, None],
        np.sqrt(t).astype(np.float32)[:, None] * _RISE,
        np.sqrt(1 - t).astype(np.float32)[:, None] * _FALL + np.float32(1),
    )
    ends = _triangular_integral(t, _U[mode + 1]) - _triangular_integral(t, _U[mode])
    atoms[np.arange(t.size), mode] = ATOMS * ends
    return atoms


def _pert_atoms(t: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Slice means of the standard PERT with likely value at t, times scale (single precision)."""
    start, weights = _cubic(t)
    factors = (weights * scale[:, None]).astype(np.float32)
    shapes = _pert_basis()
    atoms = shapes[start] * factors[:, :1]
    for k in range(1, 4):
        atoms += shapes[start + k] * factors[:, k : k + 1]
    return atoms


def _tables(ranges: np.ndarray, signs: np.ndarray, distribution: str) -> np.ndarray:
    """Slice means of each (low, likely, high) row times its sign, single precision."""
    low, likely, high = ranges.T
    width = high - low
    t = np.divide(likely - low, width, out=np.zeros_like(width), where=width > 0).clip(0, 1)
    if distribution == "pert":
        tables = _pert_atoms(t, signs * width)
    else:
        tables = _triangular_atoms(t)
        tables *= (signs * width).astype(np.float32)[:, None]
    tables += (signs * low).astype(np.float32)[:, None]
    return tables


def _mixture_atoms(tables: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Slice means of a weighted mixture of equally likely atoms (one table per row)."""
    values = tables.astype(float).ravel()
    mass = np.repeat(weights / weights.sum() / ATOMS, ATOMS)
    order = np.argsort(values, kind="stable")
    cum_mass = np.r_[0.0, np.cumsum(mass[order])]
    cum_value = np.r_[0.0, np.cumsum(mass[order] * values[order])]
    cum_mass[-1] = 1.0
    return (ATOMS * np.diff(np.interp(_U, cum_mass, cum_value))).astype(np.float32)


@dataclass(frozen=True)
class _Term:
    """One signed part of the net value in one participant's draws."""

    threshold: int | None  # the event happens if the 32-bit word is below; None: always
    table: np.ndarray  # float32 (ATOMS,)


def _threshold(probability: float) -> int | None:
    """Event threshold for a 32-bit word: 0 never, None always."""
    steps = round(probability * 2**_EVENT_BITS)
    return None if steps >= 2**_EVENT_BITS else steps << (32 - _EVENT_BITS)


def _terms(move: _Move, distribution: str) -> list[list[_Term]]:
    """For each participant of a move, the terms of the net value to draw."""
    entries: list[tuple[Triple, float, float]] = []  # (range, sign, chance) of each table
    own: list[list[int]] = []  # each participant's entries
    pools: dict[int, list[int]] = {}  # each competitor's entries, from those who estimated it
    for v in move.views:
        rows = [len(entries), len(entries) + 1]
        cooperation = _mean(v.cooperation_probability, distribution)
        entries += [(v.gain, 1.0, 1.0), (v.cooperation_value, 1.0, cooperation)]
        for k, (probability, damage) in v.retaliation.items():
            rows.append(len(entries))
            pools.setdefault(k, []).append(len(entries))
            entries.append((damage, -1.0, _mean(probability, distribution)))
        own.append(rows)
    ranges = np.array([r for r, _, _ in entries])
    chances = np.array([c for _, _, c in entries])
    tables = _tables(ranges, np.array([s for _, s, _ in entries]), distribution)
    used = ranges.any(axis=1).tolist()  # an all-zero range adds nothing
    parts = [[(chances[i], tables[i]) for i in rows if used[i]] for rows in own]
    for k, pool in pools.items():
        weights = chances[pool]
        missing = [j for j, v in enumerate(move.views) if k not in v.retaliation]
        if missing and weights.any():
            mixed = _mixture_atoms(tables[pool][weights > 0], weights[weights > 0])
            for j in missing:
                parts[j].append((weights.mean(), mixed))
    terms = [[_Term(_threshold(c), t) for c, t in part] for part in parts]
    return [[t for t in part if t.threshold != 0] for part in terms]


# --- Monte Carlo ----------------------------------------------------------------------------


def _stream(seed: int, move_id: str) -> np.random.Generator:
    """The random stream of one move: the plan's seed and the move's identifier."""
    key = int.from_bytes(hashlib.blake2b(move_id.encode(), digest_size=8).digest(), "big")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


class _Scratch:
    """Working arrays for draws of one size, reused from move to move."""

    def __init__(self, size: int) -> None:
        self.index = np.empty(size, np.intp)
        self.value = np.empty(size, np.float32)
        self.event = np.empty(size, bool)
        self.bucket = np.empty(size, np.int32)


def _draw(terms: list[list[_Term]], rng: np.random.Generator, out: np.ndarray, s: _Scratch) -> None:
    """Fill ``out`` (float32) with draws of one move's net value."""
    counts = rng.multinomial(out.size, [1 / len(terms)] * len(terms))
    out[:] = 0
    index, value, event = s.index, s.value, s.event
    start = 0
    for part, n in zip(terms, counts, strict=True):
        segment = out[start : start + n]
        start += n
        if not (part and n):
            continue
        words = rng.bit_generator.random_raw((len(part) * n + 1) // 2).view(np.uint32)
        for i, term in enumerate(part):
            word = words[i * n : (i + 1) * n]
            np.bitwise_and(word, ATOMS - 1, out=index[:n], casting="unsafe")
            np.take(term.table, index[:n], out=value[:n], mode="wrap")
            if term.threshold is not None:
                np.less(word, term.threshold, out=event[:n])
                np.multiply(value[:n], event[:n], out=value[:n])
            segment += value[:n]


def _percentiles(x: np.ndarray, percents: Sequence[float], s: _Scratch) -> list[float]:
    """``np.percentile(x, percents)`` (linear method): bucket the values, partition few buckets."""
    n = x.size
    positions = [p / 100 * (n - 1) for p in percents]
    low, high = x.min(), x.max()
    if not high > low:
        return [float(low)] * len(positions)
    scale = _BUCKETS / (float(high) - float(low))
    if scale > _MAX_BUCKET_SCALE:  # too narrow a spread for single-precision buckets
        return np.percentile(x.astype(float), percents).tolist()
    scaled, bucket, member = s.value[:n], s.bucket[:n], s.event[:n]
    np.subtract(x, low, out=scaled)
    scaled *= np.float32(scale)
    np.copyto(bucket, scaled, casting="unsafe")  # 0 .. _BUCKETS, in the order of the values
    ends = np.cumsum(np.bincount(bucket, minlength=_BUCKETS + 1))
    ranks = sorted({min(math.floor(p) + d, n - 1) for p in positions for d in (0, 1)})
    found: dict[int, float] = {}
    for b in np.unique(np.searchsorted(ends, ranks, side="right")).tolist():
        first = int(ends[b - 1]) if b else 0
        local = [r - first for r in ranks if first <= r < ends[b]]
        members = np.partition(x[np.equal(bucket, b, out=member)], local)
        found.update(zip([first + i for i in local], members[local].tolist(), strict=True))
    values = []
    for p in positions:
        i = math.floor(p)
        lower, upper = found[i], found[min(i + 1, n - 1)]
        values.append(lower + (p - i) * (upper - lower))
    return values


def _summary(x: np.ndarray, s: _Scratch) -> dict[str, float]:
    n = x.size
    mean = float(np.add.reduce(x, dtype=np.float64)) / n
    deviation = np.subtract(x, np.float32(mean), out=s.value[:n])
    deviation *= deviation
    variance = float(np.add.reduce(deviation, dtype=np.float64)) / (n - 1)
    p10, p50, p90 = _percentiles(x, PERCENTILES, s)
    return {
        "mean": mean,
        "std_error": math.sqrt(variance / n),
        "p10": p10,
        "p50": p50,
        "p90": p90,
        "prob_loss": np.count_nonzero(np.less(x, 0, out=s.event[:n])) / n,
    }


def simulate(scenarios: Scenarios, draws: int | None = None) -> pd.DataFrame:
    """Monte Carlo distribution of each move's net value: mean, P10/P50/P90, chance of a loss.

    ``draws`` per move default to ``scenarios.draws``. Columns: ``move_id``, ``move``,
    ``mean`` (of the draws) and its ``std_error``, ``p10``, ``p50``, ``p90`` (percentiles of
    the draws, linear interpolation), ``prob_loss`` (share of draws with net value below
    zero), and the exact ``expected_gain``, ``expected_cooperation``,
    ``expected_retaliation`` and ``expected_net`` of ``expected_values``: ``mean`` stays
    within a few ``std_error`` of ``expected_net``.

    >>> from workbook.store import example_plan
    >>> table = simulate(example_plan().scenarios, draws=10_000)
    >>> bool(((table.p10 <= table.p50) & (table.p50 <= table.p90)).all())
    True
    """
    plan = _check(scenarios, draws)
    e = _expect(plan)
    out, scratch = np.empty(plan.draws, np.float32), _Scratch(plan.draws)
    rows = []
    for move in plan.moves:
        _draw(_terms(move, plan.distribution), _stream(plan.seed, move.id), out, scratch)
        rows.append({"move_id": move.id, "move": move.name, **_summary(out, scratch)})
    frame = pd.DataFrame(rows)
    retaliation = e.retaliation.sum(axis=1)
    frame["expected_gain"] = e.gain
    frame["expected_cooperation"] = e.cooperation
    frame["expected_retaliation"] = retaliation
    frame["expected_net"] = e.gain + e.cooperation - retaliation
    return frame


def net_draws(scenarios: Scenarios, draws: int | None = None) -> pd.DataFrame:
    """The draws behind ``simulate``: one float32 column of net values per move (by name).

    >>> from workbook.store import example_plan
    >>> len(net_draws(example_plan().scenarios, draws=1_000))
    1000
    """
    plan = _check(scenarios, draws)
    values, scratch = np.empty((len(plan.moves), plan.draws), np.float32), _Scratch(plan.draws)
    for move, out in zip(plan.moves, values, strict=True):
        _draw(_terms(move, plan.distribution), _stream(plan.seed, move.id), out, scratch)
    return pd.DataFrame(values.T, columns=pd.Index(_move_labels(plan), name="move"))
