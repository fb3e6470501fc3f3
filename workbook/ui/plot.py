"""Show plotly figures in the app, redrawn in place when they change.

A chart is a :class:`FigureView`: a small anywidget whose state is the figure's JSON. The
page draws it with ``Plotly.react`` on the same element each time, so an edit costs a diff
of the chart, not a new plot (the output-area route rebuilt the whole plot on every
change: about three times as long in the browser).

plotly.js itself is the one JupyterLab's plotly renderer loads (a static asset of the
page, loaded once; it sets ``window.Plotly``): each page root holds a hidden
:class:`PlotlyLoader`, which asks that renderer for plotly.js when the first figure is
shown. Nothing is fetched from another host, and plotly.js is not sent with each widget
(FigureWidget would put the whole library in every chart's state).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import anywidget
import ipywidgets as W
import traitlets

from workbook.ui.style import COLORS

PLOTLY_MIME = "application/vnd.plotly.v1+json"
_NOTHING = object()
"""The key of a chart that was not drawn by ``show_for``."""

CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
"""Plotly config for every chart: no logo, no lasso tools, PNG download at 2×."""

WAIT_MS = 15_000
"""How long a chart waits for plotly.js before it says that it cannot draw."""


def figure_spec(figure: Any) -> dict[str, Any]:
    """What plotly.js draws for a figure: the workbook's (:mod:`workbook.charts.figure`) or
    an analyst's ``go.Figure``, whose ``to_plotly_json`` is plain JSON too (typed arrays)."""
    return {**figure.to_plotly_json(), "config": CONFIG}


_ESM = """
const WAIT_MS = __WAIT__;
function plotly() {
  // plotly.js sets window.Plotly when JupyterLab's plotly renderer loads it (the page's
  // hidden PlotlyLoader asks for it when the first figure is shown).
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const look = () => {
      if (window.Plotly) { resolve(window.Plotly); }
      else if (Date.now() - started > WAIT_MS) { reject(new Error("plotly.js did not load")); }
      else { setTimeout(look, 20); }
    };
    look();
  });
}
function render({ model, el }) {
  const note = document.createElement("div");
  note.className = "nw-figure-note";
  const plot = document.createElement("div");
  plot.className = "nw-figure-plot";
  el.append(note, plot);
  let chain = Promise.resolve();
  let drawn = false;
  let closed = false;
  const visible = () => el.isConnected && el.clientWidth > 0;
  const draw = () => {
    const spec = model.get("spec");
    const text = model.get("note");
    note.textContent = spec ? "" : text;
    note.style.display = spec || !text ? "none" : "";
    if (!spec) {
      plot.style.display = "none";
      if (drawn && window.Plotly) { window.Plotly.purge(plot); drawn = false; }
      return Promise.resolve();
    }
    plot.style.display = "";
    if (!visible()) { return Promise.resolve(); }  // drawn when it gets a size
    return plotly().then((Plotly) => {
      if (closed) { return; }
      drawn = true;
      return Plotly.react(plot, spec.data || [], spec.layout || {}, spec.config || {});
    }, (err) => {
      note.textContent = "This chart cannot be drawn: " + err.message + ".";
      note.style.display = "";
    });
  };
  const queue = () => { chain = chain.then(draw, draw); };
  model.on("change:spec", queue);
  model.on("change:note", queue);
  const sizes = new ResizeObserver(() => {
    if (!visible() || closed) { return; }
    if (!drawn) { queue(); }
    else if (window.Plotly) { window.Plotly.Plots.resize(plot); }
  });
  sizes.observe(el);
  queue();
  return () => {
    closed = true;
    sizes.disconnect();
    if (drawn && window.Plotly) { window.Plotly.purge(plot); }
  };
}
export default { render };
""".replace("__WAIT__", str(WAIT_MS))

_CSS = f"""
.nw-figure-note {{ color: var(--nw-muted, {COLORS["muted"]}); font-size: 13px; padding: 8px 0; }}
"""

_LOADERS: weakref.WeakSet[PlotlyLoader] = weakref.WeakSet()


class PlotlyLoader(W.Output):
    """A hidden area of a page root that has JupyterLab's plotly renderer load plotly.js.

    It shows an empty plotly figure once any chart of the kernel has a figure to draw, so
    a page without charts never loads plotly.js.
    """

    def __init__(self) -> None:
        super().__init__(layout=W.Layout(display="none"))
        self.add_class("nw-plotly-loader")
        _LOADERS.add(self)

    def load(self) -> None:
        """Ask the page for plotly.js (once)."""
        if self.comm is not None and not self.outputs:
            data = {PLOTLY_MIME: {"data": [], "layout": {}}, "text/plain": "<plotly.js>"}
            self.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)


def load_plotly() -> None:
    """Have every page root of this kernel load plotly.js."""
    for loader in list(_LOADERS):
        loader.load()


class FigureView(anywidget.AnyWidget):
    """An area that shows one figure at a time; ``show(None, text)`` shows a note instead."""

    _esm = _ESM
    _css = _CSS
    spec = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    """What plotly.js draws (data, layout, config), or None for the note."""
    note = traitlets.Unicode("").tag(sync=True)
    """The text shown while there is no figure (plain text: the page never reads it as HTML)."""

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
        spec = None if figure is None else figure_spec(figure)
        if spec is not None:
            load_plotly()
        with self.hold_sync():
            self.note = note if figure is None else ""
            self.spec = spec
