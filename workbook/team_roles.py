"""A database role per team member, so that the database itself keeps each person to
their plans: what JupyterHub's spawner calls before it starts someone's server.

>>> role_name("workbook", "ann"), role_name("workbook", "ann", "lab")
('workbook_u_ann', 'workbook_u_ann.lab')
>>> len(role_name("workbook", "x" * 80).encode()) <= 63
True

:func:`provision` runs with the store owner's address (the hub's, never a user server's).
For a hub user it creates, or updates, one LOGIN role per server of theirs, with a fresh
random password each time: a member of the NOLOGIN group role ``DATABASE_team``, which
holds only the grants the app needs (no table of its own, no ``BYPASSRLS``, no
``CREATEROLE``). It records in ``member_roles`` which member the role stands for and
returns an address for that role alone. Row-level security (schema 7,
:func:`workbook.store.row_security.row_security`) then decides, on every statement, what the role
may read and change: exactly what the member may in the app. The password reaches the
server only as a SCRAM verifier, so it never shows in the server's statement log.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from workbook.errors import StoreError
from workbook.store import DB_ENV, EVERYONE, PlanStore
from workbook.store.address import describe, is_postgres_url, one_line
from workbook.store.row_security import PLAN_TABLES, READ_TABLES
from workbook.workshop import PARTICIPANT_PREFIX

__all__ = ["group_name", "provision", "retire", "role_name", "scram_verifier", "spawn_hooks"]

ROLES_LOCK = "negotiation-workbook team roles"
"""The advisory lock under which roles are made (two servers of one user spawning at once)."""

CONNECTIONS = 32
"""Connections one server's role may hold at once (each page's kernel pools a few)."""

_MAX = 63  # PostgreSQL cuts longer names


def _fit(name: str) -> str:
    """``name`` if PostgreSQL keeps it whole, else cut with a hash of the whole."""
    if len(name.encode()) <= _MAX:
        return name
    tail = "_" + hashlib.sha256(name.encode()).hexdigest()[:12]
    head = name.encode()[: _MAX - len(tail)].decode(errors="ignore")
    return head + tail


def group_name(database: str) -> str:
    """The NOLOGIN group role whose members are the team's roles on ``database``."""
    return _fit(f"{database}_team")


def role_name(database: str, member: str, server: str = "") -> str:
    """The LOGIN role of ``member``'s server (``server`` "" for their default one)."""
    return _fit(f"{database}_u_{member}" + (f".{server}" if server else ""))


def scram_verifier(password: str, *, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL keeps for ``password`` (RFC 5802, 7677)."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _member(name: str) -> str:
    member = " ".join(str(name).split())
    if not member or member == EVERYONE or member.startswith(PARTICIPANT_PREFIX):
        raise StoreError(f"{name!r} cannot be a team member's name")
    return member


def _address(admin_url: str, role: str, password: str) -> str:
    """``admin_url`` with ``role`` and ``password`` in place of the owner's sign-in."""
    parts = urlsplit(admin_url)
    where = parts.netloc.rpartition("@")[2]
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("user", "password")]
    auth = f"{quote(role, safe='')}:{quote(password, safe='')}@"
    return urlunsplit((parts.scheme, auth + where, parts.path, urlencode(query), ""))


def provision(admin_url: str, member: str, *, server: str = "") -> str:
    """Create or update the database role of ``member``'s server; its address.

    ``admin_url`` signs in as the role that owns the plan store and may create roles
    (``CREATEROLE``). Each call gives the role a new password (the one handed out before
    stops working) and brings the store's schema up to date. Refuses a role of that name
    that this workbook did not make, and a role or group with more rights than it gives.
    """
    if not is_postgres_url(admin_url):
        raise StoreError("team roles need a postgresql:// plan store")
    member = _member(member)
    with PlanStore(admin_url) as store:  # the schema up to date, the worked example in
        if store.team_member is not None:
            raise StoreError("provisioning needs the store owner's address, not a member's")
        store.ensure_example()
    import psycopg
    from psycopg import sql

    password = secrets.token_urlsafe(32)
    try:
        with psycopg.connect(admin_url, autocommit=True) as con, con.transaction():
            role = _provision(con, sql, member, server, scram_verifier(password))
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot make the database role of {member} ({describe(admin_url)}): "
            f"{one_line(exc, admin_url)}"
        ) from None
    return _address(admin_url, role, password)


