"""Strategy alignment: the panels and the editor its layout (strategy.toml) names."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from workbook import model as m
from workbook.analysis.strategy import fit_check, scenario_prompt_rows
from workbook.charts.strategy import fit_chart
from workbook.content import advice
from workbook.ui.engine import OBJECTIVES, Chart, Context, Part, choices, editor, panel, prepare
from workbook.ui.forms import Column, RowTable
from workbook.ui.session import SaveStatus
from workbook.ui.style import COLORS, app_html, empty_html, flags_html, hint_html, verdict_html


@choices("objectives", follows=("objectives",), source=OBJECTIVES)
def objective_choices(document: m.StrategicPlan) -> list[tuple[str, Any]]:
    """The company's objectives, as (title, id) pairs."""
    return [(o.title, o.id) for o in document.objectives]


@choices("objectives_or_none", follows=("objectives",), source=OBJECTIVES)
def justification_choices(document: m.StrategicPlan) -> list[tuple[str, Any]]:
    """Objectives to tie a reason to, with "none" first."""
    return [("— no objective —", None), *objective_choices(document)]


@prepare("strategy.title")
def with_title(ctx: Context, row: dict[str, Any]) -> dict[str, Any]:
    """A new link keeps the objective's title, should the objective be removed later."""
    titles = {o.id: o.title for o in ctx.objectives.plan.objectives}
    return {**row, "title": titles.get(row.get("objective_id"), "")}


def company_texts(ctx: Context) -> tuple[str, str, str]:
    """The objectives' title, the line under it, and the text of an empty list."""
    company = ctx.objectives.company.strip()
    count = len(ctx.objectives.plan.objectives)
    if not company:
        return (
            advice("strategy.objectives_title_no_company", count=count),
            advice("strategy.objectives_line_no_company"),
            advice("strategy.objectives_empty_no_company"),
        )
    return (
        advice("strategy.objectives_title", company=company, count=count),
        advice("strategy.objectives_line", company=company),
        advice("strategy.objectives_empty", company=company),
    )


@editor("strategy.objectives")
def objectives_editor(ctx: Context) -> W.Widget:
    """The company's objectives, shared by its plans, in a fold titled with the company."""
    objectives = ctx.objectives
    status = W.HTML()

    def show(state: SaveStatus) -> None:
        color = COLORS["error"] if state.state in ("conflict", "error") else COLORS["muted"]
        status.value = hint_html(state.message, color)
        if state.state == "conflict":
            objectives.take_theirs()
            status.value = hint_html(advice("strategy.objectives_conflict"), COLORS["error"])

    objectives.on_status(show)
    table = RowTable(
        objectives,
        ("objectives",),
        m.Objective,
        [
            Column("title", label="Objective", width="3fr"),
            Column("horizon", label="By when", width="110px"),
            Column("description", label="What achieving it means", width="2fr"),
        ],
        content=ctx.content,
        add_label="Add objective",
        empty_text=company_texts(ctx)[2],
    )
    shared = W.HTML()
    shared.add_class("nw-objectives-shared")
    accordion = W.Accordion([W.VBox([shared, table, status])])
    accordion.add_class("nw-objectives")

    def retitle(_change: object = None) -> None:
        title, line, empty = company_texts(ctx)
        accordion.set_title(0, title)
        shared.value = hint_html(line)
        table.empty_text = empty
        if not objectives.plan.objectives:
            accordion.selected_index = 0  # an empty strategy asks to be filled in

    retitle()
    ctx.subs.on((), retitle, session=objectives)
    ctx.subs.on(("company",), retitle)
    return accordion


@panel("strategy.fit", reads=("strategy", OBJECTIVES))
def fit_panel(ctx: Context) -> list[Part]:
    """Whether the deal serves the company's objectives: verdict, chart and flags."""
    strategy = ctx.plan.strategy
    listed = ctx.objectives.plan.objectives
    result = fit_check(strategy, listed)
    if not listed:
        verdict = empty_html(advice("strategy.fit_empty_no_objectives"))
    elif not (strategy.objective_links or strategy.justifications):
        verdict = empty_html(advice("strategy.fit_empty_no_links"))
    else:
        verdict = verdict_html(result.verdict, result.strategic)
    started = any(
        (
            strategy.strengths,
            strategy.priorities,
            strategy.contributions,
            strategy.objective_links,
            strategy.justifications,
        )
    )
    figure = fit_chart(result) if result.rows else None
    return [
        verdict,
        Chart("fit", figure, advice("strategy.fit_chart_empty")),
        # an untouched section is an empty state, not a list of problems
        flags_html(result.flags, advice("strategy.nothing_to_revisit")) if started else "",
    ]


@panel("strategy.prompts", reads=("strategy.anticipated", "scenarios.competitors[].name"))
def prompts_panel(ctx: Context) -> str:
    """What the anticipated moves suggest for the Scenarios section."""
    prompts = [row.prompt for row in scenario_prompt_rows(ctx.plan)]
    return app_html("titled_list", title=advice("strategy.prompts_title"), items=prompts)
