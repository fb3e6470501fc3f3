"""A plan's members: who is on it, as owner, editor or viewer, and how that changes."""

from __future__ import annotations

from workbook.errors import NotAllowed
from workbook.store.access import Access
from workbook.store.schema import EVERYONE, ROLES


class Members:
    """The members of the plans a store's user reaches: listed, shared, unshared.

    Editors and owners share a plan; only an owner makes or unmakes an owner, and a plan
    always keeps one owner.
    """

    def __init__(self, access: Access):
        self._access = access

    def of(self, plan_id: str) -> list[tuple[str, str]]:
        """The plan's members as (user, role), owners first, then by name."""
        self._access.head(plan_id)
        rows = self._access.con.execute(
            'SELECT "user", role FROM plan_members WHERE plan_id = ? AND "user" != ?',
            (plan_id, EVERYONE),
        ).fetchall()
        return sorted(((r[0], r[1]) for r in rows), key=lambda m: (-ROLES.index(m[1]), m[0]))

    def share(self, plan_id: str, user: str, role: str) -> None:
        """Make ``user`` a member of the plan with ``role``."""
        user = " ".join(str(user).split())
        if not user or user == EVERYONE:
            raise NotAllowed("give the name the person signs in with")
        if role not in ROLES:
            raise NotAllowed(f"a member is an owner, editor or viewer, not {role!r}")
        with self._access.write() as con:
            self._access.head(plan_id)  # locks the plan's row: its members change one at a time
            current = self._role_of(plan_id, user)
            need = "owner" if "owner" in (role, current) else "editor"
            self._access.head(plan_id, need)
            if current == "owner" and role != "owner":
                self._keep_an_owner(plan_id, user)
            con.execute(
                'INSERT INTO plan_members (plan_id, "user", role) VALUES (?, ?, ?) '
                'ON CONFLICT (plan_id, "user") DO UPDATE SET role = excluded.role',
                (plan_id, user, role),
            )

    def unshare(self, plan_id: str, user: str) -> None:
        """Remove ``user`` from the plan's members."""
        user = " ".join(str(user).split())
        with self._access.write() as con:
            self._access.head(plan_id)  # locks the plan's row: its members change one at a time
            current = self._role_of(plan_id, user)
            self._access.head(plan_id, "owner" if current == "owner" else "editor")
            if current == "owner":
                self._keep_an_owner(plan_id, user)
            con.execute(
                'DELETE FROM plan_members WHERE plan_id = ? AND "user" = ?', (plan_id, user)
            )

    def _role_of(self, plan_id: str, user: str) -> str | None:
        row = self._access.con.execute(
            'SELECT role FROM plan_members WHERE plan_id = ? AND "user" = ?', (plan_id, user)
        ).fetchone()
        return row[0] if row else None

    def _keep_an_owner(self, plan_id: str, leaving: str) -> None:
        others = self._access.con.execute(
            "SELECT 1 FROM plan_members WHERE plan_id = ? AND role = 'owner' AND \"user\" != ?",
            (plan_id, leaving),
        ).fetchone()
        if not others:
            raise NotAllowed("a plan keeps at least one owner: name another owner first")
