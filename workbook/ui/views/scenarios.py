"""Scenarios: the results panel and the two editors its layout (scenarios.toml) names."""

from __future__ import annotations

import contextlib
from typing import Any

import ipywidgets as W

from workbook import model as m
from workbook.analysis.scenarios import (
    Coverage,
    ScenarioInputError,
    disagreements,
    estimate_coverage,
    expectations,
    greatest_cooperation,
    most_damaging_retaliation,
    payoffs,
    simulation,
)
from workbook.analysis.strategy import scenario_prompt_rows
from workbook.charts.scenarios import (
    RANGED_MOVES,
    disagreement_chart,
    quadrant_chart,
    range_chart,
)
from workbook.content import advice
from workbook.paths import Path
from workbook.ui.engine import Chart, Context, Framed, Part, action_button, editor, panel
from workbook.ui.forms import close_tree, range_grid
from workbook.ui.session import Change
from workbook.ui.style import COLORS, app_html, figures_html, hint_html
from workbook.workshop import starting_estimate


def coverage_html(cover: Coverage) -> str:
    """The moves and competitors left out of the results, and why (empty when none)."""
    items = []
    for row in cover.left_out:
        names = row.unfinished
        if not names:
            items.append(advice("scenarios.left_out_no_estimate", move=row.move))
        elif len(names) == 1:
            items.append(advice("scenarios.left_out_one_unfinished", move=row.move, name=names[0]))
        else:
            names = ", ".join(names[:-1]) + " and " + names[-1]
            items.append(advice("scenarios.left_out_unfinished", move=row.move, names=names))
    items += [advice("scenarios.left_out_competitor", competitor=c) for c in cover.competitors]
    return app_html(
        "titled_list", title=advice("scenarios.left_out_title"), items=items, css="nw-not-analysed"
    )


RESULT_READS = (
    "scenarios.moves[].id",
    "scenarios.moves[].name",
    "scenarios.moves[].estimates",
    "scenarios.competitors[].id",
    "scenarios.competitors[].name",
    "scenarios.distribution",
    "scenarios.draws",
    "scenarios.seed",
    "currency",
)
"""What the results are worked out from: notes and descriptions are not among them."""


@panel("scenarios.results", reads=RESULT_READS)
def results_panel(ctx: Context) -> list[Part]:
    """What the estimates add up to: highlights, quadrant, ranges, payoff and disagreement."""
    plan = ctx.plan
    scenarios = plan.scenarios
    missing = coverage_html(estimate_coverage(scenarios))
    try:
        expected = expectations(scenarios)
        figures = simulation(scenarios)
        table = payoffs(scenarios)
        spread = disagreements(scenarios)
    except ScenarioInputError as exc:
        text = str(exc)
        return [
            hint_html(text[:1].upper() + text[1:] + ".", size="13px"),
            missing,
            "",
            Framed(Chart("quadrant", None, advice("scenarios.quadrant_chart_empty"))),
            Framed(Chart("ranges", None, advice("scenarios.ranges_chart_empty"))),
            "",
            Framed(""),
            Framed(Chart("disagreement", None, advice("scenarios.disagreement_chart_empty"))),
        ]
    worst, best = most_damaging_retaliation(scenarios), greatest_cooperation(scenarios)
    pairs = [("Least regret", table.least_regret()[0])]
    if worst is not None:
        pairs.append(("Most damaging retaliation", f"{worst.move} ({worst.competitor or 'all'})"))
    if best is not None:
        pairs.append(("Greatest cooperation", best.move))
    drawn = disagreement_chart(spread) if spread else None
    return [
        "",
        missing,
        figures_html(pairs),
        Framed(Chart("quadrant", quadrant_chart(expected, plan.currency))),
        Framed(Chart("ranges", range_chart(figures, plan.currency))),
        app_html("move_figures", currency=plan.currency, figures=figures, drawn=RANGED_MOVES),
        Framed(app_html("payoff", currency=plan.currency, table=table)),
        Framed(Chart("disagreement", drawn, advice("scenarios.disagreement_chart_empty"))),
    ]


