"""Section 3: scenarios of competitor retaliation and customer cooperation."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as W
import pandas as pd

from workbook import model as m
from workbook.analysis.scenarios import (
    Coverage,
    ScenarioInputError,
    best_responses,
    disagreement,
    estimate_coverage,
    expected_values,
    greatest_cooperation,
    least_regret,
    most_damaging_retaliation,
    payoff_table,
    simulate,
)
from workbook.analysis.strategy import scenario_prompts
from workbook.charts.scenarios import disagreement_chart, quadrant_chart, range_chart
from workbook.ui.forms import Column, RangeRow, close_tree, message_widget, range_grid
from workbook.ui.session import Change
from workbook.ui.style import COLORS, figures_html, hint_html
from workbook.ui.views.base import SectionView
from workbook.workshop import pooled_estimate


def competitor_choices(plan: m.Plan) -> list[tuple[str, str]]:
    """The plan's competitors as (name, id) pairs."""
    return [(c.name, c.id) for c in plan.scenarios.competitors]


EMPTY = {
    "quadrant": "Finish one estimate (low, likely and high for every range) to see how each "
    "move weighs retaliation against cooperation.",
    "ranges": "Finish one estimate to see each move's bad, likely and good case.",
    "disagreement": "Estimates of the same move by two or more people show where the team "
    "disagrees.",
}
"""What each chart needs before it can be drawn."""


def coverage_html(cover: Coverage) -> str:
    """The moves and competitors left out of the results, and why (empty when none)."""
    items = []
    for row in cover.missing.itertuples():
        if not row.unfinished:
            why = "no estimate yet"
        elif len(row.unfinished) == 1:
            why = f"{row.unfinished[0]}'s estimate is unfinished"
        else:
            why = f"the estimates of {_names(row.unfinished)} are unfinished"
        items.append(f"<li>{html.escape(row.move)}: {html.escape(why)}</li>")
    for name in cover.competitors:
        items.append(
            f"<li>{html.escape(name)}: nobody has estimated its retaliation, so it is left out</li>"
        )
    if not items:
        return ""
    return (
        f"<div class='nw-not-analysed' style='font-size:13px;line-height:1.4;"
        f"color:{COLORS['muted']}'><b>Not in the results yet</b>"
        f"<ul style='margin:2px 0'>{''.join(items)}</ul></div>"
    )


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def payoff_html(table: pd.DataFrame, currency: str) -> str:
    """The payoff table with the best move per response in bold and the least-regret move."""
    best = best_responses(table)
    regret = least_regret(table)
    head = "".join(
        f"<th style='text-align:right'>{html.escape(str(c))}</th>" for c in table.columns
    )
    rows = []
    for move, values in table.iterrows():
        cells = []
        for column, value in values.items():
            text = f"{value:,.0f}"
            if best.loc[column, "best_move"] == move:
                text = f"<b>{text}</b>"
            cells.append(f"<td style='text-align:right'>{text}</td>")
        mark = " ★" if move == regret.move else ""
        rows.append(f"<tr><td>{html.escape(str(move))}{mark}</td>{''.join(cells)}</tr>")
    return (
        "<div style='font-size:12.5px;line-height:1.4;overflow-x:auto'>"
        f"<table style='border-collapse:collapse;width:100%'><tr><th style='text-align:left'>"
        f"Our move ({html.escape(currency)})</th>{head}</tr>{''.join(rows)}</table>"
        f"<div style='color:{COLORS['muted']};margin-top:4px'>Bold: the best move against "
        f"each response. ★ Least regret: {html.escape(regret.move)} (at worst "
        f"{regret.max_regret:,.0f} short of the best).</div></div>"
    )


