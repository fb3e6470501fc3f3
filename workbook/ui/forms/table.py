"""An editable table of the rows of a list in the plan, with a form that adds a row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W
from pydantic import BaseModel

from workbook.content import SectionContent
from workbook.paths import field_spec, pattern
from workbook.render import escape
from workbook.ui.forms.addform import AddForm
from workbook.ui.forms.binding import FULL_ROW, MessageLine, message_widget
from workbook.ui.forms.widgets import (
    Column,
    close_tree,
    grid_template,
    make_widget,
)
from workbook.ui.kit import make
from workbook.ui.session import Change, Path, PlanSession, Subscriptions
from workbook.ui.style import COLORS, hint_html

ACTIONS_WIDTH = "96px"
"""Width of the last table column: three row buttons (wider for a long add button)."""

FIRST_ROWS = 8
"""A longer table shows its first rows and a button for the rest: each row costs a dozen
or more widgets, and a big plan's section would take many seconds to draw them all."""

FIRST_LINES = 32
"""Of a table whose rows hold tables of their own (a variable and its options), the first
rows shown hold at most this many rows in all, their own and those under them: such a row
costs a hundred widgets or more."""


class FirstRows:
    """The first rows of a long list and a "Show N more rows" button for the others.

    ``shown(count)`` says how many of ``count`` rows to draw; ``button(hidden)`` makes the
    button ("Show 3 more rows", or another ``noun``) that shows them all (``on_more`` then
    draws the list again). A list that grew since it was last drawn shows every row, so
    that a row just added is never hidden.
    """

    def __init__(self, on_more: Callable[[], None], first: int = FIRST_ROWS, *, noun: str = "row"):
        self.on_more, self.noun = on_more, noun
        self.limit: int | None = first
        """How many rows are shown (None: all)."""
        self._count: int | None = None

    def shown(self, count: int, lines: Callable[[int], int] | None = None) -> int:
        """How many of ``count`` rows to draw now; ``lines(i)`` is how many rows row ``i``
        holds with those under it, and the first rows hold at most :data:`FIRST_LINES`."""
        if self._count is not None and count > self._count:
            self.limit = None  # a row was added: it is shown, and so is every other
        self._count = count
        if self.limit is None:
            return count
        shown = min(count, self.limit)
        if lines is not None:
            held = 0
            for index in range(shown):
                held += lines(index)
                if held > FIRST_LINES and index > 0:
                    return index
        return shown

    def button(self, hidden: int, **layout: str) -> W.Button:
        """A button that shows the ``hidden`` other rows."""
        more = make(
            W.Button,
            description=f"Show {hidden} more {self.noun}{'s' if hidden != 1 else ''}",
            icon="angle-down",
            layout={"width": "auto", **layout},
        )
        more.add_class("nw-more-rows")
        more.on_click(lambda _b: self.show_all())
        return more

    def show_all(self) -> None:
        """Show every row."""
        self.limit = None
        self.on_more()


