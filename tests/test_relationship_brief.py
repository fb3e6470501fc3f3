"""Relationship and trust analysis, and the brief with its exports."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from tests.helpers import ManualScheduler, find, poison
from workbook import model as m
from workbook.analysis.concessions import plan_checks
from workbook.analysis.relationship import (
    business_totals,
    mentions_concession,
    mode_advice,
    player_rows,
    players_frame,
    reciprocity_balance,
    relationship_flags,
    sharing_ladder,
)
from workbook.brief import EXPORT_FORMATS, brief_html, brief_markdown, export_brief
from workbook.brief_md import md
from workbook.charts.relationship import balance_chart, stakeholder_map
from workbook.cli import main
from workbook.store import PlanStore, example_plan
from workbook.ui.app import WorkbookApp


def rel(**kw) -> m.Relationship:
    return m.Relationship.model_validate(kw)


def test_business_both_ways():
    r = rel(
        links=[
            {"direction": "they_buy", "description": "Tracking", "annual_value": 100},
            {"direction": "we_buy", "description": "Freight", "annual_value": 40},
            {"direction": "they_buy", "description": "Support", "annual_value": 10},
        ]
    )
    totals = business_totals(r)
    assert (totals.they_buy, totals.we_buy) == (110, 40)
    assert totals.summary("EUR") == (
        "They buy EUR 110 a year from us; we buy EUR 40 a year from them."
    )
    assert business_totals(rel()).summary() == (
        "No existing business recorded between the two companies."
    )


@pytest.mark.parametrize(
    ("ours", "theirs", "share", "fair", "start"),
    [
        (6, 4, 0.6, True, "Balanced"),
        (4, 6, 0.4, True, "Balanced"),
        (9, 1, 0.9, False, "We carry the relationship (90/10)"),
        (1, 4, 0.2, False, "They carry the relationship"),
    ],
)
def test_balance_against_the_60_40_band(ours, theirs, share, fair, start):
    r = rel(
        contributions=[
            {"side": "ours", "what": "a", "value": ours},
            {"side": "theirs", "what": "b", "value": theirs},
        ]
    )
    balance = reciprocity_balance(r)
    assert balance.share_ours == share and balance.fair is fair
    assert balance.verdict.startswith(start)


def test_balance_without_contributions_says_what_to_do():
    balance = reciprocity_balance(rel())
    assert balance.share_ours is None and "List what each side contributes" in balance.verdict


def test_sharing_ladder_orders_up_front_then_low_risk_and_advises():
    r = rel(
        trust_level=1,
        disclosures=[
            {"text": "Cost floor", "risk": 5, "kind": "information"},
            {"text": "Roadmap", "risk": 3, "kind": "information", "hope_to_learn": "Timeline"},
            {
                "text": "Data stays in the EU",
                "risk": 1,
                "kind": "constraint",
                "share_up_front": True,
            },
            {"text": "Margin target", "risk": 4, "share_up_front": True},
        ],
    )
    ladder = sharing_ladder(r)
    assert list(ladder["text"]) == [
        "Data stays in the EU",
        "Roadmap",
        "Margin target",
        "Cost floor",
    ]
    assert list(ladder["keep_back"]) == [False, False, True, True]
    advice = dict(zip(ladder["text"], ladder["advice"], strict=True))
    assert advice["Margin target"].startswith("high risk: keep it back")
    assert advice["Cost floor"].startswith("high risk: keep it back")
    assert advice["Roadmap"].startswith("trust is low")
    assert advice["Data stays in the EU"] == ""


def test_relationship_flags_cover_pressure_balance_and_separation():
    plan = m.Plan(
        name="x",
        relationship={
            "pressure": {"present": True},
            "contributions": [
                {"side": "ours", "what": "a", "value": 9},
                {"side": "theirs", "what": "b", "value": 1},
            ],
            "issues": [
                {
                    "text": "Angry ops team",
                    "kind": "relationship",
                    "handling": "Give them a discount",
                }
            ],
        },
        concessions={
            "steps": [
                {"if_they_give": "calm", "we_give": "Free training", "reason_kind": "communication"}
            ]
        },
    )
    reasons = {f.reason for f in relationship_flags(plan)}
    assert "name the senior person who decides, apart from the sourcing team" in reasons
    assert "plan how a losing bidder hears why, every time" in reasons
    assert "we carry the relationship and have not said what we need in return" in reasons
    assert (
        "a relationship problem handled with a business concession; talk it through instead"
    ) in reasons
    assert not any("communication problem" in r for r in reasons)
    assert sum("communication problem" in f.reason for f in plan_checks(plan)) == 1
    assert "decide which this deal is: it changes how you trade" in reasons


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A service review; not a price concession.", False),
        ("Give them a discount", True),
        ("Talk it through, never with a discount", False),
        ("Weekly call with their ops lead", False),
    ],
)
def test_concession_words_respect_negation(text, expected):
    assert mentions_concession(text) is expected


def test_mode_advice_and_charts():
    assert "answer every move" in mode_advice(rel(mode="relationship"))
    assert "value of each move" in mode_advice(rel(mode="transaction"))
    players = players_frame(example_plan().relationship)
    figure = stakeholder_map(player_rows(example_plan().relationship))
    assert sum(len(t.x) for t in figure.data) == len(players)
    balance = reciprocity_balance(example_plan().relationship)
    assert balance_chart(balance, 0.6).data[0].x[0] == pytest.approx(62)


# --- the brief -----------------------------------------------------------------------


def test_every_export_escapes_user_text():
    plan = poison(example_plan())
    assert plan.counterpart.startswith("<img") and plan.strategy.compete_where[0].startswith("<")
    page = brief_html(plan, charts=False)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    text = brief_markdown(plan)
    assert "\\<img" in text and "<img" not in text.replace("\\<img", "")
    assert "\\[x\\](javascript" in text
    assert md("- not a list") == "\\- not a list"
    book = load_workbook(io.BytesIO(export_brief(plan, "xlsx")))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert any(isinstance(c.value, str) and "=cmd" in c.value for c in cells)
    assert all(c.data_type != "f" for c in cells)
    assert json.loads(export_brief(plan, "json"))["counterpart"].startswith("<img")


def test_html_export_is_self_contained_with_charts_and_a_strict_policy():
    page = brief_html(example_plan())
    assert '<figure class="nw-chart"><svg ' in page
    assert "Content-Security-Policy" in page and "script-src 'none'" in page
    assert "default-src 'none'" in page and "https://" not in page


def test_xlsx_has_a_sheet_per_table():
    book = load_workbook(io.BytesIO(export_brief(example_plan(), "xlsx")))
    assert {
        "Moves",
        "Concession options",
        "Concession ledger",
        "Strategic fit",
        "Pains and differentiators",
        "Sharing ladder",
    } <= set(book.sheetnames)
    assert book["Moves"]["A1"].value == "Move"
    assert book["Moves"].max_row == 5


def test_cli_exports_every_format(tmp_path, capsys):
    db = tmp_path / "plans.sqlite"
    with PlanStore(db) as store:
        store.ensure_example()
    for fmt in EXPORT_FORMATS:
        out = tmp_path / f"brief.{fmt}"
        assert (
            main(["export", "example-northwind", "--format", fmt, "-o", str(out), "--db", str(db)])
            == 0
        )
        assert out.stat().st_size > 1000
    assert main(["export", "example-northwind", "--format", "xlsx", "--db", str(db)]) == 2
    assert "needs -o FILE" in capsys.readouterr().err
    assert main(["export", "example-northwind", "--format", "md", "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("# Northwind Logistics")


def test_brief_section_shows_the_brief_and_prepares_downloads(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()
        app = WorkbookApp(store, scheduler=ManualScheduler()).start(section="brief")
        view = app.views["brief"]
        assert "Strategic fit" in view.panels["brief.page"].text
        view.session.set(("counterpart",), "Northwind <AB>")
        assert "Northwind &lt;AB&gt;" in view.panels["brief.page"].text
        find(view.widget, "nw-prepare-downloads").click()
        for fmt in EXPORT_FORMATS:
            assert (
                f'download="northwind-logistics-fleet-telematics-renewal-2027-2029.{fmt}"'
                in find(view.widget, "nw-download-links").value
            )
