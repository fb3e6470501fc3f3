"""What the page keeps in the browser: the author's name, and the app's stylesheet.

A small anywidget: it remembers the name typed in the name box in the browser's
``localStorage`` (so that it survives a reload, on this browser only, until a sign-in
supplies the name), and it adds :data:`workbook.ui.style.STYLESHEET` to the page. It runs
in standalone Voilà, shows nothing, and sends the kernel nothing but the remembered name.
"""

from __future__ import annotations

import anywidget
import traitlets

from workbook.ui.style import STYLESHEET

STORAGE_KEY = "negotiation-workbook.author"
"""The ``localStorage`` key of the remembered name."""

MAX_NAME = 80
"""The longest name kept."""

_ESM = """
const KEY = "__KEY__";
function read() {
  try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
}
function write(value) {
  try {
    if (value) { window.localStorage.setItem(KEY, value); }
    else { window.localStorage.removeItem(KEY); }
  } catch (e) { /* storage switched off: the name is simply not remembered */ }
}
function render({ model, el }) {
  el.style.display = "none";
  const saved = read();
  if (saved && !model.get("author")) {
    model.set("remembered", saved.slice(0, __MAX__));
    model.save_changes();
  }
  model.on("change:author", () => write(model.get("author")));
}
export default { render };
""".replace("__KEY__", STORAGE_KEY).replace("__MAX__", str(MAX_NAME))


class BrowserBridge(anywidget.AnyWidget):
    """Remembers ``author`` in the browser; ``remembered`` is what the browser had kept."""

    _esm = _ESM
    _css = STYLESHEET
    author = traitlets.Unicode("").tag(sync=True)
    """The name to remember (set by the app when the name box changes)."""
    remembered = traitlets.Unicode("").tag(sync=True)
    """The name the browser remembered, sent once when the page opens."""
