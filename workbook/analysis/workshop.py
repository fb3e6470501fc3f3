"""The team's answers in a workshop, summed up: spread, pooled ranges, values, votes.

>>> from workbook.workshop import PrioritiesPrompt, VoteAnswer
>>> prompt = PrioritiesPrompt(candidates=["Listen", "Prepare"])
>>> summarize(prompt, {"Ana": VoteAnswer(choices=["Prepare"])}).top
['Prepare']
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from workbook.analysis.scenarios import disagreement, expected_values
from workbook.model import Competitor, Estimate, Move, MoveEstimate, Scenarios
from workbook.workshop import (
    Answer,
    EstimatePrompt,
    PrioritiesPrompt,
    Prompt,
    ValuesAnswer,
    ValuesPrompt,
    VoteAnswer,
    median,
    pooled_estimate,
)


@dataclass(frozen=True)
class EstimateSummary:
    """The team's estimates for one move.

    ``spread`` is :func:`workbook.analysis.scenarios.disagreement` for the move (widest
    first), ``expected`` its :func:`expected_values` row with every participant counted
    equally, and ``pooled`` the point-by-point median of the ranges, which the facilitator
    may accept into the plan as the team's estimate.
    """

    prompt: EstimatePrompt
    participants: list[str]
    spread: pd.DataFrame
    expected: pd.DataFrame
    pooled: Estimate | None

    @property
    def disagreement(self) -> float:
        """The widest spread between the participants, 0 (agreement) to 1."""
        return float(self.spread["spread"].max()) if len(self.spread) else 0.0


@dataclass(frozen=True)
class ValuesSummary:
    """Statistics of the values the team put on each option."""

    prompt: ValuesPrompt
    participants: list[str]
    table: pd.DataFrame
    answers: dict[str, dict[str, float]] = field(default_factory=dict)

    def proposal(self) -> dict[str, float]:
        """The median value of each option that someone valued."""
        return {
            row.option_id: float(row.median) for row in self.table.itertuples() if row.answers > 0
        }


@dataclass(frozen=True)
class VoteSummary:
    """Vote counts for the improvement priorities."""

    prompt: PrioritiesPrompt
    participants: list[str]
    counts: pd.DataFrame

    @property
    def top(self) -> list[str]:
        """The two most-voted candidates that got votes (ties: the one listed first)."""
        voted = self.counts[self.counts["votes"] > 0]
        return list(voted["candidate"].head(2))


Summary = EstimateSummary | ValuesSummary | VoteSummary


def _estimate_scenarios(prompt: EstimatePrompt, answers: Mapping[str, Estimate]) -> Scenarios:
    """A one-move Scenarios of the answers, for the scenarios analysis."""
    estimated = {r.competitor_id for a in answers.values() for r in a.retaliation}
    return Scenarios(
        competitors=[
            Competitor(id=c.id, name=c.name) for c in prompt.competitors if c.id in estimated
        ],
        moves=[
            Move(
                id=prompt.move_id,
                name=prompt.move,
                estimates=[
                    MoveEstimate(participant=who, **answer.model_dump())
                    for who, answer in answers.items()
                ],
            )
        ],
        seed=0,
    )


def summarize(prompt: Prompt, answers: Mapping[str, Answer]) -> Summary:
    """The aggregate of validated answers (participant -> answer) to ``prompt``."""
    participants = list(answers)
    if isinstance(prompt, EstimatePrompt):
        estimates = {k: v for k, v in answers.items() if isinstance(v, Estimate)}
        if not estimates:
            return EstimateSummary(prompt, [], pd.DataFrame(), pd.DataFrame(), None)
        scenarios = _estimate_scenarios(prompt, estimates)
        return EstimateSummary(
            prompt,
            participants,
            disagreement(scenarios),
            expected_values(scenarios),
            pooled_estimate(list(estimates.values())),
        )
    if isinstance(prompt, ValuesPrompt):
        given = {k: v.values for k, v in answers.items() if isinstance(v, ValuesAnswer)}
        rows = []
        for option in prompt.options:
            values = [float(v[option.id]) for v in given.values() if option.id in v]
            rows.append(
                {
                    "option_id": option.id,
                    "option": option.label,
                    "answers": len(values),
                    "mean": statistics.fmean(values) if values else math.nan,
                    "median": median(values) if values else math.nan,
                    "low": min(values) if values else math.nan,
                    "high": max(values) if values else math.nan,
                    "spread": max(values) - min(values) if values else math.nan,
                    "std": statistics.pstdev(values) if values else math.nan,
                }
            )
        table = pd.DataFrame(
            rows,
            columns=[
                "option_id", "option", "answers", "mean", "median", "low", "high", "spread",
                "std",
            ],
        )  # fmt: skip
        return ValuesSummary(prompt, participants, table, {k: dict(v) for k, v in given.items()})
    votes = {c: 0 for c in prompt.candidates}
    voters: dict[str, list[str]] = {c: [] for c in prompt.candidates}
    for who, answer in answers.items():
        if isinstance(answer, VoteAnswer):
            for choice in answer.choices:
                if choice in votes:
                    votes[choice] += 1
                    voters[choice].append(who)
    counts = pd.DataFrame(
        {
            "candidate": list(votes),
            "votes": list(votes.values()),
            "voters": [voters[c] for c in votes],
            "order": range(len(votes)),
        }
    )
    counts = counts.sort_values(["votes", "order"], ascending=[False, True], ignore_index=True)
    return VoteSummary(prompt, participants, counts.drop(columns="order"))
