"""Every table of a plan, and of its analyses, as pandas DataFrames, keyed by a short name.

The tables are named by their sections in :mod:`workbook.sections`; the row-by-row helpers
are in :mod:`workbook.frames`. This module also keeps ``plan.tables()`` and each section's
``to_frame()`` working for analysts' code, for one release (see :func:`_keep_the_shims`).

>>> from workbook.store import example_plan
>>> frames = plan_tables(example_plan())
>>> list(frames["moves"].columns)[:3]
['move_id', 'move', 'description']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from workbook import model
from workbook.frames import estimates_frame, ledger_frame, moves_frame, options_frame, rows_frame
from workbook.sections import SECTIONS, WORKSHOP_TABLES, SectionError

if TYPE_CHECKING:
    import pandas as pd

    from workbook.model import Ledger, Objective, Plan

__all__ = [
    "analysis_tables",
    "estimates_frame",
    "ledger_frame",
    "ledger_with_inferred_answers",
    "options_frame",
    "plan_tables",
    "rows_frame",
    "table_names",
]


def ledger_with_inferred_answers(ledger: Ledger) -> pd.DataFrame:
    """The concession log with each answer taken from the order filled in, so the Answers
    column agrees with the unanswered alert."""
    import pandas as pd

    from workbook.analysis.ledger import inferred_answers

    frame = ledger_frame(ledger)
    if len(frame):
        inferred = inferred_answers(ledger.entries)
        frame["answers"] = [
            inferred.get(i) if pd.isna(a) or not a else a
            for i, a in zip(frame["id"], frame["answers"], strict=True)
        ]
    return frame


def _trade_rules(plan: Plan) -> pd.DataFrame:
    """The trading rules with the variables' names."""
    from workbook.frames import records_frame

    names = {v.id: v.name for v in plan.concessions.variables}
    rows = [
        (r.id, names.get(r.variable_id or "", ""), names.get(r.against_id or "", ""))
        for r in plan.concessions.trade_rules
    ]
    return records_frame(rows, ["id", "variable", "against"])


def _prepared_offers(plan: Plan) -> pd.DataFrame:
    """The prepared offers with their packages in words and both scores."""
    from workbook.analysis.preparation import describe_package, package_scores
    from workbook.frames import records_frame

    rows = []
    for offer in plan.concessions.prepared_offers:
        scores = package_scores(plan, offer.options)
        rows.append(
            (
                offer.id,
                offer.name,
                describe_package(plan, offer.options),
                None if scores is None else scores[0],
                None if scores is None else scores[1],
                offer.note,
            )
        )
    return records_frame(rows, ["id", "name", "package", "ours", "theirs", "note"])


def _builders() -> dict[str, Callable[[Plan], pd.DataFrame]]:
    """How each table of a plan is built, by name."""
    return {
        "team": lambda p: rows_frame(p.team, model.TeamMember),
        "strengths": lambda p: rows_frame(p.strategy.strengths, model.Strength),
        "priorities": lambda p: rows_frame(p.strategy.priorities, model.ImprovementPriority),
        "contributions": lambda p: rows_frame(p.strategy.contributions, model.Contribution),
        "objectives_served": lambda p: rows_frame(p.strategy.objective_links, model.ObjectiveLink),
        "justifications": lambda p: rows_frame(p.strategy.justifications, model.Justification),
        "anticipated_moves": lambda p: rows_frame(p.strategy.anticipated, model.AnticipatedMove),
        "pains": lambda p: rows_frame(p.value.pains, model.Pain),
        "differentiators": lambda p: rows_frame(p.value.differentiators, model.Differentiator),
        "value_drivers": lambda p: rows_frame(p.value.drivers, model.ValueDriver),
        "value_items": lambda p: rows_frame(p.value.value_items, model.ValueItem),
        "framings": lambda p: rows_frame(p.value.framings, model.StakeholderFraming),
        "competitors": lambda p: rows_frame(p.scenarios.competitors, model.Competitor),
        "moves": lambda p: moves_frame(p.scenarios),
        "estimates": lambda p: estimates_frame(p.scenarios),
        "options": lambda p: options_frame(p.concessions),
        "concession_steps": lambda p: rows_frame(p.concessions.steps, model.ConcessionStep),
        "rehearsals": lambda p: _rehearsals(p),
        "batna_actions": lambda p: rows_frame(p.concessions.batna_actions, model.BatnaAction),
        "trade_rules": _trade_rules,
        "prepared_offers": _prepared_offers,
        "interests": lambda p: rows_frame(p.discovery.interests, model.Interest),
        "assumptions": lambda p: rows_frame(p.discovery.assumptions, model.Assumption),
        "decision_stages": lambda p: rows_frame(p.discovery.stages, model.DecisionStage),
        "tactics": lambda p: rows_frame(p.discovery.tactics, model.Tactic),
        "accusations": lambda p: rows_frame(p.discovery.accusations, model.Accusation),
        "meeting_issues": lambda p: rows_frame(p.meeting.issues, model.AgendaIssue),
        "business_links": lambda p: rows_frame(p.relationship.links, model.BusinessLink),
        "players": lambda p: rows_frame(p.relationship.players, model.Player),
        "relationship_contributions": lambda p: rows_frame(
            p.relationship.contributions, model.RelationshipContribution
        ),
        "disclosures": lambda p: rows_frame(p.relationship.disclosures, model.Disclosure),
        "common_ground": lambda p: rows_frame(p.relationship.common_ground, model.CommonGround),
        "relationship_issues": lambda p: rows_frame(p.relationship.issues, model.RelationshipIssue),
        "ledger": lambda p: ledger_with_inferred_answers(p.ledger),
        "agenda": lambda p: rows_frame(p.workshop.agenda, model.AgendaItem),
        "parking_lot": lambda p: rows_frame(p.workshop.parking_lot, model.ParkingItem),
    }


def _rehearsals(plan: Plan) -> pd.DataFrame:
    """Every round of every kept rehearsal, one row each."""
    import pandas as pd

    from workbook.analysis.rehearse import REHEARSAL_COLUMNS, rehearsal_records

    return pd.DataFrame(rehearsal_records(plan.concessions), columns=list(REHEARSAL_COLUMNS))


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
    import pandas as pd

    from workbook.analysis import relationship as rel
    from workbook.analysis import strategy, value
    from workbook.flags import flags_frame

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
        "fit_flags": flags_frame(fit.flags),
        "coverage": coverage_long,
        "value_per_year": value.value_items_frame(plan.value),
        "drivers_vs_alternative": value.driver_comparison(plan.value),
        "sharing_ladder": rel.sharing_ladder(plan.relationship),
        "relationship_flags": flags_frame(rel.relationship_flags(plan)),
    }


def _keep_the_shims() -> None:
    """Give the model back ``plan.tables()`` and each section's ``to_frame()``, for one release.

    The model imports nothing above it, so these methods are set on its classes here, and
    the package imports this module on its own import: they are there whichever module of
    ``workbook`` an analyst imports first. New code calls the functions directly.
    """
    model.Plan.tables = plan_tables  # type: ignore[assignment]
    model.Scenarios.to_frame = estimates_frame  # type: ignore[assignment]
    model.ConcessionPlanner.to_frame = options_frame  # type: ignore[assignment]
    model.Ledger.to_frame = ledger_frame  # type: ignore[assignment]


_keep_the_shims()
