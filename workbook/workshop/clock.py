"""The agenda clock: where a workshop is in its agenda and how much time is left."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from workbook.model import AgendaItem, Model

NEARLY_SECONDS = 120.0
"""The clock warns that time is nearly up this many seconds before the end (at most)."""

ClockSignal = Literal["", "nearly", "time_up"]


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
