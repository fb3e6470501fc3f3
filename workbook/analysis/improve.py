"""Improving a deal: every package at least as good for both sides and better for one.

Given the options and a package (the deal agreed, or the offer on the table), the packages
that leave neither side worse off and one side better off are listed best first, by the
joint gain (what we gain plus what they gain); ties go to the larger gain for us, then to
the package that comes first in ``itertools.product`` order (the earliest options in the
earliest issues, as in :mod:`workbook.analysis.packages`). When there is none, the deal is
already efficient: it sits on the Pareto frontier.

Scores are compared on the package engine's integer grid, so "at least as good" has no
rounding noise. The search never lists every package: for each tail of the issues it keeps
the exact frontier of that tail (only the part that can still reach the region above the
deal), which tells, for a partly chosen package, exactly the best joint gain any completion
can reach. A best-first search on that bound walks straight to each next-best package.

>>> from workbook.analysis.packages import options_from_issues
>>> table = options_from_issues({
...     "price": {"list": (10, 0), "discount": (6, 5)},
...     "payment": {"30 days": (3, 0), "60 days": (0, 1), "90 days": (0, 0)},
... })
>>> found = improvements(table, {"price": "list", "payment": "90 days"})
>>> [(row.ours, row.theirs, row.joint_gain, describe(row.changes)) for row in found.rows]
[(13.0, 0.0, 3.0, 'payment: 90 days → 30 days'), (10.0, 1.0, 1.0, 'payment: 90 days → 60 days')]
>>> improvements(table, {"price": "discount", "payment": "30 days"}).efficient
True
"""

from __future__ import annotations

import heapq
import sys
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from workbook.analysis.packages import (
    Package,
    PackageInputError,
    _from_grid,
    _read,
    _read_rows,
    _Table,
    _undominated,
)

if TYPE_CHECKING:
    import pandas as pd

_INT64_SAFE = 2**62


def read_options(options: object) -> _Table:
    """An options table (DataFrame) or (issue, option, ours, theirs) rows, validated."""
    if isinstance(options, _Table):  # already read
        return options
    pandas = sys.modules.get("pandas")  # rows never need pandas
    if pandas is not None and isinstance(options, pandas.DataFrame):
        return _read(options)
    if isinstance(options, str | bytes) or not isinstance(options, Sequence):
        raise PackageInputError(
            "the options must be a table (DataFrame) or a list of "
            f"(issue, option, ours, theirs) rows, not {type(options).__name__}"
        )
    return _read_rows(options)


def read_package(table: _Table, package: object) -> list[int]:
    """The option index chosen for each issue of ``package``: a mapping issue -> option, a
    :class:`~workbook.analysis.packages.Package`, or a row of a frontier table (a Series)."""
    if isinstance(package, Package):
        chosen: Mapping[object, object] = package.options
    elif isinstance(package, Mapping):
        chosen = package
    elif hasattr(package, "to_dict") and callable(package.to_dict):  # a pandas Series
        chosen = package.to_dict()
    else:
        raise PackageInputError(
            f"the package must map each issue to its option, not {type(package).__name__}"
        )
    chosen = {k: v for k, v in chosen.items() if k not in ("ours", "theirs")}
    unknown = [k for k in chosen if k not in table.issues]
    if unknown:
        raise PackageInputError(f"the package names an issue the options lack: {unknown[0]!r}")
    picks = []
    for issue, labels in zip(table.issues, table.labels, strict=True):
        if issue not in chosen:
            raise PackageInputError(f"the package has no option for the issue {issue!r}")
        option = chosen[issue]
        if option not in labels:
            raise PackageInputError(f"the issue {issue!r} has no option {option!r}")
        picks.append(labels.index(option))
    return picks


class Change(NamedTuple):
    """One issue whose option differs from the deal's."""

    issue: Hashable
    before: Hashable
    after: Hashable


class Improvement(NamedTuple):
    """A package at least as good for both sides as the deal, better for one."""

    ours: float
    theirs: float
    gain_ours: float
    gain_theirs: float
    joint_gain: float
    changes: tuple[Change, ...]
    options: dict[Hashable, Hashable]


def describe(changes: Sequence[Change]) -> str:
    """The changes in words: ``issue: before → after; ...``."""
    return "; ".join(f"{c.issue}: {c.before} → {c.after}" for c in changes)


