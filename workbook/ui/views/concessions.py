"""Section 4: the concession planner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as W

from workbook import model as m
from workbook.ui.forms import Column, message_widget
from workbook.ui.views.base import SectionView


def variable_choices(plan: m.Plan) -> list[tuple[str, str | None]]:
    """The plan's variables as (name, id) pairs, with a blank first."""
    return [("—", None), *[(v.name, v.id) for v in plan.concessions.variables]]


class View(SectionView):
    """Variables and options, positions, the offer on the table and the step plan."""

    def build(self) -> Sequence[W.Widget]:
        c = ("concessions",)
        self.offer_box = W.VBox()
        self._render_offer()
        self.on_change((*c, "variables"), self._render_offer)
        return [
            self.field((*c, "unit")),
            self.table(
                (*c, "variables"),
                m.Variable,
                [
                    Column("name", width="2fr"),
                    Column("on_agenda", width="90px"),
                    Column("weight_ours", width="100px"),
                    Column("weight_theirs", width="100px"),
                ],
                add_label="Add variable",
                detail=self._options,
            ),
            self.heading("Positions"),
            self.row(self._side("ours", "Us"), self._side("theirs", "Them")),
            self.row(
                self.field((*c, "positions", "market_reference")),
                self.field((*c, "positions", "anchor_threshold_pct")),
            ),
            self.heading("The offer on the table"),
            self.offer_box,
            self.heading("Conditional concession plan"),
            self.table(
                (*c, "steps"),
                m.ConcessionStep,
                [
                    Column("if_they_give", width="2fr"),
                    Column(
                        "their_variable_id",
                        label="Their variable",
                        width="1fr",
                        choices=variable_choices,
                    ),
                    Column("we_give", width="2fr"),
                    Column(
                        "our_variable_id",
                        label="Our variable",
                        width="1fr",
                        choices=variable_choices,
                    ),
                    Column("our_cost", width="90px"),
                    Column("their_value", width="90px"),
                    Column("reason_kind", width="1.2fr"),
                ],
                add_label="Add step",
            ),
            self.heading("When they do not reciprocate"),
            self.row(
                self.field((*c, "no_reciprocity", "pause")),
                self.field((*c, "no_reciprocity", "batna_check")),
            ),
            self.row(
                self.field((*c, "no_reciprocity", "name_it")),
                self.field((*c, "no_reciprocity", "ask_for")),
            ),
            *self.custom_questions(),
        ]

    def _side(self, side: str, title: str) -> W.Widget:
        p = ("concessions", "positions", side)
        return W.VBox(
            [
                W.HTML(f"<b>{title}</b>"),
                self.row(
                    self.field((*p, "opening")),
                    self.field((*p, "target")),
                    self.field((*p, "reservation")),
                ),
                self.field((*p, "batna")),
                self.row(self.field((*p, "batna_value")), self.field((*p, "package_floor"))),
            ]
        )

    def _options(self, index: int) -> W.Widget:
        path = ("concessions", "variables", index, "options")
        table = self.table(
            path,
            m.Option,
            [
                Column("label", width="2fr"),
                Column("ours", width="1fr"),
                Column("theirs", width="1fr"),
            ],
            question=False,
            add_label="Add option",
            empty_text="No options yet.",
        )
        return W.VBox([table], layout=W.Layout(margin="0 0 8px 24px"))

    def _render_offer(self) -> None:
        plan = self.session.plan
        rows: list[W.Widget] = []
        for var in plan.concessions.variables:
            if not var.options:
                continue
            options: list[tuple[str, Any]] = [("— not in the offer —", None)]
            options += [(o.label, o.id) for o in var.options]
            current = plan.concessions.current_offer.get(var.id)
            dropdown = W.Dropdown(
                options=options,
                value=current if current in [v for _, v in options] else None,
                disabled=self.session.read_only,
                layout=W.Layout(width="100%"),
            )
            message = message_widget()
            dropdown.observe(self._offer_changed(var.id, dropdown, message), names="value")
            rows.append(
                self.row(W.HTML(var.name), W.VBox([dropdown, message]), widths=["1fr", "2fr"])
            )
        for old in self.offer_box.children:
            old.close()
        self.offer_box.children = rows or [self.note("Add variables with options first.")]

    def _offer_changed(self, variable_id: str, dropdown: W.Dropdown, message: W.HTML) -> Any:
        def changed(change: dict[str, Any]) -> None:
            offer = dict(self.session.plan.concessions.current_offer)
            if change["new"] is None:
                offer.pop(variable_id, None)
            else:
                offer[variable_id] = change["new"]
            problem = self.session.set(("concessions", "current_offer"), offer)
            message.say(problem or "")
            if problem:
                dropdown.value = self.session.plan.concessions.current_offer.get(variable_id)

        return changed
