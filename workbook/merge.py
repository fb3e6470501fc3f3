"""Merging two people's edits of one plan, value by value and row by row.

Two saves that started from the same revision are combined with a three-way merge: what
only one side changed is taken from that side; a table's rows are matched by their ``id``,
never by their position, so a row one person added and a row another edited both stay.
Only two different changes to the same value clash: the merge keeps ``mine`` there (the
save being made) and reports the clash, so that the page can show both values next to the
field. Everything here works on plain data and is pure.

>>> result = merge3({"a": 1, "b": 1}, {"a": 2, "b": 1}, {"a": 1, "b": 3})
>>> result.data, result.clashes
({'a': 2, 'b': 3}, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
"""Stands for a value or row that is not there (added or removed by one side)."""


@dataclass(frozen=True)
class RowKey:
    """A row of a table, named by its id (a step of a :data:`KeyPath`)."""

    id: Any

    def __repr__(self) -> str:
        return f"<row {self.id}>"


KeyPath = tuple[str | RowKey | int, ...]
"""Where a value is: field names, and rows by id (``RowKey``) or by position (int)."""


@dataclass(frozen=True)
class Clash:
    """Both sides changed the value at ``path``, differently."""

    path: KeyPath
    base: Any
    mine: Any
    theirs: Any


@dataclass
class MergeResult:
    """The merged data, and the values both sides changed (where ``mine`` was kept)."""

    data: Any
    clashes: list[Clash] = field(default_factory=list)


def merge3(base: Any, mine: Any, theirs: Any) -> MergeResult:
    """Three-way merge of plain data: ``base``'s changes to ``mine`` applied to ``theirs``."""
    clashes: list[Clash] = []
    data = _merge(base, mine, theirs, (), clashes)
    return MergeResult(data, clashes)


def merge(base: Any, mine: Any, theirs: Any) -> Any:
    """:func:`merge3`'s data alone: ``mine`` wins where both changed a value.

    >>> merge({"a": 1, "b": 1}, {"a": 2, "b": 1}, {"a": 1, "b": 3})
    {'a': 2, 'b': 3}
    """
    return merge3(base, mine, theirs).data


def _merge(base: Any, mine: Any, theirs: Any, path: KeyPath, clashes: list[Clash]) -> Any:
    if mine == base:
        return theirs
    if theirs == base or mine == theirs:
        return mine
    if isinstance(base, dict) and isinstance(mine, dict) and isinstance(theirs, dict):
        out = {}
        for key in [*mine, *(k for k in theirs if k not in mine)]:
            value = _merge(
                base.get(key, MISSING),
                mine.get(key, MISSING),
                theirs.get(key, MISSING),
                (*path, key),
                clashes,
            )
            if value is not MISSING:
                out[key] = value
        return out
    if is_rows(base) and is_rows(mine) and is_rows(theirs):
        return _merge_rows(base, mine, theirs, path, clashes)
    clashes.append(Clash(path, base, mine, theirs))
    return mine


def is_rows(value: Any) -> bool:
    """Whether ``value`` is a table: a list of mappings that each have an ``id``."""
    return isinstance(value, list) and all(isinstance(r, dict) and "id" in r for r in value)


def _merge_rows(
    base: list[Any], mine: list[Any], theirs: list[Any], path: KeyPath, clashes: list[Clash]
) -> list[Any]:
    old = {r["id"]: r for r in base}
    new = {r["id"]: r for r in theirs}
    mine_ids = {r["id"] for r in mine}
    out = []
    for row in mine:
        key = row["id"]
        if key in old and key not in new:
            if row == old[key]:
                continue  # removed there, untouched here
            clashes.append(Clash((*path, RowKey(key)), old[key], row, MISSING))
            out.append(row)  # changed here, removed there: the change is kept
            continue
        out.append(
            _merge(old.get(key, MISSING), row, new.get(key, MISSING), (*path, RowKey(key)), clashes)
        )
    for index, row in enumerate(theirs):
        key = row["id"]
        if key in mine_ids:
            continue
        if key not in old:  # added there: placed after the row it follows there
            out.insert(_position(out, theirs, index), row)
        elif row != old[key]:  # changed there, removed here: the change is kept
            clashes.append(Clash((*path, RowKey(key)), old[key], MISSING, row))
            out.insert(_position(out, theirs, index), row)
    return out


