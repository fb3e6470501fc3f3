"""Strategy alignment: does the deal serve the strategy, and is the team's reasoning sound?

A deal counts as strategic only when it serves at least one objective of the company's
strategic plan. Reasons such as "our biggest client" or "they depend on us" describe an
important account, not a strategy, and are flagged when no objective stands behind them.

>>> from workbook.store import example_plan, example_strategic_plan
>>> fit = fit_check(example_plan().strategy, example_strategic_plan().objectives)
>>> fit.strategic, fit.overall
(True, 100)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from workbook.content import advice
from workbook.flags import Flag
from workbook.flags import Severity as Severity  # re-exported for analysts' imports
from workbook.flags import flags_frame as flags_frame
from workbook.model import Objective, Plan, StrategyAlignment

if TYPE_CHECKING:
    import pandas as pd

STRENGTH_LABELS = {0: "not really", 1: "weak", 2: "clear", 3: "central"}
"""Words for the 0-3 scale of how strongly a deal serves an objective."""

SIZE_OR_DEPENDENCE = re.compile(
    r"\b(big+est|large(st)?|top|key|major|most important|important|huge)\b.{0,30}"
    r"\b(client|customer|account|buyer)s?\b"
    r"|\b(big|large|huge) (chunk|share|part|slice)\b"
    r"|\bdepend(s|ent|ence)? on us\b|\bneed(s)? us\b|\bcan'?t do without us\b"
    r"|\b(revenue|volume|size|spend)\b.{0,20}\b(biggest|largest|high(est)?|big)\b"
    r"|\b(biggest|largest)\b.{0,20}\b(revenue|volume|spend)\b",
    re.IGNORECASE,
)
"""Reasons that speak of account size or dependence rather than of a strategic choice."""


class FitRow(NamedTuple):
    """How strongly the deal serves one objective (a row of :func:`fit_table`)."""

    objective_id: str
    objective: str
    strength: int
    strength_label: str
    score: int
    how: str
    in_plan: bool


@dataclass(frozen=True)
class FitResult:
    """How the deal fits the strategic plan; ``rows`` per objective (``table`` as a frame)."""

    strategic: bool
    overall: int
    objectives_served: int
    rows: list[FitRow]
    flags: list[Flag] = field(default_factory=list)

    @property
    def table(self) -> pd.DataFrame:
        """``rows`` as :func:`fit_table` gives them."""
        return _fit_frame(self.rows)

    @property
    def verdict(self) -> str:
        """One sentence for the brief."""
        if not self.strategic:
            return advice("strategy.verdict_not_strategic")
        total = self.objectives_total
        return advice(
            "strategy.verdict_strategic",
            served=self.objectives_served,
            total=total,
            objectives="objective" if total == 1 else "objectives",
            strongest=self.overall,
        )

    @property
    def objectives_total(self) -> int:
        """How many objectives the strategic plan has."""
        return sum(row.in_plan for row in self.rows)

    @property
    def score_text(self) -> str:
        """The fit as a short phrase that says what it measures, for titles and tiles."""
        if not self.strategic:
            return f"serves 0 of {self.objectives_total}: not strategic yet"
        return (
            f"serves {self.objectives_served} of {self.objectives_total} · "
            f"strongest link {self.overall}/100"
        )


def fit_rows(strategy: StrategyAlignment, objectives: Sequence[Objective]) -> list[FitRow]:
    """One row per objective of the strategic plan (and per link to a removed objective)."""
    links = {link.objective_id: link for link in strategy.objective_links}
    rows = []
    for objective in objectives:
        link = links.pop(objective.id, None)
        strength = link.strength if link else 0
        rows.append((objective.id, objective.title, strength, link.how if link else "", True))
    for link in links.values():
        rows.append(
            (link.objective_id, link.title or link.objective_id, link.strength, link.how, False)
        )
    return [
        FitRow(i, title, int(n), STRENGTH_LABELS[int(n)], round(int(n) * 100 / 3), how, ok)
        for i, title, n, how, ok in rows
    ]


def _fit_frame(rows: Sequence[FitRow]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(
        [(r.objective_id, r.objective, r.strength, r.how, r.in_plan) for r in rows],
        columns=["objective_id", "objective", "strength", "how", "in_plan"],
    ).astype({"strength": int, "in_plan": bool})
    frame.insert(3, "strength_label", frame["strength"].map(STRENGTH_LABELS))
    frame.insert(4, "score", (frame["strength"] * 100 / 3).round().astype(int))
    return frame


def fit_table(strategy: StrategyAlignment, objectives: Sequence[Objective]) -> pd.DataFrame:
    """One row per objective of the strategic plan (and per link to a removed objective).

    Columns: objective_id, objective, strength (0-3), strength_label, score (0-100), how,
    in_plan (False for links to objectives no longer in the strategic plan).
    """
    return _fit_frame(fit_rows(strategy, objectives))


def justification_flags(strategy: StrategyAlignment, objective_ids: set[str]) -> list[Flag]:
    """Reasons for calling the deal strategic that no objective stands behind."""
    flags = []
    for item in strategy.justifications:
        if item.objective_id and item.objective_id in objective_ids:
            continue
        if item.objective_id:
            code = "strategy.justification_objective_gone"
        elif SIZE_OR_DEPENDENCE.search(item.text):
            code = "strategy.justification_size"
        else:
            code = "strategy.justification_unbacked"
        flags.append(Flag.of("problem", item.text, code))
    return flags


def fit_check(strategy: StrategyAlignment, objectives: Sequence[Objective]) -> FitResult:
    """Fit per objective and overall, whether the deal is strategic, and what to revisit.

    The overall fit is the strongest link on the 0-3 scale as a score out of 100, so a deal
    that serves one objective centrally is a full fit; how many objectives it serves is
    reported beside it.
    """
    rows = fit_rows(strategy, objectives)
    served = [row for row in rows if row.in_plan and row.strength > 0]
    overall = round(max(row.strength for row in served) * 100 / 3) if served else 0
    flags: list[Flag] = []
    if not objectives:
        flags.append(Flag.of("problem", "Strategic plan", "strategy.no_objectives"))
    if not served:
        flags.append(Flag.of("problem", "Strategic fit", "strategy.serves_none"))
    for row in rows:
        if not row.in_plan:
            flags.append(Flag.of("warning", str(row.objective), "strategy.link_gone"))
    flags += justification_flags(strategy, {o.id for o in objectives})
    for strength in strategy.strengths:
        if not strength.evidence.strip():
            flags.append(Flag.of("warning", strength.text, "strategy.strength_no_example"))
    if not strategy.priorities:
        flags.append(Flag.of("warning", "Priorities", "strategy.no_priorities"))
    if strategy.compete_where and not strategy.not_compete_where:
        flags.append(Flag.of("warning", "Where not to compete", "strategy.no_exclusions"))
    return FitResult(bool(served), overall, len(served), rows, flags)


def objectives_from_links(strategy: StrategyAlignment) -> list[Objective]:
    """The objectives a plan links to, as recorded in the plan (when the store is absent)."""
    return [
        Objective(id=link.objective_id, title=(link.title or link.objective_id)[:120])
        for link in strategy.objective_links
    ]


class ScenarioPrompt(NamedTuple):
    """An anticipated move as a prompt for the Scenarios section."""

    actor_kind: str
    actor: str
    move: str
    likelihood: float
    competitor_known: bool | None
    prompt: str


def scenario_prompt_rows(plan: Plan) -> list[ScenarioPrompt]:
    """:func:`scenario_prompts` as plain rows, most likely first."""
    known = {c.name.casefold() for c in plan.scenarios.competitors}
    rows = []
    for item in sorted(plan.strategy.anticipated, key=lambda a: -a.likelihood):
        is_known = item.actor.casefold() in known
        if item.actor_kind == "competitor":
            prompt = (
                f"Weigh our moves against {item.actor or 'this competitor'} answering with: "
                f"{item.move}"
                if is_known or not item.actor
                else f"Add {item.actor} as a competitor in Scenarios"
            )
        else:
            prompt = f"Which of our moves earns cooperation if the customer does this: {item.move}"
        rows.append(
            ScenarioPrompt(
                item.actor_kind,
                item.actor,
                item.move,
                item.likelihood,
                is_known if item.actor_kind == "competitor" else None,
                prompt,
            )
        )
    return rows


def scenario_prompts(plan: Plan) -> pd.DataFrame:
    """Anticipated moves as prompts for the Scenarios section.

    Columns: actor_kind, actor, move, likelihood, competitor_known (whether the competitor
    is already named in Scenarios), prompt (what to do about it there).
    """
    from workbook.frames import records_frame

    return records_frame(scenario_prompt_rows(plan), ScenarioPrompt._fields)
