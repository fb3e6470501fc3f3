"""Section 6, the live negotiation ledger."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal, Self

from pydantic import Field, model_validator

if TYPE_CHECKING:
    import pandas as pd

from workbook.model.fields import Amount, LongText, Model, Name, Row, RowId, unique_ids


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
        unique_ids(self.entries, "ledger entries")
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
