"""The store's tables, one numbered script per schema version, the steps that move data
between versions, and the names stored in them (roles, everyone, the local user)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from workbook.store.files import (
    example_plan,
    example_strategic_plan,
)
from workbook.store.records import (
    now_text,
)

SCHEMA = [
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
            (ours, now_text(), EXAMPLE_AUTHOR, example_strategic_plan().model_dump_json()),
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
    now = now_text()
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
    the per-user roles of a team (:func:`workbook.store.row_security.row_security`); the store's
    owner role, and SQLite, keep working as before."""
    if con.dialect == "postgresql":
        con.row_security()


_SCHEMA_STEPS = {3: _company_strategies, 4: _plan_owners, 6: _workshop_order, 7: _row_security}
"""Python steps of a schema version, run after its SQL."""
