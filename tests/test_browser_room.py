"""In the room, in the real app (Voilà + Chromium): the name box, undo, the ledger form,
and nothing clipped at laptop and projector widths."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.test_browser_app import EXAMPLE, READY, open_app
from workbook.store import PlanStore
from workbook.ui.browser import STORAGE_KEY

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def room_app(start_server):
    """A server of its own: these tests change the worked example."""
    return start_server()


def wait_store(db, check, timeout: float = 30) -> Any:
    """Poll the store until ``check(store)`` is true (the page saves a moment after typing)."""
    deadline = time.monotonic() + timeout
    while True:
        with PlanStore(db, read_only=True) as store:
            found = check(store)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_the_name_survives_a_reload_and_signs_the_saves(room_app, page):
    open_app(page, room_app.url + EXAMPLE)
    page.fill(".nw-author input", "Ana Lima")
    page.press(".nw-author input", "Tab")
    page.wait_for_function(f"() => localStorage.getItem('{STORAGE_KEY}') === 'Ana Lima'")
    page.reload()
    page.wait_for_selector(".nw-ready", timeout=READY)
    page.wait_for_function(
        "() => document.querySelector('.nw-author input').value === 'Ana Lima'", timeout=30_000
    )
    page.fill(".nw-field-summary textarea", "Signed by the remembered name.")
    page.wait_for_selector(".nw-save-status :text-matches('^Saved \\\\d')", timeout=30_000)
    assert wait_store(
        room_app.db, lambda s: s.history("example-northwind")[-1].author == "Ana Lima"
    )


def test_a_deleted_row_comes_back_with_undo(room_app, page):
    open_app(page, room_app.url + EXAMPLE)
    names = ".nw-field-team-name input"
    page.wait_for_selector(names)
    before = [page.input_value(f"{names} >> nth={i}") for i in range(page.locator(names).count())]
    page.click(".nw-remove-row >> nth=1")
    page.wait_for_selector(f".nw-undo :text('{before[1]}')", timeout=30_000)
    assert page.locator(names).count() == len(before) - 1
    page.click(".nw-undo-button")
    page.wait_for_function(f"() => document.querySelectorAll('{names}').length === {len(before)}")
    after = [page.input_value(f"{names} >> nth={i}") for i in range(len(before))]
    assert after == before
    page.wait_for_selector(".nw-undo-button", state="detached", timeout=30_000)
    team = lambda s: [t.name for t in s.load("example-northwind").plan.team]  # noqa: E731
    assert wait_store(room_app.db, lambda s: team(s) == before)


def test_a_concession_is_logged_with_one_short_form_and_one_click(room_app, page):
    open_app(page, room_app.url + EXAMPLE, "ledger")
    form = ".nw-add-form"
    when = f"{form} .nw-add-ledger-entries-at input"
    page.wait_for_selector(when)
    assert page.input_value(when)  # now, already filled
    rows = ".nw-field-ledger-entries-description input"
    count = page.locator(rows).count()
    page.fill(f"{form} .nw-add-ledger-entries-description input", "Extra training day")
    theirs = f"{form} .nw-add-ledger-entries-value-theirs input"
    assert page.input_value(theirs) == "" and page.get_attribute(theirs, "placeholder")
    page.fill(f"{form} .nw-add-ledger-entries-value-ours input", "5k")
    page.click(".nw-add-button-ledger-entries")
    refusal = page.locator(f"{form} :text('Enter a number.')")
    refusal.wait_for(timeout=30_000)  # said under the empty box, nothing logged as 0
    box = page.locator(theirs).bounding_box()
    said = refusal.bounding_box()
    assert said and box and abs(said["x"] - box["x"]) < 20 and 0 <= said["y"] - box["y"] < 80
    assert page.locator(rows).count() == count
    page.fill(theirs, "0")
    page.click(".nw-add-button-ledger-entries")
    page.wait_for_function(f"() => document.querySelectorAll('{rows}').length === {count + 1}")
    assert page.input_value(when)  # stays filled for the next entry
    page.fill(when, "10.05")
    page.fill(f"{form} .nw-add-ledger-entries-description input", "Faster invoicing")
    page.fill(f"{form} .nw-add-ledger-entries-value-ours input", "0")
    page.fill(theirs, "2k")
    page.click(".nw-add-button-ledger-entries")
    page.wait_for_function(f"() => document.querySelectorAll('{rows}').length === {count + 2}")
    last = page.input_value(f".nw-field-ledger-entries-at input >> nth={count + 1}")
    assert last.endswith("10:05")
    assert page.locator(".nw-add-form :text-matches('not a time|Use the form')").count() == 0


CLIPPED = """() => {
  const out = [];
  const visible = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  for (const el of document.querySelectorAll('.nw-app button')) {
    if (visible(el) && el.scrollWidth > el.clientWidth + 1)
      out.push(['button', el.textContent.trim(), el.scrollWidth, el.clientWidth]);
  }
  for (const el of document.querySelectorAll('.nw-app select[multiple]')) {
    if (visible(el) && el.scrollWidth > el.clientWidth + 1)
      out.push(['list', el.value, el.scrollWidth, el.clientWidth]);
  }
  const picker = document.querySelector('.nw-plan-picker select');
  if (picker.scrollWidth > picker.clientWidth + 1) out.push(['picker', picker.value]);
  for (const el of document.querySelectorAll('.nw-app input, .nw-app select, .nw-app textarea')) {
    if (!visible(el) || el.closest('.nw-plan-picker')) continue;
    const cell = el.closest('.widget-gridbox > *, .widget-hbox > *, .widget-vbox > *');
    const box = cell ? cell.parentElement.getBoundingClientRect() : null;
    const r = el.getBoundingClientRect();
    if (box && r.right > box.right + 0.5) out.push(['border', el.value, r.right, box.right]);
  }
  for (const el of document.querySelectorAll('.nw-app textarea')) {
    if (visible(el) && el.scrollHeight > el.clientHeight + 1 && el.value.length < 600)
      out.push(['textarea', el.value.slice(0, 40), el.scrollHeight, el.clientHeight]);
  }
  return out;
}"""


SECTIONS = {
    "deal": ".nw-add-button-team",
    "strategy": ".nw-add-button-strategy-anticipated",
    "value": ".nw-add-button-value-framings",
    "concessions": ".nw-add-button-concessions-steps",
    "ledger": ".nw-add-button-ledger-entries",
}
"""Each section checked, with the last of its widgets to appear."""

FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
"""Two animation frames: the layout of what was just drawn is done."""


@pytest.mark.parametrize("width", [1280, 1440, 1920])
def test_nothing_is_clipped(room_app, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    try:
        open_app(page, room_app.url + EXAMPLE)
        for section, last in SECTIONS.items():
            page.click(f".nw-nav-{section}")
            page.wait_for_selector(f".nw-nav-{section}.mod-primary", timeout=30_000)
            try:  # a section shows within seconds; 45 s is ample on a loaded machine
                page.wait_for_selector(last, state="visible", timeout=45_000)
            except Exception:  # seen once in a while on a loaded machine: open it again
                page.reload()
                page.wait_for_selector(".nw-ready", timeout=READY)
                page.click(f".nw-nav-{section}")
                page.wait_for_selector(last, state="visible", timeout=READY)
            page.evaluate(FRAMES)
            assert page.evaluate(CLIPPED) == [], section
        when = page.locator(".nw-add-form .nw-add-ledger-entries-at input")
        when.fill("2026-11-29 16:10")
        assert when.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the When box cuts"
        fonts = page.evaluate(
            """() => [document.querySelector('.nw-app textarea'),
                      document.querySelector('.nw-app .widget-text input')]
                     .map(e => getComputedStyle(e).fontFamily)"""
        )
        assert fonts[0] == fonts[1]
        long_input = page.locator(".nw-field-ledger-entries-description input >> nth=0")
        long_input.focus()
        assert long_input.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    finally:
        context.close()
