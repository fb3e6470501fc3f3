"""Workshop logic without widgets: the agenda clock, codes, answers, aggregates, the store."""

from __future__ import annotations

import datetime as dt
import sqlite3
import typing
from collections import Counter

import pytest

from tests.test_content import as_path
from workbook.analysis.scenarios import disagreement
from workbook.analysis.workshop import summarize
from workbook.content import load_workshop_content
from workbook.model import AgendaItem, Estimate, Plan, SectionKey
from workbook.store import PlanStore, example_plan
from workbook.ui.forms import field_spec
from workbook.workshop import (
    CODE_ALPHABET,
    WORKSHOP_PARTICIPANT,
    AnswerError,
    Clock,
    EstimatePrompt,
    JoinError,
    SessionClosed,
    ValuesPrompt,
    WorkshopError,
    answers_by_prompt,
    candidate_prompts,
    estimates_change,
    format_seconds,
    go_to,
    new_code,
    next_item,
    normalize_code,
    participant_name,
    pause,
    pooled_estimate,
    previous_item,
    priorities_change,
    priorities_prompt,
    read_answers,
    read_clock,
    start,
    starting_estimate,
    validate_answer,
    values_change,
    with_prompt,
)

T0 = dt.datetime.now(dt.UTC).replace(microsecond=0)
AGENDA = [
    AgendaItem(section="strategy", minutes=20),
    AgendaItem(section="scenarios", minutes=10),
    AgendaItem(section="concessions", minutes=30),
]


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


# --- the agenda clock ------------------------------------------------------------------


def test_a_new_clock_waits_on_the_first_item():
    reading = read_clock(AGENDA, Clock(), at(5))
    assert (reading.index, reading.item.section, reading.running) == (0, "strategy", False)
    assert (reading.elapsed, reading.remaining, reading.signal) == (0, 1200, "")
    assert reading.first and not reading.last


def test_running_clock_counts_and_signals_nearly_then_time_up():
    clock = start(Clock(), T0)
    assert read_clock(AGENDA, clock, at(10)).remaining == 600
    assert read_clock(AGENDA, clock, at(17.5)).signal == ""
    assert read_clock(AGENDA, clock, at(18.5)).signal == "nearly"  # 90 s left
    late = read_clock(AGENDA, clock, at(21))
    assert (late.signal, late.remaining, late.fraction) == ("time_up", -60, 1.0)


def test_short_items_warn_at_a_fifth_of_their_time():
    agenda = [AgendaItem(section="value", minutes=5)]
    clock = start(Clock(), T0)
    assert read_clock(agenda, clock, at(3.9)).signal == ""
    assert read_clock(agenda, clock, at(4.1)).signal == "nearly"


def test_pause_keeps_the_time_used_and_resume_continues():
    clock = pause(start(Clock(), T0), at(4))
    assert clock.running_since is None and clock.elapsed == 240
    assert read_clock(AGENDA, clock, at(30)).elapsed == 240  # paused: time stands still
    clock = start(clock, at(30))
    assert read_clock(AGENDA, clock, at(31)).elapsed == 300
    assert start(clock, at(40)) is clock and pause(pause(clock, at(32)), at(50)).elapsed == 360


def test_next_and_previous_restart_the_timer_and_stop_at_the_ends():
    clock = start(Clock(), T0)
    clock = next_item(AGENDA, clock, at(25))
    reading = read_clock(AGENDA, clock, at(26))
    assert (reading.index, reading.elapsed, reading.running) == (1, 60, True)
    clock = next_item(AGENDA, next_item(AGENDA, clock, at(26)), at(27))
    assert read_clock(AGENDA, clock, at(27)).last
    assert read_clock(AGENDA, clock, at(27)).index == 2
    paused = previous_item(AGENDA, pause(clock, at(28)), at(29))
    assert (paused.index, paused.running_since, paused.elapsed) == (1, None, 0)
    assert previous_item(AGENDA, go_to(AGENDA, paused, 0, at(29)), at(29)).index == 0


def test_a_shortened_or_empty_agenda_is_read_safely():
    clock = Clock(index=5, running_since=T0)
    assert read_clock(AGENDA, clock, at(1)).index == 2
    empty = read_clock([], clock, at(1))
    assert (empty.item, empty.signal, empty.fraction) == (None, "", 0.0)
    assert go_to([], clock, 3, at(1)) == Clock()


