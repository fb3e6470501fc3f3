"""The live session as a page sees it, and the ticker that polls the store for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

from workbook.analysis.workshop import (
    Summary,
    summarize,
)
from workbook.content import WorkshopContent
from workbook.store import PlanStore
from workbook.ui.session import PlanSession, Scheduler, Timer
from workbook.ui.workshop.address import JoinAddress
from workbook.ui.workshop.kit import log
from workbook.workshop import (
    AnswerRecord,
    Prompt,
    WorkshopSession,
    answers_by_prompt,
    read_answers,
)


class Ticker:
    """Calls ``fn`` every ``interval`` seconds through ``scheduler`` until stopped.

    Errors are logged, never shown; a scheduler that runs at once (no event loop) gets one
    call and no more, instead of an endless chain.
    """

    def __init__(self, scheduler: Scheduler, interval: float, fn: Callable[[], None]):
        self.scheduler, self.interval, self.fn = scheduler, interval, fn
        self._handle: Timer | None = None
        self._running = False
        self._in_tick = False

    @property
    def running(self) -> bool:
        """Whether ticks are scheduled."""
        return self._running

    def start(self) -> None:
        """Start ticking (no-op when already running)."""
        if not self._running:
            self._running = True
            self._schedule()

    def stop(self) -> None:
        """Stop ticking."""
        self._running = False
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _schedule(self) -> None:
        self._handle = self.scheduler(self.interval, self._tick)

    def _tick(self) -> None:
        if not self._running or self._in_tick:
            return
        self._in_tick = True  # a scheduler that runs at once re-enters here, and stops
        try:
            try:
                self.fn()
            except Exception:
                log.exception("a workshop tick failed")
            if self._running:
                self._schedule()
        finally:
            self._in_tick = False


class Live:
    """A workshop session and its answers as last read from the store."""

    def __init__(self, store: PlanStore, session: WorkshopSession):
        self.store = store
        self.session = session
        self.records: list[AnswerRecord] = []
        self.participants: list[str] = []
        self.version = -1
        self.reload()

    def reload(self) -> None:
        """Read the session, its participants and answers again."""
        self.session = self.store.workshops.session(self.session.code)
        self.records = self.store.workshops.answers(self.session.code)
        self.participants = self.store.workshops.participants(self.session.code)
        self.version = self.session.version

    def poll(self) -> bool:
        """Re-read when the stored version moved on; whether anything changed."""
        if self.store.workshops.version(self.session.code) == self.version:
            return False
        self.reload()
        return True

    def set(self, session: WorkshopSession) -> None:
        """Take a session just written by this page."""
        self.session = session
        self.version = session.version

    def answers(self, prompt: Prompt) -> dict[str, Any]:
        """The answers to ``prompt`` that fit it, by participant."""
        return read_answers(prompt, answers_by_prompt(self.records).get(prompt.id, {}))

    def summary(self, prompt: Prompt) -> Summary:
        """The aggregate of the answers to ``prompt``."""
        return summarize(prompt, self.answers(prompt))

    def answered(self, prompt: Prompt) -> list[str]:
        """Who answered ``prompt``."""
        return [r.participant for r in self.records if r.prompt == prompt.id]


class ModeContext(Protocol):
    """What the facilitator's panel and the projector use of the workshop mode."""

    store: PlanStore
    content: WorkshopContent
    guard: Callable[[Callable[..., Any]], Callable[..., Any]]
    now: Callable[[], dt.datetime]

    def live(self) -> Live | None:
        """The session on the panel, if any."""

    def join_address(self, code: str) -> JoinAddress | None:
        """The address participants open for ``code``, when the page is served."""

    def changed(self) -> None:
        """The panel changed the session: redraw the projector too."""

    def toggle_projector(self) -> None:
        """Swap the app for the projector view, or back."""


class PanelContext(Protocol):
    """What the parts of the facilitator's panel share: the plan's session, the workshop
    session on the panel, and the one way each part changes it."""

    mode: ModeContext
    session: PlanSession

    @property
    def live(self) -> Live | None:
        """The workshop session on the panel, if one was ever opened for the plan."""

    def open_session(self) -> None:
        """Open a new workshop session for the plan, with a new join code."""

    def update(self, **changes: Any) -> None:
        """Change the workshop session (its state, clock or prompts) and redraw."""
