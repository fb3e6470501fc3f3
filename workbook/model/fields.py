"""Field types, limits and the base models every part of a plan is built from."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Literal, Self, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

SCHEMA_VERSION = 2
"""Version of the plan layout written by this release; older files are migrated on load."""

SectionKey = Literal[
    "strategy",
    "value",
    "scenarios",
    "concessions",
    "relationship",
    "discovery",
    "meeting",
    "ledger",
    "brief",
]
SECTION_KEYS: tuple[str, ...] = get_args(SectionKey)
"""The keys of :data:`SectionKey`, in order."""


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


def unique_ids(rows: Sequence[Row], what: str) -> None:
    """Refuse two rows of one table that share an identifier."""
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
