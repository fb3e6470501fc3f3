"""PlanSession: the one place where edits meet the model and the store.

Every edit goes through :meth:`PlanSession.set` (or a list operation): the whole plan is
validated, a rejected value leaves the plan as it was and comes back as a message, an
accepted one is kept and saved a moment later as a new revision. Views subscribe to the
parts of the plan they show. Nothing here creates a widget.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ValidationError

from workbook.errors import ConflictError, ReadOnlyError, describe, format_location
from workbook.model import Plan, StrategicPlan
from workbook.store import PlanStore, StoredPlan

log = logging.getLogger(__name__)

PathPart = str | int
Path = tuple[PathPart, ...]

SaveState = Literal["saved", "pending", "saving", "conflict", "error", "read_only"]


@dataclass(frozen=True)
class SaveStatus:
    """What the save indicator shows."""

    state: SaveState
    message: str
    revision: int
    conflict: ConflictError | None = None


@dataclass(frozen=True)
class Change:
    """A change to the plan: the path that changed and whether rows were added or removed."""

    path: Path
    kind: Literal["value", "structure", "reload"]


class Timer(Protocol):
    """Something that can be cancelled, such as an asyncio TimerHandle."""

    def cancel(self) -> None: ...


Scheduler = Callable[[float, Callable[[], None]], Timer | None]
"""Runs a callable after a delay in seconds; returns a handle to cancel it."""


def asyncio_scheduler(delay: float, fn: Callable[[], None]) -> Timer | None:
    """Schedule on the running asyncio loop (the kernel's); run at once when there is none."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        fn()
        return None
    return loop.call_later(delay, fn)


@dataclass
class _Subscription:
    prefix: Path
    callback: Callable[[Change], None]


@dataclass
class Subscriptions:
    """A group of subscriptions that a view drops all at once when it is rebuilt."""

    session: PlanSession
    items: list[tuple[PlanSession, _Subscription]] = field(default_factory=list)

    def on(
        self,
        prefix: Path,
        callback: Callable[[Change], None],
        *,
        session: PlanSession | None = None,
    ) -> None:
        """Call ``callback`` whenever anything at or below ``prefix`` changes.

        ``session`` names another document to follow (the company's objectives, say);
        the group still drops it with the others.
        """
        source = session or self.session
        sub = _Subscription(tuple(prefix), callback)
        self.items.append((source, sub))
        source._subs.append(sub)

    def close(self) -> None:
        """Stop every subscription of the group."""
        for source, sub in self.items:
            if sub in source._subs:
                source._subs.remove(sub)
        self.items.clear()


def get_path(obj: Any, path: Path) -> Any:
    """The value at ``path`` in a model or plain data, e.g. ``("scenarios", "moves", 0)``."""
    for part in path:
        if isinstance(obj, BaseModel):
            obj = getattr(obj, str(part))
        elif isinstance(obj, dict):
            obj = obj[part]
        else:
            obj = obj[int(part)]
    return obj


def _set_in(data: Any, path: Path, value: Any) -> None:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _is_prefix(a: Path, b: Path) -> bool:
    return b[: len(a)] == a


class PlanSession:
    """One open plan: the current validated state, its revision, and saving.

    ``scheduler`` defers autosave by ``save_delay`` seconds; tests pass their own.
    """

    def __init__(
        self,
        store: PlanStore,
        stored: StoredPlan,
        *,
        author: str = "",
        read_only: bool = False,
        save_delay: float = 0.8,
        scheduler: Scheduler = asyncio_scheduler,
    ):
        self.store = store
        self.plan: Any = stored.plan
        self.revision = stored.revision
        self._base: Any = stored.plan  # the revision the edits started from
        self.author = author
        self.read_only = read_only or store.read_only
        self.save_delay = save_delay
        self.scheduler = scheduler
        self._timer: Timer | None = None
        self._dirty = False
        self._subs: list[_Subscription] = []
        self._status_listeners: list[Callable[[SaveStatus], None]] = []
        self.status = SaveStatus(
            "read_only" if self.read_only else "saved",
            "Read-only: nothing is saved" if self.read_only else "All changes saved",
            self.revision,
        )

    # --- what is stored, and where (overridden for other documents) ---------------

    def _validate(self, data: dict[str, Any]) -> Any:
        return Plan.model_validate(data)

    def _save(self) -> StoredPlan:
        return self.store.save(self.plan, base_revision=self.revision, author=self.author)

    def _latest_revision(self) -> int:
        return self.store.latest_revision(self.plan.id)

    def _load_latest(self) -> StoredPlan:
        return self.store.load(self.plan.id)

    # --- reading -----------------------------------------------------------------

    def get(self, path: Path) -> Any:
        """The current value at ``path``."""
        return get_path(self.plan, path)

    @property
    def dirty(self) -> bool:
        """Whether there are edits not yet saved."""
        return self._dirty

    def subscriptions(self) -> Subscriptions:
        """A new group of subscriptions, for one view."""
        return Subscriptions(self)

    def on_status(self, callback: Callable[[SaveStatus], None]) -> None:
        """Call ``callback`` whenever the save status changes."""
        self._status_listeners.append(callback)

    # --- editing -----------------------------------------------------------------

    def set(self, path: Path, value: Any) -> str | None:
        """Set the value at ``path``; returns None, or why the value was refused."""
        return self._apply(lambda data: _set_in(data, path, value), Change(tuple(path), "value"))

    def append(self, path: Path, row: BaseModel | dict[str, Any]) -> str | None:
        """Add a row at the end of the list at ``path``."""
        item = row.model_dump() if isinstance(row, BaseModel) else row
        return self._apply(
            lambda data: get_path(data, path).append(item), Change(tuple(path), "structure")
        )

    def remove(self, path: Path, index: int) -> str | None:
        """Remove the row at ``index`` of the list at ``path``."""
        return self._apply(
            lambda data: get_path(data, path).pop(index), Change(tuple(path), "structure")
        )

    def move(self, path: Path, index: int, offset: int) -> str | None:
        """Move a row of the list at ``path`` up (offset -1) or down (+1)."""

        def mutate(data: Any) -> None:
            rows = get_path(data, path)
            target = index + offset
            if not (0 <= index < len(rows) and 0 <= target < len(rows)):
                raise IndexError("no row there to move past")
            rows[index], rows[target] = rows[target], rows[index]

        return self._apply(mutate, Change(tuple(path), "structure"))

    def replace(self, path: Path, value: Any) -> str | None:
        """Replace a whole part of the plan (a list or a sub-model) at once."""
        if isinstance(value, BaseModel):
            value = value.model_dump()
        elif isinstance(value, list):
            value = [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
        return self.set_structure(path, value)

    def set_structure(self, path: Path, value: Any) -> str | None:
        """Like :meth:`set`, but tells views that rows changed, not just one value."""
        return self._apply(
            lambda data: _set_in(data, path, value), Change(tuple(path), "structure")
        )

    def _apply(self, mutate: Callable[[Any], None], change: Change) -> str | None:
        if self.read_only:
            return "This workbook is open read-only: the change was not kept."
        data = self.plan.model_dump()
        try:
            mutate(data)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError):
            return "That part of the plan does not exist any more."
        try:
            plan = self._validate(data)
        except ValidationError as exc:
            return self._message_for(exc, change.path)
        if plan == self.plan:
            return None
        self.plan = plan
        self._dirty = True
        self._notify(change)
        self._schedule_save()
        return None

    @staticmethod
    def _message_for(exc: ValidationError, path: Path) -> str:
        problems = describe(exc)
        where = format_location(path)
        for problem in problems:  # the edited field itself first, then what contains it
            if problem.field == where:
                return _sentence(problem.message)
        for problem in problems:
            if problem.field.startswith(where) or where.startswith(problem.field):
                return _sentence(problem.message)
        return _sentence(str(problems[0])) if problems else "That value is not valid."

    def _notify(self, change: Change) -> None:
        for sub in list(self._subs):
            if _is_prefix(sub.prefix, change.path) or _is_prefix(change.path, sub.prefix):
                try:
                    sub.callback(change)
                except Exception:  # a broken view must not stop the others, nor the save
                    log.exception("a view failed to refresh after a change")

    # --- saving ------------------------------------------------------------------

    def _set_status(self, status: SaveStatus) -> None:
        self.status = status
        for listener in list(self._status_listeners):
            try:
                listener(status)
            except Exception:
                log.exception("a status listener failed")

    def _schedule_save(self) -> None:
        if self.status.state == "conflict":
            return  # the user decides first: keep theirs or keep ours
        if self._timer is not None:
            self._timer.cancel()
        self._set_status(SaveStatus("pending", "Editing…", self.revision))
        self._timer = self.scheduler(self.save_delay, self.flush)

    def flush(self) -> SaveStatus:
        """Save pending edits now, as a new revision; returns the resulting status."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._dirty or self.read_only or self.status.state == "conflict":
            return self.status
        self._set_status(SaveStatus("saving", "Saving…", self.revision))
        try:
            stored = self._save()
        except ConflictError as exc:
            self._set_status(
                SaveStatus(
                    "conflict",
                    f"{exc.author or 'Someone'} saved this plan at {_clock(exc.saved_at)} "
                    "while you were editing. Keep your version, or take theirs?",
                    self.revision,
                    exc,
                )
            )
            return self.status
        except ReadOnlyError:
            self._set_status(SaveStatus("read_only", "Read-only: nothing is saved", self.revision))
            return self.status
        except Exception:
            log.exception("saving the plan failed")
            self._set_status(
                SaveStatus(
                    "error",
                    "Could not save just now; your edits are kept here and saving will be "
                    "tried again with your next change.",
                    self.revision,
                )
            )
            return self.status
        self.revision, self._base = stored.revision, stored.plan
        self._dirty = False
        self._set_status(SaveStatus("saved", f"Saved {_clock(stored.saved_at)}", self.revision))
        return self.status

    def keep_mine(self) -> SaveStatus:
        """Resolve a conflict: this session's edits, saved on top of the newer revision.

        What the other save changed and this session did not is kept too (see
        :func:`merge`); where both changed the same value, this session's wins. Should
        the two not combine into a valid plan, this session's plan is saved as it is.
        """
        if self.status.conflict is None:
            return self.status
        latest = self._load_latest()
        mine = self.plan
        try:
            merged = self._validate(
                merge(self._base.model_dump(), mine.model_dump(), latest.plan.model_dump())
            )
        except ValidationError:
            merged = mine
        self.plan, self.revision, self._base = merged, latest.revision, latest.plan
        self._set_status(SaveStatus("pending", "Saving your version…", self.revision))
        self._dirty = True
        if merged != mine:
            self._notify(Change((), "reload"))
        return self.flush()

    def take_theirs(self) -> SaveStatus:
        """Resolve a conflict by dropping this session's edits for the latest revision."""
        self.reload()
        return self.status

    def reload(self) -> None:
        """Load the latest revision of the plan, dropping unsaved edits."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        stored = self._load_latest()
        self.plan, self.revision, self._dirty = stored.plan, stored.revision, False
        self._base = stored.plan
        self._set_status(
            SaveStatus(
                "read_only" if self.read_only else "saved",
                "Read-only: nothing is saved"
                if self.read_only
                else f"Loaded revision {stored.revision}",
                self.revision,
            )
        )
        self._notify(Change((), "reload"))


_MISSING = object()


def merge(base: Any, mine: Any, theirs: Any) -> Any:
    """Three-way merge of plain data: the changes from ``base`` to ``mine``, applied to ``theirs``.

    Values only one side changed take that side's value; where both changed a value
    differently, ``mine`` wins. Mappings merge key by key. Lists of rows with an ``id``
    merge row by row: rows either side added are kept, rows the other side removed go
    unless ``mine`` changed them, and the order is ``mine``'s. Other lists changed on
    both sides are taken from ``mine``.

    >>> merge({"a": 1, "b": 1}, {"a": 2, "b": 1}, {"a": 1, "b": 3})
    {'a': 2, 'b': 3}
    """
    if mine == base:
        return theirs
    if theirs == base or mine == theirs:
        return mine
    if isinstance(base, dict) and isinstance(mine, dict) and isinstance(theirs, dict):
        out = {}
        for key in [*mine, *(k for k in theirs if k not in mine)]:
            value = merge(
                base.get(key, _MISSING), mine.get(key, _MISSING), theirs.get(key, _MISSING)
            )
            if value is not _MISSING:
                out[key] = value
        return out
    if _rows(base) and _rows(mine) and _rows(theirs):
        return _merge_rows(base, mine, theirs)
    return mine


def _rows(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(r, dict) and "id" in r for r in value)


def _merge_rows(base: list[Any], mine: list[Any], theirs: list[Any]) -> list[Any]:
    old = {r["id"]: r for r in base}
    new = {r["id"]: r for r in theirs}
    out = []
    for row in mine:
        key = row["id"]
        if key in old and key not in new and row == old[key]:
            continue  # removed by the other save, untouched here
        out.append(merge(old.get(key, _MISSING), row, new.get(key, _MISSING)))
    mine_ids = {r["id"] for r in mine}
    out += [r for r in theirs if r["id"] not in mine_ids and r["id"] not in old]
    return out


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return "That value is not valid."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _clock(iso: str) -> str:
    try:
        stamp = dt.datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return stamp.strftime("%H:%M:%S")


class StrategicPlanSession(PlanSession):
    """Edits of a company's strategic objectives, which that company's plans share."""

    def __init__(self, store: PlanStore, *, company: str = "", **kwargs: Any):
        self.company = company
        super().__init__(store, store.load_strategic_plan_revision(company), **kwargs)

    def switch(self, company: str) -> None:
        """Follow another company's objectives (the plan now names another company)."""
        if company == self.company:
            return
        self.flush()
        self.company = company
        if self.status.state == "conflict":
            self.status = SaveStatus("saved", "", self.revision)
        self.reload()

    def _validate(self, data: dict[str, Any]) -> Any:
        return StrategicPlan.model_validate(data)

    def _save(self) -> StoredPlan:
        return self.store.save_strategic_plan(
            self.plan, company=self.company, base_revision=self.revision, author=self.author
        )

    def _latest_revision(self) -> int:
        return self.store.load_strategic_plan_revision(self.company).revision

    def _load_latest(self) -> StoredPlan:
        return self.store.load_strategic_plan_revision(self.company)
