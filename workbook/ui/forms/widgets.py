"""The one widget factory: a widget for a field of a given kind, bound or in an add form.

The widget kind, its limits and its label come from the model and the content files, so a
layout only says *which* fields to show. A value typed into a bound widget goes to
:meth:`PlanSession.set` through its :class:`~workbook.ui.forms.binding.Binding`.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import ipywidgets as W

from workbook.content import SectionContent
from workbook.paths import CUSTOM, FieldSpec, Kind, field_spec, pattern
from workbook.render import escape
from workbook.ui.forms.binding import Binding, Codec, MessageLine, css_class, message_widget
from workbook.ui.forms.text import (
    format_datetime,
    format_digits,
    format_number,
    now_text,
    parse_datetime,
    parse_number,
)
from workbook.ui.guard import path_class
from workbook.ui.kit import make
from workbook.ui.session import Change, Path, PlanSession, Subscriptions
from workbook.ui.style import hint_html


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
FULL = {"width": "100%"}
"""Layout properties of a widget that fills its cell."""


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


def current_value(session: PlanSession, path: Path, spec: FieldSpec) -> Any:
    """The value at ``path``; an unanswered custom question is its default (empty text)."""
    try:
        return session.get(path)
    except KeyError:
        if path[:1] == (CUSTOM,):
            return spec.default()
        raise


def widget_kind(
    spec: FieldSpec, path: Path, content: SectionContent | None, kind: Kind | None, choices: Any
) -> Kind:
    """The kind asked for, else a choice when options are given or labelled, else the model's."""
    found = kind or ("choice" if choices is not None else spec.kind())
    if found == "number" and content and content.choice_labels(pattern(path)):
        return "choice"
    return found


def new_widget(
    kind: Kind,
    spec: FieldSpec,
    value: Any,
    *,
    options: Sequence[tuple[str, Any]] = (),
    placeholder: str = "",
    width: str = "100%",
    disabled: bool = False,
    form: bool = False,
    optional: bool | None = None,
) -> tuple[W.ValueWidget, Codec]:
    """A widget of ``kind`` showing ``value``, and how its value reads and writes the model.

    ``form`` makes the widget of an add form: one line of text, typed values sent as
    they are typed, a time that starts at now, a choice that starts at its first option.
    """
    box = {"width": width}
    common: dict[str, Any] = {"layout": box, "disabled": disabled}
    if kind in ("text", "textarea"):
        cls = W.Textarea if kind == "textarea" and not form else W.Text
        rows = {"rows": 2} if cls is W.Textarea else {}
        widget = make(cls, value=value or "", placeholder=placeholder, **rows, **common)
        return widget, Codec(lambda v: v or "", str)
    if kind in ("number", "digits"):
        integer = spec.base is int or kind == "digits"
        empty = spec.optional if optional is None else optional
        shown = format_number if kind == "number" else format_digits
        typed = {} if form else {"continuous_update": False}
        widget = make(W.Text, value=shown(value), placeholder=placeholder, **typed, **common)
        return widget, Codec(shown, lambda v: parse_number(v, integer=integer, optional=empty))
    if kind == "choice":
        values = [v for _, v in options]
        first = values[0] if form and values else None
        chosen = value if value in values else first
        widget = make(W.Dropdown, options=list(options), value=chosen, **common)
        return widget, Codec(lambda v: v, lambda v: v)
    if kind == "multi":
        known = {v for _, v in options}
        rows = 2 if form else min(4, max(2, len(options)))
        picked = tuple(v for v in value or () if v in known)
        widget = make(W.SelectMultiple, options=list(options), value=picked, rows=rows, **common)
        return widget, Codec(lambda v: tuple(v), list)
    if kind == "bool":
        widget = make(W.Checkbox, value=bool(value), indent=False, **common)
        return widget, Codec(lambda v: v, lambda v: v)
    if kind == "date":
        return make(W.DatePicker, value=value, **common), Codec(lambda v: v, lambda v: v)
    if kind == "datetime":
        shown_at = now_text() if form else format_datetime(value)
        hint = "10:05" if form else "2026-12-08 10:05"
        typed = {} if form else {"continuous_update": False}
        widget = make(W.Text, value=shown_at, placeholder=hint, **typed, **common)
        return widget, Codec(format_datetime, parse_datetime)
    if kind == "tags" and disabled:  # TagsInput cannot be disabled: show the list as text
        widget = make(W.Text, value="; ".join(value), **common)
        return widget, Codec(
            lambda v: "; ".join(v), lambda v: [t.strip() for t in str(v).split(";")]
        )
    if kind == "tags":
        widget = make(W.TagsInput, value=list(value or []), allow_duplicates=False, layout=box)
        return widget, Codec(list, lambda v: [str(t).strip() for t in v if str(t).strip()])
    raise ValueError(f"unknown widget kind {kind!r}")


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
    kind = widget_kind(spec, path, content, kind, choices)
    options: list[tuple[str, Any]] = []
    if kind in ("choice", "multi"):
        own = _own_row_id(session, path)
        options = _choice_options(
            spec, path, content, choices, session, own_id=own, blank=kind == "choice"
        )
    widget, codec = new_widget(
        kind,
        spec,
        current_value(session, path, spec),
        options=options,
        placeholder=placeholder,
        width=width,
        disabled=session.read_only,
    )
    binding = Binding(
        session,
        path,
        widget,
        codec,
        message or message_widget(),
        keep_blank=kind in ("text", "textarea") and spec.required_text,
        subs=subs,
        default=spec.default() if path[:1] == (CUSTOM,) else None,
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


def question_header(content: SectionContent | None, path: Path, fallback: str) -> list[W.Widget]:
    """The question's prompt and hint, as widgets (nothing for a missing hint)."""
    question = content.question(pattern(path)) if content else None
    prompt = question.prompt if question else fallback
    parts: list[W.Widget] = [
        make(
            W.HTML,
            value=f"<div style='line-height:1.35;font-weight:600'>{escape(prompt)}</div>",
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
