"""Section 1, strategy alignment: objectives, strengths, priorities and expected moves."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, field_validator, model_validator

from workbook.model.fields import (
    LongText,
    Model,
    Name,
    Probability,
    Row,
    RowId,
    ShortText,
    unique_ids,
)


class Objective(Row):
    """One objective of the company's strategic plan, shared by every negotiation."""

    title: Name = Field(description="The objective as the strategic plan names it.")
    description: LongText = Field("", description="What achieving it means.")
    horizon: ShortText = Field("", description="By when (e.g. FY2027).")


class StrategicPlan(Model):
    """The company's strategic objectives, kept in the store and reused across plans."""

    objectives: list[Objective] = Field(
        default_factory=list, description="Objectives of the current strategic plan."
    )

    @model_validator(mode="after")
    def _ids(self) -> Self:
        unique_ids(self.objectives, "objectives")
        return self


class Strength(Row):
    """Something we do especially well in strategic negotiations, with evidence."""

    text: Name = Field(description="What we do especially well.")
    evidence: LongText = Field("", description="A past deal where it showed, and how.")


class ImprovementPriority(Row):
    """One of the top one or two things to improve for this negotiation."""

    text: Name = Field(description="What we will do better this time.")
    why: LongText = Field("", description="Why it matters for this deal.")


class Contribution(Row):
    """What one team member will personally contribute."""

    member: Name = Field(description="Team member.")
    contribution: LongText = Field("", description="What they will personally do.")


class ObjectiveLink(Model):
    """How strongly this deal serves one strategic objective."""

    objective_id: RowId = Field(description="Identifier of the objective served.")
    title: Annotated[str, StringConstraints(max_length=120)] = Field(
        "", description="The objective's title when it was linked."
    )
    strength: int = Field(2, ge=0, le=3, description="0 none, 1 weak, 2 clear, 3 central.")
    how: LongText = Field("", description="How the deal serves it.")


class Justification(Row):
    """A reason given for calling this deal strategic."""

    text: Name = Field(description="The reason as the team states it.")
    objective_id: RowId | None = Field(None, description="The objective behind it, if any.")


class AnticipatedMove(Row):
    """What the customer or a competitor is likely to do next."""

    actor_kind: Literal["customer", "competitor"] = Field(
        "competitor", description="Who acts: the customer or a competitor."
    )
    actor: ShortText = Field("", description="Which company or person.")
    move: Name = Field(description="The move we expect.")
    likelihood: Probability = Field(0.5, description="How likely the move is, 0 to 1.")


class StrategyAlignment(Model):
    """Section 1: how the deal fits the strategy and what the team brings."""

    strengths: list[Strength] = Field(
        default_factory=list, description="What we do especially well, with evidence."
    )
    priorities: list[ImprovementPriority] = Field(
        default_factory=list,
        description="The top one or two priorities for improvement (never more: focus).",
    )
    contributions: list[Contribution] = Field(
        default_factory=list, description="What each team member will contribute."
    )
    objective_links: list[ObjectiveLink] = Field(
        default_factory=list, description="Strategic objectives this deal serves."
    )
    justifications: list[Justification] = Field(
        default_factory=list, description="Why the team calls this deal strategic."
    )
    compete_where: list[Name] = Field(
        default_factory=list, description="Where we choose to compete in this deal."
    )
    not_compete_where: list[Name] = Field(
        default_factory=list, description="Where we choose not to compete."
    )
    anticipated: list[AnticipatedMove] = Field(
        default_factory=list, description="Customer and competitor moves we expect."
    )

    @field_validator("priorities")
    @classmethod
    def _focus(cls, value: list[ImprovementPriority]) -> list[ImprovementPriority]:
        if len(value) > 2:
            raise ValueError("keep it to two priorities at most: focus is the point")
        return value

    @model_validator(mode="after")
    def _ids(self) -> Self:
        for rows, what in (
            (self.strengths, "strengths"),
            (self.priorities, "priorities"),
            (self.contributions, "contributions"),
            (self.justifications, "justifications"),
            (self.anticipated, "anticipated moves"),
        ):
            unique_ids(rows, what)
        linked = [link.objective_id for link in self.objective_links]
        if len(linked) != len(set(linked)):
            raise ValueError("an objective is linked twice")
        return self
