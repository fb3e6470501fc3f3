"""Section 6: the live negotiation ledger."""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as W

from workbook import model as m
from workbook.analysis.ledger import (
    answer_verdict,
    inferred_answers,
    ledger_balance,
    ledger_flags,
    ledger_status,
)
from workbook.charts.concessions import ledger_chart
from workbook.ui.forms import ChoiceList, Column
from workbook.ui.session import Subscriptions
from workbook.ui.style import flags_html, hint_html, verdict_html
from workbook.ui.views.base import SectionView
from workbook.ui.views.concessions import OPTIONS, VARIABLES


def given_choices(plan: m.Plan) -> list[tuple[str, str | None]]:
    """Concessions we gave, as (description, id) pairs, with a blank first."""
    given = [(e.description, e.id) for e in plan.ledger.entries if e.direction == "given"]
    return [("—", None), *given]


def answer_choices(plan: m.Plan, own_id: str | None) -> list[tuple[str, str | None]]:
    """What an entry may answer, with a blank first: an earlier entry of the other
    direction (a new entry, whose direction is not chosen yet, may answer any entry)."""
    entries = plan.ledger.entries
    own = next((e for e in entries if e.id == own_id), None)
    offered = [
        (e.description, e.id)
        for e in entries
        if own is None or (e.direction != own.direction and e.at <= own.at and e.id != own.id)
    ]
    return [("—", None), *offered]


GIVEN = ChoiceList(
    given_choices, follows=(("ledger", "entries"),), not_own_row=True, for_row=answer_choices
)
"""Concessions an entry may answer: earlier ones of the other direction, never itself."""


def inferred_text(plan: m.Plan, entry_id: str) -> str:
    """The answer taken from the order for a received entry that names none, as a grey
    line ("" when there is none)."""
    given = inferred_answers(plan.ledger.entries).get(entry_id)
    entry = next((e for e in plan.ledger.entries if e.id == given), None)
    if entry is None:
        return ""
    return hint_html(f"answers {html.escape(entry.description)}, taken from the order")


class View(SectionView):
    """Every concession given and received, unanswered ones flagged, the running balance."""

    def build(self) -> Sequence[W.Widget]:
        self.alert = W.HTML()
        self.alert.add_class("nw-ledger-alert")
        self.balance = self.chart("ledger")
        self.balance_text = W.HTML()
        self.balance_text.add_class("nw-ledger-balance")
        self.flags = W.HTML()
        self.on_change(("ledger",), self._refresh)
        self.on_change(("concessions", "variables"), self._refresh)
        self._refresh()
        return [
            self.alert,
            self.table(
                ("ledger", "entries"),
                m.LedgerEntry,
                [
                    Column("at", width="145px"),
                    Column("direction", width="120px"),
                    Column("description", width="2fr"),
                    Column("value_ours", width="90px"),
                    Column("value_theirs", width="90px"),
                ],
                add_label="Log concession",
                detail=self._details,
                form=[
                    Column("at", width="1.5fr"),  # room for a whole "2026-12-08 10:05"
                    Column("direction"),
                    Column("description", width="2fr"),
                    Column("value_ours", start_blank=True),
                    Column("value_theirs", start_blank=True),
                    Column("answers", width="2fr", choices=GIVEN),
                ],
            ),
            self.panel(self.balance_text, self.balance),
            self.heading("Alerts"),
            self.flags,
            *self.custom_questions(),
        ]

    def _details(self, index: int, subs: Subscriptions) -> W.Widget:
        inferred = W.HTML()
        inferred.add_class("nw-ledger-inferred")

        def show(_change: object = None) -> None:
            entries = self.session.plan.ledger.entries
            entry = entries[index] if index < len(entries) else None
            inferred.value = inferred_text(self.session.plan, entry.id) if entry else ""

        subs.on(("ledger",), show)
        show()
        fields = self.detail_fields(
            subs,
            ("ledger", "entries", index),
            [
                Column("answers", label="Answers", width="1.2fr", choices=GIVEN),
                Column("variable_id", label="Variable moved", choices=VARIABLES),
                Column("from_option_id", label="From option", choices=OPTIONS),
                Column("to_option_id", label="To option", choices=OPTIONS),
                Column("note", label="Note", width="2fr"),
            ],
        )
        return W.VBox([inferred, fields])

    def _refresh(self) -> None:
        plan = self.session.plan
        status = ledger_status(plan.ledger)
        verdict = answer_verdict(plan.ledger)
        self.alert.value = verdict_html(verdict.text, verdict.good) if verdict else ""
        self.balance_text.value = hint_html(
            ledger_balance(plan.ledger).sentence(plan.currency), size="13px"
        )
        self.balance.show(
            ledger_chart(status, plan.currency) if len(status) else None,
            "Log concessions as they happen to see the running balance.",
        )
        self.flags.value = flags_html(ledger_flags(plan), "Nothing to flag.")
