"""Section 2: value proposition."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as W

from workbook import model as m
from workbook.analysis.value import (
    coverage,
    draft_statement,
    driver_comparison,
    overall_advantage,
    value_flags,
    value_items_frame,
    value_totals,
)
from workbook.charts.value import coverage_chart, driver_chart, value_chart
from workbook.ui.forms import ChoiceList, Column, ParseError
from workbook.ui.session import Subscriptions
from workbook.ui.style import empty_html, figures_html, flags_html, hint_html, verdict_html
from workbook.ui.views.base import SectionView
from workbook.working import evaluate


def pain_choices(plan: m.Plan) -> list[tuple[str, str]]:
    """The plan's pains as (text, id) pairs."""
    return [(p.text, p.id) for p in plan.value.pains]


def driver_choices(plan: m.Plan) -> list[tuple[str, str]]:
    """The plan's value drivers as (name, id) pairs."""
    return [(d.name, d.id) for d in plan.value.drivers]


PAINS = ChoiceList(pain_choices, follows=(("value", "pains"),))
DRIVERS = ChoiceList(driver_choices, follows=(("value", "drivers"),))


def payback_text(months: float | None, one_off: float) -> str:
    """The payback as a reader wants it: a dash until it can be worked out, and no
    "0 months" when there is no one-off price to pay back."""
    if months is None:
        return "—"
    if one_off <= 0 or months == 0:
        return "no one-off price"
    return f"{months:g} months"


def money(plan: m.Plan, amount: float | None) -> str:
    """An amount in the plan's currency, or a dash."""
    return "—" if amount is None else f"{plan.currency} {amount:,.0f}"


WORKING = "Quantity worked out as"
"""The on-screen label of a benefit's working, as the guidance names it."""


def read_working(row: dict[str, Any]) -> dict[str, Any]:
    """Refuse a new benefit whose quantity is left empty to follow from a working that is
    not a plain sum (the model fills in the quantity from one that is)."""
    working = str(row.get("quantity_basis") or "").strip()
    if row.get("quantity") is None and working and evaluate(working) is None:
        raise ParseError(
            f"{WORKING}: {working[:40]!r} is not a plain sum such as 3 * 2 * 12 * 8; "
            "correct it or enter the quantity."
        )
    return row


