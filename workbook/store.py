"""PlanStore: plans in SQLite or PostgreSQL, every save a new revision, JSON import and export.

A path (or ``":memory:"``) names an SQLite file; a ``postgresql://`` address names a
PostgreSQL database (see :mod:`workbook.store_pg`). Both run the same SQL and keep the
same contract.

>>> store = PlanStore(":memory:")
>>> saved = store.create(Plan(name="Fleet renewal"), author="ana")
>>> saved.revision
1
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from workbook.changes import Step, revision_authors
from workbook.errors import (
    ConflictError,
    NotAllowed,
    PlanFileError,
    PlanNotFound,
    ReadOnlyError,
    StoreError,
    describe,
)
from workbook.model import Plan, SchemaVersionError, StrategicPlan, load_plan, new_id
from workbook.store_pg import clean_params, is_postgres_url, redact
from workbook.workshop import (
    CODE_LIFETIME,
    PARTICIPANT_PREFIX,
    PROMPTS,
    AnswerRecord,
    Clock,
    JoinError,
    Prompt,
    SessionState,
    WorkshopError,
    WorkshopSession,
    check_joinable,
    check_open,
    new_code,
    normalize_code,
    participant_name,
    participant_of,
    validate_answer,
)

DB_ENV = "NEGOTIATION_WORKBOOK_DB"
"""Environment variable naming the plan store (a file or a postgresql:// address) when none
is given."""

READ_ONLY_ENV = "NEGOTIATION_WORKBOOK_READ_ONLY"
"""Set to ``1`` (by ``negotiation-workbook serve --read-only``) to open the store read-only."""

USER_ENV = "HTTP_NEGOTIATION_WORKBOOK_USER"
"""In a page's kernel: the name of the person signed in under their own name ("" for the
host, who owns every plan); set by the server from the sign-in, never by the visitor."""

SERVE_IP_ENV = "NEGOTIATION_WORKBOOK_IP"
"""The address ``negotiation-workbook serve`` listens on, for the workshop's join address."""

MAX_IMPORT_BYTES = 5_000_000
"""Plan files larger than this are refused before parsing."""

_SCHEMA = [
    # version 1
    """
    CREATE TABLE plans (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        counterpart TEXT NOT NULL DEFAULT '',
        side TEXT NOT NULL DEFAULT 'sell',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        head INTEGER NOT NULL,
        deleted_at TEXT
    );
    CREATE TABLE revisions (
        plan_id TEXT NOT NULL REFERENCES plans(id),
        revision INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL,
        PRIMARY KEY (plan_id, revision)
    );
    CREATE TABLE strategic_plan (
        revision INTEGER PRIMARY KEY,
        saved_at TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # version 2: facilitated workshops
    """
    CREATE TABLE workshop_sessions (
        code TEXT PRIMARY KEY,
        plan_id TEXT NOT NULL REFERENCES plans(id),
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'revealed', 'ended')),
        prompts TEXT NOT NULL DEFAULT '[]',
        clock TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ended_at TEXT,
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX workshop_sessions_by_plan ON workshop_sessions (plan_id, created_at);
    CREATE TABLE workshop_participants (
        code TEXT NOT NULL REFERENCES workshop_sessions(code),
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
        joined_at TEXT NOT NULL,
        PRIMARY KEY (code, name_key)
    );
    CREATE TABLE workshop_answers (
        code TEXT NOT NULL REFERENCES workshop_sessions(code),
        name_key TEXT NOT NULL,
        participant TEXT NOT NULL,
        prompt TEXT NOT NULL,
        answer TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (code, name_key, prompt)
    );
    """,
    # version 3: each company keeps its own strategic plan (see _company_strategies)
    """
    ALTER TABLE plans ADD COLUMN company TEXT NOT NULL DEFAULT '';
    CREATE TABLE strategies (
        company TEXT NOT NULL,
        revision INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL,
        PRIMARY KEY (company, revision)
    );
    """,
    # version 4: who may see and change each plan (see _plan_owners)
    """
    CREATE TABLE plan_members (
        plan_id TEXT NOT NULL REFERENCES plans(id),
        "user" TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
        PRIMARY KEY (plan_id, "user")
    );
    CREATE INDEX plan_members_by_user ON plan_members ("user");
    """,
    # version 5: who has each plan open, and in which section (see PlanStore.mark_here)
    """
    CREATE TABLE presence (
        page TEXT PRIMARY KEY,
        plan_id TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        section TEXT NOT NULL DEFAULT '',
        last_seen TEXT NOT NULL
    );
    CREATE INDEX presence_by_plan ON presence (plan_id, last_seen);
    """,
    # version 6: workshop rows are ordered by a column of their own (see _workshop_order)
    """
    ALTER TABLE workshop_sessions ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE workshop_participants ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE workshop_answers ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
    """,
    # version 7: the database role a participant joined with; on PostgreSQL, row-level
    # security (see _row_security)
    """
    ALTER TABLE workshop_participants ADD COLUMN db_role TEXT NOT NULL DEFAULT '';
    """,
]
"""The schema, one script per version, in SQL that SQLite and PostgreSQL both run.

