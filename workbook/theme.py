"""The workbook's one palette: every colour the app, the charts, the brief and the workshop use.

Pages take the colours as CSS variables with the light value as fallback (:func:`var`), so
an inline style reads right even before the stylesheet that defines them arrives, and the
projector's dark mode only redefines the variables (:func:`css_variables` with
:data:`DARK`). Plotly figures, the brief's SVG pictures and the xlsx fills need concrete
values: they take them from the same :data:`PALETTE` (:func:`xlsx` for spreadsheet colours).

>>> var("ink")
'var(--nw-ink, #1f2933)'
>>> xlsx("ok")
'1E7B4D'
>>> css_variables({"ink": "#eef1f5"})
'--nw-ink:#eef1f5;'
"""

from __future__ import annotations

from collections.abc import Mapping

PALETTE: dict[str, str] = {
    "ink": "#1f2933",  # text
    "muted": "#5f6b7a",  # secondary text, empty states, units
    "accent": "#1f5fa8",  # our side, progress, primary actions
    "theirs": "#c2571a",  # the other side, in charts
    "neutral": "#8a94a3",  # axes, neutral marks, input borders
    "ok": "#1e7b4d",  # a check passed, a good verdict
    "warn": "#a15c00",  # look again
    "warn_ink": "#8a4d00",  # a warning's label on its pale background
    "warn_bg": "#fff6e5",  # the pale background of a warning box
    "error": "#b42318",  # a problem, a bad verdict, an input refused
    "panel": "#f4f6f9",  # the quiet background of a panel, the low end of a colour scale
    "header": "#e8edf3",  # the fill of a table's header
    "line": "#d9dee5",  # borders and rules
    "grid": "#e6e9ee",  # chart grid lines and table row rules
    "page": "#ffffff",  # the page and the chart background
    "backdrop": "#f7f8fa",  # around a plain page's card
}
"""Name → colour of the light theme, the one the app is published with."""

DARK: dict[str, str] = {
    "ink": "#eef1f5",
    "muted": "#b8c2cf",
    "accent": "#6ea8ff",
    "ok": "#5fc48b",
    "warn": "#f0a742",
    "line": "#3a4350",
    "grid": "#3a4350",
    "neutral": "#9aa5b4",
    "page": "#101317",
    "panel": "#181c22",
    "header": "#262c35",
    "border": "#4a5462",
}
"""The projector's dark theme: the names it changes (and ``border``, its stronger line)."""

COLORWAY: tuple[str, ...] = tuple(
    PALETTE[name] for name in ("accent", "theirs", "ok", "warn", "neutral", "error")
)
"""The order in which charts colour their series."""


def var(name: str) -> str:
    """The colour ``name`` as a CSS variable with the light colour as fallback."""
    return f"var(--nw-{name.replace('_', '-')}, {PALETTE[name]})"


def css_variables(colors: Mapping[str, str] = PALETTE) -> str:
    """Declarations of the CSS variables for ``colors`` (to put inside a rule)."""
    return "".join(f"--nw-{name.replace('_', '-')}:{value};" for name, value in colors.items())


def xlsx(name: str) -> str:
    """The colour ``name`` as a spreadsheet colour (RRGGBB, upper case)."""
    return PALETTE[name].lstrip("#").upper()