def _provision(con: Any, sql: Any, member: str, server: str, verifier: str) -> str:
    """The work of :func:`provision`, in one transaction on the owner's connection."""
    con.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (ROLES_LOCK,))
    database, schema = con.execute("SELECT current_database(), current_schema()").fetchone()
    group, role = group_name(database), role_name(database, member, server)
    ident = sql.Identifier

    def attributes(name: str) -> Any:
        return con.execute(
            "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, "
            "rolbypassrls FROM pg_roles WHERE rolname = %s",
            (name,),
        ).fetchone()

    found = attributes(group)
    if found is None:
        con.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(ident(group)))
    elif any(found):
        raise StoreError(f"the role {group} exists with rights a team's group must not have")
    con.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(ident(schema), ident(group)))
    con.execute(
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(
            sql.SQL(", ").join(ident(t) for t in PLAN_TABLES), ident(group)
        )
    )
    con.execute(
        sql.SQL("GRANT SELECT ON {} TO {}").format(
            sql.SQL(", ").join(ident(t) for t in READ_TABLES), ident(group)
        )
    )

    mapped = con.execute("SELECT member FROM member_roles WHERE role_name = %s", (role,)).fetchone()
    found = attributes(role)
    if found is not None and (mapped is None or mapped[0] != member):
        raise StoreError(f"the database role {role} exists and is not {member}'s team role")
    verb = "CREATE" if found is None else "ALTER"
    con.execute(
        sql.SQL(verb + " ROLE {} LOGIN INHERIT CONNECTION LIMIT {} PASSWORD {}").format(
            ident(role), sql.Literal(CONNECTIONS), sql.Literal(verifier)
        )
    )
    if any(attributes(role)[1:]):
        raise StoreError(f"the database role {role} has rights a team role must not have")
    con.execute(sql.SQL("GRANT {} TO {}").format(ident(group), ident(role)))
    others = con.execute(
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s AND g.rolname <> %s",
        (role, group),
    ).fetchall()
    if others:
        raise StoreError(f"the database role {role} is a member of roles besides {group}")
    con.execute(
        "INSERT INTO member_roles (role_name, member) VALUES (%s, %s) "
        "ON CONFLICT (role_name) DO UPDATE SET member = excluded.member",
        (role, member),
    )
    return role  # type: ignore[no-any-return]


def retire(admin_url: str, member: str, *, server: str = "") -> None:
    """Take the password of ``member``'s server role away (its server stopped); the next
    :func:`provision` gives it a new one."""
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(admin_url, autocommit=True) as con:
            database = con.execute("SELECT current_database()").fetchone()[0]
            role = role_name(database, _member(member), server)
            mapped = con.execute(
                "SELECT 1 FROM member_roles WHERE role_name = %s", (role,)
            ).fetchone()
            if mapped:
                con.execute(sql.SQL("ALTER ROLE {} PASSWORD NULL").format(sql.Identifier(role)))
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot retire the database role of {member} ({describe(admin_url)}): "
            f"{one_line(exc, admin_url)}"
        ) from None


Hook = Callable[[Any], Coroutine[Any, Any, None]]


def spawn_hooks(
    admin_url: str,
    *,
    analysts: str = "analysts",
    lab: bool = True,
    lab_cmd: list[str] | None = None,
) -> tuple[Hook, Hook]:
    """JupyterHub's ``pre_spawn_hook`` and ``post_stop_hook`` for the workbook.

    Before a server starts, its person's role gets a fresh password and the server gets
    that role's address, and nothing else of the store, as ``NEGOTIATION_WORKBOOK_DB``. A
    person's default server is the workbook app; a named server is JupyterLab, for members
    of the ``analysts`` group only, and only where ``lab`` (each server runs under its
    person's own account or in its own pod, so that no one can read another's process).
    When a server stops, its role's password is taken away.
    """

    async def before(spawner: Any) -> None:
        named = bool(spawner.name)
        if named and not lab:
            raise PermissionError(
                "JupyterLab is off on this hub: its servers share one system account"
            )
        if named and analysts not in {group.name for group in spawner.user.groups}:
            raise PermissionError(f"JupyterLab is for the {analysts} group; ask your hub's admin")
        url = await asyncio.to_thread(provision, admin_url, spawner.user.name, server=spawner.name)
        spawner.environment = {**spawner.environment, DB_ENV: url}
        if named:
            spawner.cmd = lab_cmd or ["jupyterhub-singleuser"]
            spawner.default_url = "/lab"

    async def after(spawner: Any) -> None:
        await asyncio.to_thread(retire, admin_url, spawner.user.name, server=spawner.name)

    return before, after
