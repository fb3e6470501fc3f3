"""The prompts a facilitator opens: an estimate, values for options, a priorities vote."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal, Self

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from workbook.model import LongText, Model, Name, Plan, RowId
from workbook.sections import SECTIONS
from workbook.workshop.joining import AnswerError, field_problems


class CompetitorRef(Model):
    """A competitor as a prompt shows it."""

    id: RowId
    name: Name


class OptionRef(Model):
    """A concession option as a prompt shows it."""

    id: RowId
    label: Name


class _Prompt(Model):
    open: bool = Field(True, description="Whether participants may answer it now.")

    @property
    def id(self) -> str:
        """The prompt's key within its session."""
        raise NotImplementedError


class EstimatePrompt(_Prompt):
    """Each participant's own ranges for one of our moves."""

    kind: Literal["estimate"] = "estimate"
    move_id: RowId
    move: Name
    description: LongText = ""
    competitors: list[CompetitorRef] = Field(default_factory=list, max_length=20)

    @property
    def id(self) -> str:
        """``estimate:<move id>``."""
        return f"estimate:{self.move_id}"


class ValuesPrompt(_Prompt):
    """The value each participant puts on every option of one concession variable."""

    kind: Literal["values"] = "values"
    variable_id: RowId
    variable: Name
    side: Literal["theirs", "ours"] = Field(
        "theirs", description="Whose value is asked: theirs (to the customer) or ours."
    )
    options: list[OptionRef] = Field(min_length=1, max_length=40)

    @property
    def id(self) -> str:
        """``values:<variable id>``."""
        return f"values:{self.variable_id}"


class PrioritiesPrompt(_Prompt):
    """A vote on the top two improvement priorities, from a list of candidates."""

    kind: Literal["priorities"] = "priorities"
    candidates: list[Name] = Field(min_length=2, max_length=12)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        folded = [c.casefold() for c in self.candidates]
        if len(folded) != len(set(folded)):
            raise ValueError("two candidates are the same: list each one once")
        return self

    @property
    def id(self) -> str:
        """``priorities``."""
        return "priorities"


Prompt = Annotated[EstimatePrompt | ValuesPrompt | PrioritiesPrompt, Field(discriminator="kind")]
PROMPTS = TypeAdapter(list[Prompt])
"""Reads and writes a session's prompt list as JSON."""

SECTION_OF: dict[str, str] = {kind: s.key for s in SECTIONS for kind in s.prompts}
"""The plan section each kind of prompt feeds (``prompts`` in :mod:`workbook.sections`)."""


def prompt_section(prompt: Prompt) -> str:
    """The plan section the prompt feeds."""
    return SECTION_OF[prompt.kind]


def prompt_subject(prompt: Prompt) -> str:
    """What the prompt is about, in a few words (user text; escape it when shown)."""
    if isinstance(prompt, EstimatePrompt):
        return prompt.move
    if isinstance(prompt, ValuesPrompt):
        return prompt.variable
    return "Top two priorities for improvement"


def candidate_prompts(plan: Plan) -> list[Prompt]:
    """A closed prompt for each move and each variable with options, for the facilitator."""
    competitors = [CompetitorRef(id=c.id, name=c.name) for c in plan.scenarios.competitors]
    prompts: list[Prompt] = [
        EstimatePrompt(
            move_id=m.id,
            move=m.name,
            description=m.description,
            competitors=competitors,
            open=False,
        )
        for m in plan.scenarios.moves
    ]
    prompts += [
        ValuesPrompt(
            variable_id=v.id,
            variable=v.name,
            options=[OptionRef(id=o.id, label=o.label) for o in v.options],
            open=False,
        )
        for v in plan.concessions.variables
        if v.options
    ]
    return prompts


def priority_candidates(plan: Plan) -> list[str]:
    """Suggested candidates for the priorities vote: the plan's current priorities."""
    return [p.text for p in plan.strategy.priorities]


def priorities_prompt(candidates: Sequence[str]) -> PrioritiesPrompt:
    """The priorities vote on ``candidates``, or AnswerError naming the problem."""
    try:
        return PrioritiesPrompt(candidates=list(candidates))
    except ValidationError as exc:
        raise AnswerError(field_problems(exc, {"candidates": "Candidates"})) from None


def with_prompt(prompts: Sequence[Prompt], prompt: Prompt) -> list[Prompt]:
    """``prompts`` with ``prompt`` added, or replacing the prompt with the same id."""
    out = [p for p in prompts if p.id != prompt.id]
    index = next((i for i, p in enumerate(prompts) if p.id == prompt.id), len(out))
    out.insert(index, prompt)
    return out


# --- sessions ---------------------------------------------------------------------------
