"""PlanStore: plans, their members, revisions and history, the company strategy, and who
is here; its workshops are a :class:`~workbook.store.workshops.WorkshopStore` on the same
database."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbook.changes import Step, revision_authors
from workbook.errors import (
    ConflictError,
    NotAllowed,
    PlanNotFound,
    ReadOnlyError,
    StoreError,
)
from workbook.model import Plan, StrategicPlan, load_plan, new_id
from workbook.store.files import (
    example_plan,
    example_strategic_plan,
    parse_plan_file,
)
from workbook.store.location import (
    SQLiteBackend,
    _connect,
    _store_error,
    default_db_path,
    store_path,
)
from workbook.store.records import (
    PlanSummary,
    Presence,
    RevisionInfo,
    StoredPlan,
    iso_text,
    now_text,
)
from workbook.store.schema import (
    _SCHEMA_STEPS,
    EVERYONE,
    EXAMPLE_AUTHOR,
    LOCAL_USER,
    PRESENCE_TTL,
    ROLES,
    SCHEMA,
    company_key,
)
from workbook.store.workshops import WorkshopStore
from workbook.store_pg import is_postgres_url
from workbook.workshop import (
    PARTICIPANT_PREFIX,
    normalize_code,
    participant_of,
)


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
    """

    team_member: str | None = None
    """The member this store's database role stands for, read from the database; None for
    SQLite and for the store's owner role."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        user: str | None = None,
    ):
        if path is None:
            path = default_db_path()
        self.read_only = read_only
        self._user: str | None = None
        self.user = user
        self.path: Path | None = None
        if is_postgres_url(path):
            from workbook.store_pg import PostgresBackend

            self._con: Any = PostgresBackend(str(path), read_only=read_only)
            self.location: str = self._con.location
            # A store dropped without close() gives its connections back all the same.
            self._finalizer = weakref.finalize(self, self._con.close)
            self._open()
            return
        if str(path) == ":memory:":
            con = sqlite3.connect(":memory:", timeout=60, isolation_level=None)
        else:
            self.path = store_path(path)
            con = _connect(self.path, read_only)
        self.location = str(self.path or ":memory:")
        self._con = SQLiteBackend(con, self.location)
        self._finalizer = weakref.finalize(self, lambda: None)
        try:
            if not read_only:
                con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA foreign_keys=ON")
            self._open()
        except sqlite3.DatabaseError as exc:
            con.close()
            raise _store_error(self.path, exc) from None

    def _open(self) -> None:
        """Check the database holds a plan store its schema this code knows; set it up."""
        try:
            self._check_is_plan_store()
            self._check_schema_not_newer()
            if self.read_only:
                self._check_schema_current()
            else:
                self._migrate_schema()
            if self._con.dialect == "postgresql":
                self.team_member = self._con.team_member()
                self.user = self._user
        except BaseException:
            self.close()
            raise

    @property
    def user(self) -> str | None:
        """The user the store acts for (None: the local user, who may do everything)."""
        return self._user

    @user.setter
    def user(self, name: str | None) -> None:
        name = name.strip() if name and name.strip() else None
        if (
            self.team_member is not None
            and name not in (None, self.team_member)
            and not participant_of(name)
        ):
            raise NotAllowed(
                f"this store's database role acts for {self.team_member}, not for {name}"
            )
        self._user = name or self.team_member

    @property
    def _team(self) -> bool:
        """Whether the store runs on a team member's own role, under row-level security."""
        return self.team_member is not None

    def __repr__(self) -> str:
        user = f", user={self.user!r}" if self.user else ""
        read_only = ", read_only=True" if self.read_only else ""
        return f"PlanStore({self.location!r}{user}{read_only})"

    def _check_is_plan_store(self) -> None:
        """Refuse a database that holds something else than plans."""
        tables = self._con.tables() - {"schema_version"}
        version = self._con.schema_version()
        if (tables and not {"plans", "revisions"} <= tables) or (version and not tables):
            kind = "an SQLite" if self._con.dialect == "sqlite" else "a PostgreSQL"
            raise StoreError(f"{self.location} is {kind} database but not a plan store")

    def _check_schema_not_newer(self) -> None:
        version = self._con.schema_version()
        if version > len(SCHEMA):
            raise StoreError(
                f"the plan store {self.location} was written by a newer version of the "
                f"workbook (schema {version}; this one knows up to {len(SCHEMA)}): "
                "upgrade the workbook"
            )

    def _check_schema_current(self) -> None:
        version = self._con.schema_version()
        if version < len(SCHEMA):
            what = "is empty" if version == 0 else "was written by an older version"
            raise StoreError(
                f"the plan store {self.location} {what}; open it once without --read-only "
                "so that it can be set up"
            )

    def check(self) -> None:
        """Read the store: a damaged or truncated file, or a database that cannot be
        reached, raises StoreError (one line, no password)."""
        self._con.check()

    # --- plumbing ----------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        self._finalizer.detach()
        self._con.close()

    def __enter__(self) -> PlanStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Any]:
        """A write transaction; reads in it that end in ``self._con.lock_rows`` lock rows."""
        if self.read_only:
            raise ReadOnlyError("the workbook is open read-only: nothing is saved")
        with self._con.transaction():
            yield self._con

    def _migrate_schema(self) -> None:
        """Bring the schema to the latest version, in one transaction that only one
        process at a time runs (SQLite's write lock; PostgreSQL's advisory lock)."""
        if self._con.schema_version() >= len(SCHEMA):
            return
        with self._con.migration():
            version = self._con.schema_version()
            self._check_schema_not_newer()
            for number, script in enumerate(SCHEMA[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        self._con.execute(statement)
                if number in _SCHEMA_STEPS:
                    _SCHEMA_STEPS[number](self._con)
                self._con.set_schema_version(number, now_text())

    def _head(self, plan_id: str, need: str = "viewer") -> Any:
        """The plan's row, if the acting user's role is at least ``need``.

        A plan the user is not on is reported as not found, so its existence is not revealed.
        In a write, the row stays locked until the commit (PostgreSQL's ``FOR UPDATE``).
        """
        query = "SELECT head, deleted_at FROM plans WHERE id = ?"
        row = self._con.execute(query, (plan_id,)).fetchone()
        role = self.role(plan_id)
        if row is None or row["deleted_at"] is not None or role is None:
            raise PlanNotFound(f"no plan with id {plan_id!r}")
        if ROLES.index(role) < ROLES.index(need):
            raise NotAllowed(
                f"{self.user} is a {role} of this plan; only an {need} or owner may do that"
                if need == "editor"
                else f"{self.user} is a {role} of this plan; only an owner may do that"
            )
        if self._con.lock_rows:  # locked only now: a role's policies may not let it lock
            row = self._con.execute(query + self._con.lock_rows, (plan_id,)).fetchone()
            if row is None:
                raise NotAllowed(f"the database does not let {self.user} change this plan")
        return row

    @property
    def _participant(self) -> bool:
        """Whether the acting user joined a workshop by its code: on no plan, ever."""
        return bool(self.user and self.user.startswith(PARTICIPANT_PREFIX))

    def _refuse_participant(self) -> None:
        if self._participant:
            raise NotAllowed("a workshop participant reaches only the workshop's questions")

    def _reaches(self, code: str) -> bool:
        """Whether the acting user may see workshop ``code`` (a participant: only theirs)."""
        return not self._participant or participant_of(self.user) == normalize_code(code)

    def _outsider(self, code: str) -> bool:
        """Whether the acting user, on a team member's role, reaches workshop ``code`` only
        as its participant: through the functions that let a participant in (a workshop
        of a plan the member is not on is not in the table for them)."""
        if not self._team:
            return False
        if self._participant:
            return True
        return not self._con.execute(
            "SELECT 1 FROM workshop_sessions WHERE code = ?", (normalize_code(code),)
        ).fetchone()

    def _author(self, author: str) -> str:
        """A revision's author: the signed-in user when there is one, else the name given."""
        return self.user or author

    # --- members -------------------------------------------------------------------

    def role(self, plan_id: str) -> str | None:
        """The acting user's role on a plan (None: not a member; the local user owns all)."""
        if self.user is None:
            return "owner"
        if self._participant:
            return None
        rows = self._con.execute(
            'SELECT role FROM plan_members WHERE plan_id = ? AND "user" IN (?, ?)',
            (plan_id, self.user, EVERYONE),
        ).fetchall()
        return max((r[0] for r in rows), key=ROLES.index, default=None)

    def members(self, plan_id: str) -> list[tuple[str, str]]:
        """The plan's members as (user, role), owners first, then by name."""
        self._head(plan_id)
        rows = self._con.execute(
            'SELECT "user", role FROM plan_members WHERE plan_id = ? AND "user" != ?',
            (plan_id, EVERYONE),
        ).fetchall()
        return sorted(((r[0], r[1]) for r in rows), key=lambda m: (-ROLES.index(m[1]), m[0]))

    def share(self, plan_id: str, user: str, role: str) -> None:
        """Make ``user`` a member of the plan with ``role`` (editors and owners may share).

        Only an owner may make or unmake an owner, and a plan always keeps one owner.
        """
        user = " ".join(str(user).split())
        if not user or user == EVERYONE:
            raise NotAllowed("give the name the person signs in with")
        if role not in ROLES:
            raise NotAllowed(f"a member is an owner, editor or viewer, not {role!r}")
        with self._write() as con:
            self._head(plan_id)  # locks the plan's row: its members change one at a time
            current = self._member_role(plan_id, user)
            need = "owner" if "owner" in (role, current) else "editor"
            self._head(plan_id, need)
            if current == "owner" and role != "owner":
                self._keep_an_owner(plan_id, user)
            con.execute(
                'INSERT INTO plan_members (plan_id, "user", role) VALUES (?, ?, ?) '
                'ON CONFLICT (plan_id, "user") DO UPDATE SET role = excluded.role',
                (plan_id, user, role),
            )

    def unshare(self, plan_id: str, user: str) -> None:
        """Remove ``user`` from the plan's members (editors and owners; owners for an owner)."""
        user = " ".join(str(user).split())
        with self._write() as con:
            self._head(plan_id)  # locks the plan's row: its members change one at a time
            current = self._member_role(plan_id, user)
            self._head(plan_id, "owner" if current == "owner" else "editor")
            if current == "owner":
                self._keep_an_owner(plan_id, user)
            con.execute(
                'DELETE FROM plan_members WHERE plan_id = ? AND "user" = ?', (plan_id, user)
            )

    def _member_role(self, plan_id: str, user: str) -> str | None:
        row = self._con.execute(
            'SELECT role FROM plan_members WHERE plan_id = ? AND "user" = ?', (plan_id, user)
        ).fetchone()
        return row[0] if row else None

    def _keep_an_owner(self, plan_id: str, leaving: str) -> None:
        others = self._con.execute(
            "SELECT 1 FROM plan_members WHERE plan_id = ? AND role = 'owner' AND \"user\" != ?",
            (plan_id, leaving),
        ).fetchone()
        if not others:
            raise NotAllowed("a plan keeps at least one owner: name another owner first")

    # --- plans -------------------------------------------------------------------

    def _visible(self) -> tuple[str, tuple[str, ...]]:
        """An SQL condition on ``plans.id`` that keeps the plans the acting user is on."""
        if self.user is None:
            return "1 = 1", ()
        if self._participant:
            return "1 = 0", ()
        return (
            'id IN (SELECT plan_id FROM plan_members WHERE "user" IN (?, ?))',
            (self.user, EVERYONE),
        )

    def list_plans(self) -> list[PlanSummary]:
        """Every plan the user is on that is not deleted, most recently saved first."""
        visible, args = self._visible()
        rows = self._con.execute(
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
        visible, args = self._visible()
        row = self._con.execute(
            f"SELECT id FROM plans WHERE id = ? AND deleted_at IS NULL AND {visible}",
            (key, *args),
        ).fetchone()
        if row:
            return row[0]
        named = self._con.execute(
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
        self._refuse_participant()
        return self._create(plan, self._author(author), note, self.user or LOCAL_USER)

    def _create(self, plan: Plan, author: str, note: str, owner: str) -> StoredPlan:
        with self._write() as con:
            con.lock(f"plan {plan.id}")
            # An id already taken (perhaps by a plan this user cannot see) gets a new one.
            taken = (
                "SELECT nw_plan_exists(?)"
                if self._team
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
        head = self._head(plan_id)["head"]
        number = head if revision is None else revision
        row = self._con.execute(
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
        return int(self._head(plan_id)["head"])

    def save(
        self, plan: Plan, *, base_revision: int, author: str = "", note: str = ""
    ) -> StoredPlan:
        """Save ``plan`` as a new revision on top of ``base_revision``.

        Raises ConflictError when another save happened since ``base_revision``:
        nothing is overwritten.
        """
        data = plan.model_dump_json()
        author = self._author(author)
        with self._write() as con:
            head = self._head(plan.id, "editor")["head"]
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

    def history(self, plan_id: str) -> list[RevisionInfo]:
        """Every revision of a plan, oldest first."""
        self._head(plan_id)
        rows = self._con.execute(
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
        self._head(plan_id)
        rows = self._con.execute(
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
        row = self._con.execute(
            "SELECT MAX(revision) FROM revisions WHERE plan_id = ? AND saved_at <= ?",
            (plan_id, iso_text(stamp)),
        ).fetchone()
        return int(row[0] or 1)

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
        with self._write() as con:
            self._head(plan_id, "owner")
            con.execute("UPDATE plans SET deleted_at = ? WHERE id = ?", (now_text(), plan_id))

    # --- import and export ---------------------------------------------------------

    def export_json(self, plan_id: str, revision: int | None = None) -> str:
        """The plan as indented JSON, in the format ``import_json`` reads."""
        return self.load(plan_id, revision).plan.model_dump_json(indent=2)

    def import_json(self, text: str | bytes, *, author: str = "") -> StoredPlan:
        """Add a plan from JSON text; a bad file raises PlanFileError and changes nothing."""
        plan = parse_plan_file(text)
        return self.create(plan, author=author, note="imported")

    # --- company strategy ------------------------------------------------------------

    def load_strategic_plan(self, company: str = "") -> StrategicPlan:
        """The strategic objectives of ``company``, shared by that company's plans."""
        return self.load_strategic_plan_revision(company).plan

    def load_strategic_plan_revision(self, company: str = "") -> StoredPlan:
        """A company's objectives with the revision they come from (0 when none saved).

        A signed-in user reads the strategy of a company one of whose plans they are on.
        """
        self._company_role(company, "viewer")
        row = self._con.execute(
            "SELECT revision, saved_at, author, data FROM strategies WHERE company = ? "
            "ORDER BY revision DESC LIMIT 1",
            (company_key(company),),
        ).fetchone()
        if row is None:
            return StoredPlan(StrategicPlan(), 0, "", "")  # type: ignore[arg-type]
        plan = StrategicPlan.model_validate_json(row["data"])
        return StoredPlan(plan, row["revision"], row["saved_at"], row["author"])  # type: ignore[arg-type]

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
        self._company_role(company, "editor")
        key = company_key(company)
        with self._write() as con:
            con.lock(f"strategy {key}")  # the next revision number is taken one at a time
            head = con.execute(
                "SELECT revision, saved_at, author FROM strategies WHERE company = ? "
                "ORDER BY revision DESC LIMIT 1",
                (key,),
            ).fetchone()
            latest = head["revision"] if head else 0
            if base_revision is not None and latest != base_revision:
                raise ConflictError("strategy", base_revision, latest, head[1], head[2])
            now = now_text()
            con.execute(
                "INSERT INTO strategies (company, revision, saved_at, author, data) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, latest + 1, now, author, strategic.model_dump_json()),
            )
        return StoredPlan(strategic, latest + 1, now, author)  # type: ignore[arg-type]

    def _company_role(self, company: str, need: str) -> None:
        """Refuse (NotAllowed) a user whose best role on the company's plans is below
        ``need``; a company's strategy is as confidential as its plans."""
        self._refuse_participant()
        if self.user is None:
            return
        key = company_key(company)
        rows = self._con.execute(
            "SELECT p.company, m.role FROM plans p JOIN plan_members m ON m.plan_id = p.id "
            'WHERE p.deleted_at IS NULL AND m."user" IN (?, ?)',
            (self.user, EVERYONE),
        ).fetchall()
        roles = [r[1] for r in rows if company_key(r[0]) == key]
        best = max(roles, key=ROLES.index, default=None)
        if best is None or ROLES.index(best) < ROLES.index(need):
            raise NotAllowed(
                f"{self.user} is not on a plan of this company"
                if best is None
                else f"{self.user} may read this company's strategy but not change it"
            )

    # --- who is here ------------------------------------------------------------------

    def mark_here(
        self, page: str, plan_id: str, name: str, section: str, *, now: dt.datetime | None = None
    ) -> None:
        """Record that ``page`` shows ``plan_id`` now; entries gone stale are pruned."""
        stamp = now or dt.datetime.now(dt.UTC)
        with self._write() as con:
            con.execute(
                "INSERT INTO presence (page, plan_id, name, section, last_seen) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (page) DO UPDATE SET "
                "plan_id = excluded.plan_id, name = excluded.name, section = excluded.section, "
                "last_seen = excluded.last_seen",
                (page, plan_id, name[:80], section[:80], iso_text(stamp)),
            )
            con.execute(
                "DELETE FROM presence WHERE last_seen < ?", (iso_text(stamp - PRESENCE_TTL),)
            )

    def here(
        self, plan_id: str, *, besides: str = "", now: dt.datetime | None = None
    ) -> list[Presence]:
        """The pages seen on ``plan_id`` within :data:`PRESENCE_TTL`, other than ``besides``."""
        since = iso_text((now or dt.datetime.now(dt.UTC)) - PRESENCE_TTL)
        rows = self._con.execute(
            "SELECT page, name, section, last_seen FROM presence "
            "WHERE plan_id = ? AND last_seen >= ? AND page != ?",
            (plan_id, since, besides),
        ).fetchall()
        rows.sort(key=lambda r: r[0])  # by code point, whatever the database's collation
        rows.sort(key=lambda r: r[3], reverse=True)
        return [Presence(*r) for r in rows]

    def leave(self, page: str) -> None:
        """Forget ``page`` (it closed or opened another plan)."""
        with self._write() as con:
            con.execute("DELETE FROM presence WHERE page = ?", (page,))

    @functools.cached_property
    def workshops(self) -> WorkshopStore:
        """The workshop sessions kept in this store, for the same user."""
        return WorkshopStore(self)

    # --- first start -------------------------------------------------------------------

    def ensure_example(self) -> str | None:
        """Load the worked example into a store that has never held a plan.

        Returns the example's plan id when it was loaded, else None.
        """
        if self.read_only:
            return None
        with self._write() as con:
            con.lock("example")
            seen = con.execute("SELECT value FROM meta WHERE key = 'example'").fetchone()
            has_plans = con.execute("SELECT 1 FROM plans LIMIT 1").fetchone()
            if seen or has_plans:
                return None
            con.execute("INSERT INTO meta (key, value) VALUES ('example', ?)", (now_text(),))
        plan, strategic = example_plan(), example_strategic_plan()
        if not self.load_strategic_plan(plan.company).objectives:
            self.save_strategic_plan(strategic, company=plan.company, author=EXAMPLE_AUTHOR)
        plan_id = self._create(plan, EXAMPLE_AUTHOR, EXAMPLE_AUTHOR, LOCAL_USER).plan.id
        with self._write() as con:
            con.execute(
                "INSERT INTO plan_members (plan_id, \"user\", role) VALUES (?, ?, 'viewer')",
                (plan_id, EVERYONE),
            )
        return plan_id
