"""The scenarios section in the app: moves, per-participant estimates, results."""

from __future__ import annotations

import pytest

from tests.helpers import ManualScheduler, bound, find, find_all
from workbook.store import PlanStore
from workbook.ui.app import WorkbookApp
from workbook.ui.forms import RowTable


@pytest.fixture
def app(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()
        app = WorkbookApp(store, scheduler=ManualScheduler()).start(section="scenarios")
        yield app


def view_of(app):
    return app.views["scenarios"]


def test_results_are_shown_for_the_example(app):
    view = view_of(app)
    assert "Least regret" in view.highlights.value
    assert len(view.quadrant.figure.data[0].x) == 4
    assert "★" in view.payoff.value
    assert view.spread.figure is not None


def test_adding_a_move_and_an_estimate_changes_the_quadrant(app):
    view = view_of(app)
    moves = next(
        t for t in find_all(view.widget, kind=RowTable) if t.path == ("scenarios", "moves")
    )
    moves._new_widgets["name"].value = "Offer a fleet-wide price lock"
    assert moves.add() is None
    assert "has no estimate" in view.problem.value or "no estimates" in view.problem.value
    view.move_pick.value = app.session.plan.scenarios.moves[-1].id
    view.who.value = "Jonas Berg"
    find(view.widget, "nw-start-estimate").click()
    assert view.problem.value == ""
    assert len(view.quadrant.figure.data[0].x) == 5
    estimate = app.session.plan.scenarios.moves[-1].estimates[0]
    assert estimate.participant == "Jonas Berg" and len(estimate.retaliation) == 2


def test_each_participant_edits_their_own_ranges(app):
    view = view_of(app)
    view.move_pick.value = "mv-price"
    view.who.value = "Tom Okafor"
    high = bound(view.editor, ("scenarios", "moves", 0, "estimates", 1, "gain", "high"))
    high.widget.value = "-150,000"
    assert app.session.plan.scenarios.moves[0].estimates[1].gain.high == -150_000


def test_low_above_high_is_refused_and_nothing_changes(app):
    view = view_of(app)
    view.move_pick.value = "mv-price"
    view.who.value = "Maria Keller"
    low = bound(view.editor, ("scenarios", "moves", 0, "estimates", 0, "gain", "low"))
    before = app.session.plan
    low.widget.value = "0"
    assert "must not be above likely" in low.message.text
    assert low.widget.value == "-270,000"
    assert app.session.plan is before


def test_probability_above_one_is_refused(app):
    view = view_of(app)
    view.move_pick.value = "mv-price"
    view.who.value = "Maria Keller"
    path = ("scenarios", "moves", 0, "estimates", 0, "retaliation", 0, "probability", "high")
    field = bound(view.editor, path)
    field.widget.value = "1.5"
    assert field.message.text.startswith("Must be at most 1")


def test_a_competitor_without_estimates_is_named(app):
    view = view_of(app)
    table = next(
        t for t in find_all(view.widget, kind=RowTable) if t.path == ("scenarios", "competitors")
    )
    table._new_widgets["name"].value = "GeoTrack"
    assert table.add() is None
    assert "GeoTrack" in view.problem.value
    assert view.highlights.value == ""


def test_removing_every_move_says_so(app):
    for _ in range(4):
        app.session.remove(("scenarios", "moves"), 0)
    assert "no move" in view_of(app).problem.value.lower()


def test_strategy_prompts_offer_to_add_a_competitor(app):
    app.session.append(
        ("strategy", "anticipated"),
        {"actor_kind": "competitor", "actor": "GeoTrack", "move": "Free trial"},
    )
    view = view_of(app)
    button = next(
        b
        for b in find_all(view.prompts)
        if getattr(b, "description", "") == "Add GeoTrack as a competitor"
    )
    button.click()
    assert app.session.plan.scenarios.competitors[-1].name == "GeoTrack"
