"""Negotiation rules a finance lead will check, and the plan's consistency checks."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

import workbook.analysis.relationship as relationship_module
from workbook import model as m
from workbook.analysis.checks import (
    batna_checks,
    consistency_checks,
    evaluate,
    ledger_checks,
    money_variable_checks,
    policy_checks,
    position_checks,
    scenario_checks,
    step_value_checks,
    transfer_checks,
    value_checks,
)
from workbook.analysis.concessions import (
    move_value,
    plan_checks,
    step_size_flags,
    trade_currency,
    zopa,
)
from workbook.analysis.ledger import (
    answered_by,
    ledger_balance,
    ledger_flags,
    ledger_status,
    reciprocity_signals,
)
from workbook.analysis.portfolio import concession_plans
from workbook.analysis.relationship import reciprocity_balance, relationship_flags, sharing_ladder
from workbook.analysis.value import value_totals
from workbook.charts.concessions import zopa_chart


def plan(**kw) -> m.Plan:
    return m.Plan.model_validate({"name": "x", **kw})


def at(minute: int) -> dt.datetime:
    return dt.datetime(2026, 12, 8, 9, minute, tzinfo=dt.UTC)


def entry(i, direction, ours=0.0, theirs=0.0, **kw) -> dict:
    return {
        "id": f"e{i}",
        "at": at(i),
        "direction": direction,
        "description": f"c{i}",
        "value_ours": ours,
        "value_theirs": theirs,
        **kw,
    }


def ledger(*entries) -> m.Ledger:
    return m.Ledger.model_validate({"entries": list(entries)})


# --- 1. reciprocity: real signals, balance as information, one fair-share setting ----------


def test_a_good_trade_raises_no_balance_alarm():
    # We give what is cheap for us and receive what is valuable to us: 10 given, 90 received.
    good = ledger(entry(1, "given", 10, 40), entry(2, "received", 90, 30))
    flags = ledger_flags(plan(ledger=good.model_dump()))
    assert flags == []
    assert ledger_status(good)["share_given"].iloc[-1] == 0.1


def test_balance_words_match_the_figures():
    # We received 82 % of the value moved on our scale; the words must say so.
    log = ledger(entry(1, "given", 18, 25), entry(2, "received", 82, 20))
    balance = ledger_balance(log)
    words = balance.sentence("EUR")
    figures = [float(x.replace(",", "")) for x in re.findall(r"EUR ([\d,]+)", words)]
    assert figures == [25, 18, 82, 20]
    assert "worth EUR 82 to us" in words and "worth EUR 25 to them" in words
    last = ledger_status(log).iloc[-1]
    assert (last["given_total"], last["received_total"]) == (18, 82)
    assert (last["given_to_them"], last["received_cost"]) == (25, 20)
    assert ledger_balance(m.Ledger()).sentence() == "No concession with a value logged yet."


def test_a_run_of_our_concessions_with_nothing_back_is_flagged():
    log = ledger(entry(1, "given", 5, 5), entry(2, "given", 4, 4), entry(3, "received", 9, 5))
    subjects = [f.subject for f in reciprocity_signals(log)]
    assert "2 concessions in a row" in subjects
    alternating = ledger(entry(1, "given", 5, 5), entry(2, "received", 9, 5))
    assert reciprocity_signals(alternating) == []


def test_their_free_concession_sold_as_big_is_flagged_and_zero_values_are_silent():
    log = ledger(entry(1, "given", 5, 10), entry(2, "received", 50, 0))
    reasons = [f.reason for f in reciprocity_signals(log, "EUR")]
    assert any(r.startswith("costs them EUR 0 for EUR 50 to us") for r in reasons)
    nothing_entered = ledger(entry(1, "given"), entry(2, "received"))
    assert reciprocity_signals(nothing_entered) == []


def test_return_is_judged_their_scale_against_ours():
    # Our concession is worth 100 to them (cheap for us: 10); their answer is worth 30 to us.
    short = ledger(entry(1, "given", 10, 100), entry(2, "received", 30, 20))
    assert any("a short return" in f.reason for f in reciprocity_signals(short))
    fair = ledger(entry(1, "given", 10, 100), entry(2, "received", 80, 20))
    assert reciprocity_signals(fair) == []


@pytest.mark.parametrize(
    ("ours", "theirs", "status", "fair"),
    [
        ([3, 3, 2], [2, 2, 1], "leaning_us", True),  # 8/13 = 62/38 on 1-3 point weights
        ([1, 1], [3], "balanced", True),  # 40/60 inside
        ([4], [1], "lopsided_us", False),  # 80/20
        ([2], [2], "balanced", True),
    ],
)
def test_sixty_forty_is_a_tolerance(ours, theirs, status, fair):
    rel = m.Relationship(
        contributions=[{"side": "ours", "what": f"o{i}", "value": v} for i, v in enumerate(ours)]
        + [{"side": "theirs", "what": f"t{i}", "value": v} for i, v in enumerate(theirs)]
    )
    balance = reciprocity_balance(rel)
    assert balance.status == status and balance.fair is fair
    if status != "lopsided_us":
        assert "different kind of relationship" not in balance.verdict
    else:
        assert "different kind of relationship" in balance.verdict


def test_fair_share_is_one_setting_of_the_plan():
    assert not hasattr(relationship_module, "FAIR_SHARE")
    assert "fair_share" not in m.Ledger.model_fields
    rel = m.Relationship(
        fair_share=0.7,
        contributions=[
            {"side": "ours", "what": "a", "value": 68},
            {"side": "theirs", "what": "b", "value": 32},
        ],
    )
    assert reciprocity_balance(rel).status == "balanced"
    assert reciprocity_balance(rel.model_copy(update={"fair_share": 0.6})).status == "leaning_us"


def test_an_old_plan_keeps_its_fair_share_in_the_relationship():
    old = {"name": "Old", "schema_version": 1, "ledger": {"entries": [], "fair_share": 0.7}}
    loaded = m.load_plan(old)
    assert loaded.relationship.fair_share == 0.7 and loaded.schema_version == m.SCHEMA_VERSION
    assert m.load_plan({"name": "New", "schema_version": 1}).relationship.fair_share == 0.6


# --- 2. payback and ROI include what the customer pays us -----------------------------------


def test_payback_counts_our_price_and_the_alternative_they_drop():
    value = m.ValueProposition(
        value_items=[{"name": "Fuel", "quantity": 1000, "unit_value": 100}],
        investment=30_000,
        annual_price=60_000,
        horizon_years=3,
        alternative={"name": "Alt", "annual_cost": 20_000},
    )
    totals = value_totals(value)
    assert totals.annual == 100_000
    assert totals.net_annual == 100_000 - 60_000 + 20_000
    assert totals.payback_months == 12 * 30_000 / 60_000
    assert totals.net == 60_000 * 3 - 30_000
    assert totals.paid == 30_000 + 60_000 * 3
    assert totals.roi == round(150_000 / 210_000, 2)


def test_payback_never_when_our_price_eats_the_benefit():
    value = m.ValueProposition(
        value_items=[{"name": "Fuel", "quantity": 1, "unit_value": 50_000}],
        investment=10_000,
        annual_price=60_000,
    )
    assert value_totals(value).payback_months is None
    assert value_totals(value).net < 0


# --- 3. a price cut is a transfer; trade currency on one money scale -------------------------

PRICE_POINTS = {
    "id": "price",
    "name": "Price",
    "money": True,
    "weight_ours": 10,
    "weight_theirs": 90,
    "options": [
        {"id": "hi", "label": "EUR 40", "ours": 100, "theirs": 0, "amount": 40},
        {"id": "lo", "label": "EUR 30", "ours": 0, "theirs": 100, "amount": 30},
    ],
}


def test_a_price_cut_is_never_cheap_for_us_and_valuable_to_them():
    planner = m.ConcessionPlanner(variables=[PRICE_POINTS])
    trades = trade_currency(planner)
    row = trades.iloc[0]
    assert row["quadrant"] == "transfer" and row["value_to_them"] == row["cost_to_us"]
    assert (trades["quadrant"] != "trade currency").all()


def test_the_price_variable_is_valued_exactly_in_money():
    planner = m.ConcessionPlanner(
        variables=[PRICE_POINTS], price_variable_id="price", volume=100, term_months=12
    )
    move = move_value(planner, "price", "hi", "lo")
    assert move is not None and move.money
    assert (move.ours, move.theirs) == (-12_000, 12_000)
    buying = move_value(planner, "price", "hi", "lo", side="buy")
    assert buying is not None and buying.ours == 12_000


def test_points_are_compared_in_money_through_each_sides_exchange_rate():
    variable = {
        "id": "train",
        "name": "Training",
        "weight_ours": 100,
        "weight_theirs": 100,
        "options": [
            {"id": "none", "label": "None", "ours": 1, "theirs": 0},
            {"id": "two", "label": "Two days", "ours": 0, "theirs": 2},
        ],
    }
    in_points = trade_currency(m.ConcessionPlanner(variables=[variable]))
    assert in_points.iloc[0]["scale"] == "points"
    assert in_points.iloc[0]["quadrant"] == "trade currency"
    in_money = trade_currency(
        m.ConcessionPlanner(variables=[variable], point_value_ours=1000, point_value_theirs=100)
    )
    row = in_money.iloc[0]
    assert row["scale"] == "money" and (row["cost_to_us"], row["value_to_them"]) == (1000, 200)
    assert row["quadrant"] != "trade currency"


def test_a_single_option_gives_nothing_to_trade():
    single = {"name": "Only", "options": [{"label": "one", "ours": 1, "theirs": 1}]}
    assert trade_currency(m.ConcessionPlanner(variables=[single])).empty


# --- 4. an ambitious opening is not bad faith ------------------------------------------------


def anchored(criteria: str = "", theirs: float | None = None) -> m.Plan:
    return plan(
        concessions={
            "positions": {
                "market_reference": 100,
                "anchor_threshold_pct": 30,
                "ours": {"opening": 150},
                "theirs": {"opening": theirs},
                "first_offer": {"who_opens": "us", "our_figure": 150, "criteria": criteria},
            }
        }
    )


def test_an_ambitious_opening_with_criteria_is_fine():
    assert not [
        f
        for f in plan_checks(anchored("Haldor paid 155 for the same scope"))
        if "opening" in f.subject.casefold()
    ]


def test_an_opening_without_justification_is_flagged():
    flags = [f for f in plan_checks(anchored()) if f.subject == "Our opening"]
    assert len(flags) == 1 and "no objective criteria" in flags[0].reason


def test_their_far_opening_calls_for_re_anchoring_not_bad_faith():
    flags = [
        f for f in plan_checks(anchored("criteria", theirs=40)) if f.subject == "Their opening"
    ]
    assert len(flags) == 1 and flags[0].severity == "warning"
    assert "re-anchor on objective criteria" in flags[0].reason
    assert "bad" not in flags[0].reason


# --- 5. the sharing ladder keeps high-risk items back ---------------------------------------


def test_high_risk_items_stay_back_whatever_the_trust():
    rel = m.Relationship(
        trust_level=5,
        disclosures=[
            {"text": "Cost floor", "risk": 5},
            {"text": "Roadmap", "risk": 4, "share_anyway": "They need it to plan the depot"},
        ],
    )
    ladder = sharing_ladder(rel).set_index("text")
    assert ladder.loc["Cost floor", "keep_back"] and pd.isna(ladder.loc["Cost floor", "step"])
    assert not ladder.loc["Roadmap", "keep_back"] and ladder.loc["Roadmap", "step"] == 1


def test_low_trust_starts_with_risk_one_items():
    rel = m.Relationship(
        trust_level=1,
        disclosures=[
            {"text": "Policy limit", "kind": "constraint", "risk": 2, "share_up_front": True},
            {"text": "Our priorities", "kind": "priority", "risk": 1},
        ],
    )
    assert list(sharing_ladder(rel)["text"]) == ["Our priorities", "Policy limit"]


# --- 6. BATNA, walk-away and theirs stay consistent ------------------------------------------


def positions(side="sell", **ours) -> m.Plan:
    return plan(side=side, concessions={"positions": {"ours": ours}})


def test_a_walk_away_worse_than_the_batna_is_flagged():
    assert [c.subject for c in batna_checks(positions(reservation=90, batna_value=100))] == [
        "Walk-away"
    ]
    assert batna_checks(positions("buy", reservation=110, batna_value=100))[0].severity == "problem"
    assert batna_checks(positions(reservation=110, batna_value=100)) == []


def test_a_walk_away_far_beyond_the_batna_needs_a_reason():
    far = batna_checks(positions(reservation=200, batna_value=100))
    assert len(far) == 1 and "no reason given" in far[0].reason
    assert batna_checks(positions(reservation=200, batna_value=100, reservation_reason="r")) == []
    assert batna_checks(positions(reservation=200)) == []  # no BATNA value: silent


def test_contradicting_no_deal_outcomes_are_flagged():
    p = plan(
        concessions={
            "positions": {
                "ours": {"existing_business": "kept"},
                "theirs": {"existing_business": "lost"},
            }
        }
    )
    assert [c.subject for c in batna_checks(p)] == ["No-deal outcomes"]
    p.concessions.positions.theirs.existing_business = "kept"
    assert batna_checks(p) == []


def test_the_zopa_chart_shows_the_batna_value():
    p = plan(concessions={"positions": {"ours": {"reservation": 80, "batna_value": 70}}})
    figure = zopa_chart(p, zopa(p))
    assert "BATNA" in list(figure.data[0].text) and 70 in list(figure.data[0].x)


# --- 7. shrinking steps -----------------------------------------------------------------------


def steps(*specs, **planner) -> m.ConcessionPlanner:
    return m.ConcessionPlanner.model_validate(
        {
            "steps": [
                {"if_they_give": "x", "we_give": f"s{i}", "our_variable_id": v, "our_cost": c}
                for i, (v, c) in enumerate(specs)
            ],
            **planner,
        }
    )


def test_steps_shrink_within_a_variable():
    flags = step_size_flags(steps(("price", 10), ("price", 12)))
    assert [f.severity for f in flags] == ["problem"]


def test_a_larger_step_on_another_variable_in_points_is_a_note():
    flags = step_size_flags(steps(("price", 10), ("train", 12)))
    assert [f.severity for f in flags] == ["note"]


def test_in_money_steps_compare_across_variables():
    flags = step_size_flags(steps(("price", 10), ("train", 12), unit="money"))
    assert [f.severity for f in flags] == ["problem"]
    assert step_size_flags(steps(("price", 10), ("train", 0))) == []


# --- 8. one rule, one place -------------------------------------------------------------------


def test_ledger_and_portfolio_agree_on_what_was_answered():
    p = plan(ledger={"entries": [entry(1, "given", 5, 5), entry(2, "received", 6, 4)]})
    assert answered_by(p.ledger.entries) == {"e1": "e2"}
    assert not ledger_status(p.ledger)["unanswered"].any()
    assert concession_plans([p])["unanswered_in_ledger"].iloc[0] == 0


def test_a_non_business_reason_is_raised_once():
    p = plan(
        concessions={
            "steps": [{"if_they_give": "x", "we_give": "Credit", "reason_kind": "relationship"}]
        }
    )
    everything = plan_checks(p) + relationship_flags(p)
    assert sum("relationship problem" in f.reason for f in everything) == 1


# --- consistency checks -----------------------------------------------------------------------

PRICED = {
    "price_variable_id": "price",
    "volume": 10,
    "term_months": 12,
    "variables": [
        {
            "id": "price",
            "name": "Price",
            "money": True,
            "options": [
                {"id": "p40", "label": "EUR 40", "ours": 100, "theirs": 0, "amount": 40},
                {"id": "p30", "label": "EUR 30", "ours": 0, "theirs": 100, "amount": 30},
            ],
        },
        {
            "id": "pay",
            "name": "Payment terms",
            "options": [
                {"id": "d30", "label": "30 days", "ours": 100, "theirs": 0},
                {"id": "d45", "label": "45 days", "ours": 50, "theirs": 60},
            ],
        },
    ],
}


def priced(**kw) -> m.Plan:
    concessions = {**PRICED, **kw.pop("concessions", {})}
    return plan(concessions=concessions, **kw)


def test_positions_out_of_reach_of_the_price_options():
    p = priced(concessions={"positions": {"ours": {"opening": 6000, "target": 4000}}})
    found = position_checks(p)
    assert [c.subject for c in found] == ["Our opening"]
    assert "EUR 3,600 to EUR 4,800" in found[0].reason and "10 units × 12 months" in found[0].reason
    assert position_checks(priced(concessions={"positions": {"ours": {"opening": 4800}}})) == []
    assert position_checks(plan(concessions={"positions": {"ours": {"opening": 6000}}})) == []


def test_a_deal_value_that_does_not_multiply_out():
    assert [c.subject for c in position_checks(priced(deal_value=10_000))] == ["Deal value"]
    assert position_checks(priced(deal_value=4_200)) == []


def test_first_offer_figure_against_the_opening():
    p = priced(
        concessions={"positions": {"ours": {"opening": 4800}, "first_offer": {"our_figure": 4500}}}
    )
    assert [c.subject for c in position_checks(p)] == ["First offer"]


def test_money_must_weigh_the_same_for_both_sides():
    rates = {"point_value_ours": 30, "point_value_theirs": 40}
    # Price 40 -> 30 over 10 units x 12 months moves EUR 1,200; our points give 1 x 30 = 30.
    found = transfer_checks(priced(concessions=rates))
    assert [c.subject for c in found] == ["Price: EUR 40 to EUR 30"]
    assert "EUR 1,200 from the unit prices" in found[0].reason
    right = {"point_value_ours": 1200, "point_value_theirs": 1200}
    assert transfer_checks(priced(concessions=right)) == []
    assert transfer_checks(priced()) == []  # no exchange rate: silent


def step(cost: float, value: float) -> dict:
    return {
        "if_they_give": "Term",
        "we_give": "Price to 30",
        "our_variable_id": "price",
        "our_from_option_id": "p40",
        "our_to_option_id": "p30",
        "our_cost": cost,
        "their_value": value,
    }


def test_a_step_cost_that_its_options_do_not_imply():
    found = step_value_checks(priced(concessions={"steps": [step(1000, 1200)]}))
    assert len(found) == 1 and "EUR 1,000" in found[0].reason and "EUR 1,200" in found[0].reason
    assert step_value_checks(priced(concessions={"steps": [step(1200, 1200)]})) == []


def constraint(text: str, up_front: bool = True) -> dict:
    return {"disclosures": [{"kind": "constraint", "text": text, "share_up_front": up_front}]}


def test_a_shared_policy_limit_that_an_option_breaks():
    tight = priced(relationship=constraint("No more than 30-day payment terms"))
    found = policy_checks(tight)
    assert [c.subject for c in found] == ["Payment terms: 45 days"]
    assert (
        policy_checks(priced(relationship=constraint("We cannot go beyond 60-day payment"))) == []
    )
    hidden = priced(relationship=constraint("No more than 30-day payment", up_front=False))
    assert policy_checks(hidden) == []


def test_a_shared_policy_limit_that_a_step_breaks():
    p = priced(
        relationship=constraint("No more than 60-day payment"),
        concessions={"steps": [{"if_they_give": "Volume", "we_give": "Payment in 90 days"}]},
    )
    assert [c.subject for c in policy_checks(p)] == ["Step 1"]


def test_a_move_off_the_agenda_or_where_we_do_not_compete():
    p = plan(
        strategy={"not_compete_where": ["Lowest price per device for basic tracking"]},
        concessions={"variables": [{"id": "ex", "name": "Exclusivity", "on_agenda": False}]},
        scenarios={
            "moves": [
                {"name": "Offer exclusivity", "variable_id": "ex"},
                {"name": "Match the lowest price per device"},
                {"name": "Bundle training"},
            ]
        },
    )
    assert [c.subject for c in scenario_checks(p)] == [
        "Offer exclusivity",
        "Match the lowest price per device",
    ]


def test_a_benefit_quantity_against_its_own_working():
    item = {"name": "Hours", "quantity": 1500, "unit": "hours", "quantity_basis": "2,400 × 0.24"}
    found = value_checks(plan(value={"value_items": [item]}))
    assert len(found) == 1 and "gives 576" in found[0].reason
    assert value_checks(plan(value={"value_items": [{**item, "quantity": 576}]})) == []
    vague = {**item, "quantity_basis": "about a day a week"}
    assert value_checks(plan(value={"value_items": [vague]})) == []


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("2,400 × 0.24", 576),
        ("3 x 2 x 12 x 8", 576),
        ("(720 - 540) * 1", 180),
        ("9000000 * 3 %", 270000),
        ("__import__('os')", None),
        ("1 / 0", None),
        ("", None),
    ],
)
def test_evaluate_reads_plain_sums_only(formula, expected):
    assert evaluate(formula) == expected


def test_a_ledger_entry_against_the_options_it_names():
    names = {"variable_id": "price", "from_option_id": "p40", "to_option_id": "p30"}
    wrong = priced(ledger={"entries": [entry(1, "given", 1000, 1200, **names)]})
    found = ledger_checks(wrong)
    assert len(found) == 1 and "its value to us" in found[0].reason
    right = priced(ledger={"entries": [entry(1, "given", 1200, 1200, **names)]})
    assert ledger_checks(right) == []
    assert ledger_checks(priced(ledger={"entries": [entry(1, "given", 5, 5)]})) == []


def test_checks_are_silent_on_an_empty_plan():
    assert consistency_checks(plan()) == []


# --- the worked example adds up ----------------------------------------------------------


def test_the_example_passes_every_check_but_its_teaching_mistake():
    from workbook.analysis.meeting import debrief_flags, meeting_flags
    from workbook.analysis.preparation import (
        decision_flags,
        discovery_flags,
        mandate_flags,
        tactic_flags,
    )
    from workbook.analysis.strategy import fit_check
    from workbook.analysis.value import value_flags
    from workbook.store import example_plan, example_strategic_plan

    p = example_plan()
    assert consistency_checks(p) == []
    flags = (
        ledger_flags(p)
        + plan_checks(p)
        + relationship_flags(p)
        + value_flags(p.value)
        + fit_check(p.strategy, example_strategic_plan().objectives).flags
        + discovery_flags(p)
        + mandate_flags(p)
        + decision_flags(p)
        + tactic_flags(p)
        + meeting_flags(p)
        + debrief_flags(p)
    )
    assert [(f.severity, f.subject) for f in flags] == [
        ("problem", "Dashboard training for dispatchers")
    ]
    first = p.concessions.positions.first_offer
    assert first.who_opens == "us" and first.our_figure == p.concessions.positions.ours.opening
    assert first.criteria.strip()


def test_a_variable_named_like_money_but_not_ticked_is_flagged():
    from workbook.store import example_plan

    p = example_plan()
    assert money_variable_checks(p) == []
    variables = [v.model_dump() for v in p.concessions.variables]
    variables.append({"id": "disc", "name": "Discount", "options": []})
    variables.append({"id": "days", "name": "Payment days", "money": True, "options": []})
    variables.append({"id": "svc", "name": "Service level", "options": []})
    plan = m.Plan.model_validate(
        {**p.model_dump(), "concessions": {**p.concessions.model_dump(), "variables": variables}}
    )
    checks = money_variable_checks(plan)
    assert [(c.subject, c.section) for c in checks] == [("Discount", "concessions")]
    assert "Discount: looks like money" in checks[0].text
    assert "tick 'money' so it is treated as a transfer" in checks[0].text
    assert checks[0] in consistency_checks(plan)


def test_the_example_figures_recompute_by_hand():
    from workbook.store import example_plan

    p = example_plan()
    c = p.concessions
    assert c.volume * c.term_months == 86_400
    assert (c.positions.ours.opening, c.positions.ours.target) == (52.00 * 86_400, 48.50 * 86_400)
    assert p.deal_value == c.positions.ours.target
    assert p.value.annual_price == 2_400 * 48.50 * 12
    assert p.value.alternative.annual_cost == 2_400 * 28.00 * 12
    legacy = next(link for link in p.relationship.links if link.id == "li-legacy")
    assert legacy.annual_value == 900 * 55.00 * 12
    totals = value_totals(p.value)
    assert totals.annual == 180 * 2_400 + 270_000 * 1.6 + 576 * 55 + 250_000 * 0.2
    assert totals.payback_months == round(12 * 300_000 / (945_680 - 1_396_800 + 806_400), 1)


# --- where the checks and the room's needs are shown -------------------------------------


def test_the_brief_lists_checks_before_the_meeting():
    from workbook.brief import brief_markdown

    tripped = plan(
        value={"value_items": [{"name": "Hours", "quantity": 1500, "quantity_basis": "2400*0.24"}]}
    )
    text = brief_markdown(tripped)
    assert "## Check before the meeting" in text
    assert "Hours: the quantity is 1,500" in text and "Fix: the quantity" in text
    assert "The plan's figures agree with each other." in brief_markdown(plan())


def test_the_brief_carries_what_the_team_needs_in_the_room():
    from workbook.brief import brief_markdown
    from workbook.store import example_plan

    p = example_plan()
    text = brief_markdown(p)
    script = p.concessions.no_reciprocity
    for line in (script.pause, script.batna_check, script.name_it, script.ask_for):
        assert line in text
    assert p.relationship.step_back_when in text
    assert p.relationship.pressure.decision in text
    assert all(s.text in text for s in p.strategy.strengths)
    assert all(f"{c.member}: {c.contribution}" in text for c in p.strategy.contributions)
    assert all(player.name in text for player in p.relationship.players)
    assert "First offer: We open at EUR 4,492,800" in text


def test_a_section_shows_the_checks_that_concern_it(tmp_path):
    from tests.helpers import ManualScheduler
    from workbook.store import PlanStore
    from workbook.ui.app import WorkbookApp

    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()
        app = WorkbookApp(store, scheduler=ManualScheduler()).start()
        app.show("value")
        view = app.views["value"]
        assert view.checks.value == ""
        app.session.set(("value", "value_items", 2, "quantity"), 1500.0)
        assert "gives 576" in view.checks.value and "Fix: the quantity" in view.checks.value
        app.show("concessions")
        assert app.views["concessions"].checks.value == ""


def test_the_ledger_view_says_what_the_figures_say(tmp_path):
    from tests.helpers import ManualScheduler
    from workbook.store import PlanStore
    from workbook.ui.app import WorkbookApp

    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()
        app = WorkbookApp(store, scheduler=ManualScheduler()).start()
        app.show("ledger")
        view = app.views["ledger"]
        log = m.Ledger(entries=[entry(1, "given", 18, 25), entry(2, "received", 82, 20)])
        app.session.set(("ledger",), log)
        words = re.sub(r"<[^>]+>", "", view.panels["ledger.balance"].text)
        figures = [float(x.replace(",", "")) for x in re.findall(r"EUR ([\d,]+)", words)]
        balance = ledger_balance(app.session.plan.ledger)
        assert (
            figures
            == [
                balance.given_to_them,
                balance.given_cost,
                balance.received_to_us,
                balance.received_cost,
            ]
            == [25, 18, 82, 20]
        )
        assert "worth EUR 82 to us" in words and "18 %" not in words
