"""What changed since a revision: each change to a plan with the person who made it and when.

Builds on :func:`workbook.merge.plan_diff`: the plan at a chosen revision is compared with
the plan now, value by value and row by row, and each change is credited to the latest
revision in between that touched it. A merged save credits everyone whose save it
combined. Everything here is pure: revisions come in as :class:`Step` values.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from workbook.merge import MISSING, KeyPath, _where, leaf_changes

_MERGED = re.compile(r"^merged with (?P<names>.+)'s save$")


def revision_authors(author: str, note: str) -> list[str]:
    """Everyone whose edits a revision holds: its author, and for a merged save the others.

    >>> revision_authors("Ana", "merged with Priya and Tom's save")
    ['Ana', 'Priya', 'Tom']
    >>> revision_authors("Ana", "renamed")
    ['Ana']
    """
    names = [author] if author else []
    found = _MERGED.match(note or "")
    if found:
        *first, last = found["names"].rsplit(" and ", 1)
        others = [*(first[0].split(", ") if first else []), last]
        names += [n for n in others if n and n not in names]
    return names


@dataclass(frozen=True)
class Step:
    """One stored revision of a plan: its number, the plan, who saved it and when."""

    revision: int
    plan: BaseModel
    saved_at: str
    author: str = ""
    note: str = ""


COLUMNS = ["field", "row", "change", "before", "after", "revision", "author", "saved_at"]


def _related(a: KeyPath, b: KeyPath) -> bool:
    """Whether one path lies within the other (a row and a value in it)."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def change_lines(steps: Sequence[Step]) -> list[dict[str, Any]]:
    """:func:`changes_since` as plain dicts, one per change (keys: ``COLUMNS``)."""
    if len(steps) < 2:
        return []
    data = [s.plan.model_dump(mode="json") for s in steps]
    touched = [set(leaf_changes(a, b)) for a, b in itertools.pairwise(data)]
    lines = []
    for path, (before, after) in leaf_changes(data[0], data[-1]).items():
        if path and path[0] == "id":
            continue
        index = next(
            (
                i
                for i in range(len(touched) - 1, -1, -1)
                if any(_related(path, p) for p in touched[i])
            ),
            len(touched) - 1,
        )
        step = steps[index + 1]
        field_name, row = _where(data[0], data[-1], path)
        lines.append(
            {
                "field": field_name,
                "row": row,
                "change": "added"
                if before is MISSING
                else "removed"
                if after is MISSING
                else "changed",
                "before": None if before is MISSING else before,
                "after": None if after is MISSING else after,
                "revision": step.revision,
                "author": step.author,
                "saved_at": step.saved_at,
            }
        )
    return lines


def changes_since(steps: Sequence[Step]) -> Any:
    """What changed from ``steps[0]`` to ``steps[-1]``, with who changed it and when.

    ``steps`` are consecutive revisions of one plan, oldest first. One line per change
    (as :func:`workbook.merge.plan_diff`), plus the ``revision`` that last touched it, its
    ``author`` and ``saved_at``. A merged save is made on top of the saves it merged with,
    which are revisions of their own: what it changes from the revision before it is its
    author's own edit, so the change is credited to that author alone.
    """
    import pandas as pd

    return pd.DataFrame(change_lines(steps), columns=COLUMNS)


def when_words(iso: str, now: dt.datetime | None = None) -> str:
    """A save time as a team says it: ``today 14:05``, ``Tuesday 14:05``, ``3 Mar 14:05``.

    >>> now = dt.datetime(2026, 3, 12, 18, 0).astimezone()
    >>> when_words(dt.datetime(2026, 3, 10, 14, 5).astimezone().isoformat(), now)
    'Tuesday 14:05'
    """
    try:
        stamp = dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except (ValueError, AttributeError):
        return "earlier"
    now = (now or dt.datetime.now(dt.UTC)).astimezone()
    days = (now.date() - stamp.date()).days
    clock = stamp.strftime("%H:%M")
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"yesterday {clock}"
    if 1 < days < 7:
        return f"{stamp.strftime('%A')} {clock}"
    return f"{stamp.day} {stamp.strftime('%b %Y' if stamp.year != now.year else '%b')} {clock}"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``X``, ``X | None``, ``list[X]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def field_label(field_name: str, model: type[BaseModel] | None = None) -> str:
    """A field's name for people: its short description in ``model``, else its own name.

    >>> from workbook.model import Plan
    >>> field_label("concessions.positions.ours.reservation", Plan)
    'Walk-away point'
    """
    parts = [p for p in field_name.split(".") if p]
    kind: type[BaseModel] | None = model
    info = None
    for part in parts:
        info = kind.model_fields.get(part) if kind is not None else None
        kind = _model_in(info.annotation) if info is not None else None
    text = (info.description or "").strip().rstrip(".") if info is not None else ""
    if text and len(text) <= 32:
        return text
    words = (parts[-1] if parts else "plan").replace("_", " ")
    return words[:1].upper() + words[1:]


def _value(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if isinstance(value, dict):
        return "a row"
    if isinstance(value, list):
        return f"{len(value)} items"
    return str(value)


def change_sentence(
    line: dict[str, Any], now: dt.datetime | None = None, model: type[BaseModel] | None = None
) -> str:
    """One line of :func:`changes_since` in words, e.g.
    ``Walk-away point: 3,888,000 → 3,500,000 · Priya · Tuesday 14:05``
    (fields named after their description in ``model``)."""
    where = field_label(line["field"], model)
    if line.get("row"):
        where = f"{where} ({line['row']})"
    if line["change"] == "added":
        what = f"{where}: added"
    elif line["change"] == "removed":
        what = f"{where}: removed"
    else:
        what = f"{where}: {_value(line['before'])} → {_value(line['after'])}"
    who = line.get("author") or "someone"
    return " · ".join((what, who, when_words(line["saved_at"], now)))


__all__ = [
    "COLUMNS",
    "Step",
    "change_lines",
    "change_sentence",
    "changes_since",
    "field_label",
    "revision_authors",
    "when_words",
]
