"""The form that creates a negotiation: its name, counterpart, company, side, value and
date, each checked where it is typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as W
from pydantic import ValidationError

from workbook.analysis.meeting import same_counterpart, with_lessons
from workbook.errors import describe
from workbook.model import Plan
from workbook.sections import SECTIONS
from workbook.store import company_key, example_plan
from workbook.ui.forms import message_widget, parse_number

if TYPE_CHECKING:
    from workbook.ui.dialog import Dialog
    from workbook.ui.shell import AppShell

LABELS = {
    "name": "Name",
    "counterpart": "Counterpart",
    "company": "Our company",
    "side": "Side",
    "deal_value": "Deal value",
    "currency": "Currency",
    "date": "Date",
}
"""The form's fields, as it names them."""


def ask_new(shell: AppShell, dialog: Dialog) -> None:
    """Show the form that creates a negotiation, and open the new one on its first section."""
    if shell.read_only:
        return
    fields = {
        "name": W.Text(placeholder="Northwind: fleet renewal 2027"),
        "counterpart": W.Text(placeholder="The company on the other side"),
        "company": W.Text(value=our_company(shell), placeholder="The company you negotiate for"),
        "side": W.ToggleButtons(options=[("We sell", "sell"), ("We buy", "buy")], value="sell"),
        "deal_value": W.Text(placeholder="e.g. 1,200,000"),
        "currency": W.Text(value="EUR", layout=W.Layout(width="80px")),
        "date": W.DatePicker(),
    }
    messages = {k: message_widget() for k in fields}
    for key, widget in fields.items():
        widget.add_class(f"nw-new-{key}")

    def create() -> None:
        for m in messages.values():
            m.say("")
        data: dict[str, Any] = {k: w.value for k, w in fields.items()}
        try:
            data["deal_value"] = parse_number(data["deal_value"] or "0")
        except ValueError as exc:
            messages["deal_value"].say(str(exc))
            return
        data["currency"] = str(data["currency"]).strip().upper()
        try:
            plan = Plan.model_validate(data)
        except ValidationError as exc:
            for problem in describe(exc):
                key = problem.field.split(".")[0]
                target = messages.get(key, messages["name"])
                target.say(problem.message[:1].upper() + problem.message[1:])
            return
        plan = with_lessons(plan, earlier_plans(shell, plan.counterpart))
        stored = shell.store.create(plan, author=shell.author, note="created")
        shell.open(stored.plan.id, section=SECTIONS[0].key)
        shell.say(f"Created {stored.plan.name}.", "ok")

    cells = {k: W.VBox([W.HTML(f"<b>{LABELS[k]}</b>"), w, messages[k]]) for k, w in fields.items()}
    grid = W.GridBox(
        list(cells.values()),
        layout=W.Layout(
            grid_template_columns="repeat(auto-fill, minmax(190px, 1fr))",
            grid_gap="0 10px",
            width="100%",
        ),
    )
    cancel = [] if shell.session is None else [("Cancel", "", dialog.hide)]
    dialog.show(
        W.HTML("<b style='font-size:15px'>New negotiation</b>"),
        grid,
        dialog.buttons(("Create", "primary", create), *cancel),
    )


def earlier_plans(shell: AppShell, counterpart: str) -> list[Plan]:
    """The plans this user can open with the same counterpart (their debriefs' lessons)."""
    return [
        shell.store.load(s.id).plan
        for s in shell.store.list_plans()
        if same_counterpart(s.counterpart, counterpart)
    ]


def our_company(shell: AppShell) -> str:
    """The company a new plan starts with: the open plan's, unless that is the example's."""
    if shell.session is None:
        return ""
    company = shell.session.plan.company
    return "" if company_key(company) == company_key(example_plan().company) else company
