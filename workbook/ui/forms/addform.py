"""The form under (or above) a table of rows that adds a row once it validates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W
from pydantic import BaseModel, ValidationError

from workbook.content import SectionContent
from workbook.errors import describe
from workbook.paths import FieldSpec, Kind, field_spec, pattern
from workbook.ui.forms.binding import FULL_ROW, Codec, MessageLine, css_class, message_widget
from workbook.ui.forms.text import ParseError, now_text
from workbook.ui.forms.widgets import (
    Column,
    _choice_options,
    follow_choices,
    grid_template,
    new_widget,
    widget_kind,
)
from workbook.ui.kit import make
from workbook.ui.session import Path, PlanSession, Subscriptions
from workbook.ui.style import hint_html


class AddForm:
    """The add form of a :class:`~workbook.ui.forms.table.RowTable`: one blank widget per
    column (or per ``form`` column, labelled), validated as a row on add."""

    session: PlanSession
    path: Path
    row_model: type[BaseModel]
    columns: list[Column]
    content: SectionContent | None
    form: list[Column] | None
    add_label: str
    new_row: Callable[[], dict[str, Any]] | None
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None
    _subs: Subscriptions
    _removed: Any
    add_message: MessageLine
    _label: Callable[[Column], str]
    _actions_width: Callable[[], str]
    _show_undo: Callable[[list[W.Widget]], None]

    # -- adding rows
    def _build_add_form(self) -> W.Widget:
        self._new_widgets: dict[str, W.ValueWidget] = {}
        self._new_codecs: dict[str, Callable[[Any], Any]] = {}
        self._new_blanks: dict[str, Callable[[], Any]] = {}
        self._new_messages: dict[str, Any] = {}
        cells: list[W.Widget] = []
        for column in self.form or self.columns:
            spec = field_spec((*self.path, 0, *column.field.split(".")), self.session.plan)
            key = pattern((*self.path, 0, *column.field.split(".")))
            path = (*self.path, 0, *column.field.split("."))
            kind = widget_kind(spec, path, self.content, column.kind, column.choices)
            widget, codec = self._blank_widget(spec, kind, column)
            first = widget.value
            self._new_blanks[column.field] = now_text if kind == "datetime" else lambda v=first: v
            widget.tooltip = self._label(column)
            widget.add_class(css_class(key.split(".")).replace("nw-field-", "nw-add-"))
            self._new_widgets[column.field] = widget
            self._new_codecs[column.field] = codec.to_model
            cells.append(widget)
        add = make(W.Button, description=self.add_label, icon="plus", layout={"width": "auto"})
        add.on_click(lambda _: self.add())
        add.add_class(css_class(self.path).replace("nw-field-", "nw-add-button-"))
        self.add_message = message_widget(FULL_ROW if self.form is None else "")
        if self.form is not None:
            return self._labelled_form(cells, add)
        cells.append(add)
        cells.append(self.add_message)
        template = grid_template(c.width for c in self.columns) + f" {self._actions_width()}"
        return make(
            W.GridBox,
            children=cells,
            layout={
                "grid_template_columns": template,
                "grid_gap": "2px 6px",
                "width": "100%",
                "margin": "4px 0 0 0",
                "align_items": "flex-start",
            },
        )

    def _labelled_form(self, widgets: list[W.Widget], add: W.Button) -> W.Widget:
        """The add form as a short grid of labelled fields that flows onto a second line
        when narrow (a column of 1.5fr or more takes two cells)."""
        assert self.form is not None
        cells = []
        for column, widget in zip(self.form, widgets, strict=True):
            wide = column.width.endswith("fr") and float(column.width[:-2]) >= 1.5
            label = make(W.HTML, value=hint_html(self._label(column)))
            message = self._new_messages[column.field] = message_widget()
            cell = W.VBox([label, widget, message], layout=W.Layout(min_width="0"))
            if wide:
                cell.layout.grid_area = "auto / auto / auto / span 2"
            cells.append(cell)
        button = W.VBox([add], layout=W.Layout(align_self="flex-end"))
        button.layout.grid_area = "auto / auto / auto / span 2"  # room for the whole label
        cells.append(button)
        grid = W.GridBox(
            cells,
            layout=W.Layout(
                grid_template_columns="repeat(auto-fill, minmax(145px, 1fr))",
                grid_gap="2px 8px",
                width="100%",
            ),
        )
        box = W.VBox([grid, self.add_message], layout=W.Layout(width="100%", margin="2px 0 8px 0"))
        box.add_class("nw-add-form")
        return box

    def _blank_widget(self, spec: FieldSpec, kind: Kind, column: Column) -> tuple[W.Widget, Codec]:
        """An add form's widget: the factory's, starting at the field's default."""
        default = spec.default()
        options: list[tuple[str, Any]] = []
        if kind in ("choice", "multi"):
            path = (*self.path, 0, *column.field.split("."))

            def offered() -> list[tuple[str, Any]]:
                return _choice_options(
                    spec, path, self.content, column.choices, self.session, blank=kind == "choice"
                )

            options = offered()
        empty = column.may_be_empty or column.start_blank or default is None
        value = None if kind == "number" and empty else default
        if kind in ("text", "textarea", "multi", "tags"):
            value = None  # an add form starts empty
        widget, codec = new_widget(
            kind,
            spec,
            value,
            options=options,
            placeholder=self._label(column),
            form=True,
            optional=(spec.optional or column.may_be_empty) and not column.start_blank,
        )
        if kind in ("choice", "multi"):

            def keep(vs: list[Any]) -> Any:
                if kind == "multi":
                    return tuple(v for v in widget.value if v in vs)
                if widget.value in vs:
                    return widget.value
                return default if default in vs else (vs[0] if vs else None)

            follow_choices(widget, column.choices, self.session, self._subs, offered, keep)
        return widget, codec

    def add(self) -> str | None:
        """Validate the add form and append its row; returns the refusal, if any."""
        row: dict[str, Any] = self.new_row() if self.new_row else {}
        for message in self._new_messages.values():
            message.say("")
        try:
            for name, widget in self._new_widgets.items():
                try:
                    value = self._new_codecs[name](widget.value)
                except ParseError as exc:
                    if name not in self._new_messages:
                        raise
                    self._new_messages[name].say(str(exc))
                    self.add_message.say("")
                    return str(exc)
                target = row
                *parents, leaf = name.split(".")
                for part in parents:
                    target = target.setdefault(part, {})
                target[leaf] = value
            if self.prepare is not None:
                row = self.prepare(row)
            model = self.row_model.model_validate(row)
        except ParseError as exc:
            return self._refuse(str(exc))
        except ValidationError as exc:
            problem = describe(exc)[0]
            label = problem.field.split(".")[0]
            names = {c.field.split(".")[0]: self._label(c) for c in self.columns}
            where = names.get(label, label.replace("_", " "))
            return self._refuse(f"{where}: {problem.message}")
        problem = self.session.append(self.path, model)
        if problem:
            return self._refuse(problem)
        self.reset_add_form()
        self.add_message.say("")
        self._removed = None
        self._show_undo([])
        return None

    def reset_add_form(self) -> None:
        """Empty the add form for the next row: text cleared, numbers back to their
        default, a time back to now (it stays filled)."""
        for name, widget in self._new_widgets.items():
            if isinstance(widget, W.Text):
                widget.value = self._new_blanks[name]()

    def _refuse(self, text: str) -> str:
        self.add_message.say(text)
        return text
