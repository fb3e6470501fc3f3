"""How complete each section of a plan is, as a list of named checks.

>>> from workbook.store import example_plan
>>> completion(example_plan())["strategy"].fraction
1.0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workbook.model import Plan

Check = tuple[str, Callable[[Plan], bool]]


@dataclass(frozen=True)
class Completion:
    """Checks done and still open for one section."""

    done: int
    total: int
    missing: tuple[str, ...]

    @property
    def fraction(self) -> float:
        """Share of checks done, 0 to 1."""
        return self.done / self.total if self.total else 1.0


CHECKS: dict[str, list[Check]] = {
    "deal": [
        ("Name the other company", lambda p: bool(p.counterpart.strip())),
        ("Give the deal value", lambda p: p.deal_value > 0),
        ("Set the date", lambda p: p.date is not None),
        ("Summarise the deal", lambda p: bool(p.summary.strip())),
        ("List the team", lambda p: bool(p.team)),
    ],
    "strategy": [
        ("Name a strength", lambda p: bool(p.strategy.strengths)),
        (
            "Back every strength with a past deal",
            lambda p: (
                bool(p.strategy.strengths) and all(s.evidence.strip() for s in p.strategy.strengths)
            ),
        ),
        ("Choose one or two priorities", lambda p: bool(p.strategy.priorities)),
        ("Say what each member contributes", lambda p: bool(p.strategy.contributions)),
        (
            "Link the deal to a strategic objective",
            lambda p: any(link.strength > 0 for link in p.strategy.objective_links),
        ),
        (
            "Say where we compete and where not",
            lambda p: bool(p.strategy.compete_where) and bool(p.strategy.not_compete_where),
        ),
        ("Anticipate customer and competitor moves", lambda p: bool(p.strategy.anticipated)),
    ],
    "value": [
        ("List the customer's pains", lambda p: bool(p.value.pains)),
        (
            "Back a differentiator with proof",
            lambda p: any(d.proof.strip() for d in p.value.differentiators),
        ),
        ("Quantify the value", lambda p: bool(p.value.value_items)),
        ("Name the alternative", lambda p: bool(p.value.alternative.name.strip())),
        ("Compare on value drivers", lambda p: bool(p.value.drivers)),
        ("Frame it per stakeholder", lambda p: bool(p.value.framings)),
    ],
    "scenarios": [
        ("Name the competitors", lambda p: bool(p.scenarios.competitors)),
        ("List our candidate moves", lambda p: bool(p.scenarios.moves)),
        (
            "Estimate every move",
            lambda p: (
                bool(p.scenarios.moves)
                and all(any(e.finished for e in m.estimates) for m in p.scenarios.moves)
            ),
        ),
        (
            "Collect estimates from two or more people",
            lambda p: len({e.participant for m in p.scenarios.moves for e in m.estimates}) >= 2,
        ),
    ],
    "concessions": [
        (
            "List the variables and their options",
            lambda p: sum(len(v.options) >= 2 for v in p.concessions.variables) >= 2,
        ),
        (
            "Set our target and walk-away",
            lambda p: (
                p.concessions.positions.ours.target is not None
                and p.concessions.positions.ours.reservation is not None
            ),
        ),
        (
            "Estimate their walk-away",
            lambda p: p.concessions.positions.theirs.reservation is not None,
        ),
        ("Write our BATNA", lambda p: bool(p.concessions.positions.ours.batna.strip())),
        ("Plan conditional steps", lambda p: bool(p.concessions.steps)),
        (
            "Prepare the ask for when they do not reciprocate",
            lambda p: bool(p.concessions.no_reciprocity.ask_for.strip()),
        ),
    ],
    "relationship": [
        ("Map existing business", lambda p: bool(p.relationship.links)),
        ("Name the key players", lambda p: len(p.relationship.players) >= 2),
        (
            "Weigh what both sides contribute",
            lambda p: {c.side for c in p.relationship.contributions} == {"ours", "theirs"},
        ),
        ("Plan what to share", lambda p: bool(p.relationship.disclosures)),
        ("Note common ground", lambda p: bool(p.relationship.common_ground)),
        ("Choose relationship or transaction", lambda p: p.relationship.mode != "undecided"),
    ],
    "ledger": [
        ("Log the first concession", lambda p: bool(p.ledger.entries)),
    ],
}
"""The checks behind each section's completion, in the order they are listed."""

PREPARATION = ("strategy", "value", "scenarios", "concessions", "relationship")


def completion(plan: Plan) -> dict[str, Completion]:
    """Completion of every section; the brief counts the preparation sections done."""
    result: dict[str, Completion] = {}
    for key, checks in CHECKS.items():
        missing = tuple(label for label, check in checks if not check(plan))
        result[key] = Completion(len(checks) - len(missing), len(checks), missing)
    open_sections = tuple(
        f"Complete {key}" for key in PREPARATION if result[key].done < result[key].total
    )
    result["brief"] = Completion(
        len(PREPARATION) - len(open_sections), len(PREPARATION), open_sections
    )
    return result
