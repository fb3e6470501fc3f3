"""The one low / likely / high editor: a range typed in any order, checked as a whole."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W

from workbook.model import RANGE_PARTS, ProbabilityRange, Range
from workbook.render import escape
from workbook.ui.forms.binding import FULL_ROW, css_class, message_widget
from workbook.ui.forms.text import ParseError, format_number, parse_number
from workbook.ui.forms.widgets import grid_template
from workbook.ui.kit import make
from workbook.ui.session import Change, Path, PlanSession, Subscriptions
from workbook.ui.style import COLORS

RangeValues = dict[str, float | None]

UNFINISHED_RANGE = "Give low, likely and high to finish this range."


def range_unit(model: type[Range], currency: str) -> str:
    """What a range of ``model`` is counted in: a chance from 0 to 1, else money."""
    return "0 to 1" if issubclass(model, ProbabilityRange) else currency


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
            f"<br><span style='font-size:11px;color:{COLORS['muted']}'>{escape(unit)}</span>"
            if unit
            else ""
        )
        self.title = make(
            W.HTML,
            value=f"<div style='line-height:1.3;font-size:13px'>{escape(label)}{unit_html}</div>",
        )
        self.message = message_widget(FULL_ROW)
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