class View(SectionView):
    """Pains, differentiators, quantified value, the alternative and framing."""

    def build(self) -> Sequence[W.Widget]:
        v = ("value",)
        self.coverage_text, self.coverage_lists = W.HTML(), W.HTML()
        self.coverage_chart = self.chart("coverage")
        self.totals = W.HTML()
        self.value_chart = self.chart("value")
        self.driver_text = W.HTML()
        self.driver_chart = self.chart("drivers")
        self.flags = W.HTML()
        self.on_change(v, self._refresh)
        self.on_change(("currency",), self._refresh)
        self._refresh()
        return [
            self.table(
                (*v, "pains"),
                m.Pain,
                [
                    Column("text", width="3fr"),
                    Column("priority", width="110px"),
                    Column("stakeholder", width="1fr"),
                ],
                add_label="Add pain",
            ),
            self.table(
                (*v, "differentiators"),
                m.Differentiator,
                [
                    Column("text", width="2fr"),
                    Column("proof", width="2fr"),
                    Column("answers", width="1.5fr", kind="multi", choices=PAINS),
                ],
                add_label="Add differentiator",
            ),
            self.panel(self.coverage_text, self.coverage_chart, self.coverage_lists),
            self.heading("Quantified value"),
            self.table(
                (*v, "value_items"),
                m.ValueItem,
                [
                    Column("name", width="minmax(120px, 1.6fr)"),
                    Column("kind", width="110px"),
                    Column("quantity", width="90px"),
                    Column("unit", width="80px"),
                    Column("unit_value", width="90px"),
                    Column("probability", width="70px"),
                    Column("assumption", width="minmax(90px, 2fr)"),
                ],
                add_label="Add benefit",
                detail=self._basis,
                form=[
                    Column("name", width="2fr"),
                    Column("kind"),
                    Column("quantity_basis", label=WORKING, width="2fr"),
                    Column("quantity", may_be_empty=True),
                    Column("unit"),
                    Column("unit_value"),
                    Column("probability"),
                    Column("assumption", width="2fr"),
                ],
                prepare=read_working,
            ),
            self.row(
                self.field((*v, "investment")),
                self.field((*v, "annual_price")),
                self.field((*v, "horizon_years")),
            ),
            self.panel(self.totals, self.value_chart),
            self.heading("The alternative"),
            self.row(
                self.field((*v, "alternative", "name")),
                self.field((*v, "alternative", "annual_cost")),
            ),
            self.field((*v, "alternative", "description")),
            self.table(
                (*v, "drivers"),
                m.ValueDriver,
                [
                    Column("name", width="2fr"),
                    Column("ours", width="90px"),
                    Column("alternative", width="120px"),
                    Column("importance", width="120px"),
                ],
                add_label="Add driver",
            ),
            self.panel(self.driver_text, self.driver_chart),
            self.heading("Framing per stakeholder"),
            self.table(
                (*v, "framings"),
                m.StakeholderFraming,
                [
                    Column("role", width="140px"),
                    Column("name", width="1fr"),
                    Column("lead_drivers", width="1fr", kind="multi", choices=DRIVERS),
                    Column("statement", width="2fr"),
                ],
                add_label="Add stakeholder",
                detail=self._draft_button,
            ),
            self.heading("What we are willing to share early"),
            self.table(
                ("relationship", "disclosures"),
                m.Disclosure,
                [
                    Column("kind", width="120px"),
                    Column("category", width="120px"),
                    Column("text", width="3fr"),
                    Column("share_up_front", width="80px"),
                ],
                add_label="Add item",
            ),
            self.heading("To revisit"),
            self.flags,
            *self.custom_questions(),
        ]

    def _assumption(self, index: int, subs: Subscriptions) -> W.Widget:
        return self.detail_fields(
            subs,
            ("value", "value_items", index),
            [Column("assumption", label="Where the figures come from")],
            labels=False,
        )

    def _draft_button(self, index: int, _subs: Subscriptions) -> W.Widget:
        button = W.Button(
            description="Draft the statement from the answers",
            icon="magic",
            layout=W.Layout(width="auto"),
            disabled=self.session.read_only,
        )
        button.add_class("nw-draft-statement")
        path = ("value", "framings", index)

        def draft(_b: W.Button) -> None:
            framing = self.session.get(path)
            self.session.set((*path, "statement"), draft_statement(self.session.plan, framing))

        button.on_click(draft)
        return W.HBox([button], layout=W.Layout(margin="0 0 8px 0"))

    def _basis(self, index: int, subs: Subscriptions) -> W.Widget:
        return self.detail_fields(
            subs,
            ("value", "value_items", index),
            [Column("quantity_basis", label=f"{WORKING} (e.g. 2400 * 0.24)")],
        )

    def _refresh(self) -> None:
        plan = self.session.plan
        value = plan.value
        cover = coverage(value)
        self.coverage_text.value = (
            verdict_html(cover.summary, not len(cover.unanswered))
            if value.pains
            else empty_html(
                "List the customer's pains and the differentiators that answer them to see "
                "how much of what matters to them is answered."
            )
        )
        lists = []
        if len(cover.unanswered):
            pains = ", ".join(html.escape(p) for p in cover.unanswered["pain"])
            lists.append(f"<b>Answered by nothing:</b> {pains}")
        if cover.unneeded:
            extra = ", ".join(html.escape(d) for d in cover.unneeded)
            lists.append(f"<b>Nobody asked for:</b> {extra}")
        self.coverage_lists.value = (
            f"<div style='font-size:13px;line-height:1.45'>{'<br>'.join(lists)}</div>"
        )
        self.coverage_chart.show_for(
            value.model_dump_json(include={"pains", "differentiators"}),
            lambda: coverage_chart(cover) if value.pains and value.differentiators else None,
            "List pains and differentiators to see the coverage.",
        )
        totals = value_totals(value)
        payback = totals.payback_months
        self.totals.value = figures_html(
            [
                ("Benefits a year", money(plan, totals.annual)),
                ("They pay us a year", money(plan, totals.annual_price)),
                ("Alternative they drop, a year", money(plan, totals.alternative_cost)),
                ("Net to them a year", money(plan, totals.net_annual)),
                (f"Net over {totals.horizon_years} years", money(plan, totals.net)),
                ("Payback of the one-off price", payback_text(payback, totals.investment)),
                ("Net per euro paid to us", "—" if totals.roi is None else f"{totals.roi:g}×"),
            ]
        )
        items = value_items_frame(value)
        self.value_chart.show_for(
            (
                value.model_dump_json(
                    include={
                        "value_items",
                        "investment",
                        "annual_price",
                        "horizon_years",
                        "alternative",
                    }
                ),
                plan.currency,
            ),
            lambda: value_chart(items, plan.currency, payback) if len(items) else None,
            "Add benefits to quantify the value.",
        )
        drivers = driver_comparison(value)
        advantage = overall_advantage(value)
        self.driver_text.value = hint_html(
            "Weighted by importance, we are "
            f"{abs(advantage):g} points {'ahead of' if advantage >= 0 else 'behind'} "
            "the alternative (out of 10)."
            if advantage is not None
            else "",
            size="13px",
        )
        self.driver_chart.show_for(
            value.model_dump_json(include={"drivers", "alternative"}),
            lambda: driver_chart(drivers, value.alternative.name) if len(drivers) else None,
            "Add value drivers to compare with the alternative.",
        )
        self.flags.value = flags_html(value_flags(value), "Nothing to revisit.")
