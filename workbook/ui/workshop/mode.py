"""The workshop mode inside the app: its header buttons, the panel and the projector."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import ipywidgets as W
from markupsafe import Markup

from workbook.content import load_workshop_content
from workbook.ui.style import paragraphs_html
from workbook.ui.workshop.address import JoinAddress, join_address
from workbook.ui.workshop.facilitator import FacilitatorPanel
from workbook.ui.workshop.kit import (
    POLL_SECONDS,
    WORKSHOP,
    _button,
    _html,
    _utcnow,
    workshop_html,
)
from workbook.ui.workshop.live import Live, Ticker
from workbook.ui.workshop.participant import start_join_html
from workbook.ui.workshop.projector import Projector

if TYPE_CHECKING:
    from workbook.ui.shell import Shell


class WorkshopMode:
    """The app's workshop hooks: the header buttons, the panel and the projector.

    ``app.show(WORKSHOP)`` shows the panel; ``toggle_projector()`` swaps the whole app
    for the projector and back.
    """

    def __init__(self, app: Shell):
        self.app = app
        self.store = app.store
        self.content = load_workshop_content()
        self.now: Callable[[], dt.datetime] = _utcnow
        self.env: Mapping[str, str] | None = None  # the server's variables (tests set them)
        self.guard = app.guard
        self.panel: FacilitatorPanel | None = None
        self.projector: Projector | None = None
        self.ticker = Ticker(app.scheduler, POLL_SECONDS, self._tick)
        self.button = _button(
            "Workshop",
            self.guard(lambda: app.show(WORKSHOP)),
            icon="users",
            css="nw-workshop",
            tooltip="Run a workshop with the team: agenda, timer, live answers",
        )
        self.projector_button = _button(
            "Projector",
            self.guard(self.toggle_projector),
            icon="television",
            css="nw-projector-toggle",
            tooltip="Show the current question and the team's answers in large type",
        )
        self.buttons = W.HBox([self.button, self.projector_button])
        self.join_entry = _html(start_join_html(), css="nw-start-join")
        self.panel_box = W.VBox(layout=W.Layout(display="none", width="100%"))
        self.projector_box = W.VBox(layout=W.Layout(display="none", width="100%"))

    def live(self) -> Live | None:
        """The session on the panel, if any."""
        return self.panel.live if self.panel else None

    def join_address(self, code: str) -> JoinAddress | None:
        """The address participants open for ``code``, when the page is served."""
        return join_address(code, self.env)

    def _ensure_panel(self) -> FacilitatorPanel | None:
        session = self.app.session
        if session is None:
            return None
        if self.panel is None or self.panel.session is not session:
            self.drop()
            self.panel = FacilitatorPanel(self, session)
            self.panel_box.children = [self.panel.widget]
        return self.panel

    def show_panel(self) -> None:
        """Show the facilitator's panel in place of the sections."""
        self.app.enter(
            WORKSHOP,
            workshop_html("guidance", body=Markup(paragraphs_html(self.content.guidance))),
        )
        self.button.button_style = "primary"
        panel = self._ensure_panel()
        if panel is None:
            return
        self.app.show_sections(False)
        self.panel_box.layout.display = ""
        if panel.live is not None:
            panel.live.poll()
        panel.refresh()
        self.ticker.start()

    def hide_panel(self) -> None:
        """Show the sections again (the panel keeps its state)."""
        self.button.button_style = ""
        self.app.show_sections(True)
        self.panel_box.layout.display = "none"
        if self.projector is None:
            self.ticker.stop()

    def toggle_projector(self) -> None:
        """Swap the app for the projector view, or back."""
        app = self.app
        if self.projector is not None:
            self.projector.close()
            self.projector = None
            self.projector_box.children = []
            self.projector_box.layout.display = "none"
            app.cover(self.projector_box, False)
            if app.current != WORKSHOP:
                self.ticker.stop()
            return
        if self._ensure_panel() is None:
            app.say("Open or create a negotiation first.")
            return
        assert app.session is not None
        self.projector = Projector(self, app.session)
        self.projector_box.children = [self.projector.widget]
        app.cover(self.projector_box, True)
        self.projector_box.layout.display = ""
        self.projector.refresh()
        self.ticker.start()

    def changed(self) -> None:
        """The panel changed the session: redraw the projector too."""
        if self.projector is not None:
            self.projector.refresh()

    def _tick(self) -> None:
        live = self.live()
        changed = live.poll() if live else False
        if self.panel is not None:
            if changed:
                self.panel.refresh()
            elif self.app.current == WORKSHOP:
                self.panel.tick()
        if self.projector is not None:
            if changed:
                self.projector.refresh()
            else:
                self.projector.tick()

    def drop(self) -> None:
        """Forget the panel and projector of the plan that was open."""
        self.ticker.stop()
        if self.projector is not None:
            self.toggle_projector()
        if self.panel is not None:
            self.panel.close()
            self.panel = None
        self.panel_box.children = []
