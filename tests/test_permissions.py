"""Per-plan members and roles, enforced by the store itself, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest

from workbook import model as m
from workbook.cli import main
from workbook.errors import NotAllowed, PlanNotFound
from workbook.store import LOCAL_USER, PlanStore


@pytest.fixture
def db(store_db):
    """A fresh store's location, once per backend."""
    return store_db


def as_user(db, user: str | None) -> PlanStore:
    return PlanStore(db, user=user)


def test_each_user_sees_only_the_plans_they_are_on(db):
    with as_user(db, None) as local:
        example = local.ensure_example()
    with as_user(db, "ana") as ana, as_user(db, "bo") as bo:
        mine = ana.create(m.Plan(name="Ana's fleet deal")).plan.id
        theirs = bo.create(m.Plan(name="Bo's tender")).plan.id
        assert {p.id for p in ana.list_plans()} == {mine, example}
        assert {p.id for p in bo.list_plans()} == {theirs, example}
        with pytest.raises(PlanNotFound):
            ana.load(theirs)
        with pytest.raises(PlanNotFound):
            ana.resolve("Bo's tender")
        with pytest.raises(PlanNotFound):
            ana.export_json(theirs)
        assert ana.role(mine) == "owner"
        assert ana.role(theirs) is None
    with as_user(db, None) as local:
        assert {p.id for p in local.list_plans()} == {mine, theirs, example}


def test_the_example_is_readable_by_everyone_but_not_editable(db):
    with as_user(db, None) as local:
        example = local.ensure_example()
    with as_user(db, "cy") as cy:
        stored = cy.load(example)
        assert cy.role(example) == "viewer"
        with pytest.raises(NotAllowed):
            cy.save(stored.plan.model_copy(update={"summary": "x"}), base_revision=stored.revision)
        copy = cy.duplicate(example)
        assert cy.role(copy.plan.id) == "owner"


def test_a_viewer_save_is_refused_by_the_store_and_nothing_is_written(db):
    with as_user(db, "ana") as ana:
        plan = ana.create(m.Plan(name="Deal")).plan
        ana.share(plan.id, "bo", "viewer")
    with as_user(db, "bo") as bo:
        assert bo.load(plan.id).plan.name == "Deal"
        with pytest.raises(NotAllowed, match="viewer"):
            bo.save(plan.model_copy(update={"summary": "mine now"}), base_revision=1)
        with pytest.raises(NotAllowed):
            bo.rename(plan.id, "Taken")
        with pytest.raises(NotAllowed):
            bo.share(plan.id, "eve", "editor")
        with pytest.raises(NotAllowed):
            bo.workshops.open(plan.id)
        with pytest.raises(NotAllowed):
            bo.delete(plan.id)
    with as_user(db, None) as local:  # counted in the database, past every check
        revisions = local.database.backend.execute(
            "SELECT COUNT(*) FROM revisions WHERE plan_id = ?", (plan.id,)
        ).fetchone()[0]
    assert revisions == 1


def test_revisions_record_the_signed_in_user_not_the_typed_name(db):
    with as_user(db, "ana") as ana:
        plan = ana.create(m.Plan(name="Deal"), author="somebody else").plan
        ana.share(plan.id, "bo", "editor")
    with as_user(db, "bo") as bo:
        bo.save(plan.model_copy(update={"summary": "v2"}), base_revision=1, author="ana")
        assert [h.author for h in bo.history(plan.id)] == ["ana", "bo"]
    with as_user(db, None) as local:
        third = local.save(plan.model_copy(update={"summary": "v3"}), base_revision=2, author="dee")
        assert third.author == "dee"


def test_sharing_roles_and_the_last_owner(db):
    with as_user(db, "ana") as ana:
        plan_id = ana.create(m.Plan(name="Deal")).plan.id
        ana.share(plan_id, "bo", "editor")
    with as_user(db, "bo") as bo:
        bo.share(plan_id, "cy", "viewer")
        bo.share(plan_id, "cy", "editor")
        with pytest.raises(NotAllowed):
            bo.share(plan_id, "cy", "owner")
        with pytest.raises(NotAllowed):
            bo.unshare(plan_id, "ana")
        bo.unshare(plan_id, "cy")
    with as_user(db, "ana") as ana:
        assert ana.members(plan_id) == [("ana", "owner"), ("bo", "editor")]
        with pytest.raises(NotAllowed, match="owner"):
            ana.unshare(plan_id, "ana")
        ana.share(plan_id, "bo", "owner")
        ana.unshare(plan_id, "ana")
    with as_user(db, "ana") as ana:
        assert ana.list_plans() == []
    with as_user(db, "cy") as cy, pytest.raises(PlanNotFound):
        cy.load(plan_id)


