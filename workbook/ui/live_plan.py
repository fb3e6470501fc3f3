"""The open plan, live: every second, others' saves of it arrive (the fields and charts
they touched redraw), and the page says in the store that it is here and shows who else
is on the plan and where."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as W

from workbook.model import new_id
from workbook.render import escape
from workbook.store import Presence
from workbook.ui.style import COLORS
from workbook.ui.workshop import Ticker

if TYPE_CHECKING:
    from workbook.ui.guard import SaveGuard
    from workbook.ui.shell import AppShell

LIVE_INTERVAL = 1.0
"""Seconds between two checks for others' saves of the open plan (one indexed query)."""


class LivePlan:
    """The live tick of the open plan, and the header's line of who else is on it.

    ``where`` names the section on screen, as others see it in that line.
    """

    def __init__(self, shell: AppShell, guard: SaveGuard, where: Callable[[], str]):
        self.shell, self.guard, self.where = shell, guard, where
        self.ticker = Ticker(shell.scheduler, LIVE_INTERVAL, self.tick)
        self.page_id = new_id()
        self.presence = W.HTML()
        self.presence.add_class("nw-presence")

    def start(self) -> None:
        """Start the ticks (a plan is open)."""
        self.ticker.start()

    def stop(self) -> None:
        """Stop the ticks (no plan is open)."""
        self.ticker.stop()

    def tick(self) -> None:
        """Show others' saves of the open plan: the fields and charts they touched redraw."""
        self.guard.beat += 1
        session = self.shell.session
        if session is not None:
            session.poll()
            self.guard.revision = session.revision
            self.mark_here()

    def mark_here(self) -> None:
        """Say in the store that this page shows the plan, and show who else is on it."""
        session, store = self.shell.session, self.shell.store
        if session is None:
            return
        plan_id = session.plan.id
        if not self.shell.read_only:
            name = store.user or self.shell.author or "Someone"
            store.mark_here(self.page_id, plan_id, name, self.where())
        self.presence.value = presence_html(store.here(plan_id, besides=self.page_id))

    def leave(self) -> None:
        """The page is gone: stop showing it to others on the plan."""
        if not self.shell.read_only:
            self.shell.store.leave(self.page_id)


def presence_html(others: list[Presence]) -> str:
    """The header's line of who else has the plan open, names and sections escaped."""
    if not others:
        return ""
    shown = [f"{escape(p.name or 'Someone')} ({escape(p.section)})" for p in others[:6]]
    more = f" and {len(others) - 6} more" if len(others) > 6 else ""
    return (
        f"<span style='color:{COLORS['ink']};font-size:13px'>Also here: "
        f"{', '.join(shown)}{more}</span>"
    )