def test_a_clock_set_back_never_counts_negative_time():
    assert read_clock(AGENDA, start(Clock(), at(10)), at(9)).elapsed == 0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (59.2, "1:00"), (605, "10:05"), (-61, "1:01"), (3725, "1:02:05")],
)
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


# --- join codes and names -----------------------------------------------------------------


def test_codes_use_an_unambiguous_alphabet():
    assert not set("0O1I") & set(CODE_ALPHABET)
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)


@pytest.mark.parametrize("typed", ["k7pq3m", " K7P-Q3M ", "k7p q3m"])
def test_codes_are_read_leniently(typed):
    assert normalize_code(typed) == "K7PQ3M"


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Enter the join code"), ("K7PQ3", "6 letters and digits"), ("K7PQ30", "never 0, O")],
)
def test_bad_codes_get_a_clear_message(typed, message):
    with pytest.raises(JoinError, match=message):
        normalize_code(typed)


def test_names_are_tidied_and_checked():
    assert participant_name("  Ana   Lima ") == "Ana Lima"
    for bad, message in [
        ("", "Enter your name"),
        ("x" * 61, "at most 60"),
        ("Ana\x00", "letters, digits"),
        ("workshop", "whole team"),
    ]:
        with pytest.raises(JoinError, match=message):
            participant_name(bad)


# --- prompts and answers ---------------------------------------------------------------


@pytest.fixture
def plan() -> Plan:
    return example_plan()


def prompt_for(plan: Plan, prompt_id: str):
    return next(p for p in candidate_prompts(plan) if p.id == prompt_id)


def estimate(gain=(10, 20, 30), chance=(0.2, 0.5, 0.7), value=(0, 100, 200), rival=None):
    data = {
        "gain": dict(zip(("low", "likely", "high"), gain, strict=True)),
        "cooperation_probability": dict(zip(("low", "likely", "high"), chance, strict=True)),
        "cooperation_value": dict(zip(("low", "likely", "high"), value, strict=True)),
        "retaliation": [],
    }
    if rival is not None:
        data["retaliation"] = [
            {
                "competitor_id": "cp-fleetsense",
                "probability": {"low": rival[0], "likely": rival[1], "high": rival[2]},
                "damage": {"low": 0, "likely": 1000, "high": 2000},
            }
        ]
    return data


def test_candidate_prompts_cover_moves_and_variables_with_options(plan):
    prompts = candidate_prompts(plan)
    ids = [p.id for p in prompts]
    assert ids[:4] == [f"estimate:{m.id}" for m in plan.scenarios.moves]
    assert "values:va-price" in ids and not any(p.open for p in prompts)
    price = prompt_for(plan, "estimate:mv-price")
    assert [c.name for c in price.competitors] == ["FleetSense", "Trakko"]
    assert with_prompt(prompts, price.model_copy(update={"open": True}))[0].open
    assert len(with_prompt(prompts, priorities_prompt(["A", "B"]))) == len(prompts) + 1


def test_priorities_prompt_needs_two_distinct_candidates():
    with pytest.raises(AnswerError, match="Candidates: needs at least 2 entries"):
        priorities_prompt(["Only one"])
    with pytest.raises(AnswerError, match="the same"):
        priorities_prompt(["Listen", "listen"])


def test_answers_are_validated_against_their_prompt(plan):
    move = prompt_for(plan, "estimate:mv-price")
    assert isinstance(validate_answer(move, estimate(rival=(0.1, 0.2, 0.3))), Estimate)
    with pytest.raises(AnswerError, match=r"Our direct gain: low \(30\) must not be above"):
        validate_answer(move, estimate(gain=(30, 20, 10)))
    with pytest.raises(AnswerError, match="Chance the customer cooperates high: must be at most 1"):
        validate_answer(move, estimate(chance=(0.2, 0.5, 1.5)))
    bad = estimate()
    bad["retaliation"] = [{"competitor_id": "cp-nobody"}]
    with pytest.raises(AnswerError, match="not a competitor"):
        validate_answer(move, bad)
    unfinished = estimate()
    unfinished["gain"] = {"likely": 20}  # never read as 0 / 20 / 0
    with pytest.raises(AnswerError, match="Our direct gain: give low, likely and high"):
        validate_answer(move, unfinished)
    values = prompt_for(plan, "values:va-term")
    with pytest.raises(AnswerError, match="not an option"):
        validate_answer(values, {"values": {"op-p32": 5}})
    with pytest.raises(AnswerError, match="Values op-t1: must be a number"):
        validate_answer(values, {"values": {"op-t1": "lots"}})
    vote = priorities_prompt(["Listen first", "Trade every move"])
    assert validate_answer(vote, {"choices": ["listen FIRST"]}).choices == ["Listen first"]
    for choices, message in [
        (["Other"], "not a candidate"),
        ([], "Your vote"),
        (["a", "A"], "two"),
    ]:
        with pytest.raises(AnswerError, match=message):
            validate_answer(vote, {"choices": choices})


