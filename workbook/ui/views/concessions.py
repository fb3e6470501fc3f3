"""Section 4: the concession planner."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W

from workbook import model as m
from workbook.analysis.concessions import (
    PackageView,
    package_view,
    plan_checks,
    trade_currency,
    zopa,
)
from workbook.analysis.packages import PackageInputError
from workbook.charts.concessions import package_chart, trade_chart, zopa_chart
from workbook.ui.engine import choices
from workbook.ui.forms import ChoiceList, Column, MessageLine, message_widget
from workbook.ui.session import Subscriptions
from workbook.ui.style import empty_html, flags_html, hint_html, verdict_html
from workbook.ui.views.base import SectionView

NOT_OFFERED = ""
"""The dropdown value of a variable left out of the offer (a Dropdown shows None as blank)."""


@choices("variables", follows=("concessions.variables",))
def variable_choices(plan: m.Plan) -> list[tuple[str, str | None]]:
    """The plan's variables as (name, id) pairs, with a blank first."""
    return [("—", None), *[(v.name, v.id) for v in plan.concessions.variables]]


VARIABLES = ChoiceList(variable_choices, follows=(("concessions", "variables"),))


@choices("options", follows=("concessions.variables",))
def option_choices(plan: m.Plan) -> list[tuple[str, str | None]]:
    """Every option of every variable as ("option · variable", id) pairs, with a blank first."""
    return [
        ("—", None),
        *[(f"{o.label} · {v.name}", o.id) for v in plan.concessions.variables for o in v.options],
    ]


OPTIONS = ChoiceList(option_choices, follows=(("concessions", "variables"),))
"""The variables dropdown, following the variables as they are added, renamed, removed."""


def package_summary(view: PackageView | None) -> str:
    """One or two sentences on the package space."""
    if view is None:
        return ""
    parts = [
        f"{view.total:,} possible packages (one option per variable); {len(view.frontier)} "
        "on the Pareto frontier, where no other package is better for both sides at once."
    ]
    if view.nash is None:
        parts.append("No package clears both floors.")
    else:
        parts.append(
            f"Nash package (the frontier's fairest middle: the largest product of both sides' "
            f"gains above their floors): package score us {view.nash['ours']:,.1f}, "
            f"them {view.nash['theirs']:,.1f}."
        )
        if view.current is not None:
            gap = (view.nash["ours"] + view.nash["theirs"]) - (
                view.current["ours"] + view.current["theirs"]
            )
            if gap > 0:
                parts.append(
                    f"The offer on the table leaves {gap:,.1f} points of value unused: the "
                    "Nash package gives the two sides that much more together."
                )
    return " ".join(parts)


