"""Lists that follow their source, and the ledger's entry form, driven without a browser."""

from __future__ import annotations

import datetime as dt

import ipywidgets as W
import pytest

from tests.helpers import ManualScheduler, bound, find, find_all
from workbook import model as m
from workbook.store import PlanStore
from workbook.ui.app import WorkbookApp
from workbook.ui.forms import ParseError, RowTable, format_datetime, parse_datetime


@pytest.fixture
def app(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()
        yield WorkbookApp(store, scheduler=ManualScheduler(), author="tester").start()


def table(view, path):
    return next(t for t in find_all(view.widget, kind=RowTable) if t.path == path)


def labels(widget: W.Widget) -> list[str]:
    return [label for label, _ in widget.options]


# --- one way for a choice list to follow its source -----------------------------------


def test_a_new_objective_appears_in_every_link_dropdown_at_once(app):
    app.show("strategy")
    view = app.views["strategy"]
    objectives = table(view, ("objectives",))
    links = table(view, ("strategy", "objective_links"))
    reasons = table(view, ("strategy", "justifications"))
    objectives._new_widgets["title"].value = "Win in cold chain"
    assert objectives.add() is None
    assert "Win in cold chain" in labels(links._new_widgets["objective_id"])
    assert "Win in cold chain" in labels(reasons._new_widgets["objective_id"])
    row = bound(view.widget, ("strategy", "objective_links", 0, "objective_id"))
    assert "Win in cold chain" in labels(row.widget)
    before = app.session.plan.strategy.objective_links[0].objective_id
    assert row.widget.value == before  # redrawing the options is not an edit


def test_renaming_and_removing_a_variable_redraws_the_dropdowns_that_list_it(app):
    app.show("ledger")
    view = app.views["ledger"]
    moved = bound(view.widget, ("ledger", "entries", 0, "variable_id"))
    name = app.session.plan.concessions.variables[0].name
    assert name in labels(moved.widget)
    assert app.session.set(("concessions", "variables", 0, "name"), "Unit price") is None
    assert "Unit price" in labels(moved.widget)
    assert name not in labels(moved.widget)


def test_add_competitor_prompts_disappear_once_the_competitor_is_added(app):
    anticipated = app.session.plan.strategy.anticipated
    actor = next(a.actor for a in anticipated if a.actor_kind == "competitor" and a.actor)
    known = [c.name for c in app.session.plan.scenarios.competitors]
    if actor in known:  # make the prompt appear first
        index = known.index(actor)
        assert app.session.remove(("scenarios", "competitors"), index) is None
    app.show("scenarios")
    view = app.views["scenarios"]
    prompt = f"Add {actor} as a competitor"
    assert [
        b
        for b in find_all(find(view.widget, "nw-scenario-prompts"), kind=W.Button)
        if b.description == prompt
    ]
    assert app.session.append(("scenarios", "competitors"), m.Competitor(name=actor)) is None
    assert not [
        b
        for b in find_all(find(view.widget, "nw-scenario-prompts"), kind=W.Button)
        if b.description == prompt
    ]


def test_every_dropdown_of_plan_rows_follows_its_source():
    """A dropdown cannot be handed a function of the plan that nothing redraws."""
    from workbook.ui.forms import Column, make_widget

    with pytest.raises(TypeError):
        Column("x", choices=lambda plan: [])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        make_widget(None, ("side",), choices=lambda plan: [], subs=None)  # type: ignore[arg-type]


# --- the ledger in the room ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10:05", (2026, 12, 8, 10, 5)),
        ("10.05", (2026, 12, 8, 10, 5)),
        ("14h", (2026, 12, 8, 14, 0)),
        ("14h30", (2026, 12, 8, 14, 30)),
        (" 9 ", (2026, 12, 8, 9, 0)),
        ("2026-12-09 16:40", (2026, 12, 9, 16, 40)),
        ("2026-12-09", (2026, 12, 9, 0, 0)),
        ("9.12.2026 08:15", (2026, 12, 9, 8, 15)),
        ("9 Dec 2026 2pm", (2026, 12, 9, 14, 0)),
    ],
)
def test_a_time_is_read_in_the_usual_forms(typed, expected):
    stamp = parse_datetime(typed, today=dt.date(2026, 12, 8))
    assert (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute) == expected
    assert stamp.tzinfo is not None
    assert format_datetime(stamp) == dt.datetime(*expected).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize("typed", ["", "25:00", "10:75", "soon", "tomorrow-ish"])
def test_a_time_that_is_not_one_is_refused_with_the_forms_to_use(typed):
    with pytest.raises(ParseError):
        parse_datetime(typed)


def test_when_defaults_to_now_and_stays_filled_after_each_entry(app):
    app.show("ledger")
    view = app.views["ledger"]
    entries = table(view, ("ledger", "entries"))
    when = entries._new_widgets["at"]
    assert parse_datetime(when.value) > dt.datetime.now().astimezone() - dt.timedelta(minutes=2)
    count = len(app.session.plan.ledger.entries)
    for text in ("Extra training day", "Faster invoicing"):
        entries._new_widgets["description"].value = text
        entries._new_widgets["value_ours"].value = "5,000"
        entries._new_widgets["value_theirs"].value = "0"
        assert entries.add() is None, entries.add_message.text
        assert when.value, "the When field was emptied"
        assert parse_datetime(when.value)  # and still reads as a time
        assert entries._new_widgets["value_ours"].value == ""
    assert len(app.session.plan.ledger.entries) == count + 2
    when.value = "10.05"
    entries._new_widgets["description"].value = "Typed time"
    entries._new_widgets["value_ours"].value = entries._new_widgets["value_theirs"].value = "0"
    assert entries.add() is None
    logged = app.session.plan.ledger.entries[-1].at.astimezone()
    assert (logged.hour, logged.minute) == (10, 5)


def test_logging_a_concession_is_one_short_form_above_the_log_and_one_click(app):
    app.show("ledger")
    view = app.views["ledger"]
    entries = table(view, ("ledger", "entries"))
    assert entries.children[0] is entries.add_form  # the form comes first, not after the log
    fields = set(entries._new_widgets)
    assert fields == {"at", "direction", "description", "value_ours", "value_theirs", "answers"}
    given = app.session.plan.ledger.entries[0]
    entries._new_widgets["direction"].value = "received"
    entries._new_widgets["description"].value = "Reference visit agreed"
    entries._new_widgets["value_theirs"].value = "12k"
    entries._new_widgets["value_ours"].value = "0"
    entries._new_widgets["answers"].value = given.id
    add = next(b for b in find_all(entries.add_form, kind=W.Button))
    add.click()
    logged = app.session.plan.ledger.entries[-1]
    assert (logged.description, logged.answers, logged.value_theirs) == (
        "Reference visit agreed",
        given.id,
        12_000,
    )


def test_an_entry_cannot_answer_itself(app):
    app.show("ledger")
    view = app.views["ledger"]
    first = app.session.plan.ledger.entries[0]
    answers = bound(view.widget, ("ledger", "entries", 0, "answers"))
    assert first.id not in [v for _, v in answers.widget.options]
    assert app.session.set(("ledger", "entries", 0, "answers"), first.id) is not None
    assert app.session.plan.ledger.entries[0].answers != first.id
    with pytest.raises(ValueError, match="cannot answer itself"):
        m.Ledger(entries=[m.LedgerEntry(id="a", description="x", answers="a")])
