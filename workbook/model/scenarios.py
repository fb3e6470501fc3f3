"""Section 3, scenarios: competitors, their likely moves and our estimates."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Literal, Self

from pydantic import Field, model_validator

if TYPE_CHECKING:
    import pandas as pd

from workbook.model.fields import (
    AmountRange,
    LongText,
    Model,
    Name,
    ProbabilityRange,
    Range,
    Row,
    RowId,
    unique_ids,
)


class Competitor(Row):
    """A competitor who may retaliate against our moves."""

    name: Name = Field(description="The competitor.")
    notes: LongText = Field("", description="What we know of how they behave.")


class RetaliationEstimate(Model):
    """One participant's estimate of one competitor's retaliation against a move."""

    competitor_id: RowId = Field(description="Identifier of the competitor.")
    probability: ProbabilityRange = Field(
        default_factory=ProbabilityRange, description="Chance that they retaliate."
    )
    damage: AmountRange = Field(
        default_factory=AmountRange, description="Damage to us if they do, in money."
    )


class Estimate(Model):
    """Ranges for one move, without saying whose (a workshop participant's answer)."""

    gain: Range = Field(default_factory=Range, description="Our direct gain from the move.")
    cooperation_probability: ProbabilityRange = Field(
        default_factory=ProbabilityRange, description="Chance the customer cooperates."
    )
    cooperation_value: AmountRange = Field(
        default_factory=AmountRange, description="Value to us of that cooperation."
    )
    retaliation: list[RetaliationEstimate] = Field(
        default_factory=list, description="Retaliation by each competitor."
    )

    @model_validator(mode="after")
    def _one_per_competitor(self) -> Self:
        ids = [r.competitor_id for r in self.retaliation]
        if len(ids) != len(set(ids)):
            raise ValueError("a competitor is estimated twice in one estimate")
        return self

    def ranges(self) -> list[tuple[str, Range]]:
        """Every range of the estimate with its dotted name, e.g. ``retaliation[0].damage``."""
        out: list[tuple[str, Range]] = [
            ("gain", self.gain),
            ("cooperation_probability", self.cooperation_probability),
            ("cooperation_value", self.cooperation_value),
        ]
        for k, r in enumerate(self.retaliation):
            out += [(f"retaliation[{k}].probability", r.probability)]
            out += [(f"retaliation[{k}].damage", r.damage)]
        return out

    @property
    def finished(self) -> bool:
        """Whether every range has low, likely and high: only then is the estimate analysed."""
        return all(r.finished for _, r in self.ranges())


class MoveEstimate(Estimate, Row):
    """One participant's ranges for one move."""

    participant: Name = Field("Team", description="Who made this estimate.")


class Move(Row):
    """A candidate move of ours."""

    name: Name = Field(description="The move (cut price 8 %, offer exclusivity, ...).")
    variable_id: RowId | None = Field(
        None, description="The concession planner's variable the move acts on, if any."
    )
    description: LongText = Field("", description="What exactly we would do.")
    estimates: list[MoveEstimate] = Field(
        default_factory=list, description="Estimates, one per participant."
    )

    @model_validator(mode="after")
    def _participants(self) -> Self:
        unique_ids(self.estimates, "estimates")
        names = [e.participant.casefold() for e in self.estimates]
        if len(names) != len(set(names)):
            raise ValueError(f"a participant has two estimates for the move {self.name!r}")
        return self


class Scenarios(Model):
    """Section 3: our moves, competitor retaliation and customer cooperation."""

    competitors: list[Competitor] = Field(default_factory=list, description="Named competitors.")
    moves: list[Move] = Field(default_factory=list, description="Our candidate moves.")
    seed: int = Field(
        default_factory=lambda: secrets.randbelow(2**31),
        ge=0,
        le=2**32 - 1,
        description="Random seed: the same inputs give the same figures.",
    )
    draws: int = Field(20_000, ge=1_000, le=1_000_000, description="Monte Carlo draws per move.")
    distribution: Literal["pert", "triangular"] = Field(
        "pert", description="How values are drawn from each low/likely/high range."
    )

    @model_validator(mode="after")
    def _ids(self) -> Self:
        unique_ids(self.competitors, "competitors")
        unique_ids(self.moves, "moves")
        return self

    if TYPE_CHECKING:  # set by workbook.tables, kept for analysts' code for one release

        def to_frame(self) -> pd.DataFrame:
            """Every participant's ranges as a long DataFrame (one row per quantity)."""
