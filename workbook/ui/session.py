"""PlanSession: the one place where edits meet the model and the store.

Every edit goes through :meth:`PlanSession.set` (or a list operation): the whole plan is
validated, a rejected value leaves the plan as it was and comes back as a message, an
accepted one is kept and saved a moment later as a new revision. Views subscribe to the
parts of the plan they show. Nothing here creates a widget.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from workbook.errors import ConflictError, ReadOnlyError, describe, format_location
from workbook.merge import (
    MISSING,
    KeyPath,
    index_path,
    key_path,
    merge_models,
)
from workbook.model import Plan, StrategicPlan
from workbook.store import PlanStore, StoredPlan
from workbook.ui.autosave import (
    AutoSave,
    SaveState,
    SaveStatus,
    Scheduler,
    Timer,
    asyncio_scheduler,
)
from workbook.ui.feed import (
    Change,
    ChangeFeed,
    FieldClash,
    Path,
    PathPart,
    Subscriptions,
    changes_between,
)

log = logging.getLogger(__name__)


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
        max_wait: float = 2.0,
        scheduler: Scheduler = asyncio_scheduler,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.store = store
        self.plan: Any = stored.plan
        self.revision = stored.revision
        self._base: Any = stored.plan  # the revision the edits started from
        self.author = author
        self.read_only = read_only or store.read_only
        self.scheduler, self.save_delay = scheduler, save_delay  # for sessions opened beside
        self.autosave = AutoSave(scheduler, save_delay, max_wait, clock)
        self._dirty = False
        self.clashes: dict[KeyPath, FieldClash] = {}
        self.merges = 0  # saves combined with someone else's
        self.feed = ChangeFeed()
        self.status = _loaded(self.read_only, "All changes saved", self.revision)

    # --- what is stored, and where (overridden for other documents) ---------------

    def _validate(self, data: dict[str, Any]) -> Any:
        return Plan.model_validate(data)

    def _save(self, note: str = "") -> StoredPlan:
        return self.store.save(
            self.plan, base_revision=self.revision, author=self.author, note=note
        )

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
        self.feed.status_listeners.append(callback)

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
            return _refusal(exc, change.path)
        if plan == self.plan:
            return None
        self.plan = plan
        self._dirty = True
        self.feed.notify(change)
        self._schedule_save()
        return None

    # --- saving ------------------------------------------------------------------

    def _set_status(self, status: SaveStatus) -> None:
        self.status = status
        self.feed.announce(status)

    def _schedule_save(self) -> None:
        """Save a moment after the edits (see :class:`AutoSave`), unless in conflict."""
        if self.status.state == "conflict":
            return  # the user decides first: keep theirs or keep ours
        self._set_status(SaveStatus("pending", "Editing…", self.revision))
        self.autosave.schedule(self.flush)

    def flush(self) -> SaveStatus:
        """Save pending edits now, as a new revision; returns the resulting status."""
        self.autosave.reset()
        if not self._dirty or self.read_only or self.status.state == "conflict":
            return self.status
        self._set_status(SaveStatus("saving", "Saving…", self.revision))
        merged_with: list[str] = []
        stored: StoredPlan | None = None
        try:
            for _attempt in range(20):
                if not self._dirty:
                    break  # the other save holds everything this page changed
                try:
                    stored = self._save(_merge_note(merged_with))
                    break
                except ConflictError:  # someone saved since: combine, then save on top
                    latest = self._load_latest()
                    merged_with.append(latest.author or "someone")
                    self._absorb(latest)
            else:
                raise ConflictError(self.plan.id, self.revision, self.revision, "", "")
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
        if stored is None:
            self._set_status(SaveStatus("saved", "All changes saved", self.revision))
            return self.status
        self.revision, self._base = stored.revision, stored.plan
        self._dirty = False
        message = f"Saved {_clock(stored.saved_at)}"
        if merged_with:
            self.merges += 1
            message += f" with {_names(merged_with)}'s changes"
        if self.clashes:
            count = len(self.clashes)
            message += f"; {count} field{'s' if count > 1 else ''} changed by someone else too"
        self._set_status(SaveStatus("saved", message, self.revision))
        return self.status

    # --- others' saves -------------------------------------------------------------

    def poll(self) -> bool:
        """Take in others' saves when the stored revision moved on; whether it did.

        One indexed query when nothing changed. Unsaved edits here are kept and merged.
        """
        if self.status.state == "conflict":
            return False
        try:
            latest_revision = self._latest_revision()
        except Exception:
            log.exception("checking for others' saves failed")
            return False
        if latest_revision == self.revision:
            return False
        self._absorb(self._load_latest())
        if not self._dirty and self.status.state in ("saved", "pending"):
            self._set_status(
                SaveStatus("saved", f"Up to date (revision {self.revision})", self.revision)
            )
        return True

    def _absorb(self, latest: StoredPlan) -> None:
        """Take in a newer revision, keeping this page's unsaved edits on top of it.

        Views hear only of the values and tables that changed, so a field being typed in
        keeps its text and cursor. Values both changed become :class:`FieldClash` es.
        """
        old = self.plan
        if self._dirty:
            result = merge_models(self._base, self.plan, latest.plan)
            plan = result.model
            for clash in result.clashes:
                if clash.mine is MISSING or clash.theirs is MISSING:
                    continue  # a row one side removed and the other changed: it is kept
                self.clashes[clash.path] = FieldClash(
                    clash.path, clash.mine, clash.theirs, latest.author, latest.saved_at
                )
        else:
            plan = latest.plan
        self.plan, self.revision, self._base = plan, latest.revision, latest.plan
        self._dirty = plan != latest.plan
        for change in changes_between(old.model_dump(), plan.model_dump()):
            self.feed.notify(change)
        for path in list(self.clashes):
            where = index_path(plan.model_dump(), path)
            if where is not None:
                self.feed.notify(Change(where, "clash"))

    def clash_at(self, path: Path) -> FieldClash | None:
        """The clash on the field at ``path`` (rows by position), if any."""
        return self.clashes.get(key_path(self.plan.model_dump(), tuple(path)))

    def resolve_clash(self, path: Path, *, take_theirs: bool) -> str | None:
        """Settle a clash at the field: keep this page's value, or take the other one."""
        clash = self.clash_at(path)
        if clash is None:
            return None
        del self.clashes[clash.path]
        self.feed.notify(Change(tuple(path), "clash"))
        if take_theirs:
            return self.set(path, clash.theirs)
        if self.status.state == "saved":
            self._set_status(
                SaveStatus("saved", f"Saved (revision {self.revision})", self.revision)
            )
        return None

    def restore(self, base: StoredPlan, plan: Any) -> SaveStatus:
        """Save ``plan``, edited from the older revision ``base``, merged onto the latest.

        For edits kept while the page could not save: what others saved since is kept
        too, and values both changed become clashes at their fields.
        """
        if self.read_only:
            return self.status
        self.flush()
        self.plan, self.revision, self._base = plan, base.revision, base.plan
        self._dirty = True
        status = self.flush()
        self.feed.notify(Change((), "reload"))
        return status

    def take_theirs(self) -> SaveStatus:
        """Resolve a conflict by dropping this session's edits for the latest revision."""
        self.reload()
        return self.status

    def reload(self) -> None:
        """Load the latest revision of the plan, dropping unsaved edits."""
        self.autosave.cancel()
        stored = self._load_latest()
        self.plan, self.revision, self._dirty = stored.plan, stored.revision, False
        self._base = stored.plan
        self._set_status(
            _loaded(self.read_only, f"Loaded revision {stored.revision}", self.revision)
        )
        self.feed.notify(Change((), "reload"))


