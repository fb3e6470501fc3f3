"""The PostgreSQL side of the plan store: a psycopg 3 connection pool behind the
:class:`~workbook.store.backend.Backend` interface that the SQLite side offers too.

What differs from SQLite lives here: connecting, a write transaction on one pooled
connection, row locks (``FOR UPDATE``), advisory locks, and where the schema version is
kept (a ``schema_version`` table, changed only under ``pg_advisory_xact_lock``). Row-level
security for team members' own roles is in :mod:`workbook.store.row_security`.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from workbook.errors import StoreError
from workbook.store.address import describe, one_line, redact
from workbook.store.backend import clean_params
from workbook.store.row_security import row_security

MIGRATION_LOCK = 0x6E77_7363_6865_6D61  # "nwschema": one key, every server of the store
"""The advisory lock under which the schema is created or migrated."""

POOL_SIZE = 4
"""Connections one store keeps at most (a page's kernel needs one, rarely two)."""

CONNECT_TIMEOUT = 10
"""Seconds to wait for the database before start-up fails."""

INSTALL_HINT = (
    "a postgresql:// plan store needs the PostgreSQL driver: "
    "pip install 'negotiation-workbook[postgres]'"
)


class Row(tuple):
    """A result row read by position or by column name, as :class:`sqlite3.Row` is."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: Any) -> Any:
    names = {c.name: i for i, c in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


def _result(cur: Any) -> Result:
    return Result(cur.fetchall() if cur.description else [], cur.rowcount)


class Result:
    """The rows of one statement, fetched whole (the pool's connection is back already)."""

    def __init__(self, rows: list[Row], rowcount: int):
        self._rows, self.rowcount = rows, rowcount

    def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


@functools.lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresBackend:
    """Plans in a PostgreSQL database, reached through a psycopg connection pool.

    Reads borrow a connection for one statement (autocommit); a write transaction holds one
    connection from ``BEGIN`` to ``COMMIT``, and every statement of it runs there.
    """

    dialect = "postgresql"

    def __init__(self, url: str, *, read_only: bool = False):
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise StoreError(INSTALL_HINT) from None
        self._url = url
        self.location = redact(url)
        self.read_only = read_only
        self._errors: tuple[type[BaseException], ...] = (psycopg.Error,)
        self._dropped = psycopg.OperationalError
        self._local = threading.local()
        # One connection first, so that an unreachable database fails here, in one line.
        try:
            first = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot reach the plan store ({describe(url)}): {one_line(exc, url)}"
            ) from None
        except Exception as exc:  # e.g. an unknown option in the address
            raise StoreError(
                f"cannot use the plan store address {redact(url)}: {one_line(exc, url)}"
            ) from None
        first.close()

        def configure(con: Any) -> None:
            if read_only:
                con.execute("SET default_transaction_read_only = on")

        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs={
                "autocommit": True,
                "row_factory": _row_factory,
                "connect_timeout": CONNECT_TIMEOUT,
            },
            configure=configure,
            name="plan-store",
            timeout=CONNECT_TIMEOUT * 3,
            open=True,
        )

    def __repr__(self) -> str:
        return f"PostgresBackend({self.location!r})"

    # --- statements -----------------------------------------------------------------

    @property
    def _pinned(self) -> Any:
        return getattr(self._local, "con", None)

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """The connection of the current transaction, else one from the pool; driver
        errors come out as StoreError with one line and no password."""
        try:
            if self._pinned is not None:
                yield self._pinned
            else:
                with self._pool.connection() as con:
                    yield con
        except self._errors as exc:
            if _integrity_or_lock_error(exc):
                raise
            raise StoreError(
                f"the plan store ({describe(self._url)}) failed: {one_line(exc, self._url)}"
            ) from None
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg_pool"):
                raise StoreError(
                    f"cannot reach the plan store ({describe(self._url)}): "
                    f"{one_line(exc, self._url)}"
                ) from None
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        """Run one statement, in the current transaction if there is one.

        Outside a transaction, a statement that finds its pooled connection dropped by the
        server (a restart, an idle timeout) runs once more on a sound one.
        """
        sql, values = _placeholders(sql), clean_params(params)
        if self._pinned is not None:
            with self._connection() as con:
                return _result(con.execute(sql, values))
        for attempt in (1, 2):
            with self._connection() as con:
                try:
                    return _result(con.execute(sql, values))
                except self._dropped:
                    if attempt == 2 or not con.broken:
                        raise
            self._pool.check()  # the pool's other connections may be gone too
        raise AssertionError("unreachable")

    @property
    def lock_rows(self) -> str:
        """``FOR UPDATE`` inside a write transaction (a read outside one locks nothing)."""
        return " FOR UPDATE" if self._pinned is not None else ""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction on one connection: committed when the block ends, rolled
        back if it raises. A connection found dropped at ``BEGIN`` is replaced first."""
        for attempt in (1, 2):
            with self._connection() as con:
                try:
                    con.execute("BEGIN")
                except self._dropped:
                    if attempt == 2 or not con.broken:
                        raise
                else:
                    self._local.con = con
                    try:
                        yield
                    except BaseException:
                        self._local.con = None
                        if not con.broken:
                            with contextlib.suppress(*self._errors):
                                con.execute("ROLLBACK")
                        raise
                    self._local.con = None
                    con.execute("COMMIT")
                    return
            self._pool.check()
        raise AssertionError("unreachable")

    def lock(self, key: str) -> None:
        """Serialise the writers of ``key`` (e.g. a company's strategy) until commit."""
        self.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (key,))

    # --- schema ----------------------------------------------------------------------

    def tables(self) -> set[str]:
        """The tables in the connection's schema."""
        rows = self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        return {r[0] for r in rows}

    def schema_version(self) -> int:
        """The schema version the database is at (0: no plan store yet)."""
        if self.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
            return 0
        return int(
            self.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
        )

    @contextmanager
    def migration(self) -> Iterator[None]:
        """One transaction for a schema migration, under the migration's advisory lock:
        two servers starting together take turns, and the second finds the work done."""
        with self.transaction():
            self.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            self.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            yield

    def set_schema_version(self, number: int, applied_at: str) -> None:
        self.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
            (number, applied_at),
        )

    def row_security(self) -> None:
        """Turn row-level security on for the plan tables (schema 7, see :func:`row_security`)."""
        schema = self.execute("SELECT current_schema()").fetchone()[0]
        for statement in row_security(schema):
            self.execute(statement)

    def team_member(self) -> str | None:
        """The member this connection's role acts for, as the database records it (None:
        the store's owner, or a role of no member)."""
        return self.execute("SELECT nw_member()").fetchone()[0]  # type: ignore[no-any-return]

    def check(self) -> None:
        """Reach the database and read the plans table: raises StoreError if it cannot."""
        self.execute("SELECT 1 FROM plans LIMIT 1").fetchone()

    def close(self) -> None:
        self._pool.close()


def _integrity_or_lock_error(exc: BaseException) -> bool:
    """Errors the store's own logic answers (a constraint), not a broken connection."""
    import psycopg

    return isinstance(exc, psycopg.IntegrityError)