def _position(out: list[Any], theirs: list[Any], index: int) -> int:
    """Where a row of ``theirs`` goes in ``out``: after the row before it there."""
    ids = [r["id"] for r in out]
    for before in reversed(theirs[:index]):
        if before["id"] in ids:
            return ids.index(before["id"]) + 1
    return 0


def leaf_changes(old: Any, new: Any, path: KeyPath = ()) -> dict[KeyPath, tuple[Any, Any]]:
    """Every value that differs between ``old`` and ``new``, by key path (rows by id).

    A row added or removed is one change at the row's path (``MISSING`` on the other side).

    >>> leaf_changes({"a": 1, "b": [1]}, {"a": 2, "b": [1]})
    {('a',): (1, 2)}
    """
    if old == new:
        return {}
    if isinstance(old, dict) and isinstance(new, dict):
        out: dict[KeyPath, tuple[Any, Any]] = {}
        for key in [*old, *(k for k in new if k not in old)]:
            out.update(leaf_changes(old.get(key, MISSING), new.get(key, MISSING), (*path, key)))
        return out
    if is_rows(old) and is_rows(new):
        before = {r["id"]: r for r in old}
        after = {r["id"]: r for r in new}
        out = {}
        for key in [*before, *(k for k in after if k not in before)]:
            out.update(
                leaf_changes(
                    before.get(key, MISSING), after.get(key, MISSING), (*path, RowKey(key))
                )
            )
        return out
    return {path: (old, new)}


def value_at(data: Any, path: KeyPath) -> Any:
    """The value at a key path in plain data, or ``MISSING``."""
    for part in path:
        if isinstance(part, RowKey):
            if not isinstance(data, list):
                return MISSING
            data = next(
                (r for r in data if isinstance(r, dict) and r.get("id") == part.id), MISSING
            )
        elif isinstance(data, dict):
            data = data.get(part, MISSING)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return MISSING
        if data is MISSING:
            return MISSING
    return data


def index_path(data: Any, path: KeyPath) -> tuple[str | int, ...] | None:
    """A key path as the session's paths name it (rows by position), or None when gone."""
    out: list[str | int] = []
    for part in path:
        if isinstance(part, RowKey):
            if not isinstance(data, list):
                return None
            index = next(
                (i for i, r in enumerate(data) if isinstance(r, dict) and r.get("id") == part.id),
                None,
            )
            if index is None:
                return None
            out.append(index)
            data = data[index]
        else:
            data = value_at(data, (part,))
            if data is MISSING:
                return None
            out.append(part)
    return tuple(out)


def key_path(data: Any, path: tuple[str | int, ...]) -> KeyPath:
    """A session path (rows by position) as a key path (rows by id)."""
    out: list[str | RowKey | int] = []
    for part in path:
        if isinstance(part, int) and is_rows(data) and 0 <= part < len(data):
            out.append(RowKey(data[part]["id"]))
            data = data[part]
        else:
            out.append(part)
            data = value_at(data, (part,))
    return tuple(out)


@dataclass
class PlanMerge:
    """Two versions of a model merged: the valid result, its clashes, and whether it had to
    fall back to ``mine`` as it was (the two did not combine into a valid plan)."""

    model: Any
    clashes: list[Clash]
    combined: bool


