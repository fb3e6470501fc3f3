"""The plan model: one pydantic model per workbook section, and the Plan that holds them.

This module is the single source of truth for what a plan contains. Every field has a
type, bounds where a number has them, and a one-line description; the UI reads labels
and limits from here, the store saves what validates here, and imported files are
checked against it.

>>> plan = Plan(name="Fleet renewal", counterpart="Northwind")
>>> plan.side
'sell'
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from workbook.working import quantity_from_working

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 2
"""Version of the plan layout written by this release; older files are migrated on load."""

SectionKey = Literal[
    "strategy", "value", "scenarios", "concessions", "relationship", "ledger", "brief"
]
SECTION_KEYS: tuple[str, ...] = (
    "strategy",
    "value",
    "scenarios",
    "concessions",
    "relationship",
    "ledger",
    "brief",
)

# --- shared field types -------------------------------------------------------------

RowId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
ShortText = Annotated[str, StringConstraints(max_length=300)]
LongText = Annotated[str, StringConstraints(max_length=5000)]
Money = Annotated[float, Field(ge=-1e12, le=1e12)]
Amount = Annotated[float, Field(ge=0, le=1e12)]
Probability = Annotated[float, Field(ge=0, le=1)]
Score5 = Annotated[int, Field(ge=1, le=5)]
Weight = Annotated[float, Field(ge=0, le=100)]

FAIR_SHARE_DEFAULT = 0.6
"""A new plan's edge of a fair relationship split (60/40); each plan keeps its own."""


def _currency(code: str) -> str:
    if not (len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()):
        raise ValueError("use a three-letter currency code in capitals, such as EUR or USD")
    return code


Currency = Annotated[str, AfterValidator(_currency)]


def new_id() -> str:
    """A short random identifier for a plan or a row."""
    return secrets.token_hex(5)


MAX_ROWS = 300
"""Rows one table (any list) of a plan may hold: a real plan has tens."""

MAX_OPTIONS = 20
"""Options one variable on the table may have."""


class Model(BaseModel):
    """Base of every plan model: unknown fields, non-finite numbers and lists longer than
    their limit (:data:`MAX_ROWS`, or the field's in ``row_limits``) are refused."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, validate_default=True, populate_by_name=False
    )
    row_limits: ClassVar[dict[str, int]] = {}

    @model_validator(mode="before")
    @classmethod
    def _within_limits(cls, data: Any) -> Any:
        # Before validation: a list far over its limit is refused without being read.
        if isinstance(data, dict):
            for name, value in data.items():
                limit = cls.row_limits.get(name, MAX_ROWS)
                if isinstance(value, list) and len(value) > limit:
                    raise ValueError(f"{name} holds {len(value):,} entries; the limit is {limit}")
        return data


class Row(Model):
    """A row in one of the plan's tables, with a stable identifier."""

    id: RowId = Field(default_factory=new_id, description="Stable identifier of this row.")


def _unique_ids(rows: Sequence[Row], what: str) -> None:
    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            raise ValueError(f"two {what} share the identifier {row.id!r}")
        seen.add(row.id)


RANGE_PARTS = ("low", "likely", "high")
"""The three points of a range, in order."""


