"""The box under the app's toolbar where the app asks one thing at a time: a form, a
question, a list; shown with its buttons and hidden once answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from workbook.ui.forms import close_tree
from workbook.ui.style import COLORS


class Dialog:
    """The app's dialog box (``.box``), which shows one set of widgets at a time."""

    def __init__(self, guard: Callable[[Callable[..., Any]], Callable[..., Any]]):
        self._guard = guard
        self.box = W.VBox(
            layout=W.Layout(
                display="none", padding="8px", margin="6px 0", border=f"1px solid {COLORS['line']}"
            )
        )
        self.box.add_class("nw-dialog")

    def show(self, *children: W.Widget) -> None:
        """Show ``children`` in the box, in place of what it showed."""
        for child in self.box.children:
            close_tree(child)
        self.box.children = list(children)
        self.box.layout.display = ""

    def hide(self) -> None:
        """Close what the box shows and hide it."""
        for child in self.box.children:
            close_tree(child)
        self.box.children = []
        self.box.layout.display = "none"

    def buttons(self, *specs: tuple[str, str, Callable[[], None]]) -> W.HBox:
        """A row of buttons, each ``(label, style, action)``; errors become a status line."""
        row = []
        for label, style, action in specs:
            button = W.Button(description=label, button_style=style, layout=W.Layout(width="auto"))
            button.add_class("nw-dialog-" + label.lower().replace(" ", "-"))
            button.on_click(self._guard(lambda _b, act=action: act()))
            row.append(button)
        return W.HBox(row, layout=W.Layout(margin="6px 0 0 0"))