def test_estimate_summary_reuses_the_scenarios_disagreement(plan):
    move = prompt_for(plan, "estimate:mv-price")
    answers = read_answers(
        move,
        {
            "Ana": estimate(gain=(0, 10, 20), rival=(0.1, 0.2, 0.3)),
            "Ben": estimate(gain=(40, 50, 60), rival=(0.5, 0.6, 0.7)),
            "Cy": estimate(gain=(10, 20, 30)),
        },
    )
    summary = summarize(move, answers)
    assert summary.participants == ["Ana", "Ben", "Cy"]
    gain = summary.spread[summary.spread.quantity == "gain"].iloc[0]
    assert (gain.lowest, gain.highest) == ("Ana", "Ben")
    assert gain.spread == pytest.approx((50 - 10) / 60)
    rival = summary.spread[summary.spread.quantity == "retaliation_probability"].iloc[0]
    assert (rival.competitor, rival.participants) == ("FleetSense", 2)
    assert summary.disagreement == pytest.approx(summary.spread.spread.max())
    assert summary.expected.gain.iloc[0] == pytest.approx((10 + 50 + 20) / 3)
    pooled = summary.pooled
    assert (pooled.gain.low, pooled.gain.likely, pooled.gain.high) == (10, 20, 30)
    assert pooled.retaliation[0].probability.likely == pytest.approx(0.4)
    single = summarize(move, {"Ana": answers["Ana"]})
    assert single.spread.empty and single.disagreement == 0
    empty = summarize(move, {})
    assert empty.pooled is None and empty.disagreement == 0


def test_pooled_estimate_is_a_valid_range_for_any_answers():
    answers = [
        Estimate.model_validate(estimate(gain=g))
        for g in [(0, 100, 100), (50, 50, 60), (-10, 0, 200), (1, 2, 3)]
    ]
    pooled = pooled_estimate(answers)
    assert pooled.gain.low <= pooled.gain.likely <= pooled.gain.high
    assert (pooled.gain.low, pooled.gain.likely, pooled.gain.high) == (0.5, 26, 80)
    assert pooled_estimate([]) is None


def test_a_new_estimate_starts_from_the_team_median_with_every_competitor(plan):
    move = plan.scenarios.moves[0]
    done = [e for e in move.estimates if e.finished]
    assert len(done) >= 2
    started = starting_estimate(plan, 0, "Newcomer")
    assert started.participant == "Newcomer" and started.id not in {e.id for e in move.estimates}
    pooled = pooled_estimate(done)
    assert started.gain == pooled.gain
    assert started.cooperation_probability == pooled.cooperation_probability
    competitors = [c.id for c in plan.scenarios.competitors]
    assert sorted(r.competitor_id for r in started.retaliation) == sorted(competitors)
    # a move nobody has estimated starts blank, still with every competitor
    blank = plan.model_copy(deep=True)
    blank.scenarios.moves[0].estimates = []
    empty = starting_estimate(blank, 0, "Ana")
    assert not empty.finished and empty.gain.likely is None
    assert [r.competitor_id for r in empty.retaliation] == competitors


