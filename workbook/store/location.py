"""Where the plan store is: the environment that names it, and the checks on a store's
file or address before it is opened."""

from __future__ import annotations

import os
import re
from pathlib import Path

from workbook.errors import (
    StoreError,
)
from workbook.store.address import is_postgres_url, redact

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
