"""Each company keeps its own strategic objectives; a new plan never inherits another's."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.helpers import ManualScheduler, find, find_all
from workbook import model as m
from workbook.brief import brief_markdown
from workbook.store import PlanStore, company_key, example_plan, example_strategic_plan
from workbook.ui.app import WorkbookApp
from workbook.ui.forms import RowTable

NORDIC = "Open the Nordic region"


def objective_choices(view):
    """The options the view's objective dropdowns offer."""
    from workbook.ui.engine import CHOICES

    return CHOICES["objectives"](view.context).compute(view.session)


@pytest.fixture
def store(store_db):
    """A store with the worked example, once per backend (SQLite, PostgreSQL)."""
    with PlanStore(store_db) as s:
        s.ensure_example()
        yield s


def test_the_strategy_is_kept_per_company(store):
    example = store.load("example-northwind").plan
    assert example.company
    assert NORDIC in [o.title for o in store.load_strategic_plan(example.company).objectives]
    assert store.load_strategic_plan("").objectives == []
    assert store.load_strategic_plan("Acme Fleet").objectives == []
    acme = m.StrategicPlan(objectives=[m.Objective(title="Win in cold chain")])
    store.save_strategic_plan(acme, company="Acme Fleet", author="ana")
    assert store.load_strategic_plan("  acme   FLEET ").objectives[0].title == "Win in cold chain"
    assert NORDIC in [o.title for o in store.load_strategic_plan(example.company).objectives]
    assert company_key(" Acme  Fleet") == company_key("acme fleet")


def new_plan(app, name, company=None):
    app.menu.ask_new()
    find(app.widget, "nw-new-name").value = name
    if company is not None:
        find(app.widget, "nw-new-company").value = company
    find(app.widget, "nw-dialog-create").click()
    assert app.session.plan.name == name


def test_a_new_plan_starts_without_the_examples_objectives_and_asks_for_its_own(store):
    app = WorkbookApp(store, scheduler=ManualScheduler()).start(plan="example-northwind")
    app.menu.ask_new()
    assert find(app.widget, "nw-new-company").value == ""  # not the example's company
    find(app.widget, "nw-dialog-cancel").click()
    new_plan(app, "Retail renewal")
    app.show("strategy")
    view = app.views["strategy"]
    assert objective_choices(view) == []
    assert (
        view.panels["strategy.fit"].charts[0].figure is None
    )  # no fit chart drawn from someone else's objectives
    assert "Name your company" in find(view.widget, "nw-objectives-shared").value
    assert find(view.widget, "nw-objectives").selected_index == 0  # open, asking to be filled
    text = brief_markdown(
        app.session.plan, objectives=app.views["strategy"].objectives.plan.objectives
    )
    assert NORDIC not in text
    app.show("brief")
    assert NORDIC not in app.views["brief"].panels["brief.page"].text


def test_plans_of_one_company_share_its_strategy_and_only_theirs(store):
    app = WorkbookApp(store, scheduler=ManualScheduler()).start(plan="example-northwind")
    new_plan(app, "Retail renewal", company="Acme Fleet")
    app.show("strategy")
    view = app.views["strategy"]
    objectives = next(t for t in find_all(view.widget, kind=RowTable) if t.path == ("objectives",))
    objectives._new_widgets["title"].value = "Win in cold chain"
    assert objectives.add() is None
    view.objectives.flush()
    new_plan(app, "Second Acme deal")  # the company is carried over from the open plan
    assert app.session.plan.company == "Acme Fleet"
    app.show("strategy")
    assert [t for t, _ in objective_choices(app.views["strategy"])] == ["Win in cold chain"]
    # naming another company switches the objectives at once, and the dropdowns follow
    view = app.views["strategy"]
    links = next(
        t for t in find_all(view.widget, kind=RowTable) if t.path == ("strategy", "objective_links")
    )
    assert app.session.set(("company",), "Other Co") is None
    assert objective_choices(view) == []
    assert [label for label, _ in links._new_widgets["objective_id"].options] == []
    assert "Other Co" in find(view.widget, "nw-objectives-shared").value


def _old_store(path, *, edited: bool) -> None:
    """A store as the release before company strategies wrote it (schema 2)."""
    from workbook.store import SCHEMA

    con = sqlite3.connect(path, isolation_level=None)
    for script in SCHEMA[:2]:
        for statement in script.split(";"):
            if statement.strip():
                con.execute(statement)
    con.execute("PRAGMA user_version = 2")
    plan = example_plan().model_dump(mode="json")
    del plan["company"]
    now = "2026-11-01T10:00:00.000+00:00"
    con.execute(
        "INSERT INTO plans (id, name, counterpart, side, created_at, updated_at, head) "
        "VALUES (?, ?, ?, ?, ?, ?, 1)",
        (plan["id"], plan["name"], plan["counterpart"], plan["side"], now, now),
    )
    con.execute(
        "INSERT INTO revisions (plan_id, revision, saved_at, author, note, data) "
        "VALUES (?, 1, ?, 'worked example', 'worked example', ?)",
        (plan["id"], now, json.dumps(plan)),
    )
    mine = m.Plan(name="Our own deal")
    con.execute(
        "INSERT INTO plans (id, name, counterpart, side, created_at, updated_at, head) "
        "VALUES (?, ?, '', 'sell', ?, ?, 1)",
        (mine.id, mine.name, now, now),
    )
    data = mine.model_dump(mode="json")
    del data["company"]
    con.execute(
        "INSERT INTO revisions (plan_id, revision, saved_at, author, note, data) "
        "VALUES (?, 1, ?, 'ana', 'created', ?)",
        (mine.id, now, json.dumps(data)),
    )
    strategy = example_strategic_plan().model_dump_json()
    con.execute(
        "INSERT INTO strategic_plan (revision, saved_at, author, data) "
        "VALUES (1, ?, 'worked example', ?)",
        (now, strategy),
    )
    if edited:
        own = m.StrategicPlan(objectives=[m.Objective(title="Our own objective")])
        con.execute(
            "INSERT INTO strategic_plan (revision, saved_at, author, data) VALUES (2, ?, 'ana', ?)",
            (now, own.model_dump_json()),
        )
    con.execute("INSERT INTO meta (key, value) VALUES ('example', ?)", (now,))
    con.close()
    return mine.id


@pytest.mark.parametrize("edited", [False, True])
def test_an_earlier_store_keeps_working_and_the_example_keeps_its_strategy(tmp_path, edited):
    path = tmp_path / "old.sqlite"
    mine = _old_store(path, edited=edited)
    with PlanStore(path) as store:
        example = store.load("example-northwind").plan
        assert example.company == example_plan().company
        assert NORDIC in [o.title for o in store.load_strategic_plan(example.company).objectives]
        own = store.load(mine).plan
        titles = [o.title for o in store.load_strategic_plan(own.company).objectives]
        assert titles == (["Our own objective"] if edited else [])
        assert {p.id for p in store.list_plans()} == {"example-northwind", mine}
        assert store.history("example-northwind")[-1].note == "names its company"
    with PlanStore(path) as again:  # opening it again changes nothing more
        assert len(again.history("example-northwind")) == 2