@dataclass(frozen=True)
class Improvements:
    """The packages that improve on a deal, best first (see :func:`improvements`)."""

    issues: list[Hashable]
    package: Package
    rows: list[Improvement]
    more: bool
    """Whether there are more improvements than the limit let through."""

    @property
    def efficient(self) -> bool:
        """True when nothing improves on the deal: it is on the Pareto frontier."""
        return not self.rows

    def to_frame(self) -> pd.DataFrame:
        """One row per improvement: the scores, the gains, the changes in words, then the
        option chosen for each issue."""
        import pandas as pd

        columns = ["ours", "theirs", "gain_ours", "gain_theirs", "joint_gain", "changes"]
        records = [
            [*row[:5], describe(row.changes), *(row.options[i] for i in self.issues)]
            for row in self.rows
        ]
        frame = pd.DataFrame(records, columns=[*columns, *self.issues])
        return frame.astype({c: float for c in columns[:5]})


class _Tails:
    """For each tail of the issues (issues k, k+1, ...), the exact frontier of that tail, kept
    where it can still reach the target region, with the best joint score over any range."""

    def __init__(self, table: _Table, low: tuple[int, int], scales: tuple[int, int]) -> None:
        ours, theirs = table.values["ours"], table.values["theirs"]
        n = len(ours)
        # the most the issues before k can add, to tell which tail scores can still matter
        head_ours = np.concatenate([[0], np.cumsum([int(o.max()) for o in ours])])
        head_theirs = np.concatenate([[0], np.cumsum([int(t.max()) for t in theirs])])
        wide = sum(max(abs(int(v)) for v in o) for o in ours) * scales[0]
        wide += sum(max(abs(int(v)) for v in t) for t in theirs) * scales[1]
        small = wide < _INT64_SAFE and max(scales) < _INT64_SAFE
        self.dtype: type = np.int64 if small else object
        self.scales = scales
        self.ours: list[np.ndarray] = [np.empty(0, np.int64)] * (n + 1)
        self.theirs: list[np.ndarray] = [np.empty(0, np.int64)] * (n + 1)
        self.joint: list[np.ndarray] = [np.empty(0)] * (n + 1)
        self.best: list[list[np.ndarray]] = [[]] * (n + 1)  # sparse tables of argmax
        f_ours, f_theirs = np.zeros(1, np.int64), np.zeros(1, np.int64)
        self._store(n, f_ours, f_theirs)
        for k in range(n - 1, -1, -1):
            o, t = ours[k], theirs[k]
            pick = _undominated(o, t, np.arange(len(o)))
            sum_o = (o[pick][:, None] + f_ours[None, :]).ravel()
            sum_t = (t[pick][:, None] + f_theirs[None, :]).ravel()
            reach = (sum_o >= low[0] - head_ours[k]) & (sum_t >= low[1] - head_theirs[k])
            sum_o, sum_t = sum_o[reach], sum_t[reach]
            if len(sum_o):
                keep = _undominated(sum_o, sum_t, np.arange(len(sum_o)))
                f_ours, f_theirs = sum_o[keep], sum_t[keep]
            else:
                f_ours, f_theirs = sum_o, sum_t
            self._store(k, f_ours, f_theirs)

    def _store(self, k: int, f_ours: np.ndarray, f_theirs: np.ndarray) -> None:
        self.ours[k], self.theirs[k] = f_ours, f_theirs
        joint: np.ndarray = (
            f_ours.astype(self.dtype) * self.scales[0]
            + f_theirs.astype(self.dtype) * self.scales[1]
        )
        self.joint[k] = joint
        level = np.arange(len(joint))
        table = [level]
        width = 1
        while 2 * width <= len(joint):
            left, right = level[: len(level) - width], level[width:]
            level = np.where(joint[right] > joint[left], right, left)  # leftmost on ties
            table.append(level)
            width *= 2
        self.best[k] = table

    def bounds(
        self, k: int, need_ours: np.ndarray, need_theirs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For tails from issue ``k`` that must add at least ``need`` on each side, and more
        on one: whether one can, and the index of the best (joint, then ours) that can."""
        f_ours, f_theirs = self.ours[k], self.theirs[k]
        hi = np.searchsorted(-f_ours, -need_ours, side="right")  # ours >= need: a prefix
        lo = np.searchsorted(f_theirs, need_theirs, side="left")  # theirs >= need: a suffix
        size = hi - lo
        ok = size > 0
        lone = ok & (size == 1)
        if lone.any():  # the only point in range adds exactly the need: no strict gain
            at = np.where(lone, lo, 0)
            same = (f_ours[at] == need_ours) & (f_theirs[at] == need_theirs)
            ok &= ~(lone & same)
        level = np.zeros(len(size), dtype=np.int64)
        level[ok] = np.floor(np.log2(size[ok])).astype(np.int64)
        best = np.zeros(len(size), dtype=np.int64)
        joint = self.joint[k]
        for lev in np.unique(level[ok]):
            rows = np.flatnonzero(ok & (level == lev))
            table = self.best[k][lev]
            a, b = table[lo[rows]], table[hi[rows] - (1 << int(lev))]
            best[rows] = np.where(joint[b] > joint[a], b, a)
        return ok, best


def improvements(options: object, package: object, limit: int | None = 10) -> Improvements:
    """Every package at least as good for both sides as ``package`` and better for one.

    ``options`` is an options table (as :func:`~workbook.analysis.packages.planner_options`
    gives) or its (issue, option, ours, theirs) rows; ``package`` maps each issue to its
    option (a frontier row or a :class:`~workbook.analysis.packages.Package` will do). The
    result lists at most ``limit`` packages (``None``: all of them, only sensible for small
    tables), best joint gain first, each with the issues that change; ``.efficient`` is True
    when there is none, and ``.more`` when the limit left some out.
    """
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise PackageInputError(f"limit must be a positive whole number or None, not {limit!r}")
    table = read_options(options)
    picks = read_package(table, package)
    ours, theirs = table.values["ours"], table.values["theirs"]
    exp_o, exp_t = table.exponents["ours"], table.exponents["theirs"]
    top = max(exp_o, exp_t)
    scales = (10 ** (top - exp_o), 10 ** (top - exp_t))
    base_o = sum(int(ours[k][j]) for k, j in enumerate(picks))
    base_t = sum(int(theirs[k][j]) for k, j in enumerate(picks))
    base_joint = base_o * scales[0] + base_t * scales[1]
    tails = _Tails(table, (base_o, base_t), scales)
    n = len(picks)

    def value(grid: int, exponent: int) -> float:
        return float(_from_grid(np.array([grid], dtype=object), exponent)[0])

    base = Package(
        value(base_o, exp_o),
        value(base_t, exp_t),
        {issue: table.labels[k][picks[k]] for k, issue in enumerate(table.issues)},
    )
    # a node: (-best joint, -best ours, options chosen so far, ours so far, theirs so far)
    heap: list[tuple[int, int, tuple[int, ...], int, int]] = []
    ok, best = tails.bounds(0, np.array([base_o]), np.array([base_t]))
    if ok[0]:
        at = int(best[0])
        heap.append((-int(tails.joint[0][at]), -int(tails.ours[0][at]), (), 0, 0))
    found: list[tuple[tuple[int, ...], int, int]] = []
    wanted = None if limit is None else limit + 1
    while heap and (wanted is None or len(found) < wanted):
        _, _, chosen, so_far_o, so_far_t = heapq.heappop(heap)
        k = len(chosen)
        if k == n:
            found.append((chosen, so_far_o, so_far_t))
            continue
        child_o = so_far_o + ours[k]  # grid totals stay far inside int64
        child_t = so_far_t + theirs[k]
        ok, best = tails.bounds(k + 1, base_o - child_o, base_t - child_t)
        tail_o, tail_t = tails.ours[k + 1], tails.theirs[k + 1]
        for j in np.flatnonzero(ok).tolist():
            at = int(best[j])
            head_o, head_t = int(child_o[j]), int(child_t[j])
            total_o, total_t = head_o + int(tail_o[at]), head_t + int(tail_t[at])
            joint = total_o * scales[0] + total_t * scales[1]
            node = (-joint, -total_o, (*chosen, j), head_o, head_t)
            heapq.heappush(heap, node)
    more = wanted is not None and len(found) == wanted
    rows = []
    for chosen, total_o, total_t in found[:limit]:
        changes = tuple(
            Change(issue, table.labels[k][picks[k]], table.labels[k][chosen[k]])
            for k, issue in enumerate(table.issues)
            if chosen[k] != picks[k]
        )
        joint = total_o * scales[0] + total_t * scales[1]
        rows.append(
            Improvement(
                value(total_o, exp_o),
                value(total_t, exp_t),
                value(total_o - base_o, exp_o),
                value(total_t - base_t, exp_t),
                value(joint - base_joint, top),
                changes,
                {issue: table.labels[k][chosen[k]] for k, issue in enumerate(table.issues)},
            )
        )
    return Improvements(list(table.issues), base, rows, more)
