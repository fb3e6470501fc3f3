"""The meeting plan and the debrief after the meeting: the order of issues and its time
plan, a draft of our opening, the outcome against the plan, and the lessons that the next
plan with the same counterpart starts from. Pure functions of the plan; the words are the
content's (``[advice]`` of the meeting section).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbook.analysis.preparation import agenda_rows, package_scores
from workbook.flags import Flag
from workbook.model import Plan

if TYPE_CHECKING:
    import pandas as pd


# --- the meeting plan ---------------------------------------------------------------------


def opening_draft(plan: Plan) -> str:
    """A draft of our first two minutes, from the common ground already reached and what we
    share up front."""
    rel = plan.relationship
    lines = [
        "Thank you for making the time. We are here to reach an agreement that works for us both."
    ]
    ground = [g.text for g in rel.common_ground]
    if ground:
        lines.append("We already agree on this: " + "; ".join(ground) + ".")
    limits = [d.text for d in rel.disclosures if d.share_up_front and d.kind == "constraint"]
    if limits:
        lines.append(
            "So that nothing surprises you later, these limits bind us: " + "; ".join(limits) + "."
        )
    matters = [d.text for d in rel.disclosures if d.share_up_front and d.kind != "constraint"]
    if matters:
        lines.append("And so that you know where we stand: " + "; ".join(matters) + ".")
    issues = [i.text for i in plan.meeting.issues]
    if issues:
        lines.append("We suggest we take the issues in this order: " + "; ".join(issues) + ".")
    lines.append(
        "Nothing is agreed until everything is agreed." if plan.concessions.nothing_agreed else ""
    )
    return " ".join(x for x in lines if x)


def planned_minutes(plan: Plan) -> int:
    """The minutes the issues are given, together."""
    return sum(i.minutes for i in plan.meeting.issues)


def meeting_flags(plan: Plan) -> list[Flag]:
    """The order, the opening and the time plan."""
    m, flags = plan.meeting, []
    if not m.issues:
        flags.append(Flag.of("warning", "Order", "meeting.no_issues"))
    if not m.opening.strip():
        flags.append(Flag.of("warning", "Opening", "meeting.no_opening"))
    if m.length_minutes is None:
        flags.append(Flag.of("warning", "Time plan", "meeting.no_length"))
    elif planned_minutes(plan) > m.length_minutes:
        flags.append(
            Flag.of(
                "problem",
                "Time plan",
                "meeting.over_time",
                planned=planned_minutes(plan),
                length=m.length_minutes,
            )
        )
    return flags


# --- the debrief --------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One line of the debrief's comparison against the plan."""

    measure: str
    planned: str
    outcome: str


def debrief_comparison(plan: Plan) -> list[Comparison]:
    """The outcome against target, walk-away, frontier, the prepared offers and the ledger."""
    from workbook.analysis.ledger import ledger_balance

    d, c = plan.meeting.debrief, plan.concessions
    ours = c.positions.ours
    unit = plan.currency
    rows: list[Comparison] = []

    def money(x: float | None) -> str:
        return "—" if x is None else f"{unit} {x:,.0f}"

    rows.append(
        Comparison("Value of the deal", f"target {money(ours.target)}", money(d.agreed_value))
    )
    if d.agreed_value is not None and ours.reservation is not None:
        sell = plan.side == "sell"
        inside = d.agreed_value >= ours.reservation if sell else d.agreed_value <= ours.reservation
        rows.append(
            Comparison("Walk-away", money(ours.reservation), "respected" if inside else "crossed")
        )
    scores = package_scores(plan, d.agreed) if d.agreed else None
    if scores is not None:
        from workbook.analysis.packages import frontier

        rows_ = agenda_rows(plan)
        front = frontier(rows_)
        best = front.best(scores[1])
        gap = 0.0 if best is None else best.ours - scores[0]
        rows.append(
            Comparison(
                "Package score (us, them)",
                f"floor {ours.package_floor:g}" if ours.package_floor is not None else "—",
                f"{scores[0]:g}, {scores[1]:g}",
            )
        )
        rows.append(
            Comparison(
                "Left on the table for us",
                "0 on the frontier",
                f"{gap:g} points" if gap > 1e-9 else "none: on the frontier",
            )
        )
        chosen = next((o.name for o in c.prepared_offers if o.options == d.agreed), "")
        if c.prepared_offers:
            rows.append(
                Comparison(
                    "Prepared offers",
                    ", ".join(o.name for o in c.prepared_offers),
                    f"they chose {chosen}" if chosen else "none of them",
                )
            )
    balance = ledger_balance(plan.ledger)
    rows.append(
        Comparison(
            "Ledger: given, received (to us)",
            "received more than given",
            f"{money(balance.given_cost)}, {money(balance.received_to_us)}",
        )
    )
    return rows