def test_values_summary_gives_per_option_statistics(plan):
    prompt = prompt_for(plan, "values:va-term")
    answers = read_answers(
        prompt,
        {
            "Ana": {"values": {"op-t1": 10, "op-t3": 80}},
            "Ben": {"values": {"op-t1": 30, "op-t3": 100, "op-t5": 40}},
            "Cy": {"values": {"op-t1": 20, "op-t3": 90}},
            "Old": {"values": {"op-gone": 1}},  # no longer fits the prompt: left out
        },
    )
    summary = summarize(prompt, answers)
    table = summary.table.set_index("option_id")
    assert list(table.answers) == [3, 3, 1]
    assert table.loc["op-t1", ["mean", "median", "low", "high", "spread"]].tolist() == [
        20,
        20,
        10,
        30,
        20,
    ]
    assert summary.proposal() == {"op-t1": 20, "op-t3": 90, "op-t5": 40}
    assert summary.participants == ["Ana", "Ben", "Cy"]


def test_vote_counts_rank_by_votes_then_list_order():
    prompt = priorities_prompt(["Listen first", "Trade every move", "Bring finance in"])
    answers = read_answers(
        prompt,
        {
            "Ana": {"choices": ["Bring finance in", "Trade every move"]},
            "Ben": {"choices": ["Trade every move"]},
            "Cy": {"choices": ["Listen first", "Bring finance in"]},
            "Dee": {"choices": ["Dropped candidate"]},
        },
    )
    summary = summarize(prompt, answers)
    assert summary.counts[["candidate", "votes"]].values.tolist() == [
        ["Trade every move", 2],
        ["Bring finance in", 2],
        ["Listen first", 1],
    ]
    assert summary.top == ["Trade every move", "Bring finance in"]
    assert summary.counts.voters[0] == ["Ana", "Ben"]
    assert summarize(prompt, {}).top == []


# --- accepting into the plan -----------------------------------------------------------


def test_pooled_estimate_enters_the_plan_as_the_workshop_participant(plan):
    move = prompt_for(plan, "estimate:mv-price")
    pooled = Estimate.model_validate(estimate())
    change = estimates_change(plan, move, {WORKSHOP_PARTICIPANT: pooled})
    assert change.path == ("scenarios", "moves", 0, "estimates")
    assert [e["participant"] for e in change.value][-1] == "Workshop"
    assert len(change.value) == 4
    data = plan.model_dump()
    data["scenarios"]["moves"][0]["estimates"] = change.value
    again = Plan.model_validate(data)
    redo = estimates_change(again, move, {"Workshop": pooled, "maria keller": pooled})
    assert len(redo.value) == 4  # replaced, not added twice
    assert redo.value[0]["id"] == plan.scenarios.moves[0].estimates[0].id
    assert redo.value[0]["participant"] == "maria keller"
    data["scenarios"]["moves"][0]["estimates"] = redo.value
    disagreement(Plan.model_validate(data).scenarios)  # still analysable


def test_values_and_priorities_become_plan_changes(plan):
    prompt = prompt_for(plan, "values:va-term")
    change = values_change(plan, prompt, {"op-t1": 44.0})
    assert change.path == ("concessions", "variables", 1, "options")
    assert [o["theirs"] for o in change.value] == [44.0, 60.0, 20.0]
    ours = values_change(plan, prompt.model_copy(update={"side": "ours"}), {"op-t5": 1.0})
    assert [o["ours"] for o in ours.value] == [0.0, 70.0, 1.0]
    texts = ["Trade every price move for term, volume or payment", "Listen first"]
    change = priorities_change(plan, [texts[0].upper(), texts[1], " "])
    assert [p["text"] for p in change.value] == [texts[0].upper(), "Listen first"]
    assert change.value[0]["id"] == "pr-trade" and change.value[0]["why"].startswith("In the")


def test_changes_for_rows_that_were_removed_are_refused(plan):
    gone = EstimatePrompt(move_id="mv-gone", move="Gone")
    with pytest.raises(WorkshopError, match="no longer in the plan"):
        estimates_change(plan, gone, {})
    with pytest.raises(WorkshopError, match="no longer in the plan"):
        values_change(
            plan,
            ValuesPrompt(
                variable_id="va-gone", variable="Gone", options=[{"id": "o", "label": "o"}]
            ),
            {},
        )


# --- the store ---------------------------------------------------------------------------


@pytest.fixture
def store(store_db):
    """A store with the worked example, once per backend (SQLite, PostgreSQL)."""
    with PlanStore(store_db) as s:
        s.ensure_example()
        yield s


