"""Who hears of a document's changes: views subscribe to the paths they show, in groups
they drop all at once (:class:`Subscriptions`), and hear of each :class:`Change` at, above
or below those paths; :func:`changes_between` says which changes turn one state into
another, so that a field being typed in keeps its text when others' saves arrive."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from workbook.merge import KeyPath, is_rows
from workbook.ui.autosave import SaveStatus

log = logging.getLogger(__name__)

PathPart = str | int
Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class Change:
    """A change to the plan: the path that changed and whether rows were added or removed."""

    path: Path
    kind: Literal["value", "structure", "reload", "clash"]


@dataclass(frozen=True)
class FieldClash:
    """A value this page and another changed differently at the same time.

    This page's value was saved (the merge keeps the save being made); ``theirs`` is what
    ``author`` had saved there at ``saved_at``, kept in the plan's history.
    """

    path: KeyPath
    mine: Any
    theirs: Any
    author: str
    saved_at: str


@dataclass
class _Subscription:
    prefix: Path
    callback: Callable[[Change], None]
    clashes: bool = False


class ChangeFeed:
    """Who hears of a document's changes: the views subscribed to paths of it, and the
    listeners of its save status. A listener that fails is logged and the others still
    hear."""

    def __init__(self) -> None:
        self.subs: list[_Subscription] = []
        self.status_listeners: list[Callable[[SaveStatus], None]] = []

    def notify(self, change: Change) -> None:
        """Tell each subscriber at, above or below the change's path."""
        for sub in list(self.subs):
            if sub.clashes != (change.kind == "clash") and change.kind != "reload":
                continue
            if _is_prefix(sub.prefix, change.path) or _is_prefix(change.path, sub.prefix):
                try:
                    sub.callback(change)
                except Exception:  # a broken view must not stop the others, nor the save
                    log.exception("a view failed to refresh after a change")

    def announce(self, status: SaveStatus) -> None:
        """Tell each status listener."""
        for listener in list(self.status_listeners):
            try:
                listener(status)
            except Exception:
                log.exception("a status listener failed")


class Followed(Protocol):
    """A document views follow (a :class:`~workbook.ui.session.PlanSession`)."""

    feed: ChangeFeed


@dataclass
class Subscriptions:
    """A group of subscriptions that a view drops all at once when it is rebuilt."""

    session: Followed
    items: list[tuple[ChangeFeed, _Subscription]] = field(default_factory=list)

    def on(
        self,
        prefix: Path,
        callback: Callable[[Change], None],
        *,
        session: Followed | None = None,
        clashes: bool = False,
    ) -> None:
        """Call ``callback`` whenever anything at or below ``prefix`` changes.

        ``session`` names another document to follow (the company's objectives, say);
        the group still drops it with the others. With ``clashes``, the callback hears
        only of clashes (:class:`FieldClash`) at or below ``prefix``, and of reloads.
        """
        source = (session or self.session).feed
        sub = _Subscription(tuple(prefix), callback, clashes)
        self.items.append((source, sub))
        source.subs.append(sub)

    def close(self) -> None:
        """Stop every subscription of the group."""
        for source, sub in self.items:
            if sub in source.subs:
                source.subs.remove(sub)
        self.items.clear()


def changes_between(old: Any, new: Any, path: Path = ()) -> list[Change]:
    """The changes that turn plain data ``old`` into ``new``, as views hear of them:
    a value changed, or a table whose rows were added, removed or reordered."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[Change] = []
        for key in [*old, *(k for k in new if k not in old)]:
            if key in old and key in new:
                out += changes_between(old[key], new[key], (*path, key))
            else:
                out.append(Change((*path, key), "structure"))
        return out
    if is_rows(old) and is_rows(new):
        if [r["id"] for r in old] != [r["id"] for r in new]:
            return [Change(path, "structure")]
        out = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            out += changes_between(a, b, (*path, index))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) != len(new):
        return [Change(path, "structure")]
    return [Change(path, "value")]


def _is_prefix(a: Path, b: Path) -> bool:
    return b[: len(a)] == a
