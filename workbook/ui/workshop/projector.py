"""The projector: the current agenda item, its question and, once revealed, the team's answers."""

from __future__ import annotations

import ipywidgets as W

from workbook.content import WorkshopContent, load_content
from workbook.ui.forms import (
    close_tree,
)
from workbook.ui.kit import make
from workbook.ui.plot import FigureView
from workbook.ui.session import PlanSession
from workbook.ui.workshop.address import join_html
from workbook.ui.workshop.cards import clock_html, summary_html
from workbook.ui.workshop.kit import (
    LINE,
    PROJECTOR_CSS,
    _button,
    _html,
    _subject,
    show_chart,
    workshop_html,
)
from workbook.ui.workshop.live import Live, ModeContext
from workbook.workshop import (
    Clock,
    Prompt,
    prompt_section,
    read_clock,
)


class ProjectorCard:
    """One question on the shared screen: who answered, and once revealed, the answers."""

    def __init__(self, kind: str):
        self.title = _html()
        self.figures = _html()
        self.chart = FigureView()
        self.chart.add_class(f"nw-chart-projector-{kind}")
        self.widget = W.VBox(
            [
                self.title,
                W.GridBox(
                    [self.figures, self.chart],
                    layout=W.Layout(
                        grid_template_columns="minmax(0, 1fr) minmax(0, 1.5fr)",
                        grid_gap="0 32px",
                        width="100%",
                    ),
                ),
            ],
            layout=W.Layout(width="100%", margin="18px 0 0 0"),
        )
        self.widget.add_class("nw-projector-card")

    def show(
        self, live: Live, prompt: Prompt, content: WorkshopContent, currency: str, dark: bool
    ) -> None:
        """Draw the card for the answers as they are now."""
        from workbook.charts.workshop import summary_chart

        names = live.answered(prompt)
        subject = _subject(prompt)
        self.title.value = workshop_html(
            "projector_card",
            question=content.prompts[prompt.kind].prompt,
            subject=subject,
            names=names,
            count=len(live.participants),
        )
        if not live.session.revealed:
            self.figures.value = workshop_html(
                "line", text="The answers stay hidden until the facilitator reveals them."
            )
            show_chart(self.chart, None)
            return
        summary = live.summary(prompt)
        self.figures.value = summary_html(summary, currency, large=True)
        show_chart(self.chart, summary_chart(summary, dark=dark, large=True))


class Projector:
    """The shared screen: current agenda item, its question, timer, and the team's answers."""

    def __init__(self, mode: ModeContext, session: PlanSession):
        self.mode, self.session = mode, session
        self.dark = make(
            W.ToggleButton, description="Dark screen", icon="moon", layout={"width": "auto"}
        )
        self.dark.add_class("nw-projector-dark-toggle")
        self.dark.observe(self.mode.guard(lambda _c: self._theme()), names="value")
        leave = _button(
            "Leave projector", mode.toggle_projector, icon="times", css="nw-projector-leave"
        )
        self.heading = _html(css="nw-projector-heading")
        self.clock = _html()
        self.join = _html(css="nw-projector-join")
        self.join.layout = W.Layout(
            display="none", margin="18px 0 0 0", padding="12px 0", border_top=f"1px solid {LINE}"
        )
        self.body = W.VBox()
        self.cards: dict[str, ProjectorCard] = {}
        self.widget = W.VBox(
            [
                _html(PROJECTOR_CSS),
                W.HBox([self.dark, leave], layout=W.Layout(justify_content="flex-end")),
                W.GridBox(
                    [self.heading, self.clock],
                    layout=W.Layout(
                        grid_template_columns="minmax(0, 3fr) minmax(0, 1.2fr)", grid_gap="0 32px"
                    ),
                ),
                self.join,
                self.body,
            ],
            layout=W.Layout(width="100%"),
        )
        self.widget.add_class("nw-projector")

    def _theme(self) -> None:
        if self.dark.value:
            self.widget.add_class("nw-projector-dark")
        else:
            self.widget.remove_class("nw-projector-dark")
        self.refresh()

    def _focus(self, live: Live | None, section: str | None) -> list[Prompt]:
        if live is None:
            return []
        prompts = live.session.prompts
        here = [p for p in prompts if prompt_section(p) == section and (p.open or live.answered(p))]
        return here or [p for p in prompts if p.open]

    def refresh(self) -> None:
        """Redraw the question and the answers."""
        live = self.mode.live()
        agenda = self.session.plan.workshop.agenda
        reading = read_clock(agenda, live.session.clock if live else Clock(), self.mode.now())
        section = reading.item.section if reading.item else None
        content = self.mode.content
        titles = {k: c.title for k, c in load_content().items()}
        question = content.agenda_questions.get(section or "", "")
        joinable = live is not None and not live.session.frozen(self.mode.now())
        join = (
            join_html(live.session.code, self.mode.join_address(live.session.code), large=True)
            if live is not None and joinable
            else ""
        )
        if self.join.value != join:
            self.join.value = join
        self.join.layout.display = "" if join else "none"
        self.heading.value = workshop_html(
            "projector_heading",
            plan=self.session.plan.name,
            title=titles.get(section or "", "Workshop"),
            question=question,
        )
        focus = self._focus(live, section)
        ids = [p.id for p in focus]
        for key in [k for k in self.cards if k not in ids]:
            close_tree(self.cards.pop(key).widget)
        children: list[W.Widget] = []
        for prompt in focus:
            if prompt.id not in self.cards:
                self.cards[prompt.id] = ProjectorCard(prompt.kind)
            assert live is not None
            card = self.cards[prompt.id]
            card.show(live, prompt, self.mode.content, self.session.plan.currency, self.dark.value)
            children.append(card.widget)
        parked = [q for q in self.session.plan.workshop.parking_lot if not q.resolved]
        if parked:
            children.append(
                _html(
                    workshop_html(
                        "line",
                        text=f"Parked for later: {len(parked)} "
                        f"question{'s' if len(parked) != 1 else ''}",
                        size="18px",
                        space="18px",
                    )
                )
            )
        self.body.children = children
        self.tick()

    def tick(self) -> None:
        """Redraw the clock."""
        live = self.mode.live()
        agenda = self.session.plan.workshop.agenda
        reading = read_clock(agenda, live.session.clock if live else Clock(), self.mode.now())
        value = clock_html(reading, self.mode.content, large=True)
        if self.clock.value != value:
            self.clock.value = value

    def close(self) -> None:
        """Drop the widgets."""
        close_tree(self.widget)
