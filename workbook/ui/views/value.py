"""Value proposition: the panels and the one editor its layout (value.toml) names."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from workbook import model as m
from workbook.analysis.value import (
    coverage,
    draft_statement,
    driver_rows,
    overall_advantage,
    value_flags,
    value_items,
    value_totals,
)
from workbook.charts.value import coverage_chart, driver_chart, value_chart
from workbook.content import advice
from workbook.ui.engine import Chart, Context, Part, choices, editor, panel, prepare
from workbook.ui.forms import ParseError
from workbook.ui.style import (
    app_html,
    empty_html,
    figures_html,
    flags_html,
    hint_html,
    verdict_html,
)
from workbook.working import evaluate


@choices("pains", follows=("value.pains",))
def pain_choices(plan: m.Plan) -> list[tuple[str, str]]:
    """The plan's pains as (text, id) pairs."""
    return [(p.text, p.id) for p in plan.value.pains]


@choices("drivers", follows=("value.drivers",))
def driver_choices(plan: m.Plan) -> list[tuple[str, str]]:
    """The plan's value drivers as (name, id) pairs."""
    return [(d.name, d.id) for d in plan.value.drivers]


def payback_text(months: float | None, one_off: float) -> str:
    """The payback as a reader wants it: a dash until it can be worked out, and no
    "0 months" when there is no one-off price to pay back."""
    if months is None:
        return "—"
    if one_off <= 0 or months == 0:
        return advice("value.payback_no_one_off")
    return advice("value.payback_months", months=f"{months:g}")


def money(plan: m.Plan, amount: float | None) -> str:
    """An amount in the plan's currency, or a dash."""
    return "—" if amount is None else f"{plan.currency} {amount:,.0f}"


WORKING = "Quantity worked out as"
"""The on-screen label of a benefit's working, as the guidance names it."""


@prepare("value.working")
def read_working(_ctx: Context | None, row: dict[str, Any]) -> dict[str, Any]:
    """Refuse a new benefit whose quantity is left empty to follow from a working that is
    not a plain sum (the model fills in the quantity from one that is)."""
    working = str(row.get("quantity_basis") or "").strip()
    if row.get("quantity") is None and working and evaluate(working) is None:
        raise ParseError(
            advice("value.working_not_a_sum", label=WORKING, working=repr(working[:40]))
        )
    return row


COVERAGE_READS = (
    "value.pains[].id",
    "value.pains[].text",
    "value.pains[].priority",
    "value.differentiators[].text",
    "value.differentiators[].answers",
)


@panel("value.coverage", reads=COVERAGE_READS)
def coverage_panel(ctx: Context) -> list[Part]:
    """How much of what matters to the customer our differentiators answer."""
    value = ctx.plan.value
    cover = coverage(value)
    lists = []
    if cover.gaps:
        lists.append(
            (advice("value.coverage_answered_by_nothing"), ", ".join(g.pain for g in cover.gaps))
        )
    if cover.unneeded:
        lists.append((advice("value.coverage_nobody_asked"), ", ".join(cover.unneeded)))
    drawn = value.pains and value.differentiators
    return [
        verdict_html(cover.summary, not cover.gaps)
        if value.pains
        else empty_html(advice("value.coverage_panel_empty")),
        Chart(
            "coverage",
            coverage_chart(cover) if drawn else None,
            advice("value.coverage_chart_empty"),
        ),
        app_html("labelled", pairs=lists),
    ]


@panel(
    "value.totals",
    reads=(
        "value.value_items",
        "value.investment",
        "value.annual_price",
        "value.horizon_years",
        "value.alternative.annual_cost",
        "currency",
    ),
)
def totals_panel(ctx: Context) -> list[Part]:
    """What the value adds up to for the customer, and the chart of its parts."""
    plan = ctx.plan
    totals = value_totals(plan.value)
    items = value_items(plan.value)
    payback = payback_text(totals.payback_months, totals.investment)
    figures = figures_html(
        [
            ("Benefits a year", money(plan, totals.annual)),
            ("They pay us a year", money(plan, totals.annual_price)),
            ("Alternative they drop, a year", money(plan, totals.alternative_cost)),
            ("Net to them a year", money(plan, totals.net_annual)),
            (f"Net over {totals.horizon_years} years", money(plan, totals.net)),
            ("Payback of the one-off price", payback),
            ("Net per euro paid to us", "—" if totals.roi is None else f"{totals.roi:g}×"),
        ]
    )
    figure = value_chart(items, plan.currency, totals.payback_months) if items else None
    return [figures, Chart("value", figure, advice("value.value_chart_empty"))]


@panel("value.drivers", reads=("value.drivers", "value.alternative.name"))
def drivers_panel(ctx: Context) -> list[Part]:
    """How we compare with the alternative, driver by driver."""
    value = ctx.plan.value
    drivers = driver_rows(value)
    advantage = overall_advantage(value)
    if advantage is None:
        text = ""
    elif advantage >= 0:
        text = advice("value.drivers_ahead", points=f"{advantage:g}")
    else:
        text = advice("value.drivers_behind", points=f"{-advantage:g}")
    figure = driver_chart(drivers, value.alternative.name) if drivers else None
    return [
        hint_html(text, size="13px"),
        Chart("drivers", figure, advice("value.drivers_chart_empty")),
    ]


@panel("value.flags", reads=("value",))
def flags_panel(ctx: Context) -> str:
    """What to revisit in the proposition."""
    return flags_html(value_flags(ctx.plan.value), advice("value.nothing_to_revisit"))


@editor("value.draft")
def draft_button(ctx: Context) -> W.Widget:
    """Under a framing: a button that drafts its statement from the answers."""
    path = ctx.base

    def draft() -> str | None:
        framing = ctx.session.get(path)
        return ctx.session.set((*path, "statement"), draft_statement(ctx.plan, framing))

    return ctx.button(
        advice("value.draft_button"),
        "magic",
        draft,
        css="nw-draft-statement",
        margin="0 0 8px 0",
    )
