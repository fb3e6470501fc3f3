"""Section 2, value proposition: pains, differentiators, quantified value, framings."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, model_validator

from workbook.model.fields import (
    Amount,
    LongText,
    Model,
    Money,
    Name,
    Probability,
    Row,
    RowId,
    Score5,
    ShortText,
    unique_ids,
)
from workbook.working import quantity_from_working


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
            unique_ids(rows, what)
        return self
