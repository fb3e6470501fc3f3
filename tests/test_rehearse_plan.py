"""Rehearsals kept with the plan, improvements of the offer on the table and the team's
differing estimates of their side, as the app and the brief read them."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from workbook.analysis import rehearse as r
from workbook.analysis.improve import improvements
from workbook.analysis.packages import PackageInputError, frontier, planner_rows
from workbook.analysis.rehearsal import RehearsalError
from workbook.analysis.robust import robust_frontier
from workbook.model import ConcessionPlanner, Plan, RehearsalRecord, load_plan
from workbook.model.concessions import MAX_REHEARSAL_ROUNDS, MAX_REHEARSALS
from workbook.store import example_plan
from workbook.tables import plan_tables


def played(plan: Plan, style: str = "conceder", rounds: int = 4, seed: int = 5) -> RehearsalRecord:
    """A rehearsal where we hold at the offer on the table until they decide."""
    planner = plan.concessions
    record = r.start_rehearsal(planner, style, rounds, seed)
    while not record.finished:
        record = r.play_round(planner, record, planner.current_offer)
    return record


def with_planner(plan: Plan, **update: object) -> Plan:
    """The plan with the planner's fields in ``update`` set, validated."""
    data = plan.concessions.model_dump() | to_jsonable_python(update)
    return plan.model_copy(update={"concessions": ConcessionPlanner.model_validate(data)})


def test_a_rehearsal_is_kept_with_the_plan_and_survives_a_json_round_trip():
    plan = example_plan()
    record = played(plan)
    kept = with_planner(plan, rehearsals=[record])
    again = load_plan(json.loads(kept.model_dump_json()))
    assert again.concessions.rehearsals == [record]
    assert again.concessions.rehearsals[0].finished
    assert r.replay(again.concessions, again.concessions.rehearsals[0]).finished


def test_an_old_plan_without_rehearsals_loads_with_none():
    data = json.loads(example_plan().model_dump_json())
    del data["concessions"]["rehearsals"], data["concessions"]["their_estimates"]
    plan = load_plan(data)
    assert plan.concessions.rehearsals == [] and plan.concessions.their_estimates == []


def test_rehearsals_and_rounds_have_limits():
    record = RehearsalRecord()
    with pytest.raises(ValidationError, match="limit is 20"):
        ConcessionPlanner(rehearsals=[record.model_copy(update={"id": f"r{i}"}) for i in range(21)])
    assert MAX_REHEARSALS == 20
    one = {"offer": {"a": "b"}, "answer": "counter", "package": {"a": "c"}}
    with pytest.raises(ValidationError, match=f"limit is {MAX_REHEARSAL_ROUNDS}"):
        RehearsalRecord(played=[one] * (MAX_REHEARSAL_ROUNDS + 1))
    with pytest.raises(ValidationError):
        RehearsalRecord(rounds=MAX_REHEARSAL_ROUNDS + 1)
    with pytest.raises(ValidationError):
        RehearsalRecord(style="stubborn")


def test_a_renamed_option_still_replays_and_a_changed_value_says_so():
    plan = example_plan()
    record = played(plan, "boulware", 5, 3)
    renamed = plan.model_copy(deep=True)
    for var in renamed.concessions.variables:
        for option in var.options:
            option.label = option.label + " (renamed)"
        var.name = var.name + " (renamed)"
    them = r.replay(renamed.concessions, record)
    assert them.finished and len(them.moves) == 2 * len(record.played)
    changed = plan.model_copy(deep=True)
    offered = record.played[0].package
    assert offered is not None
    for var in changed.concessions.variables:
        for option in var.options:
            option.theirs = 100 - option.theirs
    with pytest.raises(RehearsalError, match="answered otherwise"):
        r.replay(changed.concessions, record)


def test_an_offer_with_a_variable_left_out_is_refused_with_its_name():
    plan = example_plan()
    planner = plan.concessions
    record = r.start_rehearsal(planner, "boulware", 4, 1)
    offer = dict(planner.current_offer)
    del offer["va-term"]
    with pytest.raises(PackageInputError, match="pick an option for Contract term"):
        r.play_round(planner, record, offer)


def test_nothing_to_rehearse_without_variables_on_the_agenda():
    with pytest.raises(PackageInputError, match="nothing to rehearse"):
        r.start_rehearsal(ConcessionPlanner(), "boulware", 4, 1)


