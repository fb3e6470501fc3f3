"""The live ledger: every concession answered, and what each side has given so far.

Reciprocity is judged by its real signals, not by a target split: a concession of ours
that nothing answered, a run of our concessions with nothing in between, a concession of
theirs that costs them nothing, and what we gave, on their scale, against what we received,
on ours. The running balance is shown as information: a good trade gives what is cheap for
us and gets what is valuable to us, so a lopsided split of *our* values is what we aim for.

A concession we gave is answered when a later concession we received names it in
``answers``, or, when nothing names it, by the received concession right after it
(:func:`answered_by` decides this for the whole workbook).

>>> from workbook.store import example_plan
>>> [row.description for row in ledger_rows(example_plan().ledger) if row.unanswered]
['Dashboard training for dispatchers']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from workbook.content import advice
from workbook.flags import Flag, Params
from workbook.model import Ledger, LedgerEntry, Plan

if TYPE_CHECKING:
    import pandas as pd

CHEAP_FOR_THEM = 0.1
"""A concession of theirs that costs them at most this share of what it is presented as
being worth (its value to us) costs them next to nothing."""

SHORT_RETURN = 0.5
"""An answer worth less to us than this share of what our concession gave them is short."""


def answered_by(entries: Sequence[LedgerEntry]) -> dict[str, str]:
    """Which received concession answers each concession we gave (given id -> received id).

    A received entry that names a concession in ``answers`` answers that one; a received
    entry that names nothing answers the given concession right before it.
    """
    ordered = sorted(entries, key=lambda e: e.at)
    given_ids = {e.id for e in ordered if e.direction == "given"}
    explicit: dict[str, str] = {}
    for e in ordered:
        if e.direction == "received" and e.answers in given_ids and e.answers not in explicit:
            explicit[e.answers] = e.id
    result: dict[str, str] = {}
    for index, entry in enumerate(ordered):
        if entry.direction != "given":
            continue
        if entry.id in explicit:
            result[entry.id] = explicit[entry.id]
            continue
        later = ordered[index + 1] if index + 1 < len(ordered) else None
        if later is not None and later.direction == "received" and not later.answers:
            result[entry.id] = later.id
    return result


def inferred_answers(entries: Sequence[LedgerEntry]) -> dict[str, str]:
    """The answers taken from the order (received id -> given id): received concessions
    that name nothing but answer the concession we gave right before them."""
    named = {e.id for e in entries if e.answers}
    return {r: g for g, r in answered_by(entries).items() if r not in named}


def unanswered_ids(entries: Sequence[LedgerEntry]) -> list[str]:
    """The concessions we gave that nothing answered, oldest first."""
    answered = answered_by(entries)
    ordered = sorted(entries, key=lambda e: e.at)
    return [e.id for e in ordered if e.direction == "given" and e.id not in answered]


class LedgerRow(NamedTuple):
    """One entry of the log with the running totals (a row of :func:`ledger_status`)."""

    id: str
    at: dt.datetime
    direction: str
    description: str
    value_ours: float
    value_theirs: float
    answered_by: str
    unanswered: bool
    given_total: float
    received_total: float
    given_to_them: float
    received_cost: float
    share_given: float | None


def ledger_rows(ledger: Ledger) -> list[LedgerRow]:
    """:func:`ledger_status` as plain rows, oldest first."""
    entries = sorted(ledger.entries, key=lambda e: e.at)
    answers = answered_by(entries)
    rows = []
    given = received = to_them = their_cost = 0.0
    for entry in entries:
        if entry.direction == "given":
            given += entry.value_ours
            to_them += entry.value_theirs
        else:
            received += entry.value_ours
            their_cost += entry.value_theirs
        total = given + received
        rows.append(
            LedgerRow(
                entry.id,
                entry.at,
                entry.direction,
                entry.description,
                entry.value_ours,
                entry.value_theirs,
                answers.get(entry.id, ""),
                entry.direction == "given" and entry.id not in answers,
                given,
                received,
                to_them,
                their_cost,
                round(given / total, 3) if total else None,
            )
        )
    return rows


def ledger_status(ledger: Ledger) -> pd.DataFrame:
    """The log, oldest first, with who answered what and the running totals.

    Columns: id, at, direction, description, value_ours, value_theirs, answered_by,
    unanswered, given_total (what our concessions cost us so far), received_total (what
    theirs are worth to us), given_to_them (what ours are worth to them), received_cost
    (what theirs cost them), share_given (given_total over given_total + received_total).
    """
    from workbook.frames import records_frame

    frame = records_frame(ledger_rows(ledger), LedgerRow._fields)
    return frame.astype({"unanswered": bool, "value_ours": float, "value_theirs": float})


@dataclass(frozen=True)
class LedgerBalance:
    """What has moved so far, each side's concessions valued on both scales."""

    given_cost: float
    given_to_them: float
    received_to_us: float
    received_cost: float

    def sentence(self, currency: str = "") -> str:
        """The balance in words, every figure as it is in the fields."""
        if not (self.given_cost or self.given_to_them or self.received_to_us):
            return "No concession with a value logged yet."
        unit = f"{currency} " if currency else ""
        return (
            f"We gave concessions worth {unit}{self.given_to_them:,.0f} to them "
            f"(costing us {unit}{self.given_cost:,.0f}); we received concessions worth "
            f"{unit}{self.received_to_us:,.0f} to us (costing them "
            f"{unit}{self.received_cost:,.0f})."
        )


