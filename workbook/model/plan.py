"""The plan that holds every section, and loading and migrating plan files."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from workbook.model.concessions import ConcessionPlanner
from workbook.model.fields import (
    SCHEMA_VERSION,
    Amount,
    Currency,
    LongText,
    Model,
    Name,
    Row,
    RowId,
    ShortText,
    new_id,
    unique_ids,
)
from workbook.model.ledger import Ledger
from workbook.model.preparation import Discovery, Meeting
from workbook.model.relationship import Relationship
from workbook.model.scenarios import Scenarios
from workbook.model.strategy import StrategyAlignment
from workbook.model.value import ValueProposition
from workbook.model.workshop import Workshop

if TYPE_CHECKING:
    import pandas as pd


class TeamMember(Row):
    """A member of our negotiating team."""

    name: Name = Field(description="Name of the team member.")
    role: ShortText = Field("", description="Role in the deal team (lead, finance, legal, ...).")
    room_role: Literal[
        "none", "lead", "spokesperson", "numbers", "observer", "decision_maker_absent"
    ] = Field(
        "none",
        description="Role in the room: lead, spokesperson, numbers, observer and note-taker, "
        "or the decision-maker who is not present.",
    )


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
    discovery: Discovery = Field(default_factory=Discovery)
    meeting: Meeting = Field(default_factory=Meeting)
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
        unique_ids(self.team, "team members")
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
