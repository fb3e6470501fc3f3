"""Answers: how each is validated, pooled, and turned into a change to the plan."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from pydantic import Field, ValidationError, model_validator

from workbook.content import load_content
from workbook.errors import FieldProblem
from workbook.model import (
    Estimate,
    ImprovementPriority,
    Model,
    Money,
    MoveEstimate,
    Name,
    Plan,
    Range,
    RetaliationEstimate,
    RowId,
)
from workbook.workshop.joining import AnswerError, WorkshopError, field_problems
from workbook.workshop.prompts import EstimatePrompt, PrioritiesPrompt, Prompt, ValuesPrompt


class ValuesAnswer(Model):
    """A participant's value for each option of a variable (options may be left out)."""

    values: dict[RowId, Money] = Field(min_length=1, max_length=40)


class VoteAnswer(Model):
    """A participant's vote: one or two of the candidates."""

    choices: list[Name] = Field(min_length=1, max_length=2)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len({c.casefold() for c in self.choices}) != len(self.choices):
            raise ValueError("vote for two different priorities")
        return self


Answer = Estimate | ValuesAnswer | VoteAnswer

ESTIMATE_LABEL = "scenarios.moves[].estimates[].{}"
"""The content label of an estimate's range (``[labels]`` in scenarios.toml)."""


def estimate_label(field: str, **names: str) -> str:
    """The label of an estimate's range, as the scenarios section words it (``names``
    fills in ``{competitor}``)."""
    return load_content()["scenarios"].label(ESTIMATE_LABEL.format(field), field).format(**names)


def _answer_labels() -> dict[str, str]:
    ranges = ("gain", "cooperation_probability", "cooperation_value")
    return {f: estimate_label(f) for f in ranges} | {
        "retaliation": "Retaliation",
        "values": "Values",
        "choices": "Your vote",
    }


def validate_answer(prompt: Prompt, data: Any) -> Answer:
    """``data`` checked as an answer to ``prompt``, or AnswerError with each field's problem."""
    models: dict[str, type[Estimate] | type[ValuesAnswer] | type[VoteAnswer]] = {
        "estimate": Estimate,
        "values": ValuesAnswer,
        "priorities": VoteAnswer,
    }
    model = models[prompt.kind]
    try:
        answer = model.model_validate(data)
    except ValidationError as exc:
        raise AnswerError(field_problems(exc, _answer_labels())) from None
    if isinstance(prompt, EstimatePrompt) and isinstance(answer, Estimate):
        known = {c.id for c in prompt.competitors}
        unknown = [r.competitor_id for r in answer.retaliation if r.competitor_id not in known]
        if unknown:
            raise AnswerError(
                [FieldProblem("Retaliation", f"{unknown[0]!r} is not a competitor of this move")]
            )
        names = {c.id: c.name for c in prompt.competitors}
        labels = _answer_labels()
        for k, r in enumerate(answer.retaliation):
            for field in ("probability", "damage"):
                labels[f"retaliation[{k}].{field}"] = estimate_label(
                    f"retaliation[].{field}", competitor=names[r.competitor_id]
                )
        unfinished = [labels.get(n, n) for n, r in answer.ranges() if not r.finished]
        if unfinished:  # a range still missing a value is never read as zero
            raise AnswerError([FieldProblem(unfinished[0], "give low, likely and high")])
    elif isinstance(prompt, ValuesPrompt) and isinstance(answer, ValuesAnswer):
        known = {o.id for o in prompt.options}
        unknown = [k for k in answer.values if k not in known]
        if unknown:
            raise AnswerError(
                [FieldProblem("Values", f"{unknown[0]!r} is not an option of {prompt.variable}")]
            )
    elif isinstance(prompt, PrioritiesPrompt) and isinstance(answer, VoteAnswer):
        by_fold = {c.casefold(): c for c in prompt.candidates}
        missing = [c for c in answer.choices if c.casefold() not in by_fold]
        if missing:
            raise AnswerError([FieldProblem("Your vote", f"“{missing[0]}” is not a candidate")])
        answer = VoteAnswer(choices=[by_fold[c.casefold()] for c in answer.choices])
    return answer


def read_answers(prompt: Prompt, stored: Mapping[str, Any]) -> dict[str, Answer]:
    """Stored answers (participant -> data) that still fit ``prompt``; the others are left out.

    A prompt opened again after the plan changed may no longer fit an older answer, such as
    a vote for a candidate that was taken off the list.
    """
    answers: dict[str, Answer] = {}
    for participant, data in stored.items():
        try:
            answers[participant] = validate_answer(prompt, data)
        except AnswerError:
            continue
    return answers


# --- aggregates ----------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    """The median of ``values``, as a float."""
    return float(statistics.median(values))


