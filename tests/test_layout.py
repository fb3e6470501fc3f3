"""Sections drawn from the layouts in their content files, and panels redrawn only when needed."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.helpers import ManualScheduler, bound, walk
from workbook.content import CONTENT_ENV, ContentError, content_dirs, load_content
from workbook.store import PlanStore
from workbook.ui.app import WorkbookApp
from workbook.ui.engine import section_content
from workbook.ui.plot import FigureView

PLAN = "example-northwind"


@pytest.fixture
def store(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as s:
        s.ensure_example()
        yield s


def open_app(store, scheduler=None):
    return WorkbookApp(store, scheduler=scheduler or ManualScheduler(), author="ana").start()


def draws(view) -> int:
    """How often any chart of the view was sent to the page."""
    return sum(w.draws for w in walk(view.widget) if isinstance(w, FigureView))


def test_one_block_added_to_a_copy_of_a_section_file_adds_a_bound_question(
    tmp_path, monkeypatch, store
):
    folder = tmp_path / "content"
    folder.mkdir()
    copy = folder / "value.toml"
    shutil.copy(content_dirs()[0] / "value.toml", copy)
    with copy.open("a", encoding="utf-8") as out:
        out.write('\n[[layout]]\nfield = "relationship.step_back_when"\n')
    monkeypatch.setenv(CONTENT_ENV, str(folder))
    scheduler = ManualScheduler()
    app = open_app(store, scheduler)
    app.show("value")
    question = bound(app.views["value"].widget, ("relationship", "step_back_when"))
    question.widget.value = "A reference visit before Easter"
    assert app.session.plan.relationship.step_back_when == "A reference visit before Easter"
    scheduler.run()
    saved = store.load(PLAN).plan.relationship.step_back_when
    assert saved == "A reference visit before Easter"


def test_a_custom_question_from_a_content_folder_is_bound_and_saved_with_the_plan(
    tmp_path, monkeypatch, store
):
    (tmp_path / "mine.toml").write_text(
        'key = "value"\n[[custom]]\nid = "value.budget_owner"\n'
        'prompt = "Who owns the budget?"\nhelp = "A name and a role."\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CONTENT_ENV, str(tmp_path))
    scheduler = ManualScheduler()
    app = open_app(store, scheduler)
    app.show("value")
    view = app.views["value"]
    answer = bound(view.widget, ("custom_answers", "value.budget_owner"))
    assert answer.widget.value == ""
    answer.widget.value = "Eva Lindqvist, CFO"
    scheduler.run()
    assert store.load(PLAN).plan.custom_answers == {"value.budget_owner": "Eva Lindqvist, CFO"}
    again = open_app(store)
    again.show("value")
    shown = bound(again.views["value"].widget, ("custom_answers", "value.budget_owner"))
    assert shown.widget.value == "Eva Lindqvist, CFO"


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        ('[[layout]]\nheading = "Fine"\n[[layout]]\nfield = "value.nope"\n', "block 2 (field)"),
        ('[[layout]]\nfield = "value.pains"\ntable = "value.pains"\n', "sets exactly one of"),
        (
            '[[layout]]\ntable = "value.pains"\ncolumns = [{ field = "colour" }]\n',
            "layout block 1 (table): Pain has no field 'colour'",
        ),
        ('[[layout]]\nrow = ["name", { panel = "Bad Name" }]\n', "layout block 1"),
    ],
)
def test_a_bad_layout_block_is_refused_with_the_file_name_and_block_number(
    tmp_path, monkeypatch, blocks, message
):
    (tmp_path / "broken.toml").write_text(f'key = "value"\n{blocks}', encoding="utf-8")
    monkeypatch.setenv(CONTENT_ENV, str(tmp_path))
    with pytest.raises(ContentError, match=r"^broken\.toml: .*" + re.escape(message)):
        load_content()


def test_a_layout_naming_no_registered_panel_is_refused(tmp_path, monkeypatch, store):
    (tmp_path / "broken.toml").write_text(
        'key = "value"\n[[layout]]\nfield = "value.investment"\n'
        '[[layout]]\npanel = "value.crystal_ball"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CONTENT_ENV, str(tmp_path))
    expected = "broken.toml: layout block 2: there is no panel 'value.crystal_ball'"
    with pytest.raises(ContentError, match=re.escape(expected)):
        section_content()
    app = open_app(store)  # each section's names are checked when it is first shown
    with pytest.raises(ContentError, match=re.escape(expected)):
        app.show("value")


def test_a_keystroke_in_a_field_no_chart_reads_redraws_no_chart(store):
    app = open_app(store)
    app.show("value")
    view = app.views["value"]
    coverage = view.panels["value.coverage"]
    before, runs = draws(view), coverage.runs
    who = bound(view.widget, ("value", "pains", 0, "stakeholder"))
    for text in ("F", "Fl", "Fleet team"):
        who.widget.value = text
    assert app.session.plan.value.pains[0].stakeholder == "Fleet team"
    assert (draws(view), coverage.runs) == (before, runs)
    priority = bound(view.widget, ("value", "pains", 0, "priority"))
    priority.widget.value = "1" if priority.widget.value != "1" else "2"
    assert coverage.runs == runs + 1 and draws(view) == before + 1


def test_a_hidden_section_catches_up_when_shown_again(store):
    app = open_app(store)
    app.show("value")
    totals = app.views["value"].panels["value.totals"]
    app.show("deal")
    assert app.session.set(("value", "annual_price"), 654_321.0) is None
    assert "EUR 654,321" not in totals.text  # nothing is drawn while the section is hidden
    app.show("value")
    assert "EUR 654,321" in totals.text


def test_every_section_file_layout_resolves():
    content = section_content()
    assert content["value"].layout and content["deal"].layout


def test_a_keystroke_in_a_competitors_notes_runs_no_simulation_and_redraws_no_chart(store):
    app = open_app(store)
    app.show("scenarios")
    view = app.views["scenarios"]
    results = view.panels["scenarios.results"]
    before, runs = draws(view), results.runs
    notes = bound(view.widget, ("scenarios", "competitors", 0, "notes"))
    for text in ("C", "Cu", "Cuts prices in Q1"):
        notes.widget.value = text
    assert app.session.plan.scenarios.competitors[0].notes == "Cuts prices in Q1"
    assert (draws(view), results.runs) == (before, runs)
    name = bound(view.widget, ("scenarios", "competitors", 0, "name"))
    name.widget.value = name.widget.value + " Ltd"
    assert results.runs == runs + 1 and draws(view) > before


def test_hidden_message_lines_and_clash_notices_share_one_layout_until_shown(store):
    from workbook.ui.forms.binding import ClashNotice, MessageLine

    app = open_app(store)
    app.show("concessions")
    widgets = list(walk(app.views["concessions"].widget))
    for kind in (MessageLine, ClashNotice):
        hidden = [w for w in widgets if isinstance(w, kind)]
        assert len(hidden) > 20
        assert len({w.layout.model_id for w in hidden if w.layout.display == "none"}) <= 2
    name = bound(app.views["concessions"].widget, ("concessions", "variables", 0, "name"))
    name.widget.value = ""  # refused: a variable needs a name
    shown = name.message
    assert shown.layout.display == "" and "cannot be empty" in shown.text.lower()
    others = [w for w in widgets if isinstance(w, MessageLine) and w is not shown]
    assert all(w.layout.display == "none" for w in others)  # the shared layout is untouched
    name.widget.value = "Price"
    assert shown.layout.display == "none" and shown.text == ""