def test_a_finished_rehearsal_takes_no_more_offers():
    plan = example_plan()
    record = played(plan)
    with pytest.raises(RehearsalError, match="over"):
        r.play_round(plan.concessions, record, plan.concessions.current_offer)


def test_their_floor_is_the_plans_or_the_middle_of_their_frontier_scores():
    plan = example_plan()
    assert r.their_floor(plan.concessions) == (40.0, False)
    unset = plan.model_copy(deep=True)
    unset.concessions.positions.theirs.package_floor = None
    floor, default = r.their_floor(unset.concessions)
    front = frontier(r.agenda_rows(unset.concessions))
    assert default and floor == (front.theirs.min() + front.theirs.max()) / 2
    assert front.theirs.min() < floor < front.theirs.max()


def test_the_rehearsal_plays_the_agenda_and_leaves_variables_off_it_out():
    plan = example_plan()
    off = [v.id for v in plan.concessions.variables if not v.on_agenda]
    assert off
    record = played(plan)
    for rnd in record.played:
        assert set(rnd.offer) == {v.id for v in r.agenda(plan.concessions)}
        assert not set(rnd.offer) & set(off)


def test_the_debrief_scores_the_deal_against_the_plans_walk_away():
    plan = example_plan()
    record = played(plan, "conceder", 4, 5)
    report = r.debrief(plan, record)
    assert report.outcome == "agreed"
    assert report.our_walk_away == plan.concessions.positions.ours.package_floor
    assert report.deal is not None
    assert report.above_walk_away == (report.deal.ours >= 45.0)
    # the deal is the offer on the table, which the plan's own improvements improve
    found = r.offer_improvements(plan.concessions, limit=1)
    assert found is not None and report.unclaimed == found.rows[0].joint_gain


def test_improvements_of_the_offer_on_the_table_are_the_exact_analysis_on_the_agenda():
    plan = example_plan()
    found = r.offer_improvements(plan.concessions, limit=None)
    agenda = plan.concessions.model_copy(update={"variables": r.agenda(plan.concessions)})
    names = r.to_names(plan.concessions, plan.concessions.current_offer)
    assert found == improvements(planner_rows(agenda), names, limit=None)
    assert not found.efficient
    partial = with_planner(plan, current_offer={"va-price": "op-p4850"})
    assert r.offer_improvements(partial.concessions) is None
    best = found.rows[0].options
    on_frontier = with_planner(plan, current_offer=r.to_ids(plan.concessions, best))
    assert r.offer_improvements(on_frontier.concessions).efficient


def test_robust_packages_need_a_second_estimate():
    plan = example_plan()
    assert r.robust_packages(plan.concessions) is None
    kept = r.keep_estimate(plan.concessions, "Anna")
    anna = with_planner(plan, their_estimates=kept)
    found = r.robust_packages(anna.concessions)
    assert found is not None and found.estimates == ["the plan", "Anna"]
    assert all(row.share == 1 for row in found.rows)  # Anna agrees with the plan


def test_a_members_estimate_changes_what_is_efficient_everywhere():
    plan = example_plan()
    planner = plan.concessions
    hardware = next(v for v in planner.variables if v.id == "va-hardware")
    flipped = {o.id: 100 - o.theirs for o in hardware.options}
    rows = r.estimates_with_answers(planner, {"Ben": flipped})
    ben = with_planner(plan, their_estimates=rows)
    found = r.robust_packages(ben.concessions)
    by_estimate = r.estimate_rows(ben.concessions)
    assert found == robust_frontier(
        by_estimate,
        planner.positions.ours.package_floor,
        planner.positions.theirs.package_floor,
    )
    shares = {row.share for row in found.rows}
    assert shares == {0.5, 1.0}
    summary = r.summarise(found)
    assert summary.everywhere == len(found.everywhere()) and summary.estimates == 2
    # Ben's values went in for the hardware options only; the rest is the plan's
    ben_rows = {(x.issue, x.option): x.theirs for x in by_estimate["Ben"]}
    plan_rows = {(x.issue, x.option): x.theirs for x in by_estimate["the plan"]}
    changed = {k for k in plan_rows if ben_rows[k] != plan_rows[k]}
    assert changed and {issue for issue, _ in changed} == {hardware.name}


