"""Rehearsal against their side: each style on hand-made cases, the floor, seeds, the debrief."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_packages import option_tables, reference
from workbook.analysis.packages import PackageInputError, options_from_issues, planner_options
from workbook.analysis.rehearsal import Counterpart, Rehearsal, RehearsalError
from workbook.analysis.rehearsal_report import rehearsal_report
from workbook.store import example_plan

FLOOR = 20


def price_line():
    """One issue, 101 prices: p is worth p to us and 100 - p to them (every package efficient)."""
    return options_from_issues({"price": {str(p): (p, 100 - p) for p in range(101)}})


def counters(style: str, rounds: int, offer: str = "100") -> list[float]:
    """Their score of each counter-offer while we hold at ``offer``."""
    them = Counterpart(price_line(), FLOOR, style=style, rounds=rounds)
    answers = [them.respond({"price": offer}) for _ in range(rounds - 1)]
    assert [a.kind for a in answers] == ["counter"] * (rounds - 1)
    return [a.package.theirs for a in answers]


def curve(e: float, at: int, rounds: int) -> int:
    """Their counter-offer at round ``at``: the smallest whole score at or above the target
    floor + (1 - t^(1/e)) (opening - floor), t = (at - 1) / (rounds - 1)."""
    t = (at - 1) / (rounds - 1)
    return math.ceil(FLOOR + (1 - t ** (1 / e)) * (100 - FLOOR) - 1e-9)


@pytest.mark.parametrize(("style", "e"), [("boulware", 0.2), ("conceder", 2.0)])
def test_time_dependent_styles_follow_the_concession_curve(style, e):
    assert counters(style, 11) == [curve(e, at, 11) for at in range(1, 11)]


def test_boulware_concedes_late_and_conceder_early():
    boulware, conceder = counters("boulware", 11), counters("conceder", 11)
    span = 100 - FLOOR
    half = 5  # round 6: half the time gone
    assert (100 - boulware[half]) / span < 0.05  # Boulware: almost nothing by half time
    assert (100 - conceder[half]) / span > 0.6  # Conceder: most of the way already
    assert (100 - boulware[-1]) / span > 0.3  # ... Boulware gives way at the end
    assert boulware[1] == 100 and conceder[1] < 80


def test_tit_for_tat_mirrors_our_moves_in_its_own_values():
    them = Counterpart(price_line(), FLOOR, style="tit_for_tat", rounds=20)
    ours = ["100", "90", "85", "85", "95", "80"]  # we give them 0, +10, +5, 0, -10, +15
    theirs = [them.respond({"price": p}).package.theirs for p in ours]
    assert theirs == [100, 90, 85, 85, 95, 80]


def test_tit_for_tat_never_goes_below_its_floor_or_above_its_opening():
    them = Counterpart(price_line(), FLOOR, style="tit_for_tat", rounds=20)
    assert them.respond({"price": "100"}).package.theirs == 100
    assert them.respond({"price": "99"}).package.theirs == 99
    assert them.respond({"price": "100"}).package.theirs == 100
    assert them.respond({"price": "100"}).package.theirs == 100  # no move, no move back
    assert them.respond({"price": "10"}).kind == "accept"  # 90 more for them: at our offer


def test_an_acceptance_comes_when_our_offer_meets_their_own_next_offer():
    them = Counterpart(price_line(), FLOOR, style="conceder", rounds=11)
    assert them.respond({"price": "100"}).package.theirs == curve(2.0, 1, 11)
    at_two = curve(2.0, 2, 11)
    answer = them.respond({"price": str(100 - at_two)})
    assert answer.kind == "accept" and answer.package.options == {"price": str(100 - at_two)}
    assert them.finished and them.outcome == "agreed"
    with pytest.raises(RehearsalError, match="the rehearsal is over: they accepted"):
        them.respond({"price": "0"})


def test_at_the_round_limit_they_accept_at_their_floor_and_walk_away_below():
    for offer, kind in [(str(100 - FLOOR), "accept"), (str(101 - FLOOR), "walk_away")]:
        them = Counterpart(price_line(), FLOOR, style="boulware", rounds=3)
        kinds = [them.respond({"price": offer}).kind for _ in range(3)]
        assert kinds == ["counter", "counter", kind]
    assert them.outcome == "walked_away"
    with pytest.raises(RehearsalError, match="walked away"):
        them.respond({"price": "0"})


def test_an_opening_of_theirs_starts_their_curve():
    them = Counterpart(price_line(), FLOOR, style="boulware", rounds=5, opening={"price": "30"})
    assert them.opening().options == {"price": "30"}
    assert them.respond({"price": "100"}).package.options == {"price": "30"}
    assert them.target(5) == FLOOR


@settings(max_examples=120, deadline=None, derandomize=True)
@given(frame=option_tables(), data=st.data())
def test_they_never_accept_below_their_floor(frame, data):
    ref = reference(frame)
    best = max(ref.theirs)
    floor = ref.value(data.draw(st.sampled_from([s for s in ref.theirs if s <= best])), 1)
    style = data.draw(st.sampled_from(["boulware", "conceder", "tit_for_tat", "random"]))
    rounds = data.draw(st.integers(1, 6))
    them = Counterpart(frame, floor, style=style, rounds=rounds, seed=data.draw(st.integers(0, 9)))
    while not them.finished:
        index = data.draw(st.integers(0, len(ref.packages) - 1))
        answer = them.respond(dict(zip(ref.issues, ref.packages[index], strict=True)))
        offered = ref.theirs[index]
        if answer.kind == "accept":
            assert offered >= ref.grid(floor, 1)
        if answer.kind == "walk_away":
            assert answer.round == rounds and offered < ref.grid(floor, 1)
        if answer.kind == "counter":
            assert answer.package.theirs >= floor and answer.round < rounds


def play(style: str, seed: int) -> list:
    table = options_from_issues(
        {
            "price": {str(p): (p, 10 - p) for p in range(11)},
            "term": {"1y": (0, 3), "2y": (2, 2), "3y": (3, 0)},
        }
    )
    them = Counterpart(table, 4, style=style, rounds=6, seed=seed)
    offers = [{"price": str(p), "term": t} for p, t in [(9, "3y"), (8, "3y"), (8, "2y"), (6, "2y")]]
    for offer in offers:
        if not them.finished:
            them.respond(offer)
    return them


def test_the_same_seed_gives_the_same_rehearsal_and_random_picks_a_style_by_seed():
    for style in ("boulware", "conceder", "tit_for_tat", "random"):
        assert play(style, 3).moves == play(style, 3).moves
    picked = {seed: play("random", seed).style for seed in range(12)}
    assert set(picked.values()) == {"boulware", "conceder", "tit_for_tat"}
    assert all(play("random", seed).style == style for seed, style in picked.items())


def test_a_rehearsal_is_kept_as_plain_data_and_replays_move_by_move():
    them = play("random", 5)
    record = json.loads(json.dumps(them.rehearsal().to_dict()))
    again = Rehearsal.from_dict(record).replay(
        options_from_issues(
            {
                "price": {str(p): (p, 10 - p) for p in range(11)},
                "term": {"1y": (0, 3), "2y": (2, 2), "3y": (3, 0)},
            }
        )
    )
    assert again.moves == them.moves and again.style == them.style
    changed = options_from_issues(
        {
            "price": {str(p): (p, 10 - p) for p in range(11)},
            "term": {"1y": (0, 9), "2y": (2, 2), "3y": (3, 0)},
        }
    )
    with pytest.raises(RehearsalError, match="the options or values changed since"):
        Rehearsal.from_dict(record).replay(changed)
    with pytest.raises(RehearsalError, match="not a rehearsal record"):
        Rehearsal.from_dict({"style": "boulware"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"style": "hardliner"}, "the style must be one of boulware, conceder, tit_for_tat"),
        ({"rounds": 0}, "rounds must be a whole number from 1 to 1000"),
        ({"seed": 1.5}, "the seed must be a whole number"),
        ({"their_floor": 101}, "their floor (101) is above their opening (100)"),
        ({"their_floor": float("nan")}, "their_floor must be a finite number"),
    ],
)
def test_bad_settings_are_refused_with_a_message(kwargs, message):
    settings = {"their_floor": FLOOR} | kwargs
    with pytest.raises(PackageInputError) as info:
        Counterpart(price_line(), **settings)
    assert message in str(info.value)


# --- the debrief ------------------------------------------------------------------------------


def two_issues():
    return options_from_issues(
        {
            "price": {"100": (10, 0), "95": (6, 4), "90": (2, 8)},
            "delivery": {"slow": (0, 0), "fast": (-1, 3)},
        }
    )


def test_the_debrief_of_an_efficient_deal_against_target_walk_away_and_nash():
    table = two_issues()
    them = Counterpart(table, 3, style="boulware", rounds=3)
    them.respond({"price": "100", "delivery": "slow"})  # our opening
    them.respond({"price": "95", "delivery": "slow"})  # we give 4 to them, costs us 4
    answer = them.respond({"price": "95", "delivery": "slow"})
    assert answer.kind == "accept"  # the last round: 4 is above their floor of 3
    report = rehearsal_report(them, table, our_target=7, our_walk_away=5, their_floor=3)
    assert report.outcome == "agreed" and (report.deal.ours, report.deal.theirs) == (6, 4)
    assert report.efficient and report.unclaimed == 0
    assert report.against_target == -1 and report.above_walk_away
    assert report.unanswered == ["round 2: price: 100 → 95"]
    codes = [flag.code for flag in report.flags]
    assert "ledger.unanswered" in codes
    assert report.nash is not None and report.nash_product == (6 - 5) * (4 - 3)


def test_unclaimed_value_is_the_best_joint_gain_still_open():
    table = options_from_issues(
        {"price": {"high": (5, 0), "low": (0, 5)}, "service": {"basic": (0, 0), "full": (1, 4)}}
    )
    moves = [
        {
            "round": 1,
            "side": "us",
            "kind": "offer",
            "options": {"price": "high", "service": "basic"},
        },
        {
            "round": 1,
            "side": "them",
            "kind": "accept",
            "options": {"price": "high", "service": "basic"},
        },
    ]
    report = rehearsal_report(moves, table)
    assert report.outcome == "agreed" and not report.efficient
    assert report.unclaimed == 5 and report.best_improvement.options["service"] == "full"
    assert report.distance == pytest.approx(math.hypot(1, 4))


def test_a_concession_they_answer_is_not_unanswered_and_a_walk_away_has_no_deal():
    table = price_line()
    them = Counterpart(table, FLOOR, style="conceder", rounds=3)
    for price in ("100", "95", "95"):
        them.respond({"price": price})
    report = rehearsal_report(them.moves, table)
    assert report.outcome == "walked_away" and report.deal is None
    assert report.unclaimed is None and report.efficient is None
    frame = report.to_frame()
    given = frame[frame["concession"] == "given"]
    received = frame[frame["concession"] == "received"]
    assert given["round"].tolist() == [2] and received["round"].tolist() == [2]
    assert report.unanswered == []  # their counter of round 2 moved towards us
    assert report.summary()["outcome"] == "walked_away"


def test_steps_that_grow_are_flagged():
    moves = []
    for round_, price in enumerate(["100", "99", "97"], start=1):
        moves.append({"round": round_, "side": "us", "kind": "offer", "options": {"price": price}})
        moves.append(
            {"round": round_, "side": "them", "kind": "counter", "options": {"price": "0"}}
        )
    report = rehearsal_report(moves, price_line())
    steps = [f for f in report.flags if f.code == "concessions.step_not_shrinking"]
    assert [(f.subject, dict(f.params)) for f in steps] == [("Round 3", {"cost": 2, "previous": 1})]
    assert [f.code for f in report.flags].count("ledger.unanswered") == 2
    assert "ledger.run_without_return" in [f.code for f in report.flags]


def test_a_move_on_a_variable_off_the_agenda_is_flagged_with_the_plan():
    plan = example_plan()
    planner = plan.concessions
    off = next(v for v in planner.variables if v.name == "Exclusivity")
    assert not off.on_agenda
    first = {v.name: v.options[0].label for v in planner.variables}
    first[off.name] = off.options[-1].label  # exclusive: worth less to them
    moved = first | {off.name: off.options[0].label}  # we drop exclusivity: a concession
    moves = [
        {"round": 1, "side": "us", "kind": "offer", "options": first},
        {"round": 1, "side": "them", "kind": "counter", "options": first},
        {"round": 2, "side": "us", "kind": "offer", "options": moved},
    ]
    report = rehearsal_report(moves, planner_options(planner), plan=plan)
    assert report.ledger.entries[0].variable_id == off.id
    assert ("ledger.off_agenda", report.ledger.entries[0].description) in [
        (f.code, f.subject) for f in report.flags
    ]
    assert "ledger.off_agenda" not in [
        f.code for f in rehearsal_report(moves, planner_options(planner)).flags
    ]
    assert report.our_walk_away == planner.positions.ours.package_floor


def test_bad_moves_are_refused_with_a_message():
    with pytest.raises(RehearsalError, match="list of rehearsal moves, not str"):
        rehearsal_report("moves", price_line())
    with pytest.raises(RehearsalError, match="move 1 is not a rehearsal move"):
        rehearsal_report([{"round": 1, "side": "me", "kind": "offer"}], price_line())