def open_with_prompts(store: PlanStore, now=T0):
    session = store.workshops.open("example-northwind", now=now)
    plan = store.load("example-northwind").plan
    prompts = [p.model_copy(update={"open": True}) for p in candidate_prompts(plan)[:1]]
    prompts.append(priorities_prompt(["Listen first", "Trade every move", "Bring finance in"]))
    return store.workshops.update(session.code, prompts=prompts, now=now)


def test_the_current_schema_has_the_workshop_tables(store):
    from workbook.store import SCHEMA

    assert store.database.backend.schema_version() == len(SCHEMA)
    tables = store.database.backend.tables()
    assert {"workshop_sessions", "workshop_participants", "workshop_answers"} <= tables


def test_a_version_one_database_is_upgraded_in_place(tmp_path):
    from workbook.store import SCHEMA

    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.executescript(SCHEMA[0] + "PRAGMA user_version = 1;")
    con.close()
    with PlanStore(path) as store:
        store.ensure_example()
        assert store.workshops.open("example-northwind").state == "open"


def test_session_round_trip_through_the_store(store, store_db):
    session = open_with_prompts(store)
    assert session.state == "open" and session.expires_at == at(12 * 60)
    assert [p.id for p in session.open_prompts] == ["estimate:mv-price", "priorities"]
    clock = start(Clock(), at(1))
    store.workshops.update(session.code, clock=clock, state="revealed", now=at(1))
    with PlanStore(store_db, read_only=True) as other:
        again = other.workshops.session(session.code.lower())
        assert (again.state, again.clock, again.prompts) == ("revealed", clock, session.prompts)
        assert again.version > session.version
        assert other.workshops.latest("example-northwind").code == session.code
    assert store.workshops.latest("nothing") is None


def test_join_answer_and_resubmit_replaces(store):
    session = open_with_prompts(store)
    _, name = store.workshops.join(session.code, "  Ana  ", now=at(1))
    assert name == "Ana"
    assert store.workshops.join(session.code, "ANA", now=at(2))[1] == "Ana"  # the same person
    store.workshops.join(session.code, "Ben", now=at(2))
    assert store.workshops.participants(session.code) == ["Ana", "Ben"]
    before = store.workshops.version(session.code)
    store.workshops.submit_answer(
        session.code, "Ana", "priorities", {"choices": ["Listen first"]}, now=at(3)
    )
    store.workshops.submit_answer(
        session.code, "Ben", "priorities", {"choices": ["Listen first"]}, now=at(3)
    )
    store.workshops.submit_answer(
        session.code, "ana", "priorities", {"choices": ["Trade every move", "Bring finance in"]},
        now=at(4),
    )  # fmt: skip
    assert store.workshops.version(session.code) == before + 3
    records = store.workshops.answers(session.code)
    assert [(r.participant, r.answer["choices"]) for r in records] == [
        ("Ben", ["Listen first"]),
        ("ana", ["Trade every move", "Bring finance in"]),
    ]
    assert [r.participant for r in store.workshops.answers(session.code, "ANA")] == ["ana"]
    summary = summarize(
        session.prompt("priorities"),
        read_answers(session.prompt("priorities"), answers_by_prompt(records)["priorities"]),
    )
    assert dict(zip(summary.counts.candidate, summary.counts.votes, strict=True)) == {
        "Listen first": 1,
        "Trade every move": 1,
        "Bring finance in": 1,
    }


def test_bad_answers_and_closed_prompts_are_refused_and_nothing_is_written(store):
    session = open_with_prompts(store)
    store.workshops.join(session.code, "Ana", now=at(1))
    with pytest.raises(AnswerError, match="not a candidate"):
        store.workshops.submit_answer(
            session.code, "Ana", "priorities", {"choices": ["Nope"]}, now=at(2)
        )
    with pytest.raises(WorkshopError, match="closed this question"):
        store.workshops.submit_answer(
            session.code, "Ana", "values:va-term", {"values": {}}, now=at(2)
        )
    with pytest.raises(JoinError, match="Join the session"):
        store.workshops.submit_answer(
            session.code, "Zed", "priorities", {"choices": ["Listen first"]}
        )
    assert store.workshops.answers(session.code) == []


