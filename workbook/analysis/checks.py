"""Consistency checks: a plan's figures measured against each other.

Every check is a pure function of the plan. It names the figures it compared and the
field to fix, and stays silent when the figures it needs are missing. The section views
show the checks that concern them; the brief lists them all under "Check before the
meeting".

>>> from workbook.store import example_plan
>>> consistency_checks(example_plan())
[]
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbook.analysis.concessions import move_value, price_total
from workbook.content import advice
from workbook.flags import Flag, Severity
from workbook.model import ConcessionPlanner, LedgerEntry, Plan
from workbook.working import evaluate

FAR_BEYOND_BATNA = 0.25
"""A walk-away more than this share better than the BATNA's value needs a stated reason."""

REL_TOL = 0.005
"""Figures within half a percent (or one unit of currency) of each other agree."""


@dataclass(frozen=True)
class Check(Flag):
    """A flag from a consistency check: which section it concerns and which field to fix
    (the advice text of its code followed by ``_fix``)."""

    section: str = ""

    @classmethod
    def on(
        cls, section: str, severity: Severity, subject: str, code: str, /, **params: Any
    ) -> Check:
        """A check of ``section`` with its advice values given by name."""
        return cls(severity, subject, code, tuple(params.items()), section)

    @property
    def fix(self) -> str:
        """The field to fix, in the content's words."""
        return advice(f"{self.code}_fix", **dict(self.params))

    @property
    def detail(self) -> str:
        """The reason and the field to fix."""
        return f"{self.reason} Fix: {self.fix}."


def agree(a: float, b: float) -> bool:
    """Whether two figures agree within :data:`REL_TOL` (or one unit)."""
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1.0)


def _money(plan: Plan, amount: float) -> str:
    return f"{plan.currency} {amount:,.0f}"


