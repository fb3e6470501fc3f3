"""The Monte Carlo simulation of net value per move, one random stream per move."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from workbook.analysis.scenarios.expectations import _expect
from workbook.analysis.scenarios.inputs import (
    _BUCKETS,
    _MAX_BUCKET_SCALE,
    ATOMS,
    PERCENTILES,
    _check,
    _move_labels,
)
from workbook.analysis.scenarios.sampling import _Term, _terms

if TYPE_CHECKING:
    import pandas as pd

    from workbook.model import Scenarios


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
        t, step = p - i, upper - lower  # numpy's interpolation: from the nearer end
        values.append(lower + t * step if t < 0.5 else upper - (1 - t) * step)
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


class MoveFigures(NamedTuple):
    """One move's simulated net value and exact expectations (a row of :func:`simulate`)."""

    move_id: str
    move: str
    mean: float
    std_error: float
    p10: float
    p50: float
    p90: float
    prob_loss: float
    expected_gain: float
    expected_cooperation: float
    expected_retaliation: float
    expected_net: float


def simulation(scenarios: Scenarios, draws: int | None = None) -> list[MoveFigures]:
    """:func:`simulate` as plain rows, one per analysed move in plan order."""
    plan = _check(scenarios, draws)
    e = _expect(plan)
    out, scratch = np.empty(plan.draws, np.float32), _Scratch(plan.draws)
    retaliation = e.retaliation.sum(axis=1)
    net = e.gain + e.cooperation - retaliation
    rows = []
    for m, move in enumerate(plan.moves):
        _draw(_terms(move, plan.distribution), _stream(plan.seed, move.id), out, scratch)
        figures = _summary(out, scratch)
        expected = (e.gain[m], e.cooperation[m], retaliation[m], net[m])
        rows.append(MoveFigures(move.id, move.name, *figures.values(), *map(float, expected)))
    return rows


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
    from workbook.frames import records_frame

    return records_frame(simulation(scenarios, draws), MoveFigures._fields)


def net_draws(scenarios: Scenarios, draws: int | None = None) -> pd.DataFrame:
    """The draws behind ``simulate``: one float32 column of net values per move (by name).

    >>> from workbook.store import example_plan
    >>> len(net_draws(example_plan().scenarios, draws=1_000))
    1000
    """
    import pandas as pd

    plan = _check(scenarios, draws)
    values, scratch = np.empty((len(plan.moves), plan.draws), np.float32), _Scratch(plan.draws)
    for move, out in zip(plan.moves, values, strict=True):
        _draw(_terms(move, plan.distribution), _stream(plan.seed, move.id), out, scratch)
    return pd.DataFrame(values.T, columns=pd.Index(_move_labels(plan), name="move"))
