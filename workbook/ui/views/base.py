"""The helpers of the section views written in Python, before their layouts became data."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as W
from pydantic import BaseModel

from workbook.ui.engine import SectionView as _Base
from workbook.ui.engine import ViewContext
from workbook.ui.forms import (
    Choices,
    Column,
    Kind,
    RowTable,
    field,
    make_widget,
    message_widget,
    question_header,
)
from workbook.ui.kit import make
from workbook.ui.plot import FigureView
from workbook.ui.session import Path, Subscriptions
from workbook.ui.style import COLORS, hint_html

__all__ = ["SectionView", "ViewContext"]


class SectionView(_Base):
    """A section view that builds its layout in Python."""

    # --- helpers for subclasses --------------------------------------------------------

    def field(
        self,
        path: Path,
        *,
        kind: Kind | None = None,
        choices: Choices | None = None,
        label: str | None = None,
        width: str = "100%",
    ) -> W.VBox:
        """A labelled, bound field."""
        return field(
            self.session,
            path,
            self.subs,
            content=self.content,
            kind=kind,
            choices=choices,
            label=label,
            width=width,
        )

    def table(
        self,
        path: Path,
        model: type[BaseModel],
        columns: Sequence[Column],
        *,
        question: bool = True,
        **kwargs: Any,
    ) -> W.Widget:
        """A bound table of rows, under its question when ``question`` is true."""
        table = RowTable(self.session, path, model, columns, content=self.content, **kwargs)
        if not question:
            return table
        return W.VBox([*question_header(self.content, path, str(path[-1])), table])

    def detail_fields(
        self, subs: Subscriptions, base: Path, fields: Sequence[Column], *, labels: bool = True
    ) -> W.Widget:
        """Fields of one table row shown under it, side by side, bound with the row's ``subs``."""
        message = message_widget()
        cells = []
        notices = []
        for column in fields:
            path = (*base, *column.field.split("."))
            widget, binding = make_widget(
                self.session,
                path,
                subs=subs,
                content=self.content,
                kind=column.kind,
                choices=column.choices,
                message=message,
                placeholder=column.label or "",
            )
            notices.append(binding.clash)
            if labels and column.label:
                cells.append(W.VBox([make(W.HTML, value=hint_html(column.label)), widget]))
            else:
                cells.append(widget)
        grid = self.row(*cells, widths=[c.width for c in fields])
        return W.VBox([grid, message, *notices], layout=W.Layout(margin="0 0 8px 0"))

    def chart(self, name: str) -> FigureView:
        """An area for one figure, with the DOM class ``nw-chart-<name>``."""
        view = FigureView()
        view.add_class(f"nw-chart-{name}")
        return view

    def panel(self, *children: W.Widget) -> W.VBox:
        """A shaded box for analysis results, set apart from the questions."""
        return W.VBox(
            list(children),
            layout=W.Layout(
                padding="6px 12px",
                margin="10px 0",
                width="100%",
                border=f"1px solid {COLORS['line']}",
            ),
        )

    def custom_questions(self) -> list[W.Widget]:
        """Fields for questions that analysts added to this section's content."""
        widgets: list[W.Widget] = []
        for question in self.content.custom:
            widgets.append(self._custom_field(question.id, question.prompt, question.help))
        return widgets

    def _custom_field(self, key: str, prompt: str, help_text: str) -> W.Widget:
        from workbook.ui.forms import message_widget

        area = W.Textarea(
            value=self.session.plan.custom_answers.get(key, ""),
            rows=2,
            layout=W.Layout(width="100%"),
            disabled=self.session.read_only,
        )
        message = message_widget()

        def changed(change: dict[str, Any]) -> None:
            answers = dict(self.session.plan.custom_answers)
            answers[key] = str(change["new"])
            problem = self.session.set(("custom_answers",), answers)
            message.say(problem or "")

        area.observe(changed, names="value")
        parts = [W.HTML(f"<b>{html.escape(prompt)}</b>", layout=W.Layout(margin="10px 0 0 0"))]
        if help_text:
            parts.append(
                W.HTML(
                    html.escape(help_text),
                    style={"text_color": COLORS["muted"], "font_size": "12px"},
                )
            )
        return W.VBox([*parts, area, message])
