"""Where the plan store is: the environment that names it, the file's checks, and SQLite's
connection (PostgreSQL's is in :mod:`workbook.store_pg`)."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbook.errors import (
    StoreError,
)
from workbook.store_pg import clean_params, is_postgres_url, redact

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
