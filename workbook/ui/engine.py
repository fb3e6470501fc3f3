"""The form engine: a section's page drawn from the layout in its content file.

A section's TOML lists the blocks of its page (:mod:`workbook.content.layout`); a
:class:`LayoutView` draws them with the one widget factory (:mod:`workbook.ui.forms`),
panels (:mod:`workbook.ui.panels`) and the section's registered editors, which live in
``workbook.ui.views.<section>`` and are imported when the section is first shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import ipywidgets as W

from workbook.content import SectionContent, check_layout_names, load_content
from workbook.content.layout import Block, ColumnSpec, as_block
from workbook.paths import CUSTOM, Path, field_spec, parse_path, pattern, row_model
from workbook.render import escape
from workbook.store import PlanStore
from workbook.ui.forms import (
    Column,
    RangeRow,
    RowTable,
    close_tree,
    grid_template,
    make_widget,
    message_widget,
    question_header,
    range_unit,
)
from workbook.ui.forms import field as field_widget
from workbook.ui.kit import make
from workbook.ui.panels import (
    CHOICES,
    EDITORS,
    OBJECTIVES,
    PANELS,
    PREPARES,
    Chart,
    Framed,
    PanelView,
    Part,
    _prefix,
    choices,
    editor,
    panel,
    prepare,
)
from workbook.ui.session import PlanSession, StrategicPlanSession, Subscriptions
from workbook.ui.style import COLORS, app_html, flags_html, hint_html, paragraphs_html

__all__ = [
    "OBJECTIVES",
    "Chart",
    "Context",
    "Framed",
    "LayoutView",
    "Part",
    "SectionView",
    "ViewContext",
    "choices",
    "editor",
    "panel",
    "prepare",
    "section_content",
]


def known_names() -> dict[str, Any]:
    """The registered names, by kind, for checking layouts."""
    return {"panel": PANELS, "editor": EDITORS, "choices": CHOICES, "prepare": PREPARES}


def section_content() -> dict[str, SectionContent]:
    """Every section's content, with every layout checked against the registry too (this
    imports every section's panels: a kernel checks one section when it first shows it)."""
    from workbook.sections import SECTIONS

    content = load_content()
    for entry in SECTIONS:
        import_panels(entry.key)
    check_layout_names(content, known_names())
    return content


def import_panels(key: str) -> Any:
    """The module of a section's panels and editors, imported (None when it has none)."""
    import importlib

    from workbook.sections import section

    name = section(key).view_module
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


# --- what panels and editors are given ----------------------------------------------------


@dataclass
class Context:
    """What a panel or an editor is given: the plan's session, the store, the section's
    content, the block's ``args`` and, in a table's row, the row's path."""

    session: PlanSession
    store: PlanStore
    content: SectionContent
    subs: Subscriptions
    view: LayoutView
    args: dict[str, Any] = field(default_factory=dict)
    base: Path = ()

    @property
    def plan(self) -> Any:
        """The plan as it is now."""
        return self.session.plan

    @property
    def objectives(self) -> StrategicPlanSession:
        """The company's strategic objectives, a document of their own (opened once)."""
        return self.view.objectives

    def on(self, prefix: Path, callback: Callable[[], None]) -> None:
        """Run ``callback`` after a change under ``prefix`` (once shown, when hidden)."""
        self.view.on_change(prefix, callback)

    def button(
        self,
        label: str,
        icon: str,
        action: Callable[[], str | None],
        css: str = "",
        *,
        margin: str = "0",
    ) -> W.Widget:
        """A button that runs ``action``; a refusal it returns shows under it."""
        message = message_widget()
        button = action_button(
            label, icon, css, lambda: message.say(action() or ""), self.session.read_only
        )
        return W.VBox([W.HBox([button]), message], layout=W.Layout(margin=margin))


def action_button(
    label: str, icon: str, css: str, action: Callable[[], object], read_only: bool
) -> W.Button:
    """A button sized to its label that runs ``action``; disabled on a read-only plan."""
    button = W.Button(
        description=label, icon=icon, layout=W.Layout(width="auto"), disabled=read_only
    )
    if css:
        button.add_class(css)
    button.on_click(lambda _b: action())
    return button


