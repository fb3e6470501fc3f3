"""The plan store's contract, on a real SQLite file and a real PostgreSQL database:
revisions, conflicts, imports, exports, read-only use."""

from __future__ import annotations

import json
import sqlite3

import pytest

from workbook import model as m
from workbook.errors import ConflictError, PlanFileError, PlanNotFound, ReadOnlyError
from workbook.store import DB_ENV, PlanStore, default_db_path, example_plan


@pytest.fixture
def db(store_db):
    """A fresh store's location, once per backend (SQLite file, PostgreSQL database)."""
    return store_db


@pytest.fixture
def store(db):
    with PlanStore(db) as s:
        yield s


def counts(db) -> tuple[int, int]:
    """Plans and revisions in the store, counted through a connection of its own."""
    with PlanStore(db) as other:
        return (
            other.database.backend.execute("SELECT COUNT(*) FROM plans").fetchone()[0],
            other.database.backend.execute("SELECT COUNT(*) FROM revisions").fetchone()[0],
        )


def test_file_is_sqlite_in_wal_mode(tmp_path):
    db = tmp_path / "plans.sqlite"
    with PlanStore(db) as store:
        store.ensure_example()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_every_save_is_a_revision_with_author_and_time(store):
    created = store.create(m.Plan(name="Deal"), author="ana")
    plan = created.plan
    second = store.save(plan.model_copy(update={"summary": "v2"}), base_revision=1, author="bo")
    third = store.save(
        second.plan.model_copy(update={"summary": "v3"}), base_revision=2, author="cy"
    )
    assert (created.revision, second.revision, third.revision) == (1, 2, 3)
    history = store.history(plan.id)
    assert [(h.revision, h.author) for h in history] == [(1, "ana"), (2, "bo"), (3, "cy")]
    assert all(h.saved_at for h in history)
    assert store.load(plan.id).plan.summary == "v3"
    assert store.load(plan.id, revision=2).plan.summary == "v2"
    assert store.load(plan.id, revision=1).plan.summary == ""
    assert list(store.history_frame(plan.id).columns) == [
        "plan_id",
        "revision",
        "saved_at",
        "author",
        "authors",
        "note",
    ]


def test_saving_on_a_stale_revision_raises_a_conflict_and_overwrites_nothing(db):
    with PlanStore(db) as one, PlanStore(db) as two:
        plan = one.create(m.Plan(name="Shared"), author="ana").plan
        mine, theirs = one.load(plan.id), two.load(plan.id)
        one.save(mine.plan.model_copy(update={"summary": "first"}), base_revision=1, author="ana")
        with pytest.raises(ConflictError) as info:
            two.save(
                theirs.plan.model_copy(update={"summary": "second"}), base_revision=1, author="bo"
            )
        assert info.value.latest == 2 and info.value.author == "ana"
        assert "revision 2 by ana" in str(info.value)
        assert two.load(plan.id).plan.summary == "first"
        assert len(two.history(plan.id)) == 2


