"""The plans a store's user reaches: listed, found by id or name, created, loaded, saved
as a new revision on top of the one they were read at, and deleted."""

from __future__ import annotations

import json
from typing import Any

from workbook.errors import ConflictError, PlanNotFound
from workbook.model import Plan, load_plan, new_id
from workbook.store.access import Access
from workbook.store.records import PlanSummary, StoredPlan, now_text
from workbook.store.schema import LOCAL_USER


class Plans:
    """The plans table and each plan's revisions, as the acting user's role allows."""

    def __init__(self, access: Access):
        self._access = access

    def list_plans(self) -> list[PlanSummary]:
        """Every plan the user is on that is not deleted, most recently saved first."""
        visible, args = self._access.visible()
        rows = self._access.con.execute(
            "SELECT id, name, counterpart, side, updated_at, head FROM plans "
            f"WHERE deleted_at IS NULL AND {visible}",
            args,
        ).fetchall()
        # sorted here, by code point, whatever collation the database was created with
        rows.sort(key=lambda r: r[1])
        rows.sort(key=lambda r: r[4], reverse=True)
        return [PlanSummary(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def plans_frame(self) -> Any:
        """The plan list as a pandas DataFrame."""
        import pandas as pd

        columns = ["id", "name", "counterpart", "side", "updated_at", "revision"]
        return pd.DataFrame([vars(s) for s in self.list_plans()], columns=columns)

    def resolve(self, key: str) -> str:
        """The id of the plan whose id, or else whose unique name, is ``key``."""
        visible, args = self._access.visible()
        row = self._access.con.execute(
            f"SELECT id FROM plans WHERE id = ? AND deleted_at IS NULL AND {visible}",
            (key, *args),
        ).fetchone()
        if row:
            return row[0]
        named = self._access.con.execute(
            f"SELECT id, name FROM plans WHERE deleted_at IS NULL AND {visible}", args
        ).fetchall()
        wanted = key.casefold()  # compared here: any letter's case, on either backend
        rows = [r for r in named if r[1].casefold() == wanted]
        if len(rows) == 1:
            return rows[0][0]
        if rows:
            raise PlanNotFound(f"{len(rows)} plans are named {key!r}; give the plan's id")
        raise PlanNotFound(f"no plan with id or name {key!r}")

    def create(self, plan: Plan, *, author: str = "", note: str = "created") -> StoredPlan:
        """Store a new plan as its revision 1, owned by its creator; a taken id gets a new id."""
        self._access.refuse_participant()
        owner = self._access.user or LOCAL_USER
        return self.create_for(plan, self._access.author(author), note, owner)

    def create_for(self, plan: Plan, author: str, note: str, owner: str) -> StoredPlan:
        """Store a new plan for ``owner`` with no check of who acts (the worked example)."""
        with self._access.write() as con:
            con.lock(f"plan {plan.id}")
            # An id already taken (perhaps by a plan this user cannot see) gets a new one.
            taken = (
                "SELECT nw_plan_exists(?)"
                if self._access.team
                else "SELECT EXISTS (SELECT 1 FROM plans WHERE id = ?)"
            )
            while con.execute(taken, (plan.id,)).fetchone()[0]:
                plan = plan.model_copy(update={"id": new_id()})
            now = now_text()
            con.execute(
                "INSERT INTO plans "
                "(id, name, counterpart, side, company, created_at, updated_at, head) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                (plan.id, plan.name, plan.counterpart, plan.side, plan.company, now, now),
            )
            con.execute(
                "INSERT INTO plan_members (plan_id, \"user\", role) VALUES (?, ?, 'owner')",
                (plan.id, owner),
            )
            con.execute(
                "INSERT INTO revisions (plan_id, revision, saved_at, author, note, data) "
                "VALUES (?, 1, ?, ?, ?, ?)",
                (plan.id, now, author, note, plan.model_dump_json()),
            )
        return StoredPlan(plan, 1, now, author)

    def load(self, plan_id: str, revision: int | None = None) -> StoredPlan:
        """The latest revision of a plan, or the one asked for."""
        head = self._access.head(plan_id)["head"]
        number = head if revision is None else revision
        row = self._access.con.execute(
            "SELECT revision, saved_at, author, data FROM revisions "
            "WHERE plan_id = ? AND revision = ?",
            (plan_id, number),
        ).fetchone()
        if row is None:
            raise PlanNotFound(f"plan {plan_id!r} has no revision {number}")
        plan = load_plan(json.loads(row["data"]))
        return StoredPlan(plan, row["revision"], row["saved_at"], row["author"])

    def latest_revision(self, plan_id: str) -> int:
        """The number of the plan's latest revision."""
        return int(self._access.head(plan_id)["head"])

    def save(
        self, plan: Plan, *, base_revision: int, author: str = "", note: str = ""
    ) -> StoredPlan:
        """Save ``plan`` as a new revision on top of ``base_revision``.

        Raises ConflictError when another save happened since ``base_revision``:
        nothing is overwritten.
        """
        data = plan.model_dump_json()
        author = self._access.author(author)
        with self._access.write() as con:
            head = self._access.head(plan.id, "editor")["head"]
            if head != base_revision:
                latest = con.execute(
                    "SELECT saved_at, author FROM revisions WHERE plan_id = ? AND revision = ?",
                    (plan.id, head),
                ).fetchone()
                raise ConflictError(plan.id, base_revision, head, latest[0], latest[1])
            now = now_text()
            con.execute(
                "INSERT INTO revisions (plan_id, revision, saved_at, author, note, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (plan.id, head + 1, now, author, note, data),
            )
            con.execute(
                "UPDATE plans SET head = ?, updated_at = ?, name = ?, counterpart = ?, side = ?, "
                "company = ? WHERE id = ?",
                (head + 1, now, plan.name, plan.counterpart, plan.side, plan.company, plan.id),
            )
        return StoredPlan(plan, head + 1, now, author)

    def delete(self, plan_id: str) -> None:
        """Remove a plan from the list; its revisions are kept in the file."""
        with self._access.write() as con:
            self._access.head(plan_id, "owner")
            con.execute("UPDATE plans SET deleted_at = ? WHERE id = ?", (now_text(), plan_id))
