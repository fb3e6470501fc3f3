"""What every section view shares: its context, field and table helpers, and closing."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as W
from pydantic import BaseModel

from workbook.content import SectionContent
from workbook.store import PlanStore
from workbook.ui.forms import (
    Choices,
    Column,
    Kind,
    RowTable,
    close_tree,
    field,
    grid_template,
    make_widget,
    message_widget,
    question_header,
)
from workbook.ui.kit import make
from workbook.ui.plot import FigureView
from workbook.ui.session import Path, PlanSession, Subscriptions
from workbook.ui.style import COLORS, flags_html, hint_html, paragraphs_html


@dataclass
class ViewContext:
    """What a view needs: the open plan's session, the store and the section's content."""

    session: PlanSession
    store: PlanStore
    content: SectionContent


class SectionView:
    """Base of the section views: subclasses implement :meth:`build`."""

    def __init__(self, ctx: ViewContext):
        self.ctx = ctx
        self.session = ctx.session
        self.content = ctx.content
        self.subs = ctx.session.subscriptions()
        self.visible = False
        self._stale: list[Callable[[], None]] = []
        self.checks = W.HTML()
        self.checks.add_class("nw-checks")
        self.widget: W.Widget = W.VBox(
            [self._title(), *self.build(), self.checks],
            layout=W.Layout(width="100%", padding="0 8px 24px 8px"),
        )
        self.on_change((), self._refresh_checks)
        self._refresh_checks()

    def _refresh_checks(self) -> None:
        """The consistency checks that concern this section, under its last heading."""
        from workbook.analysis.checks import checks_for

        found = checks_for(self.session.plan, self.content.key)
        self.checks.value = (
            f"<h3 style='margin:18px 0 0 0;color:{COLORS['ink']}'>Figures that disagree</h3>"
            + flags_html(found)
            if found
            else ""
        )

    def build(self) -> Sequence[W.Widget]:
        """The section's widgets, top to bottom."""
        raise NotImplementedError

    def _title(self) -> W.Widget:
        lead = html.escape(self.content.lead)
        return W.HTML(
            f"<h2 style='margin:4px 0 2px 0;color:{COLORS['ink']}'>"
            f"{html.escape(self.content.title)}</h2>"
            f"<div style='color:{COLORS['muted']};margin-bottom:6px'>{lead}</div>"
        )

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

    def row(self, *children: W.Widget, widths: Sequence[str] | None = None) -> W.Widget:
        """Widgets side by side, in equal columns unless ``widths`` is given."""
        template = grid_template(widths or ["1fr"] * len(children))
        return W.GridBox(
            list(children),
            layout=W.Layout(grid_template_columns=template, grid_gap="0 16px", width="100%"),
        )

    def heading(self, text: str) -> W.HTML:
        """A sub-heading inside the section."""
        return W.HTML(
            f"<h3 style='margin:18px 0 0 0;color:{COLORS['ink']}'>{html.escape(text)}</h3>"
        )

    def note(self, text: str) -> W.HTML:
        """A paragraph of guidance text."""
        return W.HTML(paragraphs_html(text), style={"text_color": COLORS["muted"]})

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

    def on_change(self, prefix: Path, callback: Callable[[], None]) -> None:
        """Run ``callback`` after any change at or under ``prefix``.

        While the section is hidden the call waits until it is shown again.
        """

        def changed(_change: object) -> None:
            if self.visible:
                callback()
            elif callback not in self._stale:
                self._stale.append(callback)

        self.subs.on(prefix, changed)

    def shown(self) -> None:
        """The section became visible: catch up on changes made elsewhere."""
        self.visible = True
        stale, self._stale = self._stale, []
        for callback in stale:
            callback()

    def hidden(self) -> None:
        """The section was hidden."""
        self.visible = False

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

    def close(self) -> None:
        """Drop the view's subscriptions and widgets."""
        self.subs.close()
        close_tree(self.widget)
