"""Packages: the exact Pareto frontier, the Nash package and the best package above a floor.

A package takes exactly one option per issue; each side scores it by the sum of its options'
values. The frontier is built one issue at a time (the Minkowski sum of the partial frontier
with the next issue's options, dominated partial packages dropped), so it stays exact where
listing every package is hopeless.

Scores are compared exactly, on a decimal grid: each side's option values are rounded to a
multiple of a power of ten ``q`` chosen so that the largest possible total (the sum over
issues of the largest absolute value) keeps ``SIGNIFICANT_DIGITS`` (12) significant digits
(``bound / q`` is about ``10**11`` to ``10**12``). Sums are then exact integers, so the
order of addition cannot create or hide a tie: ``0.1 + 0.2`` and ``0.3`` score the same.
Reported scores are the sums of the rounded values; reservations and floors are rounded to
the same grid.

Ties: packages with the same two scores appear once, as the package that comes first when
packages are listed like ``itertools.product`` over the issues (in order of first appearance)
and their options (in table order), i.e. with the earliest options in the earliest issues.

>>> table = options_from_issues({
...     "price": {"list": (10, 0), "discount": (6, 5)},
...     "payment": {"30 days": (3, 0), "60 days": (0, 1)},
... })
>>> pareto_frontier(table)
   ours  theirs     price  payment
0  13.0     0.0      list  30 days
1  10.0     1.0      list  60 days
2   9.0     5.0  discount  30 days
3   6.0     6.0  discount  60 days
>>> nash_package(table)["price"], best_package(table, their_floor=1)["price"]
('discount', 'list')
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from workbook.errors import WorkbookError

if TYPE_CHECKING:
    import pandas as pd

    from workbook.model import ConcessionPlanner

COLUMNS = ("issue", "option", "ours", "theirs")
SIDES = ("ours", "theirs")
SIGNIFICANT_DIGITS = 12
_EXACT_POWERS = 22  # 10.0**k is an exact float for 0 <= k <= 22
_INT_LIMIT = 2**62  # beyond any grid total (< 10**13), still inside int64


class PackageInputError(WorkbookError, ValueError):
    """The options table (or a reservation) cannot be scored; the message says why."""


@dataclass(frozen=True)
class _Table:
    """A validated options table: labels in order and values on each side's grid."""

    issues: list[Hashable]
    labels: list[list[Hashable]]
    values: dict[str, list[np.ndarray]]  # side -> per issue, int64 grid values
    exponents: dict[str, int]  # side -> e, the grid step being 10**-e


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _missing(value: object) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    pandas = sys.modules.get("pandas")  # pandas' NA exists only once pandas is loaded
    return pandas is not None and value is pandas.NA


def _finite(value: object) -> float | None:
    """The value as a finite float, or None when it is not a finite number."""
    if not _is_number(value):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _to_grid(value: float, exponent: int) -> int:
    """``value * 10**exponent`` rounded half to even, computed exactly."""
    scaled = Decimal(value).scaleb(exponent).to_integral_value(ROUND_HALF_EVEN)
    return int(scaled)


def _from_grid(grid: np.ndarray, exponent: int) -> np.ndarray:
    """The floats nearest to ``grid * 10**-exponent``."""
    if 0 <= exponent <= _EXACT_POWERS:
        return grid / 10.0**exponent
    if -_EXACT_POWERS <= exponent < 0:
        return grid * 10.0**-exponent
    return np.array([float(Decimal(int(k)).scaleb(-exponent)) for k in grid], dtype=float)


def _exponent(bound: float) -> int:
    """The grid exponent that gives ``bound`` ``SIGNIFICANT_DIGITS`` digits."""
    if bound == 0:
        return 0
    return SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(bound))


class OptionRow(NamedTuple):
    """One option of one issue with its value to each side (a row of an options table)."""

    issue: Hashable
    option: Hashable
    ours: float
    theirs: float


def _read(options: pd.DataFrame) -> _Table:
    """Validate an options table and put its values on each side's grid."""
    import pandas as pd

    if not isinstance(options, pd.DataFrame):
        raise PackageInputError(
            f"the options must be a table (DataFrame), not {type(options).__name__}"
        )
    missing = [c for c in COLUMNS if c not in options.columns]
    if missing:
        raise PackageInputError(
            "the options table has no column " + ", ".join(repr(c) for c in missing)
        )
    twice = [c for c in COLUMNS if list(options.columns).count(c) > 1]
    if twice:
        raise PackageInputError(f"the options table has two columns named {twice[0]!r}")
    if options.empty:
        raise PackageInputError("the options table is empty: there is no package to score")
    return _read_rows(list(zip(*(options[c].tolist() for c in COLUMNS), strict=True)))


