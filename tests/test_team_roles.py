"""Permissions code cannot go around: a database role per team member, row-level security.

A cluster of its own where only the superuser is trusted: every other role signs in with
its password, as on a team's server. The store's owner is an ordinary role with
CREATEROLE, as the deployment recipe makes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from workbook import model as m
from workbook.errors import NotAllowed, StoreError, WorkbookError
from workbook.store import DB_ENV, PlanStore
from workbook.store.row_security import PLAN_TABLES
from workbook.team_roles import CONNECTIONS, group_name, provision, role_name

OWNER_PASSWORD = "Owner-of-the-store-7"


@dataclass
class Team:
    cluster: Any
    database: str
    admin: str  # the store owner's address, as the hub holds it

    def connect(self, url: str) -> Any:
        import psycopg

        return psycopg.connect(url, autocommit=True)


@pytest.fixture(scope="module")
def team() -> Iterator[Team]:
    from tests.conftest import _no_postgres
    from tests.postgres import cluster, pg_bin

    if pg_bin() is None:
        _no_postgres("PostgreSQL's initdb and pg_ctl are not installed")
    with cluster(trust="postgres") as running:
        running.sql(f"CREATE ROLE workbook LOGIN CREATEROLE PASSWORD '{OWNER_PASSWORD}'")
        database = running.new_database(owner="workbook")
        admin = running.url(database, user="workbook", password=OWNER_PASSWORD)
        yield Team(running, database, admin)


@pytest.fixture(scope="module")
def ann_plan(team: Team) -> dict[str, str]:
    """Ann's plan, shared with Bob as a viewer, with a strategy, a workshop and a page."""
    urls = {name: provision(team.admin, name) for name in ("ann", "bob", "cat")}
    with PlanStore(urls["ann"]) as store:
        assert store.team_member == "ann" and store.user == "ann"
        plan = store.create(m.Plan(name="Ann's tender", company="Acme Freight")).plan
        store.share(plan.id, "bob", "viewer")
        store.save_strategic_plan(m.StrategicPlan(), company="Acme Freight")
        code = store.workshops.open(plan.id).code
        store.mark_here("ann-page", plan.id, "Ann", "overview")
    return {**urls, "plan": plan.id, "code": code}


def _ann_rows(con: Any, plan_id: str, code: str) -> dict[str, int]:
    """How many rows of Ann's plan each table shows to the connection."""
    keyed = {
        "plans": ("id", plan_id),
        "revisions": ("plan_id", plan_id),
        "plan_members": ("plan_id", plan_id),
        "strategies": ("company", "acme freight"),
        "presence": ("plan_id", plan_id),
        "workshop_sessions": ("plan_id", plan_id),
        "workshop_participants": ("code", code),
        "workshop_answers": ("code", code),
    }
    assert set(keyed) == set(PLAN_TABLES)
    return {
        table: con.execute(
            f"SELECT count(*) FROM {table} WHERE {column} = %s", (value,)
        ).fetchone()[0]
        for table, (column, value) in keyed.items()
    }