A store records the last version it ran (SQLite: ``PRAGMA user_version``; PostgreSQL: the
``schema_version`` table) and runs the later ones in one transaction when it is opened:
under SQLite's write lock, or PostgreSQL's advisory lock, so that servers starting
together take turns. A version is only ever added, never changed; a store whose version
is newer than this list is refused. (Alembic would bring a second migration history next
to SQLite's, autogenerate that this hand-written, two-dialect SQL does not need, and a
dependency for the one-machine install; this list does the same job for both backends.)"""

PRESENCE_TTL = dt.timedelta(seconds=5)
"""A page not seen for this long has gone: it is no longer shown, and its entry is pruned."""


EXAMPLE_AUTHOR = "worked example"
"""The author of what the worked example brought into a store."""

LOCAL_USER = "local"
"""The one user of a workbook served without sign-in; owns the plans of earlier stores."""

EVERYONE = "*"
"""A member name that stands for every user (the worked example is readable by everyone)."""

ROLES = ("viewer", "editor", "owner")
"""Plan roles, weakest first: a viewer reads and exports, an editor also edits, shares and
opens workshops, an owner also deletes the plan and names other owners."""


def company_key(name: str) -> str:
    """The key under which a company's strategy is kept: its name, spacing and case ignored.

    >>> company_key("  Acme   Fleet ") == company_key("acme fleet")
    True
    """
    return " ".join(str(name).split()).casefold()


def _company_strategies(con: Any) -> None:
    """Schema 3: the one shared strategic plan of earlier stores goes to its company.

    Untouched since the worked example brought it, it is the example's company's; edited by
    someone, it is the strategy of the plans that name no company, which is what those plans
    showed before. The worked example keeps its own strategy either way, and its plan gets
    a revision that names its company.
    """
    rows = con.execute(
        "SELECT revision, saved_at, author, data FROM strategic_plan ORDER BY revision"
    ).fetchall()
    example = example_plan()
    ours = company_key(example.company)
    untouched = all(r["author"] == EXAMPLE_AUTHOR for r in rows)
    target = ours if untouched else ""
    for r in rows:
        con.execute(
            "INSERT INTO strategies (company, revision, saved_at, author, data) "
            "VALUES (?, ?, ?, ?, ?)",
            (target, r["revision"], r["saved_at"], r["author"], r["data"]),
        )
    con.execute("DROP TABLE strategic_plan")
    head = con.execute(
        "SELECT head FROM plans WHERE id = ? AND deleted_at IS NULL", (example.id,)
    ).fetchone()
    if head is None:
        return
    if target != ours:
        con.execute(
            "INSERT INTO strategies (company, revision, saved_at, author, data) "
            "VALUES (?, 1, ?, ?, ?)",
            (ours, _now(), EXAMPLE_AUTHOR, example_strategic_plan().model_dump_json()),
        )
    data = json.loads(
        con.execute(
            "SELECT data FROM revisions WHERE plan_id = ? AND revision = ?",
            (example.id, head[0]),
        ).fetchone()[0]
    )
    if data.get("company"):
        return
    data["company"] = example.company
    now = _now()
    con.execute(
        "INSERT INTO revisions (plan_id, revision, saved_at, author, note, data) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (example.id, head[0] + 1, now, EXAMPLE_AUTHOR, "names its company", json.dumps(data)),
    )
    con.execute(
        "UPDATE plans SET head = ?, company = ? WHERE id = ?",
        (head[0] + 1, example.company, example.id),
    )


def _plan_owners(con: Any) -> None:
    """Schema 4: the local user owns every plan of an earlier store; everyone reads the example."""
    con.execute(
        'INSERT INTO plan_members (plan_id, "user", role) '
        "SELECT id, CAST(? AS TEXT), 'owner' FROM plans",
        (LOCAL_USER,),
    )
    con.execute(
        'INSERT INTO plan_members (plan_id, "user", role) '
        "SELECT plan_id, CAST(? AS TEXT), 'viewer' "
        "FROM revisions WHERE revision = 1 AND author = ?",
        (EVERYONE, EXAMPLE_AUTHOR),
    )


def _workshop_order(con: Any) -> None:
    """Schema 6: SQLite's insertion order (rowid) becomes the rows' ``seq``."""
    if con.dialect == "sqlite":
        for table in ("workshop_sessions", "workshop_participants", "workshop_answers"):
            con.execute(f"UPDATE {table} SET seq = rowid")


def _row_security(con: Any) -> None:
    """Schema 7: on PostgreSQL, each row of a plan is guarded by the database itself, for
    the per-user roles of a team (:func:`workbook.store_pg.row_security`); the store's
    owner role, and SQLite, keep working as before."""
    if con.dialect == "postgresql":
        con.row_security()


_SCHEMA_STEPS = {3: _company_strategies, 4: _plan_owners, 6: _workshop_order, 7: _row_security}
"""Python steps of a schema version, run after its SQL."""


def default_db_path() -> Path | str:
    """The store used when none is named: env NEGOTIATION_WORKBOOK_DB (a file or a
    postgresql:// address), else a file per user."""
    env = os.environ.get(DB_ENV)
    if env:
        return store_location(env)
    import platformdirs

    return platformdirs.user_data_path("negotiation-workbook") / "plans.sqlite"


def store_location(where: str | os.PathLike[str]) -> Path | str:
    """The store named by ``where``: a postgresql:// address as given, else its file."""
    if is_postgres_url(where):
        return str(where)
    return store_path(where)


def store_path(path: str | os.PathLike[str]) -> Path:
    """The store's file from what was given: a file path, never a folder nor a URL (but a
    postgresql:// address, which :func:`store_location` takes)."""
    text = os.fspath(path)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        raise StoreError(
            f"{redact(text)!r} is a URL; name a plan store file on this machine "
            "or a postgresql:// database"
        )
    resolved = Path(text).expanduser().resolve()
    if resolved.is_dir():
        raise StoreError(f"{resolved} is a folder; name the plan store file in it")
    if resolved.exists() and not resolved.is_file():
        raise StoreError(f"{resolved} is not a regular file")
    return resolved


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    """An SQLite connection to ``path``; read-only ones never create nor change the file."""
    if read_only:
        if not path.is_file():
            raise StoreError(f"there is no plan store at {path}")
        uri = f"{path.as_uri()}?mode=ro"
        con = sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None)
        try:  # a WAL store in a folder we may not write to is read as an immutable file
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            con.close()
            uri = f"{path.as_uri()}?mode=ro&immutable=1"
            con = sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None)
        except sqlite3.DatabaseError as exc:
            con.close()
            raise _store_error(path, exc) from None
        return con
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(f"the plan store {path} is read-only; add --read-only to use it")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return sqlite3.connect(str(path), timeout=60, isolation_level=None)
    except sqlite3.Error as exc:
        raise _store_error(path, exc) from None


