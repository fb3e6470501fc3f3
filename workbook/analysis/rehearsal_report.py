"""The debrief after a rehearsal (:mod:`workbook.analysis.rehearsal`).

:func:`rehearsal_report` says where the outcome sits against the frontier and the Nash
package, the value left unclaimed, our unanswered concessions (decided by the live ledger's
rules, on a ledger built from the rehearsal) and the plan's target and walk-away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np

from workbook.analysis.improve import (
    Change,
    Improvement,
    describe,
    improvements,
    read_options,
    read_package,
)
from workbook.analysis.ledger import (
    LedgerBalance,
    ledger_balance,
    ledger_flags,
    reciprocity_signals,
    unanswered_ids,
)
from workbook.analysis.packages import (
    Frontier,
    Package,
    _from_grid,
    _frontier,
    _Table,
)
from workbook.analysis.rehearsal import Counterpart, Move, RehearsalError
from workbook.flags import Flag
from workbook.model import Ledger, LedgerEntry, Plan

if TYPE_CHECKING:
    import pandas as pd


_START = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_NAME_LIMIT = 120


def _moves(moves: object) -> list[Move]:
    if isinstance(moves, Counterpart):
        return list(moves.moves)
    if isinstance(moves, str | bytes) or not isinstance(moves, Sequence):
        raise RehearsalError(
            f"the moves must be a list of rehearsal moves, not {type(moves).__name__}"
        )
    read = []
    for index, move in enumerate(moves):
        if isinstance(move, Mapping):
            move = Move._make(move.get(name) for name in Move._fields)
        good = (
            isinstance(move, Move)
            and move.side in ("us", "them")
            and move.kind in ("offer", "counter", "accept", "walk_away")
            and isinstance(move.round, int)
            and (move.options is None or isinstance(move.options, Mapping))
        )
        if not good:
            raise RehearsalError(f"move {index + 1} is not a rehearsal move")
        read.append(move)
    return read


def _short(text: str) -> str:
    return text if len(text) <= _NAME_LIMIT else text[: _NAME_LIMIT - 1] + "…"


class MoveRow(NamedTuple):
    """One move with what it gave, as the debrief lists it."""

    round: int
    side: str
    kind: str
    ours: float | None
    theirs: float | None
    changes: str
    concession: str
    """``given`` (ours), ``received`` (theirs) or empty when the move concedes nothing."""
    value_ours: float
    value_theirs: float
    unanswered: bool
    options: dict[Hashable, Hashable] | None


def _rows_and_ledger(
    moves: list[Move], table: _Table, plan: Plan | None
) -> tuple[list[MoveRow], Ledger]:
    """Each move scored again on the options, and the concessions as a ledger.

    Our offer is a concession given when it gives them more than our previous offer did
    (value to them: that much; cost to us: what we lose, if anything). Their counter-offer is
    a concession received when it gives us more than their previous one (value to us: that
    much; cost to them: what they lose, if anything). Openings are not concessions.
    """
    variables: dict[Hashable, Any] = {}
    if plan is not None:
        variables = {v.name: v for v in plan.concessions.variables}
    last: dict[str, Package] = {}
    entries: list[LedgerEntry] = []
    scored: list[tuple[Move, Package | None, tuple[Change, ...], str, float, float, str]] = []
    for move in moves:
        package = None
        changes: tuple[Change, ...] = ()
        concession, value_ours, value_theirs, entry_id = "", 0.0, 0.0, ""
        if move.options is not None:
            picks = read_package(table, move.options)
            package = _score(table, picks)
        if package is not None and move.kind in ("offer", "counter"):
            before = last.get(move.side)
            if before is not None:
                changes = tuple(
                    Change(i, before.options[i], package.options[i])
                    for i in table.issues
                    if before.options[i] != package.options[i]
                )
                d_ours, d_theirs = package.ours - before.ours, package.theirs - before.theirs
                if move.side == "us" and d_theirs > 0:
                    concession, value_ours, value_theirs = "given", max(0.0, -d_ours), d_theirs
                elif move.side == "them" and d_ours > 0:
                    concession, value_ours, value_theirs = "received", d_ours, max(0.0, -d_theirs)
            last[move.side] = package
        if concession:
            entry_id = f"r{move.round}-{move.side}"
            variable = _variable(changes, variables)
            entries.append(
                LedgerEntry(
                    id=entry_id,
                    at=_START + dt.timedelta(seconds=2 * move.round + (move.side == "them")),
                    direction=concession,  # type: ignore[arg-type]
                    variable_id=None if variable is None else variable.id,
                    description=_short(f"round {move.round}: {describe(changes)}"),
                    value_ours=value_ours,
                    value_theirs=value_theirs,
                )
            )
        scored.append((move, package, changes, concession, value_ours, value_theirs, entry_id))
    ledger = Ledger(entries=entries)
    open_ids = set(unanswered_ids(entries))
    rows = [
        MoveRow(
            move.round,
            move.side,
            move.kind,
            None if package is None else package.ours,
            None if package is None else package.theirs,
            describe(changes),
            concession,
            value_ours,
            value_theirs,
            entry_id in open_ids,
            None if package is None else package.options,
        )
        for move, package, changes, concession, value_ours, value_theirs, entry_id in scored
    ]
    return rows, ledger


def _variable(changes: Sequence[Change], variables: Mapping[Hashable, Any]) -> Any:
    """The planner variable a move is logged on: the first off the agenda it touches, else
    the first it touches."""
    touched = [variables[c.issue] for c in changes if c.issue in variables]
    off = [v for v in touched if not v.on_agenda]
    return (off or touched or [None])[0]


def _score(table: _Table, picks: Sequence[int]) -> Package:
    grids = {
        side: sum(int(v[j]) for v, j in zip(table.values[side], picks, strict=True))
        for side in ("ours", "theirs")
    }
    values = {
        side: float(_from_grid(np.array([grids[side]], dtype=object), table.exponents[side])[0])
        for side in grids
    }
    options = {
        issue: table.labels[k][j]
        for k, (issue, j) in enumerate(zip(table.issues, picks, strict=True))
    }
    return Package(values["ours"], values["theirs"], options)


def step_flags(rows: Sequence[MoveRow]) -> list[Flag]:
    """Our concessions that do not shrink: each should cost us less than the one before."""
    flags = []
    previous: float | None = None
    for row in rows:
        if row.concession != "given":
            continue
        if previous is not None and previous > 0 and row.value_ours >= previous:
            flags.append(
                Flag.of(
                    "problem",
                    f"Round {row.round}",
                    "concessions.step_not_shrinking",
                    cost=row.value_ours,
                    previous=previous,
                )
            )
        previous = row.value_ours
    return flags


@dataclass(frozen=True)
class RehearsalReport:
    """The debrief of a rehearsal (see :func:`rehearsal_report`)."""

    outcome: Literal["open", "agreed", "walked_away"]
    rounds: int
    deal: Package | None
    """The package agreed, or None."""
    efficient: bool | None
    """Whether the deal is on the Pareto frontier (None without a deal)."""
    unclaimed: float | None
    """The largest joint gain still open without making either side worse off."""
    best_improvement: Improvement | None
    distance: float | None
    """The deal's straight-line distance to the nearest frontier point, in score units."""
    nash: Package | None
    nash_product: float | None
    """The deal's (ours − our walk-away) × (theirs − their floor), or None."""
    our_target: float | None
    our_walk_away: float | None
    unanswered: list[str]
    """Our concessions nothing answered, by the live ledger's rule."""
    flags: list[Flag]
    balance: LedgerBalance
    ledger: Ledger
    moves: list[MoveRow]

    @property
    def against_target(self) -> float | None:
        """The deal's score for us minus the plan's target."""
        if self.deal is None or self.our_target is None:
            return None
        return self.deal.ours - self.our_target

    @property
    def above_walk_away(self) -> bool | None:
        """Whether the deal gives us at least our walk-away."""
        if self.deal is None or self.our_walk_away is None:
            return None
        return self.deal.ours >= self.our_walk_away

    def key_figures(self) -> list[tuple[str, str]]:
        """The debrief's key figures as (label, text) pairs, as the app and the brief show
        them: scores us · them, the value left unclaimed, the distance to the frontier and
        the deal against our walk-away (each when there is one)."""
        pairs = []
        if self.deal is not None:
            pairs.append(("Deal: us · them", f"{self.deal.ours:,.1f} · {self.deal.theirs:,.1f}"))
        if self.nash is not None:
            nash = f"{self.nash.ours:,.1f} · {self.nash.theirs:,.1f}"
            pairs.append(("Nash package: us · them", nash))
        if self.unclaimed is not None:
            pairs.append(("Left unclaimed", f"{self.unclaimed:,.1f}"))
        if self.distance is not None:
            pairs.append(("Distance to the frontier", f"{self.distance:,.1f}"))
        if self.deal is not None and self.our_walk_away is not None:
            gap = self.deal.ours - self.our_walk_away
            pairs.append(("Against our walk-away (package floor)", f"{gap:+,.1f}"))
        return pairs

    def summary(self) -> dict[str, Any]:
        """The debrief's figures as plain data."""
        deal, nash = self.deal, self.nash
        return {
            "outcome": self.outcome,
            "rounds": self.rounds,
            "ours": None if deal is None else deal.ours,
            "theirs": None if deal is None else deal.theirs,
            "efficient": self.efficient,
            "unclaimed": self.unclaimed,
            "distance_to_frontier": self.distance,
            "nash_ours": None if nash is None else nash.ours,
            "nash_theirs": None if nash is None else nash.theirs,
            "nash_product": self.nash_product,
            "against_target": self.against_target,
            "above_walk_away": self.above_walk_away,
            "unanswered": list(self.unanswered),
        }

    def to_frame(self) -> pd.DataFrame:
        """The moves, one row each: round, side, kind, scores, what changed, the concession
        it is (given, received or none), its value to each side and whether it went
        unanswered."""
        import pandas as pd

        columns = [f for f in MoveRow._fields if f != "options"]
        return pd.DataFrame([row[: len(columns)] for row in self.moves], columns=columns)


