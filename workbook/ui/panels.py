"""Panels: analysis output that declares what it reads, and the registry of what layouts name.

A panel is a function registered with :func:`panel`, naming the plan paths it reads; it
returns safe HTML (a verdict, figures, an empty-state line), a :class:`Chart`, or a list
of them. :class:`PanelView` shows one, subscribed to exactly those paths, and runs it
again only when their content changed (so a keystroke in a note redraws no chart).
Irregular editors are registered with :func:`editor`, named option lists with
:func:`choices`, and checks of a new row with :func:`prepare`.

>>> Panel("value.example", lambda ctx: "", ("value.pains[].text", "currency")).paths
(('value', 'pains'), ('currency',))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import ipywidgets as W
from pydantic_core import to_json

from workbook.paths import Path, parse_path
from workbook.ui.forms import ChoiceList, close_tree
from workbook.ui.kit import make
from workbook.ui.plot import FigureView
from workbook.ui.session import PlanSession, StrategicPlanSession, get_path
from workbook.ui.style import COLORS


class Context(Protocol):
    """What a panel or an editor is given (:class:`workbook.ui.engine.Context`)."""

    session: PlanSession

    @property
    def plan(self) -> Any: ...

    @property
    def objectives(self) -> StrategicPlanSession: ...


OBJECTIVES = "@objectives"
"""A panel's read of the company's strategic objectives (another document than the plan)."""


@dataclass(frozen=True)
class Chart:
    """A figure in a panel: drawn in an area with the DOM class ``nw-chart-<name>``; the
    ``note`` says what to enter while there is no figure."""

    name: str
    figure: Any | None
    note: str = ""


@dataclass(frozen=True)
class Framed:
    """A part of a panel shown in a box of its own."""

    part: str | Chart


Part = str | Chart | Framed
"""A part of a panel's output: safe HTML (a verdict, figures, an empty-state line), a
chart, or either in a box of its own."""


@dataclass(frozen=True)
class Panel:
    """A registered panel: its function and the paths it reads."""

    name: str
    fn: Callable[[Context], Part | Sequence[Part]]
    reads: tuple[str, ...]

    @property
    def paths(self) -> tuple[Path, ...]:
        """The plan paths it follows (a row's field followed through its table)."""
        return tuple(_prefix(r) for r in self.reads if r != OBJECTIVES)

    def key(self, ctx: Context) -> bytes:
        """The content of everything it reads, to run it again only when that changed."""
        parts = [
            _project(ctx.session.plan, r) if r != OBJECTIVES else ctx.objectives.plan
            for r in self.reads
        ]
        return to_json(parts)


PANELS: dict[str, Panel] = {}
EDITORS: dict[str, Callable[[Context], W.Widget]] = {}
CHOICES: dict[str, Callable[[Context], ChoiceList]] = {}
PREPARES: dict[str, Callable[[Context], Callable[[dict[str, Any]], dict[str, Any]]]] = {}


def panel(name: str, reads: Sequence[str]) -> Callable[[Any], Any]:
    """Register a panel named ``name`` that reads the plan ``reads`` (``"value.pains"``,
    ``"scenarios.competitors[].name"``, ``""`` for the whole plan, ``"@objectives"``)."""

    def register(fn: Callable[[Context], Part | Sequence[Part]]) -> Any:
        PANELS[name] = Panel(name, fn, tuple(reads))
        return fn

    return register


def editor(name: str) -> Callable[[Any], Any]:
    """Register an irregular editor: a function of a :class:`Context` returning one widget."""

    def register(fn: Callable[[Context], W.Widget]) -> Any:
        EDITORS[name] = fn
        return fn

    return register


def choices(name: str, follows: Sequence[str] = (), source: str = "") -> Callable[[Any], Any]:
    """Register a named list of options: ``fn(document)`` gives (label, value) pairs,
    redrawn when anything under ``follows`` changes. A function of two arguments
    (document, the row's own id) offers per row. The document is the plan, or the
    company's objectives with ``source="@objectives"``."""

    def register(fn: Callable[..., Any]) -> Any:
        paths = tuple(parse_path(f) for f in follows)
        per_row = fn.__code__.co_argcount == 2

        def listed(ctx: Context) -> ChoiceList:
            where = ctx.objectives if source == OBJECTIVES else None
            return ChoiceList(
                fn, paths, where, not_own_row=per_row, for_row=fn if per_row else None
            )

        CHOICES[name] = listed
        return fn

    return register


def prepare(name: str) -> Callable[[Any], Any]:
    """Register a check of a new row before it is added: ``fn(ctx, row) -> row`` (may raise
    ParseError with what to correct)."""

    def register(fn: Callable[[Context, dict[str, Any]], dict[str, Any]]) -> Any:
        PREPARES[name] = lambda ctx: lambda row: fn(ctx, row)
        return fn

    return register


def _prefix(read: str) -> Path:
    """The path to subscribe to for a read: up to its first row marker."""
    return parse_path(read.split("[]")[0]) if read else ()


def _project(plan: Any, read: str) -> Any:
    """The content a read names: ``a.rows[].x`` is the list of each row's ``x``."""
    if not read:
        return plan
    head, marker, rest = read.partition("[]")
    value = get_path(plan, parse_path(head))
    if not marker:
        return value
    rest = rest.lstrip(".")
    return [_project(row, rest) if rest else row for row in value]


# --- drawing panels -----------------------------------------------------------------------


def frame_layout() -> dict[str, str]:
    """The layout of a shaded box for analysis results, set apart from the questions."""
    return {
        "padding": "6px 12px",
        "margin": "10px 0",
        "width": "100%",
        "border": f"1px solid {COLORS['line']}",
    }


class PanelView(W.VBox):
    """The widgets of one panel, redrawn when what it reads changed."""

    def __init__(self, spec: Panel, ctx: Context, *, frame: bool = True):
        super().__init__(layout=W.Layout(**(frame_layout() if frame else {"width": "100%"})))
        self.add_class("nw-panel-" + spec.name.replace(".", "-").replace("_", "-"))
        self.spec, self.ctx = spec, ctx
        self._key: bytes | None = None
        self._shape: list[tuple[bool, str | None]] = []
        self.runs = 0
        """How often the panel's function ran (for tests and benchmarks)."""

    def refresh(self) -> None:
        """Run the panel again if what it reads changed, and show its output."""
        key = self.spec.key(self.ctx)
        if key == self._key:
            return
        self._key = key
        self.runs += 1
        out = self.spec.fn(self.ctx)
        parts: Sequence[Part] = [out] if isinstance(out, (str, Chart, Framed)) else out
        shape = [_shape(p) for p in parts]
        old = self.children
        widgets = list(old) if shape == self._shape else [_slot(p) for p in parts]
        for widget, part in zip(widgets, parts, strict=True):
            inner = part.part if isinstance(part, Framed) else part
            target = widget.children[0] if isinstance(part, Framed) else widget
            if isinstance(inner, Chart):
                target.show(inner.figure, inner.note)
            elif target.value != inner:
                target.value = inner
        if shape != self._shape:
            self._shape = shape
            self.children = widgets
            for child in old:
                close_tree(child)

    def _all(self) -> list[W.Widget]:
        found = []
        for child in self.children:
            found += list(child.children) if isinstance(child, W.Box) else [child]
        return found

    @property
    def text(self) -> str:
        """Every HTML part, joined (for tests and tools)."""
        return "".join(w.value for w in self._all() if isinstance(w, W.HTML))

    @property
    def charts(self) -> list[FigureView]:
        """Its chart areas."""
        return [w for w in self._all() if isinstance(w, FigureView)]

    def chart(self, name: str) -> FigureView:
        """Its chart area named ``name``."""
        return next(w for w in self.charts if f"nw-chart-{name}" in w._dom_classes)


def _shape(part: Part) -> tuple[bool, str | None]:
    inner = part.part if isinstance(part, Framed) else part
    return isinstance(part, Framed), inner.name if isinstance(inner, Chart) else None


def _slot(part: Part) -> W.Widget:
    inner = part.part if isinstance(part, Framed) else part
    widget = _chart_area(inner.name) if isinstance(inner, Chart) else make(W.HTML, value="")
    return (
        W.VBox([widget], layout=W.Layout(**frame_layout())) if isinstance(part, Framed) else widget
    )


def _chart_area(name: str) -> FigureView:
    view = FigureView()
    view.add_class(f"nw-chart-{name}")
    return view
