"""Who the plan store acts for, and what they may reach: a plan's role decides what its
members read and change; a workshop participant reaches only the workshop they joined."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from workbook.errors import NotAllowed, PlanNotFound
from workbook.store.database import Database
from workbook.store.schema import EVERYONE, ROLES
from workbook.workshop import PARTICIPANT_PREFIX, normalize_code, participant_of


class Access:
    """The acting user on a :class:`Database`, and the checks every read and write makes.

    ``user`` None is the single local user of a workbook without sign-in, who owns every
    plan. On a team member's own database role, the user is that member (or a participant
    of a workshop), and the database's row-level security checks the same rights again.
    """

    def __init__(self, db: Database, user: str | None = None):
        self.db = db
        self._user: str | None = None
        self.user = user

    @property
    def con(self) -> Any:
        """The database's backend, for reads."""
        return self.db.backend

    def write(self) -> AbstractContextManager[Any]:
        """A write transaction on the database (see :meth:`Database.write`)."""
        return self.db.write()

    @property
    def user(self) -> str | None:
        """The user the store acts for (None: the local user, who may do everything)."""
        return self._user

    @user.setter
    def user(self, name: str | None) -> None:
        name = name.strip() if name and name.strip() else None
        member = self.db.team_member
        if member is not None and name not in (None, member) and not participant_of(name):
            raise NotAllowed(f"this store's database role acts for {member}, not for {name}")
        self._user = name or member

    @property
    def team(self) -> bool:
        """Whether the store runs on a team member's own role, under row-level security."""
        return self.db.team_member is not None

    @property
    def participant(self) -> bool:
        """Whether the acting user joined a workshop by its code: on no plan, ever."""
        return bool(self.user and self.user.startswith(PARTICIPANT_PREFIX))

    def refuse_participant(self) -> None:
        if self.participant:
            raise NotAllowed("a workshop participant reaches only the workshop's questions")

    def reaches(self, code: str) -> bool:
        """Whether the acting user may see workshop ``code`` (a participant: only theirs)."""
        return not self.participant or participant_of(self.user) == normalize_code(code)

    def outsider(self, code: str) -> bool:
        """Whether the acting user, on a team member's role, reaches workshop ``code`` only
        as its participant: through the functions that let a participant in (a workshop
        of a plan the member is not on is not in the table for them)."""
        if not self.team:
            return False
        if self.participant:
            return True
        return not self.con.execute(
            "SELECT 1 FROM workshop_sessions WHERE code = ?", (normalize_code(code),)
        ).fetchone()

    def author(self, author: str) -> str:
        """A revision's author: the signed-in user when there is one, else the name given."""
        return self.user or author

    def role(self, plan_id: str) -> str | None:
        """The acting user's role on a plan (None: not a member; the local user owns all)."""
        if self.user is None:
            return "owner"
        if self.participant:
            return None
        rows = self.con.execute(
            'SELECT role FROM plan_members WHERE plan_id = ? AND "user" IN (?, ?)',
            (plan_id, self.user, EVERYONE),
        ).fetchall()
        return max((r[0] for r in rows), key=ROLES.index, default=None)

    def head(self, plan_id: str, need: str = "viewer") -> Any:
        """The plan's row, if the acting user's role is at least ``need``.

        A plan the user is not on is reported as not found, so its existence is not revealed.
        In a write, the row stays locked until the commit (PostgreSQL's ``FOR UPDATE``).
        """
        query = "SELECT head, deleted_at FROM plans WHERE id = ?"
        row = self.con.execute(query, (plan_id,)).fetchone()
        role = self.role(plan_id)
        if row is None or row["deleted_at"] is not None or role is None:
            raise PlanNotFound(f"no plan with id {plan_id!r}")
        if ROLES.index(role) < ROLES.index(need):
            raise NotAllowed(
                f"{self.user} is a {role} of this plan; only an {need} or owner may do that"
                if need == "editor"
                else f"{self.user} is a {role} of this plan; only an owner may do that"
            )
        if self.con.lock_rows:  # locked only now: a role's policies may not let it lock
            row = self.con.execute(query + self.con.lock_rows, (plan_id,)).fetchone()
            if row is None:
                raise NotAllowed(f"the database does not let {self.user} change this plan")
        return row

    def visible(self) -> tuple[str, tuple[str, ...]]:
        """An SQL condition on ``plans.id`` that keeps the plans the acting user is on."""
        if self.user is None:
            return "1 = 1", ()
        if self.participant:
            return "1 = 0", ()
        return (
            'id IN (SELECT plan_id FROM plan_members WHERE "user" IN (?, ?))',
            (self.user, EVERYONE),
        )