class Range(Model):
    """A three-point estimate: low, likely and high, in that order.

    A point not given yet is None: the range is *unfinished* and no analysis uses it. The
    points given must already be in order, so that typing them in any order never has to
    pass through a refused state.
    """

    low: Money | None = Field(None, description="Pessimistic value.")
    likely: Money | None = Field(None, description="Most likely value.")
    high: Money | None = Field(None, description="Optimistic value.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        given = [(p, getattr(self, p)) for p in RANGE_PARTS if getattr(self, p) is not None]
        for (a, x), (b, y) in itertools.pairwise(given):
            if x > y:
                raise ValueError(f"{a} ({x:g}) must not be above {b} ({y:g})")
        return self

    @property
    def finished(self) -> bool:
        """Whether low, likely and high are all given."""
        return all(getattr(self, p) is not None for p in RANGE_PARTS)


class AmountRange(Range):
    """A three-point estimate of an amount that cannot be negative."""

    low: Amount | None = Field(None, description="Pessimistic value.")
    likely: Amount | None = Field(None, description="Most likely value.")
    high: Amount | None = Field(None, description="Optimistic value.")


class ProbabilityRange(Range):
    """A three-point estimate of a probability between 0 and 1."""

    low: Probability | None = Field(None, description="Lowest plausible probability.")
    likely: Probability | None = Field(None, description="Most likely probability.")
    high: Probability | None = Field(None, description="Highest plausible probability.")


# --- team ------------------------------------------------------------------------------


class TeamMember(Row):
    """A member of our negotiating team."""

    name: Name = Field(description="Name of the team member.")
    role: ShortText = Field("", description="Role in the deal team (lead, finance, legal, ...).")


# --- 1. strategy alignment -----------------------------------------------------------


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
        _unique_ids(self.objectives, "objectives")
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
            _unique_ids(rows, what)
        linked = [link.objective_id for link in self.objective_links]
        if len(linked) != len(set(linked)):
            raise ValueError("an objective is linked twice")
        return self


# --- 2. value proposition ------------------------------------------------------------


class Pain(Row):
    """A customer need or pain."""

    text: Name = Field(description="The need or pain in the customer's words.")
    priority: Score5 = Field(3, description="How much it matters to them, 1 low to 5 high.")
    stakeholder: ShortText = Field("", description="Who feels it most.")


class Differentiator(Row):
    """Something that sets us apart, with proof."""

    text: Name = Field(description="What sets us apart.")
    proof: LongText = Field("", description="Proof point: reference, figure, demonstration.")
    answers: list[RowId] = Field(
        default_factory=list, description="Identifiers of the pains it answers."
    )


class ValueDriver(Row):
    """A driver of value on which we compare with the customer's alternative."""

    name: Name = Field(description="The value driver (uptime, total cost, support, ...).")
    ours: float = Field(5.0, ge=0, le=10, description="How we score, 0 to 10.")
    alternative: float = Field(5.0, ge=0, le=10, description="How the alternative scores.")
    importance: Score5 = Field(3, description="How much the customer cares, 1 to 5.")


class ValueItem(Row):
    """One quantified benefit, with its assumptions visible."""

    name: Name = Field(description="The benefit (fewer breakdowns, lower fuel use, ...).")
    kind: Literal["savings", "revenue", "risk_avoided"] = Field(
        "savings", description="Savings, new revenue, or a risk avoided."
    )
    quantity: Amount = Field(0.0, description="How many units per year.")
    unit: ShortText = Field("", description="The unit counted (hours, litres, incidents).")
    unit_value: Money = Field(0.0, description="Value of one unit, in the plan's currency.")
    probability: Probability = Field(
        1.0, description="Chance it happens (for risks avoided), 0 to 1."
    )
    assumption: LongText = Field("", description="Where the figures come from.")
    quantity_basis: ShortText = Field(
        "",
        description="The quantity worked out as a sum, e.g. 2400 * 0.24 (vehicles × hours each).",
    )

    @model_validator(mode="before")
    @classmethod
    def _quantity_from_working(cls, data: Any) -> Any:
        """An empty quantity follows from its working (a plain sum, read without eval)."""
        if not isinstance(data, dict) or data.get("quantity") not in (None, ""):
            return data
        data = {k: v for k, v in data.items() if k != "quantity"}
        worked = quantity_from_working(None, str(data.get("quantity_basis") or ""))
        return data if worked is None else {**data, "quantity": worked}


class Alternative(Model):
    """What the customer would choose if not us."""

    name: ShortText = Field("", description="The alternative (a competitor, in-house, do nothing).")
    description: LongText = Field("", description="What it offers and costs.")
    annual_cost: Amount = Field(0.0, description="Its yearly cost to the customer.")


class StakeholderFraming(Row):
    """How the value proposition is framed for one stakeholder."""

    role: Literal["economic_buyer", "user", "technical", "procurement", "legal", "other"] = Field(
        "economic_buyer", description="The stakeholder's role in the decision."
    )
    name: ShortText = Field("", description="Who it is.")
    lead_drivers: list[RowId] = Field(
        default_factory=list, description="Identifiers of the value drivers that lead for them."
    )
    statement: LongText = Field("", description="The framing statement the team will use.")


class ValueProposition(Model):
    """Section 2: needs, differentiators, quantified value, alternative and framing."""

    pains: list[Pain] = Field(default_factory=list, description="Customer needs and pains.")
    differentiators: list[Differentiator] = Field(
        default_factory=list, description="Our differentiators with proof points."
    )
    drivers: list[ValueDriver] = Field(
        default_factory=list, description="Value drivers compared with the alternative."
    )
    value_items: list[ValueItem] = Field(
        default_factory=list, description="Quantified benefits per year."
    )
    investment: Amount = Field(
        0.0, description="One-off price the customer pays us (set-up, hardware), for payback."
    )
    annual_price: Amount = Field(
        0.0, description="What the customer pays us each year, for payback and ROI."
    )
    horizon_years: int = Field(3, ge=1, le=20, description="Years over which value is counted.")
    alternative: Alternative = Field(
        default_factory=Alternative, description="The customer's alternative to us."
    )
    framings: list[StakeholderFraming] = Field(
        default_factory=list, description="Framing of the proposition per stakeholder."
    )

    @model_validator(mode="after")
    def _ids(self) -> Self:
        for rows, what in (
            (self.pains, "pains"),
            (self.differentiators, "differentiators"),
            (self.drivers, "value drivers"),
            (self.value_items, "value items"),
            (self.framings, "framings"),
        ):
            _unique_ids(rows, what)
        return self


# --- 3. scenarios --------------------------------------------------------------------


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
        _unique_ids(self.estimates, "estimates")
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
        _unique_ids(self.competitors, "competitors")
        _unique_ids(self.moves, "moves")
        return self

    if TYPE_CHECKING:  # set by workbook.tables, kept for analysts' code for one release

        def to_frame(self) -> pd.DataFrame:
            """Every participant's ranges as a long DataFrame (one row per quantity)."""


# --- 4. concession planner -----------------------------------------------------------


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
    row_limits: ClassVar[dict[str, int]] = {"options": MAX_OPTIONS}

    @model_validator(mode="after")
    def _options(self) -> Self:
        _unique_ids(self.options, "options")
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


class FirstOffer(Model):
    """Who puts the first figure on the table, and what stands behind ours."""

    who_opens: Literal["undecided", "us", "them"] = Field(
        "undecided", description="Who is expected to make the first offer."
    )
    our_figure: Money | None = Field(None, description="The figure we open with.")
    criteria: LongText = Field(
        "", description="The objective criteria that make our figure defensible."
    )


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

    @model_validator(mode="after")
    def _ids(self) -> Self:
        _unique_ids(self.variables, "variables")
        _unique_ids(self.steps, "steps")
        names = [v.name.casefold() for v in self.variables]
        if len(names) != len(set(names)):
            raise ValueError("two variables have the same name")
        return self

    if TYPE_CHECKING:  # set by workbook.tables, kept for analysts' code for one release

        def to_frame(self) -> pd.DataFrame:
            """Every option with its raw and weighted values for both sides, as a DataFrame."""


# --- 5. relationship and trust -------------------------------------------------------


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
            _unique_ids(rows, what)
        return self


# --- 6. live negotiation ledger ------------------------------------------------------


class LedgerEntry(Row):
    """A concession given or received during the negotiation."""

    at: dt.datetime = Field(
        default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0),
        description="When it happened.",
    )
    direction: Literal["given", "received"] = Field(
        "given", description="Given by us or received from them."
    )
    variable_id: RowId | None = Field(None, description="The variable it moved, if any.")
    description: Name = Field(description="What was conceded.")
    value_ours: Amount = Field(0.0, description="Its value to us (a cost if we gave it).")
    value_theirs: Amount = Field(0.0, description="Its value to them.")
    answers: RowId | None = Field(None, description="The concession this one answers, if any.")
    from_option_id: RowId | None = Field(None, description="The option moved from, if any.")
    to_option_id: RowId | None = Field(None, description="The option moved to, if any.")
    note: LongText = Field("", description="Anything worth remembering.")