class View(SectionView):
    """Variables and options, trade currency, positions and the zone of agreement, the offer
    on the table, packages, the step plan and its checks."""

    def build(self) -> Sequence[W.Widget]:
        c = ("concessions",)
        self.offer_box = W.VBox()
        self.trade_text, self.trade = W.HTML(), self.chart("trade")
        self.zopa_text, self.zopa = W.HTML(), self.chart("zopa")
        self.packages_text, self.packages = W.HTML(), self.chart("packages")
        self.flags = W.HTML()
        self._render_offer()
        self.on_change((*c, "variables"), self._render_offer)
        for prefix in (c, ("side",), ("currency",)):
            self.on_change(prefix, self._refresh)
        self._refresh()
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
                    Column("money", width="90px"),
                ],
                add_label="Add variable",
                detail=self._options,
            ),
            self.row(
                self.field((*c, "point_value_ours")),
                self.field((*c, "point_value_theirs")),
            ),
            self.row(
                self.field((*c, "price_variable_id"), choices=VARIABLES),
                self.field((*c, "volume")),
                self.field((*c, "term_months")),
            ),
            self.heading("Trade currency"),
            self.panel(self.trade_text, self.trade),
            self.heading("Positions"),
            self.row(self._side("ours", "Us"), self._side("theirs", "Them")),
            self.row(
                self.field((*c, "positions", "market_reference")),
                self.field((*c, "positions", "anchor_threshold_pct")),
            ),
            self.row(
                self.field((*c, "positions", "first_offer", "who_opens")),
                self.field((*c, "positions", "first_offer", "our_figure")),
            ),
            self.field((*c, "positions", "first_offer", "criteria")),
            self.panel(self.zopa_text, self.zopa),
            self.heading("The offer on the table"),
            self.offer_box,
            self.heading("Packages"),
            self.panel(self.packages_text, self.packages),
            self.heading("Conditional concession plan"),
            self.table(
                (*c, "steps"),
                m.ConcessionStep,
                [
                    Column("if_they_give", width="2fr"),
                    Column("we_give", width="2fr"),
                    Column("our_cost", width="100px"),
                    Column("their_value", width="100px"),
                ],
                add_label="Add step",
                detail=self._step_details,
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
            self.heading("Checks"),
            self.flags,
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
                self.field((*p, "existing_business")),
                *([self.field((*p, "reservation_reason"))] if side == "ours" else []),
            ]
        )

    def _step_details(self, index: int, subs: Subscriptions) -> W.Widget:
        return self.detail_fields(
            subs,
            ("concessions", "steps", index),
            [
                Column("their_variable_id", label="They move on", choices=VARIABLES),
                Column("our_variable_id", label="We move on", choices=VARIABLES),
                Column("our_from_option_id", label="From option", choices=OPTIONS),
                Column("our_to_option_id", label="To option", choices=OPTIONS),
                Column("reason_kind", label="Meant to solve"),
                Column("reason", label="Why", width="2fr"),
            ],
        )

    def _options(self, index: int, _subs: Subscriptions) -> W.Widget:
        path = ("concessions", "variables", index, "options")
        table = self.table(
            path,
            m.Option,
            [
                Column("label", width="2fr"),
                Column("ours", width="1fr"),
                Column("theirs", width="1fr"),
                Column("amount", width="1fr"),
            ],
            question=False,
            add_label="Add option",
            empty_text="No options yet.",
        )
        return W.VBox([table], layout=W.Layout(margin="0 0 8px 24px"))

    # --- the offer on the table: one choice per variable -------------------------------

    def _render_offer(self) -> None:
        plan = self.session.plan
        rows: list[W.Widget] = []
        for var in plan.concessions.variables:
            if not var.options:
                continue
            options: list[tuple[str, Any]] = [("— not in the offer —", NOT_OFFERED)]
            options += [(o.label, o.id) for o in var.options]
            current = plan.concessions.current_offer.get(var.id, NOT_OFFERED)
            dropdown = W.Dropdown(
                options=options,
                value=current if current in [v for _, v in options] else NOT_OFFERED,
                disabled=self.session.read_only,
                layout=W.Layout(width="100%"),
            )
            dropdown.add_class("nw-offer")
            message = message_widget()
            dropdown.observe(self._offer_changed(var.id, dropdown, message), names="value")
            rows.append(
                self.row(
                    W.HTML(html.escape(var.name)),
                    W.VBox([dropdown, message]),
                    widths=["1fr", "2fr"],
                )
            )
        for old in self.offer_box.children:
            old.close()
        self.offer_box.children = rows or [self.note("Add variables with options first.")]

    def _offer_changed(
        self, variable_id: str, dropdown: W.Dropdown, message: MessageLine
    ) -> Callable[[dict[str, Any]], None]:
        def changed(change: dict[str, Any]) -> None:
            offer = dict(self.session.plan.concessions.current_offer)
            if change["new"] == NOT_OFFERED:
                offer.pop(variable_id, None)
            else:
                offer[variable_id] = change["new"]
            problem = self.session.set(("concessions", "current_offer"), offer)
            message.say(problem or "")
            if problem:
                dropdown.value = self.session.plan.concessions.current_offer.get(
                    variable_id, NOT_OFFERED
                )

        return changed

    # --- analysis ------------------------------------------------------------------------

    def _refresh(self) -> None:
        plan = self.session.plan
        planner = plan.concessions
        trades = trade_currency(planner, plan.side)
        best = trades[trades["quadrant"] == "trade currency"].head(3) if len(trades) else trades
        top = [f"{r.variable}: {r.to_option}" for r in best.itertuples()]
        self.trade_text.value = hint_html(
            "Offer first: " + "; ".join(top)
            if top
            else "Nothing is both cheap for us and valuable to them yet.",
            size="13px",
        )
        self.trade.show(
            trade_chart(trades) if len(trades) else None,
            "Give variables on the agenda at least two options to see what to trade.",
        )
        zone = zopa(plan)
        self.zopa_text.value = (
            empty_html(zone.statement)
            if zone.exists is None
            else verdict_html(zone.statement, bool(zone.exists))
        )
        sides = (planner.positions.ours, planner.positions.theirs)
        points = [getattr(side, k) for side in sides for k in ("opening", "target", "reservation")]
        self.zopa.show(
            zopa_chart(plan, zone) if any(v is not None for v in points) else None,
            "Enter each side's opening, target and walk-away to see the zone of agreement.",
        )
        try:
            view = package_view(planner, seed=plan.scenarios.seed)
        except PackageInputError as exc:
            view = None
            self.packages_text.value = hint_html(str(exc), size="13px")
        else:
            self.packages_text.value = hint_html(package_summary(view), size="13px")
        self.packages.show(
            package_chart(view) if view is not None else None,
            "Add variables on the agenda with options to see the packages.",
        )
        self.flags.value = flags_html(plan_checks(plan), "No check raised.")