def _store_error(path: Path | str | None, exc: sqlite3.Error) -> StoreError:
    """One line for a file SQLite cannot use as a store."""
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return StoreError(f"{path} is not a plan store, or it is damaged ({text})")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"the plan store {path} is read-only; add --read-only to use it")
    return StoreError(f"cannot open the plan store {path}: {text}")


class SQLiteBackend:
    """Plans in one SQLite file: one connection; a write holds the file's write lock
    (``BEGIN IMMEDIATE``) from its first read to its commit, so it needs no row locks."""

    dialect = "sqlite"
    lock_rows = ""
    """Appended to a read inside a write transaction; nothing here (the file is locked)."""

    def __init__(self, con: sqlite3.Connection, location: str):
        self.con, self.location = con, location
        con.row_factory = sqlite3.Row

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.con.execute(sql, clean_params(params))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    migration = transaction

    def lock(self, key: str) -> None:
        """Writers are serialised by the file's lock already."""

    def tables(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT name FROM sqlite_master")}

    def schema_version(self) -> int:
        return int(self.con.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, number: int, applied_at: str) -> None:
        self.con.execute(f"PRAGMA user_version = {int(number)}")

    def check(self) -> None:
        """Read every page of the file: a damaged or truncated store raises StoreError."""
        try:
            result = self.con.execute("PRAGMA quick_check(1)").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise _store_error(self.location, exc) from None
        if result != "ok":
            raise StoreError(f"the plan store {self.location} is damaged: {result}")

    def close(self) -> None:
        self.con.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _iso(stamp: dt.datetime | None) -> str:
    """A UTC timestamp as stored, for ``stamp`` or now."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    return stamp.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _session(row: Any) -> WorkshopSession:
    return WorkshopSession(
        code=row["code"],
        plan_id=row["plan_id"],
        state=row["state"],
        prompts=PROMPTS.validate_json(row["prompts"]),
        clock=Clock.model_validate_json(row["clock"]),
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        expires_at=dt.datetime.fromisoformat(row["expires_at"]),
        version=row["version"],
    )


@dataclass(frozen=True)
class PlanSummary:
    """One line of the plan list."""

    id: str
    name: str
    counterpart: str
    side: str
    updated_at: str
    revision: int


@dataclass(frozen=True)
class RevisionInfo:
    """Who saved which revision of a plan, and when."""

    plan_id: str
    revision: int
    saved_at: str
    author: str
    note: str


@dataclass(frozen=True)
class Presence:
    """A page that has a plan open: who it is, the section it shows, when it was last seen."""

    page: str
    name: str
    section: str
    last_seen: str


@dataclass(frozen=True)
class StoredPlan:
    """A plan (or the strategic plan) as loaded from the store, with its revision."""

    plan: Plan
    revision: int
    saved_at: str
    author: str


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
        if version > len(_SCHEMA):
            raise StoreError(
                f"the plan store {self.location} was written by a newer version of the "
                f"workbook (schema {version}; this one knows up to {len(_SCHEMA)}): "
                "upgrade the workbook"
            )

    def _check_schema_current(self) -> None:
        version = self._con.schema_version()
        if version < len(_SCHEMA):
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
        if self._con.schema_version() >= len(_SCHEMA):
            return
        with self._con.migration():
            version = self._con.schema_version()
            self._check_schema_not_newer()
            for number, script in enumerate(_SCHEMA[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        self._con.execute(statement)
                if number in _SCHEMA_STEPS:
                    _SCHEMA_STEPS[number](self._con)
                self._con.set_schema_version(number, _now())

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
            now = _now()
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
            now = _now()
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
            (plan_id, _iso(stamp)),
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
            con.execute("UPDATE plans SET deleted_at = ? WHERE id = ?", (_now(), plan_id))

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
            now = _now()
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
                (page, plan_id, name[:80], section[:80], _iso(stamp)),
            )
            con.execute("DELETE FROM presence WHERE last_seen < ?", (_iso(stamp - PRESENCE_TTL),))

    def here(
        self, plan_id: str, *, besides: str = "", now: dt.datetime | None = None
    ) -> list[Presence]:
        """The pages seen on ``plan_id`` within :data:`PRESENCE_TTL`, other than ``besides``."""
        since = _iso((now or dt.datetime.now(dt.UTC)) - PRESENCE_TTL)
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

    # --- workshops -----------------------------------------------------------------------

    def open_workshop(
        self,
        plan_id: str,
        *,
        now: dt.datetime | None = None,
        lifetime: dt.timedelta = CODE_LIFETIME,
    ) -> WorkshopSession:
        """Open a workshop session for a plan under a new join code, valid for ``lifetime``."""
        created = _iso(now)
        expires = _iso(dt.datetime.fromisoformat(created) + lifetime)
        with self._write() as con:
            self._head(plan_id, "editor")
            code = new_code()
            while not con.execute(  # a code taken (perhaps by a workshop not ours): another
                "INSERT INTO workshop_sessions "
                "(code, plan_id, clock, created_at, expires_at, seq) VALUES (?, ?, ?, ?, ?, "
                "(SELECT COALESCE(MAX(seq), 0) + 1 FROM workshop_sessions WHERE plan_id = ?)) "
                "ON CONFLICT (code) DO NOTHING",
                (code, plan_id, Clock().model_dump_json(), created, expires, plan_id),
            ).rowcount:
                code = new_code()
        return self.workshop(code)

    def workshop(self, code: str) -> WorkshopSession:
        """The session with join code ``code`` (any case), or JoinError.

        A participant reaches only the session they joined; any other reads as unknown.
        """
        code = normalize_code(code)
        row = self._con.execute(
            "SELECT * FROM workshop_sessions WHERE code = ?" + self._con.lock_rows, (code,)
        ).fetchone()
        if row is None and self._team:  # on no plan of it: by its code, while it is live
            row = self._con.execute("SELECT * FROM nw_workshop(?)", (code,)).fetchone()
        if not self._reaches(code):
            row = None
        if row is None:
            raise JoinError(
                f"No workshop session has the code {code}. Check the code on the "
                "facilitator's screen."
            )
        return _session(row)

    def workshop_heading(self, code: str) -> tuple[str, str]:
        """The name and currency of the plan workshop ``code`` prepares: all that its
        participants see of the plan (a participant is on no plan)."""
        session = self.workshop(code)
        if self._team:  # the name and currency only, whoever asks
            found = self._con.execute(
                "SELECT name, currency FROM nw_workshop_heading(?)", (session.code,)
            ).fetchone()
            if found is None:
                raise JoinError("The plan of this workshop is gone; ask the facilitator.")
            return found[0], found[1]
        row = self._con.execute(
            "SELECT r.data FROM plans p JOIN revisions r "
            "ON r.plan_id = p.id AND r.revision = p.head WHERE p.id = ?",
            (session.plan_id,),
        ).fetchone()
        if row is None:
            raise JoinError("The plan of this workshop is gone; ask the facilitator.")
        plan = load_plan(json.loads(row[0]))
        return plan.name, plan.currency

    def latest_workshop(self, plan_id: str) -> WorkshopSession | None:
        """The plan's most recently opened workshop session, whatever its state."""
        row = self._con.execute(
            "SELECT * FROM workshop_sessions WHERE plan_id = ? "
            "ORDER BY created_at DESC, seq DESC LIMIT 1",
            (plan_id,),
        ).fetchone()
        return _session(row) if row else None

    def workshop_version(self, code: str) -> int:
        """A number that grows with every change to a session or its answers; cheap to poll."""
        if not self._reaches(code):
            return 0
        table = "nw_workshop(?)" if self._outsider(code) else "workshop_sessions"
        code = normalize_code(code)
        args = (code, code) if table != "workshop_sessions" else (code,)
        row = self._con.execute(f"SELECT version FROM {table} WHERE code = ?", args).fetchone()
        return int(row[0]) if row else 0

    def update_workshop(
        self,
        code: str,
        *,
        state: SessionState | None = None,
        prompts: list[Prompt] | None = None,
        clock: Clock | None = None,
        now: dt.datetime | None = None,
    ) -> WorkshopSession:
        """Change a session's state, prompts or clock; an ended or expired one refuses."""
        stamp = _iso(now)
        with self._write() as con:
            session = self.workshop(code)
            self._head(session.plan_id, "editor")
            check_open(session, dt.datetime.fromisoformat(stamp))
            con.execute(
                "UPDATE workshop_sessions SET state = ?, prompts = ?, clock = ?, "
                "ended_at = CASE WHEN CAST(? AS TEXT) = 'ended' THEN CAST(? AS TEXT) END, "
                "version = version + 1 "
                "WHERE code = ?",
                (
                    state or session.state,
                    PROMPTS.dump_json(session.prompts if prompts is None else prompts).decode(),
                    (clock or session.clock).model_dump_json(),
                    state,
                    stamp,
                    session.code,
                ),
            )
        return self.workshop(code)

    def join_workshop(
        self, code: str, name: str, *, now: dt.datetime | None = None
    ) -> tuple[WorkshopSession, str]:
        """Join a session: the session and the tidied name, or JoinError saying what is wrong.

        Someone who joined before may come back after the session ended, to see the results.
        """
        name = participant_name(name)
        stamp = _iso(now)
        moment = dt.datetime.fromisoformat(stamp)
        session = self.workshop(code)
        check_joinable(session, moment, newcomer=False)
        key = (session.code, name.casefold())
        if self._team:  # joined by this role, whatever its role on the plan
            check_joinable(session, moment, newcomer=True)
            joined = self._con.execute(
                "SELECT nw_join_workshop(?, ?, ?, ?)", (*key, name, stamp)
            ).fetchone()[0]
            if joined is None:
                raise JoinError("Someone else joined under this name; add your surname.")
            return self.workshop(session.code), joined
        known = self._con.execute(
            "SELECT name FROM workshop_participants WHERE code = ? AND name_key = ?", key
        ).fetchone()
        if known:
            return session, known[0]
        with self._write() as con:
            current = self.workshop(session.code)  # locked until the commit
            check_joinable(current, moment, newcomer=True)
            con.execute(
                "INSERT INTO workshop_participants (code, name_key, name, joined_at, seq) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (*key, name, stamp, current.version + 1),
            )
            con.execute(
                "UPDATE workshop_sessions SET version = version + 1 WHERE code = ?",
                (session.code,),
            )
        return self.workshop(session.code), name

    def workshop_participants(self, code: str) -> list[str]:
        """The names of everyone who joined the session, in the order they joined."""
        if not self._reaches(code):
            return []
        table = (
            "nw_workshop_participants(?)"
            if self._outsider(code)
            else "workshop_participants WHERE code = ?"
        )
        rows = self._con.execute(
            f"SELECT name FROM {table} ORDER BY joined_at, seq", (normalize_code(code),)
        ).fetchall()
        return [r[0] for r in rows]

    def submit_answer(
        self,
        code: str,
        participant: str,
        prompt_id: str,
        data: Any,
        *,
        now: dt.datetime | None = None,
    ) -> AnswerRecord:
        """Keep a participant's answer to an open prompt; answering again replaces it.

        The answer is validated against the prompt before it is written (AnswerError); an
        ended or expired session (SessionClosed) and a closed prompt refuse it.
        """
        name = participant_name(participant)
        stamp = _iso(now)
        with self._write() as con:
            session = self.workshop(code)
            check_open(session, dt.datetime.fromisoformat(stamp))
            prompt = session.prompt(prompt_id)
            if prompt is None or not prompt.open:
                raise WorkshopError(
                    "The facilitator has closed this question; your earlier answer is kept."
                )
            answer = validate_answer(prompt, data).model_dump(mode="json")
            key = (session.code, name.casefold())
            if self._team:  # under a name this role joined with
                if not con.execute(
                    "SELECT nw_submit_answer(?, ?, ?, ?, ?)",
                    (*key, prompt_id, json.dumps(answer), stamp),
                ).fetchone()[0]:
                    raise JoinError("Join the session with its code and your name first.")
                return AnswerRecord(name, prompt_id, answer, dt.datetime.fromisoformat(stamp))
            if not con.execute(
                "SELECT 1 FROM workshop_participants WHERE code = ? AND name_key = ?", key
            ).fetchone():
                raise JoinError("Join the session with its code and your name first.")
            con.execute(
                "INSERT INTO workshop_answers "
                "(code, name_key, participant, prompt, answer, updated_at, seq) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code, name_key, prompt) DO UPDATE SET "
                "participant = excluded.participant, answer = excluded.answer, "
                "updated_at = excluded.updated_at",
                (*key, name, prompt_id, json.dumps(answer), stamp, session.version + 1),
            )
            con.execute(
                "UPDATE workshop_sessions SET version = version + 1 WHERE code = ?",
                (session.code,),
            )
        return AnswerRecord(name, prompt_id, answer, dt.datetime.fromisoformat(stamp))

    def workshop_answers(self, code: str, participant: str | None = None) -> list[AnswerRecord]:
        """The session's answers, oldest first; only one participant's when named."""
        if not self._reaches(code):
            return []
        table = (
            "nw_workshop_answers(?) WHERE 1 = 1"
            if self._outsider(code)
            else "workshop_answers WHERE code = ?"
        )
        query = f"SELECT participant, prompt, answer, updated_at FROM {table}"
        args: tuple[str, ...] = (normalize_code(code),)
        if participant is not None:
            query += " AND name_key = ?"
            args += (participant.casefold(),)
        rows = self._con.execute(query + " ORDER BY updated_at, seq", args).fetchall()
        return [
            AnswerRecord(r[0], r[1], json.loads(r[2]), dt.datetime.fromisoformat(r[3]))
            for r in rows
        ]

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
            con.execute("INSERT INTO meta (key, value) VALUES ('example', ?)", (_now(),))
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


def parse_plan_file(text: str | bytes) -> Plan:
    """Parse and validate a plan file; PlanFileError names each field and its problem."""
    if len(text) > MAX_IMPORT_BYTES:
        raise PlanFileError(f"the file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    try:
        data = json.loads(text)
    except UnicodeDecodeError:
        raise PlanFileError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise PlanFileError("not a plan: the JSON is nested too deeply") from None
    except ValueError:  # e.g. an integer longer than Python converts (4,300 digits)
        raise PlanFileError("not a plan: a number in it is far too long") from None
    try:
        return load_plan(data)
    except SchemaVersionError as exc:
        raise PlanFileError(str(exc)) from None
    except ValidationError as exc:
        raise PlanFileError(describe(exc)) from None
    except RecursionError:
        raise PlanFileError("not a plan: the JSON is nested too deeply") from None


def read_plan_file(path: str | os.PathLike[str]) -> bytes:
    """A plan file's bytes, its size checked before it is read: a file larger than
    :data:`MAX_IMPORT_BYTES` raises PlanFileError without being read whole."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        data = file.read(MAX_IMPORT_BYTES + 1)
    if max(size, len(data)) > MAX_IMPORT_BYTES:
        raise PlanFileError(f"the file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    return data


def example_plan() -> Plan:
    """The worked example plan that ships with the workbook."""
    text = resources.files("workbook.data").joinpath("example_plan.json").read_text("utf-8")
    return parse_plan_file(text)


def example_strategic_plan() -> StrategicPlan:
    """The strategic objectives of the worked example's company."""
    path = resources.files("workbook.data").joinpath("example_strategy.json")
    return StrategicPlan.model_validate_json(path.read_text("utf-8"))
