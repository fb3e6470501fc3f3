"""Rehearsal against their side as the plan models it, and the debrief after it.

:class:`Counterpart` plays their side: their values (the options table's ``theirs``), their
floor (the lowest package score they accept), an opening, a concession style and a limit in
rounds. Each of our offers gets an answer: a counter-offer, an acceptance or a walk-away.

Their aim each round (their *target*, in their values) follows the style:

- ``boulware`` and ``conceder`` use the time-dependent concession curve of Faratin, Sierra
  and Jennings (1998), in the polynomial form the GENIUS negotiation environment uses:
  ``target = floor + (1 - t ** (1 / e)) * (opening - floor)``, with ``t`` going from 0 at
  the first round to 1 at the last. ``e = 0.2`` (Boulware) holds firm and gives way near
  the end; ``e = 2`` (Conceder) gives way early. These are GENIUS's own values for its
  Boulware and Conceder agents.
- ``tit_for_tat`` starts at its opening and mirrors our moves in its own values: when our
  offer gives them ``d`` more than our previous one, it lowers its target by ``d``; when we
  take ``d`` back, it raises it by ``d`` (never beyond its opening or below its floor).
- ``random`` is one of the three above, picked with the seed.

A counter-offer is the package best for us among those giving them at least their target:
an efficient package (on the Pareto frontier), so a rehearsal shows what a side that knows
its interests can offer. They accept our offer when it gives them at least what their own
counter-offer would (the "next offer" acceptance rule), which is never below their floor;
at the last round they accept anything at or above their floor and walk away from the
rest. Everything is decided on the package engine's integer grid, and the same seed and
offers always give the same answers.

The debrief after a rehearsal is :mod:`workbook.analysis.rehearsal_report`.

>>> from workbook.analysis.packages import options_from_issues
>>> table = options_from_issues({"price": {f"{p}": (p, 100 - p) for p in range(0, 101, 10)}})
>>> them = Counterpart(table, their_floor=40, style="conceder", rounds=4, seed=1)
>>> [them.respond({"price": "90"}).kind for _ in range(3)]
['counter', 'counter', 'counter']
>>> answer = them.respond({"price": "60"})
>>> answer.kind, answer.package.options
('accept', {'price': '60'})
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np

from workbook.analysis.improve import (
    read_options,
    read_package,
)
from workbook.analysis.packages import (
    Frontier,
    Package,
    PackageInputError,
    _from_grid,
    _frontier,
    _Table,
    _threshold,
)

if TYPE_CHECKING:
    pass

STYLES = ("boulware", "conceder", "tit_for_tat")
"""The concession styles; ``random`` picks one of them with the seed."""

EXPONENTS = {"boulware": 0.2, "conceder": 2.0}
"""The concession curve's ``e`` for each time-dependent style (GENIUS's values)."""

MAX_ROUNDS = 1000

Kind = Literal["counter", "accept", "walk_away"]


class RehearsalError(PackageInputError):
    """A rehearsal cannot go on (it is over) or be replayed; the message says why."""


class Response(NamedTuple):
    """Their answer to one of our offers."""

    kind: Kind
    """``counter``, ``accept`` or ``walk_away``."""
    round: int
    package: Package | None
    """Their counter-offer, or our offer they accept; None when they walk away."""
    target: float
    """What they aimed for this round, in their values."""


class Move(NamedTuple):
    """One move of a rehearsal: our offer, or their answer."""

    round: int
    side: Literal["us", "them"]
    kind: Literal["offer", "counter", "accept", "walk_away"]
    options: dict[Hashable, Hashable] | None
    ours: float | None
    theirs: float | None


@dataclass(frozen=True)
class Rehearsal:
    """A rehearsal as it is kept with the plan: enough to replay it move by move.

    ``to_dict`` gives plain JSON-ready data; :meth:`replay` plays our offers again against
    a new :class:`Counterpart` with the same seed and checks every answer is the same.
    """

    style: str
    rounds: int
    seed: int
    their_floor: float
    opening: dict[Hashable, Hashable] | None = None
    offers: list[dict[Hashable, Hashable]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    """Each answer's ``kind`` and ``options`` (None on a walk-away), to check a replay."""

    def to_dict(self) -> dict[str, Any]:
        """The record as plain data (JSON-ready when the names are text)."""
        return {
            "style": self.style,
            "rounds": self.rounds,
            "seed": self.seed,
            "their_floor": self.their_floor,
            "opening": None if self.opening is None else dict(self.opening),
            "offers": [dict(o) for o in self.offers],
            "answers": [
                {"kind": a["kind"], "options": None if a["options"] is None else dict(a["options"])}
                for a in self.answers
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rehearsal:
        """The record from :meth:`to_dict`'s data, checked."""
        try:
            opening = data.get("opening")
            return cls(
                style=str(data["style"]),
                rounds=int(data["rounds"]),
                seed=int(data["seed"]),
                their_floor=float(data["their_floor"]),
                opening=_options(opening),
                offers=[_options(o) or {} for o in data.get("offers", [])],
                answers=[
                    {"kind": str(a["kind"]), "options": _options(a.get("options"))}
                    for a in data.get("answers", [])
                ],
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RehearsalError(f"this is not a rehearsal record: {error}") from None

    def replay(self, options: object) -> Counterpart:
        """Play the offers again; the counterpart that answered them, with its moves."""
        them = Counterpart(
            options,
            self.their_floor,
            style=self.style,
            rounds=self.rounds,
            seed=self.seed,
            opening=self.opening,
        )
        for index, offer in enumerate(self.offers):
            answer = them.respond(offer)
            now = {"kind": answer.kind, "options": answer.package and answer.package.options}
            if index < len(self.answers) and now != self.answers[index]:
                raise RehearsalError(
                    f"round {index + 1} is answered otherwise than when it was played: "
                    "the options or values changed since"
                )
        return them


def _options(value: object) -> dict[Hashable, Hashable] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"options must map issues to options, not {type(value).__name__}")
    return dict(value)


class Counterpart:
    """Their side in a rehearsal (see the module's description for how it plays).

    ``options`` is an options table or its rows; ``their_floor`` is the lowest package score
    they accept, in their values; ``style`` one of ``boulware``, ``conceder``,
    ``tit_for_tat`` or ``random``; ``rounds`` the number of answers before they must accept
    or walk away; ``seed`` picks the ``random`` style; ``opening`` their first offer (a
    mapping issue -> option), by default the best package for us among those best for them.
    """

    def __init__(
        self,
        options: object,
        their_floor: float,
        style: str = "boulware",
        rounds: int = 10,
        seed: int = 0,
        opening: Mapping[Hashable, Hashable] | None = None,
    ) -> None:
        if style not in (*STYLES, "random"):
            raise RehearsalError(
                f"the style must be one of {', '.join((*STYLES, 'random'))}, not {style!r}"
            )
        if not isinstance(rounds, int) or isinstance(rounds, bool) or not 1 <= rounds <= MAX_ROUNDS:
            raise RehearsalError(f"rounds must be a whole number from 1 to {MAX_ROUNDS}")
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise RehearsalError(f"the seed must be a whole number, not {seed!r}")
        self.table: _Table = read_options(options)
        self._floor = _threshold(their_floor, "their_floor", "theirs", self.table)
        self.their_floor = float(their_floor)
        self.requested_style = style
        self.style = random.Random(seed).choice(STYLES) if style == "random" else style
        self.rounds, self.seed = rounds, seed
        self.frontier = Frontier(self.table, *_frontier(self.table))
        self._front_theirs = self.frontier.grid_theirs  # ascending along the frontier
        self._opening_picks = None if opening is None else read_package(self.table, opening)
        if self._opening_picks is None:
            self._top = int(self._front_theirs[-1])
        else:
            self._top = self._grid_score("theirs", self._opening_picks)
        if self._floor > self._top:
            best = self._value("theirs", self._top)
            raise RehearsalError(
                f"their floor ({their_floor:g}) is above their opening ({best:g}): "
                "they could never accept"
            )
        self._opening = None if opening is None else dict(opening)
        self._target = self._top
        self._last_offer: int | None = None  # their score of our previous offer
        self.moves: list[Move] = []
        self._offers: list[dict[Hashable, Hashable]] = []
        self._answers: list[dict[str, Any]] = []
        self.outcome: Literal["open", "agreed", "walked_away"] = "open"

    # --- scores ---------------------------------------------------------------------------

    def _grid_score(self, side: str, picks: Sequence[int]) -> int:
        return sum(int(values[j]) for values, j in zip(self.table.values[side], picks, strict=True))

    def _value(self, side: str, grid: int) -> float:
        exponent = self.table.exponents[side]
        return float(_from_grid(np.array([grid], dtype=object), exponent)[0])

    def _package(self, picks: Sequence[int]) -> Package:
        options = {
            i: self.table.labels[k][j]
            for k, (i, j) in enumerate(zip(self.table.issues, picks, strict=True))
        }
        ours = self._value("ours", self._grid_score("ours", picks))
        return Package(ours, self._value("theirs", self._grid_score("theirs", picks)), options)

    # --- their aim ------------------------------------------------------------------------

    @property
    def round(self) -> int:
        """The round the next answer belongs to (1 for the first)."""
        return len(self._answers) + 1

    @property
    def finished(self) -> bool:
        """Whether they have accepted or walked away."""
        return self.outcome != "open"

    def time(self, at: int) -> float:
        """The share of the time gone at round ``at``: 0 at the first round, 1 at the last."""
        return 1.0 if self.rounds == 1 else min(1.0, (at - 1) / (self.rounds - 1))

    def _curve(self, at: int) -> int:
        e = EXPONENTS[self.style]
        share = 1 - self.time(at) ** (1 / e)
        return self._floor + round(share * (self._top - self._floor))

    def target(self, at: int | None = None) -> float:
        """What they aim for at round ``at`` (the next one by default), in their values; for
        tit-for-tat, what it aims for now."""
        grid = self._target if self.style == "tit_for_tat" else self._curve(at or self.round)
        return self._value("theirs", grid)

    def _counter(self, target: int) -> list[int]:
        """The package best for us among those giving them at least ``target``."""
        if self._opening_picks is not None and target >= self._top:
            return list(self._opening_picks)
        at = int(np.searchsorted(self._front_theirs, target, side="left"))
        return self.frontier.chosen[min(at, len(self._front_theirs) - 1)].tolist()

    def opening(self) -> Package:
        """Their first offer."""
        return self._package(self._counter(self._top))

    # --- the turn -------------------------------------------------------------------------

    def respond(self, offer: object) -> Response:
        """Their answer to our ``offer`` (a mapping issue -> option, or a package)."""
        if self.finished:
            raise RehearsalError(
                "the rehearsal is over: they "
                + ("accepted" if self.outcome == "agreed" else "walked away")
            )
        picks = read_package(self.table, offer)
        round_ = self.round
        offered = self._grid_score("theirs", picks)
        if self.style == "tit_for_tat":
            if self._last_offer is not None:
                moved = offered - self._last_offer
                self._target = max(self._floor, min(self._top, self._target - moved))
            target = self._target
        else:
            target = self._curve(round_)
        self._last_offer = offered
        counter = self._counter(target)
        wanted = max(self._grid_score("theirs", counter), self._floor)
        ours_offer = self._package(picks)
        self.moves.append(
            Move(round_, "us", "offer", ours_offer.options, ours_offer.ours, ours_offer.theirs)
        )
        self._offers.append(dict(ours_offer.options))
        last = round_ >= self.rounds
        if offered >= wanted or (last and offered >= self._floor):
            kind: Kind = "accept"
            package: Package | None = ours_offer
            self.outcome = "agreed"
        elif last:
            kind, package = "walk_away", None
            self.outcome = "walked_away"
        else:
            kind, package = "counter", self._package(counter)
        options = None if package is None else package.options
        self._answers.append({"kind": kind, "options": options})
        self.moves.append(
            Move(
                round_,
                "them",
                kind,
                options,
                None if package is None else package.ours,
                None if package is None else package.theirs,
            )
        )
        return Response(kind, round_, package, self._value("theirs", target))

    def rehearsal(self) -> Rehearsal:
        """The record to keep with the plan and replay later."""
        return Rehearsal(
            self.requested_style,
            self.rounds,
            self.seed,
            self.their_floor,
            self._opening,
            list(self._offers),
            list(self._answers),
        )


# --- the rehearsal ledger and the debrief ---------------------------------------------------
