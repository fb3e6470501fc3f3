"""Show plotly figures in the app without FigureWidget.

Each chart is an Output widget whose output is the figure's plotly MIME bundle; the
JupyterLab plotly renderer draws it, loading plotly.js once per page as a static asset
(FigureWidget would put the whole library in every widget's state).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from workbook.render import escape
from workbook.ui.style import COLORS

PLOTLY_MIME = "application/vnd.plotly.v1+json"
_NOTHING = object()
"""The key of a chart that was not drawn by ``show_for``."""

CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
"""Plotly config for every chart: no logo, no lasso tools, PNG download at 2×."""


def figure_bundle(figure: Any) -> dict[str, Any]:
    """The MIME bundle for a figure: the workbook's (:mod:`workbook.charts.figure`) or an
    analyst's ``go.Figure``, whose ``to_plotly_json`` is plain JSON too (typed arrays)."""
    spec = {**figure.to_plotly_json(), "config": CONFIG}
    title = figure.layout.title.text or "chart"
    return {PLOTLY_MIME: spec, "text/plain": f"<{title}>"}


class FigureView(W.Output):
    """An area that shows one figure at a time; ``show(None, text)`` shows a note instead."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("layout", W.Layout(width="100%", min_height="40px"))
        super().__init__(**kwargs)
        self.figure: Any = None
        self._key: Any = _NOTHING
        self.draws = 0
        """How often a figure or note was sent to the page (for tests and benchmarks)."""

    def show_for(self, key: Any, build: Callable[[], Any | None], note: str = "") -> None:
        """Show ``build()`` unless the chart already shows the figure for ``key``.

        ``key`` is any value that changes whenever the figure would (for instance the JSON of
        the fields it draws): an edit elsewhere in the section then costs no rebuild and
        sends nothing to the page.
        """
        if key == self._key:
            return
        self.show(build(), note)
        self._key = key

    def show(self, figure: Any | None, note: str = "") -> None:
        """Replace what is shown by ``figure``, or by the plain ``note`` when it is None."""
        self.figure = figure
        self._key = _NOTHING
        self.draws += 1
        if figure is None:
            data = {
                "text/html": (
                    f"<div style='color:{COLORS['muted']};font-size:13px;padding:8px 0'>"
                    f"{escape(note)}</div>"
                ),
                "text/plain": note,
            }
        else:
            data = figure_bundle(figure)
        self.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)
