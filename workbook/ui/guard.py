"""The page's side of "nothing typed is lost": a small anywidget, shown only when needed.

- When a field loses focus, and when the page is hidden or closed, it asks the kernel to
  save at once (a field that sends its value on blur sends it first).
- Once a second the page asks the server for a small static file (a HEAD request, which
  touches no kernel, so an idle page stays idle for the culler); when the server has not
  answered for a few seconds, the page says so, and from then on keeps what is typed in
  the browser's ``localStorage``, with the plan and the revision the page showed. A beat
  from the kernel counts as an answer too.
- On the next visit to that plan, the kept edits are handed to the kernel, which offers
  them again, merged onto the latest revision by the usual rules.

Fields are found by the DOM class ``nw-at-<path>`` that each bound widget carries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

STORAGE_PREFIX = "negotiation-workbook.unsaved."
"""``localStorage`` key prefix of the edits kept for a plan (the plan id follows)."""

SILENCE_MS = 4000
"""How long without an answer from the server before the page says it has gone."""

MAX_KEPT = 200_000
"""The most characters of kept edits handed back to the kernel."""

_ESM = """
const PREFIX = "__PREFIX__";
const SILENCE = __SILENCE__;
function keyFor(model) { return PREFIX + model.get("plan_id"); }
function pathOf(el) {
  for (let node = el; node && node.classList; node = node.parentElement) {
    for (const name of node.classList) {
      if (name.startsWith("nw-at-")) { return name.slice(6); }
    }
  }
  return null;
}
function render({ model, el }) {
  // The notice is a child of its own: the widget's layout sets the root element's
  // display when it is drawn, which would undo a display set on the root here.
  const notice = document.createElement("div");
  notice.className = "nw-offline";
  notice.style.display = "none";
  notice.textContent = "The server is not answering. What you type now is kept in this " +
    "browser and offered again when you next open this plan.";
  el.appendChild(notice);
  let last = Date.now();
  let gone = false;
  const send = (msg) => { try { model.send(msg); } catch (e) { /* server gone */ } };
  const flush = () => {
    const active = document.activeElement;
    if (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA")) {
      active.blur();  // a field that sends its value on blur sends it now
    }
    send({ kind: "flush" });
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") { flush(); }
  });
  window.addEventListener("pagehide", flush);
  window.addEventListener("beforeunload", flush);
  document.addEventListener("focusout", (event) => {
    if (pathOf(event.target)) { send({ kind: "flush" }); }
  }, true);
  let answers = 0;
  const alive = () => {
    last = Date.now();
    answers += 1;
    notice.dataset.answers = String(answers);
    if (gone) { gone = false; notice.style.display = "none"; }
  };
  model.on("change:beat", alive);
  const script = document.querySelector("script[src]");
  const probeUrl = script ? script.src : null;
  let probing = false;
  const probe = () => {
    if (!probeUrl || probing) { return; }
    probing = true;
    fetch(probeUrl, { method: "HEAD", cache: "no-store", credentials: "same-origin" })
      .then(alive, () => { /* no answer: the silence check below decides */ })
      .finally(() => { probing = false; });
  };
  setInterval(() => {
    probe();
    if (!gone && model.get("plan_id") && Date.now() - last > SILENCE) {
      gone = true;
      notice.style.display = "";
    }
  }, 1000);
  document.addEventListener("input", (event) => {
    if (!gone) { return; }
    const path = pathOf(event.target);
    if (!path || !model.get("plan_id")) { return; }
    let kept = {};
    try { kept = JSON.parse(window.localStorage.getItem(keyFor(model)) || "{}"); }
    catch (e) { kept = {}; }
    if (!kept.edits) {
      kept = { base: model.get("revision"), at: new Date().toISOString(), edits: {} };
    }
    kept.edits[path] = event.target.value;
    try { window.localStorage.setItem(keyFor(model), JSON.stringify(kept)); }
    catch (e) { /* storage full or off */ }
  }, true);
  const offer = () => {
    if (!model.get("plan_id")) { return; }
    const text = window.localStorage.getItem(keyFor(model));
    if (text) { send({ kind: "kept", plan_id: model.get("plan_id"), text: text }); }
  };
  model.on("change:plan_id", offer);
  offer();
  model.on("msg:custom", (msg) => {
    if (msg && msg.kind === "forget" && msg.plan_id) {
      try { window.localStorage.removeItem(PREFIX + msg.plan_id); } catch (e) { /* off */ }
    }
  });
}
export default { render };
""".replace("__PREFIX__", STORAGE_PREFIX).replace("__SILENCE__", str(SILENCE_MS))


class SaveGuard(anywidget.AnyWidget):
    """Saves on blur and on leaving the page, and keeps edits when the server has gone."""

    _esm = _ESM
    plan_id = traitlets.Unicode("").tag(sync=True)
    """The plan open on the page."""
    revision = traitlets.Int(0).tag(sync=True)
    """The revision the page shows (the base of edits kept in the browser)."""
    beat = traitlets.Int(0).tag(sync=True)
    """Grows once a second while the kernel is alive."""

    def __init__(
        self,
        on_flush: Callable[[], None],
        on_kept: Callable[[str, KeptEdits], None],
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self._on_flush, self._on_kept = on_flush, on_kept
        self.on_msg(self._message)

    def _message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("kind") == "flush":
            self._on_flush()
        elif content.get("kind") == "kept":
            plan_id = str(content.get("plan_id", ""))[:100]
            kept = parse_kept(content.get("text"))
            if kept is not None and plan_id:
                self._on_kept(plan_id, kept)

    def forget(self, plan_id: str) -> None:
        """Drop the edits the browser kept for ``plan_id``."""
        self.send({"kind": "forget", "plan_id": plan_id})


class KeptEdits(dict[str, Any]):
    """Edits kept in a browser: ``base`` revision, ``at`` (ISO time), ``edits`` by path."""


def parse_kept(text: Any) -> KeptEdits | None:
    """The kept edits a page sent, checked; None when they are not usable."""
    if not isinstance(text, str) or len(text) > MAX_KEPT:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("edits"), dict):
        return None
    base = data.get("base")
    if not isinstance(base, int) or isinstance(base, bool) or base < 1:
        return None
    edits = {
        str(k)[:300]: v for k, v in data["edits"].items() if isinstance(v, str) and len(v) <= 5000
    }
    if not edits:
        return None
    return KeptEdits(base=base, at=str(data.get("at", ""))[:40], edits=edits)


def path_class(path: tuple[str | int, ...]) -> str:
    """The DOM class that names a field's path, e.g. ``nw-at-team.0.role``."""
    return "nw-at-" + ".".join(str(p) for p in path)


def class_path(text: str) -> tuple[str | int, ...]:
    """The path a ``path_class`` names (without its prefix)."""
    return tuple(int(p) if p.isdigit() else p for p in text.split("."))
