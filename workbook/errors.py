"""Every exception the workbook raises on purpose, and how validation errors are worded."""

from __future__ import annotations

from dataclasses import dataclass

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


def describe(error: ValidationError, limit: int = 10) -> list[FieldProblem]:
    """Plain-language problems from a pydantic ValidationError, the field named first."""
    problems = []
    for item in error.errors(include_url=False)[:limit]:
        message = item["msg"]
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        elif item["type"] == "extra_forbidden":
            message = "is not a field of this part of a plan"
        elif item["type"] == "missing":
            message = "is required"
        message = message[0].lower() + message[1:] if message else message
        problems.append(FieldProblem(format_location(tuple(item["loc"])), message))
    return problems