def test_workshop_answers_add_to_a_members_estimate_of_the_same_name():
    plan = example_plan()
    planner = plan.concessions
    rows = r.estimates_with_answers(planner, {"Ben": {"op-hw-5": 10.0}})
    planner = with_planner(plan, their_estimates=rows).concessions
    rows = r.estimates_with_answers(planner, {"ben": {"op-t3": 20.0}, "Cleo": {"op-t3": 30.0}})
    again = with_planner(plan, their_estimates=rows).concessions
    assert [e.name for e in again.their_estimates] == ["Ben", "Cleo"]
    assert again.their_estimates[0].values == {"op-hw-5": 10.0, "op-t3": 20.0}


def test_two_estimates_with_one_name_are_refused():
    with pytest.raises(ValidationError, match="same name"):
        ConcessionPlanner(their_estimates=[{"name": "Anna"}, {"name": "anna"}])


def test_the_plans_tables_list_every_rehearsal_round_by_name():
    plan = example_plan()
    record = played(plan, "tit_for_tat", 3, 2)
    table = plan_tables(with_planner(plan, rehearsals=[record]))["rehearsals"]
    assert len(table) == len(record.played)
    assert table["style"].tolist() == ["tit_for_tat"] * len(record.played)
    assert "Contract term: 3 years" in table["our_offer"].iloc[0]
    assert plan_tables(plan)["rehearsals"].empty


# --- the app's view ---------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path):
    from tests.helpers import ManualScheduler
    from workbook.store import PlanStore
    from workbook.ui.app import WorkbookApp

    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()
        yield WorkbookApp(store, scheduler=ManualScheduler()).start()


def _button(view, css):
    import ipywidgets as W

    from tests.helpers import find_all

    return next(b for b in find_all(view.widget, kind=W.Button) if css in b._dom_classes)


def _picks(view):
    import ipywidgets as W

    from tests.helpers import find_all

    return [
        d for d in find_all(view.widget, kind=W.Dropdown) if "nw-rehearsal-pick" in d._dom_classes
    ]


def test_the_planner_rehearses_turn_by_turn_and_debriefs_when_it_ends(app):
    import ipywidgets as W

    from tests.helpers import find_all

    app.show("concessions")
    view = app.views["concessions"]
    panel = view.panels["concessions.rehearsal"]
    assert "No rehearsal yet" in panel.text
    seed = next(
        w for w in find_all(view.widget, kind=W.IntText) if "nw-rehearsal-seed" in w._dom_classes
    )
    style = next(
        w for w in find_all(view.widget, kind=W.Dropdown) if "nw-rehearsal-style" in w._dom_classes
    )
    rounds = next(
        w
        for w in find_all(view.widget, kind=W.BoundedIntText)
        if "nw-rehearsal-rounds" in w._dom_classes
    )
    style.value, rounds.value, seed.value = "tit_for_tat", 3, 4242
    _button(view, "nw-rehearsal-start").click()
    record = app.session.plan.concessions.rehearsals[-1]
    assert (record.style, record.rounds, record.seed) == ("tit_for_tat", 3, 4242)
    assert "seed 4242" in panel.text and "They open with" in panel.text
    # the picks start from the offer on the table; leaving one out is refused, nothing lost
    picks = _picks(view)
    assert len(picks) == len(r.agenda(app.session.plan.concessions))
    kept = picks[1].value
    picks[1].value = ""
    _button(view, "nw-rehearsal-send").click()
    assert app.session.plan.concessions.rehearsals[-1].played == []
    assert "Pick an option for Contract term" in " ".join(
        w.value for w in find_all(view.widget, kind=W.HTML) if "Pick an option" in w.value
    )
    assert picks[0].value != ""  # the other picks stay
    picks[1].value = kept
    while not app.session.plan.concessions.rehearsals[-1].finished:
        _button(view, "nw-rehearsal-send").click()
    assert "Debrief" in panel.text and "Nash package" in panel.text
    assert panel.chart("rehearsal").figure is not None
    assert len(app.session.plan.concessions.rehearsals) == 1


def test_the_ledger_shows_what_improves_the_offer_on_the_table(app):
    app.show("ledger")
    text = app.views["ledger"].panels["ledger.improvements"].text
    assert "Better for both sides than the offer on the table" in text
    assert "Contract term: 3 years → 5 years" in text


