"""A workshop session as stored, and the rules for joining and answering it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workbook.workshop.clock import Clock
from workbook.workshop.joining import JoinError, SessionClosed, SessionState
from workbook.workshop.prompts import Prompt


@dataclass(frozen=True)
class WorkshopSession:
    """One workshop session as stored: its code, plan, state, prompts and clock."""

    code: str
    plan_id: str
    state: SessionState
    prompts: list[Prompt]
    clock: Clock
    created_at: dt.datetime
    expires_at: dt.datetime
    version: int

    def expired(self, now: dt.datetime) -> bool:
        """Whether the join code is past its expiry."""
        return now >= self.expires_at

    def frozen(self, now: dt.datetime) -> bool:
        """Whether input is refused: the session ended or expired."""
        return self.state == "ended" or self.expired(now)

    @property
    def revealed(self) -> bool:
        """Whether participants may see the team's answers (revealed, or after the end)."""
        return self.state in ("revealed", "ended")

    def prompt(self, prompt_id: str) -> Prompt | None:
        """The prompt with that id, if the session has it."""
        return next((p for p in self.prompts if p.id == prompt_id), None)

    @property
    def open_prompts(self) -> list[Prompt]:
        """The prompts participants may answer now."""
        return [p for p in self.prompts if p.open]


@dataclass(frozen=True)
class AnswerRecord:
    """One participant's stored answer to one prompt."""

    participant: str
    prompt: str
    answer: dict[str, Any]
    updated_at: dt.datetime


def answers_by_prompt(records: Sequence[AnswerRecord]) -> dict[str, dict[str, dict[str, Any]]]:
    """Stored answers as prompt id -> participant -> answer data."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for record in records:
        out.setdefault(record.prompt, {})[record.participant] = record.answer
    return out


def check_joinable(session: WorkshopSession, now: dt.datetime, *, newcomer: bool) -> None:
    """Raise JoinError when the session cannot be joined: expired, or ended for newcomers."""
    if session.expired(now):
        raise JoinError(f"The code {session.code} has expired. Ask the facilitator for a new one.")
    if newcomer and session.state == "ended":
        raise JoinError(f"The workshop session {session.code} has ended: it takes no one new.")


def check_open(session: WorkshopSession, now: dt.datetime) -> None:
    """Raise SessionClosed when the session takes no more input."""
    if session.state == "ended":
        raise SessionClosed("This workshop session has ended: its answers are frozen.")
    if session.expired(now):
        raise SessionClosed(
            "This workshop session has expired: its answers are frozen. "
            "Ask the facilitator for a new code."
        )


# --- answers -----------------------------------------------------------------------------
