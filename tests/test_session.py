"""PlanSession: validated edits, debounced saves, conflicts, read-only."""

from __future__ import annotations

import pytest

from tests.helpers import ManualScheduler
from workbook import model as m
from workbook.store import PlanStore
from workbook.ui.session import PlanSession, merge


@pytest.fixture
def store(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as s:
        s.ensure_example()
        yield s


def open_session(store, scheduler=None, **kw) -> PlanSession:
    return PlanSession(
        store, store.load("example-northwind"), scheduler=scheduler or ManualScheduler(), **kw
    )


def test_valid_edit_is_kept_and_saved_once_after_the_delay(store):
    scheduler = ManualScheduler()
    session = open_session(store, scheduler, author="ana")
    for text in ("N", "Ne", "New summary"):
        assert session.set(("summary",), text) is None
    assert session.status.state == "pending" and session.dirty
    assert scheduler.pending == 1  # each keystroke postponed the save
    scheduler.run()
    assert session.status.state == "saved" and session.status.message.startswith("Saved ")
    history = store.history("example-northwind")
    assert len(history) == 2 and history[-1].author == "ana"
    assert store.load("example-northwind").plan.summary == "New summary"


def test_refused_edit_returns_a_message_and_keeps_the_plan(store):
    session = open_session(store)
    before = session.plan
    likely = before.scenarios.moves[0].estimates[0].gain.likely
    problem = session.set(("scenarios", "moves", 0, "estimates", 0, "gain", "low"), 1e9)
    assert problem == f"Low (1e+09) must not be above likely ({likely:g})."
    assert session.plan is before and not session.dirty
    assert session.set(("deal_value",), -5) == "Must be at least 0."
    assert session.set(("side",), "steal") == "Input should be 'sell' or 'buy'."
    assert session.set(("nonexistent", 3), 1) == "That part of the plan does not exist any more."


def test_list_operations(store):
    session = open_session(store)
    strengths = ("strategy", "strengths")
    assert session.append(strengths, m.Strength(text="Fast answers")) is None
    assert session.get((*strengths, -1, "text")) == "Fast answers"
    first = session.get((*strengths, 0, "id"))
    assert session.move(strengths, 0, 1) is None
    assert session.get((*strengths, 1, "id")) == first
    assert session.move(strengths, 0, -1) == "That part of the plan does not exist any more."
    count = len(session.get(strengths))
    assert session.remove(strengths, 0) is None
    assert len(session.get(strengths)) == count - 1
    assert session.append(("strategy", "priorities"), {"text": "Third"}) == (
        "Keep it to two priorities at most: focus is the point."
    )


def test_conflict_keep_mine(store):
    a, b = open_session(store, author="ana"), open_session(store, author="bo")
    a.set(("summary",), "Ana's summary")
    a.flush()
    b.set(("counterpart",), "Northwind Group")
    status = b.flush()
    assert status.state == "conflict"
    assert "ana saved this plan at" in status.message
    assert store.latest_revision("example-northwind") == 2  # nothing overwritten
    b.set(("deal_value",), 4_300_000)  # edits continue, saving waits for the decision
    assert b.status.state == "conflict"
    assert b.keep_mine().state == "saved"
    latest = store.load("example-northwind")
    assert latest.revision == 3 and latest.plan.counterpart == "Northwind Group"
    assert latest.plan.deal_value == 4_300_000


def test_keep_mine_keeps_the_other_saves_edits_too(store):
    a, b = open_session(store, author="ana"), open_session(store, author="bo")
    team = ("team",)
    a.set(("summary",), "Ana's summary")
    a.set((*team, 0, "role"), "Ana's role for the first member")
    a.append(team, m.TeamMember(name="Added by Ana"))
    a.flush()
    b.set(("counterpart",), "Northwind Group")
    b.set(("summary",), "Bo's summary")  # both changed it: Bo keeps his
    b.remove(team, len(b.get(team)) - 1)
    b.append(team, m.TeamMember(name="Added by Bo"))
    assert b.flush().state == "conflict"
    changes = []
    b.subscriptions().on((), changes.append)
    assert b.keep_mine().state == "saved"
    assert changes and changes[-1].kind == "reload"  # the views show Ana's edits now
    latest = store.load("example-northwind")
    assert latest.revision == 3 and b.revision == 3 and not b.dirty
    plan = latest.plan
    assert (plan.counterpart, plan.summary) == ("Northwind Group", "Bo's summary")
    assert plan.team[0].role == "Ana's role for the first member"
    names = [t.name for t in plan.team]
    assert "Added by Ana" in names and "Added by Bo" in names
    assert len(names) == len(store.load("example-northwind", 1).plan.team) + 1
    assert store.load("example-northwind", 2).plan.summary == "Ana's summary"  # in history


def test_keep_mine_saves_mine_when_the_edits_do_not_combine(store):
    a, b = open_session(store, author="ana"), open_session(store, author="bo")
    gain = ("scenarios", "moves", 0, "estimates", 0, "gain")
    low, likely = b.get((*gain, "low")), b.get((*gain, "likely"))
    assert a.set((*gain, "likely"), likely - 10_000) is None
    a.flush()
    assert b.set((*gain, "low"), likely - 5_000) is None  # above Ana's likely: no mix
    assert b.flush().state == "conflict"
    assert b.keep_mine().state == "saved"
    saved = store.load("example-northwind").plan.scenarios.moves[0].estimates[0].gain
    assert (saved.low, saved.likely) == (likely - 5_000, likely) != (low, likely)


def test_merge_of_plain_data():
    base = {"a": 1, "rows": [{"id": "x", "v": 1}, {"id": "y", "v": 1}], "tags": ["p"]}
    mine = {"a": 2, "rows": [{"id": "y", "v": 1}, {"id": "x", "v": 2}], "tags": ["p", "m"]}
    theirs = {"a": 1, "rows": [{"id": "x", "v": 1}, {"id": "z", "v": 3}], "tags": ["t"], "n": 1}
    assert merge(base, mine, theirs) == {
        "a": 2,  # mine
        "rows": [{"id": "x", "v": 2}, {"id": "z", "v": 3}],  # y removed there, z added
        "tags": ["p", "m"],  # both changed a list without ids: mine
        "n": 1,  # theirs added
    }
    assert merge(base, base, theirs) == theirs
    assert merge(base, mine, base) == mine


def test_conflict_take_theirs(store):
    a, b = open_session(store, author="ana"), open_session(store, author="bo")
    a.set(("summary",), "Ana's summary")
    a.flush()
    b.set(("summary",), "Bo's summary")
    assert b.flush().state == "conflict"
    changes = []
    b.subscriptions().on((), changes.append)
    b.take_theirs()
    assert b.plan.summary == "Ana's summary" and b.revision == 2 and not b.dirty
    assert changes[-1].kind == "reload"
    assert store.latest_revision("example-northwind") == 2


def test_read_only_session_refuses_edits(store):
    session = open_session(store, read_only=True)
    assert session.set(("summary",), "x") == (
        "This workbook is open read-only: the change was not kept."
    )
    assert session.status.state == "read_only"
    assert session.flush().state == "read_only"
    assert len(store.history("example-northwind")) == 1


def test_subscribers_hear_changes_under_their_prefix_only(store):
    session = open_session(store)
    heard: dict[str, list] = {"value": [], "moves": []}
    subs = session.subscriptions()
    subs.on(("value",), heard["value"].append)
    subs.on(("scenarios", "moves"), heard["moves"].append)
    session.set(("value", "investment"), 1000)
    session.set(("summary",), "other")
    assert [c.path for c in heard["value"]] == [("value", "investment")]
    assert heard["moves"] == []
    subs.close()
    session.set(("value", "investment"), 2000)
    assert len(heard["value"]) == 1


def test_failing_subscriber_does_not_stop_saving(store, caplog):
    scheduler = ManualScheduler()
    session = open_session(store, scheduler)
    session.subscriptions().on((), lambda change: 1 / 0)
    assert session.set(("summary",), "still saved") is None
    scheduler.run()
    assert store.load("example-northwind").plan.summary == "still saved"
    assert "a view failed to refresh" in caplog.text
