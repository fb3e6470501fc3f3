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
from typing import TYPE_CHECKING, NamedTuple

from workbook.analysis.scenarios.expectations import (
    Disagreement,
    MoveExpectation,
    disagreement_frame,
    disagreements,
    expectations,
    expected_frame,
)
from workbook.frames import records_frame
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

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class EstimateSummary:
    """The team's estimates for one move.

    ``disagreements`` are :func:`workbook.analysis.scenarios.disagreement`'s rows for the
    move (widest first), ``expectations`` its :func:`expected_values` row with every
    participant counted equally, and ``pooled`` the point-by-point median of the ranges,
    which the facilitator may accept into the plan as the team's estimate. ``spread`` and
    ``expected`` give the first two as DataFrames.
    """

    prompt: EstimatePrompt
    participants: list[str]
    disagreements: list[Disagreement]
    expectations: list[MoveExpectation]
    pooled: Estimate | None

    @property
    def disagreement(self) -> float:
        """The widest spread between the participants, 0 (agreement) to 1."""
        return max((row.spread for row in self.disagreements), default=0.0)

    @property
    def spread(self) -> pd.DataFrame:
        """``disagreements`` as a DataFrame (empty, without columns, before any answer)."""
        if not self.participants:
            import pandas as pd

            return pd.DataFrame()
        return disagreement_frame(self.disagreements)

    @property
    def expected(self) -> pd.DataFrame:
        """``expectations`` as :func:`expected_values` gives them (empty before any answer)."""
        if not self.participants:
            import pandas as pd

            return pd.DataFrame()
        return expected_frame(self.expectations)


class OptionValues(NamedTuple):
    """Statistics of the values the team put on one option (a row of ``ValuesSummary.table``)."""

    option_id: str
    option: str
    answers: int
    mean: float
    median: float
    low: float
    high: float
    spread: float
    std: float


@dataclass(frozen=True)
class ValuesSummary:
    """Statistics of the values the team put on each option."""

    prompt: ValuesPrompt
    participants: list[str]
    rows: list[OptionValues]
    answers: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        """``rows`` as a DataFrame."""
        return records_frame(self.rows, OptionValues._fields)

    def proposal(self) -> dict[str, float]:
        """The median value of each option that someone valued."""
        return {row.option_id: float(row.median) for row in self.rows if row.answers > 0}


class VoteCount(NamedTuple):
    """One candidate priority's votes and who gave them."""

    candidate: str
    votes: int
    voters: list[str]


@dataclass(frozen=True)
class VoteSummary:
    """Vote counts for the improvement priorities, most votes first (ties: listed first)."""

    prompt: PrioritiesPrompt
    participants: list[str]
    rows: list[VoteCount]

    @property
    def counts(self) -> pd.DataFrame:
        """``rows`` as a DataFrame: candidate, votes, voters."""
        import pandas as pd

        return pd.DataFrame(
            {
                "candidate": [r.candidate for r in self.rows],
                "votes": [r.votes for r in self.rows],
                "voters": [r.voters for r in self.rows],
            }
        )

    @property
    def top(self) -> list[str]:
        """The two most-voted candidates that got votes (ties: the one listed first)."""
        return [r.candidate for r in self.rows if r.votes > 0][:2]


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
            return EstimateSummary(prompt, [], [], [], None)
        scenarios = _estimate_scenarios(prompt, estimates)
        return EstimateSummary(
            prompt,
            participants,
            disagreements(scenarios),
            expectations(scenarios),
            pooled_estimate(list(estimates.values())),
        )
    if isinstance(prompt, ValuesPrompt):
        given = {k: v.values for k, v in answers.items() if isinstance(v, ValuesAnswer)}
        rows = []
        for option in prompt.options:
            values = [float(v[option.id]) for v in given.values() if option.id in v]
            rows.append(
                OptionValues(
                    option.id,
                    option.label,
                    len(values),
                    statistics.fmean(values) if values else math.nan,
                    median(values) if values else math.nan,
                    min(values) if values else math.nan,
                    max(values) if values else math.nan,
                    max(values) - min(values) if values else math.nan,
                    statistics.pstdev(values) if values else math.nan,
                )
            )
        return ValuesSummary(prompt, participants, rows, {k: dict(v) for k, v in given.items()})
    votes = {c: 0 for c in prompt.candidates}
    voters: dict[str, list[str]] = {c: [] for c in prompt.candidates}
    for who, answer in answers.items():
        if isinstance(answer, VoteAnswer):
            for choice in answer.choices:
                if choice in votes:
                    votes[choice] += 1
                    voters[choice].append(who)
    counts = [VoteCount(c, votes[c], voters[c]) for c in votes]
    return VoteSummary(prompt, participants, sorted(counts, key=lambda r: -r.votes))
