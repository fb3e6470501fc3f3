"""Section 1: strategy alignment."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as W

from workbook import model as m
from workbook.analysis.strategy import fit_check, scenario_prompts
from workbook.charts.strategy import fit_chart
from workbook.ui.forms import ChoiceList, Column, RowTable
from workbook.ui.session import SaveStatus, StrategicPlanSession
from workbook.ui.style import COLORS, empty_html, flags_html, hint_html, verdict_html
from workbook.ui.views.base import SectionView


class View(SectionView):
    """Strengths, priorities, contributions, objectives served, fit check, anticipation."""

    def build(self) -> Sequence[W.Widget]:
        s = ("strategy",)
        self.objectives = StrategicPlanSession(
            self.ctx.store,
            company=self.session.plan.company,
            author=self.session.author,
            read_only=self.session.read_only,
            scheduler=self.session.scheduler,
            save_delay=self.session.save_delay,
        )
        self.verdict = W.HTML()
        self.flags = W.HTML()
        self.fit = self.chart("fit")
        self.prompts = W.HTML()
        self.on_change(s, self._refresh)
        self.objectives.subscriptions().on((), lambda _c: self._refresh())
        self._refresh()
        return [
            self.table(
                (*s, "strengths"),
                m.Strength,
                [Column("text", width="2fr"), Column("evidence", width="3fr")],
                add_label="Add strength",
            ),
            self.table(
                (*s, "priorities"),
                m.ImprovementPriority,
                [Column("text", width="2fr"), Column("why", width="3fr")],
                add_label="Add priority",
            ),
            self.table(
                (*s, "contributions"),
                m.Contribution,
                [Column("member", width="1fr"), Column("contribution", width="3fr")],
                add_label="Add contribution",
            ),
            self.heading("The strategic plan"),
            self.field(("company",)),
            self._objectives_editor(),
            self.table(
                (*s, "objective_links"),
                m.ObjectiveLink,
                [
                    Column(
                        "objective_id", width="2fr", choices=self._follow(self.objective_choices)
                    ),
                    Column("strength", width="130px"),
                    Column("how", width="2fr"),
                ],
                add_label="Link objective",
                prepare=self._with_title,
                empty_text="No objective linked yet.",
            ),
            self.table(
                (*s, "justifications"),
                m.Justification,
                [
                    Column("text", width="2fr"),
                    Column(
                        "objective_id",
                        width="2fr",
                        choices=self._follow(self.justification_choices),
                    ),
                ],
                add_label="Add reason",
            ),
            self.row(self.field((*s, "compete_where")), self.field((*s, "not_compete_where"))),
            self.heading("Fit check"),
            self.panel(self.verdict, self.fit, self.flags),
            self.heading("Anticipation"),
            self.table(
                (*s, "anticipated"),
                m.AnticipatedMove,
                [
                    Column("actor_kind", width="120px"),
                    Column("actor", width="1fr"),
                    Column("move", width="2fr"),
                    Column("likelihood", width="110px"),
                ],
                add_label="Add move",
            ),
            self.prompts,
            *self.custom_questions(),
        ]

    # --- objectives of the strategic plan, shared by every negotiation -----------------

    def objective_choices(self, _plan: Any = None) -> list[tuple[str, Any]]:
        """The company's objectives, as (title, id) pairs."""
        return [(o.title, o.id) for o in self.objectives.plan.objectives]

    def justification_choices(self, _plan: Any = None) -> list[tuple[str, Any]]:
        """Objectives to tie a reason to, with "none" first."""
        return [("— no objective —", None), *self.objective_choices()]

    def _follow(self, options: Any) -> ChoiceList:
        """A dropdown of the company's objectives that follows them as they change."""
        return ChoiceList(options, follows=(("objectives",),), source=self.objectives)

    def _with_title(self, row: dict[str, Any]) -> dict[str, Any]:
        titles = {value: label for label, value in self.objective_choices()}
        return {**row, "title": titles.get(row.get("objective_id"), "")}

    def _company_texts(self) -> tuple[str, str, str]:
        """The objectives' title, the line under it, and the text of an empty list."""
        company = self.objectives.company.strip()
        count = len(self.objectives.plan.objectives)
        if not company:
            return (
                f"Our company's strategic objectives ({count})",
                "Name your company above: the negotiations of one company share its "
                "objectives, and no other company's objectives are shown here.",
                "No objectives yet. Enter the objectives of your company's current "
                "strategic plan to see how this deal fits them.",
            )
        return (
            f"Strategic objectives of {company} ({count})",
            f"Shared by every negotiation of {company}: a change here applies to all of them.",
            f"No objectives recorded for {company} yet. Enter the objectives of its current "
            "strategic plan to see how this deal fits them.",
        )

    def _objectives_editor(self) -> W.Widget:
        status = W.HTML()

        def show(state: SaveStatus) -> None:
            color = COLORS["error"] if state.state in ("conflict", "error") else COLORS["muted"]
            status.value = hint_html(state.message, color)
            if state.state == "conflict":
                self.objectives.take_theirs()
                status.value = hint_html(
                    "Someone else changed the objectives at the same time; their version is "
                    "shown. Make your change again.",
                    COLORS["error"],
                )

        self.objectives.on_status(show)
        table = RowTable(
            self.objectives,
            ("objectives",),
            m.Objective,
            [
                Column("title", label="Objective", width="3fr"),
                Column("horizon", label="By when", width="110px"),
                Column("description", label="What achieving it means", width="2fr"),
            ],
            content=self.content,
            add_label="Add objective",
            empty_text=self._company_texts()[2],
        )
        shared = W.HTML()
        shared.add_class("nw-objectives-shared")
        box = W.VBox([shared, table, status])
        accordion = W.Accordion([box])
        accordion.add_class("nw-objectives")

        def retitle(_change: object = None) -> None:
            title, line, empty = self._company_texts()
            accordion.set_title(0, title)
            shared.value = hint_html(line)
            table.empty_text = empty
            if not self.objectives.plan.objectives:
                accordion.selected_index = 0  # an empty strategy asks to be filled in

        def company_changed(_change: object) -> None:
            self.objectives.switch(self.session.plan.company)
            retitle()

        retitle()
        self.objectives.subscriptions().on((), retitle)
        self.subs.on(("company",), company_changed)
        return accordion

    # --- analysis ------------------------------------------------------------------------

    def _refresh(self) -> None:
        plan = self.session.plan
        result = fit_check(plan.strategy, self.objectives.plan.objectives)
        strategy = plan.strategy
        if not self.objectives.plan.objectives:
            self.verdict.value = empty_html(
                "Enter your company's strategic objectives below, then link this deal to the "
                "ones it serves to see whether it is strategic."
            )
        elif not (strategy.objective_links or strategy.justifications):
            self.verdict.value = empty_html(
                "Link this deal to the objectives it serves to see whether it is strategic."
            )
        else:
            self.verdict.value = verdict_html(result.verdict, result.strategic)
        started = any(
            (
                strategy.strengths,
                strategy.priorities,
                strategy.contributions,
                strategy.objective_links,
                strategy.justifications,
            )
        )
        # an untouched section is an empty state, not a list of problems
        self.flags.value = flags_html(result.flags, "Nothing to revisit.") if started else ""
        self.fit.show(
            fit_chart(result) if len(result.table) else None,
            "Add the company's objectives to see the fit.",
        )
        prompts = scenario_prompts(plan)
        items = "".join(f"<li>{html.escape(p)}</li>" for p in prompts["prompt"])
        self.prompts.value = (
            f"<div style='font-size:13px;line-height:1.4'><b>For the Scenarios section</b>"
            f"<ul style='margin:2px 0'>{items}</ul></div>"
            if items
            else ""
        )

    def close(self) -> None:
        """Also stop the objectives' session from saving."""
        self.objectives.flush()
        super().close()