def test_json_export_and_import_round_trip(store):
    plan = example_plan()
    store.create(plan)
    text = store.export_json(plan.id)
    imported = store.import_json(text, author="mail")
    assert imported.plan.id != plan.id  # the id was taken, so the import got its own
    assert imported.plan.model_copy(update={"id": plan.id}) == plan
    assert json.loads(text)["schema_version"] == m.SCHEMA_VERSION


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "{not json",
            "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2",
        ),
        ("[1, 2]", "a plan must be a JSON object, got list"),
        ('{"name": "x", "deal_value": "lots"}', "deal_value: must be a number"),
        ('{"name": "x", "schema_version": 99}', "newer release"),
        (
            '{"name": "x", "strategy": {"priorities": [{"text": "a"}, {"text": "b"}, '
            '{"text": "c"}]}}',
            "strategy.priorities: keep it to two priorities at most",
        ),
        (
            '{"name": "x", "ledger": {"entries": [{"description": "d", "value_ours": -5}]}}',
            "ledger.entries[0].value_ours: must be at least 0",
        ),
        (b"\xff\xfe{", "not UTF-8 text"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_plan_files_name_the_problem_and_change_nothing(store, db, text, expected):
    store.create(m.Plan(name="Existing"))
    before = counts(db)
    with pytest.raises(PlanFileError) as info:
        store.import_json(text)
    assert expected in str(info.value)
    assert counts(db) == before


def test_oversized_file_is_refused_before_parsing(store):
    with pytest.raises(PlanFileError, match="larger than 5 MB"):
        store.import_json(" " * 5_000_001)


def test_rename_duplicate_delete_and_resolve(store):
    plan = store.create(m.Plan(name="Alpha")).plan
    store.rename(plan.id, "Beta", author="ana")
    assert store.load(plan.id).plan.name == "Beta"
    assert store.resolve("beta") == plan.id
    copy = store.duplicate(plan.id).plan
    assert copy.name == "Beta (copy)" and copy.id != plan.id
    store.delete(plan.id)
    assert [p.id for p in store.list_plans()] == [copy.id]
    with pytest.raises(PlanNotFound):
        store.load(plan.id)
    store.create(m.Plan(name="Twin"))
    store.create(m.Plan(name="Twin"))
    with pytest.raises(PlanNotFound, match="2 plans are named 'Twin'"):
        store.resolve("Twin")
    oil = store.create(m.Plan(name="Öl-Vertrag Süd")).plan
    assert store.resolve("öl-vertrag süd") == oil.id  # any letter's case, not only ASCII


def test_worked_example_is_loaded_once_into_an_empty_store(store):
    plan_id = store.ensure_example()
    assert plan_id == "example-northwind"
    assert store.load_strategic_plan(store.load(plan_id).plan.company).objectives
    assert store.ensure_example() is None
    store.delete(plan_id)
    assert store.ensure_example() is None  # deleting it does not bring it back
    assert store.list_plans() == []


def test_read_only_store_refuses_writes(db):
    with PlanStore(db) as s:
        plan = s.create(m.Plan(name="Locked")).plan
    with PlanStore(db, read_only=True) as ro:
        assert ro.load(plan.id).plan.name == "Locked"
        with pytest.raises(ReadOnlyError):
            ro.save(plan, base_revision=1)
        assert ro.ensure_example() is None
    assert counts(db) == (1, 1)


def test_default_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(DB_ENV, str(tmp_path / "x" / "plans.sqlite"))
    assert default_db_path() == (tmp_path / "x" / "plans.sqlite").resolve()
    monkeypatch.delenv(DB_ENV)
    assert default_db_path().name == "plans.sqlite"
    assert "negotiation-workbook" in str(default_db_path())


def test_strategic_plan_is_shared_and_versioned(store):
    assert store.load_strategic_plan().objectives == []
    objectives = m.StrategicPlan(objectives=[m.Objective(title="Grow in logistics")])
    assert store.save_strategic_plan(objectives, author="ana").revision == 1
    assert store.load_strategic_plan().objectives[0].title == "Grow in logistics"
    store.save_strategic_plan(objectives, author="bo", base_revision=1)
    with pytest.raises(ConflictError):
        store.save_strategic_plan(objectives, author="cy", base_revision=1)
    assert store.load_strategic_plan_revision().revision == 2


def test_presence_lists_the_other_pages_on_a_plan_and_drops_a_stale_one(db):
    import datetime as dt

    from workbook.store import PRESENCE_TTL

    with PlanStore(db) as store:
        plan = store.ensure_example()
        now = dt.datetime(2026, 3, 10, 14, 5, tzinfo=dt.UTC)
        store.mark_here("page-a", plan, "Priya", "Concessions", now=now)
        store.mark_here("page-b", plan, "Ana", "Value", now=now)
        store.mark_here("page-c", "another-plan", "Tom", "Value", now=now)
        seen = store.here(plan, besides="page-a", now=now)
        assert [(p.name, p.section) for p in seen] == [("Ana", "Value")]
        assert {p.name for p in store.here(plan, now=now)} == {"Priya", "Ana"}
        later = now + PRESENCE_TTL + dt.timedelta(seconds=1)
        store.mark_here("page-a", plan, "Priya", "Scenarios", now=later)  # page-b went quiet
        assert store.here(plan, besides="page-b", now=later)[0].section == "Scenarios"
        assert store.here(plan, besides="page-a", now=later) == []
        pruned = store.database.backend.execute("SELECT COUNT(*) FROM presence").fetchone()
        assert pruned[0] == 1
        store.leave("page-a")
        assert store.here(plan, now=later) == []