def test_keeping_a_second_estimate_shows_the_robust_packages(app):
    import ipywidgets as W

    from tests.helpers import find_all

    app.show("concessions")
    view = app.views["concessions"]
    assert "One estimate of their side so far" in view.panels["concessions.robust"].text
    name = next(
        w for w in find_all(view.widget, kind=W.Text) if "nw-estimate-name" in w._dom_classes
    )
    _button(view, "nw-estimate-keep").click()
    assert "Write whose estimate" in " ".join(
        w.value for w in find_all(view.widget, kind=W.HTML) if "Write whose" in w.value
    )
    name.value = "Anna"
    _button(view, "nw-estimate-keep").click()
    assert [e.name for e in app.session.plan.concessions.their_estimates] == ["Anna"]
    text = view.panels["concessions.robust"].text
    assert "Across 2 estimates" in text and "same under every estimate" in text


# --- the brief --------------------------------------------------------------------------------


def test_the_brief_carries_the_improvements_the_robust_packages_and_the_last_debrief():
    from workbook.brief import brief_html, brief_markdown, brief_xlsx, export_brief

    plan = example_plan()
    hardware = next(v for v in plan.concessions.variables if v.id == "va-hardware")
    ben = r.estimates_with_answers(
        plan.concessions, {"Ben": {o.id: 100 - o.theirs for o in hardware.options}}
    )
    record = played(plan, "boulware", 5, 9)
    rich = with_planner(plan, rehearsals=[record], their_estimates=ben)
    md = brief_markdown(rich)
    assert "Better for both sides than the offer on the table" in md
    assert "Contract term: 3 years → 5 years" in md
    assert "Across 2 estimates of their side" in md and "Nash package under" in md
    assert "Last rehearsal (boulware, seed 9, 5 rounds): they accepted in round" in md
    assert "Left unclaimed" in md
    html = brief_html(rich)
    assert "Last rehearsal (boulware, seed 9" in html and "Across 2 estimates" in html
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(brief_xlsx(rich)))
    cells = " ".join(
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert "Last rehearsal (boulware, seed 9" in cells and "Across 2 estimates" in cells
    assert "Contract term: 3 years → 5 years" in cells
    data = json.loads(export_brief(rich, "json"))
    assert data["concessions"]["rehearsals"][0]["seed"] == 9
    assert data["concessions"]["their_estimates"][0]["name"] == "Ben"
    # without rehearsals or estimates, none of it is said
    bare = brief_markdown(plan)
    assert "Last rehearsal" not in bare and "estimates of their side" not in bare


def test_the_brief_says_an_offer_on_the_frontier_is_already_efficient():
    from workbook.brief import brief_markdown

    plan = example_plan()
    best = r.offer_improvements(plan.concessions).rows[0].options
    efficient = with_planner(plan, current_offer=r.to_ids(plan.concessions, best))
    assert "The offer on the table is already efficient" in brief_markdown(efficient)


# --- the debrief after the meeting --------------------------------------------------------------


def agreed(plan: Plan, package: dict[str, str]) -> Plan:
    debrief = plan.meeting.debrief.model_copy(update={"agreed": package, "outcome": "deal"})
    meeting = plan.meeting.model_copy(update={"debrief": debrief})
    return Plan.model_validate({**plan.model_dump(), "meeting": meeting.model_dump()})


def test_the_meeting_debrief_shows_what_was_left_on_the_table(app):
    plan = app.session.plan
    app.session.set(("meeting", "debrief", "agreed"), dict(plan.concessions.current_offer))
    app.show("meeting")
    text = app.views["meeting"].panels["meeting.improvements"].text
    assert "Better for both sides than the package agreed" in text
    assert "Contract term: 3 years → 5 years" in text
    best = r.offer_improvements(plan.concessions).rows[0].options
    app.session.set(("meeting", "debrief", "agreed"), r.to_ids(plan.concessions, best))
    text = app.views["meeting"].panels["meeting.improvements"].text
    assert "The package agreed is efficient" in text
    app.session.set(("meeting", "debrief", "agreed"), {"va-price": "op-p4850"})
    assert "Pick the option agreed" in app.views["meeting"].panels["meeting.improvements"].text


def test_the_briefs_meeting_debrief_lists_the_improvements_of_the_package_agreed():
    from workbook.brief import brief_markdown

    plan = example_plan()
    md = brief_markdown(agreed(plan, dict(plan.concessions.current_offer)))
    assert "Better for both sides than the package agreed" in md
    best = r.offer_improvements(plan.concessions).rows[0].options
    md = brief_markdown(agreed(plan, r.to_ids(plan.concessions, best)))
    assert "The package agreed is efficient" in md


def test_after_a_walk_away_the_debrief_weighs_their_last_counter_offer_against_our_floor(app):
    planner = app.session.plan.concessions
    greedy = {**planner.current_offer, "va-price": "op-p5200", "va-term": "op-t1"}
    record = r.start_rehearsal(planner, "boulware", 3, 1)
    while not record.finished:
        record = r.play_round(planner, record, greedy)
    assert record.played[-1].answer == "walk_away"
    app.session.set_structure(("concessions", "rehearsals"), [record.model_dump()])
    app.show("concessions")
    text = app.views["concessions"].panels["concessions.rehearsal"].text
    assert "They walked away" in text
    report = r.debrief(app.session.plan, record)
    last = [m for m in report.moves if m.kind == "counter"][-1]
    floor = planner.positions.ours.package_floor
    side = "above" if last.ours >= floor else "below"
    assert f"Their last counter-offer gave us {last.ours:,.1f}, {side} our floor" in text
    from workbook.brief import brief_markdown

    md = brief_markdown(app.session.plan)
    assert "they walked away" in md
    assert f"Their last counter-offer gave us {last.ours:,.1f}, {side} our floor" in md


def test_the_packages_to_offer_clear_both_floors_most_robust_first_then_best_together():
    plan = example_plan()
    planner = plan.concessions
    hardware = next(v for v in planner.variables if v.id == "va-hardware")
    rows = r.estimates_with_answers(
        planner,
        {
            "Ben": {o.id: 100 - o.theirs for o in hardware.options},
            "Cleo": {o.id: 100 - o.theirs for o in hardware.options},
        },
    )
    three = with_planner(plan, their_estimates=rows).concessions
    found = r.robust_packages(three)
    offers, within = r.robust_offers(three, found, limit=1000)
    ours_floor = planner.positions.ours.package_floor
    theirs_floor = planner.positions.theirs.package_floor
    expected = [
        row for row in found.rows if row.ours >= ours_floor and min(row.theirs) >= theirs_floor
    ]
    assert within and offers and sorted(offers) == sorted(expected)
    assert any(row.share < 1 for row in offers)  # the less robust packages follow
    keys = [(-row.share, -(row.ours + sum(row.theirs) / 3)) for row in offers]
    assert keys == sorted(keys)


def test_the_rehearsal_ledgers_checks_speak_in_points_not_in_the_plans_currency():
    plan = example_plan()
    planner = plan.concessions
    base = dict(planner.current_offer)
    offers = [
        {**base, "va-term": "op-t1", "va-price": "op-p5200"},
        {**base, "va-term": "op-t3", "va-price": "op-p5200"},
        {**base, "va-term": "op-t3", "va-price": "op-p4990"},
        {**base, "va-term": "op-t3", "va-price": "op-p4990"},
    ]
    record = r.start_rehearsal(planner, "boulware", 6, 0)
    for offer in offers:
        record = r.play_round(planner, record, offer)
    flags = r.debrief(plan, record).flags
    short = [f for f in flags if "short return" in f.detail]
    assert short and "worth 3 to us" in short[0].detail
    assert "worth 10 to them" in short[0].detail and "EUR 3 " not in short[0].detail


def test_without_a_package_inside_both_floors_the_robust_ones_are_offered_and_said_so():
    plan = example_plan()
    hardware = next(v for v in plan.concessions.variables if v.id == "va-hardware")
    rows = r.estimates_with_answers(
        plan.concessions, {"Ben": {o.id: 100 - o.theirs for o in hardware.options}}
    )
    high = with_planner(plan, their_estimates=rows)
    high.concessions.positions.theirs.package_floor = 99.0
    found = r.robust_packages(high.concessions)
    offers, within = r.robust_offers(high.concessions, found, limit=1000)
    robust = [row for row in found.rows if row.share > 0.5]
    assert not within and len(offers) == len(robust)
    assert {str(row.options) for row in offers} == {str(row.options) for row in robust}


def test_starting_without_options_says_what_to_enter_next_to_the_button(app):
    import ipywidgets as W

    from tests.helpers import find_all

    app.session.set_structure(("concessions", "current_offer"), {})
    app.session.set_structure(("concessions", "variables"), [])
    app.show("concessions")
    view = app.views["concessions"]
    _button(view, "nw-rehearsal-start").click()
    said = [w.value for w in find_all(view.widget, kind=W.HTML) if "nothing to rehearse" in w.value]
    assert said and app.session.plan.concessions.rehearsals == []
