"""PlanStore: the one object analysts and the app hold. Each of its methods hands over to
the part of the store that owns the concern: plans, members, revisions, company
strategies, who is here, workshops."""

from __future__ import annotations

import datetime as dt
import functools
import os
from typing import Any

from workbook.changes import Step
from workbook.model import Plan, StrategicPlan, new_id
from workbook.store.access import Access
from workbook.store.database import Database
from workbook.store.files import example_plan, example_strategic_plan, parse_plan_file
from workbook.store.location import default_db_path
from workbook.store.members import Members
from workbook.store.plans import Plans
from workbook.store.presence import PresenceBoard
from workbook.store.records import PlanSummary, Presence, RevisionInfo, StoredPlan, now_text
from workbook.store.revisions import Revisions
from workbook.store.schema import EVERYONE, EXAMPLE_AUTHOR, LOCAL_USER
from workbook.store.strategies import Strategies
from workbook.store.workshops import WorkshopStore


class PlanStore:
    """Plans kept in one SQLite file (WAL) or a PostgreSQL database; every save is a new
    revision.

    ``path`` is a file path, ``":memory:"``, a ``postgresql://`` address, or None for
    :func:`default_db_path`. ``user`` is the signed-in user the store acts for: it sees only
    the plans it is a member of, and its role on a plan decides what it may change (checked
    inside each write). None is the single local user of a workbook without sign-in, who
    may do everything.

    Opened with a team member's own database role (:mod:`workbook.team_roles`), the store
    acts for the member the database says that role stands for (:attr:`team_member`), and
    the database's row-level security enforces the same rights on every statement.

    The store is made of parts, each owning one concern: :attr:`database` (the connection,
    the schema, write transactions), :attr:`access` (the acting user and their rights),
    and the members, revisions, strategies and presence of the plans, and the workshops.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        user: str | None = None,
    ):
        self.database = Database(default_db_path() if path is None else path, read_only=read_only)
        try:
            self.access = Access(self.database, user)
        except BaseException:
            self.database.close()
            raise
        self._plans = Plans(self.access)
        self._members = Members(self.access)
        self._revisions = Revisions(self.access)
        self._strategies = Strategies(self.access)
        self._presence = PresenceBoard(self.access)

    @property
    def read_only(self) -> bool:
        """Whether the store was opened read-only: every write raises ReadOnlyError."""
        return self.database.read_only

    @property
    def path(self) -> Any:
        """The SQLite file (None in memory and on PostgreSQL)."""
        return self.database.path

    @property
    def location(self) -> str:
        """Where the store is: its file, ``:memory:``, or its address without a password."""
        return self.database.location

    @property
    def team_member(self) -> str | None:
        """The member this store's database role stands for, read from the database; None
        for SQLite and for the store's owner role."""
        return self.database.team_member

    @property
    def user(self) -> str | None:
        """The user the store acts for (None: the local user, who may do everything)."""
        return self.access.user

    @user.setter
    def user(self, name: str | None) -> None:
        self.access.user = name

    def __repr__(self) -> str:
        user = f", user={self.user!r}" if self.user else ""
        read_only = ", read_only=True" if self.read_only else ""
        return f"PlanStore({self.location!r}{user}{read_only})"

    def check(self) -> None:
        """Read the store: a damaged or truncated file, or a database that cannot be
        reached, raises StoreError (one line, no password)."""
        self.database.check()

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        self.database.close()

    def __enter__(self) -> PlanStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plans -------------------------------------------------------------------

    def list_plans(self) -> list[PlanSummary]:
        """Every plan the user is on that is not deleted, most recently saved first."""
        return self._plans.list_plans()

    def plans_frame(self) -> Any:
        """The plan list as a pandas DataFrame."""
        return self._plans.plans_frame()

    def resolve(self, key: str) -> str:
        """The id of the plan whose id, or else whose unique name, is ``key``."""
        return self._plans.resolve(key)

    def create(self, plan: Plan, *, author: str = "", note: str = "created") -> StoredPlan:
        """Store a new plan as its revision 1, owned by its creator; a taken id gets a new id."""
        return self._plans.create(plan, author=author, note=note)

    def load(self, plan_id: str, revision: int | None = None) -> StoredPlan:
        """The latest revision of a plan, or the one asked for."""
        return self._plans.load(plan_id, revision)

    def latest_revision(self, plan_id: str) -> int:
        """The number of the plan's latest revision."""
        return self._plans.latest_revision(plan_id)

    def save(
        self, plan: Plan, *, base_revision: int, author: str = "", note: str = ""
    ) -> StoredPlan:
        """Save ``plan`` as a new revision on top of ``base_revision``.

        Raises ConflictError when another save happened since ``base_revision``:
        nothing is overwritten.
        """
        return self._plans.save(plan, base_revision=base_revision, author=author, note=note)

    def rename(self, plan_id: str, name: str, *, author: str = "") -> StoredPlan:
        """Give a plan a new name (a new revision)."""
        current = self.load(plan_id)
        renamed = Plan.model_validate({**current.plan.model_dump(), "name": name})
        return self.save(renamed, base_revision=current.revision, author=author, note="renamed")

    def duplicate(self, plan_id: str, *, name: str | None = None, author: str = "") -> StoredPlan:
        """Copy a plan's latest revision into a new plan."""
        source = self.load(plan_id).plan
        copy = Plan.model_validate(
            {**source.model_dump(), "id": new_id(), "name": name or f"{source.name} (copy)"[:120]}
        )
        return self.create(copy, author=author, note=f"copied from {plan_id}")

    def delete(self, plan_id: str) -> None:
        """Remove a plan from the list; its revisions are kept in the file."""
        self._plans.delete(plan_id)

    # --- import and export ---------------------------------------------------------

    def export_json(self, plan_id: str, revision: int | None = None) -> str:
        """The plan as indented JSON, in the format ``import_json`` reads."""
        return self.load(plan_id, revision).plan.model_dump_json(indent=2)

    def import_json(self, text: str | bytes, *, author: str = "") -> StoredPlan:
        """Add a plan from JSON text; a bad file raises PlanFileError and changes nothing."""
        plan = parse_plan_file(text)
        return self.create(plan, author=author, note="imported")

    # --- members --------------------------------------------------------------------

    def role(self, plan_id: str) -> str | None:
        """The acting user's role on a plan (None: not a member; the local user owns all)."""
        return self.access.role(plan_id)

    def members(self, plan_id: str) -> list[tuple[str, str]]:
        """The plan's members as (user, role), owners first, then by name."""
        return self._members.of(plan_id)

    def share(self, plan_id: str, user: str, role: str) -> None:
        """Make ``user`` a member of the plan with ``role`` (editors and owners may share).

        Only an owner may make or unmake an owner, and a plan always keeps one owner.
        """
        self._members.share(plan_id, user, role)

    def unshare(self, plan_id: str, user: str) -> None:
        """Remove ``user`` from the plan's members (editors and owners; owners for an owner)."""
        self._members.unshare(plan_id, user)

    # --- revisions -------------------------------------------------------------------

    def history(self, plan_id: str) -> list[RevisionInfo]:
        """Every revision of a plan, oldest first."""
        return self._revisions.history(plan_id)

    def history_frame(self, plan_id: str) -> Any:
        """The history of a plan as a pandas DataFrame."""
        return self._revisions.history_frame(plan_id)

    def steps(self, plan_id: str, since: int) -> list[Step]:
        """Revisions ``since`` to the latest of a plan, oldest first, for ``changes_since``."""
        return self._revisions.steps(plan_id, since)

    def revision_at(self, plan_id: str, stamp: dt.datetime) -> int:
        """The plan's revision current at ``stamp`` (1 for a time before its first)."""
        return self._revisions.revision_at(plan_id, stamp)

    # --- company strategy ------------------------------------------------------------

    def load_strategic_plan(self, company: str = "") -> StrategicPlan:
        """The strategic objectives of ``company``, shared by that company's plans."""
        return self._strategies.load(company).plan  # type: ignore[return-value]

    def load_strategic_plan_revision(self, company: str = "") -> StoredPlan:
        """A company's objectives with the revision they come from (0 when none saved).

        A signed-in user reads the strategy of a company one of whose plans they are on.
        """
        return self._strategies.load(company)

    def save_strategic_plan(
        self,
        strategic: StrategicPlan,
        *,
        company: str = "",
        author: str = "",
        base_revision: int | None = None,
    ) -> StoredPlan:
        """Save a company's strategic objectives as a new revision.

        With ``base_revision``, raises ConflictError when someone saved since then. A
        signed-in user must be an editor or owner of one of the company's plans.
        """
        return self._strategies.save(
            strategic, company=company, author=author, base_revision=base_revision
        )

    # --- who is here ------------------------------------------------------------------

    def mark_here(
        self, page: str, plan_id: str, name: str, section: str, *, now: dt.datetime | None = None
    ) -> None:
        """Record that ``page`` shows ``plan_id`` now; entries gone stale are pruned."""
        self._presence.mark_here(page, plan_id, name, section, now=now)

    def here(
        self, plan_id: str, *, besides: str = "", now: dt.datetime | None = None
    ) -> list[Presence]:
        """The pages seen on ``plan_id`` within :data:`PRESENCE_TTL`, other than ``besides``."""
        return self._presence.here(plan_id, besides=besides, now=now)

    def leave(self, page: str) -> None:
        """Forget ``page`` (it closed or opened another plan)."""
        self._presence.leave(page)

    @functools.cached_property
    def workshops(self) -> WorkshopStore:
        """The workshop sessions kept in this store, for the same user."""
        return WorkshopStore(self.access)

    # --- first start -------------------------------------------------------------------

    def ensure_example(self) -> str | None:
        """Load the worked example into a store that has never held a plan.

        Returns the example's plan id when it was loaded, else None.
        """
        if self.read_only:
            return None
        with self.database.write() as con:
            con.lock("example")
            seen = con.execute("SELECT value FROM meta WHERE key = 'example'").fetchone()
            has_plans = con.execute("SELECT 1 FROM plans LIMIT 1").fetchone()
            if seen or has_plans:
                return None
            con.execute("INSERT INTO meta (key, value) VALUES ('example', ?)", (now_text(),))
        plan, strategic = example_plan(), example_strategic_plan()
        if not self.load_strategic_plan(plan.company).objectives:
            self.save_strategic_plan(strategic, company=plan.company, author=EXAMPLE_AUTHOR)
        plan_id = self._plans.create_for(plan, EXAMPLE_AUTHOR, EXAMPLE_AUTHOR, LOCAL_USER).plan.id
        with self.database.write() as con:
            con.execute(
                "INSERT INTO plan_members (plan_id, \"user\", role) VALUES (?, ?, 'viewer')",
                (plan_id, EVERYONE),
            )
        return plan_id
