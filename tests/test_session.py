"""PlanSession: validated edits, debounced saves, conflicts, read-only."""

from __future__ import annotations

import pytest

from tests.helpers import ManualScheduler
from workbook import model as m
from workbook.merge import merge
from workbook.store import PlanStore
from workbook.ui.session import PlanSession


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


def test_saves_of_different_fields_merge_into_one_revision_without_a_prompt(store):
    a, b = open_session(store, author="ana"), open_session(store, author="bo")
    a.set(("summary",), "Ana's summary")
    a.flush()
    b.set(("counterpart",), "Northwind Group")
    status = b.flush()
    assert status.state == "saved" and "with ana's changes" in status.message
    assert not b.clashes and b.merges == 1
    latest = store.load("example-northwind")
    assert latest.revision == 3 == b.revision and not b.dirty
    assert (latest.plan.summary, latest.plan.counterpart) == ("Ana's summary", "Northwind Group")
    merged = store.history("example-northwind")[-1]
    assert (merged.author, merged.note) == ("bo", "merged with ana's save")
    assert b.plan == latest.plan  # the page shows Ana's edit too


def test_rows_added_and_edited_at_once_merge_by_row_identity(store):
    a, b = open_session(store, author="ana"), open_session(store, author="bo")
    team = ("team",)
    count = len(a.get(team))
    a.set((*team, 0, "role"), "Ana's role for the first member")
    a.append(team, m.TeamMember(name="Added by Ana"))
    a.flush()
    b.remove(team, 1)  # a row Ana did not touch
    b.append(team, m.TeamMember(name="Added by Bo"))
    b.set((*team, 0, "name"), "Renamed by Bo")  # the row Ana edited, another field
    assert b.flush().state == "saved" and not b.clashes
    plan = store.load("example-northwind").plan
    assert plan.team[0].role == "Ana's role for the first member"
    assert plan.team[0].name == "Renamed by Bo"
    names = [t.name for t in plan.team]
    assert "Added by Ana" in names and "Added by Bo" in names
    assert len(names) == count + 1


def test_the_same_value_changed_by_both_is_a_clash_shown_at_the_field(store):
    a, b = open_session(store, author="ana"), open_session(store, author="bo")
    a.set(("summary",), "Ana's summary")
    a.set(("counterpart",), "Northwind AB")
    a.flush()
    b.set(("summary",), "Bo's summary")
    heard = []
    b.subscriptions().on(("summary",), heard.append, clashes=True)
    status = b.flush()
    assert status.state == "saved" and "1 field changed by someone else too" in status.message
    clash = b.clash_at(("summary",))
    assert (clash.mine, clash.theirs, clash.author) == ("Bo's summary", "Ana's summary", "ana")
    assert [c.kind for c in heard] == ["clash"]
    assert store.load("example-northwind").plan.counterpart == "Northwind AB"
    assert store.load("example-northwind").plan.summary == "Bo's summary"
    assert b.resolve_clash(("summary",), take_theirs=True) is None
    assert b.clash_at(("summary",)) is None
    b.flush()
    assert store.load("example-northwind").plan.summary == "Ana's summary"  # the choice
    history = [
        store.load("example-northwind", h.revision).plan.summary
        for h in store.history("example-northwind")
    ]
    assert "Bo's summary" in history  # the other value stays in history


def test_keep_mine_at_a_clash_leaves_the_saved_value(store):
    a, b = open_session(store, author="ana"), open_session(store, author="bo")
    a.set(("summary",), "Ana's summary")
    a.flush()
    b.set(("summary",), "Bo's summary")
    b.flush()
    assert b.resolve_clash(("summary",), take_theirs=False) is None
    assert not b.clashes and not b.dirty
    assert store.load("example-northwind").plan.summary == "Bo's summary"


def test_edits_that_do_not_combine_still_save_a_valid_plan(store):
    a, b = open_session(store, author="ana"), open_session(store, author="bo")
    gain = ("scenarios", "moves", 0, "estimates", 0, "gain")
    likely = b.get((*gain, "likely"))
    assert a.set((*gain, "likely"), likely - 10_000) is None
    a.flush()
    assert b.set((*gain, "low"), likely - 5_000) is None  # above Ana's likely: no mix
    assert b.flush().state == "saved"
    saved = store.load("example-northwind").plan.scenarios.moves[0].estimates[0].gain
    assert (saved.low, saved.likely) == (likely - 5_000, likely)
    assert b.clash_at((*gain, "likely")).theirs == likely - 10_000  # Ana's value, at the field


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


def test_poll_shows_others_saves_value_by_value_and_keeps_unsaved_typing(store):
    a, b = open_session(store, author="ana"), open_session(store, author="bo")
    assert b.poll() is False  # nothing new
    b.set(("summary",), "Bo is typing")  # not saved yet
    heard = []
    b.subscriptions().on((), heard.append)
    a.set(("counterpart",), "Northwind AB")
    a.append(("team",), m.TeamMember(name="Added by Ana"))
    a.flush()
    assert b.poll() is True
    assert b.plan.counterpart == "Northwind AB" and b.plan.summary == "Bo is typing"
    assert b.plan.team[-1].name == "Added by Ana" and b.dirty and b.revision == 2
    assert {(c.path, c.kind) for c in heard} == {
        (("counterpart",), "value"),
        (("team",), "structure"),
    }  # no reload: the field being typed in keeps its text and cursor
    b.flush()
    latest = store.load("example-northwind").plan
    assert (latest.summary, latest.counterpart) == ("Bo is typing", "Northwind AB")


def test_steady_typing_is_saved_at_least_every_max_wait(store):
    now = [0.0]
    delays = []
    scheduler = ManualScheduler()

    def recording(delay, fn):
        delays.append(delay)
        return scheduler(delay, fn)

    session = open_session(store, recording, clock=lambda: now[0], save_delay=0.8, max_wait=2.0)
    for step in range(7):  # a key every 0.3 s
        now[0] = step * 0.3
        session.set(("summary",), "x" * (step + 1))
    assert delays[0] == 0.8 and delays[-1] == pytest.approx(2.0 - 6 * 0.3)
    assert min(delays) < 0.8  # the debounce stopped waiting for a pause
    scheduler.run()
    now[0] = 3.0
    session.set(("summary",), "after the save")
    assert delays[-1] == 0.8  # a new round of edits starts a new maximum wait


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
