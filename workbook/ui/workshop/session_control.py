"""The live session on the facilitator's panel: open one (a join code for the team), reveal
or hide the answers, end it; who joined, and until when the code works."""

from __future__ import annotations

import ipywidgets as W
from markupsafe import Markup

from workbook.ui.workshop.address import join_html
from workbook.ui.workshop.kit import (
    INK,
    READ_ONLY_REASON,
    _button,
    _explain,
    _hint,
    _html,
    _message,
    _note,
    workshop_html,
)
from workbook.ui.workshop.live import Live, PanelContext


class SessionControl:
    """The session's join code and state, and the buttons that open, reveal and end it."""

    def __init__(self, panel: PanelContext):
        self.panel = panel
        self.code = _html(css="nw-workshop-code")
        self.message = _message()
        self.buttons = {
            "open": _button(
                "Open a workshop session", panel.open_session, icon="users", style="primary",
                css="nw-workshop-open",
            ),
            "reveal": _button("Reveal answers", self._reveal, icon="eye", css="nw-workshop-reveal"),
            "end": _button("End session", self._ask_end, icon="stop", css="nw-workshop-end"),
        }  # fmt: skip
        self.confirm = W.HBox()
        self.hint = _hint("nw-workshop-session-hint")

    @property
    def widgets(self) -> list[W.Widget]:
        """The part's widgets, in the panel's order."""
        return [
            self.code,
            W.HBox(list(self.buttons.values())),
            self.hint,
            self.confirm,
            self.message,
        ]

    def refresh(self) -> None:
        """Show the session as stored now: its code, state and the buttons that apply."""
        live = self.panel.live
        read_only = self.panel.session.read_only
        ended = live is None or live.session.frozen(self.panel.mode.now())
        self.buttons["open"].layout.display = "" if ended else "none"
        _explain(self.hint, [(self.buttons["open"], READ_ONLY_REASON if read_only else "")])
        for key in ("reveal", "end"):
            self.buttons[key].layout.display = "none" if ended else ""
        if live is None:
            self.code.value = _note(
                "Open a session to get a join code for the team."
                if not read_only
                else "The workbook is open read-only: a session cannot be opened."
            )
        else:
            self.code.value = self._code_html(live)
            self.buttons["reveal"].description = (
                "Hide answers" if live.session.state == "revealed" else "Reveal answers"
            )

    def _code_html(self, live: Live) -> str:
        s = live.session
        now = self.panel.mode.now()
        if s.state == "ended":
            state = "ended: answers are frozen"
        elif s.expired(now):
            state = "expired: answers are frozen"
        else:
            state = "answers revealed" if s.state == "revealed" else "answers hidden"
        joined = ", ".join(live.participants) or "nobody yet"
        frozen = s.frozen(now)
        return workshop_html(
            "session",
            join_block=Markup(
                join_html(s.code, None if frozen else self.panel.mode.join_address(s.code))
            ),
            state=state,
            expires=s.expires_at.astimezone().strftime("%H:%M"),
            joined=joined,
            count=len(live.participants),
        )

    def _reveal(self) -> None:
        live = self.panel.live
        assert live is not None
        self.panel.update(state="open" if live.session.state == "revealed" else "revealed")

    def _ask_end(self) -> None:
        def end() -> None:
            self.confirm.children = []
            self.panel.update(state="ended")

        self.confirm.children = [
            _html(_note("End the session? Answers are frozen and no one can join.", INK)),
            _button("End it", end, style="danger", css="nw-workshop-end-confirm"),
            _button("Keep it open", lambda: setattr(self.confirm, "children", [])),
        ]
