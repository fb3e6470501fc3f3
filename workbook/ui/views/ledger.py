"""The live negotiation ledger: the panels and the editor its layout (ledger.toml) names."""

from __future__ import annotations

import ipywidgets as W

from workbook import model as m
from workbook.analysis.ledger import (
    answer_verdict,
    inferred_answers,
    ledger_balance,
    ledger_flags,
    ledger_rows,
)
from workbook.charts.concessions import ledger_chart
from workbook.content import advice
from workbook.ui.engine import Chart, Context, Part, choices, editor, panel
from workbook.ui.style import flags_html, hint_html, verdict_html
from workbook.ui.views import concessions as _variables  # noqa: F401  (its option lists)


@choices("ledger.answers", follows=("ledger.entries",))
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


def inferred_text(plan: m.Plan, entry_id: str) -> str:
    """The answer taken from the order for a received entry that names none, as a grey
    line ("" when there is none)."""
    given = inferred_answers(plan.ledger.entries).get(entry_id)
    entry = next((e for e in plan.ledger.entries if e.id == given), None)
    if entry is None:
        return ""
    return hint_html(advice("ledger.inferred_answer", entry=entry.description))  # escapes


@editor("ledger.inferred")
def inferred_line(ctx: Context) -> W.Widget:
    """Under an entry: the concession it answers, when that is taken from the order."""
    line = W.HTML()
    line.add_class("nw-ledger-inferred")
    index = ctx.base[-1]

    def show(_change: object = None) -> None:
        entries = ctx.plan.ledger.entries
        entry = entries[index] if isinstance(index, int) and index < len(entries) else None
        line.value = inferred_text(ctx.plan, entry.id) if entry else ""

    ctx.subs.on(("ledger",), show)
    show()
    return line


@panel("ledger.alert", reads=("ledger.entries",))
def alert_panel(ctx: Context) -> str:
    """Whether every concession we gave has been answered."""
    verdict = answer_verdict(ctx.plan.ledger)
    return verdict_html(verdict.text, verdict.good) if verdict else ""


@panel("ledger.balance", reads=("ledger.entries", "currency"))
def balance_panel(ctx: Context) -> list[Part]:
    """The running balance of what was given and received."""
    plan = ctx.plan
    status = ledger_rows(plan.ledger)
    return [
        hint_html(ledger_balance(plan.ledger).sentence(plan.currency), size="13px"),
        Chart(
            "ledger",
            ledger_chart(status, plan.currency) if status else None,
            advice("ledger.ledger_chart_empty"),
        ),
    ]


@panel("ledger.improvements", reads=("concessions.variables", "concessions.current_offer"))
def improvements_panel(ctx: Context) -> str:
    """What would be better for both sides than the offer on the table (or the deal)."""
    from workbook.analysis.rehearse import offer_improvements
    from workbook.ui.views.rehearse import improvements_block

    words = {
        "none": advice("ledger.improvements_no_offer"),
        "efficient": advice("ledger.improvements_efficient"),
        "lead": advice("ledger.improvements_lead"),
        "title": advice("ledger.improvements_title"),
        "more": advice("ledger.improvements_more"),
    }
    return improvements_block(offer_improvements(ctx.plan.concessions), words)


@panel("ledger.flags", reads=("ledger", "concessions.variables"))
def flags_panel(ctx: Context) -> str:
    """What to act on during the negotiation."""
    return flags_html(ledger_flags(ctx.plan), advice("ledger.nothing_to_flag"))
