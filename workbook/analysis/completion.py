"""How complete each section of a plan is, as a list of named checks.

>>> from workbook.store import example_plan
>>> completion(example_plan())["strategy"].fraction
1.0
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook.content import advice
from workbook.model import Plan
from workbook.sections import SECTIONS, Check


@dataclass(frozen=True)
class Completion:
    """Checks done and still open for one section."""

    done: int
    total: int
    missing: tuple[str, ...]
    """What is still to do, in the content's words."""

    @property
    def fraction(self) -> float:
        """Share of checks done, 0 to 1."""
        return self.done / self.total if self.total else 1.0


CHECKS: dict[str, list[Check]] = {s.key: list(s.checks) for s in SECTIONS if s.checks}
"""The checks behind each section's completion, in the order they are listed (from
:data:`workbook.sections.SECTIONS`)."""

PREPARATION = tuple(s.key for s in SECTIONS if s.prepares)
"""The sections the brief counts as done or still open."""


def completion(plan: Plan) -> dict[str, Completion]:
    """Completion of every section; the brief counts the preparation sections done."""
    result: dict[str, Completion] = {}
    for key, checks in CHECKS.items():
        missing = tuple(advice(code) for code, check in checks if not check(plan))
        result[key] = Completion(len(checks) - len(missing), len(checks), missing)
    open_sections = tuple(
        advice("brief.todo_complete", section=key)
        for key in PREPARATION
        if result[key].done < result[key].total
    )
    result["brief"] = Completion(
        len(PREPARATION) - len(open_sections), len(PREPARATION), open_sections
    )
    return result
