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

import datetime as dt
import math
import re
import secrets
import statistics
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from workbook.errors import FieldProblem, WorkbookError, describe
from workbook.model import (
    AgendaItem,
    Estimate,
    ImprovementPriority,
    LongText,
    Model,
    Money,
    Name,
    Plan,
    Range,
    RetaliationEstimate,
    RowId,
)
from workbook.sections import SECTIONS

if TYPE_CHECKING:
    pass

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

NEARLY_SECONDS = 120.0
"""The clock warns that time is nearly up this many seconds before the end (at most)."""

SessionState = Literal["open", "revealed", "ended"]
PromptKind = Literal["estimate", "values", "priorities"]
ClockSignal = Literal["", "nearly", "time_up"]


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


class Clock(Model):
    """Where the workshop is on its agenda, and how long the current item has run."""

    index: int = Field(0, ge=0, le=1000, description="Position of the current agenda item.")
    running_since: dt.datetime | None = Field(
        None, description="When the clock was last started; None while it is paused."
    )
    elapsed: float = Field(0.0, ge=0, le=1e7, description="Seconds counted before that.")


@dataclass(frozen=True)
class ClockReading:
    """The clock at one moment: the current item, time used and left, and the signal."""

    index: int | None
    item: AgendaItem | None
    count: int
    elapsed: float
    remaining: float
    running: bool
    signal: ClockSignal

    @property
    def fraction(self) -> float:
        """Share of the item's time used, from 0 (capped at 1)."""
        if self.item is None:
            return 0.0
        return min(1.0, self.elapsed / (self.item.minutes * 60))

    @property
    def first(self) -> bool:
        """Whether the current item is the first."""
        return not self.index

    @property
    def last(self) -> bool:
        """Whether the current item is the last."""
        return self.index is None or self.index >= self.count - 1


def _elapsed(clock: Clock, now: dt.datetime) -> float:
    if clock.running_since is None:
        return clock.elapsed
    return clock.elapsed + max(0.0, (now - clock.running_since).total_seconds())


def read_clock(agenda: Sequence[AgendaItem], clock: Clock, now: dt.datetime) -> ClockReading:
    """The clock at ``now``; an index beyond a shortened agenda reads as its last item."""
    if not agenda:
        return ClockReading(None, None, 0, 0.0, 0.0, False, "")
    index = min(clock.index, len(agenda) - 1)
    item = agenda[index]
    elapsed = _elapsed(clock, now)
    budget = item.minutes * 60
    remaining = budget - elapsed
    signal: ClockSignal = ""
    if remaining <= 0:
        signal = "time_up"
    elif remaining <= min(NEARLY_SECONDS, 0.2 * budget):
        signal = "nearly"
    running = clock.running_since is not None
    return ClockReading(index, item, len(agenda), elapsed, remaining, running, signal)


def start(clock: Clock, now: dt.datetime) -> Clock:
    """Start (or resume) the current item's timer."""
    if clock.running_since is not None:
        return clock
    return clock.model_copy(update={"running_since": now})


def pause(clock: Clock, now: dt.datetime) -> Clock:
    """Pause the current item's timer, keeping the time used so far."""
    if clock.running_since is None:
        return clock
    return Clock(index=clock.index, elapsed=_elapsed(clock, now))


def go_to(agenda: Sequence[AgendaItem], clock: Clock, index: int, now: dt.datetime) -> Clock:
    """Move to agenda item ``index`` with a fresh timer, running if the clock was running."""
    if not agenda:
        return Clock()
    index = max(0, min(index, len(agenda) - 1))
    return Clock(index=index, running_since=now if clock.running_since is not None else None)


def next_item(agenda: Sequence[AgendaItem], clock: Clock, now: dt.datetime) -> Clock:
    """Move on to the next agenda item (staying on the last one)."""
    current = read_clock(agenda, clock, now).index or 0
    return go_to(agenda, clock, current + 1, now)


def previous_item(agenda: Sequence[AgendaItem], clock: Clock, now: dt.datetime) -> Clock:
    """Go back to the previous agenda item (staying on the first one)."""
    current = read_clock(agenda, clock, now).index or 0
    return go_to(agenda, clock, current - 1, now)