@editor("scenarios.prompts")
def prompts_editor(ctx: Context) -> W.Widget:
    """What strategy alignment anticipated, with a button to add a competitor it names."""
    box = W.VBox()
    box.add_class("nw-scenario-prompts")

    def add(name: str) -> None:
        ctx.session.append(("scenarios", "competitors"), m.Competitor(name=name))

    def render() -> None:
        prompts = scenario_prompt_rows(ctx.plan)
        for child in box.children:
            close_tree(child)
        items: list[W.Widget] = []
        for row in prompts:
            if row.actor_kind == "competitor" and row.actor and not row.competitor_known:
                button = W.Button(
                    description=advice("scenarios.add_competitor", name=row.actor),
                    icon="plus",
                    layout=W.Layout(width="auto"),
                    disabled=ctx.session.read_only,
                )
                button.on_click(lambda _b, name=row.actor: add(name))
                items.append(button)
        listed = app_html(
            "titled_list",
            title=advice("scenarios.prompts_title"),
            items=[row.prompt for row in prompts],
        )
        box.children = ([W.HTML(listed)] if listed else []) + items

    ctx.on(("strategy", "anticipated"), render)
    ctx.on(("scenarios", "competitors"), render)
    render()
    return box


@editor("scenarios.estimate")
def estimate_editor(ctx: Context) -> W.Widget:
    """Pick a move and a name, then give that person's ranges for the move."""
    return EstimatePicker(ctx).widget


