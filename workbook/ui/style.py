"""Colours, small text helpers shared by the views, and the app's short stylesheet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbook.render import escape, render_macro
from workbook.theme import PALETTE, css_variables, var

COLORS = {name: var(name) for name in PALETTE}
"""The palette (:mod:`workbook.theme`) as CSS variables with fallbacks, for inline styles."""


def app_html(macro: str, /, **values: Any) -> str:
    """The app template's ``macro`` (``templates/app.html.j2``) with ``values``, escaped."""
    return render_macro("app.html.j2", macro, **values)


def hint_html(text: str, color: str = COLORS["muted"], size: str = "12px") -> str:
    """A short escaped text in a compact block (widget HTML has a tall default line)."""
    return app_html("hint", text=text, tone=color, size=size)


def text_html(text: str) -> str:
    """User or content text as safe HTML (escaped; line breaks kept)."""
    return escape(text).replace("\n", "<br>")


def paragraphs_html(text: str) -> str:
    """Content text with blank-line paragraphs and '- ' bullets as safe HTML."""
    blocks: list[tuple[str, str | list[str]]] = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            blocks.append(("ul", [line[2:] for line in lines]))
        else:
            blocks.append(("p", " ".join(lines)))
    return app_html("paragraphs", blocks=blocks) if blocks else ""


def empty_html(text: str) -> str:
    """An empty state: what to enter to see a result, in neutral grey (never a verdict)."""
    return app_html("empty", text=text)


def flags_html(flags: Sequence[Any], empty: str = "") -> str:
    """Flags (severity, subject, detail) as a compact escaped list; ``empty`` when none,
    in neutral grey: nothing raised is not a verdict of its own."""
    if not flags:
        return empty_html(empty) if empty else ""
    return app_html("flags", items=[(f.severity, f.subject, f.detail) for f in flags])


def verdict_html(text: str, good: bool) -> str:
    """A one-line verdict, green when good and red otherwise."""
    return app_html("verdict", text=text, good=good)


def figures_html(pairs: list[tuple[str, str]]) -> str:
    """Key figures as a row of label/value tiles (both escaped)."""
    return app_html("figures", pairs=pairs)


STYLESHEET = (
    ":root { "
    + css_variables()
    + """ }

/* Inputs never spill out of their cell: a full-width input keeps its right border. */
.nw-app .widget-inline-hbox { max-width: calc(100% - 2 * var(--jp-widgets-margin, 2px)); }

/* Inputs, lists and text areas share the page's font; text areas grow with what is typed. */
.nw-app input, .nw-app select, .nw-app textarea {
  font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  font-size: var(--jp-widgets-font-size, 13px);
}
.nw-app textarea {
  line-height: 1.4;
  field-sizing: content;
  min-height: calc(2lh + 8px);
  max-height: 22lh;
}

/* A long text in a narrow input shows in full while it is being edited. */
.nw-app .widget-text input:focus {
  field-sizing: content;
  flex: none;
  width: auto;
  min-width: 100%;
  max-width: min(70vw, 900px);
  position: relative;
  z-index: 20;
  box-shadow: 0 2px 8px color-mix(in srgb, var(--nw-ink) 18%, transparent);
}
.nw-app .widget-text, .nw-app .widget-gridbox { overflow: visible; }

/* A list of choices shows each choice whole, on as many lines as it needs. */
.nw-app select[multiple] { field-sizing: content; max-height: 14lh; overflow-x: hidden; }
.nw-app select[multiple] option { white-space: normal; overflow-wrap: anywhere; }

/* The plan picker is as wide as the plan's name. */
.nw-app .nw-plan-picker { width: auto; max-width: 100%; }
.nw-app .nw-plan-picker select { field-sizing: content; max-width: 100%; }

/* Buttons show their whole label. */
.nw-app .widget-button { text-overflow: clip; }

/* A section's title, the line under it, its headings (templates/app.html.j2). */
.nw-app .nw-title { margin: 4px 0 2px 0; color: var(--nw-ink); }
.nw-app .nw-lead { color: var(--nw-muted); margin-bottom: 6px; }
.nw-app .nw-heading { margin: 18px 0 0 0; color: var(--nw-ink); }

/* Panels' lists and tables (templates/app.html.j2). */
.nw-app .nw-list { font-size: 13px; line-height: 1.4; }
.nw-app .nw-list ul { margin: 2px 0; }
.nw-app .nw-lines { font-size: 13px; line-height: 1.45; }
.nw-app .nw-lines ol, .nw-app .nw-lines ul { margin: 2px 0; }
.nw-app .nw-not-analysed, .nw-app .nw-muted { color: var(--nw-muted); }
.nw-app .nw-warn { color: var(--nw-warn); }
.nw-app .nw-downloads { font-size: 13px; line-height: 1.6; }
.nw-app .nw-downloads > span { white-space: nowrap; margin-right: 18px; display: inline-block; }
.nw-app .nw-downloads a { margin-right: 6px; }
.nw-app .nw-downloads .nw-muted { font-size: 11px; }
.nw-app .nw-payoff { font-size: 12.5px; line-height: 1.4; overflow-x: auto; }
.nw-app .nw-payoff table { border-collapse: collapse; width: 100%; }
.nw-app .nw-payoff th, .nw-app .nw-payoff td { text-align: right; }
.nw-app .nw-payoff .nw-left { text-align: left; }
.nw-app .nw-payoff .nw-muted { margin-top: 4px; }
.nw-app .nw-payoff td, .nw-app .nw-payoff th { padding: 2px 8px 2px 0; vertical-align: top; }

/* On narrower screens the guidance column gives room to the questions. */
@media (max-width: 1400px) {
  .nw-app .nw-body { grid-template-columns: 210px minmax(0, 1fr) 250px !important; }
}
"""
)
"""The app's few page-wide rules, injected by :class:`workbook.ui.browser.BrowserBridge`:
what widget styles cannot say (fonts of text areas, growing with content, focus)."""
