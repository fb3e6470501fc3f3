"""A deal team rehearses against each of their styles in the real app, in Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_browser_app import EXAMPLE, open_app, wait_chart
from workbook.store import PlanStore

pytestmark = pytest.mark.browser

TURNS = ".nw-rehearsal-turns tr"
STYLES = {
    "boulware": "Boulware: holds firm, gives way late",
    "conceder": "Conceder: gives way early",
    "tit_for_tat": "Tit-for-tat: answers our moves in kind",
    "random": "A style drawn at random (named in the debrief)",
}


def turns(page: Any) -> int:
    return page.locator(TURNS).count()


def pick(page: Any, variable: str, option: str) -> None:
    """Pick ``option`` for ``variable`` in the rehearsal's offer."""
    row = page.locator(".nw-rehearsal-offer .widget-gridbox", has_text=variable)
    row.locator("select").select_option(label=option)


def send(page: Any) -> None:
    """Make the offer and wait for their answer (two more moves in the rehearsal ledger)."""
    before = turns(page)
    page.click(".nw-rehearsal-send")
    expected = 3 if before == 0 else before + 2  # the header row, our offer, their answer
    page.wait_for_function(
        f"() => document.querySelectorAll('{TURNS}').length >= {expected}", timeout=30_000
    )


def test_a_team_rehearses_against_each_style_and_reads_the_debrief(start_server, page):
    app = start_server()
    open_app(page, app.url + EXAMPLE, section="concessions")
    page.wait_for_selector(".nw-rehearsal-start", timeout=60_000)
    for number, (style, label) in enumerate(STYLES.items(), 1):
        page.select_option(".nw-rehearsal-style select", label=label)
        page.fill(".nw-rehearsal-rounds input", "4")
        page.locator(".nw-rehearsal-rounds input").press("Tab")
        page.fill(".nw-rehearsal-seed input", str(100 + number))
        page.locator(".nw-rehearsal-seed input").press("Tab")
        page.click(".nw-rehearsal-start")
        header = f"Rehearsal {number} · "
        page.wait_for_selector(f".nw-panel-concessions-rehearsal :text('{header}')", timeout=30_000)
        panel = page.locator(".nw-panel-concessions-rehearsal")
        assert f"seed {100 + number}" in panel.inner_text()
        assert "They open with" in panel.inner_text()
        # a first offer with a three-year term, then a move on the term, then hold
        pick(page, "Contract term", "3 years")
        send(page)
        pick(page, "Contract term", "5 years")
        send(page)
        for _ in range(2):
            if page.locator(".nw-rehearsal-debrief").count():
                break
            send(page)
        page.wait_for_selector(".nw-rehearsal-debrief", timeout=30_000)
        text = panel.inner_text()
        assert "They accepted in round" in text or "They walked away" in text
        assert "Debrief" in text and "Nash package" in text
        assert "Contract term: 3 years → 5 years" in text  # what our second offer changed
        if style == "random":
            assert "random: it was" in text
        if number > 1:
            assert "Rehearsals kept with the plan" in text
        traces = [t["name"] for t in wait_chart(page, "rehearsal")]
        assert "our offers" in traces and "their offers" in traces
    page.wait_for_selector(".nw-save-status :text-matches('^Saved \\\\d')", timeout=30_000)
    with PlanStore(app.db, read_only=True) as store:
        kept = store.load("example-northwind").plan.concessions.rehearsals
    assert [r.style for r in kept] == list(STYLES)
    assert [r.seed for r in kept] == [101, 102, 103, 104]
    assert all(r.finished for r in kept)


def test_an_offer_with_a_variable_left_out_is_refused_next_to_it(start_server, page):
    app = start_server()
    open_app(page, app.url + EXAMPLE, section="concessions")
    page.wait_for_selector(".nw-rehearsal-start", timeout=60_000)
    page.click(".nw-rehearsal-start")
    page.wait_for_selector(".nw-panel-concessions-rehearsal :text('They open with')")
    pick(page, "Contract term", "— pick an option —")
    page.click(".nw-rehearsal-send")
    page.wait_for_selector(":text('Pick an option for Contract term.')", timeout=30_000)
    assert turns(page) == 0
    price = page.locator(".nw-rehearsal-offer .widget-gridbox", has_text="Price per vehicle")
    assert price.locator("select").input_value() != ""  # the other picks are kept
    pick(page, "Contract term", "3 years")
    send(page)
    assert turns(page) == 3
