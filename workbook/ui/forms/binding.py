"""One widget bound to one plan path: the binding, its message line and clash notice."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from workbook.paths import pattern
from workbook.render import escape
from workbook.ui.forms.text import ParseError
from workbook.ui.kit import make, shared_layout, shared_style
from workbook.ui.session import Change, Path, PlanSession, Subscriptions
from workbook.ui.style import COLORS, hint_html

FULL_ROW = "auto / 1 / auto / -1"
"""A grid area spanning every column (Voila's widget manager ignores ``grid_column``)."""


@dataclass
class Codec:
    """How a widget's value becomes the model's, and back."""

    to_widget: Callable[[Any], Any]
    to_model: Callable[[Any], Any]


class Binding:
    """Keeps one widget and one plan path in step, and shows refusals in ``message``."""

    def __init__(
        self,
        session: PlanSession,
        path: Path,
        widget: W.ValueWidget,
        codec: Codec,
        message: MessageLine,
        *,
        keep_blank: bool,
        subs: Subscriptions,
        default: Any = None,
    ):
        self.session, self.path, self.widget = session, tuple(path), widget
        self.default = default  # the value of an entry not in the plan yet (a custom answer)
        self.codec, self.message, self.keep_blank = codec, message, keep_blank
        self._quiet = False
        self.clash = ClashNotice(self)
        widget.observe(self._on_widget, names="value")
        subs.on(self.path, self._on_change)
        subs.on(self.path, lambda _change: self.clash.refresh(), clashes=True)

    def _on_widget(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        try:
            value = self.codec.to_model(change["new"])
        except ParseError as exc:
            self.show(str(exc))
            self.refresh()
            return
        except Exception:  # an unexpected value from the page: refuse it, never fail
            self.show("That value cannot be used here.")
            self.refresh()
            return
        self._quiet = True
        try:
            problem = self.session.set(self.path, value)
        finally:
            self._quiet = False
        if problem is None:
            self.show("")
            return
        if self.keep_blank and value == "":
            self.show(problem + " The last text is kept until you type a new one.")
            return
        self.show(problem + f" Kept {self._describe_current()}.")
        self.refresh()

    def _describe_current(self) -> str:
        shown = self.codec.to_widget(self.current())
        if isinstance(shown, str) and shown:
            return repr(shown if len(shown) < 40 else shown[:37] + "…")
        if isinstance(shown, bool):
            return "the box as it was"
        return "the last good value"

    def current(self) -> Any:
        """The plan's value at the path (the default for an entry not given yet)."""
        try:
            return self.session.get(self.path)
        except KeyError:
            if self.default is None:
                raise
            return self.default

    def _on_change(self, change: Change) -> None:
        if not self._quiet and change.kind != "structure":
            self.refresh()

    def shown(self, value: Any) -> str:
        """A value of the field as the widget shows it, in words (for the clash notice)."""
        try:
            shown = self.codec.to_widget(value)
        except Exception:
            shown = value
        for option in getattr(self.widget, "options", ()) or ():
            if isinstance(option, tuple) and len(option) == 2 and option[1] == shown:
                return str(option[0])
        if isinstance(shown, (list, tuple)):
            shown = "; ".join(str(v) for v in shown)
        return str(shown) if shown not in ("", None) else "(empty)"

    def show(self, text: str) -> None:
        """Show a message under the field, or hide it when ``text`` is empty."""
        self.message.say(text)

    def refresh(self) -> None:
        """Show the plan's current value in the widget."""
        try:
            value = self.codec.to_widget(self.current())
        except (KeyError, IndexError, AttributeError):
            return  # the row is gone; the table rebuilds itself
        self._quiet = True
        try:
            if self.widget.value != value:
                self.widget.value = value
        finally:
            self._quiet = False


class Hideable:
    """A widget hidden until it has something to show, on a Layout shared while hidden.

    Every widget's Layout is a model of its own in the page; most message lines and clash
    notices are never shown, so they share one hidden Layout (:func:`shared_layout`) and
    get their own only when first shown.
    """

    _props: dict[str, str]
    _own: W.Layout | None = None

    def _show(self, shown: bool) -> None:
        if shown:
            if self._own is None:
                self._own = W.Layout(display="", **self._props)
            if self.layout is not self._own:  # type: ignore[attr-defined]
                self.layout = self._own
        else:
            self.layout = shared_layout(display="none", **self._props)


class ClashNotice(Hideable, W.VBox):
    """Shown at a field that someone else changed at the same time as this page.

    It names who set which value and when, says that this page's value is the saved one,
    and offers the other value instead; hidden while there is no clash.
    """

    def __init__(self, binding: Binding):
        self.binding = binding
        self.text: W.HTML | None = None
        self.take: W.Button | None = None
        self.keep: W.Button | None = None
        self._props = {
            "padding": "4px 8px",
            "margin": "2px 0 6px 0",
            "border": f"1px solid {COLORS['warn']}",
            "grid_area": FULL_ROW,
        }
        super().__init__([], layout=shared_layout(display="none", **self._props))
        self.add_class("nw-clash")

    def _build(self) -> tuple[W.HTML, W.Button]:
        """Its text and buttons, made at its first clash: most fields never have one, and a
        page of a few hundred fields would otherwise carry five widgets more for each."""
        if self.text is None or self.take is None:
            self.text = make(W.HTML, value="")
            self.take = make(W.Button, description="Use theirs", layout={"width": "auto"})
            self.keep = make(W.Button, description="Keep mine", layout={"width": "auto"})
            self.take.add_class("nw-clash-take")
            self.keep.add_class("nw-clash-keep")
            self.take.on_click(lambda _b: self._choose(take_theirs=True))
            self.keep.on_click(lambda _b: self._choose(take_theirs=False))
            self.children = [self.text, W.HBox([self.take, self.keep])]
        return self.text, self.take

    def refresh(self) -> None:
        """Show the field's clash, or hide the notice when there is none."""
        binding = self.binding
        try:
            clash = binding.session.clash_at(binding.path)
        except (KeyError, IndexError, AttributeError):
            clash = None
        if clash is None:
            self._show(False)
            return
        text, take = self._build()
        who = clash.author or "Someone"
        text.value = (
            f"<div style='font-size:13px;color:{COLORS['ink']}'>"
            f"<b>{escape(who)}</b> changed this to "
            f"<b>{escape(binding.shown(clash.theirs))}</b> at {_clock_text(clash.saved_at)} "
            f"while you were editing. Yours, <b>{escape(binding.shown(clash.mine))}</b>, "
            "is the one saved; theirs stays in the history.</div>"
        )
        take.description = f"Use {who}'s"[:40]
        self._show(True)

    def _choose(self, *, take_theirs: bool) -> None:
        problem = self.binding.session.resolve_clash(self.binding.path, take_theirs=take_theirs)
        self.refresh()
        if problem:
            self.binding.show(problem)


def _clock_text(iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%H:%M")
    except ValueError:
        return "just now"


class MessageLine(Hideable, W.HTML):
    """An error line under a field, hidden until it has something to say."""

    text = ""
    """The message as plain text."""

    def __init__(self, grid_area: str = ""):
        self._props = {"margin": "0", **({"grid_area": grid_area} if grid_area else {})}
        super().__init__(
            "",
            layout=shared_layout(display="none", **self._props),
            style=shared_style(W.HTML.class_traits()["style"].klass),
        )

    def say(self, text: str, color: str = COLORS["error"]) -> None:
        """Show ``text`` (escaped, in ``color``), or hide the line when it is empty."""
        self.text = text
        self.value = hint_html(text, color) if text else ""
        self._show(bool(text))


def message_widget(grid_area: str = "") -> MessageLine:
    """An error line, hidden until it has something to say (``grid_area``: its place in a
    grid, such as :data:`FULL_ROW`)."""
    return MessageLine(grid_area)


def css_class(path: Path) -> str:
    """The DOM class of widgets bound to a field, e.g. ``nw-field-value-pains-text``."""
    return "nw-field-" + re.sub(r"[^a-z0-9]+", "-", pattern(path).replace("[]", "").lower())


def bindings_under(root: W.Widget) -> list[Binding]:
    """Every binding of the widgets under ``root`` (for tests and tools)."""
    found: list[Binding] = []
    stack = [root]
    while stack:
        widget = stack.pop()
        binding = getattr(widget, "binding", None)
        if isinstance(binding, Binding) and binding not in found:
            found.append(binding)
        stack.extend(getattr(widget, "children", ()) or ())
    return found
