"""Plan tables as pandas DataFrames, with plain column names, for analysts and exports.

>>> from workbook.store import example_plan
>>> frames = plan_tables(example_plan())
>>> list(frames["moves"].columns)[:3]
['move_id', 'move', 'description']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import BaseModel

from workbook.sections import SECTIONS, WORKSHOP_TABLES, SectionError

if TYPE_CHECKING:
    from workbook.model import ConcessionPlanner, Ledger, Objective, Plan, Scenarios


def rows_frame(rows: Sequence[BaseModel], model: type[BaseModel], **extra: object) -> pd.DataFrame:
    """One row per model instance, one column per field; nested models are flattened."""
    columns = list(extra) + list(model.model_fields)
    records = [{**extra, **row.model_dump(mode="python")} for row in rows]
    frame = pd.json_normalize(records, sep="_") if records else pd.DataFrame(columns=columns)
    return frame


def estimates_frame(scenarios: Scenarios) -> pd.DataFrame:
    """Every participant's ranges in long form: one row per move, participant and quantity."""
    names = {c.id: c.name for c in scenarios.competitors}
    records = []
    for move in scenarios.moves:
        for est in move.estimates:
            base = {"move_id": move.id, "move": move.name, "participant": est.participant}
            parts = [
                ("gain", "", est.gain),
                ("cooperation_probability", "", est.cooperation_probability),
                ("cooperation_value", "", est.cooperation_value),
            ]
            for ret in est.retaliation:
                competitor = names.get(ret.competitor_id, ret.competitor_id)
                parts.append(("retaliation_probability", competitor, ret.probability))
                parts.append(("retaliation_damage", competitor, ret.damage))
            for quantity, competitor, rng in parts:
                records.append(
                    {
                        **base,
                        "quantity": quantity,
                        "competitor": competitor,
                        "low": rng.low,
                        "likely": rng.likely,
                        "high": rng.high,
                    }
                )
    columns = ["move_id", "move", "participant", "quantity", "competitor", "low", "likely", "high"]
    return pd.DataFrame(records, columns=columns)


def options_frame(planner: ConcessionPlanner) -> pd.DataFrame:
    """Every option of every variable with its raw and weighted values for both sides."""
    records = []
    for var in planner.variables:
        for opt in var.options:
            records.append(
                {
                    "variable_id": var.id,
                    "variable": var.name,
                    "on_agenda": var.on_agenda,
                    "option_id": opt.id,
                    "option": opt.label,
                    "value_ours": opt.ours,
                    "value_theirs": opt.theirs,
                    "weight_ours": var.weight_ours,
                    "weight_theirs": var.weight_theirs,
                    "ours": var.weight_ours * opt.ours / 100,
                    "theirs": var.weight_theirs * opt.theirs / 100,
                }
            )
    columns = [
        "variable_id",
        "variable",
        "on_agenda",
        "option_id",
        "option",
        "value_ours",
        "value_theirs",
        "weight_ours",
        "weight_theirs",
        "ours",
        "theirs",
    ]
    return pd.DataFrame(records, columns=columns)


def ledger_frame(ledger: Ledger) -> pd.DataFrame:
    """The concession log, oldest first."""
    from workbook.model import LedgerEntry

    frame = rows_frame(ledger.entries, LedgerEntry)
    return frame.sort_values("at", kind="stable").reset_index(drop=True) if len(frame) else frame


def ledger_with_inferred_answers(ledger: Ledger) -> pd.DataFrame:
    """The concession log with each answer taken from the order filled in, so the Answers
    column agrees with the unanswered alert."""
    from workbook.analysis.ledger import inferred_answers

    frame = ledger_frame(ledger)
    if len(frame):
        inferred = inferred_answers(ledger.entries)
        frame["answers"] = [
            inferred.get(i) if pd.isna(a) or not a else a
            for i, a in zip(frame["id"], frame["answers"], strict=True)
        ]
    return frame


def _moves_frame(scenarios: Scenarios) -> pd.DataFrame:
    """One row per candidate move, with the number of estimates given for it."""
    return pd.DataFrame(
        [
            {
                "move_id": mv.id,
                "move": mv.name,
                "description": mv.description,
                "estimates": len(mv.estimates),
            }
            for mv in scenarios.moves
        ],
        columns=["move_id", "move", "description", "estimates"],
    )


