"""The plan store's database: opened on SQLite or PostgreSQL, checked to hold a plan store
whose schema this code knows, brought to the latest schema, and written in transactions."""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbook.errors import ReadOnlyError, StoreError
from workbook.store.address import is_postgres_url
from workbook.store.backend import Backend
from workbook.store.location import store_path
from workbook.store.records import now_text
from workbook.store.schema import _SCHEMA_STEPS, SCHEMA
from workbook.store.sqlite import open_sqlite, store_error


class Database:
    """One plan store's database: ``where`` is a file path, ``":memory:"`` or a
    ``postgresql://`` address.

    ``backend`` runs the store's SQL; :meth:`write` is a write transaction. Opened with a
    team member's own database role, :attr:`team_member` is the member the database says
    that role stands for.
    """

    team_member: str | None = None
    """The member this database role stands for; None for SQLite and the owner role."""

    def __init__(self, where: str | os.PathLike[str], *, read_only: bool = False):
        self.read_only = read_only
        self.path: Path | None = None
        """The SQLite file (None in memory and on PostgreSQL)."""
        if is_postgres_url(where):
            from workbook.store.postgres import PostgresBackend

            self.backend: Backend = PostgresBackend(str(where), read_only=read_only)
            # A store dropped without close() gives its connections back all the same.
            self._finalizer = weakref.finalize(self, self.backend.close)
        else:
            if str(where) != ":memory:":
                self.path = store_path(where)
            self.backend = open_sqlite(self.path, read_only)
            self._finalizer = weakref.finalize(self, lambda: None)  # SQLite closes itself
        self.location: str = self.backend.location
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            raise store_error(self.path, exc) from None

    def _open(self) -> None:
        """Check the database holds a plan store whose schema this code knows; set it up."""
        try:
            self._check_is_plan_store()
            self._check_schema_not_newer()
            if self.read_only:
                self._check_schema_current()
            else:
                self._migrate_schema()
            if self.backend.dialect == "postgresql":
                self.team_member = self.backend.team_member()  # type: ignore[attr-defined]
        except BaseException:
            self.close()
            raise

    def _check_is_plan_store(self) -> None:
        """Refuse a database that holds something else than plans."""
        tables = self.backend.tables() - {"schema_version"}
        version = self.backend.schema_version()
        if (tables and not {"plans", "revisions"} <= tables) or (version and not tables):
            kind = "an SQLite" if self.backend.dialect == "sqlite" else "a PostgreSQL"
            raise StoreError(f"{self.location} is {kind} database but not a plan store")

    def _check_schema_not_newer(self) -> None:
        version = self.backend.schema_version()
        if version > len(SCHEMA):
            raise StoreError(
                f"the plan store {self.location} was written by a newer version of the "
                f"workbook (schema {version}; this one knows up to {len(SCHEMA)}): "
                "upgrade the workbook"
            )

    def _check_schema_current(self) -> None:
        version = self.backend.schema_version()
        if version < len(SCHEMA):
            what = "is empty" if version == 0 else "was written by an older version"
            raise StoreError(
                f"the plan store {self.location} {what}; open it once without --read-only "
                "so that it can be set up"
            )

    def _migrate_schema(self) -> None:
        """Bring the schema to the latest version, in one transaction that only one
        process at a time runs (SQLite's write lock; PostgreSQL's advisory lock)."""
        con = self.backend
        if con.schema_version() >= len(SCHEMA):
            return
        with con.migration():
            version = con.schema_version()
            self._check_schema_not_newer()
            for number, script in enumerate(SCHEMA[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        con.execute(statement)
                if number in _SCHEMA_STEPS:
                    _SCHEMA_STEPS[number](con)
                con.set_schema_version(number, now_text())

    @contextmanager
    def write(self) -> Iterator[Any]:
        """A write transaction; reads in it that end in ``backend.lock_rows`` lock rows."""
        if self.read_only:
            raise ReadOnlyError("the workbook is open read-only: nothing is saved")
        with self.backend.transaction():
            yield self.backend

    def check(self) -> None:
        """Read the store: a damaged or truncated file, or a database that cannot be
        reached, raises StoreError (one line, no password)."""
        self.backend.check()

    def close(self) -> None:
        """Close the connection; the database cannot be used afterwards."""
        self._finalizer.detach()
        self.backend.close()
