"""The participant's page: join, answer the open questions, see the team's once revealed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from workbook.analysis.workshop import (
    Summary,
)
from workbook.content import load_workshop_content
from workbook.errors import WorkbookError
from workbook.store import PlanStore
from workbook.ui.forms import (
    ParseError,
    close_tree,
)
from workbook.ui.plot import FigureView, PlotlyLoader
from workbook.ui.session import Scheduler
from workbook.ui.workshop.answers import answer_form
from workbook.ui.workshop.cards import summary_html
from workbook.ui.workshop.kit import (
    INK,
    LINE,
    OK,
    PARTICIPANT_CSS,
    POLL_SECONDS,
    _button,
    _explain,
    _hint,
    _html,
    _message,
    _note,
    _say,
    _subject,
    _utcnow,
    show_chart,
    workshop_html,
)
from workbook.ui.workshop.live import Live, Ticker
from workbook.workshop import (
    AnswerRecord,
    EstimatePrompt,
    JoinError,
    Prompt,
    ValuesPrompt,
    check_joinable,
    normalize_code,
    participant_name,
    prompt_subject,
)

if TYPE_CHECKING:
    from workbook.ui.shell import Shell


def participant_page(app: Shell, code: str, name: str | None) -> W.Widget:
    """The participant's view in place of the app, for ``?join=CODE&name=NAME``.

    The page's cell returns an empty view at once; joining and drawing the questions
    happen a moment later on the kernel's event loop. Voilà waits only a few seconds for
    a cell's output once the kernel has answered, and on a busy server a cell that sends
    many widget messages can miss that window and show an empty page.
    """
    view = ParticipantView(app.store, scheduler=app.scheduler)

    def build() -> None:
        app.close()
        view.join(code, name)

    app.scheduler(0, build)
    return view.widget


def join_form_html(code: str = "", name: str = "", problems: dict[str, str] | None = None) -> str:
    """The join form: a plain GET form, so the address then carries the code and the name."""
    return workshop_html("join_form", code=code, name=name, problems=problems or {})


def start_join_html() -> str:
    """The start page's way in for participants: a code, then the join page asks the name."""
    return workshop_html("start_join")


class AnswerCard:
    """One open prompt on a participant's screen: the form, sending, and the team's answers."""

    def __init__(self, view: ParticipantView, prompt: Prompt, answer: dict[str, Any] | None):
        self.view, self.prompt = view, prompt
        question = view.content.prompts[prompt.kind]
        self.form = answer_form(prompt, answer, view.currency)
        self.message = _message()
        self.message.add_class("nw-answer-message")
        self.saved = _html(css="nw-answer-saved")
        self.send = _button(
            "Update my answer" if answer else "Send my answer",
            self._send,
            icon="paper-plane",
            style="primary",
            css="nw-answer-send",
        )
        self.team = _html(css="nw-answer-team")
        self.frozen = _hint("nw-answer-frozen")
        self.chart = FigureView()
        self.chart.add_class(f"nw-chart-team-{prompt.kind}")
        detail = prompt.description if isinstance(prompt, EstimatePrompt) else ""
        self.widget = W.VBox(
            [
                _html(
                    workshop_html(
                        "question",
                        prompt=question.prompt,
                        subject=_subject(prompt),
                        detail=detail,
                        hint=question.help,
                    )
                ),
                self.form.widget,
                self.message,
                W.HBox([self.send, self.saved], layout=W.Layout(align_items="center")),
                self.frozen,
                self.team,
                self.chart,
            ],
            layout=W.Layout(border=f"1px solid {LINE}", padding="8px 12px", margin="8px 0"),
        )
        self.widget.add_class(f"nw-answer-{prompt.kind}")
        self.widget.add_class("nw-answer")

    def _send(self) -> None:
        try:
            data = self.form.read()
        except ParseError as exc:
            _say(self.message, str(exc))
            return
        if isinstance(self.prompt, ValuesPrompt):
            data = {"values": data}
        try:
            record = self.view.store.workshops.submit_answer(
                self.view.code, self.view.name, self.prompt.id, data, now=self.view.now()
            )
        except WorkbookError as exc:
            _say(self.message, str(exc))
            return
        _say(self.message, "")
        self.send.description = "Update my answer"
        self.show_saved(record)
        self.view.sent(self)

    def show_saved(self, record: AnswerRecord | None) -> None:
        """Say when this participant's answer was kept."""
        if record is None:
            self.saved.value = ""
            return
        stamp = record.updated_at.astimezone().strftime("%H:%M:%S")
        self.saved.value = _note(f"Your answer is saved ({stamp}).", OK)

    def show_team(self, summary: Summary | None) -> None:
        """The team's answers once revealed; nothing before."""
        if summary is None:
            self.team.value = _note(self.view.content.hidden)
            show_chart(self.chart, None)
            return
        from workbook.charts.workshop import summary_chart

        self.team.value = workshop_html("heading", text="The team's answers") + summary_html(
            summary, self.view.currency
        )
        show_chart(self.chart, summary_chart(summary))

    def freeze(self, reason: str) -> None:
        """The session ended, or the question was closed: no more sending, and why."""
        self.form.disable()
        _explain(self.frozen, [(self.send, reason)])


