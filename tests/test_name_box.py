"""The name box remembered by the browser, undoing a deleted row, and no duplicate members."""

from __future__ import annotations

import ipywidgets as W
import pytest

from tests.helpers import ManualScheduler, bound, find, find_all
from workbook import model as m
from workbook.store import PlanStore
from workbook.ui.app import WorkbookApp
from workbook.ui.forms import RowTable


@pytest.fixture
def store(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as s:
        s.ensure_example()
        yield s


@pytest.fixture
def app(store):
    return WorkbookApp(store, scheduler=ManualScheduler()).start(plan="example-northwind")


def team_table(app) -> RowTable:
    app.show("deal")
    return next(t for t in find_all(app.views["deal"].widget, kind=RowTable) if t.path == ("team",))


def test_the_name_typed_is_handed_to_the_browser_and_a_remembered_one_is_used(app, store):
    app.saving.author_box.value = "  Ana Lima "
    assert app.saving.browser.author == "Ana Lima"
    fresh = WorkbookApp(store, scheduler=ManualScheduler()).start()
    fresh.saving.browser.remembered = "Ana Lima"  # what the page sends once it has read its storage
    assert fresh.saving.author_box.value == "Ana Lima"
    assert fresh.session.author == "Ana Lima"


def test_a_name_from_sign_in_is_not_replaced_by_the_remembered_one(store):
    signed_in = WorkbookApp(store, scheduler=ManualScheduler(), author="Bo Berg").start()
    signed_in.saving.browser.remembered = "Someone else"
    assert signed_in.saving.author_box.value == "Bo Berg"
    signed_in.saving.browser.remembered = "x" * 500
    assert signed_in.author == "Bo Berg"


def test_a_deleted_row_comes_back_with_undo(app):
    table = team_table(app)
    names = [t.name for t in app.session.plan.team]
    trash = [b for b in find_all(table, kind=W.Button) if b.icon == "trash"]
    trash[1].click()
    assert [t.name for t in app.session.plan.team] == names[:1] + names[2:]
    assert table.undo_bar.layout.display != "none"
    assert names[1] in table.undo_bar.children[0].value
    find(table, "nw-undo-button").click()
    assert [t.name for t in app.session.plan.team] == names  # back in its place
    assert table.undo_bar.layout.display == "none"


def test_a_duplicate_team_member_is_refused_next_to_the_field(app):
    table = team_table(app)
    count = len(app.session.plan.team)
    first = app.session.plan.team[0].name
    table._new_widgets["name"].value = f" {first.upper()} "
    assert table.add() is not None
    assert "already has a member named" in table.add_message.text
    assert table.add_message.layout.display != "none"
    assert len(app.session.plan.team) == count
    assert table._new_widgets["name"].value == f" {first.upper()} "  # nothing typed is lost
    with pytest.raises(ValueError, match="already has a member"):
        m.Plan(name="x", team=[m.TeamMember(name="Ana"), m.TeamMember(name="ana")])


# --- scores say what they measure; empty states are neutral ---------------------------


def blank_plan(app):
    app.menu.ask_new()
    find(app.widget, "nw-new-name").value = "Blank"
    find(app.widget, "nw-dialog-create").click()


def test_the_fit_score_says_what_it_measures(app):
    app.show("strategy")
    view = app.views["strategy"]
    plan = app.session.plan
    total = len(view.objectives.plan.objectives)
    served = sum(1 for link in plan.strategy.objective_links if link.strength > 0)
    assert f"serves {served} of {total}" in view.panels["strategy.fit"].text
    assert "strongest link" in view.panels["strategy.fit"].text
    assert (
        f"serves {served} of {total}"
        in view.panels["strategy.fit"].charts[0].figure.layout.title.text
    )


def test_empty_states_are_neutral_grey_not_verdicts(app):
    from workbook.ui.style import COLORS

    blank_plan(app)
    texts = {}
    for key in ("strategy", "value", "concessions", "ledger"):
        app.show(key)
        for w in find_all(app.views[key].widget, kind=W.HTML):
            if w.value and (COLORS["ok"] in w.value or COLORS["error"] in w.value):
                texts[key] = w.value
    assert texts == {}
    app.show("value")
    totals = app.views["value"].panels["value.totals"].text
    assert "0 months" not in totals


def test_payback_without_a_one_off_price_is_not_zero_months():
    from workbook.ui.views.value import payback_text

    assert payback_text(None, 0) == "—"
    assert payback_text(0.0, 0) == "no one-off price"
    assert payback_text(10.1, 50_000) == "10.1 months"


def test_a_long_table_shows_its_first_rows_and_the_rest_on_request(store):
    from workbook.ui.forms.table import FIRST_ROWS

    plan = store.load("example-northwind").plan
    more = [
        m.Variable(name=f"Variable {i}", options=[m.Option(label="As is"), m.Option(label="More")])
        for i in range(FIRST_ROWS + 8 - len(plan.concessions.variables))
    ]
    plan.concessions.variables += more
    store.save(plan, base_revision=store.load(plan.id).revision)
    app = WorkbookApp(store, scheduler=ManualScheduler()).start(plan=plan.id)
    app.show("concessions")
    view = app.views["concessions"].widget
    variables = ("concessions", "variables")
    table = next(t for t in find_all(view, kind=RowTable) if t.path == variables)
    bound(table, (*variables, FIRST_ROWS - 1, "name"))
    with pytest.raises(AssertionError, match="no widget is bound"):
        bound(table, (*variables, FIRST_ROWS, "name"))
    button = find(table, "nw-more-rows")
    assert button.description == "Show 8 more rows"
    button.click()
    assert bound(table, (*variables, FIRST_ROWS + 7, "name")).widget.value == more[-1].name
    assert find_all(table, "nw-more-rows") == []


def test_a_row_added_to_a_long_table_is_shown(store):
    from workbook.ui.forms.table import FIRST_ROWS

    app = WorkbookApp(store, scheduler=ManualScheduler()).start(plan="example-northwind")
    app.show("deal")
    table = team_table(app)
    for i in range(FIRST_ROWS + 2 - len(app.session.plan.team)):
        assert app.session.append(("team",), m.TeamMember(name=f"Member {i}")) is None
    last = len(app.session.plan.team) - 1
    assert last >= FIRST_ROWS
    assert bound(table, ("team", last, "name")).widget.value == app.session.plan.team[last].name
