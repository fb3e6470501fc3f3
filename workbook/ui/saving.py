"""The header's saving part: the name saves carry (typed, or remembered by the browser),
the save status, and the guard that saves when the page goes away and offers back the
edits the browser kept while the server was not answering."""

from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING, Any

import ipywidgets as W
from pydantic import ValidationError

from workbook.errors import PlanNotFound
from workbook.model import Plan
from workbook.ui.browser import MAX_NAME, BrowserBridge
from workbook.ui.forms import parse_number
from workbook.ui.guard import KeptEdits, SaveGuard, class_path
from workbook.ui.style import COLORS, text_html

if TYPE_CHECKING:
    from workbook.ui.dialog import Dialog
    from workbook.ui.session import SaveStatus
    from workbook.ui.shell import AppShell

STATUS_COLORS = {
    "saved": "ok",
    "conflict": "error",
    "error": "error",
    "read_only": "warn",
}
"""The colour of each save state (the others are muted)."""


class SaveBar:
    """Who saves, how the last save went, and what the browser kept for this page."""

    def __init__(self, shell: AppShell, dialog: Dialog, author: str = ""):
        self.shell, self.dialog = shell, dialog
        self.author = author
        """The name the user's saves carry."""
        self.author_box = W.Text(
            value=author,
            placeholder="Your name",
            layout=W.Layout(width="150px"),
            tooltip="Shown in the plan's history next to your saves",
        )
        self.author_box.add_class("nw-author")
        self.author_box.observe(shell.guard(self._author_changed), names="value")
        self.browser = BrowserBridge(author=author)
        self.browser.observe(shell.guard(self._remembered), names="remembered")
        self.label = W.HTML(layout=W.Layout(min_width="160px"))
        self.label.add_class("nw-save-status")
        self.guard = SaveGuard(on_flush=shell.guard(shell.flush), on_kept=shell.guard(self._kept))

    def sign_in(self, user: str) -> None:
        """The user signed in as ``user``: their saves carry that name, which is not typed."""
        self.author = user
        self.author_box.value = user
        self.author_box.disabled = True
        self.author_box.layout.display = "none"

    def show_status(self, status: SaveStatus) -> None:
        """Show how the open plan's saving goes."""
        color = COLORS[STATUS_COLORS.get(status.state, "muted")]
        self.label.value = (
            f"<span style='color:{color};font-size:13px'>{text_html(status.message)}</span>"
        )

    def _author_changed(self, change: dict[str, Any]) -> None:
        self.author = str(change["new"]).strip()[:MAX_NAME]
        self.browser.author = self.author
        if self.shell.session is not None:
            self.shell.session.author = self.author

    def _remembered(self, change: dict[str, Any]) -> None:
        """The browser remembered a name: use it, unless a name is already there."""
        name = " ".join(str(change["new"]).split())[:MAX_NAME]
        if name and not self.author_box.value.strip():
            self.author_box.value = name

    def _kept(self, plan_id: str, kept: KeptEdits) -> None:
        """The browser kept edits of this plan while the server was away: offer them."""
        session = self.shell.session
        if session is None or plan_id != session.plan.id or session.read_only:
            return
        count = len(kept["edits"])

        def restore() -> None:
            self.dialog.hide()
            self.restore_kept(plan_id, kept)

        def discard() -> None:
            self.dialog.hide()
            self.guard.forget(plan_id)

        self.dialog.show(
            W.HTML(
                f"<b>{count} edit{'s' if count > 1 else ''} typed while the server was not "
                f"answering</b> ({text_html(_when(kept['at']))}) were kept in this browser. "
                "Restore them? What others saved since stays; where both changed a field, "
                "it is shown there."
            ),
            self.dialog.buttons(("Restore", "primary", restore), ("Discard", "", discard)),
        )

    def restore_kept(self, plan_id: str, kept: KeptEdits) -> None:
        """Apply edits kept in the browser to the revision they were typed on, then merge."""
        session = self.shell.session
        assert session is not None
        try:
            base = self.shell.store.load(plan_id, kept["base"])
        except PlanNotFound:
            self.guard.forget(plan_id)
            self.shell.say("The revision those edits were typed on is gone; they were dropped.")
            return
        data = base.plan.model_dump()
        applied = 0
        for text_path, text in kept["edits"].items():
            trial = _with_text(data, base.plan, class_path(text_path), text)
            if trial is None:
                continue
            try:
                Plan.model_validate(trial)
            except ValidationError:
                continue
            data, applied = trial, applied + 1
        session.restore(base, Plan.model_validate(data))
        self.guard.forget(plan_id)
        self.shell.say(f"Restored {applied} of {len(kept['edits'])} kept edits.", "ok")


def _with_text(data: Any, plan: Plan, path: tuple[Any, ...], text: str) -> Any:
    """``data`` with the text typed into the field at ``path`` read as that field reads it."""
    from workbook.ui.forms import field_spec

    try:
        spec = field_spec(path, plan)
        kind = spec.kind()
        if kind in ("number", "digits"):
            value: Any = parse_number(text, integer=spec.base is int, optional=spec.optional)
        elif kind in ("text", "textarea"):
            value = text
        else:
            return None
        out = copy.deepcopy(data)
        target = out
        for part in path[:-1]:
            target = target[part]
        if path[-1] not in target:
            return None
        target[path[-1]] = value
        return out
    except Exception:
        return None


def _when(iso: str) -> str:
    try:
        return (
            dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
            .astimezone()
            .strftime("%d %b %H:%M")
        )
    except ValueError:
        return "earlier"
