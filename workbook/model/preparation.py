"""Discovery and mandate, the meeting plan and the debrief: what coaches prepare beyond the
numbers (interests and the assumptions to test, who does what in the room and with what
authority, their decision process, their likely tactics, the order and opening of the
meeting, and what the team learned afterwards)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from workbook.model.fields import LongText, Model, Name, Row, RowId, ShortText, unique_ids

Side = Literal["ours", "theirs"]


class Interest(Row):
    """A position one side takes, and the interest behind it."""

    side: Side = Field("theirs", description="Whose position it is.")
    position: Name = Field(description="What they (or we) ask for.")
    interest: LongText = Field("", description="Why: the need the position serves.")


ASSUMPTION_TOPICS = (
    "their_values",
    "their_weights",
    "their_walk_away",
    "their_batna",
    "their_deadline",
    "other",
)


class Assumption(Row):
    """Something the plan takes for granted that we do not know, and how we test it."""

    about: Literal[
        "their_values", "their_weights", "their_walk_away", "their_batna", "their_deadline", "other"
    ] = Field("other", description="Which part of the plan rests on it.")
    text: Name = Field(description="What we assume.")
    question: ShortText = Field("", description="The open question that tests it.")
    asked_by: RowId | None = Field(None, description="The team member who asks it.")
    tested: bool = Field(False, description="Whether the answer is in.")
    answer: LongText = Field("", description="What we learned.")


class DecisionStage(Row):
    """A stage of a decision, on their side or ours, with its deadline."""

    side: Side = Field("theirs", description="Whose decision process it belongs to.")
    stage: Name = Field(description="The stage (budget approval, board, legal review, ...).")
    deadline: dt.date | None = Field(None, description="When it happens or must be done.")
    note: ShortText = Field("", description="Who is involved, what it needs.")


class Tactic(Row):
    """A ploy we expect from them, and our prepared answer."""

    ploy: Literal[
        "higher_authority",
        "nibbling",
        "take_it_or_leave_it",
        "good_cop_bad_cop",
        "deadline_pressure",
        "bad_faith_anchor",
        "other",
    ] = Field("other", description="The kind of ploy.")
    sign: Name = Field(description="How it would show in the room.")
    counter: LongText = Field("", description="Our prepared answer.")


class Accusation(Row):
    """A negative they may raise about us, and our honest answer (the accusation audit)."""

    claim: Name = Field(description="What they may say about us.")
    answer: LongText = Field("", description="Our honest answer.")


class Mandate(Model):
    """The limits of the team's authority and who approves beyond them."""

    limits: LongText = Field("", description="What the team may agree without asking anyone.")
    approver: ShortText = Field("", description="Who approves beyond those limits.")
    caucus_signal: ShortText = Field("", description="The signal that calls a team break.")


class Discovery(Model):
    """Interests, assumptions to test, mandate, their decision process and their tactics."""

    interests: list[Interest] = Field(
        default_factory=list, description="Each side's key positions and the interest behind."
    )
    assumptions: list[Assumption] = Field(
        default_factory=list, description="What we do not know, and the question to test it."
    )
    mandate: Mandate = Field(default_factory=Mandate, description="Our authority in the room.")
    stages: list[DecisionStage] = Field(
        default_factory=list, description="The stages and deadlines of both decision processes."
    )
    needs_more: Literal["undecided", "us", "them", "both"] = Field(
        "undecided", description="Who needs the deal more."
    )
    needs_more_why: LongText = Field("", description="Why we think so.")
    tactics: list[Tactic] = Field(
        default_factory=list, description="The ploys to expect, and our counters."
    )
    accusations: list[Accusation] = Field(
        default_factory=list, description="Negatives they may raise about us, answered honestly."
    )

    @model_validator(mode="after")
    def _ids(self) -> Self:
        for rows, what in (
            (self.interests, "interests"),
            (self.assumptions, "assumptions"),
            (self.stages, "stages"),
            (self.tactics, "tactics"),
            (self.accusations, "accusations"),
        ):
            unique_ids(rows, what)
        return self


class AgendaIssue(Row):
    """An issue raised in the meeting, in order, with the time it gets."""

    text: Name = Field(description="The issue, as we raise it.")
    minutes: int = Field(10, ge=0, le=600, description="Minutes planned for it.")


class Debrief(Model):
    """After the meeting: the outcome against the plan, and what to keep and change."""

    held_on: dt.date | None = Field(None, description="When the meeting took place.")
    outcome: Literal["open", "deal", "no_deal", "continued"] = Field(
        "open", description="Deal, no deal, or talks continue."
    )
    agreed: dict[RowId, RowId] = Field(
        default_factory=dict, description="The package agreed: variable id to option id."
    )
    agreed_value: Annotated[float, Field(ge=0, le=1e12)] | None = Field(
        None, description="What the deal is worth, in the plan's currency."
    )
    went_well: LongText = Field("", description="What went well.")
    change: LongText = Field("", description="What we would do differently.")
    lessons: list[Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]] = Field(
        default_factory=list, description="Lessons for the next plan with them."
    )


class Meeting(Model):
    """The meeting plan (order, opening, time) and, afterwards, the debrief."""

    length_minutes: int | None = Field(
        None, ge=5, le=1440, description="How long the meeting lasts, in minutes."
    )
    issues: list[AgendaIssue] = Field(
        default_factory=list, description="The issues in the order we raise them."
    )
    opening: LongText = Field("", description="Our first two minutes, as we will say them.")
    previous_lessons: list[
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
    ] = Field(
        default_factory=list,
        description="Lessons from earlier debriefs with the same counterpart.",
    )
    debrief: Debrief = Field(default_factory=Debrief, description="After the meeting.")

    @model_validator(mode="after")
    def _ids(self) -> Self:
        unique_ids(self.issues, "issues")
        return self