class View(SectionView):
    """Competitors, moves, each participant's ranges, and what they add up to."""

    def build(self) -> Sequence[W.Widget]:
        s = ("scenarios",)
        participants = self._participants()
        self.move_pick = W.Dropdown(layout=W.Layout(width="100%"))
        self.move_pick.add_class("nw-estimate-move")
        self.who = W.Combobox(
            options=participants,
            value=participants[0] if participants else "",
            placeholder="Your name",
            ensure_option=False,
            layout=W.Layout(width="100%"),
        )
        self.who.add_class("nw-estimate-participant")
        self.editor = W.VBox()
        self.editor_subs = self.session.subscriptions()
        self.move_pick.observe(lambda _c: self._render_editor(), names="value")
        self.who.observe(lambda _c: self._render_editor(), names="value")
        self.prompts = W.VBox()
        self.problem = W.HTML()
        self.missing = W.HTML()
        self.highlights = W.HTML()
        self.quadrant = self.chart("quadrant")
        self.ranges = self.chart("ranges")
        self.payoff = W.HTML()
        self.payoff.add_class("nw-payoff")
        self.spread = self.chart("disagreement")
        self.subs.on((*s, "moves"), self._structure_changed)
        self.subs.on((*s, "competitors"), self._structure_changed)
        self.on_change(s, self._refresh)
        self.on_change(("strategy", "anticipated"), self._render_prompts)
        self.on_change((*s, "competitors"), self._render_prompts)
        self._refresh_moves()
        self._render_prompts()
        self._refresh()
        return [
            self.table(
                (*s, "competitors"),
                m.Competitor,
                [Column("name", width="1fr"), Column("notes", width="3fr")],
                add_label="Add competitor",
            ),
            self.prompts,
            self.table(
                (*s, "moves"),
                m.Move,
                [Column("name", width="2fr"), Column("description", width="3fr")],
                add_label="Add move",
            ),
            self.heading("Estimates"),
            self.note(
                "Pick a move and your name, then give your own ranges. Everyone's "
                "estimates are combined; where they differ most is listed below."
            ),
            self.row(
                W.VBox([W.HTML("<b>Move</b>"), self.move_pick]),
                W.VBox([W.HTML("<b>Estimate by</b>"), self.who]),
                widths=["2fr", "1fr"],
            ),
            self.editor,
            self.heading("What it adds up to"),
            self.problem,
            self.missing,
            self.highlights,
            self.panel(self.quadrant),
            self.panel(self.ranges),
            self.panel(self.payoff),
            self.panel(self.spread),
            self._advanced(s),
            *self.custom_questions(),
        ]

    def _advanced(self, s: tuple[str, ...]) -> W.Widget:
        """The simulation settings, folded away: most teams never need to touch them."""
        settings = W.VBox(
            [
                self.note(
                    "The results come from playing each move out many times, each time with "
                    "values picked at random from everyone's ranges. These settings change how "
                    "that is done; the defaults suit most plans."
                ),
                self.row(
                    self.field((*s, "distribution")),
                    self.field((*s, "draws")),
                    self.field((*s, "seed"), kind="digits"),
                ),
            ]
        )
        advanced = W.Accordion(children=[settings], titles=("Advanced: simulation settings",))
        advanced.selected_index = None
        advanced.add_class("nw-advanced")
        return advanced

    # --- choosing what to edit -------------------------------------------------------

    def _participants(self) -> list[str]:
        plan = self.session.plan
        names = [t.name for t in plan.team]
        names += [e.participant for mv in plan.scenarios.moves for e in mv.estimates]
        return list(dict.fromkeys(names)) or ["Team"]

    def _refresh_moves(self) -> None:
        moves = [(mv.name, mv.id) for mv in self.session.plan.scenarios.moves]
        keep = self.move_pick.value
        self.move_pick.options = moves
        ids = [v for _, v in moves]
        self.move_pick.value = keep if keep in ids else (ids[0] if ids else None)
        self.who.options = self._participants()
        self._render_editor()

    def _structure_changed(self, change: Change) -> None:
        if change.kind != "value" or change.path[-1:] == ("name",):
            self._refresh_moves()

    def _indexes(self) -> tuple[int | None, int | None]:
        moves = self.session.plan.scenarios.moves
        move = next((i for i, mv in enumerate(moves) if mv.id == self.move_pick.value), None)
        if move is None:
            return None, None
        who = (self.who.value or "").strip().casefold()
        estimate = next(
            (j for j, e in enumerate(moves[move].estimates) if e.participant.casefold() == who),
            None,
        )
        return move, estimate

    # --- the estimate editor ----------------------------------------------------------

    def _render_editor(self) -> None:
        self.editor_subs.close()
        for child in self.editor.children:
            close_tree(child)
        move, estimate = self._indexes()
        if move is None:
            self.editor.children = [self.note("Add a move first.")]
            return
        if estimate is None:
            self.editor.children = [self._start_button(move)]
            return
        base = ("scenarios", "moves", move, "estimates", estimate)
        currency = self.session.plan.currency
        rows: list[RangeRow] = [
            self._range("Our direct gain", currency, m.Range, (*base, "gain")),
            self._range(
                "Chance the customer cooperates",
                "0 to 1",
                m.ProbabilityRange,
                (*base, "cooperation_probability"),
            ),
            self._range(
                "Value to us if they cooperate",
                currency,
                m.AmountRange,
                (*base, "cooperation_value"),
            ),
        ]
        plan = self.session.plan
        retaliation = plan.scenarios.moves[move].estimates[estimate].retaliation
        by_competitor = {r.competitor_id: k for k, r in enumerate(retaliation)}
        buttons: list[W.Widget] = []
        for competitor in plan.scenarios.competitors:
            k = by_competitor.get(competitor.id)
            if k is None:
                buttons.append(self._add_competitor_button(base, competitor))
                continue
            path = (*base, "retaliation", k)
            rows.append(
                self._range(
                    f"{competitor.name}: chance it retaliates",
                    "0 to 1",
                    m.ProbabilityRange,
                    (*path, "probability"),
                )
            )
            rows.append(
                self._range(
                    f"{competitor.name}: damage if it does",
                    currency,
                    m.AmountRange,
                    (*path, "damage"),
                )
            )
            buttons.append(self._no_view_button(base, k, competitor))
        remove = W.Button(
            description="Remove this estimate",
            icon="trash",
            layout=W.Layout(width="auto"),
            disabled=self.session.read_only,
        )
        remove.on_click(lambda _b: self.session.remove(base[:-1], estimate))
        status = W.HTML()
        status.add_class("nw-estimate-status")

        def show_status(_change: object = None) -> None:
            try:
                current = self.session.get(base)
            except (IndexError, KeyError, AttributeError):
                return
            missing = sum(not r.finished for _, r in current.ranges())
            status.value = (
                hint_html(
                    f"Unfinished: {missing} of {len(current.ranges())} ranges still miss a "
                    "value. This estimate is left out of the results until every range has "
                    "low, likely and high.",
                    COLORS["warn"],
                    size="13px",
                )
                if missing
                else ""
            )

        self.editor_subs.on(base, show_status)
        show_status()
        self.editor.children = [
            status,
            range_grid(rows),
            W.HBox(buttons, layout=W.Layout(flex_flow="row wrap", grid_gap="4px")),
            W.HBox([remove]),
        ]

    def _range(
        self, label: str, unit: str, model: type[m.Range], path: tuple[Any, ...]
    ) -> RangeRow:
        row = RangeRow(
            label,
            unit,
            model=model,
            value=self.session.get(path),
            disabled=self.session.read_only,
        )
        return row.bind(self.session, path, self.editor_subs)

    def _start_button(self, move: int) -> W.Widget:
        who = (self.who.value or "").strip()
        button = W.Button(
            description=f"Start an estimate by {who or '…'}",
            icon="plus",
            layout=W.Layout(width="auto"),
            disabled=not who or self.session.read_only,
        )
        button.add_class("nw-start-estimate")
        message = message_widget()
        finished = [e for e in self.session.plan.scenarios.moves[move].estimates if e.finished]

        def start(_b: W.Button) -> None:
            plan = self.session.plan
            done = [e for e in plan.scenarios.moves[move].estimates if e.finished]
            median = pooled_estimate(done)
            template = median.model_dump() if median else {"retaliation": []}
            known = {r["competitor_id"] for r in template["retaliation"]}
            template["retaliation"] += [
                {"competitor_id": c.id} for c in plan.scenarios.competitors if c.id not in known
            ]
            template["participant"] = who
            message.say(
                self.session.append(
                    ("scenarios", "moves", move, "estimates"),
                    m.MoveEstimate.model_validate(template),
                )
                or ""
            )

        button.on_click(start)
        hint = (
            "It starts from the team's current median, for you to adjust."
            if finished
            else "It starts empty: give low, likely and high for each range, in any order."
        )
        return W.VBox([button, W.HTML(hint_html(hint)), message])

    def _add_competitor_button(self, base: tuple[Any, ...], competitor: m.Competitor) -> W.Widget:
        button = W.Button(
            description=f"Estimate {competitor.name}'s retaliation",
            icon="plus",
            layout=W.Layout(width="auto"),
            disabled=self.session.read_only,
        )
        button.on_click(
            lambda _b: self.session.append(
                (*base, "retaliation"), m.RetaliationEstimate(competitor_id=competitor.id)
            )
        )
        return button

    def _no_view_button(
        self, base: tuple[Any, ...], index: int, competitor: m.Competitor
    ) -> W.Widget:
        button = W.Button(
            description=f"No view on {competitor.name}",
            icon="times",
            tooltip=f"Leave {competitor.name} to the others' estimates of this move",
            layout=W.Layout(width="auto"),
            disabled=self.session.read_only,
        )
        button.add_class("nw-no-view")
        button.on_click(lambda _b: self.session.remove((*base, "retaliation"), index))
        return button

    # --- prompts from strategy alignment ----------------------------------------------

    def _render_prompts(self) -> None:
        prompts = scenario_prompts(self.session.plan)
        for child in self.prompts.children:
            close_tree(child)
        items: list[W.Widget] = []
        for row in prompts.itertuples():
            if row.actor_kind == "competitor" and row.actor and not row.competitor_known:
                button = W.Button(
                    description=f"Add {row.actor} as a competitor",
                    icon="plus",
                    layout=W.Layout(width="auto"),
                    disabled=self.session.read_only,
                )
                button.on_click(
                    lambda _b, name=row.actor: self.session.append(
                        ("scenarios", "competitors"), m.Competitor(name=name)
                    )
                )
                items.append(button)
        lines = "".join(f"<li>{html.escape(p)}</li>" for p in prompts["prompt"])
        if lines:
            items.insert(
                0,
                W.HTML(
                    "<div style='font-size:13px;line-height:1.4'><b>From strategy alignment</b>"
                    f"<ul style='margin:2px 0'>{lines}</ul></div>"
                ),
            )
        self.prompts.children = items

    # --- results ----------------------------------------------------------------------

    def _refresh(self) -> None:
        plan = self.session.plan
        scenarios = plan.scenarios
        self.missing.value = coverage_html(estimate_coverage(scenarios))
        try:
            expected = expected_values(scenarios)
            figures = simulate(scenarios)
            table = payoff_table(scenarios)
            spread = disagreement(scenarios)
        except ScenarioInputError as exc:
            text = str(exc)
            self.problem.value = hint_html(text[:1].upper() + text[1:] + ".", size="13px")
            self.highlights.value = self.payoff.value = ""
            self.quadrant.show(None, EMPTY["quadrant"])
            self.ranges.show(None, EMPTY["ranges"])
            self.spread.show(None, EMPTY["disagreement"])
            return
        self.problem.value = ""
        worst, best = most_damaging_retaliation(scenarios), greatest_cooperation(scenarios)
        regret = least_regret(table)
        pairs = [("Least regret", regret.move)]
        if worst is not None:
            pairs.append(
                ("Most damaging retaliation", f"{worst.move} ({worst.competitor or 'all'})")
            )
        if best is not None:
            pairs.append(("Greatest cooperation", best.move))
        self.highlights.value = figures_html(pairs)
        self.quadrant.show(quadrant_chart(expected, plan.currency))
        self.ranges.show(range_chart(figures, plan.currency))
        self.payoff.value = payoff_html(table, plan.currency)
        self.spread.show(disagreement_chart(spread) if len(spread) else None, EMPTY["disagreement"])