class ParticipantView:
    """What a participant sees: the join form, or their open questions (after :meth:`join`)."""

    def __init__(
        self,
        store: PlanStore,
        *,
        scheduler: Scheduler,
        now: Callable[[], dt.datetime] = _utcnow,
    ):
        self.store, self.now = store, now
        self.content = load_workshop_content()
        self.code, self.name, self.plan_name = "", "", ""
        self.currency = "EUR"
        self.cards: dict[str, AnswerCard] = {}
        self.live: Live | None = None
        self.ticker = Ticker(scheduler, POLL_SECONDS, self._tick)
        self.heading = _html()
        self.intro = _html()
        self.waiting = _html(_note(self.content.waiting, size="15px"))
        self.body = W.VBox()
        self.move: str | None = None  # the estimate question on screen, one move at a time
        self.move_label = _html(css="nw-move-label")
        self.move_buttons = {
            "previous": _button("Previous move", lambda: self._step(-1), icon="chevron-left",
                                css="nw-move-previous"),
            "next": _button("Next move", lambda: self._step(1), icon="chevron-right",
                            css="nw-move-next"),
        }  # fmt: skip
        self.stepper = W.HBox(
            [self.move_buttons["previous"], self.move_label, self.move_buttons["next"]],
            layout=W.Layout(align_items="center", margin="8px 0 0 0", flex_flow="row wrap"),
        )
        self.stepper.add_class("nw-move-stepper")
        self.widget = W.VBox(
            [_html(PARTICIPANT_CSS), self.heading, self.intro, self.body, PlotlyLoader()],
            layout=W.Layout(width="100%", max_width="760px", padding="12px 16px"),
        )
        self.widget.add_class("nw-participant")

    def join(self, code: str, name: str | None) -> None:
        """Join with ``code`` and ``name``; the form again with the problem when refused.

        ``name`` is None when none was sent (a link with the code alone): the form then
        asks for what is missing without calling it a mistake.
        """
        submitted = name is not None
        name = name or ""
        problems: dict[str, str] = {}
        try:
            code = normalize_code(code)
        except JoinError as exc:
            problems["code"] = str(exc)
        try:
            name = participant_name(name)
        except JoinError as exc:
            problems["name"] = str(exc)
        if "code" not in problems:
            try:
                if problems:  # no usable name yet: still say whether the code works
                    check_joinable(self.store.workshops.session(code), self.now(), newcomer=False)
                else:
                    session, name = self.store.workshops.join(code, name, now=self.now())
            except WorkbookError as exc:
                problems["code"] = str(exc)
        self.widget.add_class("nw-ready")
        if problems:
            shown = {k: v for k, v in problems.items() if submitted or (code, name)[k == "name"]}
            self._show_form(str(code)[:16], str(name)[:60], shown)
            return
        self.plan_name, self.currency = self.store.workshops.heading(session.code)
        self.code, self.name = session.code, name
        self.live = Live(self.store, session)
        self._render()
        self.ticker.start()

    def _show_form(self, code: str, name: str, problems: dict[str, str]) -> None:
        self.heading.value = workshop_html("title", text="Join the workshop") + _note(
            "Enter the code on the facilitator's screen and your name.", size="15px"
        )
        self.intro.value = join_form_html(code, name, problems)
        self.body.children = []

    def _render(self) -> None:
        live = self.live
        assert live is not None
        session = live.session
        ended = session.frozen(self.now())
        self.heading.value = workshop_html(
            "greeting", code=session.code, plan=self.plan_name, name=self.name
        )
        self.intro.value = _note(
            self.content.ended if ended else self.content.participant, INK, "14px"
        )
        mine = {r.prompt: r for r in self.store.workshops.answers(session.code, self.name)}
        prompts = [p for p in session.prompts if p.open or p.id in mine]
        for key, card in list(self.cards.items()):
            if card.prompt not in prompts:  # closed, or changed since it was drawn
                close_tree(self.cards.pop(key).widget)
        for prompt in prompts:
            record = mine.get(prompt.id)
            if prompt.id not in self.cards:
                self.cards[prompt.id] = AnswerCard(self, prompt, record and record.answer)
            card = self.cards[prompt.id]
            card.show_saved(record)
            card.show_team(live.summary(prompt) if session.revealed else None)
            if ended or not prompt.open:
                card.freeze(
                    "The session has ended: your answers are kept as sent."
                    if ended
                    else "The facilitator has closed this question: your answer is kept as sent."
                )
        children: list[W.Widget] = [self.cards[p.id].widget for p in prompts]
        moves = self._moves()
        if len(moves) > 1:  # one move at a time, with a way to the others
            children.insert(children.index(self.cards[moves[0]].widget), self.stepper)
        self._show_move()
        self.body.children = children or [self.waiting]
        if ended:
            self.ticker.stop()

    # --- estimate questions, one move at a time -----------------------------------------

    def _moves(self) -> list[str]:
        return [k for k, c in self.cards.items() if isinstance(c.prompt, EstimatePrompt)]

    def _show_move(self) -> None:
        moves = self._moves()
        if self.move not in moves:
            self.move = moves[0] if moves else None
        for key in moves:
            shown = len(moves) == 1 or key == self.move
            self.cards[key].widget.layout.display = "" if shown else "none"
        if len(moves) < 2 or self.move is None:
            return
        index = moves.index(self.move)
        card = self.cards[self.move]
        self.move_label.value = workshop_html(
            "move_label", index=index + 1, count=len(moves), subject=prompt_subject(card.prompt)
        )
        _explain(
            None,
            [
                (self.move_buttons["previous"], "This is the first move." if index == 0 else ""),
                (self.move_buttons["next"],
                 "This is the last move." if index == len(moves) - 1 else ""),
            ],
        )  # fmt: skip

    def _step(self, by: int) -> None:
        moves = self._moves()
        if self.move in moves:
            index = min(max(moves.index(self.move) + by, 0), len(moves) - 1)
            self.move = moves[index]
            self._show_move()

    def sent(self, card: AnswerCard) -> None:
        """An answer was kept: after a move, go on to the next move not answered yet."""
        moves = self._moves()
        if card.prompt.id not in moves or len(moves) < 2:
            return
        mine = {r.prompt for r in self.store.workshops.answers(self.code, self.name)}
        start = moves.index(card.prompt.id)
        later = moves[start + 1 :] + moves[:start]
        self.move = next((m for m in later if m not in mine), card.prompt.id)
        self._show_move()

    def _tick(self) -> None:
        if self.live is not None and self.live.poll():
            self._render()
