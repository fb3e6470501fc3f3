"""The scenarios section in the app: moves, per-participant estimates, results."""

from __future__ import annotations

import html

import pandas as pd
import pytest

from tests.helpers import ManualScheduler, find, find_all, walk
from workbook import model as m
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


PROBLEM, MISSING, HIGHLIGHTS, ALL_FIGURES, PAYOFF = 0, 1, 2, 5, 6
"""The places of the results panel's texts."""


def part(view, index):
    """The HTML of one part of the results panel."""
    widget = view.panels["scenarios.results"].children[index]
    return (widget.children[0] if hasattr(widget, "children") else widget).value


def chart(view, name):
    """The results panel's chart ``name``."""
    return view.panels["scenarios.results"].chart(name)


def test_results_are_shown_for_the_example(app):
    view = view_of(app)
    assert "Least regret" in part(view, HIGHLIGHTS)
    assert len(chart(view, "quadrant").figure.data) == 4
    assert "★" in part(view, PAYOFF)
    assert chart(view, "disagreement").figure is not None


def range_row(root, path):
    """The range editor bound to the plan range at ``path``."""
    rows = {getattr(w, "range_row", None) for w in walk(root)} - {None}
    found = [r for r in rows if r.path == tuple(path)]
    assert found, f"no range editor for {path}"
    return found[0]


def type_range(row, low, likely, high, order=(0, 1, 2)):
    texts = (low, likely, high)
    for i in order:
        row.boxes[i].value = texts[i]


def add_move(app, name):
    moves = next(
        t for t in find_all(view_of(app).widget, kind=RowTable) if t.path == ("scenarios", "moves")
    )
    moves._new_widgets["name"].value = name
    assert moves.add() is None


def test_a_new_move_is_listed_as_waiting_while_the_others_are_analysed(app):
    view = view_of(app)
    add_move(app, "Offer a fleet-wide price lock")
    assert part(view, PROBLEM) == ""
    assert len(chart(view, "quadrant").figure.data) == 4  # the four estimated moves
    assert "Offer a fleet-wide price lock: no estimate yet" in part(view, MISSING)
    assert "Least regret" in part(view, HIGHLIGHTS)


@pytest.mark.parametrize(
    "order", [(0, 1, 2), (2, 1, 0), (1, 0, 2), (2, 0, 1)], ids=lambda o: "".join(map(str, o))
)
def test_a_new_estimate_starts_empty_and_takes_its_ranges_in_any_order(app, order):
    view = view_of(app)
    add_move(app, "Offer a fleet-wide price lock")
    find(view.widget, "nw-estimate-move").value = app.session.plan.scenarios.moves[-1].id
    find(view.widget, "nw-estimate-participant").value = "Jonas Berg"
    find(view.widget, "nw-start-estimate").click()
    estimate = app.session.plan.scenarios.moves[-1].estimates[0]
    assert estimate.participant == "Jonas Berg" and not estimate.finished
    assert estimate.gain.low is None and estimate.gain.high is None  # never zeros
    base = ("scenarios", "moves", 4, "estimates", 0)
    gain = range_row(find(view.widget, "nw-estimate-editor"), (*base, "gain"))
    assert [b.value for b in gain.boxes] == ["", "", ""]
    assert (
        "Unfinished: 7 of 7 ranges"
        in find(find(view.widget, "nw-estimate-editor"), "nw-estimate-status").value
    )
    type_range(gain, "100k", "200k", "300k", order)
    assert gain.message.text == ""
    assert app.session.plan.scenarios.moves[-1].estimates[0].gain.model_dump() == {
        "low": 100_000,
        "likely": 200_000,
        "high": 300_000,
    }
    assert len(chart(view, "quadrant").figure.data) == 4  # still unfinished: left out
    assert "Jonas Berg's estimate is unfinished" in html.unescape(part(view, MISSING))
    paths = [
        ("cooperation_probability", ("0.2", "0.5", "0.8")),
        ("cooperation_value", ("0", "50k", "90k")),
        ("retaliation", 0, "probability", ("0.1", "0.2", "0.3")),
        ("retaliation", 0, "damage", ("10k", "20k", "30k")),
        ("retaliation", 1, "probability", ("0", "0.1", "0.2")),
        ("retaliation", 1, "damage", ("5k", "6k", "7k")),
    ]
    for *where, texts in paths:
        type_range(
            range_row(find(view.widget, "nw-estimate-editor"), (*base, *where)), *texts, order=order
        )
    assert app.session.plan.scenarios.moves[-1].estimates[0].finished
    assert find(find(view.widget, "nw-estimate-editor"), "nw-estimate-status").value == ""
    assert len(chart(view, "quadrant").figure.data) == 5
    assert part(view, MISSING) == ""


