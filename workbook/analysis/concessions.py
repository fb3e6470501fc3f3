"""Concession planner: trade currency, the zone of agreement, packages and plan checks.

Values follow the planner: each option's value to us and to them, weighted per variable
(``plan.concessions.to_frame()`` holds the weighted ``ours`` and ``theirs``).

>>> from workbook.store import example_plan
>>> zopa(example_plan()).statement
'Zone of possible agreement: EUR 3,888,000 to EUR 4,233,600 (EUR 345,600 wide).'
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from workbook.analysis.packages import Frontier, OptionRow, Package, frontier, planner_rows
from workbook.content import advice
from workbook.flags import Flag
from workbook.model import ConcessionPlanner, Plan

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_LIMIT = 4000
"""Largest number of packages drawn on the package chart; larger spaces are sampled."""


def _rates(planner: ConcessionPlanner) -> tuple[float | None, float | None]:
    if planner.unit == "money":
        return 1.0, 1.0
    return planner.point_value_ours or None, planner.point_value_theirs or None


@dataclass(frozen=True)
class MoveValue:
    """What moving one variable from one option to another does to each side.

    ``ours`` and ``theirs`` are the changes in each side's value (a cost is negative), in
    money when ``money`` is True, otherwise in weighted points; None when it cannot be said.
    """

    ours: float | None
    theirs: float | None
    money: bool


def price_total(planner: ConcessionPlanner, amount: float) -> float | None:
    """A unit price over the whole deal: volume × months × price; None without a volume."""
    if planner.volume is None or planner.term_months is None:
        return None
    return planner.volume * planner.term_months * amount


def move_value(
    planner: ConcessionPlanner, variable_id: str, from_id: str, to_id: str, side: str = "sell"
) -> MoveValue | None:
    """The change in value for each side when a variable moves between two options.

    A money variable is a transfer: what it costs one side it gives the other, so its
    value to them is minus its value to us. The price variable with unit prices, a volume
    and a term is valued exactly (volume × months × the change in price); other options go
    through the weights and, in points, each side's exchange rate. None when the variable
    or an option is unknown.
    """
    var = next((v for v in planner.variables if v.id == variable_id), None)
    if var is None:
        return None
    options = {o.id: o for o in var.options}
    if from_id not in options or to_id not in options:
        return None
    a, b = options[from_id], options[to_id]
    rate_ours, rate_theirs = _rates(planner)
    if (
        var.money
        and var.id == planner.price_variable_id
        and a.amount is not None
        and b.amount is not None
        and (delta := price_total(planner, b.amount - a.amount)) is not None
    ):
        ours = delta if side == "sell" else -delta
        return MoveValue(ours, -ours, True)
    ours_points = var.weight_ours * (b.ours - a.ours) / 100
    theirs_points = var.weight_theirs * (b.theirs - a.theirs) / 100
    if rate_ours is not None and (var.money or rate_theirs is not None):
        ours = ours_points * rate_ours
        theirs = -ours if var.money else theirs_points * (rate_theirs or 0.0)
        return MoveValue(ours, theirs, True)
    if var.money:
        return MoveValue(ours_points, None, False)
    return MoveValue(ours_points, theirs_points, False)


class Trade(NamedTuple):
    """One possible concession and what it is worth (a row of :func:`trade_currency`)."""

    variable_id: str
    variable: str
    on_agenda: bool
    from_option: str
    option_id: str
    to_option: str
    cost_to_us: float
    value_to_them: float
    scale: str
    transfer: bool
    quadrant: str
    ratio: float


QUADRANT_ORDER = {
    "trade currency": 0,
    "bargaining chip": 1,
    "throw-in": 2,
    "transfer": 3,
    "avoid": 4,
}
"""The quadrants of :func:`trade_currency`, in the order it lists them."""


def trades(planner: ConcessionPlanner, side: str = "sell") -> list[Trade]:
    """:func:`trade_currency` as plain rows, in its order."""
    rows = []
    for var in planner.variables:
        if len(var.options) < 2 or not var.on_agenda:
            continue
        best = max(var.options, key=lambda o: (o.ours, -o.theirs))
        for option in var.options:
            if option.id == best.id:
                continue
            move = move_value(planner, var.id, best.id, option.id, side)
            assert move is not None and move.ours is not None
            cost = -move.ours
            value = cost if var.money else move.theirs
            assert value is not None
            rows.append(
                (
                    var.id,
                    var.name,
                    var.on_agenda,
                    best.label,
                    option.id,
                    option.label,
                    float(cost),
                    float(value),
                    "money" if move.money else "points",
                    bool(var.money),
                )
            )
    if not rows:
        return []
    median = float(np.median([row[6] for row in rows]))
    out = []
    for row in rows:
        cost, value, transfer = row[6], row[7], row[9]
        cheap, creates = cost <= median, value > cost
        quadrant = (
            "transfer"
            if transfer
            else "trade currency"
            if cheap and creates
            else "bargaining chip"
            if creates
            else "throw-in"
            if cheap
            else "avoid"
        )
        ratio = (value / cost if cost > 0 else math.inf) if value > 0 else 0.0
        out.append(Trade(*row, quadrant, ratio))
    return sorted(out, key=lambda t: (QUADRANT_ORDER[t.quadrant], -t.ratio, t.cost_to_us))


def trade_currency(planner: ConcessionPlanner, side: str = "sell") -> pd.DataFrame:
    """Every possible concession on the agenda: moving a variable from our best option.

    Cost to us and value to them are on one money scale when the values can be read in
    money (the planner is scored in money, or both sides' points have a money value),
    otherwise in weighted points (``scale`` says which). A
    concession worth more to them than it costs us creates value; "cheap" means a cost at
    or below the median. Quadrants: "trade currency" (cheap, creates value) first, then
    "bargaining chip" (creates value but costly: trade only for a lot), "throw-in" (cheap,
    little value), "transfer" (money changing hands: it gives them exactly what it costs us,
    never trade currency) and "avoid".
    """
    from workbook.frames import records_frame

    rows = trades(planner, side)
    if not rows:
        return records_frame([], Trade._fields[:-2]).assign(ratio=[], quadrant=[])
    frame = records_frame(rows, Trade._fields)
    return frame.astype({"cost_to_us": float, "value_to_them": float, "transfer": bool})


@dataclass(frozen=True)
class Zopa:
    """The zone of possible agreement on the deal value, in the plan's currency."""

    low: float | None
    high: float | None
    exists: bool | None
    statement: str


def zopa(plan: Plan) -> Zopa:
    """Where both walk-away points leave room for a deal, or a plain statement that none does."""
    ours = plan.concessions.positions.ours.reservation
    theirs = plan.concessions.positions.theirs.reservation
    if ours is None or theirs is None:
        return Zopa(None, None, None, advice("concessions.zopa_unknown"))
    seller, buyer = (ours, theirs) if plan.side == "sell" else (theirs, ours)
    money = lambda v: f"{plan.currency} {v:,.0f}"  # noqa: E731 - a local formatter
    if seller > buyer:
        return Zopa(
            None,
            None,
            False,
            advice(
                "concessions.zopa_none",
                seller=money(seller),
                buyer=money(buyer),
                gap=money(seller - buyer),
            ),
        )
    return Zopa(
        seller,
        buyer,
        True,
        advice(
            "concessions.zopa",
            seller=money(seller),
            buyer=money(buyer),
            width=money(buyer - seller),
        ),
    )


@dataclass(frozen=True)
class PackageView:
    """What the package chart shows.

    ``space_ours`` and ``space_theirs`` score the packages drawn (a sample of ``total`` when
    ``sampled``), ``pareto`` is the Pareto frontier, ``nash_choice`` the Nash package,
    ``best_choice`` the best package for us above their floor and ``offer`` the offer on
    the table. ``space``, ``frontier``, ``nash``, ``best`` and ``current`` give them as
    pandas objects.
    """

    space_ours: np.ndarray
    space_theirs: np.ndarray
    sampled: bool
    total: int
    pareto: Frontier
    nash_choice: Package | None
    best_choice: Package | None
    offer: Package | None
    our_floor: float
    their_floor: float

    @property
    def space(self) -> pd.DataFrame:
        """The packages drawn: ours, theirs."""
        import pandas as pd

        return pd.DataFrame({"ours": self.space_ours, "theirs": self.space_theirs})

    @property
    def frontier(self) -> pd.DataFrame:
        """The Pareto frontier, as :func:`~workbook.analysis.packages.pareto_frontier`."""
        return self.pareto.to_frame()

    @property
    def nash(self) -> pd.Series | None:
        """The Nash package as a Series (ours, theirs, then the option of each variable)."""
        return None if self.nash_choice is None else self.nash_choice.to_series()

    @property
    def best(self) -> pd.Series | None:
        """The best package for us above their floor, as a Series."""
        return None if self.best_choice is None else self.best_choice.to_series()

    @property
    def current(self) -> pd.Series | None:
        """The offer on the table as a package, as a Series."""
        return None if self.offer is None else self.offer.to_series()


def package_view(planner: ConcessionPlanner, seed: int = 0) -> PackageView | None:
    """Packages of the variables on the agenda: the space, frontier, Nash and best package,
    and the offer on the table; None when no variable on the agenda has options."""
    agenda = planner.model_copy(update={"variables": [v for v in planner.variables if v.on_agenda]})
    options = planner_rows(agenda)
    if not options:
        return None
    positions = planner.positions
    our_floor = positions.ours.package_floor or 0.0
    their_floor = positions.theirs.package_floor or 0.0
    pareto = frontier(options)
    ours, theirs, total, sampled = _sample_space(options, seed)
    return PackageView(
        ours,
        theirs,
        sampled,
        total,
        pareto,
        pareto.nash(our_floor, their_floor),
        pareto.best(their_floor),
        _current(agenda, options),
        our_floor,
        their_floor,
    )


def _sample_space(options: list[OptionRow], seed: int) -> tuple[np.ndarray, np.ndarray, int, bool]:
    by_issue: dict[object, list[OptionRow]] = {}
    for row in options:
        by_issue.setdefault(row.issue, []).append(row)
    groups = [
        (np.array([r.ours for r in g], dtype=float), np.array([r.theirs for r in g], dtype=float))
        for g in by_issue.values()
    ]
    total = 1
    for g, _ in groups:
        total *= len(g)
    if total <= SAMPLE_LIMIT:
        ours, theirs = np.zeros(1), np.zeros(1)
        for g_ours, g_theirs in groups:
            ours = (ours[:, None] + g_ours[None, :]).ravel()
            theirs = (theirs[:, None] + g_theirs[None, :]).ravel()
        return ours, theirs, total, False
    rng = np.random.default_rng(seed)
    ours, theirs = np.zeros(SAMPLE_LIMIT), np.zeros(SAMPLE_LIMIT)
    for g_ours, g_theirs in groups:
        pick = rng.integers(0, len(g_ours), SAMPLE_LIMIT)
        ours += g_ours[pick]
        theirs += g_theirs[pick]
    return ours, theirs, total, True


def _current(planner: ConcessionPlanner, options: list[OptionRow]) -> Package | None:
    """The offer on the table as a package, when it names an option for every variable."""
    labels = {o.id: (v.name, o.label) for v in planner.variables for o in v.options}
    picked: dict[Hashable, Hashable] = dict(
        labels[o] for o in planner.current_offer.values() if o in labels
    )
    if set(picked) != {row.issue for row in options}:
        return None
    rows = [row for row in options if picked[row.issue] == row.option]
    return Package(
        float(np.sum(np.array([r.ours for r in rows], dtype=float))),
        float(np.sum(np.array([r.theirs for r in rows], dtype=float))),
        picked,
    )


def plan_checks(plan: Plan) -> list[Flag]:
    """Bad-faith anchors, scope creep, unanswered or growing steps, wrong reasons."""
    planner = plan.concessions
    flags: list[Flag] = []
    variables = {v.id: v for v in planner.variables}
    flags += anchor_checks(plan)
    for index, step in enumerate(planner.steps, start=1):
        for field, code in (
            ("our_variable_id", "concessions.step_off_agenda_ours"),
            ("their_variable_id", "concessions.step_off_agenda_theirs"),
        ):
            var = variables.get(getattr(step, field) or "")
            if var is not None and not var.on_agenda:
                flags.append(Flag.of("problem", f"Step {index}", code, variable=var.name))
        if step.reason_kind != "business":
            flags.append(
                Flag.of(
                    "problem",
                    f"Step {index}",
                    "concessions.step_wrong_reason",
                    kind=step.reason_kind,
                )
            )
        if step.their_value and step.our_cost and step.their_value < step.our_cost:
            flags.append(Flag.of("warning", f"Step {index}", "concessions.step_not_currency"))
    flags += step_size_flags(planner)
    if planner.steps and not planner.no_reciprocity.ask_for.strip():
        flags.append(Flag.of("warning", "No reciprocity", "concessions.no_fallback_ask"))
    from workbook.analysis.preparation import preparation_checks

    return flags + preparation_checks(plan)


def anchor_checks(plan: Plan) -> list[Flag]:
    """Openings far from the market reference, judged by their justification.

    An ambitious opening of ours is fine when the team wrote the objective criteria behind
    it (the first offer's criteria); far from the market with nothing written, it cannot
    be defended. Their far-out opening is not bargained from: we re-anchor on criteria.
    """
    positions = plan.concessions.positions
    market = positions.market_reference
    flags: list[Flag] = []
    if not market:
        return flags
    limit = positions.anchor_threshold_pct
    criteria = positions.first_offer.criteria.strip()
    ours, theirs = positions.ours.opening, positions.theirs.opening
    if ours is not None:
        gap = abs(ours - market) / market * 100
        if gap > limit and not criteria:
            flags.append(
                Flag.of(
                    "warning",
                    "Our opening",
                    "concessions.anchor_ours",
                    gap=gap,
                    currency=plan.currency,
                    market=market,
                    limit=limit,
                )
            )
    if theirs is not None:
        gap = abs(theirs - market) / market * 100
        if gap > limit:
            flags.append(
                Flag.of(
                    "warning",
                    "Their opening",
                    "concessions.anchor_theirs"
                    if criteria
                    else "concessions.anchor_theirs_no_criteria",
                    gap=gap,
                    limit=limit,
                )
            )
    return flags


def _steps_in_money(planner: ConcessionPlanner) -> bool:
    return planner.unit == "money" or bool(planner.point_value_ours)


def step_size_flags(planner: ConcessionPlanner) -> list[Flag]:
    """Steps that do not shrink.

    Steps are compared with the previous step on the same variable; across variables only
    when step costs are in money (a money planner, or points with an exchange rate). A
    larger step on another variable, in points, is a note: points of two variables do not
    compare.
    """
    flags: list[Flag] = []
    money = _steps_in_money(planner)
    last_by_variable: dict[str | None, float] = {}
    previous: float | None = None
    for index, step in enumerate(planner.steps, start=1):
        cost = step.our_cost
        same = last_by_variable.get(step.our_variable_id) if step.our_variable_id else None
        if same is not None and same > 0 and cost >= same:
            flags.append(
                Flag.of(
                    "problem",
                    f"Step {index}",
                    "concessions.step_not_shrinking_same",
                    cost=cost,
                    previous=same,
                )
            )
        elif previous is not None and previous > 0 and cost >= previous:
            if money:
                flags.append(
                    Flag.of(
                        "problem",
                        f"Step {index}",
                        "concessions.step_not_shrinking",
                        cost=cost,
                        previous=previous,
                    )
                )
            else:
                flags.append(Flag.of("note", f"Step {index}", "concessions.step_larger_points"))
        if step.our_variable_id:
            last_by_variable[step.our_variable_id] = cost
        previous = cost
    return flags


def steps_shrink(planner: ConcessionPlanner) -> bool:
    """Whether the concession plan's steps shrink by the rule of :func:`step_size_flags`."""
    return not any(f.severity == "problem" for f in step_size_flags(planner))
