"""A plan's workshop agenda and parking lot."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from workbook.model.fields import Model, Name, Row, SectionKey, ShortText, unique_ids


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
        unique_ids(self.parking_lot, "parking lot items")
        return self
