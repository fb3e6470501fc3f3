"""What the store hands out: a plan's summary, a revision, a page that is here, a stored plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from workbook.model import Plan
from workbook.workshop import (
    PROMPTS,
    Clock,
    WorkshopSession,
)


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def iso_text(stamp: dt.datetime | None) -> str:
    """A UTC timestamp as stored, for ``stamp`` or now."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    return stamp.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def session_from_row(row: Any) -> WorkshopSession:
    return WorkshopSession(
        code=row["code"],
        plan_id=row["plan_id"],
        state=row["state"],
        prompts=PROMPTS.validate_json(row["prompts"]),
        clock=Clock.model_validate_json(row["clock"]),
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        expires_at=dt.datetime.fromisoformat(row["expires_at"]),
        version=row["version"],
    )


@dataclass(frozen=True)
class PlanSummary:
    """One line of the plan list."""

    id: str
    name: str
    counterpart: str
    side: str
    updated_at: str
    revision: int


@dataclass(frozen=True)
class RevisionInfo:
    """Who saved which revision of a plan, and when."""

    plan_id: str
    revision: int
    saved_at: str
    author: str
    note: str


@dataclass(frozen=True)
class Presence:
    """A page that has a plan open: who it is, the section it shows, when it was last seen."""

    page: str
    name: str
    section: str
    last_seen: str


@dataclass(frozen=True)
class StoredPlan:
    """A plan (or the strategic plan) as loaded from the store, with its revision."""

    plan: Plan
    revision: int
    saved_at: str
    author: str
