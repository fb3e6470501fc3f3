"""Shared pieces of the workshop's views: colours, small HTML helpers, buttons and hints."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W

from workbook.render import render_macro
from workbook.theme import DARK, css_variables, var
from workbook.ui.forms import (
    format_number,
    grid_template,
)
from workbook.ui.kit import make
from workbook.ui.plot import FigureView
from workbook.workshop import (
    PrioritiesPrompt,
    Prompt,
    prompt_subject,
)

log = logging.getLogger(__name__)


WORKSHOP = "workshop"
"""The key under which the app shows the facilitator's panel (``?section=workshop``)."""


POLL_SECONDS = 1.0
"""How often an open workshop page looks for new answers and a moving clock."""


INK = var("ink")
MUTED = var("muted")
LINE = var("line")
ACCENT = var("accent")
WARN = var("warn")
ERROR = var("error")
OK = var("ok")
PAGE = var("page")

PROJECTOR_CSS = f"""<style>
.nw-projector {{ padding: 20px 32px 40px 32px; min-height: 92vh; box-sizing: border-box;
  background: {PAGE}; color: {INK}; }}
.nw-projector.nw-projector-dark, body:has(.nw-projector-dark) {{ {css_variables(DARK)}
  --jp-layout-color0: {DARK["page"]}; --jp-layout-color1: {DARK["panel"]};
  --jp-layout-color2: {DARK["header"]}; --jp-layout-color3: {DARK["line"]};
  --jp-ui-font-color1: {DARK["ink"]}; --jp-ui-font-color2: {DARK["muted"]};
  --jp-border-color1: {DARK["border"]}; --jp-border-color2: {DARK["line"]};
  --jp-brand-color1: {DARK["accent"]}; --jp-warn-color1: {DARK["warn"]};
  --jp-success-color1: {DARK["ok"]}; }}
body:has(.nw-projector) .jp-MarkdownCell {{ display: none; }}
body:has(.nw-projector-dark) {{ background: {DARK["page"]}; }}
</style>"""
"""The projector's own look: the workbook's palette, or its dark variant when asked
(the JupyterLab variables are set too, for the widgets inside)."""


PARTICIPANT_CSS = """<style>
body:has(.nw-participant) .jp-MarkdownCell { display: none; }
</style>"""
"""A participant's page shows their workshop alone, not the app's introduction."""


QUANTITY_LABELS = {
    "gain": "our direct gain",
    "cooperation_probability": "chance the customer cooperates",
    "cooperation_value": "value if they cooperate",
    "retaliation_probability": "chance of retaliation",
    "retaliation_damage": "damage if they retaliate",
}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def workshop_html(macro: str, /, **values: Any) -> str:
    """The workshop template's ``macro`` (``templates/workshop.html.j2``) with ``values``,
    every text escaped."""
    return render_macro("workshop.html.j2", macro, **values)


def _note(text: str, color: str = MUTED, size: str = "13px") -> str:
    return workshop_html("note", text=text, tone=color, size=size)


def _html(value: str = "", css: str | None = None) -> W.HTML:
    widget = make(W.HTML, value=value)
    if css:
        widget.add_class(css)
    return widget


def _button(
    label: str,
    action: Callable[[], Any],
    *,
    icon: str = "",
    style: str = "",
    css: str = "",
    tooltip: str = "",
) -> W.Button:
    button = W.Button(
        description=label,
        icon=icon,
        button_style=style,
        tooltip=tooltip,
        layout=W.Layout(width="auto"),
    )
    if css:
        button.add_class(css)
    button.on_click(lambda _b: action())
    return button


def _grid(cells: list[W.Widget], widths: list[str]) -> W.GridBox:
    layout = {
        "grid_template_columns": grid_template(widths),
        "grid_gap": "2px 8px",
        "width": "100%",
        "align_items": "center",
    }
    return make(W.GridBox, children=cells, layout=layout)


def _cell(value: float | None) -> W.Text:
    return make(W.Text, value=format_number(value), layout={"width": "auto", "min_width": "0"})


def _subject(prompt: Prompt) -> str:
    """What a question is about, where its wording does not say it already."""
    return "" if isinstance(prompt, PrioritiesPrompt) else prompt_subject(prompt)


def show_chart(view: FigureView, figure: Any) -> None:
    """Show ``figure``, or take no room when there is none."""
    view.show(figure, "")
    view.layout.display = "none" if figure is None else ""


def _message() -> W.HTML:
    return W.HTML("", layout=W.Layout(display="none"))


def _say(widget: W.HTML, text: str, color: str = ERROR) -> None:
    widget.value = _note(text, color) if text else ""
    widget.layout.display = "" if text else "none"


READ_ONLY_REASON = "The workbook is open read-only: nothing can be changed here."


def _hint(css: str) -> W.HTML:
    hint = _message()
    hint.add_class(css)
    return hint


def _explain(hint: W.HTML | None, buttons: Sequence[tuple[W.Button, str]]) -> None:
    """Disable each button that has a reason, say the reason in its tooltip, and show the
    reasons (each once) in ``hint`` under the buttons; enabled buttons keep their tooltip."""
    reasons: list[str] = []
    for button, reason in buttons:
        if not hasattr(button, "_nw_tooltip"):
            button._nw_tooltip = button.tooltip  # type: ignore[attr-defined]
        button.disabled = bool(reason)
        button.tooltip = reason or button._nw_tooltip  # type: ignore[attr-defined]
        if reason and reason not in reasons:
            reasons.append(reason)
    text = " ".join(reasons)
    value = _note(text) if text else ""
    if hint is None:
        return
    if hint.value != value:
        hint.value = value
    hint.layout.display = "" if text else "none"