def merge_models(base: BaseModel, mine: BaseModel, theirs: BaseModel) -> PlanMerge:
    """Merge two edits of a pydantic model (a plan); the result always validates.

    Where both changed a value, ``mine`` is kept. Should the merged data not validate (two
    edits that are each fine but break a rule together), the values of ``theirs`` that
    clash with the rule are dropped one change at a time, oldest path first, until it
    does; at worst ``mine`` is the result and every change of ``theirs`` is reported.
    """
    kind = type(mine)
    b, m, t = (x.model_dump() for x in (base, mine, theirs))
    result = merge3(b, m, t)
    try:
        return PlanMerge(kind.model_validate(result.data), result.clashes, True)
    except ValidationError:
        pass
    theirs_changes = leaf_changes(b, t)
    clashes = list(result.clashes)
    data = result.data
    for path, (before, after) in theirs_changes.items():  # give up theirs, change by change
        if any(c.path == path for c in clashes):
            continue
        data = _put(data, path, before)
        clashes.append(Clash(path, before, value_at(m, path), after))
        try:
            return PlanMerge(kind.model_validate(data), clashes, False)
        except ValidationError:
            continue
    missing = [
        Clash(p, before, value_at(m, p), after)
        for p, (before, after) in theirs_changes.items()
        if not any(c.path == p for c in clashes)
    ]
    return PlanMerge(mine, clashes + missing, False)


def _put(data: Any, path: KeyPath, value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``path`` (``MISSING`` removes a row or key)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, RowKey) and isinstance(data, list):
        out = []
        found = False
        for row in data:
            if isinstance(row, dict) and row.get("id") == head.id:
                found = True
                new = _put(row, rest, value)
                if new is not MISSING:
                    out.append(new)
            else:
                out.append(row)
        if not found and not rest and value is not MISSING:
            out.append(value)
        return out
    if isinstance(data, dict):
        out_d = dict(data)
        new = _put(data.get(head, MISSING), rest, value)
        if new is MISSING:
            out_d.pop(head, None)
        else:
            out_d[head] = new
        return out_d
    return data


_ROW_LABELS = ("name", "text", "label", "description", "title", "what", "member", "move")


def _row_label(row: Any) -> str:
    if isinstance(row, dict):
        for key in _ROW_LABELS:
            value = row.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:60]
        return str(row.get("id", ""))
    return ""


def _where(old: Any, new: Any, path: KeyPath) -> tuple[str, str]:
    """The field (dotted, rows left out) and the row it is in (by its label), for people."""
    fields: list[str] = []
    row = ""
    for depth, part in enumerate(path):
        if isinstance(part, RowKey):
            found = value_at(new, path[: depth + 1])
            if found is MISSING:
                found = value_at(old, path[: depth + 1])
            row = _row_label(found)
        else:
            fields.append(str(part))
    return ".".join(fields), row


def plan_diff(old: BaseModel, new: BaseModel) -> Any:
    """What changed from plan ``old`` to plan ``new``, value by value and row by row.

    One line per change: ``field`` (dotted, e.g. ``concessions.positions.ours.reservation``),
    ``row`` (the label of the table row it is in, rows matched by id), ``change``
    (``changed``, ``added`` or ``removed``), ``before`` and ``after``.

    >>> from workbook.model import Plan
    >>> old = Plan(name="A")
    >>> new = old.model_copy(update={"name": "B"})
    >>> plan_diff(old, new)[["field", "before", "after"]].values.tolist()
    [['name', 'A', 'B']]
    """
    import pandas as pd

    a, b = old.model_dump(mode="json"), new.model_dump(mode="json")
    lines = []
    for path, (before, after) in leaf_changes(a, b).items():
        if path and path[0] == "id":
            continue
        field_name, row = _where(a, b, path)
        change = "added" if before is MISSING else "removed" if after is MISSING else "changed"
        lines.append(
            {
                "field": field_name,
                "row": row,
                "change": change,
                "before": None if before is MISSING else before,
                "after": None if after is MISSING else after,
            }
        )
    return pd.DataFrame(lines, columns=["field", "row", "change", "before", "after"])


__all__ = [
    "MISSING",
    "Clash",
    "KeyPath",
    "MergeResult",
    "PlanMerge",
    "RowKey",
    "index_path",
    "key_path",
    "leaf_changes",
    "merge",
    "merge3",
    "merge_models",
    "plan_diff",
    "value_at",
]