def test_an_earlier_store_keeps_its_plans_for_the_local_user(tmp_path):
    db = tmp_path / "plans.sqlite"  # an SQLite file from before members
    with as_user(db, None) as local:
        example = local.ensure_example()
        own = local.create(m.Plan(name="Old deal")).plan.id
    con = sqlite3.connect(db)
    con.execute("DROP TABLE plan_members")  # a store from before members (version 3)
    con.execute("DROP TABLE IF EXISTS presence")  # and before presence came after them
    for table in ("workshop_sessions", "workshop_participants", "workshop_answers"):
        con.execute(f"ALTER TABLE {table} DROP COLUMN seq")  # nor the workshops' order
    con.execute("ALTER TABLE workshop_participants DROP COLUMN db_role")  # nor team roles
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    with as_user(db, None) as local:
        assert {p.id for p in local.list_plans()} == {own, example}
        assert local.members(own) == [(LOCAL_USER, "owner")]
    with as_user(db, "ana") as ana:
        assert [p.id for p in ana.list_plans()] == [example]


def test_cli_list_and_export_take_a_user(db, capsys):
    with as_user(db, "ana") as ana:
        mine = ana.create(m.Plan(name="Ana's deal")).plan.id
    with as_user(db, "bo") as bo:
        theirs = bo.create(m.Plan(name="Bo's deal")).plan.id
    assert main(["list", "--db", str(db), "--user", "ana"]) == 0
    out = capsys.readouterr().out
    assert mine in out and theirs not in out
    assert main(["export", theirs, "--db", str(db), "--user", "ana"]) == 1
    assert "no plan" in capsys.readouterr().err
    assert main(["export", mine, "--db", str(db), "--user", "ana"]) == 0
    assert "Ana's deal" in capsys.readouterr().out


def test_a_workshop_participant_is_on_no_plan_and_reaches_only_their_workshop(db):
    from workbook.workshop import JoinError

    with as_user(db, None) as local:
        example = local.ensure_example()
        theirs = local.workshops.open(example).code
        other = local.workshops.open(example).code
        local.workshops.join(other, "Bo")
    with as_user(db, f"participant:{theirs}:pass") as guest:
        assert guest.list_plans() == []  # not even the worked example, which all members read
        assert guest.role(example) is None
        for attempt in (
            lambda: guest.load(example),
            lambda: guest.resolve("Northwind"),
            lambda: guest.workshops.open(example),
            lambda: guest.workshops.update(theirs, state="ended"),
        ):
            with pytest.raises(PlanNotFound):
                attempt()
        for attempt in (
            lambda: guest.create(m.Plan(name="Mine")),
            lambda: guest.load_strategic_plan(),
            lambda: guest.save_strategic_plan(m.StrategicPlan()),
        ):
            with pytest.raises(NotAllowed):
                attempt()
        with pytest.raises(JoinError):
            guest.workshops.session(other)
        assert guest.workshops.answers(other) == [] and guest.workshops.participants(other) == []
        assert guest.workshops.version(other) == 0
        assert guest.workshops.session(theirs).code == theirs
        name, currency = guest.workshops.heading(theirs)
        assert name.startswith("Northwind") and currency == "EUR"
        _, who = guest.workshops.join(theirs, "Ana")
        assert who == "Ana" and guest.workshops.participants(theirs) == ["Ana"]


def test_a_companys_strategy_is_read_by_people_on_its_plans_and_changed_by_their_editors(db):
    with as_user(db, "ana") as ana, as_user(db, "bo") as bo, as_user(db, "cy") as cy:
        plan = ana.create(m.Plan(name="Fleet", company="Acme Fleet")).plan.id
        ana.share(plan, "bo", "viewer")
        saved = ana.save_strategic_plan(
            m.StrategicPlan(objectives=[m.Objective(title="Keep fleets moving")]),
            company="acme  fleet",
        )
        assert bo.load_strategic_plan("Acme Fleet").objectives[0].title == "Keep fleets moving"
        with pytest.raises(NotAllowed, match="not change"):
            bo.save_strategic_plan(m.StrategicPlan(), company="Acme Fleet")
        for attempt in (
            lambda: cy.load_strategic_plan("Acme Fleet"),
            lambda: cy.save_strategic_plan(m.StrategicPlan(), company="Acme Fleet"),
        ):
            with pytest.raises(NotAllowed, match="not on a plan"):
                attempt()
        cy.create(m.Plan(name="Own", company="Cy Corp"))
        cy.save_strategic_plan(
            m.StrategicPlan(objectives=[m.Objective(title="Cy's")]), company="Cy Corp"
        )
        assert ana.load_strategic_plan_revision("Acme Fleet").revision == saved.revision
    with as_user(db, None) as local:  # the host reads and writes every company's
        assert local.load_strategic_plan("Cy Corp").objectives[0].title == "Cy's"
