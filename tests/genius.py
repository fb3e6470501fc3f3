"""GENIUS/ANAC reference scenarios, read at run time; shared by the tests and the benchmarks.

The folder is named by the environment variable ``NEGOTIATION_SCENARIOS`` and defaults to
``shared/scenarios`` beside the repository. Side ``a`` is "ours", side ``b`` is "theirs".
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ENV = "NEGOTIATION_SCENARIOS"
DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "scenarios"


@dataclass(frozen=True)
class Scenario:
    """One linear additive scenario: issues with their options and each side's profile."""

    name: str
    issues: list[tuple[str, list[str | int]]]
    weights: dict[str, dict[str, float]]  # side -> issue -> weight
    values: dict[str, dict[str, dict[str, float]]]  # side -> issue -> str(option) -> value
    reservations: dict[str, float]

    @property
    def outcomes(self) -> int:
        """How many packages the scenario has."""
        return math.prod(len(options) for _, options in self.issues)

    def contribution(self, side: str, issue: str, option: str | int) -> float:
        """An option's weighted value for side ``a`` or ``b``, before GENIUS's ``min(1, ·)``."""
        return self.weights[side][issue] * self.values[side][issue][str(option)]

    def options(self) -> pd.DataFrame:
        """The options table (``issue``, ``option``, ``ours`` = side a, ``theirs`` = side b)."""
        records = [
            (
                issue,
                option,
                self.contribution("a", issue, option),
                self.contribution("b", issue, option),
            )
            for issue, options in self.issues
            for option in options
        ]
        return pd.DataFrame.from_records(records, columns=["issue", "option", "ours", "theirs"])

    def all_scores(self) -> tuple[np.ndarray, np.ndarray]:
        """Both sides' unclipped scores of every package, in ``itertools.product`` order."""
        totals = []
        for side in ("a", "b"):
            total = np.zeros(1)
            for issue, options in self.issues:
                values = np.array([self.contribution(side, issue, o) for o in options])
                total = (total[:, None] + values[None, :]).ravel()
            totals.append(total)
        return totals[0], totals[1]


def folder() -> Path:
    """Where the scenarios are read from."""
    return Path(os.environ.get(ENV) or DEFAULT)


def load(path: Path) -> Scenario:
    """One scenario from its JSON file."""
    data = json.loads(path.read_text("utf-8"))
    sides = data["sides"]
    return Scenario(
        name=data["name"],
        issues=[(i["name"], list(i["options"])) for i in data["issues"]],
        weights={s: dict(sides[s]["weights"]) for s in ("a", "b")},
        values={s: {i: dict(v) for i, v in sides[s]["values"].items()} for s in ("a", "b")},
        reservations={s: float(sides[s]["reservation"]) for s in ("a", "b")},
    )


def scenarios() -> list[Scenario]:
    """Every scenario in the folder, fewest outcomes first; empty when the folder is absent."""
    root = folder()
    if not root.is_dir():
        return []
    return sorted((load(p) for p in sorted(root.glob("*/*.json"))), key=lambda s: s.outcomes)