def test_ending_freezes_the_session(store):
    session = open_with_prompts(store)
    store.workshops.join(session.code, "Ana", now=at(1))
    store.workshops.submit_answer(
        session.code, "Ana", "priorities", {"choices": ["Listen first"]}, now=at(2)
    )
    ended = store.workshops.update(session.code, state="ended", now=at(3))
    assert ended.state == "ended" and ended.revealed
    with pytest.raises(SessionClosed, match="has ended"):
        store.workshops.submit_answer(
            session.code, "Ana", "priorities", {"choices": ["Trade every move"]}
        )
    with pytest.raises(SessionClosed, match="has ended"):
        store.workshops.update(session.code, state="open")
    with pytest.raises(JoinError, match="takes no one new"):
        store.workshops.join(session.code, "Newcomer")
    assert store.workshops.join(session.code, "ana")[1] == "Ana"  # may come back to look
    assert store.workshops.answers(session.code)[0].answer == {"choices": ["Listen first"]}


def test_expired_codes_are_refused_with_a_clear_message(store):
    session = open_with_prompts(store)
    store.workshops.join(session.code, "Ana", now=at(1))
    late = at(12 * 60 + 1)
    with pytest.raises(JoinError, match="has expired"):
        store.workshops.join(session.code, "Ana", now=late)
    with pytest.raises(SessionClosed, match="has expired"):
        store.workshops.submit_answer(
            session.code, "Ana", "priorities", {"choices": ["Listen first"]}, now=late
        )
    with pytest.raises(JoinError, match="No workshop session has the code"):
        store.workshops.join("ABCDEF" if session.code != "ABCDEF" else "ABCDEG", "Ana")


def test_workshops_need_a_plan_and_a_writable_store(store, store_db):
    from workbook.errors import PlanNotFound, ReadOnlyError

    with pytest.raises(PlanNotFound):
        store.workshops.open("no-such-plan")
    session = store.workshops.open("example-northwind")
    with (
        PlanStore(store_db, read_only=True) as other,
        pytest.raises(ReadOnlyError),
    ):
        other.workshops.join(session.code, "Ana")


def test_many_writers_each_keep_their_answer(store, store_db):
    """Participants in separate processes submit at once; every answer is kept."""
    import multiprocessing

    session = open_with_prompts(store)
    names = [f"P{i}" for i in range(12)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        pool.starmap(_join_and_vote, [(str(store_db), session.code, n) for n in names])
    records = store.workshops.answers(session.code)
    assert sorted(r.participant for r in records) == sorted(names)
    assert Counter(c for r in records for c in r.answer["choices"]) == {"Listen first": 12}


def _join_and_vote(path: str, code: str, name: str) -> None:
    with PlanStore(path) as store:
        store.workshops.join(code, name, now=at(1))
        store.workshops.submit_answer(
            code, name, "priorities", {"choices": ["Listen first"]}, now=at(2)
        )


# --- the workshop's content ------------------------------------------------------------


def test_workshop_content_covers_every_prompt_and_section_and_names_real_fields():
    content = load_workshop_content()
    assert set(content.prompts) == {"estimate", "values", "priorities"}
    assert set(content.agenda_questions) == set(typing.get_args(SectionKey))
    assert all(content.prompts[k].prompt and content.prompts[k].help for k in content.prompts)
    for key in [*content.questions, *content.labels, *content.choices]:
        field_spec(as_path(key))  # raises KeyError for a field that does not exist
    for labels in content.choices.values():
        assert set(labels) <= set(typing.get_args(SectionKey))


def test_the_workshop_words_an_estimate_as_the_scenarios_content_does(plan, tmp_path, monkeypatch):
    from workbook.ui.workshop.answers import EstimateForm

    (tmp_path / "scenarios.toml").write_text(
        'key = "scenarios"\n[labels]\n'
        '"scenarios.moves[].estimates[].gain" = "Margin we gain"\n'
        '"scenarios.moves[].estimates[].retaliation[].damage" = "Harm {competitor} can do"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("NEGOTIATION_WORKBOOK_CONTENT", str(tmp_path))
    move = prompt_for(plan, "estimate:mv-price")
    labels = [label for _key, label, _boxes, _required in EstimateForm(move, None, "EUR").rows]
    rival = move.competitors[0].name
    assert labels[0] == "Margin we gain" and f"Harm {rival} can do" in labels
    assert "Chance the customer cooperates" in labels  # the package's words where not reworded
    with pytest.raises(AnswerError, match=r"Margin we gain: low \(30\) must not be above"):
        validate_answer(move, estimate(gain=(30, 20, 10)))