def rehearsal_report(
    moves: object,
    options: object,
    *,
    our_target: float | None = None,
    our_walk_away: float | None = None,
    their_floor: float | None = None,
    plan: Plan | None = None,
) -> RehearsalReport:
    """The debrief of a rehearsal: ``moves`` (a :class:`Counterpart`, its ``moves``, or the
    same as plain mappings) scored on ``options``.

    ``our_target`` and ``our_walk_away`` are package scores for us (planner units); the Nash
    package is taken above our walk-away and ``their_floor`` (0 when not given). With the
    ``plan``, each concession is logged on its planner variable, so the ledger's check for
    moves off the agenda runs too, and our walk-away defaults to our package floor.
    """
    table = read_options(options)
    read = _moves(moves)
    if plan is not None and our_walk_away is None:
        our_walk_away = plan.concessions.positions.ours.package_floor
    rows, ledger = _rows_and_ledger(read, table, plan)
    answers = [m for m in read if m.side == "them"]
    outcome: Literal["open", "agreed", "walked_away"] = "open"
    deal = None
    if answers and answers[-1].kind == "accept":
        outcome = "agreed"
        deal = _score(table, read_package(table, answers[-1].options))
    elif answers and answers[-1].kind == "walk_away":
        outcome = "walked_away"
    front = Frontier(table, *_frontier(table))
    r_ours = 0.0 if our_walk_away is None else our_walk_away
    r_theirs = 0.0 if their_floor is None else their_floor
    nash = front.nash(r_ours, r_theirs)
    efficient = unclaimed = distance = product = None
    best: Improvement | None = None
    if deal is not None:
        found = improvements(table, deal, limit=1)
        efficient = found.efficient
        best = None if found.efficient else found.rows[0]
        unclaimed = 0.0 if best is None else best.joint_gain
        gaps = np.hypot(front.ours - deal.ours, front.theirs - deal.theirs)
        distance = float(gaps.min())
        if deal.ours >= r_ours and deal.theirs >= r_theirs:
            product = (deal.ours - r_ours) * (deal.theirs - r_theirs)
    if plan is not None:
        # a rehearsal's values are package scores (planner points), never money
        flags = ledger_flags(plan.model_copy(update={"ledger": ledger}), currency="")
    else:
        flags = reciprocity_signals(ledger)
    flags += step_flags(rows)
    open_ids = set(unanswered_ids(ledger.entries))
    unanswered = [e.description for e in ledger.entries if e.id in open_ids]
    return RehearsalReport(
        outcome,
        len(answers),
        deal,
        efficient,
        unclaimed,
        best,
        distance,
        nash,
        product,
        our_target,
        our_walk_away,
        unanswered,
        flags,
        ledger_balance(ledger),
        ledger,
        rows,
    )
