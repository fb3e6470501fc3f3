"""Packages that stay efficient whichever estimate of their side is right.

Team members estimate *their* option values (and weights) differently; our own values are
shared. For each estimate a package is either Pareto-optimal (nothing is at least as good
for both sides and better for one) or not. :func:`robust_frontier` lists every package that
is Pareto-optimal under at least one estimate, with the share of estimates under which it is,
and where the Nash package lands under each estimate.

Packages whose scores are the same under every estimate cannot be told apart here; each
such group appears once, as the package that comes first in ``itertools.product`` order (as
in :mod:`workbook.analysis.packages`). Scores are compared on the engine's integer grid, one
grid per estimate. The search goes one issue at a time and drops a partly chosen package
only when, under every estimate, another partly chosen package beats it: no completion of
it can then be Pareto-optimal under any estimate. It is exact, and as fast as the frontier
when estimates agree; the more they differ, the more packages there are to keep.

>>> from workbook.analysis.packages import options_from_issues
>>> anna = options_from_issues({"a": {"x": (2, 0), "y": (1, 2), "z": (0, 3)}})
>>> ben = options_from_issues({"a": {"x": (2, 0), "y": (1, 0), "z": (0, 3)}})
>>> found = robust_frontier({"Anna": anna, "Ben": ben})
>>> [(row.options["a"], row.share) for row in found.rows]
[('x', 1.0), ('z', 1.0), ('y', 0.5)]
>>> {name: package.options["a"] for name, package in found.nash.items()}
{'Anna': 'y', 'Ben': 'x'}
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from workbook.analysis.improve import read_options
from workbook.analysis.packages import (
    Frontier,
    Package,
    PackageInputError,
    _from_grid,
    _frontier,
    _Table,
    _undominated,
)

if TYPE_CHECKING:
    import pandas as pd


class RobustPackage(NamedTuple):
    """A package Pareto-optimal under at least one estimate of their side."""

    ours: float
    theirs: tuple[float, ...]
    """Their score under each estimate, in the estimates' order."""
    share: float
    """The share of estimates under which it is Pareto-optimal."""
    optimal_under: tuple[Hashable, ...]
    nash_under: tuple[Hashable, ...]
    """The estimates under which it is the Nash package."""
    options: dict[Hashable, Hashable]


@dataclass(frozen=True)
class RobustFrontier:
    """Every package Pareto-optimal under some estimate (see :func:`robust_frontier`)."""

    estimates: list[Hashable]
    issues: list[Hashable]
    rows: list[RobustPackage]
    nash: dict[Hashable, Package | None]
    """The Nash package under each estimate (None when no package clears the reservations)."""

    def everywhere(self) -> list[RobustPackage]:
        """The packages Pareto-optimal under every estimate."""
        return [row for row in self.rows if row.share == 1]

    def to_frame(self) -> pd.DataFrame:
        """One row per package: ``ours``, ``theirs (estimate)`` for each estimate, ``share``,
        ``optimal_under`` and ``nash_under`` (estimates, comma-separated), then the options."""
        import pandas as pd

        theirs = [f"theirs ({name})" for name in self.estimates]
        columns = ["ours", *theirs, "share", "optimal_under", "nash_under", *self.issues]
        records = [
            [
                row.ours,
                *row.theirs,
                row.share,
                ", ".join(map(str, row.optimal_under)),
                ", ".join(map(str, row.nash_under)),
                *(row.options[i] for i in self.issues),
            ]
            for row in self.rows
        ]
        frame = pd.DataFrame(records, columns=columns)
        return frame.astype({c: float for c in ["ours", *theirs, "share"]})

    def nash_frame(self) -> pd.DataFrame:
        """Where the Nash package lands under each estimate: one row per estimate with the
        package's scores under that estimate, its share, then its options."""
        import pandas as pd

        by_options = {tuple(row.options.values()): row for row in self.rows}
        records = []
        for name, package in self.nash.items():
            if package is None:
                records.append([name, None, None, None, *(None for _ in self.issues)])
                continue
            row = by_options[tuple(package.options.values())]
            records.append(
                [name, package.ours, package.theirs, row.share, *package.options.values()]
            )
        columns = ["estimate", "ours", "theirs", "share", *self.issues]
        return pd.DataFrame(records, columns=columns)