def pooled_estimate(answers: Sequence[Estimate]) -> Estimate | None:
    """The point-by-point median of the answers' ranges (None without answers).

    Each participant's low is at most their likely, so the median of the lows is at most the
    median of the likely values: the result is a valid range. A competitor's retaliation is
    pooled over those who estimated it.
    """
    if not answers:
        return None

    def median_range(ranges: Sequence[Range]) -> dict[str, float]:
        return {p: median([getattr(r, p) for r in ranges]) for p in ("low", "likely", "high")}

    competitors: dict[str, list[RetaliationEstimate]] = {}
    for answer in answers:
        for r in answer.retaliation:
            competitors.setdefault(r.competitor_id, []).append(r)
    return Estimate.model_validate(
        {
            "gain": median_range([a.gain for a in answers]),
            "cooperation_probability": median_range([a.cooperation_probability for a in answers]),
            "cooperation_value": median_range([a.cooperation_value for a in answers]),
            "retaliation": [
                {
                    "competitor_id": cid,
                    "probability": median_range([r.probability for r in rows]),
                    "damage": median_range([r.damage for r in rows]),
                }
                for cid, rows in competitors.items()
            ],
        }
    )


def starting_estimate(plan: Plan, move: int, participant: str) -> MoveEstimate:
    """``participant``'s new estimate of the plan's ``move`` (its index): the team's median
    of the finished estimates so far (:func:`pooled_estimate`), or blank ranges when there
    are none, with a retaliation estimate for every competitor."""
    scenarios = plan.scenarios
    median = pooled_estimate([e for e in scenarios.moves[move].estimates if e.finished])
    start = median.model_dump() if median else {"retaliation": []}
    known = {r["competitor_id"] for r in start["retaliation"]}
    start["retaliation"] += [
        {"competitor_id": c.id} for c in scenarios.competitors if c.id not in known
    ]
    return MoveEstimate.model_validate({**start, "participant": participant})


# --- into the plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanChange:
    """A change for :meth:`PlanSession.set_structure`: the path and its new plain value."""

    path: tuple[str | int, ...]
    value: Any
    summary: str


def _move_index(plan: Plan, move_id: str) -> int:
    for i, move in enumerate(plan.scenarios.moves):
        if move.id == move_id:
            return i
    raise WorkshopError("That move is no longer in the plan; nothing was changed.")


def estimates_change(
    plan: Plan, prompt: EstimatePrompt, estimates: Mapping[str, Estimate]
) -> PlanChange:
    """The move's estimates with each named one (e.g. ``Workshop``) added or replaced."""
    index = _move_index(plan, prompt.move_id)
    current = [e.model_dump() for e in plan.scenarios.moves[index].estimates]
    for who, answer in estimates.items():
        row = {"participant": who, **answer.model_dump()}
        at = next(
            (i for i, e in enumerate(current) if e["participant"].casefold() == who.casefold()),
            None,
        )
        if at is None:
            current.append(row)
        else:
            current[at] = {"id": current[at]["id"], **row}
    names = ", ".join(estimates)
    return PlanChange(
        ("scenarios", "moves", index, "estimates"),
        current,
        f"Estimates by {names} for “{prompt.move}”.",
    )


def values_change(plan: Plan, prompt: ValuesPrompt, values: Mapping[str, float]) -> PlanChange:
    """The variable's options with the accepted values as ours or theirs (per the prompt)."""
    index = next(
        (i for i, v in enumerate(plan.concessions.variables) if v.id == prompt.variable_id), None
    )
    if index is None:
        raise WorkshopError("That variable is no longer in the plan; nothing was changed.")
    options = [o.model_dump() for o in plan.concessions.variables[index].options]
    for option in options:
        if option["id"] in values:
            option[prompt.side] = values[option["id"]]
    whose = "their" if prompt.side == "theirs" else "our"
    return PlanChange(
        ("concessions", "variables", index, "options"),
        options,
        f"{whose.capitalize()} values of the options of “{prompt.variable}”.",
    )


def priorities_change(plan: Plan, texts: Sequence[str]) -> PlanChange:
    """The strategy's priorities replaced by ``texts`` (at most two).

    A priority already in the plan under the same text keeps its identifier and its "why".
    """
    kept = {p.text.casefold(): p for p in plan.strategy.priorities}
    rows = []
    for text in texts:
        text = " ".join(str(text).split())
        if not text:
            continue
        old = kept.get(text.casefold())
        rows.append(
            old.model_dump() | {"text": text}
            if old
            else ImprovementPriority(text=text).model_dump()
        )
    return PlanChange(
        ("strategy", "priorities"), rows, "The top priorities for improvement, as voted."
    )
