"""The live ledger: every concession answered, and the running balance against 60/40.

A concession we gave is answered when a later concession we received names it in
``answers``, or, when nothing names it, by the received concession right after it.

>>> from workbook.store import example_plan
>>> [row.description for row in ledger_status(example_plan().ledger).itertuples()
...  if row.unanswered]
['Dashboard training for dispatchers']
"""

from __future__ import annotations

import pandas as pd

from workbook.analysis.strategy import Flag
from workbook.model import Ledger, Plan


def ledger_status(ledger: Ledger) -> pd.DataFrame:
    """The log, oldest first, with who answered what and the running balance.

    Columns: id, at, direction, description, value_ours, value_theirs, answered_by,
    unanswered, given_total, received_total, share_given (our share of all value moved so
    far, valued in our own terms: what we gave cost us, what we received is worth to us).
    """
    entries = sorted(ledger.entries, key=lambda e: e.at)
    explicit = {e.answers: e.id for e in entries if e.direction == "received" and e.answers}
    answered_by: dict[str, str] = {}
    for index, entry in enumerate(entries):
        if entry.direction != "given":
            continue
        if entry.id in explicit:
            answered_by[entry.id] = explicit[entry.id]
            continue
        later = entries[index + 1] if index + 1 < len(entries) else None
        if later is not None and later.direction == "received" and not later.answers:
            answered_by[entry.id] = later.id
    rows, given, received = [], 0.0, 0.0
    for entry in entries:
        if entry.direction == "given":
            given += entry.value_ours
        else:
            received += entry.value_ours
        total = given + received
        rows.append(
            (
                entry.id,
                entry.at,
                entry.direction,
                entry.description,
                entry.value_ours,
                entry.value_theirs,
                answered_by.get(entry.id, ""),
                entry.direction == "given" and entry.id not in answered_by,
                given,
                received,
                round(given / total, 3) if total else None,
            )
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "at",
            "direction",
            "description",
            "value_ours",
            "value_theirs",
            "answered_by",
            "unanswered",
            "given_total",
            "received_total",
            "share_given",
        ],
    )
    return frame.astype({"unanswered": bool, "value_ours": float, "value_theirs": float})


def ledger_flags(plan: Plan) -> list[Flag]:
    """Unanswered concessions, an unfair running balance, moves off the agenda."""
    ledger = plan.ledger
    status = ledger_status(ledger)
    flags = [
        Flag(
            "problem",
            str(row.description),
            "unanswered: ask for the return you planned before the next move",
        )
        for row in status.itertuples()
        if row.unanswered
    ]
    if len(status):
        share = status["share_given"].iloc[-1]
        if share is not None and not (1 - ledger.fair_share <= share <= ledger.fair_share):
            who = "We have given" if share > ledger.fair_share else "We have received"
            flags.append(
                Flag(
                    "warning",
                    "Balance",
                    f"{who} {share * 100:.0f}% of the value "
                    f"moved so far, outside the {ledger.fair_share * 100:.0f}/"
                    f"{100 - ledger.fair_share * 100:.0f} band",
                )
            )
    agenda = {v.id: v for v in plan.concessions.variables}
    for entry in ledger.entries:
        var = agenda.get(entry.variable_id or "")
        if var is not None and not var.on_agenda:
            flags.append(
                Flag(
                    "problem",
                    entry.description,
                    f"moves {var.name}, which was never on the agenda: scope creep",
                )
            )
    return flags