def test_another_members_code_cannot_read_nor_change_the_plan(team: Team, ann_plan) -> None:
    import psycopg

    plan_id, code = ann_plan["plan"], ann_plan["code"]
    with team.connect(ann_plan["ann"]) as ann:
        before = _ann_rows(ann, plan_id, code)
    assert before["plans"] == before["revisions"] == before["strategies"] == 1
    assert before["plan_members"] == 2 and before["presence"] == 1

    with team.connect(ann_plan["cat"]) as cat:
        assert cat.execute("SELECT current_user").fetchone()[0] == role_name(team.database, "cat")
        assert set(_ann_rows(cat, plan_id, code).values()) == {0}
        everything = [cat.execute(f"SELECT * FROM {t}").fetchall() for t in PLAN_TABLES]
        assert plan_id not in repr(everything) and "Ann's tender" not in repr(everything)
        for statement in (
            "UPDATE plans SET name = 'taken' WHERE id = %s",
            "UPDATE plans SET deleted_at = 'now' WHERE id = %s",
            "UPDATE revisions SET data = '{}' WHERE plan_id = %s",
            "UPDATE plan_members SET role = 'viewer' WHERE plan_id = %s",
            "UPDATE workshop_sessions SET state = 'ended' WHERE plan_id = %s",
            "DELETE FROM plan_members WHERE plan_id = %s",
            "DELETE FROM revisions WHERE plan_id = %s",
            "DELETE FROM presence WHERE plan_id = %s",
            "DELETE FROM workshop_sessions WHERE plan_id = %s",
            "DELETE FROM plans WHERE id = %s",
        ):
            assert cat.execute(statement, (plan_id,)).rowcount == 0, statement
        refused = [
            ("INSERT INTO plan_members VALUES (%s, 'cat', 'owner')", (plan_id,)),
            ("INSERT INTO plan_members VALUES (%s, '*', 'viewer')", (plan_id,)),
            ("INSERT INTO revisions VALUES (%s, 99, 'now', 'cat', '', '{}')", (plan_id,)),
            ("INSERT INTO strategies VALUES ('acme freight', 9, 'now', 'cat', '{}')", ()),
            ("SELECT * FROM member_roles", ()),
            ("UPDATE member_roles SET member = 'ann'", ()),
            (f'SET ROLE "{role_name(team.database, "ann")}"', ()),
            ("SET SESSION AUTHORIZATION workbook", ()),
            ("ALTER TABLE plans DISABLE ROW LEVEL SECURITY", ()),
            ("ALTER TABLE plans NO FORCE ROW LEVEL SECURITY", ()),
            ("DROP POLICY nw_select ON plans", ()),
            ("CREATE POLICY mine ON plans USING (true)", ()),
            ("SELECT rolpassword FROM pg_authid", ()),
            ("SELECT passwd FROM pg_shadow", ()),
            ("CREATE TABLE stash (x text)", ()),
            ("ALTER ROLE CURRENT_USER BYPASSRLS", ()),
            (f'GRANT "{group_name(team.database)}" TO CURRENT_USER WITH ADMIN OPTION', ()),
        ]
        for statement, args in refused:
            with pytest.raises(psycopg.Error):
                cat.execute(statement, args)
        with PlanStore(ann_plan["cat"]) as store:  # a copy of Ann's file: a plan of its own
            copy = store.import_json(m.Plan(id=plan_id, name="Cat's copy").model_dump_json())
            assert copy.plan.id != plan_id
        passwords = cat.execute("SELECT DISTINCT rolpassword FROM pg_roles").fetchall()
        assert passwords == [("********",)]
        cat.execute(f'SET ROLE "{group_name(team.database)}"')  # the one role it may take
        assert set(_ann_rows(cat, plan_id, code).values()) == {0}
        assert cat.execute("SELECT * FROM nw_workshop_answers(%s)", (code,)).fetchall() == []

    with team.connect(ann_plan["bob"]) as bob:  # a viewer reads, and changes nothing
        seen = _ann_rows(bob, plan_id, code)
        assert seen["plans"] == seen["revisions"] == seen["strategies"] == 1
        assert bob.execute("UPDATE plans SET name = 'x' WHERE id = %s", (plan_id,)).rowcount == 0
        assert bob.execute("DELETE FROM plan_members WHERE plan_id = %s", (plan_id,)).rowcount == 0
        with pytest.raises(psycopg.Error):
            bob.execute("INSERT INTO revisions VALUES (%s, 99, 'now', 'bob', '', '{}')", (plan_id,))

    with team.connect(ann_plan["ann"]) as ann:  # nothing changed; the owner may change it
        assert _ann_rows(ann, plan_id, code) == before
        assert ann.execute("SELECT name FROM plans WHERE id = %s", (plan_id,)).fetchone() == (
            "Ann's tender",
        )
        touched = ann.execute("UPDATE plans SET updated_at = updated_at WHERE id = %s", (plan_id,))
        assert touched.rowcount == 1

    with PlanStore(ann_plan["bob"]) as store:  # the same through the store's API
        assert store.user == "bob" and store.role(plan_id) == "viewer"
        assert store.load(plan_id).plan.name == "Ann's tender"
        current = store.load(plan_id)
        store.access._user = None  # as if the app's own checks were gone: the database refuses
        with pytest.raises(WorkbookError):
            store.save(current.plan, base_revision=current.revision)
        with pytest.raises(WorkbookError):
            store.share(plan_id, "bob", "owner")
        assert store.latest_revision(plan_id) == current.revision
        assert store.members(plan_id) == [("ann", "owner"), ("bob", "viewer")]


