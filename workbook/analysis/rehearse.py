"""The plan's side of a rehearsal, of improving the offer on the table and of the team's
differing estimates: what the app and the brief read, built on the exact analyses in
:mod:`workbook.analysis.rehearsal`, :mod:`workbook.analysis.improve` and
:mod:`workbook.analysis.robust`.

The options are the planner's variables on the agenda, with weighted values
(:func:`~workbook.analysis.packages.planner_rows`): the variable's name is the issue, the
option's label the option. A plan keeps its rehearsals by variable and option *ids*
(:class:`~workbook.model.RehearsalRecord`), so a renamed option still replays; they are
turned into names only to play.

Their floor in a rehearsal is their package floor when the plan gives one; otherwise it is
the middle of their scores along the Pareto frontier (halfway between the package best for
us and the package best for them), so that they neither take anything nor refuse all.

>>> from workbook.store import example_plan
>>> plan = example_plan()
>>> record = start_rehearsal(plan.concessions, style="conceder", rounds=3, seed=7)
>>> record = play_round(plan.concessions, record, plan.concessions.current_offer)
>>> record.played[0].answer in ("counter", "accept")
True
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbook.analysis.improve import Improvements, improvements
from workbook.analysis.packages import OptionRow, PackageInputError, frontier, planner_rows
from workbook.analysis.rehearsal import Counterpart, Rehearsal, RehearsalError
from workbook.analysis.rehearsal_report import RehearsalReport, rehearsal_report
from workbook.analysis.robust import RobustFrontier, RobustPackage, robust_frontier
from workbook.content import advice
from workbook.model import ConcessionPlanner, Plan, RehearsalRecord, RehearsalRound, Variable

if TYPE_CHECKING:
    from workbook.model.concessions import Package as IdPackage


def agenda(planner: ConcessionPlanner) -> list[Variable]:
    """The variables on the agenda that have options: the issues of every package."""
    return [v for v in planner.variables if v.on_agenda and v.options]


def agenda_rows(planner: ConcessionPlanner) -> list[OptionRow]:
    """The options of the variables on the agenda, weighted (the rehearsal's options)."""
    variables = agenda(planner)
    if not variables:
        raise PackageInputError(
            "there is nothing to rehearse yet: put variables with options on the agenda"
        )
    return planner_rows(planner.model_copy(update={"variables": variables}))


def their_floor(planner: ConcessionPlanner) -> tuple[float, bool]:
    """Their floor in planner units, and whether it is the default (see the module)."""
    given = planner.positions.theirs.package_floor
    if given is not None:
        return float(given), False
    front = frontier(agenda_rows(planner))
    return float((front.theirs.min() + front.theirs.max()) / 2), True


def to_names(planner: ConcessionPlanner, package: Mapping[str, str]) -> dict[Hashable, Hashable]:
    """A package kept by ids as variable name -> option label; a variable left out or an
    option gone is refused with its name."""
    named: dict[Hashable, Hashable] = {}
    for var in agenda(planner):
        option = next((o for o in var.options if o.id == package.get(var.id)), None)
        if option is None:
            raise PackageInputError(f"pick an option for {var.name}")
        named[var.name] = option.label
    return named


def to_ids(planner: ConcessionPlanner, package: Mapping[Hashable, Hashable]) -> dict[str, str]:
    """A package by names (as the analyses give it) as variable id -> option id."""
    ids: dict[str, str] = {}
    for var in agenda(planner):
        option = next(o for o in var.options if o.label == package[var.name])
        ids[var.id] = option.id
    return ids


def start_rehearsal(
    planner: ConcessionPlanner, style: str = "boulware", rounds: int = 8, seed: int = 0
) -> RehearsalRecord:
    """A new rehearsal against their side as the plan models it (checked by playing it)."""
    floor, _default = their_floor(planner)
    record = RehearsalRecord(style=style, rounds=rounds, seed=seed, their_floor=floor)  # type: ignore[arg-type]
    replay(planner, record)
    return record


def _rehearsal(planner: ConcessionPlanner, record: RehearsalRecord) -> Rehearsal:
    return Rehearsal(
        style=record.style,
        rounds=record.rounds,
        seed=record.seed,
        their_floor=record.their_floor,
        offers=[to_names(planner, r.offer) for r in record.played],
        answers=[
            {
                "kind": r.answer,
                "options": None if r.package is None else to_names(planner, r.package),
            }
            for r in record.played
        ],
    )


def replay(planner: ConcessionPlanner, record: RehearsalRecord) -> Counterpart:
    """Their side with every kept round played again (RehearsalError when the plan's options
    or values changed so that a round would be answered otherwise)."""
    return _rehearsal(planner, record).replay(agenda_rows(planner))


def play_round(
    planner: ConcessionPlanner, record: RehearsalRecord, offer: Mapping[str, str]
) -> RehearsalRecord:
    """The rehearsal with our ``offer`` (variable id -> option id) answered."""
    them = replay(planner, record)
    if them.finished:
        raise RehearsalError("this rehearsal is over: start a new one")
    answer = them.respond(to_names(planner, offer))
    played = RehearsalRound(
        offer={v.id: offer[v.id] for v in agenda(planner)},
        answer=answer.kind,
        package=None if answer.package is None else to_ids(planner, answer.package.options),
    )
    return record.model_copy(update={"played": [*record.played, played]})


def opening(planner: ConcessionPlanner, record: RehearsalRecord) -> IdPackage:
    """Their opening in this rehearsal, by ids."""
    return to_ids(planner, replay(planner, record).opening().options)


def debrief(plan: Plan, record: RehearsalRecord) -> RehearsalReport:
    """The debrief of a kept rehearsal, on the plan's options, floors and ledger rules."""
    planner = plan.concessions
    them = replay(planner, record)
    return rehearsal_report(
        them,
        agenda_rows(planner),
        our_walk_away=planner.positions.ours.package_floor,
        their_floor=record.their_floor,
        plan=plan,
    )


def walk_away_note(report: RehearsalReport) -> str:
    """After a walk-away: whether their last counter-offer would have beaten no deal for us
    (at or above our package floor; any offer does when the plan gives no floor)."""
    from workbook.content import advice

    last = next(
        (m for m in reversed(report.moves) if m.side == "them" and m.kind == "counter"), None
    )
    if last is None or last.ours is None:
        return advice("concessions.debrief_no_counter")
    floor = report.our_walk_away
    if floor is None or last.ours >= floor:
        return advice("concessions.debrief_counter_above_floor", ours=last.ours, floor=floor or 0.0)
    return advice("concessions.debrief_counter_below_floor", ours=last.ours, floor=floor)


def offer_improvements(planner: ConcessionPlanner, limit: int | None = 5) -> Improvements | None:
    """What improves on the offer on the table for both sides; None when the offer does not
    name an option for every variable on the agenda (or there is nothing on the agenda)."""
    return package_improvements(planner, planner.current_offer, limit)


def package_improvements(
    planner: ConcessionPlanner, package: Mapping[str, str], limit: int | None = 5
) -> Improvements | None:
    """What improves on ``package`` (variable id -> option id, such as the package agreed)
    for both sides; None when it does not name an option for every variable on the agenda."""
    try:
        rows = agenda_rows(planner)
        named = to_names(planner, package)
    except PackageInputError:
        return None
    return improvements(rows, named, limit=limit)


def estimate_rows(planner: ConcessionPlanner) -> dict[str, list[OptionRow]]:
    """The options under each estimate of their side: the plan's own values first ("the
    plan"), then each kept estimate, which takes from the plan what it leaves out."""
    variables = agenda(planner)
    by_name = {"the plan": agenda_rows(planner)}
    for estimate in planner.their_estimates:
        changed = [
            var.model_copy(
                update={
                    "weight_theirs": estimate.weights.get(var.id, var.weight_theirs),
                    "options": [
                        o.model_copy(update={"theirs": estimate.values.get(o.id, o.theirs)})
                        for o in var.options
                    ],
                }
            )
            for var in variables
        ]
        by_name[estimate.name] = planner_rows(planner.model_copy(update={"variables": changed}))
    return by_name


def robust_packages(planner: ConcessionPlanner) -> RobustFrontier | None:
    """Packages efficient under every estimate of their side and under most; None with
    fewer than two estimates (the plan's own values count as one)."""
    if not planner.their_estimates:
        return None
    try:
        rows = estimate_rows(planner)
    except PackageInputError:
        return None
    ours = planner.positions.ours.package_floor or 0.0
    theirs = planner.positions.theirs.package_floor or 0.0
    return robust_frontier(rows, ours, theirs)


def robust_offers(
    planner: ConcessionPlanner, found: RobustFrontier, limit: int = 8
) -> tuple[list[RobustPackage], bool]:
    """The packages to offer from, and whether they clear both floors: those within our
    package floor and theirs under every estimate, most robust first (the share of estimates
    under which each is efficient), then by the joint score (ours plus their mean score);
    when none clears both floors, the packages efficient under more than half of the
    estimates, in the same order."""
    ours_floor = planner.positions.ours.package_floor
    theirs_floor = planner.positions.theirs.package_floor
    inside = [
        row
        for row in found.rows
        if (ours_floor is None or row.ours >= ours_floor)
        and (theirs_floor is None or min(row.theirs) >= theirs_floor)
    ]
    chosen = inside or [row for row in found.rows if row.share > 0.5]
    chosen.sort(key=lambda row: (-row.share, -(row.ours + sum(row.theirs) / len(row.theirs))))
    return chosen[:limit], bool(inside)


@dataclass(frozen=True)
class EstimateSummary:
    """A robust frontier in words: counts and the Nash package under each estimate."""

    everywhere: int
    most: int
    total: int
    estimates: int

    @property
    def text(self) -> str:
        """The summary in the content's words."""
        return advice(
            "concessions.robust_summary",
            estimates=self.estimates,
            everywhere=self.everywhere,
            most=self.most,
            total=self.total,
        )


def summarise(found: RobustFrontier) -> EstimateSummary:
    """How many packages are efficient under every estimate, and under more than half."""
    most = sum(1 for row in found.rows if 0.5 < row.share < 1)
    return EstimateSummary(len(found.everywhere()), most, len(found.rows), len(found.estimates))


def keep_estimate(planner: ConcessionPlanner, name: str) -> list[dict[str, object]]:
    """The plan's estimates with the plan's current values for them kept under ``name``
    (replacing an estimate of that name), as rows to store."""
    values = {o.id: o.theirs for v in agenda(planner) for o in v.options}
    weights = {v.id: v.weight_theirs for v in agenda(planner)}
    rows = [e.model_dump() for e in planner.their_estimates]
    found = next((r for r in rows if str(r["name"]).casefold() == name.strip().casefold()), None)
    if found is not None:
        found.update(values=values, weights=weights)
    else:
        rows.append({"name": name, "values": values, "weights": weights})
    return rows


def estimates_with_answers(
    planner: ConcessionPlanner, answers: Mapping[str, Mapping[str, float]]
) -> list[dict[str, object]]:
    """The plan's estimates of their side with each workshop participant's values for their
    side kept as that participant's estimate (option id -> value; added to an estimate of
    the same name), as rows to store; the newest are kept within the plan's limit."""
    from workbook.model.concessions import MAX_ESTIMATES
    from workbook.model.fields import new_id

    rows = [e.model_dump() for e in planner.their_estimates]
    for participant, values in answers.items():
        found = next((r for r in rows if str(r["name"]).casefold() == participant.casefold()), None)
        if found is None:
            rows.append({"id": new_id(), "name": participant, "weights": {}, "values": {}})
            found = rows[-1]
        found["values"] = {**found["values"], **{k: float(v) for k, v in values.items()}}
    return rows[-MAX_ESTIMATES:]


def rehearsal_records(planner: ConcessionPlanner) -> list[dict[str, object]]:
    """Every kept rehearsal round as a plain record (names, not ids, where they still
    resolve), for the plan's tables and the xlsx."""

    def words(package: Mapping[str, str] | None) -> str:
        if package is None:
            return ""
        labels = {o.id: (v.name, o.label) for v in planner.variables for o in v.options}
        return "; ".join(
            f"{labels[o][0]}: {labels[o][1]}" if o in labels else f"{k}: {o}"
            for k, o in package.items()
        )

    records: list[dict[str, object]] = []
    for record in planner.rehearsals:
        for number, played in enumerate(record.played, 1):
            records.append(
                {
                    "rehearsal": record.id,
                    "started": record.at,
                    "style": record.style,
                    "rounds": record.rounds,
                    "seed": record.seed,
                    "their_floor": record.their_floor,
                    "round": number,
                    "our_offer": words(played.offer),
                    "answer": played.answer,
                    "their_package": words(played.package),
                }
            )
    return records


REHEARSAL_COLUMNS = (
    "rehearsal",
    "started",
    "style",
    "rounds",
    "seed",
    "their_floor",
    "round",
    "our_offer",
    "answer",
    "their_package",
)
"""The columns of :func:`rehearsal_records`."""
