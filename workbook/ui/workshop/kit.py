"""Shared pieces of the workshop's views: colours, small HTML helpers, buttons and hints."""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W

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


INK = "var(--jp-ui-font-color1, #1f2933)"
MUTED = "var(--jp-ui-font-color2, #5f6b7a)"
LINE = "var(--jp-border-color2, #d9dee5)"
ACCENT = "var(--jp-brand-color1, #1f5fa8)"
WARN = "var(--jp-warn-color1, #a15c00)"
ERROR = "var(--jp-error-color1, #b42318)"
OK = "var(--jp-success-color1, #1e7b4d)"

PROJECTOR_CSS = """<style>
.nw-projector { padding: 20px 32px 40px 32px; min-height: 92vh; box-sizing: border-box;
  background: var(--jp-layout-color0, #fff); color: var(--jp-ui-font-color1, #1f2933); }
.nw-projector.nw-projector-dark, body:has(.nw-projector-dark) {
  --jp-layout-color0: #101317; --jp-layout-color1: #181c22; --jp-layout-color2: #262c35;
  --jp-layout-color3: #3a4350; --jp-ui-font-color1: #eef1f5; --jp-ui-font-color2: #b8c2cf;
  --jp-border-color1: #4a5462; --jp-border-color2: #3a4350; --jp-brand-color1: #6ea8ff;
  --jp-warn-color1: #f0a742; --jp-success-color1: #5fc48b; }
body:has(.nw-projector) .jp-MarkdownCell { display: none; }
body:has(.nw-projector-dark) { background: #101317; }
</style>"""
"""The projector's own look: it follows the page's theme, or is dark when asked."""


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


def esc(text: object) -> str:
    """User or content text, escaped for HTML."""
    return html.escape(str(text))


def _note(text: str, color: str = MUTED, size: str = "13px") -> str:
    return f"<div style='color:{color};font-size:{size};line-height:1.4'>{esc(text)}</div>"


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
