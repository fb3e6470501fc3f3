"""Section 4, the concession planner: variables, positions, first offers and steps."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, Self

from pydantic import Field, StringConstraints, field_validator, model_validator

if TYPE_CHECKING:
    import pandas as pd

from workbook.model.fields import (
    MAX_OPTIONS,
    Amount,
    LongText,
    Model,
    Money,
    Name,
    Row,
    RowId,
    Weight,
    unique_ids,
)


class Option(Row):
    """One option of a negotiable variable."""

    label: Name = Field(description="The option (e.g. 60 days, 3 years).")
    ours: Money = Field(0.0, description="Its value to us (negative when it costs us).")
    theirs: Money = Field(0.0, description="Our estimate of its value to them.")
    amount: Money | None = Field(
        None, description="The option as a figure: the unit price, the discount, the days."
    )


class Variable(Row):
    """A variable on the table, with its options."""

    name: Name = Field(description="The variable (price, volume, payment terms, ...).")
    on_agenda: bool = Field(True, description="Whether it is on the agreed agenda.")
    money: bool = Field(
        False,
        description="Money changing hands (price, discount, payment days): "
        "what it costs one side, it gives the other.",
    )
    weight_ours: Weight = Field(1.0, description="How much it weighs for us.")
    weight_theirs: Weight = Field(1.0, description="How much we think it weighs for them.")
    options: list[Option] = Field(default_factory=list, description="Its options.")
    stance: Literal["tradeable", "must_have", "deal_breaker"] = Field(
        "tradeable",
        description="Tradeable; a must-have (never below the limit option); "
        "or a deal-breaker (we do not move on it at all).",
    )
    limit_option_id: RowId | None = Field(None, description="For a must-have: the least we accept.")
    row_limits: ClassVar[dict[str, int]] = {"options": MAX_OPTIONS}

    @model_validator(mode="after")
    def _options(self) -> Self:
        unique_ids(self.options, "options")
        labels = [o.label.casefold() for o in self.options]
        if len(labels) != len(set(labels)):
            raise ValueError(f"the variable {self.name!r} has two options with the same label")
        return self


class SidePosition(Model):
    """One side's opening, target, walk-away and BATNA, in the plan's currency."""

    opening: Money | None = Field(None, description="First offer.")
    target: Money | None = Field(None, description="The outcome aimed for.")
    reservation: Money | None = Field(None, description="Walk-away point.")
    batna: LongText = Field("", description="Best alternative to a negotiated agreement.")
    batna_value: Money | None = Field(None, description="What that alternative is worth.")
    existing_business: Literal["unknown", "kept", "lost"] = Field(
        "unknown",
        description="Without a deal, whether the business already running between us stays.",
    )
    reservation_reason: LongText = Field(
        "", description="Why the walk-away sits where it does, against the BATNA's value."
    )
    package_floor: Money | None = Field(
        None, description="Lowest package score this side accepts (planner units)."
    )
    batna_test: LongText = Field(
        "", description="How we test this BATNA (for theirs: what would show it is weaker)."
    )


class FirstOffer(Model):
    """Who puts the first figure on the table, and what stands behind ours."""

    who_opens: Literal["undecided", "us", "them"] = Field(
        "undecided", description="Who is expected to make the first offer."
    )
    our_figure: Money | None = Field(None, description="The figure we open with.")
    criteria: LongText = Field(
        "", description="The objective criteria that make our figure defensible."
    )
    why: LongText = Field("", description="Why this side opens.")
    offer_id: RowId | None = Field(
        None, description="The prepared package we open with, if we open with a package."
    )
    re_anchor: LongText = Field("", description="How we re-anchor if their figure lands first.")


class Positions(Model):
    """Positions of both sides and the references to judge an anchor."""

    ours: SidePosition = Field(default_factory=SidePosition, description="Our position.")
    theirs: SidePosition = Field(
        default_factory=SidePosition, description="Our estimate of their position."
    )
    market_reference: Amount | None = Field(
        None, description="A fair market reference for the deal, to judge anchors."
    )
    anchor_threshold_pct: float = Field(
        30.0,
        ge=0,
        le=1000,
        description="An opening this far (%) from the market needs a stated justification.",
    )
    first_offer: FirstOffer = Field(
        default_factory=FirstOffer, description="Who opens, our figure and why it is fair."
    )


NOTHING_IN_RETURN = {
    "",
    "-",
    "—",
    "n/a",
    "na",
    "none",
    "nothing",
    "no",
    "free",
    "goodwill",
    "nothing in return",
    "for free",
    "tbd",
    "?",
}
"""Answers to "if they give" that ask for nothing."""


class ConcessionStep(Row):
    """One conditional step: if they give X, we give Y."""

    @field_validator("if_they_give")
    @classmethod
    def _something_in_return(cls, value: str) -> str:
        if value.strip().strip(".!").casefold() in NOTHING_IN_RETURN:
            raise ValueError("ask for something in return: no concession goes unanswered")
        return value

    if_they_give: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = Field(
        description="What we ask in return (never nothing)."
    )
    their_variable_id: RowId | None = Field(None, description="The variable they move on.")
    we_give: Name = Field(description="What we concede.")
    our_variable_id: RowId | None = Field(None, description="The variable we move on.")
    our_from_option_id: RowId | None = Field(None, description="The option we move from.")
    our_to_option_id: RowId | None = Field(None, description="The option we move to.")
    our_cost: Amount = Field(0.0, description="What the step costs us.")
    their_value: Amount = Field(0.0, description="What the step is worth to them.")
    reason_kind: Literal["business", "relationship", "communication"] = Field(
        "business", description="What problem the concession is meant to solve."
    )
    reason: LongText = Field("", description="Why this step, in a sentence.")


class NoReciprocityPlan(Model):
    """What we do when they do not answer a concession."""

    pause: LongText = Field("", description="How we pause and take stock.")
    batna_check: LongText = Field("", description="How we check our BATNA.")
    name_it: LongText = Field("", description="How we name the impasse openly.")
    ask_for: LongText = Field("", description="The specific concession we ask for, prepared.")


MAX_REHEARSALS = 20
"""Rehearsals a plan keeps (the oldest make way for new ones)."""

MAX_REHEARSAL_ROUNDS = 50
"""Rounds one rehearsal may last."""

MAX_ESTIMATES = 20
"""Alternative estimates of their values a plan keeps."""

RehearsalStyle = Literal["boulware", "conceder", "tit_for_tat", "random"]
Package = dict[RowId, RowId]
"""A package as the plan keeps it: variable id to option id (ids survive a rename)."""


class RehearsalRound(Model):
    """One round of a rehearsal: our offer and their answer."""

    offer: Package = Field(description="Our offer: variable id to option id.")
    answer: Literal["counter", "accept", "walk_away"] = Field(description="What they answered.")
    package: Package | None = Field(
        None, description="Their counter-offer, or our offer they accepted; none on a walk-away."
    )


class RehearsalRecord(Row):
    """A rehearsal against their side, kept so that it can be replayed and compared.

    Packages are kept by variable and option id, so renaming an option does not break a
    replay; a changed value or a removed option does, and the replay says so.
    """

    at: dt.datetime = Field(
        default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0),
        description="When it started.",
    )
    style: RehearsalStyle = Field("boulware", description="Their concession style.")
    rounds: int = Field(
        8, ge=1, le=MAX_REHEARSAL_ROUNDS, description="Rounds before they must decide."
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="The seed that replays it.")
    their_floor: Money = Field(0.0, description="Their floor in the rehearsal (planner units).")
    played: list[RehearsalRound] = Field(default_factory=list, description="Rounds played.")
    row_limits: ClassVar[dict[str, int]] = {"played": MAX_REHEARSAL_ROUNDS}

    @property
    def finished(self) -> bool:
        """Whether they accepted or walked away."""
        return bool(self.played) and self.played[-1].answer != "counter"


class TheirEstimate(Row):
    """One team member's estimate of their side: weights and option values that differ from
    the plan's (what it leaves out is taken from the plan)."""

    name: Name = Field(description="Whose estimate (a team member, a workshop participant).")
    weights: dict[RowId, Weight] = Field(
        default_factory=dict, description="Variable id to its weight for them."
    )
    values: dict[RowId, Money] = Field(
        default_factory=dict, description="Option id to its value to them."
    )


