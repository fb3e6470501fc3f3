"""The header's plan menu: the plan picker, and the buttons that create, rename, copy,
delete and share a negotiation or show what changed in it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as W

from workbook.render import escape
from workbook.ui.changes import ChangesView
from workbook.ui.forms import message_widget
from workbook.ui.kit import make
from workbook.ui.new_plan import ask_new
from workbook.ui.sharing import ask_share, may

if TYPE_CHECKING:
    from workbook.ui.dialog import Dialog
    from workbook.ui.shell import AppShell


def plan_label(name: str, counterpart: str) -> str:
    """A plan as the picker lists it: its name, and the counterpart unless the name says it."""
    if counterpart and counterpart.casefold() not in name.casefold():
        return f"{name} · {counterpart}"
    return name


class PlanMenu:
    """The plan picker and the plan buttons; each button's form opens in ``dialog``."""

    def __init__(self, shell: AppShell, dialog: Dialog):
        self.shell, self.dialog = shell, dialog
        self._picking = False
        self.changes_view: ChangesView | None = None
        self.picker = W.Dropdown(layout=W.Layout(width="auto", min_width="280px"))
        self.picker.add_class("nw-plan-picker")
        self.picker.observe(shell.guard(self._picked), names="value")
        buttons = {
            "new": ("New", "plus", self.ask_new),
            "rename": ("Rename", "pencil", self.ask_rename),
            "duplicate": ("Duplicate", "copy", self.duplicate),
            "delete": ("Delete", "trash", self.ask_delete),
            "changes": ("What changed", "history", self.ask_changes),
            "share": ("Share", "user-plus", self.ask_share),
        }
        self.buttons: dict[str, W.Button] = {}
        for key, (label, icon, action) in buttons.items():
            button = make(
                W.Button,
                description=label,
                icon=icon,
                layout={"width": "auto"},
                disabled=shell.read_only and key != "changes",
                tooltip=f"{label} a negotiation"
                if key != "changes"
                else "What changed since an earlier revision, by whom and when",
            )
            button.add_class(f"nw-{key}")
            button.on_click(shell.guard(lambda _b, act=action: act()))
            self.buttons[key] = button

    @property
    def widgets(self) -> list[W.Widget]:
        """The picker and the buttons, as the toolbar lays them out."""
        return [self.picker, *self.buttons.values()]

    def refresh(self, selected: str | None = None) -> None:
        """List the plans the user reaches again, ``selected`` chosen (without opening it)."""
        plans = self.shell.store.list_plans()
        options = [(plan_label(p.name, p.counterpart), p.id) for p in plans]
        self._picking = True
        try:
            self.picker.options = options
            if selected is not None and selected in [v for _, v in options]:
                self.picker.value = selected
        finally:
            self._picking = False

    def _picked(self, change: dict[str, Any]) -> None:
        if self._picking or change["new"] is None:
            return
        session = self.shell.session
        if session is not None and change["new"] == session.plan.id:
            return
        self.shell.open(change["new"])

    def opened(self, role: str | None) -> None:
        """A plan is open, on which the user has ``role``: enable what that role may do."""
        read_only = self.shell.read_only
        session = self.shell.session
        self.buttons["duplicate"].disabled = read_only
        self.buttons["changes"].disabled = False
        self.buttons["rename"].disabled = session is None or session.read_only
        self.buttons["delete"].disabled = read_only or role != "owner"
        self.buttons["share"].disabled = read_only or role not in ("editor", "owner")

    def closed(self) -> None:
        """No plan is open: only a new one may be made."""
        for button in ("rename", "duplicate", "delete", "changes"):
            self.buttons[button].disabled = True

    def ask_new(self) -> None:
        """Show the form that creates a negotiation."""
        ask_new(self.shell, self.dialog)

    def ask_share(self) -> None:
        """Show who is on the open negotiation, to add, change or remove a person."""
        ask_share(self.shell, self.dialog)

    def ask_rename(self) -> None:
        """Show the form that renames the open negotiation."""
        session = self.shell.session
        if session is None or session.read_only:
            return
        box = W.Text(value=session.plan.name, layout=W.Layout(width="420px"))
        box.add_class("nw-rename-name")
        message = message_widget()

        def rename() -> None:
            problem = session.set(("name",), box.value)
            if problem:
                message.say(problem)
                return
            session.flush()
            self.refresh(selected=session.plan.id)
            self.dialog.hide()

        self.dialog.show(
            W.HTML("<b>Rename this negotiation</b>"),
            box,
            message,
            self.dialog.buttons(("Rename", "primary", rename), ("Cancel", "", self.dialog.hide)),
        )

    def duplicate(self) -> None:
        """Copy the open negotiation and open the copy."""
        session = self.shell.session
        if session is None or self.shell.read_only:
            return
        session.flush()
        copy = self.shell.store.duplicate(session.plan.id, author=self.shell.author)
        self.shell.open(copy.plan.id)
        self.shell.say(f"Opened a copy: {copy.plan.name}.", "ok")

    def ask_changes(self) -> None:
        """Show what changed in the open negotiation since a revision the user picks."""
        session = self.shell.session
        if session is None:
            return
        self.shell.flush()
        self.changes_view = ChangesView(self.shell.store, session.plan.id)
        self.dialog.show(
            W.HTML("<b>What changed since…</b>"),
            self.changes_view.widget,
            self.dialog.buttons(("Close", "", self.dialog.hide)),
        )

    def ask_delete(self) -> None:
        """Ask for confirmation, then remove the open negotiation from the list."""
        session = self.shell.session
        if session is None or not may(self.shell, "owner"):
            return
        name = session.plan.name

        def delete() -> None:
            session.flush()
            self.shell.store.delete(session.plan.id)
            self.dialog.hide()
            self.shell.start()
            self.shell.say(f"Deleted {name}.", "ok")

        self.dialog.show(
            W.HTML(
                f"<b>Delete {escape(name)}?</b> It disappears from the list for "
                "everyone. Its saved revisions stay in the database."
            ),
            self.dialog.buttons(("Delete", "danger", delete), ("Cancel", "", self.dialog.hide)),
        )
