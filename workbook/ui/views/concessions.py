"""The concession planner: the panels and the offer editor its layout (concessions.toml) names."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from workbook import model as m
from workbook.analysis.concessions import (
    PackageView,
    package_view,
    plan_checks,
    trades,
    zopa,
)
from workbook.analysis.packages import PackageInputError
from workbook.charts.concessions import package_chart, trade_chart, zopa_chart
from workbook.content import advice
from workbook.paths import Path
from workbook.ui.engine import Chart, Context, Part, choices, editor, panel
from workbook.ui.forms import FirstRows, close_tree, message_widget
from workbook.ui.forms.package import NOT_OFFERED, package_dropdown, package_row
from workbook.ui.style import empty_html, flags_html, hint_html, verdict_html
from workbook.ui.views import preparation as _preparation  # noqa: F401  (offers, lists)


@choices("variables", follows=("concessions.variables",))
def variable_choices(plan: m.Plan) -> list[tuple[str, str | None]]:
    """The plan's variables as (name, id) pairs, with a blank first."""
    return [("—", None), *[(v.name, v.id) for v in plan.concessions.variables]]


@choices("options", follows=("concessions.variables",))
def option_choices(plan: m.Plan) -> list[tuple[str, str | None]]:
    """Every option of every variable as ("option · variable", id) pairs, with a blank first."""
    return [
        ("—", None),
        *[(f"{o.label} · {v.name}", o.id) for v in plan.concessions.variables for o in v.options],
    ]


def package_summary(view: PackageView | None) -> str:
    """One or two sentences on the package space."""
    if view is None:
        return ""
    parts = [advice("concessions.packages_space", total=view.total, pareto=len(view.pareto))]
    nash, offer = view.nash_choice, view.offer
    if nash is None:
        parts.append(advice("concessions.packages_no_nash"))
    else:
        parts.append(advice("concessions.packages_nash", ours=nash.ours, theirs=nash.theirs))
        if offer is not None:
            gap = (nash.ours + nash.theirs) - (offer.ours + offer.theirs)
            if gap > 0:
                parts.append(advice("concessions.packages_offer_gap", gap=gap))
    return " ".join(parts)


@panel("concessions.trade", reads=("concessions.variables", "side"))
def trade_panel(ctx: Context) -> list[Part]:
    """What is cheap for us and valuable to them: what to offer first."""
    rows = trades(ctx.plan.concessions, ctx.plan.side)
    best = [r for r in rows if r.quadrant == "trade currency"][:3]
    top = [f"{r.variable}: {r.to_option}" for r in best]
    text = (
        advice("concessions.trade_offer_first", trades="; ".join(top))
        if top
        else advice("concessions.trade_nothing")
    )
    return [
        hint_html(text, size="13px"),
        Chart(
            "trade",
            trade_chart(rows) if rows else None,
            advice("concessions.trade_chart_empty"),
        ),
    ]


@panel("concessions.zopa", reads=("concessions.positions", "side", "currency"))
def zopa_panel(ctx: Context) -> list[Part]:
    """The zone of possible agreement between both sides' walk-aways."""
    plan = ctx.plan
    zone = zopa(plan)
    positions = plan.concessions.positions
    sides = (positions.ours, positions.theirs)
    points = [getattr(side, k) for side in sides for k in ("opening", "target", "reservation")]
    return [
        empty_html(zone.statement)
        if zone.exists is None
        else verdict_html(zone.statement, bool(zone.exists)),
        Chart(
            "zopa",
            zopa_chart(plan, zone) if any(v is not None for v in points) else None,
            advice("concessions.zopa_chart_empty"),
        ),
    ]


PACKAGE_READS = (
    "concessions.variables",
    "concessions.positions",
    "concessions.current_offer",
    "scenarios.seed",
)


@panel("concessions.packages", reads=PACKAGE_READS)
def packages_panel(ctx: Context) -> list[Part]:
    """The package space: its Pareto frontier, the Nash package, the offer on the table."""
    try:
        view = package_view(ctx.plan.concessions, seed=ctx.plan.scenarios.seed)
    except PackageInputError as exc:
        view, text = None, str(exc)
    else:
        text = package_summary(view)
    return [
        hint_html(text, size="13px"),
        Chart(
            "packages",
            package_chart(view) if view is not None else None,
            advice("concessions.packages_chart_empty"),
        ),
    ]


@panel("concessions.checks", reads=("concessions", "side", "currency"))
def checks_panel(ctx: Context) -> str:
    """Bad-faith anchors, scope creep, unanswered or growing steps."""
    return flags_html(plan_checks(ctx.plan), advice("concessions.no_check_raised"))


def package_editor(
    ctx: Context, path: Path, blank: str, css: str, *, empty: str, lead: str = ""
) -> W.VBox:
    """A package kept at ``path`` (variable id to option id): a dropdown per variable with
    options, whose ``blank`` leaves the variable out. Of many variables the first are shown
    and a button shows the others, as in the tables (:class:`FirstRows`); ``lead`` is a
    line above the dropdowns, ``empty`` the note shown when no variable has options."""
    box = W.VBox()

    def choose(variable_id: str, dropdown: W.Dropdown, message: Any, value: Any) -> None:
        current = dict(ctx.session.get(path))
        if value == NOT_OFFERED:
            current.pop(variable_id, None)
        else:
            current[variable_id] = value
        problem = ctx.session.set(path, current)
        message.say(problem or "")
        if problem:
            dropdown.value = ctx.session.get(path).get(variable_id, NOT_OFFERED)

    def row(var: m.Variable) -> W.Widget:
        current = ctx.session.get(path).get(var.id, NOT_OFFERED)
        dropdown = package_dropdown(var, current, blank, css, disabled=ctx.session.read_only)
        message = message_widget()
        dropdown.observe(
            lambda c, v=var.id, d=dropdown, msg=message: choose(v, d, msg, c["new"]),
            names="value",
        )
        return package_row(var, dropdown, message)

    def render() -> None:
        variables = [v for v in ctx.plan.concessions.variables if v.options]
        shown = first.shown(len(variables))
        rows = [row(var) for var in variables[:shown]]
        if shown < len(variables):
            rows.append(first.button(len(variables) - shown))
        for old in box.children:
            close_tree(old)
        head = [W.HTML(hint_html(lead, size="13px"))] if lead and rows else []
        box.children = [*head, *rows] or [ctx.view.note(empty)]

    first = FirstRows(render, noun="variable")
    ctx.on(("concessions", "variables"), render)
    render()
    return box


@editor("concessions.offer")
def offer_editor(ctx: Context) -> W.Widget:
    """The offer on the table: one option per variable, or none."""
    box = package_editor(
        ctx,
        ("concessions", "current_offer"),
        "— not in the offer —",
        "nw-offer",
        empty=advice("concessions.offer_no_variables"),
    )
    box.add_class("nw-offer-editor")
    return box


from workbook.ui.views import rehearse as _rehearse  # noqa: E402, F401  (its panels and editors)