def ledger_balance(ledger: Ledger) -> LedgerBalance:
    """Totals of the log: what we gave (cost to us, value to them) and what we received."""
    given = [e for e in ledger.entries if e.direction == "given"]
    received = [e for e in ledger.entries if e.direction == "received"]
    return LedgerBalance(
        sum(e.value_ours for e in given),
        sum(e.value_theirs for e in given),
        sum(e.value_ours for e in received),
        sum(e.value_theirs for e in received),
    )


@dataclass(frozen=True)
class AnswerVerdict:
    """Whether every concession we gave has been answered: good or not, and why."""

    good: bool
    code: str
    params: Params = ()

    @property
    def text(self) -> str:
        """The verdict in the content's words."""
        return advice(self.code, **dict(self.params))


def answer_verdict(ledger: Ledger) -> AnswerVerdict | None:
    """The verdict on the log's concessions: those still unanswered, or that every one was
    answered; None while the log is empty."""
    rows = ledger_rows(ledger)
    if not rows:
        return None
    open_items = [row.description for row in rows if row.unanswered]
    if open_items:
        return AnswerVerdict(False, "ledger.answers_open", (("items", "; ".join(open_items)),))
    return AnswerVerdict(True, "ledger.answers_complete")


def reciprocity_signals(ledger: Ledger, currency: str = "") -> list[Flag]:
    """Unanswered concessions, runs without a return, free concessions of theirs, and
    answers worth much less to us than what we gave was worth to them."""
    entries = sorted(ledger.entries, key=lambda e: e.at)
    by_id = {e.id: e for e in entries}
    answers = answered_by(entries)
    unit = f"{currency} " if currency else ""
    flags = [
        Flag.of("problem", e.description, "ledger.unanswered")
        for e in entries
        if e.direction == "given" and e.id not in answers
    ]
    run: list[LedgerEntry] = []
    for entry in [*entries, None]:
        if entry is not None and entry.direction == "given":
            run.append(entry)
            continue
        if len(run) >= 2:
            flags.append(
                Flag.of(
                    "problem",
                    f"{len(run)} concessions in a row",
                    "ledger.run_without_return",
                    given=", ".join(e.description for e in run),
                )
            )
        run = []
    for entry in entries:
        if entry.direction != "received" or entry.value_ours <= 0:
            continue
        if entry.value_theirs <= CHEAP_FOR_THEM * entry.value_ours:
            flags.append(
                Flag.of(
                    "warning",
                    entry.description,
                    "ledger.cheap_for_them",
                    unit=unit,
                    theirs=entry.value_theirs,
                    ours=entry.value_ours,
                )
            )
    for given_id, received_id in answers.items():
        gave, got = by_id[given_id], by_id[received_id]
        if gave.value_theirs > 0 and got.value_ours < SHORT_RETURN * gave.value_theirs:
            flags.append(
                Flag.of(
                    "warning",
                    got.description,
                    "ledger.short_return",
                    unit=unit,
                    ours=got.value_ours,
                    gave=gave.description,
                    theirs=gave.value_theirs,
                )
            )
    return flags


def ledger_flags(plan: Plan, currency: str | None = None) -> list[Flag]:
    """Reciprocity signals of the log and moves on variables off the agenda; amounts in
    ``currency`` (the plan's by default, "" for planner points)."""
    flags = reciprocity_signals(plan.ledger, plan.currency if currency is None else currency)
    agenda = {v.id: v for v in plan.concessions.variables}
    for entry in plan.ledger.entries:
        var = agenda.get(entry.variable_id or "")
        if var is not None and not var.on_agenda:
            flags.append(
                Flag.of("problem", entry.description, "ledger.off_agenda", variable=var.name)
            )
    return flags