class Ledger(Model):
    """Section 6: the live log of concessions."""

    entries: list[LedgerEntry] = Field(default_factory=list, description="Concessions, in order.")

    @model_validator(mode="after")
    def _ids(self) -> Self:
        _unique_ids(self.entries, "ledger entries")
        for entry in self.entries:
            if entry.answers == entry.id:
                raise ValueError(f"{entry.description!r} cannot answer itself")
        by_id = {e.id: e for e in self.entries}
        for entry in self.entries:
            other = by_id.get(entry.answers or "")
            if other is not None and other.direction == entry.direction:
                we = "we gave" if entry.direction == "given" else "we received"
                raise ValueError(
                    f"{entry.description!r} cannot answer {other.description!r}: both are "
                    f"concessions {we}; an answer comes from the other side"
                )
        return self

    if TYPE_CHECKING:  # set by workbook.tables, kept for analysts' code for one release

        def to_frame(self) -> pd.DataFrame:
            """The concession log as a DataFrame, oldest first."""


# --- workshop --------------------------------------------------------------------------


class AgendaItem(Model):
    """One section of a workshop agenda, with its time box."""

    section: SectionKey = Field(description="The section worked on.")
    minutes: int = Field(15, ge=1, le=240, description="Minutes set aside.")


class ParkingItem(Row):
    """A question that came up out of turn, parked for later."""

    text: Name = Field(description="The question.")
    raised_by: ShortText = Field("", description="Who raised it.")
    section: SectionKey | None = Field(None, description="The section it belongs to.")
    resolved: bool = Field(False, description="Whether it has been answered.")


