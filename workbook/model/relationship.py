"""Section 5, relationship and trust: links, players, disclosures, issues."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from workbook.model.fields import (
    FAIR_SHARE_DEFAULT,
    Amount,
    LongText,
    Model,
    Name,
    Row,
    Score5,
    ShortText,
    unique_ids,
)


class BusinessLink(Row):
    """Existing business between the two companies."""

    direction: Literal["we_buy", "they_buy"] = Field(
        "they_buy", description="Whether we buy from them or they buy from us."
    )
    description: Name = Field(description="What is bought.")
    annual_value: Amount = Field(0.0, description="Yearly value in the plan's currency.")
    quality: Literal["poor", "ok", "good", "great"] = Field(
        "ok", description="How well that relationship works."
    )


class Player(Row):
    """A key player on either side."""

    name: Name = Field(description="The person.")
    side: Literal["ours", "theirs"] = Field("theirs", description="Which company they are with.")
    role: ShortText = Field("", description="Their role in the decision.")
    influence: Score5 = Field(3, description="Influence on the outcome, 1 to 5.")
    stance: int = Field(0, ge=-2, le=2, description="-2 opposed ... 0 neutral ... 2 champion.")
    relationship: Score5 = Field(3, description="Strength of our relationship, 1 to 5.")
    owner: ShortText = Field("", description="Who on our side owns the relationship.")
    decision_role: Literal["none", "signs", "vetoes", "influences"] = Field(
        "none", description="Their part in the decision: signs, can veto, or influences."
    )


class ReciprocityPressure(Model):
    """Pressure to trade business for business ("we buy from you, so ...")."""

    present: bool = Field(False, description="Whether someone presses for reciprocity.")
    who: ShortText = Field("", description="Who presses, on which side.")
    description: LongText = Field("", description="What is asked.")
    decision_owner: ShortText = Field(
        "", description="The senior person who owns the decision, away from the sourcing team."
    )
    decision: LongText = Field("", description="What was decided, and why.")
    tell_losing_bidder: LongText = Field("", description="How a losing bidder hears why.")
    tell_colleagues: LongText = Field("", description="How internal colleagues hear why.")


class RelationshipContribution(Row):
    """What one side contributes to the relationship."""

    side: Literal["ours", "theirs"] = Field("ours", description="Who contributes.")
    what: Name = Field(description="The contribution.")
    value: Amount = Field(1.0, description="Its weight (points or money, consistently).")


class Disclosure(Row):
    """An item we may share: a constraint, a priority or information, with its risk."""

    kind: Literal["constraint", "priority", "information"] = Field(
        "information", description="A constraint, one of our priorities, or information."
    )
    category: Literal["legal", "regulatory", "policy", "commercial", "other"] = Field(
        "commercial", description="Where a constraint comes from."
    )
    text: Name = Field(description="What we would share.")
    risk: Score5 = Field(2, description="Risk if misused, 1 low to 5 high.")
    hope_to_learn: LongText = Field("", description="What we hope to learn in return.")
    share_up_front: bool = Field(False, description="Share at the start of the negotiation.")
    share_anyway: LongText = Field("", description="For a high-risk item: why we share it anyway.")
    shared: bool = Field(False, description="Already shared.")


class CommonGround(Row):
    """Agreement already reached, to build on."""

    text: Name = Field(description="What both sides already agree on.")


class RelationshipIssue(Row):
    """An issue to handle, kept apart as relationship or business."""

    text: Name = Field(description="The issue.")
    kind: Literal["relationship", "business"] = Field(
        "business", description="A relationship issue or a business issue."
    )
    handling: LongText = Field("", description="How we will handle it.")


class Relationship(Model):
    """Section 5: existing business, players, reciprocity, balance and trust."""

    links: list[BusinessLink] = Field(
        default_factory=list, description="Business between the companies, both directions."
    )
    players: list[Player] = Field(default_factory=list, description="Key players on both sides.")
    pressure: ReciprocityPressure = Field(
        default_factory=ReciprocityPressure, description="Reciprocity pressure, if any."
    )
    contributions: list[RelationshipContribution] = Field(
        default_factory=list, description="What each side brings to the relationship."
    )
    needs_from_them: list[Name] = Field(
        default_factory=list, description="What we need from them for it to be worth it."
    )
    step_back_when: LongText = Field(
        "", description="When we step back or choose another kind of relationship."
    )
    trust_level: Score5 = Field(3, description="Current trust, 1 low to 5 high.")
    fair_share: float = Field(
        FAIR_SHARE_DEFAULT,
        ge=0.5,
        le=0.9,
        description="Edge of a fair split of what each side contributes (0.6 means 60/40).",
    )
    disclosures: list[Disclosure] = Field(
        default_factory=list, description="Constraints and the information-sharing ladder."
    )
    common_ground: list[CommonGround] = Field(
        default_factory=list, description="Common ground already reached."
    )
    issues: list[RelationshipIssue] = Field(
        default_factory=list, description="Issues, kept apart as relationship or business."
    )
    mode: Literal["undecided", "relationship", "transaction"] = Field(
        "undecided", description="Whether this deal is about a relationship or a transaction."
    )
    mode_implications: LongText = Field(
        "", description="What that choice means for the concession plan."
    )

    @model_validator(mode="after")
    def _ids(self) -> Self:
        for rows, what in (
            (self.links, "business links"),
            (self.players, "players"),
            (self.contributions, "contributions"),
            (self.disclosures, "disclosures"),
            (self.common_ground, "common ground items"),
            (self.issues, "issues"),
        ):
            unique_ids(rows, what)
        return self
