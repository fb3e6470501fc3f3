"""The participant's answer forms: an estimate, values per option, and a vote."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as W

from workbook.model import AmountRange, Estimate, ProbabilityRange, Range
from workbook.render import escape
from workbook.ui.forms import (
    ParseError,
    RangeRow,
    RangeValues,
    parse_number,
    range_grid,
    range_unit,
)
from workbook.ui.kit import make
from workbook.ui.workshop.kit import _cell, _grid, _html
from workbook.workshop import (
    EstimatePrompt,
    PrioritiesPrompt,
    Prompt,
    ValuesPrompt,
    estimate_label,
)


class EstimateForm:
    """Low, likely and high for each quantity of a move (the app's one range editor)."""

    def __init__(self, prompt: EstimatePrompt, initial: Estimate | None, currency: str):
        self.prompt = prompt
        data = initial.model_dump() if initial else None
        given = {r["competitor_id"]: r for r in data["retaliation"]} if data else {}
        self.rows: list[tuple[str, str, list[W.Text], bool]] = []
        self.ranges: list[RangeRow] = []
        specs: list[tuple[str, str, type[Range], dict[str, float] | None, bool]] = [
            (field, estimate_label(field), model, data and data[field], True)
            for field, model in (
                ("gain", Range),
                ("cooperation_probability", ProbabilityRange),
                ("cooperation_value", AmountRange),
            )
        ]
        for c in prompt.competitors:
            old = given.get(c.id)
            for field, model in (("probability", ProbabilityRange), ("damage", AmountRange)):
                label = estimate_label(f"retaliation[].{field}", competitor=c.name)
                specs.append((f"{c.id}:{field}", label, model, old and old[field], False))
        for key, label, model, values, required in specs:
            row = RangeRow(label, range_unit(model, currency), model=model, value=values)
            self.ranges.append(row)
            self.rows.append((key, label, row.boxes, required))
        self.widget = range_grid(self.ranges, label_width="2.2fr")

    def read(self) -> dict[str, Any]:
        """The answer data typed in; ParseError when a row cannot be used.

        Every row that cannot says why under itself (the competitor named first), not only
        the first one: a long form is put right in one go.
        """
        data: dict[str, Any] = {"retaliation": []}
        problems: dict[str, str] = {}
        triples: dict[str, RangeValues | None] = {}
        for (key, _label, _boxes, required), row in zip(self.rows, self.ranges, strict=True):
            try:
                triples[key] = row.read(required=required)
            except ParseError as exc:
                problems[key] = str(exc)
        for c in self.prompt.competitors:
            chance, damage = f"{c.id}:probability", f"{c.id}:damage"
            if chance in problems or damage in problems:
                continue
            if triples[chance] is None and triples[damage] is not None:
                problems[chance] = f"{c.name}: give the chance too, or leave the damage blank."
            elif triples[damage] is None and triples[chance] is not None:
                problems[damage] = f"{c.name}: give the damage too, or leave the chance blank."
        for (key, *_rest), row in zip(self.rows, self.ranges, strict=True):
            if key in problems:
                row.message.say(problems[key])
        if problems:
            count = len(problems)
            raise ParseError(
                f"{count} figure{'s' if count > 1 else ''} above need{'' if count > 1 else 's'}"
                " a look: the message under each says why."
            )
        competitors: dict[str, dict[str, Any]] = {}
        for key, triple in triples.items():
            if triple is None:
                continue
            cid, _, part = key.partition(":")
            if part:
                competitors.setdefault(cid, {"competitor_id": cid})[part] = triple
            else:
                data[key] = triple
        data["retaliation"] = list(competitors.values())
        return data

    def disable(self) -> None:
        """Make the form read-only."""
        for row in self.ranges:
            row.disable()


class ValuesForm:
    """One value per option; a blank option means no view."""

    def __init__(self, prompt: ValuesPrompt, initial: dict[str, float] | None):
        self.prompt = prompt
        self.boxes = {o.id: _cell((initial or {}).get(o.id)) for o in prompt.options}
        cells: list[W.Widget] = []
        for option in prompt.options:
            cells += [_html(escape(option.label)), self.boxes[option.id]]
        self.widget = _grid(cells, ["2fr", "1fr"])

    def read(self) -> dict[str, float]:
        """Option id -> value for the options given; ParseError names a bad one."""
        values: dict[str, float] = {}
        for option in self.prompt.options:
            try:
                value = parse_number(self.boxes[option.id].value, optional=True)
            except ParseError as exc:
                raise ParseError(f"{option.label}: {exc}") from None
            if value is not None:
                values[option.id] = float(value)
        if not values:
            raise ParseError("Give a value to at least one option.")
        return values

    def disable(self) -> None:
        """Make the form read-only."""
        for box in self.boxes.values():
            box.disabled = True


class VoteForm:
    """A tick box per candidate; one or two may be ticked."""

    def __init__(self, prompt: PrioritiesPrompt, initial: Sequence[str]):
        chosen = {c.casefold() for c in initial}
        self.boxes = [
            make(
                W.Checkbox,
                value=c.casefold() in chosen,
                description=c,
                indent=False,
                layout={"width": "100%"},
            )
            for c in prompt.candidates
        ]
        self.widget = W.VBox(self.boxes)

    def read(self) -> dict[str, list[str]]:
        """The answer data; ParseError when none or more than two are ticked."""
        chosen = [b.description for b in self.boxes if b.value]
        if not chosen:
            raise ParseError("Tick one or two priorities.")
        if len(chosen) > 2:
            raise ParseError("Tick two priorities at most: focus is the point.")
        return {"choices": chosen}

    def disable(self) -> None:
        """Make the form read-only."""
        for box in self.boxes:
            box.disabled = True


AnswerForm = EstimateForm | ValuesForm | VoteForm


def answer_form(prompt: Prompt, answer: dict[str, Any] | None, currency: str) -> AnswerForm:
    """The form for answering ``prompt``, filled with an earlier answer when there is one."""
    if isinstance(prompt, EstimatePrompt):
        return EstimateForm(prompt, Estimate.model_validate(answer) if answer else None, currency)
    if isinstance(prompt, ValuesPrompt):
        return ValuesForm(prompt, (answer or {}).get("values"))
    return VoteForm(prompt, (answer or {}).get("choices", []))
