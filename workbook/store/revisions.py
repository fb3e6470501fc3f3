"""A plan's revisions read back: its history, the steps between two revisions, and the
revision current at a moment."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from workbook.changes import Step, revision_authors
from workbook.model import load_plan
from workbook.store.access import Access
from workbook.store.records import RevisionInfo, iso_text


class Revisions:
    """The saved revisions of the plans a store's user reaches (every save is one)."""

    def __init__(self, access: Access):
        self._access = access

    def history(self, plan_id: str) -> list[RevisionInfo]:
        """Every revision of a plan, oldest first."""
        self._access.head(plan_id)
        rows = self._access.con.execute(
            "SELECT plan_id, revision, saved_at, author, note FROM revisions "
            "WHERE plan_id = ? ORDER BY revision",
            (plan_id,),
        ).fetchall()
        return [RevisionInfo(*r) for r in rows]

    def history_frame(self, plan_id: str) -> Any:
        """The history of a plan as a pandas DataFrame."""
        import pandas as pd

        columns = ["plan_id", "revision", "saved_at", "author", "authors", "note"]
        rows = [
            {**vars(r), "authors": ", ".join(revision_authors(r.author, r.note))}
            for r in self.history(plan_id)
        ]
        return pd.DataFrame(rows, columns=columns)

    def steps(self, plan_id: str, since: int) -> list[Step]:
        """Revisions ``since`` to the latest of a plan, oldest first, for ``changes_since``."""
        self._access.head(plan_id)
        rows = self._access.con.execute(
            "SELECT revision, saved_at, author, note, data FROM revisions "
            "WHERE plan_id = ? AND revision >= ? ORDER BY revision",
            (plan_id, since),
        ).fetchall()
        return [
            Step(
                r["revision"],
                load_plan(json.loads(r["data"])),
                r["saved_at"],
                r["author"],
                r["note"],
            )
            for r in rows
        ]

    def revision_at(self, plan_id: str, stamp: dt.datetime) -> int:
        """The plan's revision current at ``stamp`` (1 for a time before its first)."""
        row = self._access.con.execute(
            "SELECT MAX(revision) FROM revisions WHERE plan_id = ? AND saved_at <= ?",
            (plan_id, iso_text(stamp)),
        ).fetchone()
        return int(row[0] or 1)
