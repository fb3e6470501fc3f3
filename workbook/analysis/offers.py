"""Equivalent simultaneous offers: packages equal in value to us that differ most for them.

Putting two or three packages on the table at once, each worth the same to us, lets the other
side choose; the one they pick (and the one they reject) shows which issues they value most.
That works only if the packages differ in *what they give them*. So:

- **Candidates** are the efficient packages whose score for us lies within ``tolerance`` of
  ``our_value``: those on the exact Pareto frontier of :mod:`workbook.analysis.packages`,
  here *with* every package that ties on both scores (equal totals made of different options
  are what these offers are about); packages alike for us and for them (same score for us,
  same value for them on every issue) count once. A package off the frontier gives away
  value for nothing: another package is at least as good for both sides.
- **How different two packages are for them** is the distance between their value profiles
  for them: the sum over issues of the absolute difference of the option values we estimate
  they give them (their weighted scores, issue by issue, the L1 distance). Two packages that
  move the same issues the same way are at distance 0, however their totals compare; two
  that are generous to them on different issues are far apart.
- **The offers** are the ``k`` candidates whose *smallest* pairwise distance is largest (no
  two offers alike); ties go to the larger sum of pairwise distances, then to the set whose
  frontier positions (ours descending) come first, i.e. the set better for us.

Everything is computed on the package engine's integer grid, so "within the tolerance" and
"equal distance" are exact: a package at exactly ``our_value ± tolerance`` counts.
Finding the best ``k`` sets is a max-min dispersion problem: pairs are visited by decreasing
distance, and the visit stops once no unvisited pair can beat the best set found.

>>> from workbook.analysis.packages import options_from_issues
>>> table = options_from_issues({
...     "price": {"list": (10, 0), "discount": (6, 4)},
...     "term": {"1 year": (0, 4), "3 years": (4, 0)},
... })
>>> equivalent_offers(table, our_value=10, k=2, tolerance=0)[["ours", "theirs", "price", "term"]]
   ours  theirs     price     term
0  10.0     4.0      list   1 year
1  10.0     4.0  discount  3 years
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from workbook.analysis.packages import (
    OptionRow,
    Package,
    PackageInputError,
    _finite,
    _from_grid,
    _read,
    _read_rows,
    _Table,
    _to_grid,
    planner_rows,
)

if TYPE_CHECKING:
    import pandas as pd

    from workbook.model import ConcessionPlanner

DEFAULT_TOLERANCE_SHARE = 0.02
"""Without a tolerance: 2 % of the spread between our worst and our best package."""
MAX_EFFICIENT = 200_000
"""Most efficient (partial) packages compared; beyond, the options tell too little apart."""
_BLOCK = 256  # pairs examined at once when looking for a third offer


class EquivalentOffers(NamedTuple):
    """Offers equal in value to us, and how far apart they are for them.

    ``spread`` is the smallest distance between two offers (in their score units; 0 when
    there is one offer or none), ``candidates`` how many efficient packages lay within the
    tolerance, ``tolerance`` the tolerance used.
    """

    packages: list[Package]
    spread: float
    candidates: int
    tolerance: float


def _table(options: object) -> _Table:
    """The validated table of any accepted input form."""
    import sys

    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(options, pandas.DataFrame):
        return _read(options)
    if type(options).__name__ == "ConcessionPlanner":
        return _read_rows(planner_rows(options))  # type: ignore[arg-type]
    if isinstance(options, Sequence) and not isinstance(options, str | bytes):
        return _read_rows(options)
    raise PackageInputError(
        "the options must be a table (DataFrame), (issue, option, ours, theirs) rows "
        f"or a concession planner, not {type(options).__name__}"
    )


def _grid_number(value: object, name: str, exponent: int) -> int:
    number = _finite(value)
    if number is None:
        raise PackageInputError(f"{name} must be a finite number, not {value!r}")
    return _to_grid(number, exponent)


def _efficient(table: _Table, low: int) -> tuple[np.ndarray, np.ndarray]:
    """Every efficient package (no package strictly better for one side and as good for the
    other) that can score ``low`` or more for us, packages alike for us and for them (same
    score for us, same option values for them on every issue) counted once, as the first in
    ``itertools.product`` order. Returns our grid scores and the chosen options, ours
    descending, then in product order.

    Built one issue at a time, as the frontier is: a partial package strictly beaten by
    another stays beaten whatever options follow, so it is dropped; so is one that cannot
    reach ``low`` (whatever beats its completions cannot reach it either).
    """
    ours = np.zeros(1, dtype=np.int64)
    theirs = np.zeros(1, dtype=np.int64)
    chosen = np.zeros((1, 0), dtype=np.int64)
    profile = np.zeros(1, dtype=np.int64)  # which values for them so far, as a number
    best_after = np.cumsum([int(v.max()) for v in table.values["ours"]][::-1])[::-1].tolist()
    best_after = [*best_after[1:], 0]
    for n, (o, t) in enumerate(zip(table.values["ours"], table.values["theirs"], strict=True)):
        width = len(o)
        ours = (ours[:, None] + o[None, :]).ravel()
        theirs = (theirs[:, None] + t[None, :]).ravel()
        keep = np.flatnonzero(_not_beaten(ours, theirs) & (ours + best_after[n] >= low))
        parent, option = np.divmod(keep, width)  # parents in product order: so are these
        ours, theirs = ours[keep], theirs[keep]
        chosen = np.column_stack([chosen[parent], option])
        # two partial packages have one profile number when their values for them are the
        # same on every issue so far: the parent's number and this option's value for them
        _, value = np.unique(t, return_inverse=True)
        _, profile = np.unique(profile[parent] * width + value[option], return_inverse=True)
        first = _first_of_alike(ours, profile)
        if first is not None:
            ours, theirs, chosen, profile = (
                ours[first],
                theirs[first],
                chosen[first],
                profile[first],
            )
        if len(ours) > MAX_EFFICIENT:
            raise PackageInputError(
                f"more than {MAX_EFFICIENT:,} packages are equally efficient: "
                "give the options values that tell them apart"
            )
    order = np.argsort(-ours, kind="stable")
    return ours[order], chosen[order]


def _not_beaten(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Which points no other point strictly beats (ties kept)."""
    order = np.lexsort((-theirs, -ours))
    by_ours, by_theirs = ours[order], theirs[order]
    starts = np.flatnonzero(np.r_[True, by_ours[1:] != by_ours[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    top = np.maximum.reduceat(by_theirs, starts)  # the group's best for them
    before = np.r_[np.iinfo(np.int64).min, np.maximum.accumulate(top)[:-1]]
    ok = (by_theirs == np.repeat(top, sizes)) & (by_theirs > np.repeat(before, sizes))
    keep = np.zeros(len(ours), dtype=bool)
    keep[order[ok]] = True
    return keep


def _first_of_alike(ours: np.ndarray, profile: np.ndarray) -> np.ndarray | None:
    """Indices (in order) of the first package of each group alike for both sides (the same
    score for us and the same profile number, :func:`_efficient`), or None when no two
    packages are alike."""
    order = np.lexsort((np.arange(len(ours)), profile, ours))
    alike = (ours[order][1:] == ours[order][:-1]) & (profile[order][1:] == profile[order][:-1])
    if not alike.any():
        return None
    keep = np.ones(len(ours), dtype=bool)
    keep[order[1:][alike]] = False  # every package after its group's first
    return np.flatnonzero(keep)


def _profile_of(table: _Table, chosen: np.ndarray) -> np.ndarray:
    """Their grid value of each chosen option, one row per package, one column per issue."""
    columns = [table.values["theirs"][n][chosen[:, n]] for n in range(chosen.shape[1])]
    return np.stack(columns, axis=1) if columns else np.zeros((len(chosen), 0), np.int64)


def _distances(profiles: np.ndarray) -> np.ndarray:
    """Pairwise L1 distances between profiles (exact integers)."""
    n = len(profiles)
    out = np.zeros((n, n), dtype=np.int64)
    for i in range(n):  # a row at a time keeps memory at n x issues
        out[i] = np.abs(profiles - profiles[i]).sum(axis=1)
    return out


def _best_pair(d: np.ndarray) -> tuple[int, ...]:
    """The pair at the largest distance; ties to the first pair in (i, j) order."""
    upper = np.triu(d + 1, 1)  # + 1 so that a pair at distance 0 still beats the diagonal
    flat = int(np.argmax(upper))  # argmax returns the first maximum in row-major order
    return divmod(flat, len(d))


def _best_triple(d: np.ndarray) -> tuple[int, ...]:
    """The triple with the largest (smallest distance, sum of distances), ties to the first.

    A triple's smallest distance is at most the distance of its farthest pair, so pairs are
    visited by decreasing distance and the visit stops below the best smallest distance.
    """
    n = len(d)
    i_up, j_up = np.triu_indices(n, 1)
    pair_d = d[i_up, j_up]
    order = np.lexsort((j_up, i_up, -pair_d))
    best: tuple[int, int, tuple[int, ...]] | None = None  # (min, sum, sorted triple)
    for start in range(0, len(order), _BLOCK):
        block = order[start : start + _BLOCK]
        if best is not None and pair_d[block[0]] < best[0]:
            break
        i, j = i_up[block], j_up[block]
        dij = pair_d[block][:, None]
        dil, djl = d[i], d[j]
        smallest = np.minimum(dij, np.minimum(dil, djl))
        total = dij + dil + djl
        third = np.ones((len(block), n), dtype=bool)
        third[np.arange(len(block)), i] = False
        third[np.arange(len(block)), j] = False
        smallest = np.where(third, smallest, -1)
        top = smallest.max()
        if top < 0 or (best is not None and top < best[0]):
            continue
        rows, cols = np.nonzero(smallest == top)
        top_total = total[rows, cols].max()
        keep = total[rows, cols] == top_total
        for r, c in zip(rows[keep].tolist(), cols[keep].tolist(), strict=True):
            candidate = (int(top), int(top_total), tuple(sorted((int(i[r]), int(j[r]), c))))
            if best is None or (candidate[0], candidate[1], _neg(candidate[2])) > (
                best[0],
                best[1],
                _neg(best[2]),
            ):
                best = candidate
    assert best is not None
    return best[2]


def _neg(indices: tuple[int, ...]) -> tuple[int, ...]:
    """A key under which the lexicographically first index tuple is the largest."""
    return tuple(-x for x in indices)


def _equivalent(
    options: object, our_value: float, k: int, tolerance: float | None
) -> tuple[_Table, np.ndarray, int, int, float]:
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= 3:
        raise PackageInputError(f"k must be 2 or 3 offers, not {k!r}")
    table = _table(options)
    e = table.exponents["ours"]
    if tolerance is None:
        low = sum(int(v.min()) for v in table.values["ours"])
        high = sum(int(v.max()) for v in table.values["ours"])
        tol_grid = round((high - low) * DEFAULT_TOLERANCE_SHARE)
    else:
        number = _finite(tolerance)
        if number is None or number < 0:
            raise PackageInputError(
                f"the tolerance must be a number of 0 or more, not {tolerance!r}"
            )
        tol_grid = _to_grid(number, e)
    target = _grid_number(our_value, "our_value", e)
    ours, chosen = _efficient(table, target - tol_grid)
    inside = np.flatnonzero(np.abs(ours - target) <= tol_grid)
    chosen = chosen[inside]
    d = _distances(_profile_of(table, chosen))
    if len(inside) <= k:
        picked: list[int] = list(range(len(inside)))
    else:
        picked = list(_best_pair(d) if k == 2 else _best_triple(d))
    pairs = [d[a, b] for a, b in itertools.combinations(picked, 2)]
    spread = int(min(pairs)) if pairs else 0
    tolerance_used = float(_from_grid(np.array([tol_grid], dtype=np.int64), e)[0])
    return table, chosen[picked], len(inside), spread, tolerance_used


def equivalent_offer_set(
    options: pd.DataFrame | Sequence[Sequence[object]] | ConcessionPlanner,
    our_value: float,
    k: int = 3,
    tolerance: float | None = None,
) -> EquivalentOffers:
    """The offers of :func:`equivalent_offers` as plain packages (what the app shows)."""
    table, chosen, count, spread, used = _equivalent(options, our_value, k, tolerance)
    return EquivalentOffers(
        [_package(table, row) for row in chosen], _value(table, spread, "theirs"), count, used
    )


def _value(table: _Table, grid: int, side: str) -> float:
    return float(_from_grid(np.array([grid], dtype=np.int64), table.exponents[side])[0])


def _package(table: _Table, picked: np.ndarray) -> Package:
    """The package choosing option ``picked[n]`` of issue ``n``, with both scores."""
    ours = sum(int(table.values["ours"][n][j]) for n, j in enumerate(picked))
    theirs = sum(int(table.values["theirs"][n][j]) for n, j in enumerate(picked))
    options = {issue: table.labels[n][picked[n]] for n, issue in enumerate(table.issues)}
    return Package(_value(table, ours, "ours"), _value(table, theirs, "theirs"), options)


def equivalent_offers(
    options: pd.DataFrame | Sequence[Sequence[object]] | ConcessionPlanner,
    our_value: float,
    k: int = 3,
    tolerance: float | None = None,
) -> pd.DataFrame:
    """``k`` (2 or 3) efficient packages worth ``our_value`` ± ``tolerance`` to us, as
    different as possible for them (see the module's description), one row per offer.

    ``options`` is an options table (as :func:`~workbook.analysis.packages.pareto_frontier`
    takes), (issue, option, ours, theirs) rows, or a concession planner (weighted values).
    Without a tolerance, 2 % of the spread between our worst and best package is used.
    Fewer rows come back when fewer efficient packages lie within the tolerance. The frame's
    ``attrs`` hold ``spread`` (the smallest distance between two offers), ``candidates`` and
    ``tolerance``.
    """
    import pandas as pd

    result = equivalent_offer_set(options, our_value, k, tolerance)
    issues: list[Hashable] = (
        list(result.packages[0].options) if result.packages else list(_table(options).issues)
    )
    frame = pd.DataFrame(
        [
            {"offer": n, "ours": p.ours, "theirs": p.theirs, **p.options}
            for n, p in enumerate(result.packages, 1)
        ],
        columns=["offer", "ours", "theirs", *issues],
    )
    frame.attrs.update(
        spread=result.spread, candidates=result.candidates, tolerance=result.tolerance
    )
    return frame


__all__ = ["EquivalentOffers", "OptionRow", "equivalent_offer_set", "equivalent_offers"]
