"""Row-level security on PostgreSQL (schema 7): each team member's own database role sees
and changes only what their role on a plan allows (:func:`row_security`)."""

from __future__ import annotations

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
