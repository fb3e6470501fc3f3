"""Across negotiations: compare plans, given as plans (:mod:`workbook.compare` reads a store).

>>> from workbook.store import example_plan
>>> list(reciprocity_by_account([example_plan()])["counterpart"])
['Northwind Logistics']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from workbook.analysis.concessions import steps_shrink
from workbook.analysis.ledger import unanswered_ids
from workbook.analysis.relationship import business_totals, reciprocity_balance
from workbook.model import Plan


def reciprocity_by_account(plans: Sequence[Plan]) -> pd.DataFrame:
    """Per plan: our share of the relationship, whether it is fair, business both ways."""
    rows = []
    for plan in plans:
        balance = reciprocity_balance(plan.relationship)
        totals = business_totals(plan.relationship)
        rows.append(
            (
                plan.id,
                plan.name,
                plan.counterpart,
                balance.share_ours,
                balance.fair,
                totals.they_buy,
                totals.we_buy,
                plan.relationship.trust_level,
                plan.relationship.mode,
            )
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "plan_id",
            "plan",
            "counterpart",
            "share_ours",
            "fair",
            "they_buy",
            "we_buy",
            "trust",
            "mode",
        ],
    )
    return frame.sort_values(
        "share_ours", ascending=False, na_position="last", kind="stable", ignore_index=True
    )


def move_key(name: str) -> str:
    """A move's name reduced to its words, so that "Cut price 8 %" and "cut price 5%" match."""
    words = re.sub(r"[\d%.,]+", " ", name.casefold())
    return " ".join(re.findall(r"[a-z]+", words))


def recurring_moves(plans: Sequence[Plan]) -> pd.DataFrame:
    """Moves by how many plans consider them (same words, any figures), most frequent first."""
    rows = [(move_key(m.name), m.name, plan.name) for plan in plans for m in plan.scenarios.moves]
    raw = pd.DataFrame(rows, columns=["key", "variant", "plan"])
    frame = (
        raw.groupby("key", sort=False)
        .agg(
            move=("variant", "first"),
            plans=("plan", "nunique"),
            plan_names=("plan", lambda s: sorted(set(s))),
            variants=("variant", lambda s: sorted(set(s))),
        )
        .reset_index()
    )
    return frame.sort_values(
        ["plans", "move"], ascending=[False, True], kind="stable", ignore_index=True
    )


def concession_plans(plans: Sequence[Plan]) -> pd.DataFrame:
    """How concession plans differ: steps, what they cost, whether steps shrink, the ledger."""
    rows = []
    for plan in plans:
        steps = plan.concessions.steps
        costs = [s.our_cost for s in steps]
        shrinking = steps_shrink(plan.concessions)
        given = [e for e in plan.ledger.entries if e.direction == "given"]
        rows.append(
            (
                plan.id,
                plan.name,
                len(steps),
                sum(costs),
                sum(s.their_value for s in steps),
                shrinking,
                sum(s.reason_kind != "business" for s in steps),
                len(plan.concessions.variables),
                sum(not v.on_agenda for v in plan.concessions.variables),
                len(given),
                len(unanswered_ids(plan.ledger.entries)),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "plan_id",
            "plan",
            "steps",
            "our_cost",
            "their_value",
            "shrinking_steps",
            "non_business_reasons",
            "variables",
            "off_agenda_variables",
            "given_in_ledger",
            "unanswered_in_ledger",
        ],
    )


def compare_plans(plans: Sequence[Plan]) -> dict[str, pd.DataFrame]:
    """Every comparison of ``plans``, keyed by name."""
    return {
        "reciprocity": reciprocity_by_account(plans),
        "moves": recurring_moves(plans),
        "concession_plans": concession_plans(plans),
    }