def _builders() -> dict[str, Callable[[Plan], pd.DataFrame]]:
    """How each table of a plan is built, by name."""
    from workbook import model as m

    return {
        "team": lambda p: rows_frame(p.team, m.TeamMember),
        "strengths": lambda p: rows_frame(p.strategy.strengths, m.Strength),
        "priorities": lambda p: rows_frame(p.strategy.priorities, m.ImprovementPriority),
        "contributions": lambda p: rows_frame(p.strategy.contributions, m.Contribution),
        "objectives_served": lambda p: rows_frame(p.strategy.objective_links, m.ObjectiveLink),
        "justifications": lambda p: rows_frame(p.strategy.justifications, m.Justification),
        "anticipated_moves": lambda p: rows_frame(p.strategy.anticipated, m.AnticipatedMove),
        "pains": lambda p: rows_frame(p.value.pains, m.Pain),
        "differentiators": lambda p: rows_frame(p.value.differentiators, m.Differentiator),
        "value_drivers": lambda p: rows_frame(p.value.drivers, m.ValueDriver),
        "value_items": lambda p: rows_frame(p.value.value_items, m.ValueItem),
        "framings": lambda p: rows_frame(p.value.framings, m.StakeholderFraming),
        "competitors": lambda p: rows_frame(p.scenarios.competitors, m.Competitor),
        "moves": lambda p: _moves_frame(p.scenarios),
        "estimates": lambda p: estimates_frame(p.scenarios),
        "options": lambda p: options_frame(p.concessions),
        "concession_steps": lambda p: rows_frame(p.concessions.steps, m.ConcessionStep),
        "business_links": lambda p: rows_frame(p.relationship.links, m.BusinessLink),
        "players": lambda p: rows_frame(p.relationship.players, m.Player),
        "relationship_contributions": lambda p: rows_frame(
            p.relationship.contributions, m.RelationshipContribution
        ),
        "disclosures": lambda p: rows_frame(p.relationship.disclosures, m.Disclosure),
        "common_ground": lambda p: rows_frame(p.relationship.common_ground, m.CommonGround),
        "relationship_issues": lambda p: rows_frame(p.relationship.issues, m.RelationshipIssue),
        "ledger": lambda p: ledger_with_inferred_answers(p.ledger),
        "agenda": lambda p: rows_frame(p.workshop.agenda, m.AgendaItem),
        "parking_lot": lambda p: rows_frame(p.workshop.parking_lot, m.ParkingItem),
    }


def table_names() -> list[str]:
    """The names of a plan's tables: each section's, in navigation order, then the workshop's."""
    return [name for s in SECTIONS for name in s.tables] + list(WORKSHOP_TABLES)


def plan_tables(plan: Plan) -> dict[str, pd.DataFrame]:
    """Every table of a plan, keyed by a short name (also the xlsx sheet names)."""
    builders = _builders()
    names = table_names()
    if set(names) != set(builders) or len(names) != len(set(names)):
        unknown = sorted(set(names) - set(builders))
        unlisted = sorted(set(builders) - set(names))
        raise SectionError(
            f"the sections' tables and workbook/tables.py disagree: no builder for {unknown}, "
            f"no section lists {unlisted} (or a name is listed twice)"
        )
    return {name: builders[name](plan) for name in names}


def analysis_tables(
    plan: Plan, objectives: Sequence[Objective] | None = None
) -> dict[str, pd.DataFrame]:
    """The analyses of a plan as DataFrames, keyed by sheet name (for exports and analysts)."""
    from workbook.analysis import relationship as rel
    from workbook.analysis import strategy, value

    s = plan.strategy
    fit = strategy.fit_check(
        s, objectives if objectives is not None else strategy.objectives_from_links(s)
    )
    cover = value.coverage(plan.value)
    coverage_long = (
        cover.matrix.rename_axis(columns="differentiator").stack().rename("answers").reset_index()
        if cover.matrix.size
        else pd.DataFrame(columns=["pain", "differentiator", "answers"])
    )
    return {
        "fit": fit.table,
        "fit_flags": strategy.flags_frame(fit.flags),
        "coverage": coverage_long,
        "value_per_year": value.value_items_frame(plan.value),
        "drivers_vs_alternative": value.driver_comparison(plan.value),
        "sharing_ladder": rel.sharing_ladder(plan.relationship),
        "relationship_flags": strategy.flags_frame(rel.relationship_flags(plan)),
    }