def debrief_flags(plan: Plan) -> list[Flag]:
    """Once the meeting is held: the outcome, the package and the lessons."""
    d = plan.meeting.debrief
    if d.held_on is None and d.outcome == "open":
        return []
    flags: list[Flag] = []
    if d.outcome == "open":
        flags.append(Flag.of("warning", "Outcome", "meeting.outcome_open"))
    if d.outcome == "deal" and package_scores(plan, d.agreed) is None:
        flags.append(Flag.of("warning", "Package agreed", "meeting.no_package"))
    if not (d.went_well.strip() and d.change.strip()):
        flags.append(Flag.of("warning", "Review", "meeting.no_review"))
    if not d.lessons:
        flags.append(Flag.of("warning", "Lessons", "meeting.no_lessons"))
    return flags


def lessons_for(plans: Iterable[Plan], counterpart: str) -> list[str]:
    """Every lesson recorded in debriefs of earlier plans with ``counterpart``, oldest
    meeting first, each once."""
    key = " ".join(counterpart.split()).casefold()
    if not key:
        return []
    found = sorted(
        (
            p
            for p in plans
            if " ".join(p.counterpart.split()).casefold() == key and p.meeting.debrief.lessons
        ),
        key=lambda p: p.meeting.debrief.held_on or p.date or dt.date.min,
    )
    return list(dict.fromkeys(lesson for p in found for lesson in p.meeting.debrief.lessons))


def same_counterpart(a: str, b: str) -> bool:
    """Whether two counterpart names name the same company (case and spacing aside)."""
    key = " ".join(a.split()).casefold()
    return bool(key) and key == " ".join(b.split()).casefold()


def with_lessons(plan: Plan, earlier: Iterable[Plan]) -> Plan:
    """A new plan that starts from the lessons of earlier debriefs with its counterpart."""
    lessons = lessons_for(earlier, plan.counterpart)
    if not lessons:
        return plan
    meeting = plan.meeting.model_copy(update={"previous_lessons": lessons})
    return plan.model_copy(update={"meeting": meeting})


def debriefs(plans: Sequence[Plan]) -> pd.DataFrame:
    """One row per plan with a debrief: outcome, value against target and walk-away, the
    package's scores, lessons.

    >>> from workbook.store import example_plan
    >>> debriefs([example_plan()]).loc[0, "outcome"]
    'deal'
    """
    import pandas as pd

    rows = []
    for p in plans:
        d, ours = p.meeting.debrief, p.concessions.positions.ours
        if d.held_on is None and d.outcome == "open":
            continue
        scores = package_scores(p, d.agreed) if d.agreed else None
        rows.append(
            {
                "plan": p.name,
                "counterpart": p.counterpart,
                "held_on": d.held_on,
                "outcome": d.outcome,
                "currency": p.currency,
                "agreed_value": d.agreed_value,
                "target": ours.target,
                "walk_away": ours.reservation,
                "package_ours": None if scores is None else scores[0],
                "package_theirs": None if scores is None else scores[1],
                "went_well": d.went_well,
                "change": d.change,
                "lessons": "; ".join(d.lessons),
            }
        )
    columns = [
        "plan", "counterpart", "held_on", "outcome", "currency", "agreed_value", "target",
        "walk_away", "package_ours", "package_theirs", "went_well", "change", "lessons",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
