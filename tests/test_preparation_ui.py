"""The preparation parts in the app, driven without a browser: panels, pin, draft, debrief."""

from __future__ import annotations

import ipywidgets as W
import pytest

from tests.helpers import ManualScheduler, find, find_all
from workbook.store import PlanStore
from workbook.ui.app import WorkbookApp

PLAN = "example-northwind"


@pytest.fixture
def store(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as s:
        s.ensure_example()
        yield s


@pytest.fixture
def app(store):
    return WorkbookApp(store, scheduler=ManualScheduler(), author="tester").start()


def panel_text(app, name: str) -> str:
    return find(app.widget, "nw-panel-" + name.replace(".", "-").replace("_", "-")).text


def test_discovery_shows_untested_figures_roles_and_their_decision(app):
    app.show("discovery")
    untested = panel_text(app, "discovery.untested")
    assert "Their walk-away" in untested and "EUR 4,233,600" in untested
    assert "Their deadline" not in untested  # tested already
    assert "Observer and note-taker" in panel_text(app, "discovery.roles")
    assert "Signs: Eva Lindqvist" in panel_text(app, "discovery.decision")
    assert "Nothing to revisit" in panel_text(app, "discovery.flags")
    plan = app.session.plan
    assumptions = [a.model_copy(update={"tested": True}) for a in plan.discovery.assumptions]
    assert app.session.set(("discovery", "assumptions"), assumptions) is None
    assert "Every figure about them rests on a tested answer" in panel_text(
        app, "discovery.untested"
    )


def test_an_equivalent_offer_is_pinned_to_the_plan(app, store):
    app.session.set(("concessions", "prepared_offers"), [])
    app.show("concessions")
    box = find(app.widget, "nw-equivalent-offers")
    assert "3 packages worth 56 ± 2 to us" in " ".join(w.value for w in find_all(box, kind=W.HTML))
    pins = find_all(box, "nw-pin-offer", kind=W.Button)
    assert len(pins) == 3
    pins[1].click()
    offers = app.session.plan.concessions.prepared_offers
    assert [o.name for o in offers] == ["Offer A"]
    assert offers[0].options["va-price"] == "op-p4850"  # the second offer: EUR 48.50
    pins = find_all(box, "nw-pin-offer", kind=W.Button)
    assert len(pins) == 2  # the pinned one says so instead of offering a pin
    assert "Pinned: Offer A" in " ".join(w.value for w in find_all(box, kind=W.HTML))
    assert len(app.session.plan.concessions.prepared_offers) == 1
    assert "Offer A" in panel_text(app, "concessions.prepared")


def test_the_opening_draft_fills_the_opening_and_the_debrief_records_a_package(app):
    app.session.set(("meeting", "opening"), "")
    app.show("meeting")
    find(find(app.widget, "nw-use-draft"), kind=W.Button).click()
    assert app.session.plan.meeting.opening.startswith("Thank you for making the time.")
    assert "No earlier debrief with this counterpart" in panel_text(app, "meeting.lessons")
    dropdowns = find_all(app.widget, "nw-agreed", kind=W.Dropdown)
    assert len(dropdowns) == 6
    dropdowns[1].value = "op-t5"
    assert app.session.plan.meeting.debrief.agreed["va-term"] == "op-t5"
    dropdowns[1].value = ""
    assert "va-term" not in app.session.plan.meeting.debrief.agreed
    assert "respected" in panel_text(app, "meeting.comparison")


def test_a_blank_plan_says_what_to_enter_first(app):
    app.menu.ask_new()
    find(app.widget, "nw-new-name").value = "Blank"
    find(app.widget, "nw-dialog-create").click()
    app.show("discovery")
    assert "List what we do not know" in panel_text(app, "discovery.untested")
    assert "Mark who signs" in panel_text(app, "discovery.decision")
    assert "Add the team under The deal first" in panel_text(app, "discovery.roles")
    app.show("meeting")
    agreed = find(app.widget, "nw-agreed-editor")
    assert "there are none yet" in " ".join(w.value for w in find_all(agreed, kind=W.HTML))


def test_a_new_plan_with_the_same_counterpart_starts_from_the_lessons(app):
    lessons = app.session.plan.meeting.debrief.lessons
    app.menu.ask_new()
    find(app.widget, "nw-new-name").value = "Northwind 2030"
    find(app.widget, "nw-new-counterpart").value = "northwind logistics"
    find(app.widget, "nw-dialog-create").click()
    assert app.session.plan.name == "Northwind 2030"
    assert app.session.plan.meeting.previous_lessons == lessons
    app.show("meeting")
    assert "Put the five-year equivalent offers" in panel_text(app, "meeting.lessons")