def _read_rows(rows: Sequence[Sequence[object]]) -> _Table:
    """Validate (issue, option, ours, theirs) rows and put their values on each side's grid."""
    if not rows:
        raise PackageInputError("the options table is empty: there is no package to score")
    issues: list[Hashable] = []
    labels: dict[Hashable, list[Hashable]] = {}
    raw: dict[str, dict[Hashable, list[float]]] = {side: {} for side in SIDES}
    for row, (issue, option, *scores) in enumerate(rows):
        if _missing(issue) or _missing(option):
            what = "issue" if _missing(issue) else "option"
            raise PackageInputError(f"row {row} of the options table has no {what}")
        if not (_hashable(issue) and _hashable(option)):
            raise PackageInputError(f"row {row} of the options table: names must be text")
        if issue in SIDES:
            raise PackageInputError(f"an issue cannot be called {issue!r}: that is a score column")
        if issue not in labels:
            issues.append(issue)
            labels[issue] = []
            for side in SIDES:
                raw[side][issue] = []
        if option in labels[issue]:
            raise PackageInputError(f"the issue {issue!r} has the option {option!r} twice")
        labels[issue].append(option)
        for side, value in zip(SIDES, scores, strict=True):
            number = _finite(value)
            if number is None:
                kind = "a finite number" if _is_number(value) else "a number"
                raise PackageInputError(
                    f"the value {side!r} of option {option!r} of issue {issue!r} "
                    f"is not {kind}: {value!r}"
                )
            raw[side][issue].append(number)
    values: dict[str, list[np.ndarray]] = {}
    exponents: dict[str, int] = {}
    for side in SIDES:
        try:
            bound = math.fsum(max(abs(v) for v in raw[side][i]) for i in issues)
        except OverflowError:
            bound = math.inf
        if not math.isfinite(bound):
            raise PackageInputError(f"the {side!r} values are too large to add up")
        exponents[side] = e = _exponent(bound)
        values[side] = [
            np.array([_to_grid(v, e) for v in raw[side][i]], dtype=np.int64) for i in issues
        ]
    return _Table(issues, [labels[i] for i in issues], values, exponents)


