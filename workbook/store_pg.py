"""The PostgreSQL side of the plan store: a psycopg 3 connection pool behind the small
interface :class:`workbook.store.PlanStore` speaks to both backends through.

The store's SQL is written once, in the dialect both databases share (``?`` placeholders
are turned into psycopg's here). What differs lives in this adapter: connecting, a write
transaction, row locks (``FOR UPDATE``), advisory locks, and where the schema version is
kept (a ``schema_version`` table, changed only under ``pg_advisory_xact_lock``).

The connection string's password is never shown: :func:`redact` replaces it wherever the
address is named, and driver messages are scrubbed of it before they are raised.

>>> redact("postgresql://ana:s3cret@db.example:5433/plans?sslmode=require")
'postgresql://ana:***@db.example:5433/plans?sslmode=require'
>>> is_postgres_url("postgres://db/plans"), is_postgres_url("plans.sqlite")
(True, False)
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, unquote

from workbook.errors import StoreError

_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)

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


def _one_line(exc: BaseException, url: str) -> str:
    """A driver error as one line, without the password."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    text = re.sub(r"^connection failed:\s*", "", text)
    return scrub(" ".join(text.split()), url)


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
                f"cannot reach the plan store ({describe(url)}): {_one_line(exc, url)}"
            ) from None
        except Exception as exc:  # e.g. an unknown option in the address
            raise StoreError(
                f"cannot use the plan store address {redact(url)}: {_one_line(exc, url)}"
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
                f"the plan store ({describe(self._url)}) failed: {_one_line(exc, self._url)}"
            ) from None
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg_pool"):
                raise StoreError(
                    f"cannot reach the plan store ({describe(self._url)}): "
                    f"{_one_line(exc, self._url)}"
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


# --- row-level security (schema 7) ------------------------------------------------------

PLAN_TABLES = (
    "plans",
    "revisions",
    "plan_members",
    "strategies",
    "presence",
    "workshop_sessions",
    "workshop_participants",
    "workshop_answers",
)
"""The tables a team member's role reads and writes, each row as its policies allow."""

READ_TABLES = ("meta", "schema_version")
"""Tables a team member's role only reads (they hold nothing of any plan)."""


MISS_SECONDS = 1
"""How long a team role waits when a workshop code opens nothing. With a role's
connections capped (``workbook.team_roles.CONNECTIONS``), code guessing codes tries at
most a few dozen a second: far too few to find a live one among a billion in its 12 hours."""


def quote_ident(name: str) -> str:
    """``name`` as a quoted SQL identifier.

    >>> quote_ident('a"b')
    '"a""b"'
    """
    return '"' + name.replace('"', '""') + '"'


def _members_only(condition: str) -> str:
    """A policy's ``condition``, skipped for the owner role (let through by the ``nw_admin``
    policy). Policies are OR-ed in no set order; inside the ``SECURITY DEFINER`` helpers,
    which run as the owner and read the same tables, the condition would call them again
    without end. ``CASE`` evaluates its branches in order."""
    return f"CASE WHEN (SELECT nw_admin()) THEN true ELSE ({condition}) END"


def row_security(schema: str) -> list[str]:
    """Schema 7 on PostgreSQL: row-level security, on and forced, on every table of plans.

    Who is who: ``member_roles`` maps a database login role (one per hub user and server,
    made by :mod:`workbook.team_roles`) to the member name it acts for; ``nw_member()``
    reads it for ``session_user``, which no SQL the user runs can change. A role that
    owns the tables (or is a member of their owner, or a superuser) is the server-wide
    role of a workbook without per-user roles: ``nw_admin()`` lets it through every
    policy, so ``serve --db postgresql://…`` works as before. Any other role sees and
    changes only what its member's role on a plan allows: viewers read, editors and
    owners write, owners manage owners and delete; a role mapped to no member sees
    nothing. A workshop participant on no plan reaches one workshop only through the
    ``SECURITY DEFINER`` functions below, by its code, and only while it is live.

    A company's strategy follows its plans: the policy folds a plan's company as
    :func:`workbook.store.company_key` does, with SQL's ``lower`` for Python's
    ``casefold`` (the two differ on a few letters such as ß, where a member would then
    be refused their own company's strategy).
    """
    s = quote_ident(schema)
    path = f"SET search_path = pg_catalog, {s}, pg_temp"
    definer = f"STABLE SECURITY DEFINER {path}"
    admin = "(SELECT nw_admin())"
    rank = "nw_plan_rank(plan_id)"
    write_members = f"\"user\" <> '*' AND ({rank} = 3 OR ({rank} = 2 AND role <> 'owner'))"
    statements = [
        "CREATE TABLE member_roles (role_name TEXT PRIMARY KEY, member TEXT NOT NULL)",
        f"""CREATE FUNCTION nw_admin() RETURNS boolean LANGUAGE sql STABLE {path} AS $$
            SELECT pg_has_role(current_user, c.relowner, 'USAGE')
            FROM pg_class c WHERE c.oid = '{s}.plans'::regclass $$""",
        # PL/pgSQL keeps the plans of its queries for the session: policies call these
        # two for every row they look at.
        f"""CREATE FUNCTION nw_member() RETURNS text LANGUAGE plpgsql {definer} AS $$
            BEGIN
              RETURN (SELECT member FROM member_roles WHERE role_name = session_user);
            END $$""",
        f"""CREATE FUNCTION nw_plan_rank(plan text) RETURNS integer LANGUAGE plpgsql {definer}
            AS $$
            DECLARE me text := nw_member();
            BEGIN
              IF me IS NULL THEN RETURN 0; END IF;
              RETURN (SELECT COALESCE(max(array_position(
                        ARRAY['viewer', 'editor', 'owner'], role)), 0)
                      FROM plan_members WHERE plan_id = plan AND "user" IN (me, '*'));
            END $$""",
        # Whether a plan id is taken, seen or not: a copy of someone's plan file gets an id
        # of its own (ids are random; that one exists tells nothing of the plan).
        f"""CREATE FUNCTION nw_plan_exists(plan text) RETURNS boolean LANGUAGE sql
            {definer} AS $$ SELECT EXISTS (SELECT 1 FROM plans WHERE id = plan) $$""",
        f"""CREATE FUNCTION nw_plan_has_members(plan text) RETURNS boolean LANGUAGE sql
            {definer} AS $$ SELECT EXISTS (SELECT 1 FROM plan_members WHERE plan_id = plan) $$""",
        f"""CREATE FUNCTION nw_company_rank(key text) RETURNS integer LANGUAGE sql {definer}
            AS $$
            SELECT COALESCE(max(array_position(ARRAY['viewer', 'editor', 'owner'], m.role)), 0)
            FROM plans p JOIN plan_members m ON m.plan_id = p.id
            WHERE p.deleted_at IS NULL AND nw_member() IS NOT NULL
              AND m."user" IN (nw_member(), '*')
              AND lower(btrim(regexp_replace(p.company, '\\s+', ' ', 'g'))) = key $$""",
        f"""CREATE FUNCTION nw_workshop_rank(c text) RETURNS integer LANGUAGE sql {definer}
            AS $$ SELECT COALESCE(max(nw_plan_rank(plan_id)), 0)
            FROM workshop_sessions WHERE code = c $$""",
        f"""CREATE FUNCTION nw_joined(c text) RETURNS boolean LANGUAGE sql {definer} AS $$
            SELECT nw_member() IS NOT NULL AND EXISTS (SELECT 1 FROM workshop_participants
            WHERE code = c AND db_role = session_user) $$""",
        # A workshop by its code: for its plan's members, who joined it, and, while it is
        # live, anyone with a role who knows the code (to join it). A code that opens
        # nothing costs a second, so that guessing codes from code is as slow as from the
        # join page (see MISS_SECONDS).
        f"""CREATE FUNCTION nw_workshop(c text) RETURNS SETOF workshop_sessions
            LANGUAGE plpgsql {definer} AS $$
            BEGIN
              RETURN QUERY SELECT s.* FROM workshop_sessions s
                WHERE s.code = c AND nw_member() IS NOT NULL
                AND (nw_plan_rank(s.plan_id) > 0 OR nw_joined(c)
                     OR (s.state <> 'ended' AND s.expires_at::timestamptz > now()));
              IF NOT FOUND THEN PERFORM pg_sleep({MISS_SECONDS}); END IF;
            END $$""",
        f"""CREATE FUNCTION nw_workshop_heading(c text) RETURNS TABLE (name text, currency text)
            LANGUAGE sql {definer} AS $$
            SELECT r.data::jsonb ->> 'name', COALESCE(r.data::jsonb ->> 'currency', 'EUR')
            FROM nw_workshop(c) s JOIN plans p ON p.id = s.plan_id
            JOIN revisions r ON r.plan_id = p.id AND r.revision = p.head $$""",
        f"""CREATE FUNCTION nw_workshop_participants(c text)
            RETURNS TABLE (name text, joined_at text, seq integer) LANGUAGE sql {definer} AS $$
            SELECT name, joined_at, seq FROM workshop_participants
            WHERE code = c AND nw_joined(c) $$""",
        # A participant's own answers; everyone's once the facilitator revealed them.
        f"""CREATE FUNCTION nw_workshop_answers(c text) RETURNS TABLE
            (name_key text, participant text, prompt text, answer text, updated_at text,
             seq integer) LANGUAGE sql {definer} AS $$
            SELECT a.name_key, a.participant, a.prompt, a.answer, a.updated_at, a.seq
            FROM workshop_answers a JOIN workshop_sessions s ON s.code = a.code
            WHERE a.code = c AND nw_joined(c) AND (s.state IN ('revealed', 'ended')
              OR a.name_key IN (SELECT name_key FROM workshop_participants
                                WHERE code = c AND db_role = session_user)) $$""",
        # Join a live workshop under a name: the name, or NULL when another role holds it.
        f"""CREATE FUNCTION nw_join_workshop(c text, key text, nm text, stamp text)
            RETURNS text LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
            DECLARE s workshop_sessions; holder text; known text;
            BEGIN
              SELECT * INTO s FROM workshop_sessions WHERE code = c FOR UPDATE;
              IF NOT FOUND OR nw_member() IS NULL THEN
                PERFORM pg_sleep({MISS_SECONDS});
                RETURN NULL;
              END IF;
              SELECT name, db_role INTO known, holder FROM workshop_participants
                WHERE code = c AND name_key = key;
              IF FOUND THEN
                RETURN CASE WHEN holder = session_user THEN known END;
              END IF;
              IF s.state = 'ended' OR s.expires_at::timestamptz <= now() THEN
                RAISE EXCEPTION 'this workshop session takes no one new';
              END IF;
              INSERT INTO workshop_participants (code, name_key, name, joined_at, seq, db_role)
                VALUES (c, key, nm, stamp, s.version + 1, session_user);
              UPDATE workshop_sessions SET version = version + 1 WHERE code = c;
              RETURN nm;
            END $$""",
        # Keep an answer of a name this role joined under, while the workshop is live.
        f"""CREATE FUNCTION nw_submit_answer(c text, key text, pr text, ans text, stamp text)
            RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
            DECLARE s workshop_sessions; nm text;
            BEGIN
              SELECT * INTO s FROM workshop_sessions WHERE code = c FOR UPDATE;
              IF NOT FOUND OR s.state = 'ended' OR s.expires_at::timestamptz <= now() THEN
                RETURN false;
              END IF;
              SELECT name INTO nm FROM workshop_participants
                WHERE code = c AND name_key = key AND db_role = session_user
                AND nw_member() IS NOT NULL;
              IF NOT FOUND THEN RETURN false; END IF;
              PERFORM ans::jsonb;
              INSERT INTO workshop_answers
                (code, name_key, participant, prompt, answer, updated_at, seq)
                VALUES (c, key, nm, pr, ans, stamp, s.version + 1)
                ON CONFLICT (code, name_key, prompt) DO UPDATE SET
                participant = excluded.participant, answer = excluded.answer,
                updated_at = excluded.updated_at;
              UPDATE workshop_sessions SET version = version + 1 WHERE code = c;
              RETURN true;
            END $$""",
    ]
    policies: dict[str, dict[str, tuple[str | None, str | None]]] = {
        # table: {command: (USING, WITH CHECK)}
        "plans": {
            "SELECT": ("nw_plan_rank(id) > 0", None),
            "INSERT": (None, "nw_member() IS NOT NULL AND deleted_at IS NULL"),
            "UPDATE": (
                "nw_plan_rank(id) >= 2",
                "nw_plan_rank(id) >= 2 AND (deleted_at IS NULL OR nw_plan_rank(id) = 3)",
            ),
        },
        "revisions": {"SELECT": (f"{rank} > 0", None), "INSERT": (None, f"{rank} >= 2")},
        "plan_members": {
            "SELECT": (f"{rank} > 0", None),
            "INSERT": (
                None,
                f"({write_members}) OR (\"user\" = nw_member() AND role = 'owner' "
                "AND NOT nw_plan_has_members(plan_id))",
            ),
            "UPDATE": (f"{rank} = 3 OR ({rank} = 2 AND role <> 'owner')", write_members),
            "DELETE": (f"{rank} = 3 OR ({rank} = 2 AND role <> 'owner')", None),
        },
        "strategies": {
            "SELECT": ("nw_company_rank(company) > 0", None),
            "INSERT": (None, "nw_company_rank(company) >= 2"),
        },
        "meta": {"SELECT": ("nw_member() IS NOT NULL", None)},
        "presence": {
            "SELECT": (f"{rank} > 0", None),
            "INSERT": (None, f"{rank} > 0"),
            "UPDATE": (f"{rank} > 0", f"{rank} > 0"),
            "DELETE": (f"{rank} > 0", None),
        },
        "workshop_sessions": {
            "SELECT": (f"{rank} > 0", None),
            "INSERT": (None, f"{rank} >= 2"),
            "UPDATE": (f"{rank} >= 2", f"{rank} >= 2"),
        },
        "member_roles": {},
    }
    for table in ("workshop_participants", "workshop_answers"):
        policies[table] = {
            "SELECT": ("nw_workshop_rank(code) > 0", None),
            "INSERT": (None, "nw_workshop_rank(code) >= 2"),
            "UPDATE": ("nw_workshop_rank(code) >= 2", "nw_workshop_rank(code) >= 2"),
            "DELETE": ("nw_workshop_rank(code) >= 2", None),
        }
    for table, commands in policies.items():
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY nw_admin ON {table} USING ({admin}) WITH CHECK ({admin})",
        ]
        for command, (using, check) in commands.items():
            clauses = (f" USING ({_members_only(using)})" if using else "") + (
                f" WITH CHECK ({_members_only(check)})" if check else ""
            )
            name = f"nw_{command.lower()}"
            statements.append(f"CREATE POLICY {name} ON {table} FOR {command}{clauses}")
    return statements
