"""When a document's edits are saved, and what the save indicator says meanwhile.

Edits are saved a moment after the last one and at most ``max_wait`` after the first
unsaved one (:class:`AutoSave`); a :data:`Scheduler` runs the save, on the kernel's event
loop (:func:`asyncio_scheduler`) or, in tests, when the test says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from workbook.errors import ConflictError

SaveState = Literal["saved", "pending", "saving", "conflict", "error", "read_only"]


@dataclass(frozen=True)
class SaveStatus:
    """What the save indicator shows."""

    state: SaveState
    message: str
    revision: int
    conflict: ConflictError | None = None


class Timer(Protocol):
    """Something that can be cancelled, such as an asyncio TimerHandle."""

    def cancel(self) -> None: ...


Scheduler = Callable[[float, Callable[[], None]], Timer | None]
"""Runs a callable after a delay in seconds; returns a handle to cancel it."""


def asyncio_scheduler(delay: float, fn: Callable[[], None]) -> Timer | None:
    """Schedule on the running asyncio loop (the kernel's); run at once when there is none."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        fn()
        return None
    return loop.call_later(delay, fn)


class AutoSave:
    """When pending edits are saved: ``delay`` seconds after the last edit, and at most
    ``max_wait`` after the first unsaved one, so that steady typing is saved every
    ``max_wait`` seconds. ``scheduler`` runs the save; tests pass their own."""

    def __init__(
        self, scheduler: Scheduler, delay: float, max_wait: float, clock: Callable[[], float]
    ):
        self.scheduler, self.delay, self.max_wait, self.clock = scheduler, delay, max_wait, clock
        self._timer: Timer | None = None
        self._pending_since: float | None = None

    def schedule(self, save: Callable[[], Any]) -> None:
        """Run ``save`` when it is due, instead of any save scheduled before."""
        self.cancel()
        now = self.clock()
        if self._pending_since is None:
            self._pending_since = now
        delay = min(self.delay, max(0.0, self._pending_since + self.max_wait - now))
        self._timer = self.scheduler(delay, save)

    def cancel(self) -> None:
        """Drop the save scheduled, if any."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def reset(self) -> None:
        """Drop the save scheduled: the edits are being saved now."""
        self.cancel()
        self._pending_since = None
