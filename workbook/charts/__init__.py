"""Plotly figure builders: section data in, a figure out. No widgets here.

One module per section; this module holds the look they share. Figures are plotly's JSON
as plain dicts (:mod:`workbook.charts.figure`): plotly's validators stay out of the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbook.charts.figure import Figure, merged, plain
from workbook.render import escape
from workbook.theme import COLORWAY
from workbook.theme import PALETTE as _THEME

PALETTE = {
    "ours": _THEME["accent"],
    "theirs": _THEME["theirs"],
    "neutral": _THEME["neutral"],
    "good": _THEME["ok"],
    "bad": _THEME["error"],
    "warn": _THEME["warn"],
    "grid": _THEME["grid"],
    "ink": _THEME["ink"],
    "panel": _THEME["panel"],
    "page": _THEME["page"],
}
"""The chart colours, by their meaning in a chart (us, them, neutral, good, bad, warning,
grid lines, text, a scale's low end, the background), all taken from :data:`workbook.theme.PALETTE`:
plotly needs concrete colours."""


_AXIS = {
    "showline": True,
    "linecolor": PALETTE["neutral"],
    "ticks": "outside",
    "tickcolor": PALETTE["neutral"],
    "gridcolor": PALETTE["grid"],
    "zeroline": False,
    "automargin": True,
}
TEMPLATE = plain(
    {
        "layout": {
            "paper_bgcolor": _THEME["page"],
            "plot_bgcolor": _THEME["page"],
            "colorway": list(COLORWAY),
            "font": {
                "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
                "size": 12,
                "color": PALETTE["ink"],
            },
            "xaxis": _AXIS,
            "yaxis": _AXIS,
            "hoverlabel": {"font": {"size": 12}},
        }
    }
)
"""A small template of our own: a stock one would add ~9 kB to every figure."""


def styled(figure: Figure, *, title: str, height: int = 320, **layout: Any) -> Figure:
    """Apply the workbook's look: plain background, light grid, compact margins.

    ``layout`` is merged into the figure's layout as ``update_layout`` would.
    """
    look = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "template": TEMPLATE,
        "height": height,
        # room on the right for the last tick label, which is centred on the plot's edge
        "margin": {"l": 10, "r": 32, "t": 48, "b": 36},
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "x": 0,
            "xanchor": "left",
        },
    }
    figure["layout"] = merged(merged(figure.layout, plain(look)), plain(layout))
    return figure


def add_band(
    figure: Figure,
    low: float,
    high: float,
    label: str,
    *,
    axis: str = "x",
    position: str = "top left",
) -> None:
    """Shade the band from ``low`` to ``high`` along ``axis`` ("x" or "y"), labelled."""
    shade = {
        "fillcolor": PALETTE["good"],
        "opacity": 0.13,
        "line_width": 0,
        "annotation_text": label,
        "annotation_position": position,
    }
    if axis == "x":
        figure.add_vrect(x0=low, x1=high, **shade)
    else:
        figure.add_hrect(y0=low, y1=high, **shade)


def safe(text: object) -> str:
    """User text for a chart: plotly reads tags such as <a> in labels, so they are escaped."""
    return escape(" ".join(str(text).split()), quote=False)


def shorten(text: object, limit: int = 38) -> str:
    """A label short enough for an axis, escaped like :func:`safe`."""
    text = " ".join(str(text).split())
    return safe(text if len(text) <= limit else text[: limit - 1] + "…")


def categories(labels: Sequence[str], **axis: Any) -> dict[str, Any]:
    """Axis settings that show ``labels`` as categories, in the order given.

    Plotly guesses an axis type from its values: labels such as "-1.5 %" or "2027" would be
    drawn as numbers or dates, out of order, and a label like "List price (0 %)" could be
    lost. Every chart that shows names of options, moves or objectives uses this.
    """
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": list(labels),
        **axis,
    }