def _estimates(options_by_estimate: object) -> tuple[list[Hashable], list[_Table]]:
    """The estimates' names and tables, checked to share the issues, options and our values."""
    if isinstance(options_by_estimate, Mapping):
        names = list(options_by_estimate)
        given = [options_by_estimate[n] for n in names]
    elif isinstance(options_by_estimate, Sequence) and not isinstance(
        options_by_estimate, str | bytes
    ):
        given = list(options_by_estimate)
        names = [f"estimate {k + 1}" for k in range(len(given))]
    else:
        raise PackageInputError(
            "the estimates must map each estimate's name to its options table, "
            f"not {type(options_by_estimate).__name__}"
        )
    if not given:
        raise PackageInputError("there is no estimate: give at least one options table")
    tables = []
    for name, options in zip(names, given, strict=True):
        try:
            tables.append(read_options(options))
        except PackageInputError as error:
            raise PackageInputError(f"estimate {name!r}: {error}") from None
    first = tables[0]
    for name, table in zip(names[1:], tables[1:], strict=True):
        if table.issues != first.issues or table.labels != first.labels:
            raise PackageInputError(
                f"estimate {name!r} has other issues or options than {names[0]!r}: "
                "every estimate scores the same options"
            )
        same = table.exponents["ours"] == first.exponents["ours"] and all(
            np.array_equal(a, b)
            for a, b in zip(table.values["ours"], first.values["ours"], strict=True)
        )
        if not same:
            raise PackageInputError(
                f"estimate {name!r} has other values for us than {names[0]!r}: "
                "the estimates differ only on their side"
            )
    return names, tables


def _on_frontier(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Which points no other point beats (at least as good on both, better on one)."""
    keep = _undominated(ours, theirs, np.arange(len(ours)))
    front_o, front_t = ours[keep], theirs[keep]  # ours strictly descending
    at = np.searchsorted(-front_o, -ours, side="left")
    at = np.minimum(at, len(front_o) - 1)
    return (front_o[at] == ours) & (front_t[at] == theirs)


def robust_frontier(
    options_by_estimate: object, our_reservation: float = 0.0, their_reservation: float = 0.0
) -> RobustFrontier:
    """Every package Pareto-optimal under at least one estimate of their side, with the share
    of estimates under which it is, most robust first (then best for us, then
    ``itertools.product`` order), and the Nash package under each estimate.

    ``options_by_estimate`` maps each estimate's name (a team member, say) to an options table
    (or its rows); the tables share the issues, the options and our values, and differ in
    theirs. A plain list gets the names ``estimate 1``, ``estimate 2``, ... The reservations
    are those of :func:`~workbook.analysis.packages.nash_package`.
    """
    names, tables = _estimates(options_by_estimate)
    first = tables[0]
    sides = [first.values["ours"], *(t.values["theirs"] for t in tables)]
    scores = np.zeros((len(sides), 1), dtype=np.int64)
    rank = np.zeros(1, dtype=np.int64)
    steps: list[tuple[np.ndarray, np.ndarray]] = []
    for k in range(len(first.issues)):
        width, size = len(first.labels[k]), scores.shape[1]
        values = np.stack([side[k] for side in sides])  # sides x options
        sums = (values[:, :, None] + scores[:, None, :]).reshape(len(sides), -1)
        parent = np.tile(np.arange(size), width)
        option = np.repeat(np.arange(width), size)
        tiebreak = rank[parent] * width + option
        alive = np.zeros(sums.shape[1], dtype=bool)
        for e in range(1, len(sides)):
            alive |= _on_frontier(sums[0], sums[e])
        kept = np.flatnonzero(alive)
        kept = kept[np.argsort(tiebreak[kept], kind="stable")]
        _, first_seen = np.unique(sums[:, kept].T, axis=0, return_index=True)
        kept = kept[np.sort(first_seen)]  # one per score vector, the earliest; in rank order
        scores, parent, option = sums[:, kept], parent[kept], option[kept]
        rank = np.arange(len(kept), dtype=np.int64)
        steps.append((parent, option))
    chosen = np.empty((scores.shape[1], len(steps)), dtype=np.int64)
    at = np.arange(scores.shape[1])
    for k in range(len(steps) - 1, -1, -1):
        parent, option = steps[k]
        chosen[:, k] = option[at]
        at = parent[at]
    optimal = np.stack([_on_frontier(scores[0], scores[e]) for e in range(1, len(sides))])
    nash: dict[Hashable, Package | None] = {}
    for name, table in zip(names, tables, strict=True):
        nash[name] = Frontier(table, *_frontier(table)).nash(our_reservation, their_reservation)
    labels = first.labels
    position = {tuple(row): i for i, row in enumerate(chosen.tolist())}
    nash_of: dict[int, list[Hashable]] = {}
    for name, package in nash.items():
        if package is not None:
            picks = tuple(labels[k].index(o) for k, o in enumerate(package.options.values()))
            nash_of.setdefault(position[picks], []).append(name)
    counts = optimal.sum(axis=0)
    order = np.lexsort((np.arange(len(counts)), -scores[0], -counts))
    ours = _from_grid(scores[0], first.exponents["ours"])
    theirs = [_from_grid(scores[e + 1], t.exponents["theirs"]) for e, t in enumerate(tables)]
    rows = [
        RobustPackage(
            float(ours[i]),
            tuple(float(t[i]) for t in theirs),
            int(counts[i]) / len(names),
            tuple(n for e, n in enumerate(names) if optimal[e, i]),
            tuple(nash_of.get(int(i), ())),
            {issue: labels[k][chosen[i, k]] for k, issue in enumerate(first.issues)},
        )
        for i in order.tolist()
    ]
    return RobustFrontier(names, list(first.issues), rows, nash)