def test_a_partly_typed_range_says_it_is_unfinished_and_is_kept(app):
    view = view_of(app)
    add_move(app, "Bundle the telematics")
    find(view.widget, "nw-estimate-move").value = app.session.plan.scenarios.moves[-1].id
    find(view.widget, "nw-estimate-participant").value = "Jonas Berg"
    find(view.widget, "nw-start-estimate").click()
    row = range_row(
        find(view.widget, "nw-estimate-editor"), ("scenarios", "moves", 4, "estimates", 0, "gain")
    )
    row.boxes[2].value = "0.8"
    assert row.message.text == "Give low, likely and high to finish this range."
    assert app.session.plan.scenarios.moves[-1].estimates[0].gain.high == 0.8
    assert app.session.plan.scenarios.moves[-1].estimates[0].gain.low is None


def test_a_second_estimate_starts_from_the_team_median(app):
    view = view_of(app)
    find(view.widget, "nw-estimate-move").value = "mv-price"
    find(view.widget, "nw-estimate-participant").value = "Newcomer"
    find(view.widget, "nw-start-estimate").click()
    move = app.session.plan.scenarios.moves[0]
    new = move.estimates[-1]
    assert new.participant == "Newcomer" and new.finished and len(move.estimates) > 2
    for part in ("low", "likely", "high"):
        team = pd.Series([getattr(e.gain, part) for e in move.estimates[:-1]])
        assert getattr(new.gain, part) == pytest.approx(float(team.median()))


def test_each_participant_edits_their_own_ranges(app):
    view = view_of(app)
    find(view.widget, "nw-estimate-move").value = "mv-price"
    find(view.widget, "nw-estimate-participant").value = "Tom Okafor"
    gain = range_row(
        find(view.widget, "nw-estimate-editor"), ("scenarios", "moves", 0, "estimates", 1, "gain")
    )
    gain.boxes[2].value = "-150,000"
    assert app.session.plan.scenarios.moves[0].estimates[1].gain.high == -150_000


def test_an_out_of_order_range_is_kept_as_typed_and_saved_once_in_order(app):
    view = view_of(app)
    find(view.widget, "nw-estimate-move").value = "mv-price"
    find(view.widget, "nw-estimate-participant").value = "Maria Keller"
    gain = range_row(
        find(view.widget, "nw-estimate-editor"), ("scenarios", "moves", 0, "estimates", 0, "gain")
    )
    before = app.session.plan
    old = before.scenarios.moves[0].estimates[0].gain
    gain.boxes[0].value = "0"  # above likely for now: the user is moving the whole range up
    assert "Low (0) must not be above likely" in gain.message.text
    assert "Not saved yet" in gain.message.text
    assert gain.boxes[0].value == "0"  # kept as typed
    assert app.session.plan is before
    gain.boxes[1].value = "10"
    gain.boxes[2].value = "20"
    assert gain.message.text == ""
    saved = app.session.plan.scenarios.moves[0].estimates[0].gain
    assert (saved.low, saved.likely, saved.high) == (0, 10, 20) != (old.low, old.likely, old.high)


def test_probability_above_one_is_refused(app):
    view = view_of(app)
    find(view.widget, "nw-estimate-move").value = "mv-price"
    find(view.widget, "nw-estimate-participant").value = "Maria Keller"
    path = ("scenarios", "moves", 0, "estimates", 0, "retaliation", 0, "probability")
    row = range_row(find(view.widget, "nw-estimate-editor"), path)
    row.boxes[2].value = "1.5"
    assert row.message.text.startswith("High must be at most 1")


def test_a_competitor_without_estimates_is_listed_and_the_rest_analysed(app):
    view = view_of(app)
    table = next(
        t for t in find_all(view.widget, kind=RowTable) if t.path == ("scenarios", "competitors")
    )
    table._new_widgets["name"].value = "GeoTrack"
    assert table.add() is None
    assert "GeoTrack: nobody has estimated its retaliation" in part(view, MISSING)
    assert "Least regret" in part(view, HIGHLIGHTS)


def test_names_left_out_of_the_results_are_escaped(app):
    view = view_of(app)
    add_move(app, "<b>Lock</b> & hold")
    app.session.append(("scenarios", "competitors"), m.Competitor(name="<i>Geo</i>"))
    app.session.set(("scenarios", "moves", 0, "name"), "Cut <u>price</u>")
    missing = part(view, MISSING)
    assert "&lt;b&gt;Lock&lt;/b&gt; &amp; hold: no estimate yet" in missing
    assert "&lt;i&gt;Geo&lt;/i&gt;: nobody has estimated" in missing
    assert "Cut &lt;u&gt;price&lt;/u&gt;" in part(view, PAYOFF)
    assert "<b>Lock" not in missing and "<i>" not in missing and "<u>" not in part(view, PAYOFF)