class Workshop(Model):
    """The facilitated workshop: agenda and parking lot."""

    agenda: list[AgendaItem] = Field(default_factory=list, description="Sections in order.")
    parking_lot: list[ParkingItem] = Field(
        default_factory=list, description="Questions parked for later."
    )

    @model_validator(mode="after")
    def _ids(self) -> Self:
        _unique_ids(self.parking_lot, "parking lot items")
        return self


# --- the plan ----------------------------------------------------------------------


class Plan(Model):
    """A negotiation plan: the header fields and one part per section."""

    schema_version: int = Field(SCHEMA_VERSION, ge=1, description="Layout version of the plan.")
    id: RowId = Field(default_factory=new_id, description="Stable identifier of the plan.")
    name: Name = Field(description="Name of the negotiation.")
    counterpart: ShortText = Field("", description="The company on the other side.")
    company: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = Field(
        "", description="Our company: its plans share one set of strategic objectives."
    )
    side: Literal["sell", "buy"] = Field("sell", description="Whether we sell or buy.")
    deal_value: Amount = Field(0.0, description="Expected value of the deal.")
    currency: Currency = Field("EUR", description="Currency of every amount, ISO 4217 code.")
    date: dt.date | None = Field(None, description="Date of the negotiation.")
    summary: LongText = Field("", description="The deal in two or three sentences.")
    team: list[TeamMember] = Field(default_factory=list, description="Our negotiating team.")
    strategy: StrategyAlignment = Field(default_factory=StrategyAlignment)
    value: ValueProposition = Field(default_factory=ValueProposition)
    scenarios: Scenarios = Field(default_factory=Scenarios)
    concessions: ConcessionPlanner = Field(default_factory=ConcessionPlanner)
    relationship: Relationship = Field(default_factory=Relationship)
    ledger: Ledger = Field(default_factory=Ledger)
    workshop: Workshop = Field(default_factory=Workshop)
    custom_answers: dict[Annotated[str, StringConstraints(max_length=80)], LongText] = Field(
        default_factory=dict, description="Answers to questions added in content files."
    )

    @model_validator(mode="after")
    def _version(self) -> Self:
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {self.schema_version} is not {SCHEMA_VERSION}; "
                "load files through workbook.model.load_plan, which migrates them"
            )
        _unique_ids(self.team, "team members")
        seen: set[str] = set()
        for member in self.team:
            key = " ".join(member.name.split()).casefold()
            if key in seen:
                raise ValueError(f"the team already has a member named {member.name}")
            seen.add(key)
        return self

    if TYPE_CHECKING:  # set by workbook.tables, kept for analysts' code for one release

        def tables(self) -> dict[str, pd.DataFrame]:
            """Every table of the plan as a pandas DataFrame, keyed by a short name."""


# --- loading and migration ---------------------------------------------------------

Migration = Any  # Callable[[dict], dict]; kept loose so migrations stay plain functions


def _fair_share_to_relationship(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 -> 2: the fair split moves from the ledger to the relationship it judges."""
    ledger = data.get("ledger")
    if isinstance(ledger, dict) and "fair_share" in ledger:
        ledger = dict(ledger)
        share = ledger.pop("fair_share")
        data["ledger"] = ledger
        relationship = data.get("relationship")
        relationship = dict(relationship) if isinstance(relationship, dict) else {}
        relationship.setdefault("fair_share", share)
        data["relationship"] = relationship
    return data


MIGRATIONS: dict[int, Migration] = {1: _fair_share_to_relationship}
"""Maps version N to a function that turns a version-N plan dict into version N+1."""


class SchemaVersionError(ValueError):
    """The plan was written by a newer release, or carries no usable version."""


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a plan dict written by any earlier release up to SCHEMA_VERSION."""
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SchemaVersionError(f"schema_version must be a whole number, got {version!r}")
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"this plan was written by a newer release (schema {version}); "
            f"this release reads up to schema {SCHEMA_VERSION}"
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data


def load_plan(data: dict[str, Any]) -> Plan:
    """Validate a plan dict of any supported version, migrating it first."""
    if not isinstance(data, dict):
        raise SchemaVersionError(f"a plan must be a JSON object, got {type(data).__name__}")
    return Plan.model_validate(migrate(data))