def test_a_store_on_a_members_role_acts_for_that_member_only(team: Team, ann_plan) -> None:
    with pytest.raises(NotAllowed, match="acts for cat, not for ann"):
        PlanStore(ann_plan["cat"], user="ann")
    with PlanStore(ann_plan["cat"]) as store:
        with pytest.raises(NotAllowed):
            store.user = "ann"
        assert ann_plan["plan"] not in {p.id for p in store.list_plans()}


def test_import_workbook_in_a_members_lab_has_that_members_rights(
    team: Team, ann_plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbook

    monkeypatch.setenv(DB_ENV, ann_plan["bob"])
    with workbook.PlanStore() as store:  # nothing given but the server's environment
        frame = store.plans_frame()
        assert ann_plan["plan"] in set(frame["id"])
        assert list(store.history_frame(ann_plan["plan"])["author"]) == ["ann"]
    monkeypatch.setenv(DB_ENV, ann_plan["cat"])
    with workbook.PlanStore() as store:
        assert ann_plan["plan"] not in set(store.plans_frame()["id"])


def test_a_participant_on_another_server_answers_only_through_the_workshop(
    team: Team, ann_plan
) -> None:
    import psycopg

    from workbook.workshop import JoinError, priorities_prompt

    with PlanStore(ann_plan["ann"]) as ann:  # a workshop on a plan only Ann is on
        deal = ann.duplicate("example-northwind", name="Ann's workshop deal").plan
        code = ann.workshops.open(deal.id).code
        ann.workshops.update(code, prompts=[priorities_prompt(["Listen first", "Trade"])])
    vote = {"choices": ["Listen first"]}
    with PlanStore(ann_plan["cat"], user=f"participant:{code}:pass1") as cat:
        assert cat.workshops.heading(code) == ("Ann's workshop deal", deal.currency)
        assert cat.workshops.join(code, "Cat")[1] == "Cat"
        cat.workshops.submit_answer(code, "Cat", "priorities", vote)
        assert cat.list_plans() == []
    with PlanStore(ann_plan["bob"]) as bob:  # signed in as himself, as on the hub
        with pytest.raises(JoinError, match="Someone else joined under this name"):
            bob.workshops.join(code, "cat")
        bob.workshops.join(code, "Bob")
        bob.workshops.submit_answer(code, "Bob", "priorities", {"choices": ["Trade"]})
        assert [a.participant for a in bob.workshops.answers(code)] == ["Bob"]  # not revealed
        assert bob.workshops.participants(code) == ["Cat", "Bob"]
        assert bob.workshops.version(code) == bob.workshops.session(code).version > 0
        with pytest.raises(JoinError):  # answering under a name it did not join with
            bob.workshops.submit_answer(code, "Cat", "priorities", {"choices": ["Trade"]})
    with team.connect(ann_plan["cat"]) as raw:  # around the store: the same limits
        assert raw.execute(
            "SELECT count(*) FROM workshop_answers WHERE code = %s", (code,)
        ).fetchone() == (0,)
        assert raw.execute(
            "SELECT count(*) FROM revisions WHERE plan_id = %s", (deal.id,)
        ).fetchone() == (0,)
        assert raw.execute(
            "SELECT nw_submit_answer(%s, 'bob', 'priorities', '{}', 'now')", (code,)
        ).fetchone() == (False,)
        with pytest.raises(psycopg.Error):  # no answer the facilitator's page cannot read
            raw.execute("SELECT nw_submit_answer(%s, 'cat', 'priorities', 'junk', 'now')", (code,))
    with PlanStore(ann_plan["ann"]) as ann:
        assert sorted(
            (a.participant, a.answer["choices"][0]) for a in ann.workshops.answers(code)
        ) == [
            ("Bob", "Trade"),
            ("Cat", "Listen first"),
        ]
        assert ann.workshops.participants(code) == ["Cat", "Bob"]
        ann.workshops.update(code, state="revealed")
    with PlanStore(ann_plan["cat"], user=f"participant:{code}:pass1") as cat:
        assert {a.participant for a in cat.workshops.answers(code)} == {"Bob", "Cat"}
    with PlanStore(ann_plan["ann"]) as ann:
        ann.workshops.update(code, state="ended")
    with team.connect(ann_plan["cat"]) as raw:  # ended: no newcomer, no more answers
        with pytest.raises(psycopg.Error, match="takes no one new"):
            raw.execute("SELECT nw_join_workshop(%s, 'eve', 'Eve', 'now')", (code,))
        assert raw.execute(
            "SELECT nw_submit_answer(%s, 'cat', 'priorities', '{}', 'now')", (code,)
        ).fetchone() == (False,)


def test_provisioning_is_idempotent_and_rotates_the_password(team: Team) -> None:
    import psycopg

    first = provision(team.admin, "dan")
    second = provision(team.admin, "dan")
    assert first != second
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        team.connect(first)
    role, group = role_name(team.database, "dan"), group_name(team.database)
    with team.connect(second) as con:
        assert con.execute("SELECT nw_member()").fetchone() == ("dan",)
    with team.connect(team.admin) as con:
        assert con.execute(
            "SELECT count(*) FROM member_roles WHERE role_name = %s", (role,)
        ).fetchone() == (1,)
        memberships = con.execute(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s",
            (role,),
        ).fetchall()
        assert memberships == [(group,)]
        rights = con.execute(
            "SELECT rolcanlogin, rolsuper, rolcreaterole, rolbypassrls, "
            "(SELECT count(*) FROM pg_class WHERE relowner = r.oid) "
            "FROM pg_roles r WHERE rolname = %s",
            (group,),
        ).fetchone()
        assert rights == (False, False, False, False, 0)
        assert con.execute(
            "SELECT rolsuper, rolcreaterole, rolbypassrls, rolconnlimit FROM pg_roles "
            "WHERE rolname = %s",
            (role,),
        ).fetchone() == (False, False, False, CONNECTIONS)
    lab = provision(team.admin, "dan", server="lab")  # a second server: a role of its own
    with team.connect(second) as con, team.connect(lab) as other:
        assert con.execute("SELECT 1").fetchone() == other.execute("SELECT 1").fetchone()


def test_provisioning_refuses_a_role_it_did_not_make(team: Team) -> None:
    team.cluster.sql(f'CREATE ROLE "{role_name(team.database, "eve")}" LOGIN')
    with pytest.raises(StoreError, match="is not eve's team role"):
        provision(team.admin, "eve")
    with pytest.raises(StoreError, match="cannot be a team member's name"):
        provision(team.admin, "participant:ABC234:x")


def test_the_spawn_hooks_give_each_server_its_own_role_and_lab_to_analysts(team: Team) -> None:
    from types import SimpleNamespace
    from urllib.parse import urlsplit

    import psycopg

    from tests.helpers import run_async
    from workbook.team_roles import spawn_hooks

    before, after = spawn_hooks(team.admin, lab_cmd=["jupyterhub-singleuser"])

    def spawner(user: str, name: str = "", groups: tuple[str, ...] = ()) -> SimpleNamespace:
        person = SimpleNamespace(name=user, groups=[SimpleNamespace(name=g) for g in groups])
        return SimpleNamespace(
            name=name, user=person, environment={"LANG": "C.UTF-8"}, cmd=["app"], default_url=""
        )

    app = spawner("fay")
    run_async(before(app))
    assert set(app.environment) == {"LANG", DB_ENV} and app.cmd == ["app"]
    assert urlsplit(app.environment[DB_ENV]).username == role_name(team.database, "fay")
    assert team.admin.split("@")[0] not in app.environment[DB_ENV]  # not the owner's sign-in
    with pytest.raises(PermissionError, match="analysts"):
        run_async(before(spawner("fay", "lab")))
    lab = spawner("fay", "lab", groups=("analysts",))
    run_async(before(lab))
    assert lab.cmd == ["jupyterhub-singleuser"] and lab.default_url == "/lab"
    assert urlsplit(lab.environment[DB_ENV]).username == role_name(team.database, "fay", "lab")
    with team.connect(app.environment[DB_ENV]) as con:  # the app's role still signs in
        assert con.execute("SELECT nw_member()").fetchone() == ("fay",)
    run_async(after(lab))  # the lab stopped: its password is gone
    with pytest.raises(psycopg.OperationalError):
        team.connect(lab.environment[DB_ENV])
    with pytest.raises(PermissionError, match="JupyterLab is off"):
        run_async(spawn_hooks(team.admin, lab=False)[0](spawner("fay", "lab", ("analysts",))))
