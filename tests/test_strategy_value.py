"""Strategy alignment and value proposition: analysis, charts and views."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers import ManualScheduler, bound, find_all
from workbook import model as m
from workbook.analysis.strategy import fit_check, flags_frame, scenario_prompts
from workbook.analysis.value import (
    coverage,
    draft_statement,
    driver_comparison,
    driver_rows,
    overall_advantage,
    value_flags,
    value_items,
    value_items_frame,
    value_totals,
)
from workbook.charts.strategy import fit_chart
from workbook.charts.value import coverage_chart, driver_chart, value_chart
from workbook.store import PlanStore, example_plan, example_strategic_plan
from workbook.ui.app import WorkbookApp
from workbook.ui.forms import RowTable

OBJECTIVES = [
    m.Objective(id="o1", title="Grow in logistics"),
    m.Objective(id="o2", title="Open the Nordics"),
]


def objective_choices(view):
    """The options the view's objective dropdowns offer."""
    from workbook.ui.engine import CHOICES

    return CHOICES["objectives"](view.context).compute(view.session)


def strategy(**kw) -> m.StrategyAlignment:
    return m.StrategyAlignment.model_validate(kw)


# --- strategy analysis ----------------------------------------------------------------


def test_deal_serving_no_objective_is_not_strategic():
    fit = fit_check(strategy(), OBJECTIVES)
    assert not fit.strategic and fit.overall == 0 and fit.objectives_served == 0
    assert "Not a strategic negotiation yet" in fit.verdict
    assert ("problem", "Strategic fit") in [(f.severity, f.subject) for f in fit.flags]


def test_fit_per_objective_and_overall():
    fit = fit_check(
        strategy(
            objective_links=[
                {"objective_id": "o1", "strength": 3, "how": "core segment"},
                {"objective_id": "o2", "strength": 1},
            ]
        ),
        OBJECTIVES,
    )
    assert fit.strategic and fit.overall == 100 and fit.objectives_served == 2
    assert list(fit.table["score"]) == [100, 33]
    assert list(fit.table["strength_label"]) == ["central", "weak"]
    assert fit.verdict == "Strategic: serves 2 of 2 objectives; strongest link 100/100."


def test_link_to_a_removed_objective_does_not_count():
    fit = fit_check(
        strategy(objective_links=[{"objective_id": "gone", "title": "Old goal", "strength": 3}]),
        OBJECTIVES,
    )
    assert not fit.strategic
    assert "Old goal" in set(fit.table["objective"])
    assert any("no longer in the strategic plan" in f.reason for f in fit.flags)


@pytest.mark.parametrize(
    "reason",
    [
        "Northwind is our biggest logistics customer",
        "This is our top client",
        "They depend on us",
        "We are a big chunk of their business",
        "Largest revenue in the region",
    ],
)
def test_size_or_dependence_without_an_objective_is_flagged_with_the_reason(reason):
    fit = fit_check(strategy(justifications=[{"text": reason}]), OBJECTIVES)
    flags = [f for f in fit.flags if f.subject == reason]
    assert flags and "not a strategic objective" in flags[0].reason


def test_reason_tied_to_an_objective_is_not_flagged():
    fit = fit_check(
        strategy(
            justifications=[{"text": "Our biggest client in logistics", "objective_id": "o1"}]
        ),
        OBJECTIVES,
    )
    assert not [f for f in fit.flags if f.subject.startswith("Our biggest")]
    fit = fit_check(strategy(justifications=[{"text": "Fits the roadmap"}]), OBJECTIVES)
    flag = next(f for f in fit.flags if f.subject == "Fits the roadmap")
    assert flag.reason == "no strategic objective stands behind this reason"


def test_empty_strategic_plan_is_flagged_and_strengths_need_evidence():
    fit = fit_check(strategy(strengths=[{"text": "Fast"}], compete_where=["Uptime"]), [])
    reasons = flags_frame(fit.flags)["reason"].tolist()
    assert "the company's strategic objectives are not recorded yet" in reasons
    assert "give a past deal where this strength showed" in reasons
    assert "strategy is choice: say where you will not compete" in reasons
    assert len(fit.table) == 0


def test_anticipated_moves_become_scenario_prompts():
    plan = m.Plan(
        name="x",
        strategy={
            "anticipated": [
                {
                    "actor_kind": "competitor",
                    "actor": "Trakko",
                    "move": "Free hardware",
                    "likelihood": 0.3,
                },
                {
                    "actor_kind": "competitor",
                    "actor": "Acme",
                    "move": "Price cut",
                    "likelihood": 0.7,
                },
                {
                    "actor_kind": "customer",
                    "actor": "Buyer",
                    "move": "Run a tender",
                    "likelihood": 0.5,
                },
            ]
        },
        scenarios={"competitors": [{"name": "trakko"}]},
    )
    prompts = scenario_prompts(plan)
    assert list(prompts["actor"]) == ["Acme", "Buyer", "Trakko"]
    assert prompts["prompt"][0] == "Add Acme as a competitor in Scenarios"
    assert prompts["competitor_known"][2]
    assert "earns cooperation" in prompts["prompt"][1]


