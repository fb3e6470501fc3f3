"""Concession planner: trade currency, the zone of agreement, packages and plan checks.

Values follow the planner: each option's value to us and to them, weighted per variable
(``plan.concessions.to_frame()`` holds the weighted ``ours`` and ``theirs``).

>>> from workbook.store import example_plan
>>> zopa(example_plan()).statement
'Zone of possible agreement: EUR 3,700,000 to EUR 4,100,000 (EUR 400,000 wide).'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbook.analysis.packages import best_package, nash_package, pareto_frontier, planner_options
from workbook.analysis.strategy import Flag
from workbook.model import ConcessionPlanner, Plan

SAMPLE_LIMIT = 4000
"""Largest number of packages drawn on the package chart; larger spaces are sampled."""


def trade_currency(planner: ConcessionPlanner) -> pd.DataFrame:
    """Every possible concession on the agenda: moving a variable from our best option.

    Cost to us and value to them are weighted like the packages. A concession worth more
    to them than it costs us creates value; "cheap" means a cost at or below the median.
    Quadrants: "trade currency" (cheap, creates value) first, then "bargaining chip" (creates
    value but costly: trade only for a lot), "throw-in" (cheap, little value) and "avoid".
    """
    rows = []
    for var in planner.variables:
        if len(var.options) < 2 or not var.on_agenda:
            continue
        best = max(var.options, key=lambda o: (o.ours, -o.theirs))
        for option in var.options:
            if option.id == best.id:
                continue
            cost = var.weight_ours * (best.ours - option.ours) / 100
            value = var.weight_theirs * (option.theirs - best.theirs) / 100
            rows.append(
                (var.id, var.name, var.on_agenda, best.label, option.id, option.label, cost, value)
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "variable_id",
            "variable",
            "on_agenda",
            "from_option",
            "option_id",
            "to_option",
            "cost_to_us",
            "value_to_them",
        ],
    )
    if frame.empty:
        return frame.assign(ratio=[], quadrant=[])
    cheap = frame["cost_to_us"] <= float(frame["cost_to_us"].median())
    creates = frame["value_to_them"] > frame["cost_to_us"]
    frame["quadrant"] = np.select(
        [cheap & creates, ~cheap & creates, cheap & ~creates],
        ["trade currency", "bargaining chip", "throw-in"],
        "avoid",
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = frame["value_to_them"] / frame["cost_to_us"].where(frame["cost_to_us"] > 0)
    frame["ratio"] = ratio.fillna(np.inf).where(frame["value_to_them"] > 0, 0.0)
    order = {"trade currency": 0, "bargaining chip": 1, "throw-in": 2, "avoid": 3}
    frame["_q"] = frame["quadrant"].map(order)
    frame = frame.sort_values(
        ["_q", "ratio", "cost_to_us"], ascending=[True, False, True], kind="stable"
    ).drop(columns="_q")
    return frame.reset_index(drop=True)


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
        return Zopa(
            None, None, None, "Set both walk-away points to see the zone of possible agreement."
        )
    seller, buyer = (ours, theirs) if plan.side == "sell" else (theirs, ours)
    money = lambda v: f"{plan.currency} {v:,.0f}"  # noqa: E731 - a local formatter
    if seller > buyer:
        return Zopa(
            None,
            None,
            False,
            (
                f"There is no zone of possible agreement: the seller needs at least "
                f"{money(seller)}, the buyer goes no higher than {money(buyer)} "
                f"({money(seller - buyer)} apart). Improve the BATNA or change the deal's scope."
            ),
        )
    return Zopa(
        seller,
        buyer,
        True,
        f"Zone of possible agreement: {money(seller)} to {money(buyer)} "
        f"({money(buyer - seller)} wide).",
    )


@dataclass(frozen=True)
class PackageView:
    """What the package chart shows."""

    space: pd.DataFrame
    sampled: bool
    total: int
    frontier: pd.DataFrame
    nash: pd.Series | None
    best: pd.Series | None
    current: pd.Series | None
    our_floor: float
    their_floor: float


def package_view(planner: ConcessionPlanner, seed: int = 0) -> PackageView | None:
    """Packages of the variables on the agenda: the space, frontier, Nash and best package,
    and the offer on the table; None when no variable on the agenda has options."""
    agenda = planner.model_copy(update={"variables": [v for v in planner.variables if v.on_agenda]})
    options = planner_options(agenda)
    if options.empty:
        return None
    positions = planner.positions
    our_floor = positions.ours.package_floor or 0.0
    their_floor = positions.theirs.package_floor or 0.0
    frontier = pareto_frontier(options)
    space, total, sampled = _sample_space(options, seed)
    current = _current(agenda, options)
    return PackageView(
        space,
        sampled,
        total,
        frontier,
        nash_package(options, our_floor, their_floor),
        best_package(options, their_floor),
        current,
        our_floor,
        their_floor,
    )


def _sample_space(options: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, int, bool]:
    groups = [g for _, g in options.groupby("issue", sort=False)]
    total = 1
    for g in groups:
        total *= len(g)
    if total <= SAMPLE_LIMIT:
        ours, theirs = np.zeros(1), np.zeros(1)
        for g in groups:
            ours = (ours[:, None] + g["ours"].to_numpy()[None, :]).ravel()
            theirs = (theirs[:, None] + g["theirs"].to_numpy()[None, :]).ravel()
        return pd.DataFrame({"ours": ours, "theirs": theirs}), total, False
    rng = np.random.default_rng(seed)
    ours, theirs = np.zeros(SAMPLE_LIMIT), np.zeros(SAMPLE_LIMIT)
    for g in groups:
        pick = rng.integers(0, len(g), SAMPLE_LIMIT)
        ours += g["ours"].to_numpy()[pick]
        theirs += g["theirs"].to_numpy()[pick]
    return pd.DataFrame({"ours": ours, "theirs": theirs}), total, True


def _current(planner: ConcessionPlanner, options: pd.DataFrame) -> pd.Series | None:
    """The offer on the table as a package, when it names an option for every variable."""
    labels = {o.id: (v.name, o.label) for v in planner.variables for o in v.options}
    chosen = [labels[o] for o in planner.current_offer.values() if o in labels]
    issues = options["issue"].unique()
    picked = dict(chosen)
    if set(picked) != set(issues):
        return None
    rows = options[
        [picked[i] == o for i, o in zip(options["issue"], options["option"], strict=True)]
    ]
    return pd.Series({"ours": rows["ours"].sum(), "theirs": rows["theirs"].sum(), **picked})


def plan_checks(plan: Plan) -> list[Flag]:
    """Bad-faith anchors, scope creep, unanswered or growing steps, wrong reasons."""
    planner = plan.concessions
    flags: list[Flag] = []
    variables = {v.id: v for v in planner.variables}
    positions = planner.positions
    market = positions.market_reference
    if market:
        for who, side in (("Their", positions.theirs), ("Our", positions.ours)):
            if side.opening is None:
                continue
            gap = abs(side.opening - market) / market * 100
            if gap > positions.anchor_threshold_pct:
                severity = "problem" if who == "Their" else "warning"
                advice = (
                    "do not haggle from it: restate the market and ask for a serious offer"
                    if who == "Their"
                    else "an anchor this far out costs credibility"
                )
                flags.append(
                    Flag(
                        severity,
                        f"{who} opening",
                        f"{gap:.0f}% away from the market reference, beyond the "
                        f"{positions.anchor_threshold_pct:g}% you set: {advice}",
                    )
                )
    for index, step in enumerate(planner.steps, start=1):
        for field, who in (("our_variable_id", "we give"), ("their_variable_id", "they give")):
            var = variables.get(getattr(step, field) or "")
            if var is not None and not var.on_agenda:
                flags.append(
                    Flag(
                        "problem",
                        f"Step {index}",
                        f"{who} on {var.name}, which is not on the agreed agenda: scope creep",
                    )
                )
        if step.reason_kind != "business":
            flags.append(
                Flag(
                    "problem",
                    f"Step {index}",
                    f"meant to solve a {step.reason_kind} problem: those are solved "
                    "by talking, not with a business concession",
                )
            )
        if step.their_value and step.our_cost and step.their_value < step.our_cost:
            flags.append(
                Flag(
                    "warning",
                    f"Step {index}",
                    "costs us more than it is worth to them: not trade currency",
                )
            )
    costs = [s.our_cost for s in planner.steps]
    for index in range(1, len(costs)):
        if costs[index] >= costs[index - 1] and costs[index - 1] > 0:
            flags.append(
                Flag(
                    "problem",
                    f"Step {index + 1}",
                    "not smaller than the step before: shrinking steps tell them "
                    "the bottom is near",
                )
            )
    if planner.steps and not planner.no_reciprocity.ask_for.strip():
        flags.append(
            Flag(
                "warning",
                "No reciprocity",
                "prepare the specific concession to ask for if they do not answer",
            )
        )
    return flags
