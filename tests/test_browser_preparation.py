"""The preparation parts in real Voilà and Chromium: one field of each, typed into a new plan,
is found in the exported brief."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.test_browser_app import READY, open_app

pytestmark = pytest.mark.browser

BOX = ":is(input, textarea)"


def saved(page: Any) -> None:
    page.wait_for_selector(".nw-save-status :text-matches('^Saved \\\\d')", timeout=30_000)


def section(page: Any, key: str) -> None:
    page.click(f".nw-nav-{key}")
    page.wait_for_selector(f".nw-nav-{key}.mod-primary", timeout=30_000)


def add_row(page: Any, table: str, values: dict[str, str]) -> None:
    """Fill a table's add form (text boxes) and add the row; wait until it is saved."""
    css = table.replace(".", "-").replace("_", "-")
    for field, text in values.items():
        page.fill(f".nw-add-{css}-{field.replace('_', '-')} {BOX}", text)
    page.click(f".nw-add-button-{css}")
    page.wait_for_selector(
        f".nw-field-{css}-{next(iter(values)).replace('_', '-')}", timeout=30_000
    )
    saved(page)


def fill(page: Any, path: str, text: str) -> None:
    page.fill(f".nw-field-{path.replace('.', '-').replace('_', '-')} {BOX}", text)
    page.keyboard.press("Tab")
    saved(page)


def test_one_field_of_each_part_reaches_the_exported_brief(served_app, page):
    open_app(page, served_app.url)
    page.click(".nw-new")
    page.fill(".nw-new-name input", "Preparation in the browser")
    page.fill(".nw-new-counterpart input", "Brightwater Foods")
    page.click(".nw-dialog-create")
    page.wait_for_function(
        "() => document.querySelector('.nw-plan-picker select').selectedOptions[0]"
        ".value.includes('Preparation in the browser')",
        timeout=60_000,
    )
    page.wait_for_selector(".nw-ready", timeout=READY)

    # 5. roles: a team member's role in the room, on the one team list
    add_row(page, "team", {"name": "Ana Costa"})
    page.select_option(".nw-field-team-room-role select", label="Spokesperson")
    saved(page)

    # 2, 3, 4, 8: the first offer, a prepared offer, BATNA work, a deal-breaker
    section(page, "concessions")
    fill(page, "concessions.positions.first_offer.re_anchor", "Restate the dairy index")
    add_row(page, "concessions.prepared_offers", {"name": "Offer Kestrel"})
    add_row(page, "concessions.batna_actions", {"action": "Ask Polder Dairy for a quote"})
    add_row(page, "concessions.variables", {"name": "Shelf placement"})
    page.select_option(".nw-field-concessions-variables-stance select", label="Deal-breaker")
    saved(page)

    # 1, 5, 6, 7: an assumption and its question, the caucus signal, a stage, a tactic
    section(page, "discovery")
    add_row(
        page,
        "discovery.assumptions",
        {"text": "Their budget is fixed", "question": "How was the category budget set?"},
    )
    fill(page, "discovery.mandate.caucus_signal", "The blue folder closes")
    add_row(page, "discovery.stages", {"stage": "Category review in March"})
    add_row(page, "discovery.tactics", {"sign": "A final offer by Friday"})

    # 9, 10: the order of issues, and the debrief
    section(page, "meeting")
    add_row(page, "meeting.issues", {"text": "Delivery windows first"})
    page.select_option(".nw-field-meeting-debrief-outcome select", label="Talks continue")
    saved(page)
    fill(page, "meeting.debrief.went_well", "We kept to the order of issues")

    section(page, "brief")
    page.click(".nw-prepare-downloads")
    link = page.wait_for_selector(".nw-download-md", timeout=60_000)
    markdown = base64.b64decode(link.get_attribute("href").split(",", 1)[1]).decode()
    text = markdown.replace("\\", "")
    for expected in (
        "How was the category budget set?",  # 1. interests and discovery
        "If their figure lands first: Restate the dairy index",  # 2. the first offer
        "Offer Kestrel",  # 3. equivalent offers, pinned
        "Ask Polder Dairy for a quote",  # 4. BATNA development
        "Ana Costa (Spokesperson)",  # 5. roles and mandate
        "The blue folder closes",  # 5. the caucus signal
        "Category review in March",  # 6. their decision process
        "A final offer by Friday",  # 7. tactics
        "Shelf placement: a deal-breaker",  # 8. deal-breakers and trading rules
        "Delivery windows first",  # 9. the meeting plan
        "We kept to the order of issues",  # 10. the debrief
    ):
        assert expected in text, expected
