"""What the app shell offers a mode of the app, such as the workshop (:class:`Shell`), and
its own parts, such as the plan menu (:class:`AppShell`): they are given this, never the
app itself, so the shell's own widgets stay its own.

:class:`workbook.ui.app.WorkbookApp` is one; a test may pass any object with these members.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import ipywidgets as W

    from workbook.store import PlanStore
    from workbook.ui.session import PlanSession, Scheduler


class Shell(Protocol):
    """The app shell as a mode sees it."""

    store: PlanStore
    scheduler: Scheduler

    @property
    def session(self) -> PlanSession | None:
        """The open plan's session, if a plan is open."""

    @property
    def current(self) -> str:
        """The key of the section or mode on screen."""

    def show(self, key: str) -> None:
        """Show the section or mode ``key``."""

    def say(self, text: str, tone: str = "error") -> None:
        """A line in the status bar."""

    def guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` as a widget callback whose errors become a friendly status line."""

    def enter(self, key: str, guidance: str) -> None:
        """Leave the section on screen for the mode ``key``, with ``guidance`` (HTML) beside."""

    def show_sections(self, visible: bool) -> None:
        """Show or hide the sections' area (a mode shows its own panel in its place)."""

    def cover(self, widget: W.Widget, on: bool) -> None:
        """Let ``widget``, one part of the app, fill it alone; or show the other parts again."""

    def close(self) -> None:
        """Close every widget of the app (a page that shows something else instead)."""


class AppShell(Shell, Protocol):
    """The app shell as its own parts see it (the plan menu, its forms, the saving bar)."""

    read_only: bool
    """Whether the whole app is read-only (the store, or the server, says so)."""
    author: str
    """The name the user's saves carry."""

    def open(self, plan_id: str, section: str | None = None) -> None:
        """Open a plan (on ``section``, else on the section on screen)."""

    def start(self, plan: str | None = None, section: str | None = None) -> Any:
        """Open ``plan``, else the most recent plan; the new-plan form when there is none."""

    def flush(self) -> None:
        """Save what is typed now."""
