"""The "What changed since…" panel: pick a revision, read each change with who and when.

Only binding: the changes come from :func:`workbook.changes.change_lines`.
"""

from __future__ import annotations

import ipywidgets as W

from workbook.changes import change_lines, change_sentence, revision_authors, when_words
from workbook.model import Plan
from workbook.render import escape
from workbook.store import PlanStore

MAX_LINES = 200
"""Changes listed at most; the rest are counted."""


def _names(authors: list[str]) -> str:
    if not authors:
        return "someone"
    return authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + " and " + authors[-1]


class ChangesView:
    """A revision picker (and the start of the plan's last workshop) and the changes since."""

    def __init__(self, store: PlanStore, plan_id: str) -> None:
        self.store, self.plan_id = store, plan_id
        self.picker = W.Dropdown(
            description="Since", layout=W.Layout(width="auto", min_width="420px")
        )
        self.picker.add_class("nw-changes-since")
        self.lines = W.HTML()
        self.lines.add_class("nw-changes-list")
        self.picker.observe(lambda _c: self.show(), names="value")
        self.widget = W.VBox([self.picker, self.lines])
        self.refresh()

    def refresh(self) -> None:
        """Offer the last workshop's start and every revision, newest first (merges name both
        authors); the picker's value is an index into :attr:`since`."""
        labels: list[str] = []
        self.since: list[int] = []
        workshop = self.store.workshops.latest(self.plan_id)
        if workshop is not None:
            when = when_words(workshop.created_at.isoformat())
            labels.append(f"the start of the last workshop ({when})")
            self.since.append(self.store.revision_at(self.plan_id, workshop.created_at))
        for info in reversed(self.store.history(self.plan_id)):
            authors = revision_authors(info.author, info.note)
            merged = " (merged)" if len(authors) > 1 else ""
            when = when_words(info.saved_at)
            labels.append(f"revision {info.revision} · {_names(authors)}{merged} · {when}")
            self.since.append(info.revision)
        self.picker.options = [(label, index) for index, label in enumerate(labels)]
        self.picker.value = 1 if workshop is None and len(labels) > 1 else 0
        self.show()

    def show(self) -> None:
        """List the changes since the picked revision, in words."""
        if self.picker.value is None:
            self.lines.value = ""
            return
        lines = change_lines(self.store.steps(self.plan_id, self.since[self.picker.value]))
        if not lines:
            self.lines.value = "<p>Nothing has changed since then.</p>"
            return
        items = [
            f"<li>{escape(change_sentence(line, model=Plan))}</li>" for line in lines[:MAX_LINES]
        ]
        more = len(lines) - MAX_LINES
        tail = f"<p>…and {more} more changes.</p>" if more > 0 else ""
        self.lines.value = f"<p>{len(lines)} changes:</p><ul>{''.join(items)}</ul>{tail}"


__all__ = ["ChangesView"]
