"""Join codes, participant names and identities, and the errors of a workshop."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from typing import Literal

from pydantic import ValidationError

from workbook.errors import FieldProblem, WorkbookError, describe

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits of a join code: no 0, O, 1 or I, which are easily mistaken."""

CODE_LENGTH = 6
CODE_LIFETIME = dt.timedelta(hours=12)
"""How long a join code is accepted after the session was opened."""

JOIN_BASE_ENV = "NEGOTIATION_WORKBOOK_JOIN_BASE"
"""The path that join addresses start with when it is not the page's own prefix: behind
JupyterHub, the hub's ``user-redirect``, which takes each participant to the workshop on
their own server (set by ``serve --hub``)."""

PARTICIPANT_PREFIX = "participant:"
"""How the identity of someone who joined by a code starts (``participant:CODE:PASS``):
such a visitor is on no plan and reaches only that workshop's participant page."""


def participant_of(username: str | None) -> str:
    """The workshop code of a participant's identity; "" for anyone else.

    >>> participant_of("participant:ABC234:x1"), participant_of("ana")
    ('ABC234', '')
    """
    if not username or not username.startswith(PARTICIPANT_PREFIX):
        return ""
    return username[len(PARTICIPANT_PREFIX) :].split(":", 1)[0]


NAME_LENGTH = 60
WORKSHOP_PARTICIPANT = "Workshop"
"""The participant name under which an accepted pooled estimate enters the plan."""

SessionState = Literal["open", "revealed", "ended"]
PromptKind = Literal["estimate", "values", "priorities"]


class WorkshopError(WorkbookError):
    """A workshop action that cannot be done; the message says why, for the user."""


class JoinError(WorkshopError):
    """A join code or a participant name that cannot be used."""


class SessionClosed(WorkshopError):
    """The session has ended or expired: its input is frozen."""


class AnswerError(WorkshopError):
    """An answer that does not fit its prompt; ``problems`` names each field."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# --- join codes and names ----------------------------------------------------------------


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A random join code, e.g. ``'K7PQ3M'``."""
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: object) -> str:
    """The join code in ``text`` (case, spaces and dashes ignored), or JoinError."""
    raw = re.sub(r"[\s-]+", "", str(text or "")).upper()
    if not raw:
        raise JoinError("Enter the join code your facilitator shows.")
    if len(raw) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        raise JoinError(
            f"A join code has {CODE_LENGTH} letters and digits (never 0, O, 1 or I); "
            "check the code on the facilitator's screen."
        )
    return raw


def participant_name(text: object) -> str:
    """A participant's name, tidied, or JoinError saying what is wrong."""
    name = " ".join(str(text or "").split())
    if not name:
        raise JoinError("Enter your name, so that the team knows whose answer it is.")
    if len(name) > NAME_LENGTH:
        raise JoinError(f"Use a shorter name: at most {NAME_LENGTH} characters.")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise JoinError("Use letters, digits and punctuation only in your name.")
    if name.casefold() == WORKSHOP_PARTICIPANT.casefold():
        raise JoinError(f"“{WORKSHOP_PARTICIPANT}” stands for the whole team; use your own name.")
    return name


# --- the agenda clock --------------------------------------------------------------------


def field_problems(exc: ValidationError, labels: Mapping[str, str]) -> list[FieldProblem]:
    """Each problem of ``exc`` named by the on-screen label of its field."""
    problems = []
    for problem in describe(exc):
        head, _, rest = problem.field.partition(".")
        head = head.split("[")[0]
        label = labels.get(head, head.replace("_", " ").capitalize())
        where = f"{label} {rest.replace('.', ' ')}".strip() if rest else label
        problems.append(FieldProblem(where, problem.message))
    return problems