def _undominated(ours: np.ndarray, theirs: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Indices of the undominated points, one per distinct score (least tiebreak), ours desc.

    Sorts on ``ours`` alone (fast when the input is a few descending runs), then keeps in each
    group of equal ``ours`` the highest ``theirs`` if it beats every group before it.
    """
    order = np.argsort(-ours, kind="stable")
    by_ours, by_theirs = ours[order], theirs[order]
    starts = np.flatnonzero(np.r_[True, by_ours[1:] != by_ours[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    best = np.maximum.reduceat(by_theirs, starts)
    before = np.r_[np.iinfo(np.int64).min, np.maximum.accumulate(best)[:-1]]
    top = np.repeat(np.where(best > before, best, np.iinfo(np.int64).max), sizes)
    keys = np.where(by_theirs == top, tiebreak[order], np.iinfo(np.int64).max)
    first = np.repeat(np.minimum.reduceat(keys, starts), sizes)
    return order[(by_theirs == top) & (keys == first)]


def _frontier(table: _Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grid scores (ours, theirs) of the frontier, ours descending, and each one's options."""
    ours = np.zeros(1, dtype=np.int64)
    theirs = np.zeros(1, dtype=np.int64)
    rank = np.zeros(1, dtype=np.int64)  # lexicographic rank of each partial package's options
    steps: list[tuple[np.ndarray, np.ndarray]] = []
    for o, t in zip(table.values["ours"], table.values["theirs"], strict=True):
        choice = np.sort(_undominated(o, t, np.arange(len(o))))
        width, size = len(choice), len(ours)
        # option-major: each option shifts the whole (ours-descending) partial frontier
        sum_ours = (o[choice][:, None] + ours[None, :]).ravel()
        sum_theirs = (t[choice][:, None] + theirs[None, :]).ravel()
        parent = np.tile(np.arange(size), width)
        tiebreak = rank[parent] * width + np.repeat(np.arange(width), size)
        keep = _undominated(sum_ours, sum_theirs, tiebreak)
        ours, theirs, parent = sum_ours[keep], sum_theirs[keep], parent[keep]
        rank = np.empty(len(keep), dtype=np.int64)
        rank[np.argsort(tiebreak[keep])] = np.arange(len(keep))
        steps.append((parent, choice[np.repeat(np.arange(width), size)[keep]]))
    chosen = np.empty((len(ours), len(steps)), dtype=np.int64)
    at = np.arange(len(ours))
    for k in range(len(steps) - 1, -1, -1):
        parent, option = steps[k]
        chosen[:, k] = option[at]
        at = parent[at]
    return ours, theirs, chosen


def _frame(table: _Table, ours: np.ndarray, theirs: np.ndarray, chosen: np.ndarray) -> pd.DataFrame:
    """Packages as rows: real scores and the chosen option's label per issue."""
    import pandas as pd

    data: dict[Hashable, object] = {
        "ours": _from_grid(ours, table.exponents["ours"]),
        "theirs": _from_grid(theirs, table.exponents["theirs"]),
    }
    for k, issue in enumerate(table.issues):
        names = np.empty(len(table.labels[k]), dtype=object)
        names[:] = table.labels[k]
        data[issue] = names[chosen[:, k]]
    return pd.DataFrame(data)


class Package(NamedTuple):
    """One package: each side's score and the option chosen for each issue."""

    ours: float
    theirs: float
    options: dict[Hashable, Hashable]

    def to_series(self) -> pd.Series:
        """The package as the Series :func:`nash_package` and :func:`best_package` give."""
        return _series(self)


def _series(package: Package) -> pd.Series:
    import pandas as pd

    row = pd.Series({"ours": package.ours, "theirs": package.theirs, **package.options})
    return row.astype(object)


@dataclass(frozen=True)
class Frontier:
    """The Pareto frontier of an options table: scores ``ours`` descending, ``theirs``."""

    table: _Table
    grid_ours: np.ndarray
    grid_theirs: np.ndarray
    chosen: np.ndarray

    @property
    def ours(self) -> np.ndarray:
        """Our score of each package, descending."""
        return _from_grid(self.grid_ours, self.table.exponents["ours"])

    @property
    def theirs(self) -> np.ndarray:
        """Their score of each package."""
        return _from_grid(self.grid_theirs, self.table.exponents["theirs"])

    def __len__(self) -> int:
        return len(self.grid_ours)

    def package(self, at: int) -> Package:
        """The frontier's package at position ``at``."""
        table, i = self.table, slice(at, at + 1)
        ours = float(_from_grid(self.grid_ours[i], table.exponents["ours"])[0])
        theirs = float(_from_grid(self.grid_theirs[i], table.exponents["theirs"])[0])
        picked = self.chosen[at]
        options = {issue: table.labels[k][picked[k]] for k, issue in enumerate(table.issues)}
        return Package(ours, theirs, options)

    def to_frame(self) -> pd.DataFrame:
        """The frontier as :func:`pareto_frontier` gives it."""
        return _frame(self.table, self.grid_ours, self.grid_theirs, self.chosen)

    def nash(self, our_reservation: float = 0.0, their_reservation: float = 0.0) -> Package | None:
        """See :func:`nash_package`."""
        ours, theirs, table = self.grid_ours, self.grid_theirs, self.table
        low_ours = _threshold(our_reservation, "our_reservation", "ours", table)
        low_theirs = _threshold(their_reservation, "their_reservation", "theirs", table)
        feasible = np.flatnonzero((ours >= low_ours) & (theirs >= low_theirs))
        if not len(feasible):
            return None
        gains_ours = (ours[feasible] - low_ours).tolist()
        gains_theirs = (theirs[feasible] - low_theirs).tolist()
        products = [a * b for a, b in zip(gains_ours, gains_theirs, strict=True)]  # exact ints
        return self.package(int(feasible[products.index(max(products))]))

    def best(self, their_floor: float) -> Package | None:
        """See :func:`best_package`."""
        floor = _threshold(their_floor, "their_floor", "theirs", self.table)
        above = np.flatnonzero(self.grid_theirs >= floor)
        return self.package(int(above[0])) if len(above) else None


def frontier(rows: Sequence[Sequence[object]]) -> Frontier:
    """The Pareto frontier of (issue, option, ours, theirs) rows (see :func:`pareto_frontier`)."""
    table = _read_rows(rows)
    return Frontier(table, *_frontier(table))


def _threshold(value: float, name: str, side: str, table: _Table) -> int:
    """A reservation or floor on a side's grid, clipped into int64."""
    number = _finite(value)
    if number is None:
        raise PackageInputError(f"{name} must be a finite number, not {value!r}")
    return max(-_INT_LIMIT, min(_INT_LIMIT, _to_grid(number, table.exponents[side])))


def pareto_frontier(options: pd.DataFrame) -> pd.DataFrame:
    """Every Pareto-optimal package, one per distinct score pair, ``ours`` descending.

    >>> table = options_from_issues({"a": {"x": (1, 0), "y": (0, 1)}})
    >>> pareto_frontier(table)[["ours", "theirs", "a"]].values.tolist()
    [[1.0, 0.0, 'x'], [0.0, 1.0, 'y']]
    """
    table = _read(options)
    return _frame(table, *_frontier(table))


def nash_package(
    options: pd.DataFrame, our_reservation: float = 0.0, their_reservation: float = 0.0
) -> pd.Series | None:
    """The package maximising (ours − our_reservation) × (theirs − their_reservation), or None.

    Only packages at or above both reservations count (a package exactly at a reservation is
    acceptable, with product 0). Ties go to the higher ``ours``, then as in the frontier.

    >>> table = options_from_issues({"a": {"x": (4, 1), "y": (2, 3), "z": (1, 4)}})
    >>> nash_package(table)["a"], nash_package(table, their_reservation=5) is None
    ('y', True)
    """
    table = _read(options)
    package = Frontier(table, *_frontier(table)).nash(our_reservation, their_reservation)
    return None if package is None else package.to_series()


def best_package(options: pd.DataFrame, their_floor: float) -> pd.Series | None:
    """The best package for us among those giving them at least ``their_floor``, or None.

    Ties for us go to the package better for them, then as in the frontier.

    >>> table = options_from_issues({"a": {"x": (4, 1), "y": (2, 3), "z": (1, 4)}})
    >>> best_package(table, their_floor=2)["a"], best_package(table, their_floor=9) is None
    ('y', True)
    """
    table = _read(options)
    package = Frontier(table, *_frontier(table)).best(their_floor)
    return None if package is None else package.to_series()


def package_count(options: pd.DataFrame) -> int:
    """How many packages the options make (a Python int: it can be astronomically large).

    >>> package_count(options_from_issues({"a": {"x": (0, 0), "y": (1, 1)}, "b": {"z": (0, 0)}}))
    2
    """
    return math.prod(len(labels) for labels in _read(options).labels)


def options_from_issues(
    issues: Mapping[Hashable, Mapping[Hashable, tuple[float, float]]],
) -> pd.DataFrame:
    """An options table from ``{issue: {option: (ours, theirs)}}``; every issue needs an option.

    >>> options_from_issues({"term": {"1 year": (0, 2)}}).values.tolist()
    [['term', '1 year', 0, 2]]
    """
    records = []
    for issue, choices in issues.items():
        if not choices:
            raise PackageInputError(f"the issue {issue!r} has no options")
        for option, pair in choices.items():
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise PackageInputError(
                    f"option {option!r} of issue {issue!r} needs two values (ours, theirs), "
                    f"not {pair!r}"
                )
            records.append((issue, option, *pair))
    import pandas as pd

    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    _read(frame)
    return frame


def planner_rows(planner: ConcessionPlanner) -> list[OptionRow]:
    """The planner's options with weighted values (variable name as the issue), in order."""
    return [
        OptionRow(
            var.name,
            opt.label,
            var.weight_ours * opt.ours / 100,
            var.weight_theirs * opt.theirs / 100,
        )
        for var in planner.variables
        for opt in var.options
    ]


def planner_options(planner: ConcessionPlanner) -> pd.DataFrame:
    """The planner's options with weighted values, as the table the functions above take."""
    from workbook.frames import options_frame

    frame = options_frame(planner).rename(columns={"variable": "issue"})
    return frame[list(COLUMNS)].reset_index(drop=True)
