"""A PostgreSQL plan store's address, and how it is shown: never with its password.

:func:`redact` replaces the password wherever the address is named, and driver messages
are scrubbed of it (:func:`scrub`, :func:`one_line`) before they are raised.

>>> redact("postgresql://ana:s3cret@db.example:5433/plans?sslmode=require")
'postgresql://ana:***@db.example:5433/plans?sslmode=require'
>>> is_postgres_url("postgres://db/plans"), is_postgres_url("plans.sqlite")
(True, False)
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)


def is_postgres_url(text: object) -> bool:
    """Whether ``text`` is a ``postgresql://`` (or ``postgres://``) address."""
    return isinstance(text, str) and bool(_URL.match(text))


_USERINFO_PASSWORD = re.compile(r"^([^:/?#]+://[^:@/?#]*):([^?#]*)@")
"""``scheme://user:PASSWORD@``: up to the last ``@`` before the query, so that too much is
hidden rather than too little should the password hold a character that needed escaping."""

_QUERY_PASSWORD = re.compile(r"([?&]password=)([^&#]*)")


def _secrets(url: str) -> list[str]:
    """The password of ``url`` as written and as decoded (from the user part or the query)."""
    found = [m.group(2) for m in (_USERINFO_PASSWORD.match(url),) if m]
    found += [m.group(2) for m in _QUERY_PASSWORD.finditer(url)]
    return [s for text in found for s in {text, unquote(text), quote(text, safe="")} if s]


def redact(url: str) -> str:
    """``url`` with its password, if any, replaced by ``***``.

    >>> redact("postgresql:///plans?host=/run/db&password=x%26y")
    'postgresql:///plans?host=/run/db&password=***'
    """
    url = _USERINFO_PASSWORD.sub(r"\1:***@", url)
    return _QUERY_PASSWORD.sub(r"\1***", url)


def scrub(text: str, url: str) -> str:
    """``text`` (a driver's message) with every form of ``url``'s password replaced."""
    for secret in sorted(_secrets(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def describe(url: str) -> str:
    """Where ``url`` points, for messages: database, host and port, user; no password."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        info = conninfo_to_dict(url)
    except Exception:  # an address libpq cannot parse is named as written, redacted
        return redact(url)
    secrets = _secrets(url)
    if secrets and info.get("password") not in secrets:  # read otherwise than by redact()
        return redact(url)
    host = str(info.get("host") or "the local socket")
    port = str(info.get("port") or 5432)
    where = f"database {info.get('dbname') or '(default)'} on {host} port {port}"
    return f"{where} as {info['user']}" if info.get("user") else where


def one_line(exc: BaseException, url: str) -> str:
    """A driver error as one line, without the password."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    text = re.sub(r"^connection failed:\s*", "", text)
    return scrub(" ".join(text.split()), url)
