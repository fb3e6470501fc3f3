"""Who is on a negotiation: add a person by the name they sign in with, change a member's
role, remove a member; what the store refuses is said next to the list, with its reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as W

from workbook.errors import NotAllowed
from workbook.store import ROLES
from workbook.ui.forms import message_widget
from workbook.ui.style import text_html

if TYPE_CHECKING:
    from workbook.ui.dialog import Dialog
    from workbook.ui.shell import AppShell

ROLE_CHOICES = [("Owner", "owner"), ("Editor", "editor"), ("Viewer", "viewer")]
"""A member's roles as the Share panel names them."""


def may(shell: AppShell, role: str) -> bool:
    """Whether the user's role on the open plan is ``role`` or above (never a widget's
    state, which a page can change)."""
    if shell.session is None or shell.read_only:
        return False
    mine = shell.store.role(shell.session.plan.id)
    return mine is not None and ROLES.index(mine) >= ROLES.index(role)


def ask_share(shell: AppShell, dialog: Dialog, note: str = "") -> None:
    """Show the open negotiation's members in ``dialog``, each change saved at once (to an
    editor or owner of it)."""
    if shell.session is None or not may(shell, "editor"):
        return
    store, plan_id = shell.store, shell.session.plan.id
    message = message_widget()
    if note:
        message.say(note)

    def change(act: Callable[[], None]) -> None:
        try:
            act()
        except NotAllowed as exc:  # shown again as it is in the store, with the reason
            ask_share(shell, dialog, str(exc))
            return
        ask_share(shell, dialog)

    rows: list[W.Widget] = []
    for user, role in store.members(plan_id):
        name = W.HTML(f"<b>{text_html(user)}</b>", layout=W.Layout(width="180px"))
        pick = W.Dropdown(options=ROLE_CHOICES, value=role, layout=W.Layout(width="auto"))
        pick.add_class("nw-share-role")
        pick.observe(
            shell.guard(lambda c, u=user: change(lambda: store.share(plan_id, u, c["new"]))),
            names="value",
        )
        remove = W.Button(description="Remove", layout=W.Layout(width="auto"))
        remove.add_class("nw-share-remove")
        remove.on_click(shell.guard(lambda _b, u=user: change(lambda: store.unshare(plan_id, u))))
        rows.append(W.HBox([name, pick, remove], layout=W.Layout(align_items="center")))
    who = W.Text(placeholder="The name they sign in with", layout=W.Layout(width="240px"))
    who.add_class("nw-share-name")
    role = W.Dropdown(options=ROLE_CHOICES[1:], value="viewer", layout=W.Layout(width="auto"))
    role.add_class("nw-share-new-role")

    def add() -> None:
        if not who.value.strip():
            message.say("Type the name the person signs in with.")
            return
        change(lambda: store.share(plan_id, who.value, role.value))

    dialog.show(
        W.HTML(
            "<b>Who is on this negotiation</b><br>Editors change the plan, share it and run "
            "workshops; viewers read it and export the brief."
        ),
        *rows,
        W.HBox([who, role], layout=W.Layout(align_items="center")),
        message,
        dialog.buttons(("Add", "primary", add), ("Close", "", dialog.hide)),
    )