# --- value analysis -------------------------------------------------------------------


def value(**kw) -> m.ValueProposition:
    return m.ValueProposition.model_validate(kw)


def test_coverage_finds_unanswered_pains_and_unneeded_differentiators():
    v = value(
        pains=[
            {"id": "p1", "text": "Downtime", "priority": 5},
            {"id": "p2", "text": "Paperwork", "priority": 1},
        ],
        differentiators=[
            {"text": "Alerts", "answers": ["p1"]},
            {"text": "Dashboards", "answers": []},
            {"text": "Stale", "answers": ["deleted-pain"]},
        ],
    )
    cover = coverage(v)
    assert cover.matrix.shape == (2, 3) and cover.matrix.loc["Downtime", "Alerts"]
    assert list(cover.unanswered["pain"]) == ["Paperwork"]
    assert cover.unneeded == ["Dashboards", "Stale"]
    assert cover.score == round(100 * 5 / 6)
    assert cover.summary == (
        "83% of what matters to the customer is answered; 1 pain answered by nothing; "
        "2 differentiators nobody asked for."
    )
    empty = coverage(value())
    assert empty.score == 0 and empty.matrix.empty and empty.unneeded == []


def test_quantified_value_payback_and_roi():
    v = value(
        value_items=[
            {"name": "Fuel", "quantity": 1000, "unit_value": 2, "kind": "savings"},
            {"name": "Upsell", "quantity": 10, "unit_value": 100, "kind": "revenue"},
            {
                "name": "Fine",
                "quantity": 1,
                "unit_value": 10_000,
                "probability": 0.1,
                "kind": "risk_avoided",
            },
        ],
        investment=1500,
        horizon_years=2,
    )
    items = value_items_frame(v)
    assert list(items["annual_value"]) == [2000, 1000, 1000]
    totals = value_totals(v)
    assert (totals.savings, totals.revenue, totals.risk_avoided) == (2000, 1000, 1000)
    assert totals.annual == 4000 and totals.over_horizon == 8000 and totals.net == 6500
    assert totals.payback_months == 4.5 and totals.roi == 4.33
    assert value_totals(value(investment=100)).payback_months is None
    assert value_totals(value()).payback_months is None
    assert value_totals(value()).roi is None


def test_driver_comparison_and_advantage():
    v = value(
        drivers=[
            {"name": "Cost", "ours": 4, "alternative": 8, "importance": 2},
            {"name": "Uptime", "ours": 9, "alternative": 5, "importance": 5},
        ]
    )
    table = driver_comparison(v)
    assert list(table["driver"]) == ["Uptime", "Cost"]
    assert list(table["gap"]) == [4, -4]
    assert overall_advantage(v) == round((4 * 5 - 4 * 2) / 7, 2)
    assert overall_advantage(value()) is None


def test_value_flags():
    v = value(
        pains=[{"id": "p1", "text": "Downtime", "priority": 5}],
        differentiators=[{"text": "Alerts", "answers": []}],
        value_items=[{"name": "Fuel"}],
        drivers=[{"name": "Cost"}],
    )
    reasons = [f.reason for f in value_flags(v)]
    assert "a claim without a proof point is an opinion" in reasons
    assert "write down where the figures come from" in reasons
    assert "nothing we offer answers this pain" in reasons
    assert "name what the customer would choose instead" in reasons


def test_draft_statement_uses_the_answers():
    plan = example_plan()
    text = draft_statement(plan, plan.value.framings[0])
    assert text.startswith("For Eva Lindqvist, what matters most is total cost over three years")
    assert "EUR 945,680 a year" in text and "10.1 months" in text
    bare = m.Plan(name="x")
    assert draft_statement(bare, m.StakeholderFraming()).startswith("Answer the questions")


def test_charts_are_figures_with_the_data():
    plan = example_plan()
    fit = fit_check(plan.strategy, example_strategic_plan().objectives)
    figure = fit_chart(fit)
    assert list(figure.data[0].x)[::-1] == list(fit.table["strength"])
    cover = coverage(plan.value)
    z = coverage_chart(cover).data[0].z
    assert (len(z), len(z[0])) == cover.matrix.shape
    drivers = driver_rows(plan.value)
    assert len(driver_chart(drivers, "Alt").data) == 2
    assert "945,680" in value_chart(value_items(plan.value), "EUR", 10.1).layout.title.text
    items = value_items_frame(plan.value)  # the same rows, as a DataFrame for analysts
    assert isinstance(items, pd.DataFrame)
    assert list(items.itertuples(index=False)) == value_items(plan.value)