def test_removing_every_move_says_so(app):
    for _ in range(4):
        app.session.remove(("scenarios", "moves"), 0)
    assert "no move" in part(view_of(app), PROBLEM).lower()


def test_strategy_prompts_offer_to_add_a_competitor(app):
    app.session.append(
        ("strategy", "anticipated"),
        {"actor_kind": "competitor", "actor": "GeoTrack", "move": "Free trial"},
    )
    view = view_of(app)
    button = next(
        b
        for b in find_all(find(view.widget, "nw-scenario-prompts"))
        if getattr(b, "description", "") == "Add GeoTrack as a competitor"
    )
    button.click()
    assert app.session.plan.scenarios.competitors[-1].name == "GeoTrack"


def test_simulation_settings_are_folded_under_advanced_and_the_seed_has_no_separators(app):
    import ipywidgets as W

    view = view_of(app)
    advanced = find(view.widget, "nw-advanced", kind=W.Accordion)
    assert advanced.selected_index is None and advanced.titles[0].startswith("Advanced")
    seed = find(advanced, "nw-field-scenarios-seed")
    assert seed.value == str(app.session.plan.scenarios.seed) and "," not in seed.value
    seed.value = "123456789"
    assert app.session.plan.scenarios.seed == 123_456_789
    assert seed.value == "123456789"
    labels = [w.value for w in find_all(advanced, kind=W.Dropdown)]
    assert labels == [app.session.plan.scenarios.distribution]


def test_the_range_chart_speaks_of_bad_likely_and_good_cases_with_percentiles_on_hover(app):
    figure = chart(view_of(app), "ranges").figure
    names = [t.name for t in figure.data]
    assert names == ["bad case to good case", "likely", "average"]
    hovers = " ".join(t.hovertemplate for t in figure.data)
    assert all(p in hovers for p in ("P10", "P50", "P90"))
    assert "P10" not in figure.layout.title.text + " ".join(names)


def many_moves(count: int) -> m.Plan:
    """The worked example with ``count`` moves: its own, then copies under new names."""
    from workbook.store import example_plan

    plan = example_plan()
    given = plan.scenarios.moves
    plan.scenarios.moves = [
        move.model_copy(update={"id": f"mv-{i}", "name": f"{move.name}, once more <{i}>"})
        for i, move in enumerate(given[i % len(given)] for i in range(count))
    ]
    return plan


@pytest.fixture
def big(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as store:
        plan_id = store.create(many_moves(200)).plan.id
        yield WorkbookApp(store, scheduler=ManualScheduler()).start(
            plan=plan_id, section="scenarios"
        )


def test_the_quadrant_of_many_moves_draws_two_groups_and_names_every_move_on_hover(big):
    figure = chart(view_of(big), "quadrant").figure
    assert len(figure.data) <= 2
    assert figure.layout.height < 600
    named = [row[0] for trace in figure.data for row in trace.customdata]
    moves = big.session.plan.scenarios.moves
    assert sorted(named) == sorted(html.escape(m.name, quote=False) for m in moves)
    assert all("customdata[0]" in trace.hovertemplate for trace in figure.data)


def test_the_range_chart_of_many_moves_draws_the_best_and_lists_every_move_below(big):
    from workbook.analysis.scenarios import simulation

    view = view_of(big)
    figure = chart(view, "ranges").figure
    figures = sorted(simulation(big.session.plan.scenarios), key=lambda r: r.mean)
    drawn = list(figure.data[2].x)
    assert 5 <= len(drawn) <= 20 and drawn == [r.mean for r in figures[-len(drawn) :]]
    assert len(set(figure.data[0].y)) == len(drawn)  # a row each, though the names are alike
    assert f"best of {len(figures)} moves" in figure.layout.title.text
    table = part(view, ALL_FIGURES)
    assert "<details" in table
    for row in figures:
        assert html.escape(row.move, quote=False) in table
        assert f"{row.p10:,.0f}" in table and f"{row.p90:,.0f}" in table


def test_the_example_keeps_a_numbered_bubble_and_a_legend_entry_per_move(app):
    figure = chart(view_of(app), "quadrant").figure
    moves = app.session.plan.scenarios.moves
    assert [t.text for t in figure.data] == [[str(i)] for i in range(1, len(moves) + 1)]
    assert [t.name.split(" · ", 1)[1] for t in figure.data] == [m.name for m in moves]
    assert part(view_of(app), ALL_FIGURES) == ""
