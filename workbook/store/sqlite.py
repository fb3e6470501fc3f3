"""The SQLite side of the plan store: one file (WAL) or an in-memory database, behind the
:class:`~workbook.store.backend.Backend` interface that the PostgreSQL side offers too."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbook.errors import StoreError
from workbook.store.backend import clean_params


def open_sqlite(path: Path | None, read_only: bool) -> SQLiteBackend:
    """The SQLite store in file ``path`` (None: in memory), set up for safe writes."""
    if path is None:
        con = sqlite3.connect(":memory:", timeout=60, isolation_level=None)
    else:
        con = _connect_file(path, read_only)
    try:
        if not read_only:
            con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        con.close()
        raise store_error(path, exc) from None
    return SQLiteBackend(con, str(path or ":memory:"))


def _connect_file(path: Path, read_only: bool) -> sqlite3.Connection:
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
            raise store_error(path, exc) from None
        return con
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(f"the plan store {path} is read-only; add --read-only to use it")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return sqlite3.connect(str(path), timeout=60, isolation_level=None)
    except sqlite3.Error as exc:
        raise store_error(path, exc) from None


def store_error(path: Path | str | None, exc: sqlite3.Error) -> StoreError:
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
            raise store_error(self.location, exc) from None
        if result != "ok":
            raise StoreError(f"the plan store {self.location} is damaged: {result}")

    def close(self) -> None:
        self.con.close()