class BatnaAction(Row):
    """A way to strengthen our BATNA before the meeting, with an owner and a date."""

    action: Name = Field(description="What we do to strengthen our alternative.")
    owner: RowId | None = Field(None, description="The team member who does it.")
    due: dt.date | None = Field(None, description="By when.")
    done: bool = Field(False, description="Done.")


class TradeRule(Row):
    """A trading rule: we move on one variable only against a move of theirs on another."""

    variable_id: RowId | None = Field(None, description="The variable we move on.")
    against_id: RowId | None = Field(
        None, description="A variable they must move on in return (one row per variable)."
    )


class PreparedOffer(Row):
    """A package prepared to put on the table (an equivalent offer pinned to the plan)."""

    name: Name = Field(description="What we call it in the room.")
    options: dict[RowId, RowId] = Field(
        default_factory=dict, description="Variable id to option id."
    )
    note: LongText = Field("", description="What choosing it would tell us.")


class ConcessionPlanner(Model):
    """Section 4: variables, positions, packages and the conditional concession plan."""

    unit: Literal["points", "money"] = Field(
        "points", description="Whether option values are scored in points or in money."
    )
    variables: list[Variable] = Field(default_factory=list, description="Variables on the table.")
    positions: Positions = Field(default_factory=Positions, description="Positions of both sides.")
    current_offer: dict[RowId, RowId] = Field(
        default_factory=dict, description="The offer on the table: variable id to option id."
    )
    steps: list[ConcessionStep] = Field(
        default_factory=list, description="The conditional concession plan, in order."
    )
    no_reciprocity: NoReciprocityPlan = Field(
        default_factory=NoReciprocityPlan, description="What we do when they do not reciprocate."
    )
    point_value_ours: Amount | None = Field(
        None, description="What one weighted point is worth to us, in money."
    )
    point_value_theirs: Amount | None = Field(
        None, description="What one weighted point is worth to them, in money."
    )
    price_variable_id: RowId | None = Field(
        None, description="The variable whose options are the unit price."
    )
    volume: Amount | None = Field(
        None, description="How many units the unit price applies to (vehicles, licences)."
    )
    term_months: int | None = Field(
        None, ge=1, le=600, description="Months the unit price is paid for over the term."
    )
    rehearsals: list[RehearsalRecord] = Field(
        default_factory=list, description="Rehearsals against their side, oldest first."
    )
    their_estimates: list[TheirEstimate] = Field(
        default_factory=list,
        description="Team members' own estimates of their weights and option values.",
    )
    row_limits: ClassVar[dict[str, int]] = {
        "rehearsals": MAX_REHEARSALS,
        "their_estimates": MAX_ESTIMATES,
    }
    batna_actions: list[BatnaAction] = Field(
        default_factory=list, description="How we strengthen our BATNA before the meeting."
    )
    trade_rules: list[TradeRule] = Field(
        default_factory=list, description="What each variable may move against."
    )
    nothing_agreed: bool = Field(True, description="Nothing is agreed until everything is agreed.")
    offers_value: Money | None = Field(
        None, description="What the equivalent offers are worth to us (planner units)."
    )
    offers_tolerance: Amount | None = Field(
        None, description="How far apart counts as equal to us (planner units)."
    )
    prepared_offers: list[PreparedOffer] = Field(
        default_factory=list, description="Packages prepared to put on the table."
    )

    @model_validator(mode="after")
    def _ids(self) -> Self:
        unique_ids(self.variables, "variables")
        unique_ids(self.steps, "steps")
        unique_ids(self.rehearsals, "rehearsals")
        unique_ids(self.their_estimates, "estimates of their values")
        who = [e.name.casefold() for e in self.their_estimates]
        if len(who) != len(set(who)):
            raise ValueError("two estimates of their values have the same name")
        unique_ids(self.batna_actions, "BATNA actions")
        unique_ids(self.trade_rules, "trading rules")
        unique_ids(self.prepared_offers, "prepared offers")
        names = [v.name.casefold() for v in self.variables]
        if len(names) != len(set(names)):
            raise ValueError("two variables have the same name")
        return self

    if TYPE_CHECKING:  # set by workbook.tables, kept for analysts' code for one release

        def to_frame(self) -> pd.DataFrame:
            """Every option with its raw and weighted values for both sides, as a DataFrame."""
