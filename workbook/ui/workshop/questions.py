"""The questions on the facilitator's panel: the estimates and values the plan's moves and
variables ask for, and the vote on priorities; ticking one opens it to the team."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from workbook.ui.forms import close_tree
from workbook.ui.kit import make
from workbook.ui.workshop.kit import MUTED, READ_ONLY_REASON, _grid, _hint, _message, _say
from workbook.ui.workshop.live import PanelContext
from workbook.workshop import (
    AnswerError,
    PrioritiesPrompt,
    Prompt,
    candidate_prompts,
    priorities_prompt,
    priority_candidates,
    prompt_subject,
    with_prompt,
)


class Questions:
    """The questions the facilitator may ask, each a box ticked while it is open."""

    def __init__(self, panel: PanelContext):
        self.panel = panel
        self.boxes: dict[str, W.Checkbox] = {}
        self.list = W.VBox()
        self._drawn: list[tuple[str, str]] | None = None
        self._quiet = False
        self.candidates = make(
            W.TagsInput,
            value=priority_candidates(panel.session.plan),
            allow_duplicates=False,
            layout={"width": "100%"},
        )
        self.candidates.add_class("nw-workshop-candidates")
        self.candidates.observe(panel.mode.guard(self._candidates_changed), names="value")
        self.message = _message()
        self.hint = _hint("nw-workshop-prompt-hint")

    def render(self) -> None:
        """Draw the list again when the plan's moves or variables were renamed."""
        plan = self.panel.session.plan
        drawn = [(p.id, prompt_subject(p)) for p in candidate_prompts(plan)]
        if drawn == self._drawn:
            return  # an edit that changes no move or variable name
        self._drawn = drawn
        for child in self.list.children:
            if child is not self.candidates:
                close_tree(child)
        self.boxes = {}
        columns: dict[str, list[W.Widget]] = {"estimate": [], "values": []}
        kinds = {"estimate": "Estimate", "values": "Values"}
        guard = self.panel.mode.guard
        for prompt in candidate_prompts(plan):
            box = make(
                W.Checkbox,
                description=f"{kinds[prompt.kind]} · {prompt_subject(prompt)}",
                indent=False,
                layout={"width": "100%"},
            )
            self.boxes[prompt.id] = box
            box.add_class("nw-workshop-prompt")
            box.observe(guard(self._toggled(prompt)), names="value")
            columns[prompt.kind].append(box)
        vote = make(
            W.Checkbox,
            description="Vote · the top two priorities for improvement, from these candidates:",
            indent=False,
            layout={"width": "100%"},
        )
        vote.add_class("nw-workshop-prompt")
        vote.observe(guard(self._toggled(None)), names="value")
        self.boxes["priorities"] = vote
        lists = _grid([W.VBox(c) for c in columns.values()], ["1fr", "1fr"])
        lists.layout.align_items = "flex-start"  # both lists start at the top
        self.list.children = [
            lists,
            vote,
            self.candidates,
        ]
        self.sync()

    def sync(self) -> None:
        """Tick the questions open in the session; say why none can be ticked, if so."""
        live, read_only = self.panel.live, self.panel.session.read_only
        frozen = live is None or live.session.frozen(self.panel.mode.now())
        for prompt_id, box in self.boxes.items():
            prompt = live.session.prompt(prompt_id) if live else None
            self._quiet = True
            try:
                box.value = bool(prompt and prompt.open)
            finally:
                self._quiet = False
            box.disabled = frozen or read_only
        if read_only:
            why = READ_ONLY_REASON
        elif live is None:
            why = "Open a workshop session above to ask the team these questions."
        elif frozen:
            why = "The session is over: open a new one above to ask again."
        else:
            why = ""
        for box in self.boxes.values():
            box.tooltip = why or box.description  # a long move name shows in full on hover
        _say(self.hint, why, MUTED)
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
            live = self.panel.live
            if self._quiet or live is None:
                return
            prompt = template
            if prompt is None:
                try:
                    prompt = priorities_prompt(self.candidates.value)
                except AnswerError as exc:
                    _say(self.message, f"{str(exc).rstrip('.')}. Then tick the vote again.")
                    self.sync()
                    return
            else:  # the plan may have changed since the list was drawn
                plan = self.panel.session.plan
                prompt = next((p for p in candidate_prompts(plan) if p.id == prompt.id), prompt)
            _say(self.message, "")
            opened = prompt.model_copy(update={"open": bool(change["new"])})
            self.panel.update(prompts=with_prompt(live.session.prompts, opened))

        return toggled

    def _candidates_changed(self, change: dict[str, Any]) -> None:
        live = self.panel.live
        if self._quiet or live is None:
            return
        stored = live.session.prompt("priorities")
        if stored is None or not stored.open:
            return
        try:
            prompt = priorities_prompt(change["new"])
        except AnswerError as exc:
            _say(self.message, str(exc))
            return
        _say(self.message, "")
        self.panel.update(prompts=with_prompt(live.session.prompts, prompt))
