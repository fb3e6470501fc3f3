"""Concession planner and live ledger: analysis, checks, charts and views."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from tests.helpers import ManualScheduler, bound, find, find_all
from workbook import model as m
from workbook.analysis.concessions import package_view, plan_checks, trade_currency, trades, zopa
from workbook.analysis.ledger import ledger_flags, ledger_rows, ledger_status
from workbook.charts.concessions import ledger_chart, package_chart, trade_chart, zopa_chart
from workbook.store import PlanStore, example_plan
from workbook.ui.app import WorkbookApp
from workbook.ui.forms import RowTable, bindings_under


def planner(**kw) -> m.ConcessionPlanner:
    return m.ConcessionPlanner.model_validate(kw)


def plan(**kw) -> m.Plan:
    return m.Plan.model_validate({"name": "x", **kw})


VARIABLES = [
    {
        "id": "price",
        "name": "Price",
        "weight_ours": 100,
        "weight_theirs": 100,
        "options": [
            {"id": "p1", "label": "high", "ours": 10, "theirs": 0},
            {"id": "p2", "label": "low", "ours": 2, "theirs": 9},
        ],
    },
    {
        "id": "pay",
        "name": "Payment",
        "weight_ours": 100,
        "weight_theirs": 100,
        "options": [
            {"id": "d30", "label": "30 days", "ours": 3, "theirs": 0},
            {"id": "d60", "label": "60 days", "ours": 2, "theirs": 6},
        ],
    },
    {
        "id": "excl",
        "name": "Exclusivity",
        "on_agenda": False,
        "options": [
            {"id": "e0", "label": "none", "ours": 0, "theirs": 5},
            {"id": "e1", "label": "3 years", "ours": 5, "theirs": 0},
        ],
    },
]


def test_trade_currency_puts_cheap_and_valuable_first():
    trades = trade_currency(planner(variables=VARIABLES))
    first = trades.iloc[0]
    assert (first.variable, first.to_option, first.quadrant) == (
        "Payment",
        "60 days",
        "trade currency",
    )
    assert first.cost_to_us == 1 and first.value_to_them == 6
    assert set(trades["quadrant"]) <= {"trade currency", "throw-in", "bargaining chip", "avoid"}
    assert trade_currency(planner()).empty


@pytest.mark.parametrize(
    ("side", "ours", "theirs", "exists", "text"),
    [
        ("sell", 100, 120, True, "Zone of possible agreement: EUR 100 to EUR 120 (EUR 20 wide)."),
        ("sell", 130, 120, False, "There is no zone of possible agreement"),
        ("buy", 120, 100, True, "Zone of possible agreement: EUR 100 to EUR 120"),
        (
            "buy",
            90,
            100,
            False,
            "the seller needs at least EUR 100, the buyer goes no higher than EUR 90",
        ),
    ],
)
def test_zone_of_possible_agreement(side, ours, theirs, exists, text):
    zone = zopa(
        plan(
            side=side,
            concessions={
                "positions": {"ours": {"reservation": ours}, "theirs": {"reservation": theirs}}
            },
        )
    )
    assert zone.exists is exists and text in zone.statement


def test_zone_needs_both_walk_away_points():
    assert zopa(plan()).exists is None


def test_package_view_uses_the_agenda_and_finds_the_offer():
    p = planner(variables=VARIABLES, current_offer={"price": "p1", "pay": "d60"})
    view = package_view(p)
    assert view.total == 4 and not view.sampled
    assert set(view.frontier.columns) == {"ours", "theirs", "Price", "Payment"}
    assert (view.current["ours"], view.current["theirs"]) == (12, 6)
    assert (view.nash["Price"], view.nash["Payment"]) == ("high", "60 days")
    assert package_view(planner()) is None


def test_large_package_spaces_are_sampled():
    variables = [
        {
            "name": f"v{i}",
            "options": [{"label": f"o{j}", "ours": j, "theirs": 5 - j} for j in range(5)],
        }
        for i in range(8)
    ]
    view = package_view(planner(variables=variables))
    assert view.sampled and view.total == 5**8 and len(view.space) == 4000


def test_the_package_chart_draws_a_spread_sample_of_a_large_space():
    from workbook.charts.concessions import DRAWN_PACKAGES

    variables = [
        {
            "name": f"v{i}",
            "options": [{"label": f"o{j}", "ours": j, "theirs": 5 - j} for j in range(5)],
        }
        for i in range(5)
    ]
    view = package_view(planner(variables=variables))  # 3,125 packages, every one listed
    assert not view.sampled and len(view.space_ours) == 5**5 > DRAWN_PACKAGES
    space = package_chart(view).data[0]
    assert len(space.x) == DRAWN_PACKAGES == len(space.y)
    assert space.name == f"packages (sample of {DRAWN_PACKAGES:,} of 3,125)"
    # a pick across the whole space, not its first packages (which share their first options)
    assert max(space.x) > max(view.space_ours[:DRAWN_PACKAGES])
    assert package_chart(view).data[0].x == space.x  # the same pick each time


def test_step_asking_nothing_in_return_is_refused():
    for nothing in ("", "  ", "nothing", "N/A", "goodwill"):
        with pytest.raises(ValidationError, match="no concession goes unanswered"):
            m.ConcessionStep(if_they_give=nothing, we_give="Free training")


def test_plan_checks():
    p = plan(
        side="buy",
        concessions={
            "variables": VARIABLES,
            "positions": {
                "market_reference": 100,
                "anchor_threshold_pct": 30,
                "theirs": {"opening": 400},
                "ours": {"opening": 95},
            },
            "steps": [
                {
                    "if_they_give": "Volume",
                    "we_give": "Exclusivity",
                    "our_variable_id": "excl",
                    "our_cost": 10,
                    "their_value": 20,
                },
                {
                    "if_they_give": "Calm",
                    "we_give": "Credit",
                    "our_cost": 12,
                    "their_value": 5,
                    "reason_kind": "relationship",
                },
            ],
        },
    )
    reasons = [f"{f.subject}: {f.reason}" for f in plan_checks(p)]
    assert any(
        r.startswith("Their opening: 300% from the market reference") and "re-anchor" in r
        for r in reasons
    )
    assert not any(r.startswith("Our opening") for r in reasons)
    assert (
        "Step 1: we give on Exclusivity, which is not on the agreed agenda: scope creep" in reasons
    )
    assert any("meant to solve a relationship problem" in r for r in reasons)
    assert any(r.startswith("Step 2: larger than the step before, on another") for r in reasons)
    assert not any(
        f.severity == "problem" and f.subject == "Step 2" and "larger" in f.reason
        for f in plan_checks(p)
    )
    assert any("costs us more than it is worth to them" in r for r in reasons)
    assert any(r.startswith("No reciprocity") for r in reasons)


def entry(i, direction, value, answers=None, variable=None):
    return {
        "id": f"e{i}",
        "at": dt.datetime(2026, 12, 8, 9, i, tzinfo=dt.UTC),
        "direction": direction,
        "description": f"c{i}",
        "value_ours": value,
        "answers": answers,
        "variable_id": variable,
    }


def test_ledger_pairs_answers_and_flags_the_unanswered_at_once():
    ledger = m.Ledger(
        entries=[
            entry(1, "given", 10),
            entry(2, "received", 12),
            entry(3, "given", 5),
            entry(4, "given", 4),
            entry(5, "received", 6, answers="e3"),
        ]
    )
    status = ledger_status(ledger)
    assert list(status["answered_by"]) == ["e2", "", "e5", "", ""]
    assert list(status["description"][status["unanswered"]]) == ["c4"]
    assert status["share_given"].iloc[-1] == round(19 / 37, 3)
    flags = ledger_flags(m.Plan(name="x", ledger=ledger))
    assert [f.subject for f in flags if f.severity == "problem"] == ["c4", "2 concessions in a row"]


def test_ledger_off_agenda_moves():
    ledger = m.Ledger(entries=[entry(1, "given", 90, variable="excl"), entry(2, "received", 10)])
    p = plan(ledger=ledger.model_dump(), concessions={"variables": VARIABLES})
    reasons = [f.reason for f in ledger_flags(p)]
    assert "moves Exclusivity, which was never on the agenda: scope creep" in reasons
    assert ledger_status(m.Ledger()).empty


def test_charts():
    example = example_plan()
    assert len(trade_chart(trades(example.concessions)).data) >= 3
    view = package_view(example.concessions)
    names = [t.name for t in package_chart(view).data]
    assert any(n.startswith("Pareto frontier") for n in names) and "Nash package" in names
    assert "zone of agreement" in str(
        zopa_chart(example, zopa(example)).layout.shapes
    ) or zopa_chart(example, zopa(example)).layout.title.text.startswith("Positions")
    figure = ledger_chart(ledger_rows(example.ledger), "EUR")
    assert len(figure.data[0].x) == len(ledger_status(example.ledger)) == 5


# --- views ----------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()
        yield WorkbookApp(store, scheduler=ManualScheduler()).start()


def test_adding_an_option_redraws_the_frontier(app):
    app.show("concessions")
    view = app.views["concessions"]
    before = view.panels["concessions.packages"].chart("packages").figure.data[1].name
    options = next(
        t
        for t in find_all(view.widget, kind=RowTable)
        if t.path == ("concessions", "variables", 2, "options")
    )
    options._new_widgets["label"].value = "15 days"
    options._new_widgets["ours"].value = "100"
    options._new_widgets["theirs"].value = "100"
    assert options.add() is None
    assert view.panels["concessions.packages"].chart("packages").figure.data[1].name != before
    assert "possible packages" in view.panels["concessions.packages"].text


def test_emptying_a_step_request_is_refused_next_to_the_field(app):
    app.show("concessions")
    view = app.views["concessions"]
    field = bound(view.widget, ("concessions", "steps", 0, "if_they_give"))
    field.widget.value = ""
    assert "no concession goes unanswered" in field.message.text
    assert app.session.plan.concessions.steps[0].if_they_give == "A three-year term instead of one"


def test_ledger_view_alerts_the_unanswered_concession_and_clears_it(app):
    app.show("ledger")
    view = app.views["ledger"]
    assert "Unanswered: Dashboard training for dispatchers" in view.panels["ledger.alert"].text
    table = next(t for t in find_all(view.widget, kind=RowTable) if t.path == ("ledger", "entries"))
    table._new_widgets["direction"].value = "received"
    table._new_widgets["description"].value = "Reference visit agreed"
    table._new_widgets["value_ours"].value = table._new_widgets["value_theirs"].value = "0"
    table._new_widgets["answers"].value = "lg-5"
    assert table.add() is None
    assert "Every concession we gave has been answered" in view.panels["ledger.alert"].text


def test_an_answer_must_come_from_the_other_side():
    with pytest.raises(ValidationError, match="both are concessions we gave"):
        m.Ledger(entries=[entry(1, "given", 10), entry(2, "given", 5, answers="e1")])
    with pytest.raises(ValidationError, match="both are concessions we received"):
        m.Ledger(entries=[entry(1, "received", 10), entry(2, "received", 5, answers="e1")])
    m.Ledger(entries=[entry(1, "received", 10), entry(2, "given", 5, answers="e1")])


def test_the_answers_dropdown_offers_earlier_entries_of_the_other_direction(app):
    app.show("ledger")
    view = app.views["ledger"]

    def offered(index):
        widget = bound(view.widget, ("ledger", "entries", index, "answers")).widget
        return [label for label, _ in widget.options]

    assert offered(2) == ["—", "Three-year term agreed"]
    assert offered(3) == [
        "—",
        "Price from EUR 52.00 to EUR 49.90",
        "Price from EUR 49.90 to EUR 48.50",
    ]
    problem = app.session.set(("ledger", "entries", 2, "answers"), "lg-1")
    assert problem and "both are concessions we gave" in problem
    assert app.session.plan.ledger.entries[2].answers is None


def test_an_answer_taken_from_the_order_is_shown_in_the_row_and_the_export(app):
    import io

    from openpyxl import load_workbook

    from workbook.brief import export_brief
    from workbook.tables import plan_tables

    app.show("ledger")
    view = app.views["ledger"]
    table = next(t for t in find_all(view.widget, kind=RowTable) if t.path == ("ledger", "entries"))
    table._new_widgets["direction"].value = "received"
    table._new_widgets["at"].value = "2026-12-08 12:00"
    table._new_widgets["description"].value = "Extra promo week"
    table._new_widgets["value_ours"].value = table._new_widgets["value_theirs"].value = "0"
    assert table.add() is None
    assert "Every concession we gave has been answered" in view.panels["ledger.alert"].text
    notes = [w.value for w in find_all(view.widget, "nw-ledger-inferred")]
    assert notes[-1].count("answers Dashboard training for dispatchers, taken from the order") == 1
    assert [n for n in notes[:-1] if n] == []
    frame = plan_tables(app.session.plan)["ledger"]
    assert list(frame["answers"])[-1] == "lg-5"
    book = load_workbook(io.BytesIO(export_brief(app.session.plan, "xlsx")))
    sheet = book["Concession ledger"]
    headers = [c.value for c in sheet[1]]
    answers = sheet.cell(row=sheet.max_row, column=headers.index("Answers") + 1).value
    assert answers == "Dashboard training for dispatchers"
    # the entry's description is escaped once: "&" reads as "&", "<" never becomes markup
    answered = next(i for i, e in enumerate(app.session.plan.ledger.entries) if e.id == "lg-5")
    app.session.set(("ledger", "entries", answered, "description"), "R&D <b>days</b>")
    notes = [w.value for w in find_all(view.widget, "nw-ledger-inferred")]
    assert "answers R&amp;D &lt;b&gt;days&lt;/b&gt;, taken from the order" in notes[-1]


def test_a_long_pareto_frontier_is_drawn_as_a_line_a_short_one_with_its_points():
    import numpy as np

    from workbook.analysis.concessions import PackageView
    from workbook.analysis.packages import frontier
    from workbook.charts.concessions import MARKED_FRONTIER

    def frontier_mode(points: int) -> str:
        options = [("a", f"o{i}", float(i), float(points - i)) for i in range(points)]
        pareto = frontier(options)
        assert len(pareto) == points
        ours, theirs = np.arange(points, dtype=float), np.arange(points, 0, -1) - 1.0
        view = PackageView(ours, theirs, False, points, pareto, None, None, None, 0.0, 0.0)
        return package_chart(view).data[1].mode

    assert frontier_mode(12) == "lines+markers"
    assert frontier_mode(MARKED_FRONTIER + 1) == "lines"  # thousands of markers draw slowly


def test_the_offer_editor_shows_its_first_variables_and_the_rest_on_request(tmp_path):
    from workbook.ui.forms.table import FIRST_ROWS

    example = example_plan()
    more = [
        m.Variable(name=f"Variable {i}", options=[m.Option(label="As is"), m.Option(label="More")])
        for i in range(50 - len(example.concessions.variables))
    ]
    example.concessions.variables += more
    with PlanStore(tmp_path / "plans.sqlite") as store:
        plan_id = store.create(example).plan.id
        app = WorkbookApp(store, scheduler=ManualScheduler()).start(plan=plan_id)
        app.show("concessions")
        editor = find(app.views["concessions"].widget, "nw-offer-editor")
        assert len(find_all(editor, "nw-offer")) == FIRST_ROWS
        button = find(editor, "nw-more-rows")
        assert button.description == f"Show {50 - FIRST_ROWS} more variables"
        button.click()
        dropdowns = find_all(editor, "nw-offer")
        assert len(dropdowns) == 50 and find_all(editor, "nw-more-rows") == []
        last = more[-1]
        dropdowns[-1].value = last.options[1].id
        assert app.session.plan.concessions.current_offer[last.id] == last.options[1].id
        app.session.flush()
        assert store.load(plan_id).plan.concessions.current_offer[last.id] == last.options[1].id


def test_variables_with_many_options_show_fewer_first_rows_and_the_rest_on_request(tmp_path):
    from workbook.ui.forms.table import FIRST_ROWS

    example = plan(name="Many options")
    options = [m.Option(label=f"Step {k}", ours=10 * k, theirs=100 - 10 * k) for k in range(6)]
    example.concessions.variables = [
        m.Variable(name=f"Variable {i}", options=[o.model_copy() for o in options])
        for i in range(FIRST_ROWS + 4)
    ]
    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()  # its six variables and nineteen options are shown at once
        plan_id = store.create(example).plan.id
        app = WorkbookApp(store, scheduler=ManualScheduler()).start(plan=plan_id)
        app.show("concessions")
        variables = ("concessions", "variables")
        table = next(
            t
            for t in find_all(app.views["concessions"].widget, kind=RowTable)
            if t.path == variables
        )
        names = sorted(b.path[2] for b in bindings_under(table) if b.path[3:] == ("name",))
        assert 2 <= len(names) < FIRST_ROWS and names == list(range(len(names)))
        button = find(table, "nw-more-rows")
        assert button.description == f"Show {FIRST_ROWS + 4 - len(names)} more rows"
        button.click()
        last = len(example.concessions.variables) - 1
        option = bound(table, (*variables, last, "options", 5, "label")).widget
        option.value = "Last step"
        assert app.session.plan.concessions.variables[last].options[5].label == "Last step"
        example_app = WorkbookApp(store, scheduler=ManualScheduler()).start(
            plan="example-northwind"
        )
        example_app.show("concessions")
        assert find_all(example_app.views["concessions"].widget, "nw-more-rows") == []