# --- views ----------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path):
    store = PlanStore(tmp_path / "plans.sqlite")
    store.ensure_example()
    app = WorkbookApp(store, scheduler=ManualScheduler()).start()
    yield app
    store.close()


def test_strategy_view_redraws_the_fit_when_a_link_changes(app):
    app.show("strategy")
    view = app.views["strategy"]
    before = list(view.panels["strategy.fit"].charts[0].figure.data[0].x)
    strength = bound(view.widget, ("strategy", "objective_links", 0, "strength"))
    strength.widget.value = 0
    after = list(view.panels["strategy.fit"].charts[0].figure.data[0].x)
    assert after != before
    assert "Strategic: serves 2 of 4 objectives" in view.panels["strategy.fit"].text


def test_objectives_are_edited_in_the_store_and_shared(app):
    app.show("strategy")
    view = app.views["strategy"]
    table = next(t for t in find_all(view.widget, kind=RowTable) if t.path == ("objectives",))
    table._new_widgets["title"].value = "Win in cold chain"
    assert table.add() is None
    view.objectives.flush()
    company = app.session.plan.company
    assert [o.title for o in app.store.load_strategic_plan(company).objectives][-1] == (
        "Win in cold chain"
    )
    assert "Win in cold chain" in [label for label, _ in objective_choices(view)]
    assert len(view.panels["strategy.fit"].charts[0].figure.data[0].x) == 5


def test_value_view_updates_totals_coverage_and_drafts_a_statement(app):
    app.show("value")
    view = app.views["value"]
    assert "EUR 945,680" in view.panels["value.totals"].text
    quantity = bound(view.widget, ("value", "value_items", 0, "quantity"))
    quantity.widget.value = "360"
    assert "EUR 1,377,680" in view.panels["value.totals"].text
    answers = bound(view.widget, ("value", "differentiators", 3, "answers"))
    answers.widget.value = ("pa-tools",)
    assert "Nobody asked for" not in view.panels["value.coverage"].text
    statement = bound(view.widget, ("value", "framings", 1, "statement"))
    draft = find_all(view.widget, "nw-draft-statement")[1]
    draft.click()
    assert statement.widget.value.startswith("For Marco Ruiz")


def test_value_edit_redraws_only_the_charts_it_changes(app):
    app.show("value")
    view = app.views["value"]
    value_chart = view.panels["value.totals"].charts[0]
    driver_chart = view.panels["value.drivers"].charts[0]
    before = {"value_chart": value_chart.spec, "driver_chart": driver_chart.spec}
    quantity = bound(view.widget, ("value", "value_items", 0, "quantity"))
    quantity.widget.value = "360"
    assert value_chart.spec is not before["value_chart"]
    assert "EUR 1,377,680" in value_chart.figure.layout.title.text
    assert driver_chart.spec is before["driver_chart"]
    ours = bound(view.widget, ("value", "drivers", 0, "ours"))
    ours.widget.value = "2" if ours.widget.value != "2" else "3"
    assert driver_chart.spec is not before["driver_chart"]


def test_unescaped_text_never_reaches_the_value_page(app):
    app.show("value")
    view = app.views["value"]
    bound(view.widget, ("value", "pains", 3, "text")).widget.value = "<script>x()</script>"
    assert "<script>" not in view.panels["value.coverage"].text
    assert "&lt;script&gt;" in view.panels["value.coverage"].text


def test_a_benefit_is_added_with_its_working_and_the_quantity_follows_from_it(app):
    app.show("value")
    view = app.views["value"]
    table = next(
        t for t in find_all(view.widget, kind=RowTable) if t.path == ("value", "value_items")
    )
    assert "quantity_basis" in table._new_widgets
    assert table._label(next(c for c in table.form if c.field == "quantity_basis")) == (
        "Quantity worked out as"
    )
    help_text = view.content.question("value.value_items").help
    assert '"Quantity worked out as"' in help_text
    table._new_widgets["name"].value = "Less planning"
    table._new_widgets["quantity_basis"].value = "lots of hours"
    assert table.add().startswith("Quantity worked out as: 'lots of hours' is not a plain sum")
    table._new_widgets["quantity_basis"].value = "12 * 4"
    assert table._new_widgets["quantity"].value == ""
    assert table.add() is None
    item = app.session.plan.value.value_items[-1]
    assert (item.name, item.quantity, item.quantity_basis) == ("Less planning", 48.0, "12 * 4")


def test_an_empty_quantity_follows_from_its_working_without_eval():
    assert m.ValueItem(name="x", quantity_basis="3 * 2 * 12 * 8").quantity == 576
    assert m.ValueItem(name="x", quantity=None, quantity_basis="2,400 × 24%").quantity == 576
    assert m.ValueItem(name="x", quantity=5, quantity_basis="12 * 4").quantity == 5
    assert m.ValueItem(name="x", quantity_basis="__import__('os').getcwd()").quantity == 0
    assert m.ValueItem(name="x", quantity_basis="-3 * 4").quantity == 0
