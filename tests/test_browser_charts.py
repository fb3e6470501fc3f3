"""Charts drawn by plotly.js in Chromium: no label covers another or leaves the figure."""

from __future__ import annotations

from typing import Any

import plotly.io as pio
import pytest

from workbook import model as m
from workbook.analysis.ledger import ledger_rows
from workbook.analysis.relationship import player_rows
from workbook.analysis.scenarios import disagreements, expectations
from workbook.charts.concessions import ledger_chart
from workbook.charts.relationship import stakeholder_map
from workbook.charts.scenarios import disagreement_chart, quadrant_chart
from workbook.store import example_plan

pytestmark = pytest.mark.browser

LABELS = ", ".join(
    [
        ".textpoint text",
        ".annotation-text",
        ".legendtext",
        ".xtick text",
        ".ytick text",
        ".gtitle",
        ".xtitle",
        ".ytitle",
    ]
)


def crowded_scenarios() -> m.Scenarios:
    """Moves with long names whose results sit almost on one spot, and three people."""
    plan = example_plan()
    moves = []
    for k, move in enumerate(plan.scenarios.moves):
        long_name = f"{move.name}, with a long explanation of who, what and how much {k}"
        moves.append(move.model_copy(update={"name": long_name}))
    return plan.scenarios.model_copy(update={"moves": moves})


def many_moves(count: int = 40) -> m.Scenarios:
    """More moves than the quadrant names one by one."""
    given = example_plan().scenarios
    moves = [
        move.model_copy(update={"id": f"mv-{k}", "name": f"{move.name} {k}"})
        for k, move in enumerate(given.moves[k % len(given.moves)] for k in range(count))
    ]
    return given.model_copy(update={"moves": moves})


def crowded_players() -> m.Relationship:
    rel = example_plan().relationship
    people = [
        m.Player(name=f"Stakeholder with a long name {k}", side="theirs", stance=-1, influence=2)
        for k in range(3)
    ]
    return rel.model_copy(update={"players": [*rel.players, *people]})


def figures() -> dict[str, Any]:
    plan = example_plan()
    one_entry = plan.ledger.model_copy(update={"entries": plan.ledger.entries[:1]})
    crowded = crowded_scenarios()
    return {
        "quadrant": quadrant_chart(expectations(plan.scenarios), plan.currency),
        "quadrant, long names": quadrant_chart(expectations(crowded), plan.currency),
        "quadrant, many moves": quadrant_chart(expectations(many_moves()), plan.currency),
        "disagreement, long names": disagreement_chart(disagreements(crowded)),
        "key players, three on one spot": stakeholder_map(player_rows(crowded_players())),
        "ledger, one entry": ledger_chart(ledger_rows(one_entry), plan.currency),
    }


def label_boxes(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """selector => {
            const root = document.querySelector('.main-svg').getBoundingClientRect();
            const boxes = [...document.querySelectorAll(selector)]
                .filter(el => el.textContent.trim())
                .map(el => {
                    const r = el.getBoundingClientRect();
                    return {text: el.textContent, left: r.left, right: r.right,
                            top: r.top, bottom: r.bottom};
                });
            return {root: {left: root.left, right: root.right, top: root.top,
                           bottom: root.bottom}, boxes};
        }""",
        LABELS,
    )


def overlap(a: dict[str, float], b: dict[str, float], slack: float = 1.0) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack
    )


@pytest.mark.parametrize("name", list(figures()))
@pytest.mark.parametrize("width", [640, 760])
def test_labels_neither_collide_nor_run_off_the_figure(page, tmp_path, name, width):
    figure = figures()[name]
    figure.update_layout(width=width)
    path = tmp_path / "chart.html"
    path.write_text(pio.to_html(figure, include_plotlyjs=True, full_html=True), "utf-8")
    page.set_viewport_size({"width": width + 40, "height": 1200})
    page.goto(path.as_uri())
    page.wait_for_selector(".main-svg .gtitle", state="attached", timeout=30_000)
    found = label_boxes(page)
    root, boxes = found["root"], found["boxes"]
    assert len(boxes) >= 5
    for box in boxes:
        inside = (
            box["left"] >= root["left"] - 1
            and box["right"] <= root["right"] + 1
            and box["top"] >= root["top"] - 1
            and box["bottom"] <= root["bottom"] + 1
        )
        assert inside, f"{box['text']!r} runs off the {name} chart"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlap(a, b), f"{a['text']!r} covers {b['text']!r} in the {name} chart"