def _figure(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# --- concessions: positions, prices, steps -------------------------------------------------


def _price_totals(plan: Plan) -> tuple[list[tuple[str, float, float]], str] | None:
    """(label, unit price, total) per option of the price variable, and the formula."""
    c = plan.concessions
    var = next((v for v in c.variables if v.id == c.price_variable_id), None)
    if var is None or c.volume is None or c.term_months is None:
        return None
    rows = []
    for option in var.options:
        if option.amount is not None:
            total = price_total(c, option.amount)
            assert total is not None
            rows.append((option.label, option.amount, total))
    if not rows:
        return None
    formula = f"{_figure(c.volume)} units × {c.term_months} months × the unit price"
    return rows, formula


def position_checks(plan: Plan) -> list[Check]:
    """Money positions, the deal value and the first offer that the price options cannot
    reach (volume × months × unit price, from the lowest option to the highest)."""
    checks: list[Check] = []
    c = plan.concessions
    p = c.positions
    priced = _price_totals(plan)
    if priced is not None:
        rows, formula = priced
        low, high = min(t for _, _, t in rows), max(t for _, _, t in rows)
        figures = [
            ("Our opening", p.ours.opening, "our opening"),
            ("Our target", p.ours.target, "our target"),
            ("Our walk-away", p.ours.reservation, "our walk-away"),
            ("Their walk-away", p.theirs.reservation, "their walk-away"),
            ("Deal value", plan.deal_value or None, "the deal value"),
        ]
        for subject, value, name in figures:
            if value is None:
                continue
            if value < low - 1 or value > high + 1:
                checks.append(
                    Check.on(
                        "concessions",
                        "problem",
                        subject,
                        "concessions.check_unreachable",
                        value=_money(plan, value),
                        formula=formula,
                        low=_money(plan, low),
                        high=_money(plan, high),
                        name=name,
                    )
                )
    first = p.first_offer
    if (
        first.our_figure is not None
        and p.ours.opening is not None
        and not agree(first.our_figure, p.ours.opening)
    ):
        checks.append(
            Check.on(
                "concessions",
                "warning",
                "First offer",
                "concessions.check_first_offer",
                figure=_money(plan, first.our_figure),
                opening=_money(plan, p.ours.opening),
            )
        )
    return checks


def transfer_checks(plan: Plan) -> list[Check]:
    """Money variables whose option values, read in money, do not move the same amount from
    one side to the other (and, for the unit price, not the volume × months × price change).
    Silent without an exchange rate for both sides."""
    checks: list[Check] = []
    c = plan.concessions
    rates = (1.0, 1.0) if c.unit == "money" else (c.point_value_ours, c.point_value_theirs)
    if not (rates[0] and rates[1]):
        return checks
    for var in c.variables:
        if not var.money or len(var.options) < 2:
            continue
        base = var.options[0]
        for option in var.options[1:]:
            ours = var.weight_ours * (base.ours - option.ours) / 100 * rates[0]
            theirs = var.weight_theirs * (option.theirs - base.theirs) / 100 * rates[1]
            exact = None
            if (
                var.id == c.price_variable_id
                and base.amount is not None
                and option.amount is not None
            ):
                exact = price_total(c, base.amount - option.amount)
                if exact is not None and plan.side == "buy":
                    exact = -exact
            figures = [f"{_money(plan, ours)} to us", f"{_money(plan, theirs)} to them"]
            disagree = not agree(ours, theirs)
            if exact is not None:
                figures.append(f"{_money(plan, exact)} from the unit prices")
                disagree = disagree or not agree(ours, exact)
            if disagree:
                checks.append(
                    Check.on(
                        "concessions",
                        "problem",
                        f"{var.name}: {base.label} to {option.label}",
                        "concessions.check_transfer",
                        figures=", ".join(figures),
                    )
                )
    return checks


_MONEY_WORDS = re.compile(r"\b(?:price|pricing|discount|rebate|fee|payment)s?\b", re.IGNORECASE)
"""Words that mark a variable as money changing hands, whatever the team ticked."""


def money_variable_checks(plan: Plan) -> list[Check]:
    """Variables named like money (price, discount, rebate, fee, payment) that are not
    ticked as money: they would be offered as trade currency instead of a transfer."""
    return [
        Check.on("concessions", "problem", var.name, "concessions.check_money_unticked")
        for var in plan.concessions.variables
        if not var.money and _MONEY_WORDS.search(var.name)
    ]


def batna_checks(plan: Plan) -> list[Check]:
    """Our walk-away against our BATNA's value, and the two sides' no-deal outcomes."""
    checks: list[Check] = []
    ours, theirs = plan.concessions.positions.ours, plan.concessions.positions.theirs
    walk, batna = ours.reservation, ours.batna_value
    if walk is not None and batna is not None:
        selling = plan.side == "sell"
        worse = walk < batna - 1 if selling else walk > batna + 1
        if worse:
            checks.append(
                Check.on(
                    "concessions",
                    "problem",
                    "Walk-away",
                    "concessions.check_walkaway_below_batna",
                    walk=_money(plan, walk),
                    batna=_money(plan, batna),
                )
            )
        elif batna and not ours.reservation_reason.strip():
            gap = (walk - batna) / abs(batna) if selling else (batna - walk) / abs(batna)
            if gap > FAR_BEYOND_BATNA:
                checks.append(
                    Check.on(
                        "concessions",
                        "warning",
                        "Walk-away",
                        "concessions.check_walkaway_far",
                        walk=_money(plan, walk),
                        gap=gap,
                        batna=_money(plan, batna),
                    )
                )
    if {ours.existing_business, theirs.existing_business} == {"kept", "lost"}:
        checks.append(
            Check.on(
                "concessions",
                "problem",
                "No-deal outcomes",
                "concessions.check_no_deal_keeps"
                if ours.existing_business == "kept"
                else "concessions.check_no_deal_loses",
            )
        )
    return checks


def step_value_checks(plan: Plan) -> list[Check]:
    """Concession steps whose stated cost or value differs from their options' values."""
    checks: list[Check] = []
    c = plan.concessions
    for index, step in enumerate(c.steps, start=1):
        if not (step.our_variable_id and step.our_from_option_id and step.our_to_option_id):
            continue
        move = move_value(
            c, step.our_variable_id, step.our_from_option_id, step.our_to_option_id, plan.side
        )
        if move is None or not move.money:
            continue
        for stated, implied, code in (
            (step.our_cost, -(move.ours or 0.0), "concessions.check_step_cost"),
            (step.their_value, move.theirs, "concessions.check_step_value"),
        ):
            if implied is None or agree(stated, implied):
                continue
            checks.append(
                Check.on(
                    "concessions",
                    "problem",
                    f"Step {index}",
                    code,
                    stated=_money(plan, stated),
                    implied=_money(plan, implied),
                )
            )
    return checks


# --- policy constraints ---------------------------------------------------------------------

_UNITS = {"day": "day", "days": "day", "%": "%", "percent": "%", "month": "month"}
_UNITS |= {"months": "month", "year": "year", "years": "year"}
_NUMBER = r"(\d+(?:[.,]\d+)?)\s*-?\s*(days?|%|percent|months?|years?)(?![a-z])"
_UPPER = re.compile(
    r"(?:no more than|not more than|at most|maximum(?: of)?|max\.?|up to|beyond|exceed\w*|"
    r"longer than|more than|over)\s+" + _NUMBER,
    re.IGNORECASE,
)
_LOWER = re.compile(
    r"(?:at least|no less than|not less than|minimum(?: of)?|min\.?|below|under|shorter than|"
    r"less than)\s+" + _NUMBER,
    re.IGNORECASE,
)
_FIGURE = re.compile(_NUMBER, re.IGNORECASE)
_WORD = re.compile(r"[a-z]{4,}")
_STOP = {"with", "from", "that", "this", "than", "more", "less", "terms", "term", "each"}
_STOP |= {"beyond", "cannot", "never", "most", "least", "where", "which", "their", "other"}


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.casefold())} - _STOP


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _figures(text: str) -> list[tuple[float, str]]:
    return [(_number(n), _UNITS[u.casefold()]) for n, u in _FIGURE.findall(text)]