def format_seconds(seconds: float) -> str:
    """A duration as ``m:ss`` (``h:mm:ss`` from an hour), e.g. ``12:05``."""
    total = math.ceil(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def agenda_minutes(agenda: Sequence[AgendaItem]) -> int:
    """Minutes the whole agenda takes."""
    return sum(item.minutes for item in agenda)


# --- prompts -----------------------------------------------------------------------------


class CompetitorRef(Model):
    """A competitor as a prompt shows it."""

    id: RowId
    name: Name


class OptionRef(Model):
    """A concession option as a prompt shows it."""

    id: RowId
    label: Name


class _Prompt(Model):
    open: bool = Field(True, description="Whether participants may answer it now.")

    @property
    def id(self) -> str:
        """The prompt's key within its session."""
        raise NotImplementedError


class EstimatePrompt(_Prompt):
    """Each participant's own ranges for one of our moves."""

    kind: Literal["estimate"] = "estimate"
    move_id: RowId
    move: Name
    description: LongText = ""
    competitors: list[CompetitorRef] = Field(default_factory=list, max_length=20)

    @property
    def id(self) -> str:
        """``estimate:<move id>``."""
        return f"estimate:{self.move_id}"


class ValuesPrompt(_Prompt):
    """The value each participant puts on every option of one concession variable."""

    kind: Literal["values"] = "values"
    variable_id: RowId
    variable: Name
    side: Literal["theirs", "ours"] = Field(
        "theirs", description="Whose value is asked: theirs (to the customer) or ours."
    )
    options: list[OptionRef] = Field(min_length=1, max_length=40)

    @property
    def id(self) -> str:
        """``values:<variable id>``."""
        return f"values:{self.variable_id}"


class PrioritiesPrompt(_Prompt):
    """A vote on the top two improvement priorities, from a list of candidates."""

    kind: Literal["priorities"] = "priorities"
    candidates: list[Name] = Field(min_length=2, max_length=12)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        folded = [c.casefold() for c in self.candidates]
        if len(folded) != len(set(folded)):
            raise ValueError("two candidates are the same: list each one once")
        return self

    @property
    def id(self) -> str:
        """``priorities``."""
        return "priorities"


Prompt = Annotated[EstimatePrompt | ValuesPrompt | PrioritiesPrompt, Field(discriminator="kind")]
PROMPTS = TypeAdapter(list[Prompt])
"""Reads and writes a session's prompt list as JSON."""

SECTION_OF: dict[str, str] = {kind: s.key for s in SECTIONS for kind in s.prompts}
"""The plan section each kind of prompt feeds (``prompts`` in :mod:`workbook.sections`)."""


def prompt_section(prompt: Prompt) -> str:
    """The plan section the prompt feeds."""
    return SECTION_OF[prompt.kind]


def prompt_subject(prompt: Prompt) -> str:
    """What the prompt is about, in a few words (user text; escape it when shown)."""
    if isinstance(prompt, EstimatePrompt):
        return prompt.move
    if isinstance(prompt, ValuesPrompt):
        return prompt.variable
    return "Top two priorities for improvement"


def candidate_prompts(plan: Plan) -> list[Prompt]:
    """A closed prompt for each move and each variable with options, for the facilitator."""
    competitors = [CompetitorRef(id=c.id, name=c.name) for c in plan.scenarios.competitors]
    prompts: list[Prompt] = [
        EstimatePrompt(
            move_id=m.id,
            move=m.name,
            description=m.description,
            competitors=competitors,
            open=False,
        )
        for m in plan.scenarios.moves
    ]
    prompts += [
        ValuesPrompt(
            variable_id=v.id,
            variable=v.name,
            options=[OptionRef(id=o.id, label=o.label) for o in v.options],
            open=False,
        )
        for v in plan.concessions.variables
        if v.options
    ]
    return prompts


def priority_candidates(plan: Plan) -> list[str]:
    """Suggested candidates for the priorities vote: the plan's current priorities."""
    return [p.text for p in plan.strategy.priorities]


def priorities_prompt(candidates: Sequence[str]) -> PrioritiesPrompt:
    """The priorities vote on ``candidates``, or AnswerError naming the problem."""
    try:
        return PrioritiesPrompt(candidates=list(candidates))
    except ValidationError as exc:
        raise AnswerError(_problems(exc, {"candidates": "Candidates"})) from None


def with_prompt(prompts: Sequence[Prompt], prompt: Prompt) -> list[Prompt]:
    """``prompts`` with ``prompt`` added, or replacing the prompt with the same id."""
    out = [p for p in prompts if p.id != prompt.id]
    index = next((i for i, p in enumerate(prompts) if p.id == prompt.id), len(out))
    out.insert(index, prompt)
    return out


# --- sessions ---------------------------------------------------------------------------


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


class ValuesAnswer(Model):
    """A participant's value for each option of a variable (options may be left out)."""

    values: dict[RowId, Money] = Field(min_length=1, max_length=40)


class VoteAnswer(Model):
    """A participant's vote: one or two of the candidates."""

    choices: list[Name] = Field(min_length=1, max_length=2)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len({c.casefold() for c in self.choices}) != len(self.choices):
            raise ValueError("vote for two different priorities")
        return self


Answer = Estimate | ValuesAnswer | VoteAnswer

_ANSWER_LABELS = {
    "gain": "Our direct gain",
    "cooperation_probability": "Chance the customer cooperates",
    "cooperation_value": "Value if they cooperate",
    "retaliation": "Retaliation",
    "values": "Values",
    "choices": "Your vote",
}


def _problems(exc: ValidationError, labels: Mapping[str, str]) -> list[FieldProblem]:
    problems = []
    for problem in describe(exc):
        head, _, rest = problem.field.partition(".")
        head = head.split("[")[0]
        label = labels.get(head, head.replace("_", " ").capitalize())
        where = f"{label} {rest.replace('.', ' ')}".strip() if rest else label
        problems.append(FieldProblem(where, problem.message))
    return problems


def validate_answer(prompt: Prompt, data: Any) -> Answer:
    """``data`` checked as an answer to ``prompt``, or AnswerError with each field's problem."""
    models: dict[str, type[Estimate] | type[ValuesAnswer] | type[VoteAnswer]] = {
        "estimate": Estimate,
        "values": ValuesAnswer,
        "priorities": VoteAnswer,
    }
    model = models[prompt.kind]
    try:
        answer = model.model_validate(data)
    except ValidationError as exc:
        raise AnswerError(_problems(exc, _ANSWER_LABELS)) from None
    if isinstance(prompt, EstimatePrompt) and isinstance(answer, Estimate):
        known = {c.id for c in prompt.competitors}
        unknown = [r.competitor_id for r in answer.retaliation if r.competitor_id not in known]
        if unknown:
            raise AnswerError(
                [FieldProblem("Retaliation", f"{unknown[0]!r} is not a competitor of this move")]
            )
        names = {c.id: c.name for c in prompt.competitors}
        labels = dict(_ANSWER_LABELS)
        for k, r in enumerate(answer.retaliation):
            labels[f"retaliation[{k}].probability"] = f"{names[r.competitor_id]}: chance"
            labels[f"retaliation[{k}].damage"] = f"{names[r.competitor_id]}: damage"
        unfinished = [labels.get(n, n) for n, r in answer.ranges() if not r.finished]
        if unfinished:  # a range still missing a value is never read as zero
            raise AnswerError([FieldProblem(unfinished[0], "give low, likely and high")])
    elif isinstance(prompt, ValuesPrompt) and isinstance(answer, ValuesAnswer):
        known = {o.id for o in prompt.options}
        unknown = [k for k in answer.values if k not in known]
        if unknown:
            raise AnswerError(
                [FieldProblem("Values", f"{unknown[0]!r} is not an option of {prompt.variable}")]
            )
    elif isinstance(prompt, PrioritiesPrompt) and isinstance(answer, VoteAnswer):
        by_fold = {c.casefold(): c for c in prompt.candidates}
        missing = [c for c in answer.choices if c.casefold() not in by_fold]
        if missing:
            raise AnswerError([FieldProblem("Your vote", f"“{missing[0]}” is not a candidate")])
        answer = VoteAnswer(choices=[by_fold[c.casefold()] for c in answer.choices])
    return answer


def read_answers(prompt: Prompt, stored: Mapping[str, Any]) -> dict[str, Answer]:
    """Stored answers (participant -> data) that still fit ``prompt``; the others are left out.

    A prompt opened again after the plan changed may no longer fit an older answer, such as
    a vote for a candidate that was taken off the list.
    """
    answers: dict[str, Answer] = {}
    for participant, data in stored.items():
        try:
            answers[participant] = validate_answer(prompt, data)
        except AnswerError:
            continue
    return answers


# --- aggregates ----------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    """The median of ``values``, as a float."""
    return float(statistics.median(values))


def pooled_estimate(answers: Sequence[Estimate]) -> Estimate | None:
    """The point-by-point median of the answers' ranges (None without answers).

    Each participant's low is at most their likely, so the median of the lows is at most the
    median of the likely values: the result is a valid range. A competitor's retaliation is
    pooled over those who estimated it.
    """
    if not answers:
        return None

    def median_range(ranges: Sequence[Range]) -> dict[str, float]:
        return {p: median([getattr(r, p) for r in ranges]) for p in ("low", "likely", "high")}

    competitors: dict[str, list[RetaliationEstimate]] = {}
    for answer in answers:
        for r in answer.retaliation:
            competitors.setdefault(r.competitor_id, []).append(r)
    return Estimate.model_validate(
        {
            "gain": median_range([a.gain for a in answers]),
            "cooperation_probability": median_range([a.cooperation_probability for a in answers]),
            "cooperation_value": median_range([a.cooperation_value for a in answers]),
            "retaliation": [
                {
                    "competitor_id": cid,
                    "probability": median_range([r.probability for r in rows]),
                    "damage": median_range([r.damage for r in rows]),
                }
                for cid, rows in competitors.items()
            ],
        }
    )


# --- into the plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanChange:
    """A change for :meth:`PlanSession.set_structure`: the path and its new plain value."""

    path: tuple[str | int, ...]
    value: Any
    summary: str


def _move_index(plan: Plan, move_id: str) -> int:
    for i, move in enumerate(plan.scenarios.moves):
        if move.id == move_id:
            return i
    raise WorkshopError("That move is no longer in the plan; nothing was changed.")


def estimates_change(
    plan: Plan, prompt: EstimatePrompt, estimates: Mapping[str, Estimate]
) -> PlanChange:
    """The move's estimates with each named one (e.g. ``Workshop``) added or replaced."""
    index = _move_index(plan, prompt.move_id)
    current = [e.model_dump() for e in plan.scenarios.moves[index].estimates]
    for who, answer in estimates.items():
        row = {"participant": who, **answer.model_dump()}
        at = next(
            (i for i, e in enumerate(current) if e["participant"].casefold() == who.casefold()),
            None,
        )
        if at is None:
            current.append(row)
        else:
            current[at] = {"id": current[at]["id"], **row}
    names = ", ".join(estimates)
    return PlanChange(
        ("scenarios", "moves", index, "estimates"),
        current,
        f"Estimates by {names} for “{prompt.move}”.",
    )


def values_change(plan: Plan, prompt: ValuesPrompt, values: Mapping[str, float]) -> PlanChange:
    """The variable's options with the accepted values as ours or theirs (per the prompt)."""
    index = next(
        (i for i, v in enumerate(plan.concessions.variables) if v.id == prompt.variable_id), None
    )
    if index is None:
        raise WorkshopError("That variable is no longer in the plan; nothing was changed.")
    options = [o.model_dump() for o in plan.concessions.variables[index].options]
    for option in options:
        if option["id"] in values:
            option[prompt.side] = values[option["id"]]
    whose = "their" if prompt.side == "theirs" else "our"
    return PlanChange(
        ("concessions", "variables", index, "options"),
        options,
        f"{whose.capitalize()} values of the options of “{prompt.variable}”.",
    )


def priorities_change(plan: Plan, texts: Sequence[str]) -> PlanChange:
    """The strategy's priorities replaced by ``texts`` (at most two).

    A priority already in the plan under the same text keeps its identifier and its "why".
    """
    kept = {p.text.casefold(): p for p in plan.strategy.priorities}
    rows = []
    for text in texts:
        text = " ".join(str(text).split())
        if not text:
            continue
        old = kept.get(text.casefold())
        rows.append(
            old.model_dump() | {"text": text}
            if old
            else ImprovementPriority(text=text).model_dump()
        )
    return PlanChange(
        ("strategy", "priorities"), rows, "The top priorities for improvement, as voted."
    )