# --- a section's view ---------------------------------------------------------------------


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
            app_html("heading", text="Figures that disagree") + flags_html(found) if found else ""
        )

    def build(self) -> Sequence[W.Widget]:
        """The section's widgets, top to bottom."""
        raise NotImplementedError

    def _title(self) -> W.Widget:
        return W.HTML(app_html("title", text=self.content.title, lead=self.content.lead))

    def row(self, *children: W.Widget, widths: Sequence[str] | None = None) -> W.Widget:
        """Widgets side by side, in equal columns unless ``widths`` is given."""
        template = grid_template(widths or ["1fr"] * len(children))
        return W.GridBox(
            list(children),
            layout=W.Layout(grid_template_columns=template, grid_gap="0 16px", width="100%"),
        )

    def heading(self, text: str) -> W.HTML:
        """A sub-heading inside the section."""
        return W.HTML(app_html("heading", text=text))

    def note(self, text: str) -> W.HTML:
        """A paragraph of guidance text."""
        return W.HTML(paragraphs_html(text), style={"text_color": COLORS["muted"]})

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

    def close(self) -> None:
        """Drop the view's subscriptions and widgets."""
        self.subs.close()
        close_tree(self.widget)


# --- drawing a layout ------------------------------------------------------------------------


class LayoutView(SectionView):
    """A section drawn from the blocks of its content's layout."""

    def __init__(self, ctx: ViewContext):
        import_panels(ctx.content.key)
        check_layout_names({ctx.content.key: ctx.content}, known_names())
        self.panels: dict[str, PanelView] = {}
        self._objectives: StrategicPlanSession | None = None
        subs = ctx.session.subscriptions()
        self.context = Context(ctx.session, ctx.store, ctx.content, subs, self)
        super().__init__(ctx)

    def build(self) -> Sequence[W.Widget]:
        self.context.subs = self.subs
        blocks = list(self.content.layout)
        named = {b.field for b in blocks}
        custom = [f"{CUSTOM}.{q.id}" for q in self.content.custom]
        blocks += [Block(field=path) for path in custom if path not in named]
        return [self.block(b, self.context) for b in blocks]

    @property
    def objectives(self) -> StrategicPlanSession:
        """The company's objectives, opened on first use and followed as the company changes."""
        if self._objectives is None:
            s = self.session
            opened = StrategicPlanSession(
                self.ctx.store,
                company=s.plan.company,
                author=s.author,
                read_only=s.read_only,
                scheduler=s.scheduler,
                save_delay=s.save_delay,
            )
            self._objectives = opened
            self.subs.on(("company",), lambda _c: opened.switch(s.plan.company))
        return self._objectives

    def block(self, item: str | Block, ctx: Context, *, compact: bool = False) -> W.Widget:
        """The widget of one block, its paths under ``ctx.base`` (``compact``: under a row
        of a table, with small labels and one message line)."""
        b = as_block(item)
        widget: W.Widget
        if b.field or (b.row and compact):
            widget = self.fields(b, ctx) if compact else self.field_block(b, ctx)
        elif b.row:
            children = [self.block(c, ctx) for c in b.row]
            widget = self.row(*children, widths=b.widths or None)
        elif b.table:
            widget = self.table_block(b, ctx)
        elif b.heading:
            widget = self.heading(b.heading)
        elif b.note:
            widget = self.note(b.note)
        elif b.panel:
            widget = self.panel_block(b, ctx)
        elif b.editor:
            widget = EDITORS[b.editor](replace(ctx, args=dict(b.args)))
        elif b.stack:
            title = [W.HTML(f"<b>{escape(b.title)}</b>")] if b.title else []
            widget = W.VBox([*title, *(self.block(c, ctx, compact=compact) for c in b.stack)])
        else:
            inner = W.VBox([self.block(c, ctx) for c in b.blocks])
            widget = W.Accordion(children=[inner], titles=(b.fold,))
            widget.selected_index = None
        if b.css:
            widget.add_class(b.css)
        return widget

    def panel_block(self, b: Block, ctx: Context) -> PanelView:
        """A panel, subscribed to exactly what it reads."""
        view = PanelView(PANELS[b.panel], ctx, frame=b.frame)
        self.panels[b.panel] = view
        for read in view.spec.reads:
            source = ctx.objectives if read == OBJECTIVES else None
            where = () if source else _prefix(read)
            self.subs.on(where, lambda _c, v=view: self._redraw(v), session=source)
        view.refresh()
        return view

    def _redraw(self, view: PanelView) -> None:
        if self.visible:
            view.refresh()
        elif view.refresh not in self._stale:
            self._stale.append(view.refresh)

    def field_block(self, b: Block, ctx: Context) -> W.Widget:
        """A question with its bound widget."""
        path = (*ctx.base, *parse_path(b.field))
        return field_widget(
            self.session,
            path,
            ctx.subs,
            content=self.content,
            kind=b.kind,
            choices=CHOICES[b.choices](ctx) if b.choices else None,
            label=b.label or None,
        )

    def fields(self, b: Block, ctx: Context) -> W.Widget:
        """Fields of a table's row shown under it, side by side, with one message line."""
        items = [as_block(i) for i in b.row] if b.row else [b]
        message = message_widget()
        cells, notices, widths = [], [], []
        for item in items:
            path = (*ctx.base, *parse_path(item.field))
            label = item.label or self.content.label(pattern(path), "")
            widget, binding = make_widget(
                self.session,
                path,
                subs=ctx.subs,
                content=self.content,
                kind=item.kind,
                choices=CHOICES[item.choices](ctx) if item.choices else None,
                message=message,
                placeholder=label,
            )
            notices.append(binding.clash)
            shown = label and b.labels
            cells.append(
                W.VBox([make(W.HTML, value=hint_html(label)), widget]) if shown else widget
            )
            widths.append(item.width if item.width != "100%" else "1fr")
        grid = self.row(*cells, widths=b.widths or widths)
        return W.VBox([grid, message, *notices], layout=W.Layout(margin="0 0 8px 0"))

    def table_block(self, b: Block, ctx: Context) -> W.Widget:
        """A table of rows under its question; ``detail`` blocks under each row."""
        path = (*ctx.base, *parse_path(b.table))
        detail = None
        detail_rows = None
        if b.detail:

            def detail(index: int, subs: Subscriptions) -> W.Widget:
                row = replace(ctx, base=(*path, index), subs=subs)
                return W.VBox([self.block(d, row, compact=True) for d in b.detail])

            nested = [parse_path(t) for t in (as_block(d).table for d in b.detail) if t]
            if nested:

                def detail_rows(index: int) -> int:
                    return sum(len(self.session.get((*path, index, *n))) for n in nested)

        table = RowTable(
            self.session,
            path,
            row_model(path),
            [self.column(c, ctx) for c in b.columns],
            content=self.content,
            add_label=b.add,
            empty_text=b.empty,
            prepare=PREPARES[b.prepare](ctx) if b.prepare else None,
            detail=detail,
            detail_rows=detail_rows,
            reorder=b.reorder,
            form=[self.column(c, ctx) for c in b.form] if b.form else None,
        )
        if not b.question:
            return W.VBox([table], layout=W.Layout(margin="0 0 8px 24px"))
        return W.VBox([*question_header(self.content, path, str(path[-1])), table])

    def range_row(self, path: Path, ctx: Context, subs: Subscriptions, **names: str) -> RangeRow:
        """The low / likely / high boxes of the range at ``path``, bound: labelled as the
        content labels its field (``names`` filled in), in the plan's currency unless it
        is a probability."""
        model = field_spec(path).base
        label = self.content.label(pattern(path), str(path[-1])).format(**names)
        row = RangeRow(
            label,
            range_unit(model, ctx.plan.currency),
            model=model,
            value=self.session.get(path),
            disabled=self.session.read_only,
        )
        return row.bind(self.session, path, subs)

    def column(self, c: ColumnSpec, ctx: Context) -> Column:
        """A table column, its named options resolved."""
        return Column(
            c.field,
            label=c.label or None,
            width=c.width,
            kind=c.kind,
            choices=CHOICES[c.choices](ctx) if c.choices else None,
            may_be_empty=c.may_be_empty,
            start_blank=c.start_blank,
        )

    def close(self) -> None:
        """Also save and close the objectives' document, when one was opened."""
        if self._objectives is not None:
            self._objectives.flush()
        super().close()
