"""The preparation parts: discovery, mandate, decision process, tactics, trading rules, BATNA
work, first offer, equivalent offers in the plan, meeting plan and debrief."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

import workbook
from workbook.analysis.concessions import plan_checks
from workbook.analysis.meeting import (
    debrief_comparison,
    debrief_flags,
    debriefs,
    lessons_for,
    meeting_flags,
    opening_draft,
    with_lessons,
)
from workbook.analysis.preparation import (
    agenda_rows,
    batna_flags,
    decision_flags,
    decision_process,
    discovery_flags,
    first_offer_flags,
    mandate_flags,
    offer_differences,
    package_scores,
    plan_offers,
    questions_to_ask,
    rule_checks,
    tactic_flags,
    untested_figures,
)
from workbook.brief import brief_html, brief_markdown, brief_xlsx
from workbook.model import Plan, load_plan
from workbook.store import example_plan
from workbook.tables import plan_tables


def codes(flags) -> list[str]:
    return [f.code for f in flags]


@pytest.fixture
def plan() -> Plan:
    return example_plan()


# --- interests and discovery --------------------------------------------------------------


def test_questions_to_ask_skip_the_tested_and_name_who_asks(plan: Plan) -> None:
    questions = questions_to_ask(plan)
    assert [q.asked_by for q in questions] == ["Maria Keller", "Priya Nair", "Tom Okafor"]
    assert all("15 January" not in q.tests for q in questions)  # the deadline was tested
    plan.discovery.assumptions[0].tested = True
    assert len(questions_to_ask(plan)) == 2


def test_untested_assumptions_list_the_figures_that_rest_on_them(plan: Plan) -> None:
    figures = [f.figure for f in untested_figures(plan)]
    assert "Their walk-away" in figures and "Their BATNA" in figures
    weights = next(f for f in untested_figures(plan) if f.figure == "Their weights")
    assert weights.value.startswith("Price per vehicle and month 35, Contract term 10")
    assert not any(f.startswith("Their deadline") for f in figures)  # tested
    plan.discovery.assumptions[3].tested = False
    assert "Their deadline: 2027 budget round closes" in [f.figure for f in untested_figures(plan)]
    for a in plan.discovery.assumptions:
        a.tested = True
    assert untested_figures(plan) == []


def test_their_option_values_rest_on_an_assumption_about_them(plan: Plan) -> None:
    plan.discovery.assumptions[0].about = "their_values"
    values = [f for f in untested_figures(plan) if f.figure == "Their value of Contract term"]
    assert values[0].value == "1 year 100, 3 years 60, 5 years 20"


def test_an_assumption_needs_a_question_and_someone_to_ask_it(plan: Plan) -> None:
    assert discovery_flags(plan) == []
    plan.discovery.assumptions[0].question = ""
    plan.discovery.assumptions[1].asked_by = "nobody-on-the-team"
    assert codes(discovery_flags(plan)) == [
        "discovery.assumption_no_question",
        "discovery.assumption_no_asker",
    ]
    assert discovery_flags(plan)[0].severity == "problem"


def test_interests_of_theirs_are_asked_for(plan: Plan) -> None:
    plan.discovery.interests = [i for i in plan.discovery.interests if i.side == "ours"]
    assert codes(discovery_flags(plan)) == ["discovery.no_their_interests"]
    plan.discovery.interests[0].interest = ""
    assert "discovery.interest_missing" in codes(discovery_flags(plan))


# --- roles and mandate --------------------------------------------------------------------


def test_roles_need_a_lead_and_one_spokesperson(plan: Plan) -> None:
    assert mandate_flags(plan) == []
    plan.team[0].room_role = "numbers"
    plan.team[2].room_role = "spokesperson"
    assert codes(mandate_flags(plan)) == ["discovery.no_lead", "discovery.two_spokespeople"]


def test_limits_need_an_approver_and_an_absent_decider_needs_one_too(plan: Plan) -> None:
    plan.discovery.mandate.approver = ""
    assert codes(mandate_flags(plan)) == ["discovery.no_approver"]
    plan.discovery.mandate.limits = ""
    plan.team[3].room_role = "decision_maker_absent"
    plan.discovery.mandate.caucus_signal = ""
    assert codes(mandate_flags(plan)) == [
        "discovery.no_limits",
        "discovery.absent_decider",
        "discovery.no_caucus_signal",
    ]


def test_a_room_role_is_set_on_the_team_list_only(plan: Plan) -> None:
    data = plan.model_dump(mode="json")
    data["team"][0]["room_role"] = "captain"
    with pytest.raises(ValueError, match="room_role"):
        Plan.model_validate(data)


# --- their decision process ---------------------------------------------------------------


def test_the_decision_process_reuses_the_key_players(plan: Plan) -> None:
    process = decision_process(plan)
    assert process.signs == ["Eva Lindqvist (CFO, economic buyer)"]
    assert process.vetoes == ["Hannah Vogt (Procurement lead)"]
    assert len(process.influences) == 2
    assert decision_flags(plan) == []
    for player in plan.relationship.players:
        player.decision_role = "none"
    assert codes(decision_flags(plan)) == ["discovery.no_signer"]


def test_our_own_approval_after_the_meeting_is_flagged(plan: Plan) -> None:
    plan.discovery.stages[1].deadline = dt.date(2026, 12, 10)  # the meeting is on 8 December
    assert codes(decision_flags(plan)) == ["discovery.our_stage_late"]
    plan.discovery.stages[1].side = "theirs"  # their stages may well come later
    assert decision_flags(plan) == []


def test_who_needs_the_deal_more_is_judged_with_a_reason(plan: Plan) -> None:
    plan.discovery.needs_more_why = ""
    assert codes(decision_flags(plan)) == ["discovery.needs_more_reason"]
    plan.discovery.needs_more = "undecided"
    plan.discovery.stages = []
    assert codes(decision_flags(plan)) == ["discovery.no_stages", "discovery.needs_more_open"]


# --- tactics --------------------------------------------------------------------------------


def test_every_ploy_needs_an_answer_and_the_audit_is_answered(plan: Plan) -> None:
    assert tactic_flags(plan) == []
    plan.discovery.tactics[1].counter = ""
    plan.discovery.accusations[0].answer = ""
    flags = tactic_flags(plan)
    assert codes(flags) == ["discovery.tactic_no_counter", "discovery.accusation_no_answer"]
    assert flags[0].subject == "Nibbling" and flags[0].severity == "problem"
    plan.discovery.accusations = []
    assert "discovery.no_accusations" in codes(tactic_flags(plan))


# --- deal-breakers and trading rules ------------------------------------------------------


def test_a_step_on_a_deal_breaker_is_a_problem(plan: Plan) -> None:
    assert rule_checks(plan) == []
    price = plan.concessions.variables[0]
    price.stance = "deal_breaker"
    flags = rule_checks(plan)
    assert codes(flags) == ["concessions.step_moves_deal_breaker"] * 2  # steps 1 and 2
    assert [f.subject for f in flags] == ["Step 1", "Step 2"]


def test_a_step_below_a_must_have_limit_is_a_problem(plan: Plan) -> None:
    price = plan.concessions.variables[0]
    price.limit_option_id = "op-p4990"  # EUR 49.90: step 2 goes to EUR 48.50
    flags = rule_checks(plan)
    assert [(f.subject, f.code) for f in flags] == [
        ("Step 2", "concessions.step_below_must_have"),
        ("Offer B: lower price", "concessions.offer_below_must_have"),
        ("Offer C: lowest price", "concessions.offer_below_must_have"),
    ]
    price.limit_option_id = None
    assert codes(rule_checks(plan)) == ["concessions.must_have_no_limit"]


def test_a_trading_rule_is_checked_against_the_steps(plan: Plan) -> None:
    c = plan.concessions
    c.trade_rules.append(
        workbook.model.TradeRule(id="tr-price", variable_id="va-price", against_id="va-term")
    )
    flags = rule_checks(plan)  # step 1 trades price for term; step 2 for a reference visit
    assert [(f.subject, f.code) for f in flags] == [("Step 2", "concessions.step_breaks_rule")]
    assert "Contract term" in flags[0].reason
    c.trade_rules.append(
        workbook.model.TradeRule(id="tr-price-2", variable_id="va-price", against_id="va-payment")
    )
    assert "Contract term or Payment terms" in rule_checks(plan)[0].reason


def test_closing_issues_one_by_one_is_a_warning_and_the_checks_reach_the_plan(plan: Plan) -> None:
    plan.concessions.nothing_agreed = False
    assert codes(rule_checks(plan)) == ["concessions.piecemeal"]
    assert "concessions.piecemeal" in codes(plan_checks(plan))


# --- BATNA development and the first offer ------------------------------------------------


def test_batna_actions_need_an_owner_and_a_date_before_the_meeting(plan: Plan) -> None:
    assert batna_flags(plan) == []
    actions = plan.concessions.batna_actions
    actions[0].owner = None
    actions[2].due = dt.date(2026, 12, 9)
    assert codes(batna_flags(plan)) == [
        "concessions.batna_action_no_owner",
        "concessions.batna_action_late",
    ]
    actions[0].done = actions[2].done = True
    assert batna_flags(plan) == []
    plan.concessions.batna_actions = []
    plan.concessions.positions.theirs.batna_test = ""
    assert codes(batna_flags(plan)) == [
        "concessions.batna_no_actions",
        "concessions.their_batna_untested",
    ]


def test_the_first_offer_needs_a_reason_a_figure_and_a_re_anchor(plan: Plan) -> None:
    first = plan.concessions.positions.first_offer
    assert first_offer_flags(plan) == []
    first.our_figure, first.why, first.re_anchor = None, "", ""
    assert codes(first_offer_flags(plan)) == [
        "concessions.first_offer_why",
        "concessions.first_offer_nothing",
        "concessions.no_re_anchor",
    ]
    first.offer_id = "po-b"  # opening with a prepared package is an opening too
    assert "concessions.first_offer_nothing" not in codes(first_offer_flags(plan))
    plan.concessions.prepared_offers = []
    assert "concessions.first_offer_gone" in codes(first_offer_flags(plan))
    first.who_opens = "undecided"
    assert codes(first_offer_flags(plan))[0] == "concessions.first_offer_undecided"


# --- equivalent offers in the plan --------------------------------------------------------


def test_the_example_pins_the_equivalent_offers_the_function_finds(plan: Plan) -> None:
    packages, spread, candidates, tolerance = plan_offers(plan)
    pinned = [o.options for o in plan.concessions.prepared_offers]
    assert [p.options for p in packages] == pinned
    assert (spread, candidates, tolerance) == (12.5, 5, 2.0)
    assert [package_scores(plan, o) for o in pinned] == [(57, 51), (56, 51.5), (55, 52)]


def test_offers_respect_a_must_have_and_a_prepared_offer_below_it_is_flagged(plan: Plan) -> None:
    price = plan.concessions.variables[0]
    price.limit_option_id = "op-p4850"  # EUR 48.50: Offer C (EUR 47.80) goes below it
    assert [(f.subject, f.code) for f in rule_checks(plan)] == [
        ("Offer C: lowest price", "concessions.offer_below_must_have")
    ]
    packages, *_ = plan_offers(plan)
    assert {p.options["va-price"] for p in packages} <= {"op-p5200", "op-p4990", "op-p4850"}
    assert "op-p4780" in {option for _, option, *_ in agenda_rows(plan)}  # the chart keeps it
    assert "op-p4780" not in {option for _, option, *_ in agenda_rows(plan, within_limits=True)}


def test_the_offers_say_what_differs_and_what_they_all_keep(plan: Plan) -> None:
    pinned = [o.options for o in plan.concessions.prepared_offers]
    varying, common = offer_differences(plan, pinned)
    assert varying == [
        "Price per vehicle and month",
        "Payment terms",
        "Hardware",
        "Implementation and training",
    ]
    assert common == ["Contract term: 5 years"]  # exclusivity is in none of them


def test_without_a_value_the_package_floor_sets_the_offers(plan: Plan) -> None:
    plan.concessions.offers_value = None
    packages, *_ = plan_offers(plan)
    assert all(abs(p.ours - 45) <= 2 for p in packages)
    plan.concessions.positions.ours.package_floor = None
    assert plan_offers(plan) is None


# --- the meeting plan ---------------------------------------------------------------------


def test_the_time_plan_must_fit_the_meeting(plan: Plan) -> None:
    assert meeting_flags(plan) == []
    plan.meeting.length_minutes = 90
    flags = meeting_flags(plan)
    assert codes(flags) == ["meeting.over_time"]
    assert "115 minutes planned for a 90-minute meeting" in flags[0].reason
    plan.meeting = workbook.model.Meeting()
    assert codes(meeting_flags(plan)) == [
        "meeting.no_issues",
        "meeting.no_opening",
        "meeting.no_length",
    ]


def test_the_opening_draft_starts_from_common_ground_and_what_we_share(plan: Plan) -> None:
    draft = opening_draft(plan)
    assert "Both want the Gothenburg depot live before summer 2027" in draft
    assert "these limits bind us: Vehicle data stays in EU data centres" in draft
    assert "where we stand: Access to their senior leadership matters to us" in draft
    assert "Our hardware cost per device" not in draft  # not shared up front
    assert draft.endswith("Nothing is agreed until everything is agreed.")
    plan.concessions.nothing_agreed = False
    assert "Nothing is agreed" not in opening_draft(plan)


# --- the debrief --------------------------------------------------------------------------


def test_the_debrief_compares_the_outcome_with_the_plan(plan: Plan) -> None:
    rows = {r.measure: r.outcome for r in debrief_comparison(plan)}
    assert rows["Value of the deal"] == "EUR 4,190,400"  # 48.50 x 2,400 x 36
    assert rows["Walk-away"] == "respected"
    assert rows["Package score (us, them)"] == "56, 45.5"
    assert rows["Left on the table for us"] == "6 points"  # the frontier gives 62 at 46.25
    assert rows["Prepared offers"] == "none of them"
    assert rows["Ledger: given, received (to us)"] == "EUR 314,400, EUR 361,680"
    plan.meeting.debrief.agreed = dict(plan.concessions.prepared_offers[1].options)
    plan.meeting.debrief.agreed_value = 3_800_000
    rows = {r.measure: r.outcome for r in debrief_comparison(plan)}
    assert rows["Prepared offers"] == "they chose Offer B: lower price"
    assert rows["Walk-away"] == "crossed"
    assert rows["Left on the table for us"] == "none: on the frontier"


def test_a_held_meeting_asks_for_outcome_package_review_and_lessons(plan: Plan) -> None:
    assert debrief_flags(plan) == []
    d = plan.meeting.debrief
    d.outcome, d.agreed, d.went_well, d.lessons = "open", {}, "", []
    assert codes(debrief_flags(plan)) == [
        "meeting.outcome_open",
        "meeting.no_review",
        "meeting.no_lessons",
    ]
    d.outcome = "deal"
    assert "meeting.no_package" in codes(debrief_flags(plan))
    plan.meeting.debrief = workbook.model.Debrief()
    assert debrief_flags(plan) == []  # not held yet: nothing to record


def test_the_next_plan_with_the_same_counterpart_starts_from_the_lessons(plan: Plan) -> None:
    other = Plan(name="Another", counterpart="Someone else")
    lessons = lessons_for([other, plan], "  northwind   logistics ")
    assert lessons == plan.meeting.debrief.lessons
    assert lessons_for([other], "Northwind Logistics") == []
    fresh = with_lessons(Plan(name="Northwind 2030", counterpart="Northwind Logistics"), [plan])
    assert fresh.meeting.previous_lessons == lessons
    assert with_lessons(other, [plan]).meeting.previous_lessons == []


def test_analysts_get_the_debriefs_across_plans(plan: Plan) -> None:
    frame = workbook.debriefs([plan, Plan(name="Not met yet")])
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["outcome"], row["agreed_value"], row["target"]) == ("deal", 4190400.0, 4190400.0)
    assert (row["package_ours"], row["package_theirs"]) == (56.0, 45.5)
    assert debriefs([]).empty


# --- the model, the files and the brief ---------------------------------------------------


def test_a_plan_file_of_the_current_schema_without_the_new_parts_loads(plan: Plan) -> None:
    data = json.loads(plan.model_dump_json())
    for key in ("discovery", "meeting"):
        del data[key]
    for member in data["team"]:
        del member["room_role"]
    for key in ("batna_actions", "trade_rules", "prepared_offers", "nothing_agreed"):
        del data["concessions"][key]
    loaded = load_plan(data)
    assert loaded.discovery == workbook.model.Discovery()
    assert loaded.concessions.nothing_agreed is True
    assert loaded.team[0].room_role == "none"


def test_every_part_reaches_the_brief_in_every_format(plan: Plan) -> None:
    expected = [
        "How was the budget for the 2,400 vehicles arrived at?",  # a question to ask
        "Offer B: lower price",  # a prepared offer
        "Reserve devices for 1,400 Haldor vehicles",  # BATNA work
        "Hardware moves only against Contract term",  # a trading rule
        "If their figure lands first",  # the first offer
        "Roles in the room: Maria Keller: Lead",  # roles, where they matter: in the room
        "Observer and note-taker",  # a role in the room
        "Lena Hofmann (COO)",  # the mandate's approver
        "2027 budget round closes",  # their decision process
        "Deadline pressure",  # a tactic
        "Your support answered our tickets slowly",  # the accusation audit
        "Gothenburg timetable (common ground first)",  # the order of issues
        "Put the five-year equivalent offers on the table",  # a lesson
    ]
    markdown = brief_markdown(plan).replace("\\", "")
    html = brief_html(plan, charts=False)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(brief_xlsx(plan)))
    cells = " ".join(
        str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
    )
    exported = workbook.export_brief(plan, "json").decode()
    for text in expected:
        assert text in markdown, text
        assert text.replace("'", "&#39;") in html or text in html, text
        assert text in cells, text
    for text in ("Your support answered our tickets slowly", "Offer B: lower price"):
        assert text in exported
    sheets = {"Interests", "Assumptions", "Their tactics", "Prepared offers", "Meeting order"}
    assert sheets <= set(book.sheetnames)
    owners = [row[1].value for row in book["BATNA actions"].iter_rows(min_row=2)]
    assert owners == ["Maria Keller", "Tom Okafor", "Priya Nair"]  # names, from the team list


def test_the_new_tables_are_dataframes(plan: Plan) -> None:
    tables = plan_tables(plan)
    assert list(tables["prepared_offers"]["ours"]) == [57.0, 56.0, 55.0]
    assert tables["assumptions"].loc[0, "asked_by"] == "tm-maria"
    assert len(tables["meeting_issues"]) == 6


def test_the_meeting_plan_and_discovery_can_be_workshop_agenda_items(plan: Plan) -> None:
    from workbook.content import load_workshop_content
    from workbook.model import AgendaItem

    questions = load_workshop_content().agenda_questions
    for key in ("discovery", "meeting"):
        assert AgendaItem(section=key, minutes=15).section == key
        assert questions[key].endswith("?")
