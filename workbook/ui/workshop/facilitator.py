"""The facilitator's panel: the agenda, the live session, the timer, the questions for the
team, their answers, and the parking lot. Each is a part of its own (``session_control``,
``agenda_clock``, ``questions``, ``results``); the panel holds the workshop session they
share and the one way they change it (:meth:`FacilitatorPanel.update`)."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from workbook.errors import WorkbookError
from workbook.model import AgendaItem, ParkingItem
from workbook.render import escape
from workbook.ui.forms import Column, RowTable, close_tree
from workbook.ui.session import PlanSession
from workbook.ui.workshop.agenda_clock import AgendaClock
from workbook.ui.workshop.kit import INK, _html, _note, _say
from workbook.ui.workshop.live import Live, ModeContext
from workbook.ui.workshop.questions import Questions
from workbook.ui.workshop.results import Results
from workbook.ui.workshop.session_control import SessionControl


class FacilitatorPanel:
    """Agenda, timer, live session, prompts and answers, and the parking lot."""

    def __init__(self, mode: ModeContext, session: PlanSession):
        self.mode, self.session, self.store = mode, session, mode.store
        self.content = mode.content
        self.live: Live | None = None
        latest = self.store.workshops.latest(session.plan.id)
        if latest is not None:
            self.live = Live(self.store, latest)
        self.control = SessionControl(self)
        self.timer = AgendaClock(self)
        self.questions = Questions(self)
        self.results = Results(self)
        self.subs = session.subscriptions()
        self.subs.on(("workshop", "agenda"), lambda _c: self.tick())
        self.subs.on(("scenarios",), lambda _c: self.questions.render())
        self.subs.on(("concessions", "variables"), lambda _c: self.questions.render())
        agenda, parking = self._tables()
        self.widget = W.VBox(
            [  # in the order of use: plan the agenda, open the session, run the clock
                _html(
                    f"<h2 style='margin:4px 0 2px 0;color:{INK}'>{escape(self.content.title)}</h2>"
                    + _note(self.content.lead)
                ),
                *agenda,
                self._section("Live session"),
                *self.control.widgets,
                self._section("Timer"),
                *self.timer.widgets,
                self._section("Questions for the team"),
                _html(_note("Tick a question to open it: participants see it at once.")),
                self.questions.hint,
                self.questions.list,
                self.questions.message,
                self._section("Answers"),
                self.results.box,
                *parking,
            ],
            layout=W.Layout(width="100%", padding="0 8px 24px 8px"),
        )
        self.widget.add_class("nw-workshop-panel")
        self.questions.render()
        self.refresh()

    @staticmethod
    def _section(title: str) -> W.HTML:
        return _html(f"<h3 style='margin:16px 0 2px 0;color:{INK}'>{escape(title)}</h3>")

    def _tables(self) -> tuple[list[W.Widget], list[W.Widget]]:
        agenda = RowTable(
            self.session,
            ("workshop", "agenda"),
            AgendaItem,
            [Column("section", width="2fr"), Column("minutes", width="110px")],
            content=self.content,
            add_label="Add section",
            empty_text="No agenda yet: add the sections you will work on, in order.",
        )
        parking = RowTable(
            self.session,
            ("workshop", "parking_lot"),
            ParkingItem,
            [
                Column("text", width="3fr"),
                Column("raised_by", width="1fr"),
                Column("section", width="1fr"),
                Column("resolved", width="80px"),
            ],
            content=self.content,
            add_label="Park it",
            empty_text="Nothing parked yet.",
        )
        parking.add_class("nw-workshop-parking")
        agenda.add_class("nw-workshop-agenda")
        questions = self.content.questions
        return [
            self._section(questions["workshop.agenda"].prompt),
            _html(_note(questions["workshop.agenda"].help)),
            agenda,
            self.timer.total,
        ], [
            self._section(questions["workshop.parking_lot"].prompt),
            _html(_note(questions["workshop.parking_lot"].help)),
            parking,
        ]

    # --- showing ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the session, the prompts' state and every answer as stored now."""
        self.control.refresh()
        self.questions.sync()
        self.results.render()
        self.tick()

    def tick(self) -> None:
        """Redraw the clock."""
        self.timer.tick()

    # --- changing the session ----------------------------------------------------------

    def open_session(self) -> None:
        """Open a new workshop session for the plan, with a new join code."""
        session = self.store.workshops.open(self.session.plan.id, now=self.mode.now())
        self.live = Live(self.store, session)
        self.results.clear()
        _say(self.control.message, "")
        self.refresh()
        self.mode.changed()

    def update(self, **changes: Any) -> None:
        """Change the workshop session (its state, clock or prompts) and redraw; a change
        the store refuses is said under the session's buttons."""
        assert self.live is not None
        try:
            session = self.store.workshops.update(
                self.live.session.code, now=self.mode.now(), **changes
            )
        except WorkbookError as exc:
            _say(self.control.message, str(exc))
            self.live.reload()
            self.refresh()
            return
        self.live.set(session)
        self.refresh()
        self.mode.changed()

    def close(self) -> None:
        """Drop subscriptions and widgets."""
        self.subs.close()
        close_tree(self.widget)
