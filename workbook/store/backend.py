"""What the plan store asks of a database: the small interface its SQLite and PostgreSQL
backends (:mod:`workbook.store.sqlite`, :mod:`workbook.store.postgres`) both offer.

The store's SQL is written once, in the dialect both databases share, with ``?``
placeholders; what differs lives in the backends: connecting, a write transaction, row
locks, advisory locks, and where the schema version is kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class Rows(Protocol):
    """The rows of one statement (an :class:`sqlite3.Cursor` or the PostgreSQL result)."""

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Backend(Protocol):
    """One database the plan store runs its SQL on."""

    dialect: str
    """``"sqlite"`` or ``"postgresql"``."""
    location: str
    """Where the database is, for messages (a PostgreSQL address without its password)."""

    @property
    def lock_rows(self) -> str:
        """What to append to a read in a write transaction to lock its rows (may be "")."""
        ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def migration(self) -> AbstractContextManager[None]: ...
    def lock(self, key: str) -> None: ...
    def tables(self) -> set[str]: ...
    def schema_version(self) -> int: ...
    def set_schema_version(self, number: int, applied_at: str) -> None: ...
    def check(self) -> None: ...
    def close(self) -> None: ...


def clean_params(params: Sequence[Any]) -> tuple[Any, ...]:
    r"""Statement parameters as both databases keep them: PostgreSQL's text cannot hold a
    NUL character, so on either backend it is stored as U+FFFD (a plan's own data, JSON,
    keeps it escaped and loads back unchanged).

    >>> clean_params(("a\x00b", 1))
    ('a\ufffdb', 1)
    """
    return tuple(
        p.replace("\x00", "\ufffd") if isinstance(p, str) and "\x00" in p else p for p in params
    )
