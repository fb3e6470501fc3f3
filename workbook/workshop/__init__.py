"""Facilitated workshops: the agenda clock, join codes, prompts, answers and their aggregates.

Pure logic: no widgets and no store. Every function that depends on time takes ``now``, so
a test can walk through a whole workshop without waiting.

A facilitator opens a *session* for a plan and gets a short join code. Participants join with
the code and their name and answer the *prompts* the facilitator has opened: their own
estimate for one of our moves, the value they put on each option of a concession variable,
or their vote on the top two improvement priorities. The answers are summarised by
:mod:`workbook.analysis.workshop` (spread, disagreement, vote counts, value statistics), and
a summary the facilitator accepts becomes a :class:`PlanChange` for
:meth:`PlanSession.set_structure`.

>>> import datetime as dt
>>> from workbook.model import AgendaItem
>>> agenda = [AgendaItem(section="strategy", minutes=20), AgendaItem(section="value", minutes=25)]
>>> t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
>>> clock = start(Clock(), t0)
>>> read_clock(agenda, clock, t0 + dt.timedelta(minutes=21)).signal
'time_up'
>>> read_clock(agenda, next_item(agenda, clock, t0), t0).item.section
'value'
"""

from __future__ import annotations

from workbook.workshop.answers import (
    Answer,
    PlanChange,
    ValuesAnswer,
    VoteAnswer,
    estimate_label,
    estimates_change,
    median,
    pooled_estimate,
    priorities_change,
    read_answers,
    starting_estimate,
    validate_answer,
    values_change,
)
from workbook.workshop.clock import (
    NEARLY_SECONDS,
    Clock,
    ClockReading,
    ClockSignal,
    agenda_minutes,
    format_seconds,
    go_to,
    next_item,
    pause,
    previous_item,
    read_clock,
    start,
)
from workbook.workshop.joining import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CODE_LIFETIME,
    JOIN_BASE_ENV,
    NAME_LENGTH,
    PARTICIPANT_PREFIX,
    WORKSHOP_PARTICIPANT,
    AnswerError,
    JoinError,
    PromptKind,
    SessionClosed,
    SessionState,
    WorkshopError,
    new_code,
    normalize_code,
    participant_name,
    participant_of,
)
from workbook.workshop.prompts import (
    PROMPTS,
    SECTION_OF,
    CompetitorRef,
    EstimatePrompt,
    OptionRef,
    PrioritiesPrompt,
    Prompt,
    ValuesPrompt,
    candidate_prompts,
    priorities_prompt,
    priority_candidates,
    prompt_section,
    prompt_subject,
    with_prompt,
)
from workbook.workshop.session import (
    AnswerRecord,
    WorkshopSession,
    answers_by_prompt,
    check_joinable,
    check_open,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CODE_LIFETIME",
    "JOIN_BASE_ENV",
    "NAME_LENGTH",
    "NEARLY_SECONDS",
    "PARTICIPANT_PREFIX",
    "PROMPTS",
    "SECTION_OF",
    "WORKSHOP_PARTICIPANT",
    "Answer",
    "AnswerError",
    "AnswerRecord",
    "Clock",
    "ClockReading",
    "ClockSignal",
    "CompetitorRef",
    "EstimatePrompt",
    "JoinError",
    "OptionRef",
    "PlanChange",
    "PrioritiesPrompt",
    "Prompt",
    "PromptKind",
    "SessionClosed",
    "SessionState",
    "ValuesAnswer",
    "ValuesPrompt",
    "VoteAnswer",
    "WorkshopError",
    "WorkshopSession",
    "agenda_minutes",
    "answers_by_prompt",
    "candidate_prompts",
    "check_joinable",
    "check_open",
    "estimate_label",
    "estimates_change",
    "format_seconds",
    "go_to",
    "median",
    "new_code",
    "next_item",
    "normalize_code",
    "participant_name",
    "participant_of",
    "pause",
    "pooled_estimate",
    "previous_item",
    "priorities_change",
    "priorities_prompt",
    "priority_candidates",
    "prompt_section",
    "prompt_subject",
    "read_answers",
    "read_clock",
    "start",
    "starting_estimate",
    "validate_answer",
    "values_change",
    "with_prompt",
]