class EstimatePicker:
    """The move and participant dropdowns, and the editor of that participant's estimate."""

    def __init__(self, ctx: Context):
        self.ctx, self.session = ctx, ctx.session
        names = self.participants()
        self.move_pick = W.Dropdown(layout=W.Layout(width="100%"))
        self.move_pick.add_class("nw-estimate-move")
        self.who = W.Combobox(
            options=names,
            value=names[0] if names else "",
            placeholder="Your name",
            ensure_option=False,
            layout=W.Layout(width="100%"),
        )
        self.who.add_class("nw-estimate-participant")
        self.editor = W.VBox()
        self.editor.add_class("nw-estimate-editor")
        self.editor_subs = self.session.subscriptions()
        self.move_pick.observe(lambda _c: self.render(), names="value")
        self.who.observe(lambda _c: self.render(), names="value")
        for where in (("scenarios", "moves"), ("scenarios", "competitors")):
            ctx.subs.on(where, self.structure_changed)
        pick = ctx.view.row(
            W.VBox([W.HTML("<b>Move</b>"), self.move_pick]),
            W.VBox([W.HTML("<b>Estimate by</b>"), self.who]),
            widths=["2fr", "1fr"],
        )
        self.widget = W.VBox([pick, self.editor])
        self.refresh_moves()

    def participants(self) -> list[str]:
        plan = self.session.plan
        names = [t.name for t in plan.team]
        names += [e.participant for mv in plan.scenarios.moves for e in mv.estimates]
        return list(dict.fromkeys(names)) or ["Team"]

    def refresh_moves(self) -> None:
        moves = [(mv.name, mv.id) for mv in self.session.plan.scenarios.moves]
        keep = self.move_pick.value
        self.move_pick.options = moves
        ids = [v for _, v in moves]
        self.move_pick.value = keep if keep in ids else (ids[0] if ids else None)
        self.who.options = self.participants()
        self.render()

    def structure_changed(self, change: Change) -> None:
        if change.kind != "value" or change.path[-1:] == ("name",):
            self.refresh_moves()

    def indexes(self) -> tuple[int | None, int | None]:
        moves = self.session.plan.scenarios.moves
        move = next((i for i, mv in enumerate(moves) if mv.id == self.move_pick.value), None)
        if move is None:
            return None, None
        who = (self.who.value or "").strip().casefold()
        estimates = moves[move].estimates
        found = (j for j, e in enumerate(estimates) if e.participant.casefold() == who)
        return move, next(found, None)

    def render(self) -> None:
        self.editor_subs.close()
        for child in self.editor.children:
            close_tree(child)
        move, estimate = self.indexes()
        if move is None:
            self.editor.children = [self.ctx.view.note(advice("scenarios.no_moves"))]
        elif estimate is None:
            self.editor.children = [self.start_button(move)]
        else:
            self.editor.children = self.ranges(move, estimate)

    def ranges(self, move: int, estimate: int) -> list[W.Widget]:
        base = ("scenarios", "moves", move, "estimates", estimate)
        paths: list[tuple[Path, str]] = [
            ((*base, name), "") for name in ("gain", "cooperation_probability", "cooperation_value")
        ]
        plan = self.session.plan
        retaliation = plan.scenarios.moves[move].estimates[estimate].retaliation
        by_competitor = {r.competitor_id: k for k, r in enumerate(retaliation)}
        buttons: list[W.Widget] = []
        for competitor in plan.scenarios.competitors:
            k = by_competitor.get(competitor.id)
            if k is None:
                buttons.append(
                    self.button(
                        advice("scenarios.estimate_retaliation", competitor=competitor.name),
                        "plus",
                        "",
                        lambda c=competitor: self.session.append(
                            (*base, "retaliation"), m.RetaliationEstimate(competitor_id=c.id)
                        ),
                    )
                )
                continue
            path = (*base, "retaliation", k)
            paths += [
                ((*path, "probability"), competitor.name),
                ((*path, "damage"), competitor.name),
            ]
            no_view = self.button(
                advice("scenarios.no_view", competitor=competitor.name),
                "times",
                "nw-no-view",
                lambda k=k: self.session.remove((*base, "retaliation"), k),
            )
            no_view.tooltip = advice("scenarios.no_view_tooltip", competitor=competitor.name)
            buttons.append(no_view)
        rows = [
            self.ctx.view.range_row(path, self.ctx, self.editor_subs, competitor=name)
            for path, name in paths
        ]
        remove = self.button(
            "Remove this estimate", "trash", "", lambda: self.session.remove(base[:-1], estimate)
        )
        status = W.HTML()
        status.add_class("nw-estimate-status")

        def show_status(_change: object = None) -> None:
            with contextlib.suppress(IndexError, KeyError, AttributeError):  # just removed
                ranges = self.session.get(base).ranges()
                missing = sum(not r.finished for _, r in ranges)
                text = advice("scenarios.estimate_unfinished", missing=missing, total=len(ranges))
                status.value = hint_html(text, COLORS["warn"], size="13px") if missing else ""

        self.editor_subs.on(base, show_status)
        show_status()
        wrap = W.Layout(flex_flow="row wrap", grid_gap="4px")
        return [status, range_grid(rows), W.HBox(buttons, layout=wrap), W.HBox([remove])]

    def button(self, label: str, icon: str, css: str, action: Any) -> W.Button:
        return action_button(label, icon, css, action, self.session.read_only)

    def start_button(self, move: int) -> W.Widget:
        who = (self.who.value or "").strip()
        estimates = self.session.plan.scenarios.moves[move].estimates
        box = self.ctx.button(
            advice("scenarios.start_estimate", name=who or "…"),
            "plus",
            lambda: self.session.append(
                ("scenarios", "moves", move, "estimates"),
                starting_estimate(self.session.plan, move, who),
            ),
            css="nw-start-estimate",
        )
        box.children[0].children[0].disabled = not who or self.session.read_only
        if any(e.finished for e in estimates):
            hint = advice("scenarios.start_from_median")
        else:
            hint = advice("scenarios.start_empty")
        return W.VBox([box.children[0], W.HTML(hint_html(hint)), box.children[1]])