def _limit(text: str) -> tuple[str, float, str] | None:
    """("max" or "min", number, unit) of a constraint's text, or None."""
    for pattern, kind in ((_UPPER, "max"), (_LOWER, "min")):
        match = pattern.search(text)
        if match:
            return kind, _number(match.group(1)), _UNITS[match.group(2).casefold()]
    return None


def policy_checks(plan: Plan) -> list[Check]:
    """Options and steps that break a limit the plan shares up front ("no more than 60-day
    payment"): same unit, and the constraint names the variable (a word of its name)."""
    checks: list[Check] = []
    for d in plan.relationship.disclosures:
        if d.kind != "constraint" or not d.share_up_front:
            continue
        limit = _limit(d.text)
        if limit is None:
            continue
        kind, bound, unit = limit
        words = _words(d.text)

        def breaks(
            value: float, value_unit: str, kind: str = kind, bound: float = bound, unit: str = unit
        ) -> bool:
            if value_unit != unit:
                return False
            return value > bound if kind == "max" else value < bound

        rule = advice(
            "concessions.rule_at_most" if kind == "max" else "concessions.rule_at_least",
            text=d.text,
            bound=bound,
            unit=unit,
        )
        for var in plan.concessions.variables:
            if not var.on_agenda or not (_words(var.name) & words):
                continue
            for option in var.options:
                if any(breaks(v, u) for v, u in _figures(option.label)):
                    checks.append(
                        Check.on(
                            "concessions",
                            "problem",
                            f"{var.name}: {option.label}",
                            "concessions.check_option_breaks_policy",
                            rule=rule,
                        )
                    )
        for index, step in enumerate(plan.concessions.steps, start=1):
            for text in (step.if_they_give, step.we_give):
                if not (_words(text) & words):
                    continue
                if any(breaks(v, u) for v, u in _figures(text)):
                    checks.append(
                        Check.on(
                            "concessions",
                            "problem",
                            f"Step {index}",
                            "concessions.check_step_breaks_policy",
                            text=text,
                            rule=rule,
                        )
                    )
    return checks


