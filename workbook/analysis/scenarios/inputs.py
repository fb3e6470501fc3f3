"""The scenarios' inputs checked and read once: moves, estimates, settings, coverage."""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from workbook.errors import WorkbookError

if TYPE_CHECKING:
    import pandas as pd

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


class MoveCoverage(NamedTuple):
    """One move's estimates: who finished theirs, who has not, and whether it is analysed."""

    move_id: str
    move: str
    finished: list[str]
    unfinished: list[str]
    analysed: bool


@dataclass(frozen=True)
class Coverage:
    """What the analysis uses and what it leaves out until it is estimated.

    ``rows`` (and the DataFrame ``moves``) has one row per move in plan order: ``move_id``,
    ``move``, ``finished`` (the participants whose estimates are complete and analysed),
    ``unfinished`` (those whose estimates still miss a low, likely or high value) and
    ``analysed`` (whether the move is in the results: it has at least one finished estimate).
    ``competitors`` names the competitors that no finished estimate of an analysed move
    covers: they are left out.
    """

    rows: list[MoveCoverage]
    competitors: list[str]

    @property
    def left_out(self) -> list[MoveCoverage]:
        """The moves left out of the results."""
        return [row for row in self.rows if not row.analysed]

    @property
    def moves(self) -> pd.DataFrame:
        """``rows`` as a DataFrame."""
        from workbook.frames import records_frame

        return records_frame(self.rows, MoveCoverage._fields)

    @property
    def missing(self) -> pd.DataFrame:
        """The moves left out of the results, as a DataFrame."""
        moves = self.moves
        return moves[~moves["analysed"]].reset_index(drop=True)


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
            MoveCoverage(
                move.id,
                move.name,
                [e.participant for e in done],
                [e.participant for e in move.estimates if not _finished(e)],
                bool(done),
            )
        )
        covered.update(r.competitor_id for e in done for r in e.retaliation)
    competitors = list(scenarios.competitors)
    labels = _labels([c.name for c in competitors], [c.id for c in competitors])
    left_out = [label for c, label in zip(competitors, labels, strict=True) if c.id not in covered]
    return Coverage(rows, left_out)


_last_checked: tuple[tuple[str, int | None], _Plan] | None = None
"""The last scenarios checked, by their JSON: the results panel runs six analyses of the
same scenarios, and checking 200 moves takes a tenth of the time it takes to dump them."""


def _check(scenarios: Scenarios, draws: int | None = None) -> _Plan:
    """Checked plain-number copy of the scenarios, or ScenarioInputError naming the problem.

    Only finished estimates are used; moves without one, and competitors that no used
    estimate covers, are left out (see :func:`estimate_coverage`). The copy is frozen
    and shared by the calls that check the same scenarios one after the other.
    """
    global _last_checked
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a hand-built model may not serialise cleanly
            key = (scenarios.model_dump_json(), draws)
    except Exception:  # then it is checked without the shortcut
        return _checked(scenarios, draws)
    if _last_checked is None or _last_checked[0] != key:
        _last_checked = (key, _checked(scenarios, draws))
    return _last_checked[1]


def _checked(scenarios: Scenarios, draws: int | None = None) -> _Plan:
    """:func:`_check` without the shortcut."""
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
