"""Every exception the workbook raises on purpose, and how validation errors are worded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError


class WorkbookError(Exception):
    """Base of the workbook's own errors; their text is safe to show to a user."""


class PlanNotFound(WorkbookError, KeyError):
    """No plan with that identifier or name is in the store."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "plan not found"


class ConflictError(WorkbookError):
    """The plan was saved by someone else since it was loaded."""

    def __init__(self, plan_id: str, base_revision: int, latest: int, saved_at: str, author: str):
        self.plan_id = plan_id
        self.base_revision = base_revision
        self.latest = latest
        self.saved_at = saved_at
        self.author = author
        super().__init__(
            f"plan {plan_id} was saved as revision {latest} by {author or 'someone'} "
            f"at {saved_at}, after the revision {base_revision} these edits started from"
        )


class ReadOnlyError(WorkbookError):
    """A save was attempted in read-only mode."""


class NotAllowed(WorkbookError):
    """The acting user's role on a plan does not allow what was asked (e.g. a viewer's save)."""


class StoreError(WorkbookError):
    """The path given for the plan store is not a plan store that can be opened."""


class PlanFileError(WorkbookError):
    """An imported plan file is not valid; nothing was changed."""

    def __init__(self, problems: list[FieldProblem] | str):
        if isinstance(problems, str):
            problems = [FieldProblem("", problems)]
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field, located by a dotted path."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def format_location(loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location into a dotted path such as ``moves[2].gain.low``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _plain(item: Any) -> str:
    """One pydantic error in plain words, starting in lower case."""
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind == "value_error":
        return str(item["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return "is not a field of this part of a plan"
    if kind == "missing":
        return "is required"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "cannot be empty"
    if kind == "too_short":
        return f"needs at least {_number(ctx.get('min_length'))} entries"
    if kind == "too_long":
        return f"holds at most {_number(ctx.get('max_length'))} entries"
    if kind == "string_too_long":
        return f"is too long: at most {_number(ctx.get('max_length'))} characters"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {_number(ctx.get('ge', ctx.get('gt')))}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {_number(ctx.get('le', ctx.get('lt')))}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return "must be a number" if kind.startswith("float") else "must be a whole number"
    if kind == "finite_number":
        return "must be a finite number"
    if kind == "string_pattern_mismatch":
        return "is not in the expected form"
    message = str(item["msg"])
    return message[:1].lower() + message[1:]


def describe(error: ValidationError, limit: int = 10) -> list[FieldProblem]:
    """Plain-language problems from a pydantic ValidationError, the field named first."""
    problems = []
    for item in error.errors(include_url=False)[:limit]:
        message = _plain(item)
        problems.append(FieldProblem(format_location(tuple(item["loc"])), message))
    return problems
