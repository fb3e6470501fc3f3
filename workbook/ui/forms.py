"""Widgets bound to plan fields: one field, or a table of rows.

The widget kind, its limits and its label come from the model and the content files, so a
view only says *which* fields to show. A value typed into a widget goes to
:meth:`PlanSession.set`; when the model refuses it, the message appears under the field
and the widget shows the last good value again (text that was emptied is left as typed,
so that the user can keep typing, while the plan keeps its last good text).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import ipywidgets as W
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from workbook.content import SectionContent
from workbook.model import RANGE_PARTS, Plan, Range
from workbook.ui.guard import path_class
from workbook.ui.kit import make, shared_style
from workbook.ui.session import Change, Path, PlanSession, Subscriptions
from workbook.ui.style import COLORS, hint_html


@dataclass(frozen=True)
class ChoiceList:
    """The options of a dropdown that come from a document, and where they come from.

    Every dropdown whose options are rows of the plan (or of the company's objectives)
    takes one: the widget follows the paths in ``follows`` and redraws its options as soon
    as anything under them changes, keeping its value while it is still offered.
    ``options`` gets the document of ``source`` (a session; the bound plan's when None).
    With ``not_own_row``, a row is never offered its own id (an entry cannot answer itself).

    >>> pains = ChoiceList(lambda plan: [(p.text, p.id) for p in plan.value.pains],
    ...                    follows=(("value", "pains"),))
    """

    options: Callable[[Any], Sequence[tuple[str, Any]]]
    follows: tuple[tuple[str | int, ...], ...]
    source: PlanSession | None = None
    not_own_row: bool = False
    for_row: Callable[[Any, Any], Sequence[tuple[str, Any]]] | None = None
    """Options that depend on the row (document, own id; None in an add form), used
    instead of ``options`` when given."""

    def compute(self, session: PlanSession, own_id: Any = None) -> list[tuple[str, Any]]:
        """The options now, for the row whose id is ``own_id`` (None: an add form)."""
        document = (self.source or session).plan
        if self.for_row is not None:
            options = list(self.for_row(document, own_id))
        else:
            options = list(self.options(document))
        if self.not_own_row and own_id is not None:
            options = [(label, value) for label, value in options if value != own_id]
        return options


Choices = Sequence[tuple[str, Any]] | ChoiceList
Kind = Literal[
    "text", "textarea", "number", "digits", "choice", "bool", "date", "datetime", "tags", "multi"
]
"""Widget kinds; ``digits`` is a whole number shown without separators (a seed, a code)."""


FULL = {"width": "100%"}
"""Layout properties of a widget that fills its cell."""

FULL_ROW = "auto / 1 / auto / -1"
"""A grid area spanning every column (Voilà's widget manager ignores ``grid_column``)."""


ACTIONS_WIDTH = "96px"
"""Width of the last table column: three row buttons (wider for a long add button)."""


class ParseError(ValueError):
    """Typed text that is not a value of the field's kind."""


# --- reading the model -------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """What the model says about one field: its type, limits and description."""

    annotation: Any
    info: FieldInfo

    @property
    def base(self) -> Any:
        """The annotation without ``| None`` and without ``Annotated`` metadata."""
        annotation = self.annotation
        if _is_union(annotation):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = rest[0] if len(rest) == 1 else annotation
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        return annotation

    def _metadata(self) -> list[Any]:
        found = list(self.info.metadata)
        annotation = self.annotation
        if _is_union(annotation):
            for arg in typing.get_args(annotation):
                if typing.get_origin(arg) is typing.Annotated:
                    for meta in typing.get_args(arg)[1:]:
                        found += getattr(meta, "metadata", [meta])
        return found

    @property
    def optional(self) -> bool:
        """Whether None is allowed."""
        return _is_union(self.annotation) and type(None) in typing.get_args(self.annotation)

    def _meta(self, attr: str) -> Any:
        for meta in self._metadata():
            found = getattr(meta, attr, None)
            if found is not None:
                return found
        return None

    @property
    def max_length(self) -> int | None:
        """The longest text allowed, if limited."""
        return self._meta("max_length")

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """Lowest and highest number allowed."""
        return self._meta("ge"), self._meta("le")

    @property
    def required_text(self) -> bool:
        """Whether the field is text that may not be empty."""
        return bool(self._meta("min_length"))

    def kind(self) -> Kind:
        """The widget kind that fits the field."""
        base = self.base
        origin = typing.get_origin(base)
        if origin is Literal:
            return "choice"
        if base is bool:
            return "bool"
        if base in (int, float):
            return "number"
        if base is dt.date:
            return "date"
        if base is dt.datetime:
            return "datetime"
        if origin is list:
            return "tags"
        if base is str:
            limit = self.max_length
            return "textarea" if limit is not None and limit > 300 else "text"
        raise TypeError(f"no widget for fields of type {base!r}")


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _unwrap(annotation: Any) -> Any:
    """The model or item type inside ``list[...]``, ``X | None`` and ``Annotated``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        elif _is_union(annotation):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = rest[0]
        else:
            return annotation


def field_spec(path: Path, root: type[BaseModel] | BaseModel = Plan) -> FieldSpec:
    """The model's description of the field at ``path`` (list indexes are skipped)."""
    model: Any = root if isinstance(root, type) else type(root)
    spec: FieldSpec | None = None
    for part in path:
        if isinstance(part, int):
            continue
        info = model.model_fields[part]
        spec = FieldSpec(info.annotation, info)
        model = _unwrap(info.annotation)
    if spec is None:
        raise KeyError("an empty path names no field")
    return spec


def pattern(path: Path) -> str:
    """The content key of a path: list indexes become ``[]``, e.g. ``value.pains[].text``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += "[]"
        else:
            out += f".{part}" if out else part
    return out


# --- text <-> value ----------------------------------------------------------------------

_SUFFIX = {"k": 1e3, "m": 1e6, "bn": 1e9, "b": 1e9}


def format_number(value: float | int | None) -> str:
    """A number as typed by a person: thousands separated, no trailing zeros."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _format_digits(value: float | int | None) -> str:
    """A whole number as plain digits, without thousands separators."""
    return "" if value is None else str(int(value))


def parse_number(text: str, *, integer: bool = False, optional: bool = False) -> float | int | None:
    """Read a number typed as ``4,200,000``, ``4.2m``, ``-3 000`` or ``0.35``."""
    raw = str(text).strip().replace(",", "").replace("_", "").replace(" ", "")
    raw = raw.replace("\u202f", "").replace("\u00a0", "")
    if not raw:
        if optional:
            return None
        raise ParseError("Enter a number.")
    match = re.fullmatch(r"([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(k|m|bn|b)?", raw.lower())
    if not match:
        raise ParseError(f"{str(text).strip()[:40]!r} is not a number.")
    number = float(match.group(1)) * _SUFFIX.get(match.group(2) or "", 1)
    if integer:
        if not number.is_integer():
            raise ParseError("Enter a whole number.")
        return int(number)
    return number


_CLOCK = re.compile(r"(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*h?")


def parse_datetime(text: str, *, today: dt.date | None = None) -> dt.datetime:
    """Read a moment as people type it: ``10:05``, ``10.05``, ``14h``, ``14h30`` (today),
    ``2026-12-08 10:05``, ``8.12.2026 10:05``, ``8 Dec 14:30`` or a date alone.

    A time without a zone is this machine's local time.

    >>> parse_datetime("14h", today=dt.date(2026, 12, 8)).strftime("%Y-%m-%d %H:%M")
    '2026-12-08 14:00'
    """
    raw = " ".join(str(text).split())
    if not raw:
        raise ParseError("Enter a time, such as 10:05.")
    day = today or dt.date.today()
    stamp: dt.datetime | None = None
    clock = _CLOCK.fullmatch(raw.lower())
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        if hour > 23 or minute > 59:
            raise ParseError(f"{raw[:20]!r} is not a time of day.")
        stamp = dt.datetime.combine(day, dt.time(hour, minute))
    else:
        try:
            stamp = dt.datetime.fromisoformat(raw)
        except ValueError:
            from dateutil import parser

            try:
                stamp = parser.parse(
                    raw, default=dt.datetime.combine(day, dt.time()), dayfirst=True
                )
            except (ValueError, OverflowError):
                raise ParseError(
                    f"{raw[:30]!r} is not a time. Type 10:05, 10.05 or 14h for today, "
                    "or a date and time such as 2026-12-08 10:05."
                ) from None
    return stamp if stamp.tzinfo else stamp.astimezone()


def format_datetime(value: dt.datetime | None) -> str:
    """A timestamp as ``2026-12-08 10:05``, in this machine's local time."""
    return "" if value is None else value.astimezone().strftime("%Y-%m-%d %H:%M")


def now_text() -> str:
    """The current time, as the "When" of a new entry shows it."""
    return format_datetime(dt.datetime.now().astimezone())


# --- binding one widget to one path ---------------------------------------------------


@dataclass
class _Codec:
    to_widget: Callable[[Any], Any]
    to_model: Callable[[Any], Any]


class Binding:
    """Keeps one widget and one plan path in step, and shows refusals in ``message``."""

    def __init__(
        self,
        session: PlanSession,
        path: Path,
        widget: W.ValueWidget,
        codec: _Codec,
        message: MessageLine,
        *,
        keep_blank: bool,
        subs: Subscriptions,
    ):
        self.session, self.path, self.widget = session, tuple(path), widget
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
        shown = self.codec.to_widget(self.session.get(self.path))
        if isinstance(shown, str) and shown:
            return repr(shown if len(shown) < 40 else shown[:37] + "…")
        if isinstance(shown, bool):
            return "the box as it was"
        return "the last good value"

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
            value = self.codec.to_widget(self.session.get(self.path))
        except (KeyError, IndexError, AttributeError):
            return  # the row is gone; the table rebuilds itself
        self._quiet = True
        try:
            if self.widget.value != value:
                self.widget.value = value
        finally:
            self._quiet = False


class ClashNotice(W.VBox):
    """Shown at a field that someone else changed at the same time as this page.

    It names who set which value and when, says that this page's value is the saved one,
    and offers the other value instead; hidden while there is no clash.
    """

    def __init__(self, binding: Binding):
        self.binding = binding
        self.text = make(W.HTML, value="")
        self.take = make(W.Button, description="Use theirs", layout={"width": "auto"})
        self.keep = make(W.Button, description="Keep mine", layout={"width": "auto"})
        self.take.add_class("nw-clash-take")
        self.keep.add_class("nw-clash-keep")
        self.take.on_click(lambda _b: self._choose(take_theirs=True))
        self.keep.on_click(lambda _b: self._choose(take_theirs=False))
        super().__init__(
            [self.text, W.HBox([self.take, self.keep])],
            layout=W.Layout(
                display="none",
                padding="4px 8px",
                margin="2px 0 6px 0",
                border=f"1px solid {COLORS['warn']}",
                grid_area=FULL_ROW,
            ),
        )
        self.add_class("nw-clash")

    def refresh(self) -> None:
        """Show the field's clash, or hide the notice when there is none."""
        binding = self.binding
        try:
            clash = binding.session.clash_at(binding.path)
        except (KeyError, IndexError, AttributeError):
            clash = None
        if clash is None:
            self.layout.display = "none"
            return
        who = clash.author or "Someone"
        self.text.value = (
            f"<div style='font-size:13px;color:{COLORS['ink']}'>"
            f"<b>{html.escape(who)}</b> changed this to "
            f"<b>{html.escape(binding.shown(clash.theirs))}</b> at {_clock_text(clash.saved_at)} "
            f"while you were editing. Yours, <b>{html.escape(binding.shown(clash.mine))}</b>, "
            "is the one saved; theirs stays in the history.</div>"
        )
        self.take.description = f"Use {who}'s"[:40]
        self.layout.display = ""

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


class MessageLine(W.HTML):
    """An error line under a field, hidden until it has something to say."""

    text = ""
    """The message as plain text."""

    def say(self, text: str, color: str = COLORS["error"]) -> None:
        """Show ``text`` (escaped, in ``color``), or hide the line when it is empty."""
        self.text = text
        self.value = hint_html(text, color) if text else ""
        self.layout.display = "" if text else "none"


def message_widget() -> MessageLine:
    """An error line, hidden until it has something to say."""
    return MessageLine(
        "",
        layout=W.Layout(display="none", margin="0"),
        style=shared_style(W.HTML.class_traits()["style"].klass),
    )


def _own_row_id(session: PlanSession, path: Path) -> Any:
    """The id of the row that holds the field at ``path`` (None outside a row)."""
    for end in range(len(path) - 1, 0, -1):
        if isinstance(path[end], int):
            try:
                return getattr(session.get(path[: end + 1]), "id", None)
            except (KeyError, IndexError, AttributeError):
                return None
    return None


def _check_choices(choices: Any) -> None:
    if callable(choices) and not isinstance(choices, ChoiceList):
        raise TypeError(
            "options computed from a document go in a ChoiceList, which names the paths they follow"
        )


def _choice_options(
    spec: FieldSpec,
    path: Path,
    content: SectionContent | None,
    choices: Choices | None,
    session: PlanSession,
    *,
    own_id: Any = None,
    blank: bool = True,
) -> list[tuple[str, Any]]:
    if isinstance(choices, ChoiceList):
        options = choices.compute(session, own_id)
    elif choices is not None:
        options = list(choices)
    else:
        labels = content.choice_labels(pattern(path)) if content else {}
        base = spec.base
        if typing.get_origin(base) is Literal:
            values = list(typing.get_args(base))
        else:
            lo, hi = spec.bounds
            values = list(range(int(lo or 0), int(hi or 0) + 1))
        options = [(labels.get(str(v), str(v).replace("_", " ").capitalize()), v) for v in values]
    if blank and spec.optional and all(v is not None for _, v in options):
        options = [("—", None), *options]
    return options


def follow_choices(
    widget: W.Widget,
    choices: Choices | None,
    session: PlanSession,
    subs: Subscriptions,
    options: Callable[[], list[tuple[str, Any]]],
    value: Callable[[list[Any]], Any],
    quiet: Callable[[Callable[[], None]], None] = lambda fn: fn(),
) -> None:
    """Keep a choice widget's options in step with their source (see :class:`ChoiceList`).

    ``options()`` computes them, ``value(offered)`` gives the value to show among the
    offered values, and ``quiet`` runs the update without it counting as an edit.
    """
    if not isinstance(choices, ChoiceList):
        return

    def redraw(_change: Change) -> None:
        try:
            fresh = options()
        except (KeyError, IndexError, AttributeError):
            return  # the row is gone; its table rebuilds itself
        if [tuple(o) for o in widget.options] == [tuple(o) for o in fresh]:
            return

        def update() -> None:
            widget.options = fresh
            widget.value = value([v for _, v in fresh])

        quiet(update)

    for prefix in choices.follows:
        subs.on(prefix, redraw, session=choices.source)


def make_widget(
    session: PlanSession,
    path: Path,
    *,
    content: SectionContent | None = None,
    kind: Kind | None = None,
    choices: Choices | None = None,
    placeholder: str = "",
    width: str = "100%",
    subs: Subscriptions,
    message: MessageLine | None = None,
) -> tuple[W.Widget, Binding]:
    """A widget for the field at ``path``, bound to the session."""
    _check_choices(choices)
    spec = field_spec(path, session.plan)
    kind = kind or ("choice" if choices is not None else spec.kind())
    if kind == "number" and content and content.choice_labels(pattern(path)):
        kind = "choice"
    box = {"width": width}
    value = session.get(path)
    disabled = session.read_only
    identity = _Codec(lambda v: v, lambda v: v)
    codec = identity
    widget: W.ValueWidget
    if kind == "text":
        widget = make(
            W.Text,
            value=value or "",
            placeholder=placeholder,
            continuous_update=True,
            layout=box,
            disabled=disabled,
        )
        codec = _Codec(lambda v: v or "", lambda v: str(v))
    elif kind == "textarea":
        widget = make(
            W.Textarea,
            value=value or "",
            placeholder=placeholder,
            continuous_update=True,
            rows=2,
            layout=box,
            disabled=disabled,
        )
        codec = _Codec(lambda v: v or "", lambda v: str(v))
    elif kind in ("number", "digits"):
        integer = spec.base is int or kind == "digits"
        optional = spec.optional
        shown = format_number if kind == "number" else _format_digits
        widget = make(
            W.Text,
            value=shown(value),
            placeholder=placeholder,
            continuous_update=False,
            layout=box,
            disabled=disabled,
        )
        codec = _Codec(shown, lambda v: parse_number(v, integer=integer, optional=optional))
    elif kind == "choice":
        options = _choice_options(
            spec, path, content, choices, session, own_id=_own_row_id(session, path)
        )
        widget = make(
            W.Dropdown,
            options=options,
            value=value if value in [v for _, v in options] else None,
            layout=box,
            disabled=disabled,
        )
    elif kind == "bool":
        widget = make(W.Checkbox, value=bool(value), indent=False, layout=box, disabled=disabled)
    elif kind == "date":
        widget = make(W.DatePicker, value=value, layout=box, disabled=disabled)
    elif kind == "datetime":
        widget = make(
            W.Text,
            value=format_datetime(value),
            continuous_update=False,
            placeholder="2026-12-08 10:05",
            layout=box,
            disabled=disabled,
        )
        codec = _Codec(format_datetime, parse_datetime)
    elif kind == "tags" and disabled:  # TagsInput cannot be disabled: show the list as text
        widget = make(W.Text, value="; ".join(value), layout=box, disabled=True)
        codec = _Codec(lambda v: "; ".join(v), lambda v: [t.strip() for t in str(v).split(";")])
    elif kind == "tags":
        widget = make(W.TagsInput, value=list(value), allow_duplicates=False, layout=box)
        codec = _Codec(list, lambda v: [str(t).strip() for t in v if str(t).strip()])
    elif kind == "multi":
        options = _choice_options(spec, path, content, choices, session, blank=False)
        known = {v for _, v in options}
        widget = make(
            W.SelectMultiple,
            options=options,
            value=tuple(v for v in value if v in known),
            rows=min(4, max(2, len(options))),
            layout=box,
            disabled=disabled,
        )
        codec = _Codec(lambda v: tuple(v), list)
    else:
        raise ValueError(f"unknown widget kind {kind!r}")
    message = message or message_widget()
    binding = Binding(
        session,
        path,
        widget,
        codec,
        message,
        keep_blank=kind in ("text", "textarea") and spec.required_text,
        subs=subs,
    )
    if kind in ("choice", "multi"):
        _follow_bound(widget, binding, spec, content, choices, subs, multi=kind == "multi")
    widget.add_class(css_class(path))
    if all(re.fullmatch(r"[A-Za-z0-9_]+", str(p)) for p in path):
        widget.add_class(path_class(path))  # found by the page when it keeps unsaved edits
    widget.binding = binding  # type: ignore[attr-defined]  # found again by bindings_under
    return widget, binding


def _follow_bound(
    widget: W.Widget,
    binding: Binding,
    spec: FieldSpec,
    content: SectionContent | None,
    choices: Choices | None,
    subs: Subscriptions,
    *,
    multi: bool,
) -> None:
    session, path = binding.session, binding.path

    def options() -> list[tuple[str, Any]]:
        own = _own_row_id(session, path)
        return _choice_options(spec, path, content, choices, session, own_id=own, blank=not multi)

    def value(offered: list[Any]) -> Any:
        current = session.get(path)
        if multi:
            return tuple(v for v in current if v in offered)
        return current if current in offered else None

    def quiet(update: Callable[[], None]) -> None:
        binding._quiet = True
        try:
            update()
        finally:
            binding._quiet = False

    follow_choices(widget, choices, session, subs, options, value, quiet)


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


def question_header(content: SectionContent | None, path: Path, fallback: str) -> list[W.Widget]:
    """The question's prompt and hint, as widgets (nothing for a missing hint)."""
    question = content.question(pattern(path)) if content else None
    prompt = question.prompt if question else fallback
    parts: list[W.Widget] = [
        make(
            W.HTML,
            value=f"<div style='line-height:1.35;font-weight:600'>{html.escape(prompt)}</div>",
            layout={"margin": "12px 0 0 0"},
        )
    ]
    if question and question.help:
        parts.append(make(W.HTML, value=hint_html(question.help)))
    return parts


def field(
    session: PlanSession,
    path: Path,
    subs: Subscriptions,
    *,
    content: SectionContent | None = None,
    label: str | None = None,
    kind: Kind | None = None,
    choices: Choices | None = None,
    width: str = "100%",
) -> W.VBox:
    """A labelled field: question, hint, the widget and its message line."""
    spec = field_spec(path, session.plan)
    question = content.question(pattern(path)) if content else None
    widget, binding = make_widget(
        session,
        path,
        content=content,
        kind=kind,
        choices=choices,
        width=width,
        subs=subs,
        placeholder=question.placeholder if question else "",
    )
    fallback = label or (spec.info.description or str(path[-1])).rstrip(".")
    box = W.VBox(
        [*question_header(content, path, fallback), widget, binding.message, binding.clash]
    )
    box.binding = binding  # type: ignore[attr-defined]  # for tests and callers
    return box


# --- tables of rows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a row table: a field of the row (dotted for nested fields)."""

    field: str
    label: str | None = None
    width: str = "1fr"
    kind: Kind | None = None
    choices: Choices | None = None
    may_be_empty: bool = False
    """In the add form, a number that starts empty and is passed on as None when left so
    (the row model fills it in, e.g. a quantity from its working)."""
    start_blank: bool = False
    """In an add form the box starts empty, never at the field's default: a figure that
    must be typed (an empty box is refused on add, not taken as zero)."""

    def __post_init__(self) -> None:
        _check_choices(self.choices)


def grid_template(widths: Iterable[str]) -> str:
    """CSS grid columns where fractions may shrink below their content (long options)."""
    return " ".join(f"minmax(0, {w})" if w.endswith("fr") else w for w in widths)


def close_tree(widget: W.Widget) -> None:
    """Close a widget and everything inside it, freeing their comms."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


class RowTable(W.VBox):
    """An editable table of the rows in the list at ``path``.

    Each row's fields are bound to the plan; rows can be moved and removed; a form at the
    bottom adds a row once it validates. ``detail(index, subs)`` builds widgets under a row,
    binding them with ``subs`` so that they are dropped with the row (for
    nested tables).
    """

    def __init__(
        self,
        session: PlanSession,
        path: Path,
        row_model: type[BaseModel],
        columns: Sequence[Column],
        *,
        content: SectionContent | None = None,
        add_label: str = "Add",
        empty_text: str = "Nothing here yet.",
        new_row: Callable[[], dict[str, Any]] | None = None,
        prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        detail: Callable[[int, Subscriptions], W.Widget] | None = None,
        reorder: bool = True,
        form: Sequence[Column] | None = None,
    ):
        super().__init__(layout=W.Layout(width="100%"))
        self.form = list(form) if form is not None else None
        self.session, self.path, self.row_model = session, tuple(path), row_model
        self.columns, self.content, self.add_label = list(columns), content, add_label
        self.empty_text, self.new_row, self.detail, self.reorder = (
            empty_text,
            new_row,
            detail,
            reorder,
        )
        self.prepare = prepare
        self._subs = session.subscriptions()
        self._row_subs = session.subscriptions()
        self._subs.on(self.path, self._on_change)
        self._grid: W.Widget | None = None
        self.undo_bar = W.HBox(layout=W.Layout(display="none", align_items="center"))
        self.undo_bar.add_class("nw-undo")
        self._removed: tuple[int, dict[str, Any]] | None = None
        self.add_form = self._build_add_form() if not session.read_only else None
        self._render()

    # -- layout
    def _actions_width(self) -> str:
        """The last column: three row buttons, and the add button's whole label."""
        if self.form is not None:
            return ACTIONS_WIDTH
        return f"{max(int(ACTIONS_WIDTH[:-2]), len(self.add_label) * 8 + 44)}px"

    def _template(self) -> str:
        actions = f" {self._actions_width()}" if not self.session.read_only else ""
        return grid_template(c.width for c in self.columns) + actions

    def _label(self, column: Column) -> str:
        key = pattern((*self.path, 0, *column.field.split(".")))
        if column.label:
            return column.label
        if self.content and key in self.content.labels:
            return self.content.labels[key]
        spec = field_spec((*self.path, 0, *column.field.split(".")), self.session.plan)
        return (spec.info.description or column.field).rstrip(".")

    def _header(self) -> list[W.Widget]:
        cells: list[W.Widget] = [
            make(
                W.HTML,
                value=f"<div style='line-height:1.3;font-size:12px;font-weight:600;"
                f"color:{COLORS['muted']};padding-top:4px'>{html.escape(self._label(c))}</div>",
            )
            for c in self.columns
        ]
        if not self.session.read_only:
            cells.append(make(W.HTML, value=""))
        return cells

    def _render(self) -> None:
        self._row_subs.close()
        old = self._grid
        rows = self.session.get(self.path)
        template = self._template()
        cells: list[W.Widget] = []
        if rows:
            cells += self._header()
        for index in range(len(rows)):
            cells += self._row_cells(index, len(rows))
        if not rows:
            grid: W.Widget = make(W.HTML, value=hint_html(self.empty_text, size="13px"))
        else:
            grid = make(
                W.GridBox,
                children=cells,
                layout={
                    "grid_template_columns": template,
                    "grid_gap": "2px 6px",
                    "width": "100%",
                    "align_items": "flex-start",
                },
            )
        self._grid = grid
        form = [self.add_form] if self.add_form is not None else []
        rows_part = [grid, self.undo_bar]
        self.children = [*form, *rows_part] if self.form is not None else [*rows_part, *form]
        if old is not None:
            close_tree(old)

    def _row_cells(self, index: int, count: int) -> list[W.Widget]:
        message = message_widget()
        message.layout.grid_area = FULL_ROW
        cells: list[W.Widget] = []
        notices: list[W.Widget] = []
        for column in self.columns:
            path = (*self.path, index, *column.field.split("."))
            widget, binding = make_widget(
                self.session,
                path,
                content=self.content,
                kind=column.kind,
                choices=column.choices,
                subs=self._row_subs,
                message=message,
            )
            cells.append(widget)
            notices.append(binding.clash)
        if not self.session.read_only:
            cells.append(self._actions(index, count, message))
        cells.append(message)
        cells += notices
        if self.detail is not None:
            extra = self.detail(index, self._row_subs)
            extra.layout.grid_area = FULL_ROW
            cells.append(extra)
        return cells

    def _actions(self, index: int, count: int, message: MessageLine) -> W.Widget:
        def button(
            icon: str, tip: str, enabled: bool, action: Callable[[], str | None]
        ) -> W.Button:
            b = make(
                W.Button,
                icon=icon,
                tooltip=tip,
                disabled=not enabled,
                layout={"width": "28px", "padding": "0"},
            )

            b.add_class(f"nw-row-{icon}")
            if icon == "trash":
                b.add_class("nw-remove-row")

            def clicked(_: W.Button) -> None:
                problem = action()
                if problem:
                    message.say(problem)

            b.on_click(clicked)
            return b

        parts = []
        if self.reorder:
            parts += [
                button(
                    "arrow-up",
                    "Move up",
                    index > 0,
                    lambda: self.session.move(self.path, index, -1),
                ),
                button(
                    "arrow-down",
                    "Move down",
                    index < count - 1,
                    lambda: self.session.move(self.path, index, 1),
                ),
            ]
        parts.append(button("trash", "Remove this row", True, lambda: self.remove(index)))
        return make(W.HBox, children=parts, layout={"justify_content": "flex-end"})

    # -- removing rows, with a short undo
    def remove(self, index: int) -> str | None:
        """Remove a row and offer to bring it back; returns the refusal, if any."""
        rows = self.session.get(self.path)
        row = rows[index].model_dump() if index < len(rows) else None
        problem = self.session.remove(self.path, index)
        if problem or row is None:
            return problem
        self._removed = (index, row)
        first = self.columns[0].field.split(".")[0] if self.columns else ""
        name = str(row.get(first) or "").strip()
        what = f"Removed “{name[:60]}”." if name and isinstance(row.get(first), str) else "Removed."
        undo = make(W.Button, description="Undo", icon="undo", layout={"width": "auto"})
        undo.add_class("nw-undo-button")
        undo.on_click(lambda _b: self.undo())
        self._show_undo([make(W.HTML, value=hint_html(what, size="13px")), undo])
        return None

    def undo(self) -> str | None:
        """Put the last removed row back where it was; returns the refusal, if any."""
        if self._removed is None:
            return None
        index, row = self._removed
        rows = [r.model_dump() for r in self.session.get(self.path)]
        rows.insert(min(index, len(rows)), row)
        problem = self.session.set_structure(self.path, rows)
        if problem:
            self._show_undo([make(W.HTML, value=hint_html(problem, COLORS["error"], "13px"))])
            return problem
        self._removed = None
        self._show_undo([])
        return None

    def _show_undo(self, children: list[W.Widget]) -> None:
        for child in self.undo_bar.children:
            close_tree(child)
        self.undo_bar.children = children
        self.undo_bar.layout.display = "" if children else "none"

    def _on_change(self, change: Change) -> None:
        if (change.kind == "structure" and change.path == self.path) or (
            change.kind != "value" and len(change.path) < len(self.path)
        ):
            self._render()

    # -- adding rows
    def _build_add_form(self) -> W.Widget:
        self._new_widgets: dict[str, W.ValueWidget] = {}
        self._new_codecs: dict[str, Callable[[Any], Any]] = {}
        self._new_blanks: dict[str, Callable[[], Any]] = {}
        self._new_messages: dict[str, Any] = {}
        cells: list[W.Widget] = []
        for column in self.form or self.columns:
            spec = field_spec((*self.path, 0, *column.field.split(".")), self.session.plan)
            kind = column.kind or ("choice" if column.choices is not None else spec.kind())
            key = pattern((*self.path, 0, *column.field.split(".")))
            if kind == "number" and self.content and self.content.choice_labels(key):
                kind = "choice"
            widget, to_model = self._blank_widget(spec, kind, column)
            first = widget.value
            self._new_blanks[column.field] = now_text if kind == "datetime" else lambda v=first: v
            widget.tooltip = self._label(column)
            widget.add_class(css_class(key.split(".")).replace("nw-field-", "nw-add-"))
            self._new_widgets[column.field] = widget
            self._new_codecs[column.field] = to_model
            cells.append(widget)
        add = make(W.Button, description=self.add_label, icon="plus", layout={"width": "auto"})
        add.on_click(lambda _: self.add())
        add.add_class(css_class(self.path).replace("nw-field-", "nw-add-button-"))
        self.add_message = message_widget()
        if self.form is not None:
            return self._labelled_form(cells, add)
        cells.append(add)
        self.add_message.layout.grid_area = FULL_ROW
        cells.append(self.add_message)
        template = grid_template(c.width for c in self.columns) + f" {self._actions_width()}"
        return make(
            W.GridBox,
            children=cells,
            layout={
                "grid_template_columns": template,
                "grid_gap": "2px 6px",
                "width": "100%",
                "margin": "4px 0 0 0",
                "align_items": "flex-start",
            },
        )

    def _labelled_form(self, widgets: list[W.Widget], add: W.Button) -> W.Widget:
        """The add form as a short grid of labelled fields that flows onto a second line
        when narrow (a column of 1.5fr or more takes two cells)."""
        assert self.form is not None
        cells = []
        for column, widget in zip(self.form, widgets, strict=True):
            wide = column.width.endswith("fr") and float(column.width[:-2]) >= 1.5
            label = make(W.HTML, value=hint_html(self._label(column)))
            message = self._new_messages[column.field] = message_widget()
            cell = W.VBox([label, widget, message], layout=W.Layout(min_width="0"))
            if wide:
                cell.layout.grid_area = "auto / auto / auto / span 2"
            cells.append(cell)
        button = W.VBox([add], layout=W.Layout(align_self="flex-end"))
        button.layout.grid_area = "auto / auto / auto / span 2"  # room for the whole label
        cells.append(button)
        grid = W.GridBox(
            cells,
            layout=W.Layout(
                grid_template_columns="repeat(auto-fill, minmax(145px, 1fr))",
                grid_gap="2px 8px",
                width="100%",
            ),
        )
        box = W.VBox([grid, self.add_message], layout=W.Layout(width="100%", margin="2px 0 8px 0"))
        box.add_class("nw-add-form")
        return box

    def _blank_widget(
        self, spec: FieldSpec, kind: Kind, column: Column
    ) -> tuple[W.ValueWidget, Callable[[Any], Any]]:
        default = spec.info.get_default(call_default_factory=True)
        if kind in ("text", "textarea"):
            w: W.ValueWidget = make(W.Text, placeholder=self._label(column), layout=FULL)
            return w, str
        if kind == "number":
            integer = spec.base is int
            empty = column.may_be_empty or column.start_blank or default is None
            first = "" if empty else format_number(default)
            w = make(W.Text, value=first, placeholder=self._label(column), layout=FULL)
            optional = (spec.optional or column.may_be_empty) and not column.start_blank
            return w, lambda v: parse_number(v, integer=integer, optional=optional)
        if kind in ("choice", "multi"):
            path = (*self.path, 0, *column.field.split("."))

            def options() -> list[tuple[str, Any]]:
                return _choice_options(
                    spec, path, self.content, column.choices, self.session, blank=kind == "choice"
                )

            offered = options()
            values = [v for _, v in offered]
            if kind == "multi":
                w = make(W.SelectMultiple, options=offered, rows=2, layout=FULL)
            else:
                w = make(
                    W.Dropdown,
                    options=offered,
                    layout=FULL,
                    value=default if default in values else (values[0] if values else None),
                )

            def keep(vs: list[Any]) -> Any:
                if kind == "multi":
                    return tuple(v for v in w.value if v in vs)
                if w.value in vs:
                    return w.value
                return default if default in vs else (vs[0] if vs else None)

            follow_choices(w, column.choices, self.session, self._subs, options, keep)
            return w, (list if kind == "multi" else lambda v: v)
        if kind == "bool":
            return make(W.Checkbox, value=bool(default), indent=False, layout=FULL), bool
        if kind == "datetime":
            w = make(W.Text, value=now_text(), placeholder="10:05", layout=FULL)
            return w, parse_datetime
        if kind == "date":
            return make(W.DatePicker, value=default, layout=FULL), lambda v: v
        return make(W.TagsInput, value=[], layout=FULL), list

    def add(self) -> str | None:
        """Validate the add form and append its row; returns the refusal, if any."""
        from pydantic import ValidationError

        from workbook.errors import describe

        row: dict[str, Any] = self.new_row() if self.new_row else {}
        for message in self._new_messages.values():
            message.say("")
        try:
            for name, widget in self._new_widgets.items():
                try:
                    value = self._new_codecs[name](widget.value)
                except ParseError as exc:
                    if name not in self._new_messages:
                        raise
                    self._new_messages[name].say(str(exc))
                    self.add_message.say("")
                    return str(exc)
                target = row
                *parents, leaf = name.split(".")
                for part in parents:
                    target = target.setdefault(part, {})
                target[leaf] = value
            if self.prepare is not None:
                row = self.prepare(row)
            model = self.row_model.model_validate(row)
        except ParseError as exc:
            return self._refuse(str(exc))
        except ValidationError as exc:
            problem = describe(exc)[0]
            label = problem.field.split(".")[0]
            names = {c.field.split(".")[0]: self._label(c) for c in self.columns}
            where = names.get(label, label.replace("_", " "))
            return self._refuse(f"{where}: {problem.message}")
        problem = self.session.append(self.path, model)
        if problem:
            return self._refuse(problem)
        self.reset_add_form()
        self.add_message.say("")
        self._removed = None
        self._show_undo([])
        return None

    def reset_add_form(self) -> None:
        """Empty the add form for the next row: text cleared, numbers back to their
        default, a time back to now (it stays filled)."""
        for name, widget in self._new_widgets.items():
            if isinstance(widget, W.Text):
                widget.value = self._new_blanks[name]()

    def _refuse(self, text: str) -> str:
        self.add_message.say(text)
        return text

    def close(self) -> None:
        """Drop subscriptions and widgets."""
        self._subs.close()
        self._row_subs.close()
        super().close()


# --- three-point ranges ------------------------------------------------------------------

RangeValues = dict[str, float | None]

UNFINISHED_RANGE = "Give low, likely and high to finish this range."


def read_range(texts: Sequence[str], model: type[Range] = Range) -> tuple[RangeValues, str]:
    """Low, likely and high as typed, checked as a whole: ``(values, problem)``.

    A blank cell is a value not given yet (None), never a zero. ``problem`` is empty when
    the values typed so far can stand together: numbers, within the model's limits, and in
    order (the range may still be unfinished; see :attr:`Range.finished`).

    >>> read_range(["", "0.5", ""])
    ({'low': None, 'likely': 0.5, 'high': None}, '')
    >>> read_range(["40", "20", "30"])[1]
    'Low (40) must not be above likely (20).'
    """
    from pydantic import ValidationError

    from workbook.errors import describe

    values: RangeValues = {}
    for part, text in zip(RANGE_PARTS, texts, strict=True):
        try:
            values[part] = parse_number(text, optional=True)
        except ParseError as exc:
            return {p: None for p in RANGE_PARTS}, f"{part.capitalize()}: {exc}"
    try:
        model.model_validate(values)
    except ValidationError as exc:
        problem = describe(exc)[0]
        text = f"{problem.field} {problem.message}" if problem.field else problem.message
        return values, text[:1].upper() + text[1:].rstrip(".") + "."
    return values, ""


class RangeRow:
    """One low / likely / high range, typed in any order and checked as a whole.

    Every range editor of the app is built of these, so every one follows one rule: cells may
    be filled in any order; what is typed is checked once it is all there (out of order, or
    outside the limits, is said under the row, and the text stays as typed); blank cells
    leave the range unfinished, never zero. Bound to a plan path with :meth:`bind`, each
    acceptable state is saved at once; in a form with a send button, :meth:`read` gives the
    finished range or says what is missing.
    """

    def __init__(
        self,
        label: str,
        unit: str = "",
        *,
        model: type[Range] = Range,
        value: Range | dict[str, Any] | None = None,
        disabled: bool = False,
    ):
        self.label, self.model = label, model
        given = value.model_dump() if isinstance(value, Range) else (value or {})
        self.boxes: list[W.Text] = []
        for part in RANGE_PARTS:
            box = make(
                W.Text,
                value=format_number(given.get(part)),
                placeholder=part,
                continuous_update=False,
                disabled=disabled,
                layout={"width": "auto", "min_width": "0"},
            )
            box.add_class(f"nw-range-{part}")
            box.observe(self._typed, names="value")
            box.range_row = self  # type: ignore[attr-defined]  # found again by tests and tools
            self.boxes.append(box)
        unit_html = (
            f"<br><span style='font-size:11px;color:{COLORS['muted']}'>{html.escape(unit)}</span>"
            if unit
            else ""
        )
        self.title = make(
            W.HTML,
            value=f"<div style='line-height:1.3;font-size:13px'>{html.escape(label)}{unit_html}"
            "</div>",
        )
        self.message = message_widget()
        self.message.layout.grid_area = FULL_ROW
        self._save: Callable[[RangeValues], str | None] | None = None
        self.path: Path | None = None
        self._quiet = False
        self._show_state(self.reading()[0], "")

    @property
    def cells(self) -> list[W.Widget]:
        """The label and the three boxes, for a four-column grid (the message goes below)."""
        return [self.title, *self.boxes]

    def texts(self) -> list[str]:
        """What the three boxes hold."""
        return [str(b.value) for b in self.boxes]

    def reading(self) -> tuple[RangeValues, str]:
        """The values typed and the problem with them, if any (see :func:`read_range`)."""
        return read_range(self.texts(), self.model)

    def read(self, *, required: bool = True) -> RangeValues | None:
        """The finished range; None when all blank and not required; else ParseError."""
        values, problem = self.reading()
        if problem:
            raise ParseError(f"{self.label}: {problem[:1].lower()}{problem[1:]}")
        given = [v for v in values.values() if v is not None]
        if not given and not required:
            return None
        if len(given) < len(RANGE_PARTS):
            raise ParseError(
                f"{self.label}: enter low, likely and high (the same number three times "
                "when you are sure of it)."
            )
        return values

    def show(self, value: Range | dict[str, Any] | None) -> None:
        """Show a range from the plan in the boxes, without treating it as typed."""
        given = value.model_dump() if isinstance(value, Range) else (value or {})
        self._quiet = True
        try:
            for part, box in zip(RANGE_PARTS, self.boxes, strict=True):
                text = format_number(given.get(part))
                if box.value != text:
                    box.value = text
        finally:
            self._quiet = False
        self._show_state(self.reading()[0], "")

    def disable(self) -> None:
        """Make the boxes read-only."""
        for box in self.boxes:
            box.disabled = True

    def bind(self, session: PlanSession, path: Path, subs: Subscriptions) -> RangeRow:
        """Save each acceptable state of the boxes at ``path``; follow the plan's changes."""
        path = tuple(path)

        def save(values: RangeValues) -> str | None:
            return session.set(path, values)

        def changed(change: Change) -> None:
            if self._quiet or change.kind == "structure":
                return
            try:
                current = session.get(path)
            except (KeyError, IndexError, AttributeError):
                return  # the estimate is gone; the editor is rebuilt
            if self.reading() != (current.model_dump(), ""):
                self.show(current)

        self._save, self.path = save, path
        subs.on(path, changed)
        for box in self.boxes:
            box.add_class(css_class(path))
        return self

    def _typed(self, _change: dict[str, Any]) -> None:
        if self._quiet:
            return
        values, problem = self.reading()
        if problem:
            saved = " Not saved yet: it is kept here as typed." if self._save else ""
            self.message.say(problem + saved)
            return
        if self._save is not None:
            self._quiet = True
            try:
                refused = self._save(values)
            finally:
                self._quiet = False
            if refused:
                self.message.say(refused)
                return
        self._show_state(values, "")

    def _show_state(self, values: RangeValues, problem: str) -> None:
        given = sum(v is not None for v in values.values())
        if problem:
            self.message.say(problem)
        elif 0 < given < len(RANGE_PARTS):
            self.message.say(UNFINISHED_RANGE, COLORS["muted"])
        else:
            self.message.say("")


def range_grid(rows: Sequence[RangeRow], *, label_width: str = "2fr") -> W.GridBox:
    """Range rows under one low / likely / high header, each with its message below it."""
    header = [
        make(W.HTML, value=f"<b style='font-size:12px;color:{COLORS['muted']}'>{h}</b>")
        for h in ("", *RANGE_PARTS)
    ]
    cells: list[W.Widget] = header
    for row in rows:
        cells += [*row.cells, row.message]
    return make(
        W.GridBox,
        children=cells,
        layout={
            "grid_template_columns": grid_template([label_width, "1fr", "1fr", "1fr"]),
            "grid_gap": "2px 8px",
            "width": "100%",
            "align_items": "center",
        },
    )
