"""The answers on the facilitator's panel: one card per question asked, with the team's
answers as figures and a chart, and a form that accepts them into the plan."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

from workbook.analysis.rehearse import estimates_with_answers
from workbook.analysis.workshop import EstimateSummary, ValuesSummary, VoteSummary
from workbook.errors import WorkbookError
from workbook.model import Estimate
from workbook.ui.forms import ParseError, close_tree
from workbook.ui.kit import make
from workbook.ui.plot import FigureView
from workbook.ui.workshop.answers import EstimateForm, ValuesForm
from workbook.ui.workshop.cards import summary_html
from workbook.ui.workshop.kit import (
    INK,
    LINE,
    OK,
    READ_ONLY_REASON,
    _button,
    _explain,
    _hint,
    _html,
    _message,
    _note,
    _say,
    show_chart,
    workshop_html,
)
from workbook.ui.workshop.live import Live, PanelContext
from workbook.workshop import (
    WORKSHOP_PARTICIPANT,
    EstimatePrompt,
    PlanChange,
    PrioritiesPrompt,
    Prompt,
    ValuesPrompt,
    estimates_change,
    priorities_change,
    prompt_subject,
    values_change,
)


class Results:
    """The answers to every question asked in the panel's session, one card each."""

    def __init__(self, panel: PanelContext):
        self.panel = panel
        self.box = W.VBox()
        self.cards: dict[str, ResultCard] = {}

    def clear(self) -> None:
        """Drop every card (a new session starts with no answers)."""
        self.cards.clear()
        for child in self.box.children:
            close_tree(child)
        self.box.children = []

    def render(self) -> None:
        """Show a card for each question open or answered, with its latest answers."""
        live = self.panel.live
        shown = (
            [] if live is None else [p for p in live.session.prompts if p.open or live.answered(p)]
        )
        ids = [p.id for p in shown]
        for key in [k for k in self.cards if k not in ids]:
            close_tree(self.cards.pop(key).widget)
        for prompt in shown:
            if prompt.id not in self.cards:
                self.cards[prompt.id] = ResultCard(self.panel, prompt)
            assert live is not None
            self.cards[prompt.id].refresh(live)
        self.box.children = [self.cards[k].widget for k in ids] or [
            _html(_note("Answers appear here as they arrive."))
        ]


class ResultCard:
    """One prompt's answers on the facilitator's panel, and accepting them into the plan."""

    def __init__(self, panel: PanelContext, prompt: Prompt):
        self.panel, self.prompt = panel, prompt
        self.header = _html()
        self.figures = _html()
        self.figures.add_class(f"nw-result-{prompt.kind}")
        self.chart = FigureView()
        self.chart.add_class(f"nw-chart-workshop-{prompt.kind}")
        self.editor = W.VBox()
        self.message = _message()
        self.accept = _button(
            "Accept into the plan…", self._edit, icon="check", css="nw-workshop-accept"
        )
        self.accept_hint = _hint("nw-workshop-accept-hint")
        _explain(
            self.accept_hint, [(self.accept, READ_ONLY_REASON if panel.session.read_only else "")]
        )
        self.widget = W.VBox(
            [
                self.header,
                self.figures,
                self.chart,
                W.HBox([self.accept]),
                self.accept_hint,
                self.editor,
                self.message,
            ],
            layout=W.Layout(border=f"1px solid {LINE}", padding="6px 12px", margin="6px 0"),
        )
        self.widget.add_class("nw-result")

    def refresh(self, live: Live) -> None:
        """Show the latest answers."""
        self.prompt = live.session.prompt(self.prompt.id) or self.prompt
        summary = live.summary(self.prompt)
        question = self.panel.mode.content.prompts[self.prompt.kind].prompt
        state = "open" if self.prompt.open else "closed"
        names = live.answered(self.prompt)
        self.header.value = workshop_html(
            "result_heading",
            subject=prompt_subject(self.prompt),
            question=question,
            state=state,
            names=names,
        )
        self.figures.value = summary_html(summary, self.panel.session.plan.currency)
        from workbook.charts.workshop import summary_chart

        show_chart(self.chart, summary_chart(summary))
        self.summary = summary

    # accepting: a form with the proposal, to edit before it goes into the plan
    def _edit(self) -> None:
        self._close_editor()
        summary, plan = self.summary, self.panel.session.plan
        apply: Callable[[], PlanChange]
        also: list[Callable[[], PlanChange]] = []  # changes that follow the main one
        if isinstance(self.prompt, PrioritiesPrompt) and isinstance(summary, VoteSummary):
            top = [*summary.top, "", ""][:2]
            boxes = [make(W.Text, value=t, layout={"width": "100%"}) for t in top]
            form: W.Widget = W.VBox(boxes)

            def apply() -> PlanChange:
                return priorities_change(plan, [b.value for b in boxes])

        elif isinstance(self.prompt, ValuesPrompt) and isinstance(summary, ValuesSummary):
            values = ValuesForm(self.prompt, summary.proposal())
            form = values.widget
            prompt = self.prompt

            def apply() -> PlanChange:
                return values_change(plan, prompt, values.read())

            if prompt.side == "theirs" and len(summary.answers) >= 2:
                each = dict(summary.answers)

                def each_view() -> PlanChange:  # each member's view, for robust packages
                    planner = self.panel.session.plan.concessions
                    return PlanChange(
                        ("concessions", "their_estimates"),
                        estimates_with_answers(planner, each),
                        "Each participant's values, kept as their estimate.",
                    )

                also.append(each_view)

        else:
            assert isinstance(self.prompt, EstimatePrompt)
            assert isinstance(summary, EstimateSummary)
            mode = make(
                W.ToggleButtons,
                options=[
                    (f"The team's median as “{WORKSHOP_PARTICIPANT}”", "pooled"),
                    ("Each participant's own estimate", "each"),
                ],
                value="pooled",
            )
            estimate = EstimateForm(self.prompt, summary.pooled, plan.currency)
            pooled = W.VBox([estimate.widget], layout=W.Layout(width="100%"))
            mode.observe(
                lambda c: setattr(pooled.layout, "display", "" if c.new == "pooled" else "none"),
                names="value",
            )
            form = W.VBox([mode, pooled])
            prompt = self.prompt
            live = self.panel.live

            def apply() -> PlanChange:
                if mode.value == "each" and live is not None:
                    return estimates_change(plan, prompt, live.answers(prompt))
                answer = Estimate.model_validate(estimate.read())
                return estimates_change(plan, prompt, {WORKSHOP_PARTICIPANT: answer})

        def confirm() -> None:
            try:
                change = apply()
            except ParseError as exc:
                _say(self.message, str(exc))
                return
            except (WorkbookError, ValueError) as exc:
                _say(self.message, str(exc))
                return
            problem = self.panel.session.set_structure(change.path, change.value)
            if problem:
                _say(self.message, problem)
                return
            for follow in also:
                more = follow()
                self.panel.session.set_structure(more.path, more.value)
            self._close_editor()
            _say(self.message, f"Added to the plan: {change.summary}", OK)

        self.editor.children = [
            _html(_note("Check the figures, change any you disagree with, then apply.", INK)),
            form,
            W.HBox(
                [
                    _button("Apply to the plan", confirm, style="primary", css="nw-workshop-apply"),
                    _button("Cancel", self._close_editor),
                ]
            ),
        ]
        _say(self.message, "")

    def _close_editor(self) -> None:
        for child in self.editor.children:
            close_tree(child)
        self.editor.children = []
