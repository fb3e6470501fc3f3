"""The workshop's timer on the facilitator's panel: it runs through the agenda, kept with
the live session so that the projector and every page show the same time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W

from workbook.ui.workshop.cards import clock_html
from workbook.ui.workshop.kit import _button, _explain, _hint, _html, _note
from workbook.ui.workshop.live import PanelContext
from workbook.workshop import (
    Clock,
    agenda_minutes,
    next_item,
    pause,
    previous_item,
    read_clock,
    start,
)


class AgendaClock:
    """The clock of the agenda item under way, and the buttons that start, pause and move it."""

    def __init__(self, panel: PanelContext):
        self.panel = panel
        self.clock = _html(css="nw-workshop-clock")
        self.buttons = {
            "previous": _button("Previous", self._previous, icon="step-backward"),
            "start": _button("Start", self._start_pause, icon="play", css="nw-workshop-start"),
            "next": _button("Next", self._next, icon="step-forward", css="nw-workshop-next"),
        }
        self.hint = _hint("nw-workshop-clock-hint")
        self.total = _html()
        """The agenda's length, shown under the agenda."""

    @property
    def widgets(self) -> list[W.Widget]:
        """The part's widgets, in the panel's order."""
        return [self.clock, W.HBox(list(self.buttons.values())), self.hint]

    def tick(self) -> None:
        """Redraw the clock."""
        live, plan, now = self.panel.live, self.panel.session.plan, self.panel.mode.now()
        clock = live.session.clock if live else Clock()
        reading = read_clock(plan.workshop.agenda, clock, now)
        value = clock_html(reading, self.panel.mode.content)
        if self.clock.value != value:
            self.clock.value = value
        buttons = self.buttons
        buttons["start"].description = "Pause" if reading.running else "Start"
        buttons["start"].icon = "pause" if reading.running else "play"
        if reading.item is None:
            why = "Add a section to the agenda above: the timer runs through it."
        elif live is None:
            why = "Open a workshop session above: the clock is kept with the session."
        elif live.session.frozen(now):
            why = "The session is over: open a new one above to run the clock again."
        else:
            why = ""
        _explain(
            self.hint,
            [
                (buttons["start"], why),
                (buttons["previous"], why or ("This is the first item." if reading.first else "")),
                (buttons["next"], why or ("This is the last item." if reading.last else "")),
            ],
        )
        total = agenda_minutes(plan.workshop.agenda)
        self.total.value = _note(f"The agenda takes {total} minutes in all.") if total else ""

    def _move(self, move: Callable[[Sequence[Any], Clock, dt.datetime], Clock]) -> None:
        live = self.panel.live
        assert live is not None
        agenda = self.panel.session.plan.workshop.agenda
        self.panel.update(clock=move(agenda, live.session.clock, self.panel.mode.now()))

    def _start_pause(self) -> None:
        self._move(
            lambda _agenda, clock, now: (
                pause(clock, now) if clock.running_since is not None else start(clock, now)
            )
        )

    def _next(self) -> None:
        self._move(next_item)

    def _previous(self) -> None:
        self._move(previous_item)