# --- scenarios ------------------------------------------------------------------------------


def scenario_checks(plan: Plan) -> list[Check]:
    """Candidate moves on a variable kept off the agenda, or on ground where we said we
    do not compete (two or more of that item's words in the move)."""
    checks: list[Check] = []
    variables = {v.id: v for v in plan.concessions.variables}
    for move in plan.scenarios.moves:
        var = variables.get(move.variable_id or "")
        if var is not None and not var.on_agenda:
            checks.append(
                Check.on(
                    "scenarios",
                    "problem",
                    move.name,
                    "scenarios.check_move_off_agenda",
                    variable=var.name,
                )
            )
        text = _words(f"{move.name} {move.description}")
        for item in plan.strategy.not_compete_where:
            shared = _words(item) & text
            if len(shared) >= 2:
                checks.append(
                    Check.on(
                        "scenarios",
                        "warning",
                        move.name,
                        "scenarios.check_move_where_we_do_not_compete",
                        item=item,
                        words=", ".join(sorted(shared)),
                    )
                )
    return checks


# --- value: quantities against their own working ------------------------------------------


def value_checks(plan: Plan) -> list[Check]:
    """Benefits whose quantity differs from the sum they are worked out by."""
    checks: list[Check] = []
    for item in plan.value.value_items:
        if not item.quantity_basis.strip():
            continue
        worked = evaluate(item.quantity_basis)
        if worked is None or agree(item.quantity, worked):
            continue
        checks.append(
            Check.on(
                "value",
                "problem",
                item.name,
                "value.check_quantity_working",
                quantity=_figure(item.quantity),
                unit=item.unit,
                working=item.quantity_basis,
                worked=_figure(worked),
            )
        )
    return checks


# --- ledger ---------------------------------------------------------------------------------


def _entry_implied(
    planner: ConcessionPlanner, entry: LedgerEntry, side: str
) -> tuple[float, float] | None:
    """(value to us, value to them) the entry's options imply, in money, or None."""
    if not (entry.variable_id and entry.from_option_id and entry.to_option_id):
        return None
    move = move_value(planner, entry.variable_id, entry.from_option_id, entry.to_option_id, side)
    if move is None or not move.money or move.ours is None or move.theirs is None:
        return None
    if entry.direction == "given":  # a cost to us, a gain to them
        return -move.ours, move.theirs
    return move.ours, -move.theirs  # a gain to us, a cost to them


def ledger_checks(plan: Plan) -> list[Check]:
    """Ledger entries whose values differ from the option values they name."""
    checks: list[Check] = []
    for entry in plan.ledger.entries:
        implied = _entry_implied(plan.concessions, entry, plan.side)
        if implied is None:
            continue
        ours, theirs = implied
        for stated, want, code in (
            (entry.value_ours, ours, "ledger.check_value_ours"),
            (entry.value_theirs, theirs, "ledger.check_value_theirs"),
        ):
            if not agree(stated, want):
                checks.append(
                    Check.on(
                        "ledger",
                        "problem",
                        entry.description,
                        code,
                        stated=_money(plan, stated),
                        implied=_money(plan, want),
                    )
                )
    return checks


CHECKS: list[Callable[[Plan], list[Check]]] = [
    value_checks,
    scenario_checks,
    position_checks,
    money_variable_checks,
    transfer_checks,
    batna_checks,
    step_value_checks,
    policy_checks,
    ledger_checks,
]
"""Every consistency check, in the order of the sections."""


def consistency_checks(plan: Plan) -> list[Check]:
    """Every consistency check that fires on ``plan``."""
    return [check for run in CHECKS for check in run(plan)]


def checks_for(plan: Plan, section: str) -> list[Check]:
    """The consistency checks that concern one section (its key, e.g. "concessions")."""
    return [c for c in consistency_checks(plan) if c.section == section]
