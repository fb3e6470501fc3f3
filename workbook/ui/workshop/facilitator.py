"""The facilitator's panel: agenda and clock, the session, questions, answers and parking lot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W
from markupsafe import Markup

from workbook.analysis.workshop import (
    EstimateSummary,
    ValuesSummary,
    VoteSummary,
)
from workbook.errors import WorkbookError
from workbook.model import AgendaItem, Estimate, ParkingItem
from workbook.render import escape
from workbook.ui.forms import (
    Column,
    ParseError,
    RowTable,
    close_tree,
)
from workbook.ui.kit import make
from workbook.ui.plot import FigureView
from workbook.ui.session import PlanSession
from workbook.ui.workshop.address import join_html
from workbook.ui.workshop.answers import EstimateForm, ValuesForm
from workbook.ui.workshop.cards import clock_html, summary_html
from workbook.ui.workshop.kit import (
    INK,
    LINE,
    MUTED,
    OK,
    READ_ONLY_REASON,
    _button,
    _explain,
    _grid,
    _hint,
    _html,
    _message,
    _note,
    _say,
    show_chart,
    workshop_html,
)
from workbook.ui.workshop.live import Live, ModeContext
from workbook.workshop import (
    WORKSHOP_PARTICIPANT,
    AnswerError,
    Clock,
    EstimatePrompt,
    PlanChange,
    PrioritiesPrompt,
    Prompt,
    ValuesPrompt,
    agenda_minutes,
    candidate_prompts,
    estimates_change,
    next_item,
    pause,
    previous_item,
    priorities_change,
    priorities_prompt,
    priority_candidates,
    prompt_subject,
    read_clock,
    start,
    values_change,
    with_prompt,
)


class ResultCard:
    """One prompt's answers on the facilitator's panel, and accepting them into the plan."""

    def __init__(self, panel: FacilitatorPanel, prompt: Prompt):
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
        question = self.panel.content.prompts[self.prompt.kind].prompt
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


class FacilitatorPanel:
    """Agenda, timer, live session, prompts and answers, and the parking lot."""

    def __init__(self, mode: ModeContext, session: PlanSession):
        self.mode, self.session, self.store = mode, session, mode.store
        self.content = mode.content
        self.live: Live | None = None
        latest = self.store.workshops.latest(session.plan.id)
        if latest is not None:
            self.live = Live(self.store, latest)
        self.clock = _html(css="nw-workshop-clock")
        self.clock_buttons = {
            "previous": _button("Previous", self._previous, icon="step-backward"),
            "start": _button("Start", self._start_pause, icon="play", css="nw-workshop-start"),
            "next": _button("Next", self._next, icon="step-forward", css="nw-workshop-next"),
        }
        self.code = _html(css="nw-workshop-code")
        self.session_message = _message()
        self.session_buttons = {
            "open": _button(
                "Open a workshop session", self._open, icon="users", style="primary",
                css="nw-workshop-open",
            ),
            "reveal": _button("Reveal answers", self._reveal, icon="eye", css="nw-workshop-reveal"),
            "end": _button("End session", self._ask_end, icon="stop", css="nw-workshop-end"),
        }  # fmt: skip
        self.confirm = W.HBox()
        self.prompt_boxes: dict[str, W.Checkbox] = {}
        self.prompt_list = W.VBox()
        self._drawn: list[tuple[str, str]] | None = None
        self._quiet = False
        self.candidates = make(
            W.TagsInput,
            value=priority_candidates(session.plan),
            allow_duplicates=False,
            layout={"width": "100%"},
        )
        self.candidates.add_class("nw-workshop-candidates")
        self.candidates.observe(self.mode.guard(self._candidates_changed), names="value")
        self.prompt_message = _message()
        self.results = W.VBox()
        self.cards: dict[str, ResultCard] = {}
        self.total = _html()
        self.clock_hint = _hint("nw-workshop-clock-hint")
        self.session_hint = _hint("nw-workshop-session-hint")
        self.prompt_hint = _hint("nw-workshop-prompt-hint")
        self.subs = session.subscriptions()
        self.subs.on(("workshop", "agenda"), lambda _c: self.tick())
        self.subs.on(("scenarios",), lambda _c: self._render_prompts())
        self.subs.on(("concessions", "variables"), lambda _c: self._render_prompts())
        agenda, parking = self._tables()
        self.widget = W.VBox(
            [  # in the order of use: plan the agenda, open the session, run the clock
                _html(
                    f"<h2 style='margin:4px 0 2px 0;color:{INK}'>{escape(self.content.title)}</h2>"
                    + _note(self.content.lead)
                ),
                *agenda,
                self._section("Live session"),
                self.code,
                W.HBox(list(self.session_buttons.values())),
                self.session_hint,
                self.confirm,
                self.session_message,
                self._section("Timer"),
                self.clock,
                W.HBox(list(self.clock_buttons.values())),
                self.clock_hint,
                self._section("Questions for the team"),
                _html(_note("Tick a question to open it: participants see it at once.")),
                self.prompt_hint,
                self.prompt_list,
                self.prompt_message,
                self._section("Answers"),
                self.results,
                *parking,
            ],
            layout=W.Layout(width="100%", padding="0 8px 24px 8px"),
        )
        self.widget.add_class("nw-workshop-panel")
        self._render_prompts()
        self.refresh()

    @staticmethod
    def _section(title: str) -> W.HTML:
        return _html(f"<h3 style='margin:16px 0 2px 0;color:{INK}'>{escape(title)}</h3>")

    def _tables(self) -> tuple[list[W.Widget], list[W.Widget]]:
        agenda = RowTable(
            self.session,
            ("workshop", "agenda"),
            AgendaItem,
            [Column("section", width="2fr"), Column("minutes", width="110px")],
            content=self.content,
            add_label="Add section",
            empty_text="No agenda yet: add the sections you will work on, in order.",
        )
        parking = RowTable(
            self.session,
            ("workshop", "parking_lot"),
            ParkingItem,
            [
                Column("text", width="3fr"),
                Column("raised_by", width="1fr"),
                Column("section", width="1fr"),
                Column("resolved", width="80px"),
            ],
            content=self.content,
            add_label="Park it",
            empty_text="Nothing parked yet.",
        )
        parking.add_class("nw-workshop-parking")
        agenda.add_class("nw-workshop-agenda")
        questions = self.content.questions
        return [
            self._section(questions["workshop.agenda"].prompt),
            _html(_note(questions["workshop.agenda"].help)),
            agenda,
            self.total,
        ], [
            self._section(questions["workshop.parking_lot"].prompt),
            _html(_note(questions["workshop.parking_lot"].help)),
            parking,
        ]

    # --- showing ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the session, the prompts' state and every answer as stored now."""
        live = self.live
        read_only = self.session.read_only
        ended = live is None or live.session.frozen(self.mode.now())
        self.session_buttons["open"].layout.display = "" if ended else "none"
        _explain(
            self.session_hint,
            [(self.session_buttons["open"], READ_ONLY_REASON if read_only else "")],
        )
        for key in ("reveal", "end"):
            self.session_buttons[key].layout.display = "none" if ended else ""
        if live is None:
            self.code.value = _note(
                "Open a session to get a join code for the team."
                if not read_only
                else "The workbook is open read-only: a session cannot be opened."
            )
        else:
            self.code.value = self._code_html(live)
            self.session_buttons["reveal"].description = (
                "Hide answers" if live.session.state == "revealed" else "Reveal answers"
            )
        self._sync_prompts()
        self._render_results()
        self.tick()

    def _code_html(self, live: Live) -> str:
        s = live.session
        now = self.mode.now()
        if s.state == "ended":
            state = "ended: answers are frozen"
        elif s.expired(now):
            state = "expired: answers are frozen"
        else:
            state = "answers revealed" if s.state == "revealed" else "answers hidden"
        joined = ", ".join(live.participants) or "nobody yet"
        frozen = s.frozen(now)
        return workshop_html(
            "session",
            join_block=Markup(
                join_html(s.code, None if frozen else self.mode.join_address(s.code))
            ),
            state=state,
            expires=s.expires_at.astimezone().strftime("%H:%M"),
            joined=joined,
            count=len(live.participants),
        )

    def tick(self) -> None:
        """Redraw the clock."""
        clock = self.live.session.clock if self.live else Clock()
        reading = read_clock(self.session.plan.workshop.agenda, clock, self.mode.now())
        value = clock_html(reading, self.content)
        if self.clock.value != value:
            self.clock.value = value
        buttons = self.clock_buttons
        buttons["start"].description = "Pause" if reading.running else "Start"
        buttons["start"].icon = "pause" if reading.running else "play"
        if reading.item is None:
            why = "Add a section to the agenda above: the timer runs through it."
        elif self.live is None:
            why = "Open a workshop session above: the clock is kept with the session."
        elif self.live.session.frozen(self.mode.now()):
            why = "The session is over: open a new one above to run the clock again."
        else:
            why = ""
        _explain(
            self.clock_hint,
            [
                (buttons["start"], why),
                (buttons["previous"], why or ("This is the first item." if reading.first else "")),
                (buttons["next"], why or ("This is the last item." if reading.last else "")),
            ],
        )
        total = agenda_minutes(self.session.plan.workshop.agenda)
        self.total.value = _note(f"The agenda takes {total} minutes in all.") if total else ""

    # --- the session -----------------------------------------------------------------

    def _open(self) -> None:
        session = self.store.workshops.open(self.session.plan.id, now=self.mode.now())
        self.live = Live(self.store, session)
        self.cards.clear()
        for child in self.results.children:
            close_tree(child)
        self.results.children = []
        _say(self.session_message, "")
        self.refresh()
        self.mode.changed()

    def _update(self, **changes: Any) -> None:
        assert self.live is not None
        try:
            session = self.store.workshops.update(
                self.live.session.code, now=self.mode.now(), **changes
            )
        except WorkbookError as exc:
            _say(self.session_message, str(exc))
            self.live.reload()
            self.refresh()
            return
        self.live.set(session)
        self.refresh()
        self.mode.changed()

    def _reveal(self) -> None:
        assert self.live is not None
        self._update(state="open" if self.live.session.state == "revealed" else "revealed")

    def _ask_end(self) -> None:
        def end() -> None:
            self.confirm.children = []
            self._update(state="ended")

        self.confirm.children = [
            _html(_note("End the session? Answers are frozen and no one can join.", INK)),
            _button("End it", end, style="danger", css="nw-workshop-end-confirm"),
            _button("Keep it open", lambda: setattr(self.confirm, "children", [])),
        ]

    # --- the clock -------------------------------------------------------------------

    def _clock(self, move: Callable[[Sequence[Any], Clock, dt.datetime], Clock]) -> None:
        assert self.live is not None
        agenda = self.session.plan.workshop.agenda
        self._update(clock=move(agenda, self.live.session.clock, self.mode.now()))

    def _start_pause(self) -> None:
        self._clock(
            lambda _agenda, clock, now: (
                pause(clock, now) if clock.running_since is not None else start(clock, now)
            )
        )

    def _next(self) -> None:
        self._clock(next_item)

    def _previous(self) -> None:
        self._clock(previous_item)

    # --- prompts ---------------------------------------------------------------------

    def _render_prompts(self) -> None:
        drawn = [(p.id, prompt_subject(p)) for p in candidate_prompts(self.session.plan)]
        if drawn == self._drawn:
            return  # an edit that changes no move or variable name
        self._drawn = drawn
        for child in self.prompt_list.children:
            if child is not self.candidates:
                close_tree(child)
        self.prompt_boxes = {}
        columns: dict[str, list[W.Widget]] = {"estimate": [], "values": []}
        kinds = {"estimate": "Estimate", "values": "Values"}
        for prompt in candidate_prompts(self.session.plan):
            box = make(
                W.Checkbox,
                description=f"{kinds[prompt.kind]} · {prompt_subject(prompt)}",
                indent=False,
                layout={"width": "100%"},
            )
            self.prompt_boxes[prompt.id] = box
            box.add_class("nw-workshop-prompt")
            box.observe(self.mode.guard(self._toggled(prompt)), names="value")
            columns[prompt.kind].append(box)
        vote = make(
            W.Checkbox,
            description="Vote · the top two priorities for improvement, from these candidates:",
            indent=False,
            layout={"width": "100%"},
        )
        vote.add_class("nw-workshop-prompt")
        vote.observe(self.mode.guard(self._toggled(None)), names="value")
        self.prompt_boxes["priorities"] = vote
        lists = _grid([W.VBox(c) for c in columns.values()], ["1fr", "1fr"])
        lists.layout.align_items = "flex-start"  # both lists start at the top
        self.prompt_list.children = [
            lists,
            vote,
            self.candidates,
        ]
        self._sync_prompts()

    def _sync_prompts(self) -> None:
        live = self.live
        frozen = live is None or live.session.frozen(self.mode.now())
        for prompt_id, box in self.prompt_boxes.items():
            prompt = live.session.prompt(prompt_id) if live else None
            self._quiet = True
            try:
                box.value = bool(prompt and prompt.open)
            finally:
                self._quiet = False
            box.disabled = frozen or self.session.read_only
        if self.session.read_only:
            why = READ_ONLY_REASON
        elif live is None:
            why = "Open a workshop session above to ask the team these questions."
        elif frozen:
            why = "The session is over: open a new one above to ask again."
        else:
            why = ""
        for box in self.prompt_boxes.values():
            box.tooltip = why or box.description  # a long move name shows in full on hover
        _say(self.prompt_hint, why, MUTED)
        stored = live.session.prompt("priorities") if live else None
        if isinstance(stored, PrioritiesPrompt) and stored.candidates != list(
            self.candidates.value
        ):
            self._quiet = True
            try:
                self.candidates.value = list(stored.candidates)
            finally:
                self._quiet = False

    def _toggled(self, template: Prompt | None) -> Callable[[dict[str, Any]], None]:
        def toggled(change: dict[str, Any]) -> None:
            if self._quiet or self.live is None:
                return
            prompt = template
            if prompt is None:
                try:
                    prompt = priorities_prompt(self.candidates.value)
                except AnswerError as exc:
                    _say(self.prompt_message, f"{str(exc).rstrip('.')}. Then tick the vote again.")
                    self._sync_prompts()
                    return
            else:  # the plan may have changed since the list was drawn
                prompt = next(
                    (p for p in candidate_prompts(self.session.plan) if p.id == prompt.id), prompt
                )
            _say(self.prompt_message, "")
            opened = prompt.model_copy(update={"open": bool(change["new"])})
            self._update(prompts=with_prompt(self.live.session.prompts, opened))

        return toggled

    def _candidates_changed(self, change: dict[str, Any]) -> None:
        if self._quiet or self.live is None:
            return
        stored = self.live.session.prompt("priorities")
        if stored is None or not stored.open:
            return
        try:
            prompt = priorities_prompt(change["new"])
        except AnswerError as exc:
            _say(self.prompt_message, str(exc))
            return
        _say(self.prompt_message, "")
        self._update(prompts=with_prompt(self.live.session.prompts, prompt))

    def _render_results(self) -> None:
        live = self.live
        shown = (
            [] if live is None else [p for p in live.session.prompts if p.open or live.answered(p)]
        )
        ids = [p.id for p in shown]
        for key in [k for k in self.cards if k not in ids]:
            close_tree(self.cards.pop(key).widget)
        for prompt in shown:
            if prompt.id not in self.cards:
                self.cards[prompt.id] = ResultCard(self, prompt)
            assert live is not None
            self.cards[prompt.id].refresh(live)
        self.results.children = [self.cards[k].widget for k in ids] or [
            _html(_note("Answers appear here as they arrive."))
        ]

    def close(self) -> None:
        """Drop subscriptions and widgets."""
        self.subs.close()
        close_tree(self.widget)
