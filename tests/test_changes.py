"""What changed since a revision, with who and when; merged saves name both authors."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers import ManualScheduler
from workbook import model as m
from workbook.changes import change_sentence, changes_since, revision_authors, when_words
from workbook.model import Plan
from workbook.store import PlanStore
from workbook.ui.session import PlanSession

PLAN = "example-northwind"


@pytest.fixture
def store(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as s:
        s.ensure_example()
        yield s


def session(store, author: str) -> PlanSession:
    return PlanSession(store, store.load(PLAN), scheduler=ManualScheduler(), author=author)


def test_history_frame_names_both_authors_of_a_merged_save(store):
    a, b = session(store, "Ana"), session(store, "Priya")
    a.set(("summary",), "Ana's summary")
    a.flush()
    b.set(("counterpart",), "Northwind Group")
    b.flush()
    frame = store.history_frame(PLAN)
    assert list(frame["authors"])[-2:] == ["Ana", "Priya, Ana"]
    merged = frame.iloc[-1]
    assert store.load(PLAN, int(merged["revision"])).plan.summary == "Ana's summary"
    assert store.load(PLAN, 2).plan.counterpart != "Northwind Group"  # any revision loads


def test_revision_authors_reads_lists_of_names():
    assert revision_authors("Bo", "merged with Ana, Priya and Tom's save") == [
        "Bo",
        "Ana",
        "Priya",
        "Tom",
    ]
    assert revision_authors("", "created") == []


def test_changes_since_credits_each_change_to_the_save_that_made_it(store):
    start = store.latest_revision(PLAN)
    ana, priya = session(store, "Ana"), session(store, "Priya")
    positions = ("concessions", "positions", "ours", "reservation")
    ana.set(positions, 3_500_000)
    ana.flush()
    priya.poll()
    first_member = priya.get(("team",))[0].name
    priya.set(("team", 0, "role"), "Signs off the price")
    priya.append(("team",), m.TeamMember(name="Lee"))
    priya.remove(("team",), 1)
    priya.flush()
    removed = store.load(PLAN, start).plan.team[1].name

    frame = changes_since(store.steps(PLAN, start))
    by_field = {(r.field, r.row, r.change): r for r in frame.itertuples()}
    walk_away = by_field[("concessions.positions.ours.reservation", "", "changed")]
    assert walk_away.after == 3_500_000 and walk_away.author == "Ana"
    assert walk_away.revision == start + 1
    edited = by_field[("team.role", first_member, "changed")]
    assert edited.after == "Signs off the price" and edited.author == "Priya"
    assert by_field[("team", "Lee", "added")].author == "Priya"
    assert by_field[("team", removed, "removed")].author == "Priya"
    assert (frame["saved_at"] != "").all()


def test_a_row_added_then_edited_is_credited_to_the_last_edit(store):
    start = store.latest_revision(PLAN)
    ana = session(store, "Ana")
    ana.append(("team",), m.TeamMember(name="Lee"))
    ana.flush()
    priya = session(store, "Priya")
    priya.set(("team", len(priya.get(("team",))) - 1, "role"), "Notes")
    priya.flush()
    frame = changes_since(store.steps(PLAN, start))
    assert frame[["change", "row"]].values.tolist() == [["added", "Lee"]]
    assert frame.iloc[0]["author"] == "Priya"


def test_no_change_since_the_latest_revision_is_an_empty_frame(store):
    assert changes_since(store.steps(PLAN, store.latest_revision(PLAN))).empty


def test_change_sentence_reads_as_a_team_would_say_it():
    now = dt.datetime(2026, 3, 12, 18, 0).astimezone()
    tuesday = dt.datetime(2026, 3, 10, 14, 5).astimezone().isoformat()
    line = {
        "field": "concessions.positions.ours.reservation",
        "row": "",
        "change": "changed",
        "before": 3_888_000,
        "after": 3_500_000,
        "author": "Priya",
        "saved_at": tuesday,
    }
    assert change_sentence(line, now, Plan) == (
        "Walk-away point: 3,888,000 → 3,500,000 · Priya · Tuesday 14:05"
    )
    assert change_sentence(line, now).startswith("Reservation: ")
    added = {**line, "field": "team", "row": "Lee", "change": "added", "author": ""}
    assert change_sentence(added, now) == "Team (Lee): added · someone · Tuesday 14:05"
    assert when_words(now.isoformat(), now) == "today 18:00"