class RowTable(AddForm, W.VBox):
    """An editable table of the rows in the list at ``path``.

    Each row's fields are bound to the plan; rows can be moved and removed; a form at the
    bottom adds a row once it validates. ``detail(index, subs)`` builds widgets under a row,
    binding them with ``subs`` so that they are dropped with the row (for
    nested tables); ``detail_rows(index)`` counts the rows of the tables under a row. Of a
    table longer than :data:`FIRST_ROWS` rows, or holding more than :data:`FIRST_LINES` rows
    with those under its rows, the first are shown and a button shows the rest; a table
    that grows shows all its rows (:class:`FirstRows`).
    """

    def __init__(
        self,
        session: PlanSession,
        path: Path,
        row_model: type[BaseModel],
        columns: Sequence[Column],
        *,
        content: SectionContent | None = None,
        add_label: str = "Add",
        empty_text: str = "Nothing here yet.",
        new_row: Callable[[], dict[str, Any]] | None = None,
        prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        detail: Callable[[int, Subscriptions], W.Widget] | None = None,
        detail_rows: Callable[[int], int] | None = None,
        reorder: bool = True,
        form: Sequence[Column] | None = None,
    ):
        super().__init__(layout=W.Layout(width="100%"))
        self.form = list(form) if form is not None else None
        self.session, self.path, self.row_model = session, tuple(path), row_model
        self.columns, self.content, self.add_label = list(columns), content, add_label
        self.empty_text, self.new_row, self.detail, self.reorder = (
            empty_text,
            new_row,
            detail,
            reorder,
        )
        self.prepare, self.detail_rows = prepare, detail_rows
        self._subs = session.subscriptions()
        self._row_subs = session.subscriptions()
        self._subs.on(self.path, self._on_change)
        self._grid: W.Widget | None = None
        self.undo_bar = W.HBox(layout=W.Layout(display="none", align_items="center"))
        self.undo_bar.add_class("nw-undo")
        self._removed: tuple[int, dict[str, Any]] | None = None
        self.add_form = self._build_add_form() if not session.read_only else None
        self.first = FirstRows(self._render)
        self._render()

    # -- layout
    def _actions_width(self) -> str:
        """The last column: three row buttons, and the add button's whole label."""
        if self.form is not None:
            return ACTIONS_WIDTH
        return f"{max(int(ACTIONS_WIDTH[:-2]), len(self.add_label) * 8 + 44)}px"

    def _template(self) -> str:
        actions = f" {self._actions_width()}" if not self.session.read_only else ""
        return grid_template(c.width for c in self.columns) + actions

    def _label(self, column: Column) -> str:
        key = pattern((*self.path, 0, *column.field.split(".")))
        if column.label:
            return column.label
        if self.content and key in self.content.labels:
            return self.content.labels[key]
        spec = field_spec((*self.path, 0, *column.field.split(".")), self.session.plan)
        return (spec.info.description or column.field).rstrip(".")

    def _header(self) -> list[W.Widget]:
        cells: list[W.Widget] = [
            make(
                W.HTML,
                value=f"<div style='line-height:1.3;font-size:12px;font-weight:600;"
                f"color:{COLORS['muted']};padding-top:4px'>{escape(self._label(c))}</div>",
            )
            for c in self.columns
        ]
        if not self.session.read_only:
            cells.append(make(W.HTML, value=""))
        return cells

    def _render(self) -> None:
        self._row_subs.close()
        old = self._grid
        rows = self.session.get(self.path)
        template = self._template()
        cells: list[W.Widget] = []
        if rows:
            cells += self._header()
        shown = self.first.shown(len(rows), self._lines if self.detail_rows else None)
        for index in range(shown):
            cells += self._row_cells(index, len(rows))
        if shown < len(rows):
            cells.append(self.first.button(len(rows) - shown, grid_area=FULL_ROW))
        if not rows:
            grid: W.Widget = make(W.HTML, value=hint_html(self.empty_text, size="13px"))
        else:
            grid = make(
                W.GridBox,
                children=cells,
                layout={
                    "grid_template_columns": template,
                    "grid_gap": "2px 6px",
                    "width": "100%",
                    "align_items": "flex-start",
                },
            )
        self._grid = grid
        form = [self.add_form] if self.add_form is not None else []
        rows_part = [grid, self.undo_bar]
        self.children = [*form, *rows_part] if self.form is not None else [*rows_part, *form]
        if old is not None:
            close_tree(old)

    def _row_cells(self, index: int, count: int) -> list[W.Widget]:
        message = message_widget(FULL_ROW)
        cells: list[W.Widget] = []
        notices: list[W.Widget] = []
        for column in self.columns:
            path = (*self.path, index, *column.field.split("."))
            widget, binding = make_widget(
                self.session,
                path,
                content=self.content,
                kind=column.kind,
                choices=column.choices,
                subs=self._row_subs,
                message=message,
            )
            cells.append(widget)
            notices.append(binding.clash)
        if not self.session.read_only:
            cells.append(self._actions(index, count, message))
        cells.append(message)
        cells += notices
        if self.detail is not None:
            extra = self.detail(index, self._row_subs)
            extra.layout.grid_area = FULL_ROW
            cells.append(extra)
        return cells

    def _lines(self, index: int) -> int:
        """Row ``index`` and the rows of the tables under it."""
        return 1 + (self.detail_rows(index) if self.detail_rows else 0)

    def show_all(self) -> None:
        """Show every row."""
        self.first.show_all()

    def _actions(self, index: int, count: int, message: MessageLine) -> W.Widget:
        def button(
            icon: str, tip: str, enabled: bool, action: Callable[[], str | None]
        ) -> W.Button:
            b = make(
                W.Button,
                icon=icon,
                tooltip=tip,
                disabled=not enabled,
                layout={"width": "28px", "padding": "0"},
            )

            b.add_class(f"nw-row-{icon}")
            if icon == "trash":
                b.add_class("nw-remove-row")

            def clicked(_: W.Button) -> None:
                problem = action()
                if problem:
                    message.say(problem)

            b.on_click(clicked)
            return b

        parts = []
        if self.reorder:
            parts += [
                button(
                    "arrow-up",
                    "Move up",
                    index > 0,
                    lambda: self.session.move(self.path, index, -1),
                ),
                button(
                    "arrow-down",
                    "Move down",
                    index < count - 1,
                    lambda: self.session.move(self.path, index, 1),
                ),
            ]
        parts.append(button("trash", "Remove this row", True, lambda: self.remove(index)))
        return make(W.HBox, children=parts, layout={"justify_content": "flex-end"})

    # -- removing rows, with a short undo
    def remove(self, index: int) -> str | None:
        """Remove a row and offer to bring it back; returns the refusal, if any."""
        rows = self.session.get(self.path)
        row = rows[index].model_dump() if index < len(rows) else None
        problem = self.session.remove(self.path, index)
        if problem or row is None:
            return problem
        self._removed = (index, row)
        first = self.columns[0].field.split(".")[0] if self.columns else ""
        name = str(row.get(first) or "").strip()
        what = f"Removed “{name[:60]}”." if name and isinstance(row.get(first), str) else "Removed."
        undo = make(W.Button, description="Undo", icon="undo", layout={"width": "auto"})
        undo.add_class("nw-undo-button")
        undo.on_click(lambda _b: self.undo())
        self._show_undo([make(W.HTML, value=hint_html(what, size="13px")), undo])
        return None

    def undo(self) -> str | None:
        """Put the last removed row back where it was; returns the refusal, if any."""
        if self._removed is None:
            return None
        index, row = self._removed
        rows = [r.model_dump() for r in self.session.get(self.path)]
        rows.insert(min(index, len(rows)), row)
        problem = self.session.set_structure(self.path, rows)
        if problem:
            self._show_undo([make(W.HTML, value=hint_html(problem, COLORS["error"], "13px"))])
            return problem
        self._removed = None
        self._show_undo([])
        return None

    def _show_undo(self, children: list[W.Widget]) -> None:
        for child in self.undo_bar.children:
            close_tree(child)
        self.undo_bar.children = children
        self.undo_bar.layout.display = "" if children else "none"

    def _on_change(self, change: Change) -> None:
        if (change.kind == "structure" and change.path == self.path) or (
            change.kind != "value" and len(change.path) < len(self.path)
        ):
            self._render()

    def close(self) -> None:
        """Drop subscriptions and widgets."""
        self._subs.close()
        self._row_subs.close()
        super().close()