def _merge_note(authors: list[str]) -> str:
    return f"merged with {_names(authors)}'s save" if authors else ""


def _names(authors: list[str]) -> str:
    unique = list(dict.fromkeys(authors))
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " and " + unique[-1]


def _refusal(exc: ValidationError, path: Path) -> str:
    """Why an edit at ``path`` was refused: the edited field's problem first, then that of
    what contains it."""
    problems = describe(exc)
    where = format_location(path)
    for problem in problems:
        if problem.field == where:
            return _sentence(problem.message)
    for problem in problems:
        if problem.field.startswith(where) or where.startswith(problem.field):
            return _sentence(problem.message)
    return _sentence(str(problems[0])) if problems else "That value is not valid."


def _loaded(read_only: bool, message: str, revision: int) -> SaveStatus:
    """The status of a document just opened or loaded again."""
    if read_only:
        return SaveStatus("read_only", "Read-only: nothing is saved", revision)
    return SaveStatus("saved", message, revision)


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

    def _save(self, note: str = "") -> StoredPlan:
        return self.store.save_strategic_plan(
            self.plan, company=self.company, base_revision=self.revision, author=self.author
        )

    def _latest_revision(self) -> int:
        return self.store.load_strategic_plan_revision(self.company).revision

    def _load_latest(self) -> StoredPlan:
        return self.store.load_strategic_plan_revision(self.company)


__all__ = [  # the session's words, wherever they are defined, for views to import here
    "Change",
    "ChangeFeed",
    "FieldClash",
    "Path",
    "PathPart",
    "PlanSession",
    "SaveState",
    "SaveStatus",
    "Scheduler",
    "StrategicPlanSession",
    "Subscriptions",
    "Timer",
    "asyncio_scheduler",
    "changes_between",
    "get_path",
]
