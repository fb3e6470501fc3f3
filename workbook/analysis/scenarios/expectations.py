"""Exact expectations per move, the payoff table and least regret, the team's disagreement."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from workbook.analysis.scenarios.inputs import (
    ALL_RETALIATE,
    MAX_REGRET,
    NO_RETALIATION,
    QUANTITIES,
    ScenarioInputError,
    Triple,
    _check,
    _mean,
    _move_labels,
    _Plan,
)

if TYPE_CHECKING:
    import pandas as pd

    from workbook.model import Scenarios


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


class MoveExpectation(NamedTuple):
    """One move's exact expectations (a row of :func:`expected_values`)."""

    move_id: str
    move: str
    participants: int
    gain: float
    cooperation_probability: float
    cooperation: float
    retaliation: float
    net: float
    by_competitor: dict[str, float]
    """Expected damage of each competitor, by its label."""


EXPECTED_COLUMNS = (
    "move_id", "move", "participants", "gain", "cooperation_probability", "cooperation",
    "retaliation", "net",
)  # fmt: skip


def expectations(scenarios: Scenarios) -> list[MoveExpectation]:
    """:func:`expected_values` as plain rows, one per analysed move in plan order."""
    plan = _check(scenarios)
    e = _expect(plan)
    retaliation = e.retaliation.sum(axis=1)
    net = e.gain + e.cooperation - retaliation
    return [
        MoveExpectation(
            move.id,
            move.name,
            len(move.views),
            float(e.gain[m]),
            float(e.cooperation_probability[m]),
            float(e.cooperation[m]),
            float(retaliation[m]),
            float(net[m]),
            dict(zip(plan.competitors, e.retaliation[m].tolist(), strict=True)),
        )
        for m, move in enumerate(plan.moves)
    ]


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
    return expected_frame(expectations(scenarios))


def expected_frame(rows: list[MoveExpectation]) -> pd.DataFrame:
    """Rows of :func:`expectations` as the DataFrame :func:`expected_values` gives."""
    from workbook.frames import records_frame

    frame = records_frame([r[: len(EXPECTED_COLUMNS)] for r in rows], EXPECTED_COLUMNS)
    for label in rows[0].by_competitor if rows else ():
        frame[f"retaliation: {label}"] = [r.by_competitor[label] for r in rows]
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


@dataclass(frozen=True)
class Payoffs:
    """The payoff table as plain lists: ``values[i][j]`` is move ``moves[i]`` against
    response ``responses[j]`` (see :func:`payoff_table`)."""

    moves: list[str]
    responses: list[str]
    values: list[list[float]]

    def best(self) -> dict[str, tuple[str, float]]:
        """The best move against each response, with its payoff (ties: first listed)."""
        out = {}
        for j, response in enumerate(self.responses):
            column = [row[j] for row in self.values]
            top = max(column)
            out[response] = (self.moves[column.index(top)], top)
        return out

    def least_regret(self) -> tuple[str, float]:
        """The move whose largest regret over the responses is the smallest, and that regret."""
        best = [max(row[j] for row in self.values) for j in range(len(self.responses))]
        worst = [max(b - v for b, v in zip(best, row, strict=True)) for row in self.values]
        least = min(worst)
        return self.moves[worst.index(least)], least

    def to_frame(self) -> pd.DataFrame:
        """The table as :func:`payoff_table` gives it."""
        import pandas as pd

        return pd.DataFrame(
            np.array(self.values, dtype=float).reshape(len(self.moves), len(self.responses)),
            index=pd.Index(self.moves, name="move"),
            columns=self.responses,
        )


def payoffs(scenarios: Scenarios) -> Payoffs:
    """:func:`payoff_table` as plain lists."""
    plan = _check(scenarios)
    e = _expect(plan)
    base = e.gain + e.cooperation
    columns = {NO_RETALIATION: base}
    for k, label in enumerate(plan.competitors):
        columns[f"{label} retaliates"] = base - e.damage_if[:, k]
    if len(plan.competitors) > 1:
        columns[ALL_RETALIATE] = base - e.damage_if.sum(axis=1)
    values = np.column_stack(list(columns.values())).tolist()
    return Payoffs(_move_labels(plan), list(columns), values)


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
    return payoffs(scenarios).to_frame()


def _check_table(table: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

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
    import pandas as pd

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


class Disagreement(NamedTuple):
    """One estimate given by two or more participants (a row of :func:`disagreement`)."""

    move_id: str
    move: str
    quantity: str
    competitor: str
    participants: int
    likely: dict[str, float]
    lowest: str
    lowest_mean: float
    highest: str
    highest_mean: float
    spread: float


def disagreements(scenarios: Scenarios) -> list[Disagreement]:
    """:func:`disagreement` as plain rows, widest spread first, then in plan order."""
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
                Disagreement(
                    move.id,
                    move.name,
                    quantity,
                    competitor,
                    len(entries),
                    {p: r[1] for p, r in entries},
                    entries[lo][0],
                    means[lo],
                    entries[hi][0],
                    means[hi],
                    min(1.0, (means[hi] - means[lo]) / width) if width > 0 else 0.0,
                )
            )
    return sorted(rows, key=lambda row: row.spread, reverse=True)


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
    return disagreement_frame(disagreements(scenarios))


def disagreement_frame(rows: list[Disagreement]) -> pd.DataFrame:
    """Rows of :func:`disagreements` as the DataFrame :func:`disagreement` gives."""
    from workbook.frames import records_frame

    frame = records_frame(rows, Disagreement._fields)
    return frame.sort_values("spread", ascending=False, kind="stable", ignore_index=True)
