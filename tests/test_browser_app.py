"""The real app in real Voilà, driven in headless Chromium."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from workbook.store import PlanStore

pytestmark = pytest.mark.browser

EXAMPLE = "?plan=example-northwind"
READY = 120_000  # ms: a cold kernel on a busy 2-core machine


def open_app(page: Any, url: str, section: str | None = None) -> Any:
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".nw-ready", timeout=READY)
    if section:
        page.click(f".nw-nav-{section}")
        page.wait_for_selector(f".nw-nav-{section}.mod-primary", timeout=30_000)
    return page


def chart_data(page: Any, name: str) -> Any:
    """The plotly traces drawn in ``nw-chart-<name>`` as plain lists (None while empty)."""
    return page.evaluate(
        """name => {
            const el = document.querySelector(`.nw-chart-${name} .js-plotly-plot`);
            if (!el || !el.data) return null;
            const plain = v => ArrayBuffer.isView(v) ? Array.from(v)
                : (v && v._inputArray) ? Array.from(v._inputArray) : v;
            return el.data.map(t => ({name: t.name, x: plain(t.x), y: plain(t.y),
                                     text: plain(t.text)}));
        }""",
        name,
    )


def wait_chart_change(page: Any, name: str, before: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = chart_data(page, name)
        if now is not None and now != before:
            return now
        time.sleep(0.1)
    raise AssertionError(f"the {name} chart did not change within {timeout:.0f} s")


def wait_chart(page: Any, name: str, timeout: float = READY / 1000) -> Any:
    """The chart's traces once drawn; the first chart of a page also loads plotly.js."""
    page.wait_for_selector(f".nw-chart-{name} .js-plotly-plot", timeout=timeout * 1000)
    return chart_data(page, name)


def test_create_type_saved_reload(served_app, page):
    open_app(page, served_app.url)
    page.click(".nw-new")
    page.fill(".nw-new-name input", "Browser test deal")
    page.fill(".nw-new-counterpart input", "Acme Freight")
    page.click(".nw-dialog-create")
    page.wait_for_selector(".nw-plan-picker select", timeout=30_000)
    page.wait_for_function(
        "() => document.querySelector('.nw-plan-picker select').selectedOptions[0]"
        ".value.includes('Browser test deal')",
        timeout=30_000,
    )
    page.fill(".nw-field-summary textarea", "Typed in the browser, kept after a reload.")
    page.wait_for_selector(".nw-save-status :text-matches('^Saved \\\\d')", timeout=30_000)
    page.reload()
    page.wait_for_selector(".nw-ready", timeout=READY)
    assert page.input_value(".nw-field-summary textarea") == (
        "Typed in the browser, kept after a reload."
    )
    with PlanStore(served_app.db, read_only=True) as store:
        plan = next(p for p in store.list_plans() if p.name == "Browser test deal")
        assert store.load(plan.id).plan.summary.startswith("Typed in the browser")


def test_strategy_field_redraws_the_fit_chart(served_app, page):
    open_app(page, served_app.url + EXAMPLE, "strategy")
    before = wait_chart(page, "fit")
    page.select_option(
        ".nw-field-strategy-objective-links-strength select >> nth=2", label="3 · central"
    )
    after = wait_chart_change(page, "fit", before)
    assert after[0]["x"] != before[0]["x"]


def test_value_field_redraws_the_value_chart_in_place(served_app, page):
    open_app(page, served_app.url + EXAMPLE, "value")
    before = wait_chart(page, "value")
    plot = ".nw-chart-value .js-plotly-plot"
    page.eval_on_selector(plot, "el => { el.dataset.nwBefore = '1'; }")
    field = ".nw-field-value-value-items-quantity input >> nth=0"
    page.fill(field, "360")
    page.press(field, "Enter")
    # the chart may be redrawn more than once (a live check can redraw it too): wait for
    # the drawing that shows the larger quantity, not merely the first change
    deadline = time.monotonic() + 30
    after = wait_chart_change(page, "value", before)
    while max(after[0]["x"]) <= max(before[0]["x"]) and time.monotonic() < deadline:
        time.sleep(0.2)
        after = chart_data(page, "value") or after
    assert max(after[0]["x"]) > max(before[0]["x"])
    # the same plot element was updated (Plotly.react), not replaced by a new one
    assert page.eval_on_selector(plot, "el => el.dataset.nwBefore") == "1"


def type_range(page: Any, field: str, texts: tuple[str, str, str], nth: int = 0) -> None:
    """Type low, then likely, then high into a range, leaving each cell as a person would."""
    for part, text in zip(("low", "likely", "high"), texts, strict=True):
        box = f".nw-field-scenarios-moves-estimates-{field}.nw-range-{part} input >> nth={nth}"
        page.fill(box, text)
        page.press(box, "Tab")


def test_a_new_estimate_typed_left_to_right_is_kept_and_changes_the_quadrant(served_app, page):
    open_app(page, served_app.url + EXAMPLE, "scenarios")
    before = wait_chart(page, "quadrant")
    page.fill(".nw-add-scenarios-moves-name input", "Offer a fleet-wide price lock")
    page.click(".nw-add-button-scenarios-moves")
    page.wait_for_selector(".nw-not-analysed :text('no estimate yet')", timeout=30_000)
    page.select_option(".nw-estimate-move select", label="Offer a fleet-wide price lock")
    page.click(".nw-start-estimate")
    first = ".nw-field-scenarios-moves-estimates-gain.nw-range-low input"
    page.wait_for_selector(first, timeout=30_000)
    assert page.input_value(first) == ""  # empty, not 0
    type_range(page, "gain", ("100k", "200k", "300k"))
    type_range(page, "cooperation-probability", ("0.2", "0.5", "0.8"))
    type_range(page, "cooperation-value", ("0", "50k", "90k"))
    for nth in (0, 1):
        type_range(page, "retaliation-probability", ("0.1", "0.2", "0.3"), nth)
        type_range(page, "retaliation-damage", ("10k", "20k", "30k"), nth)
    after = wait_chart_change(page, "quadrant", before)
    assert len(after) == len(before) + 1  # one bubble per move
    assert page.locator(":text('must not be above')").count() == 0
    assert page.locator(".nw-not-analysed").count() == 0
    page.wait_for_selector(".nw-save-status :text-matches('^Saved \\\\d')", timeout=30_000)
    with PlanStore(served_app.db, read_only=True) as store:
        move = store.load("example-northwind").plan.scenarios.moves[-1]
        gain = move.estimates[0].gain
        assert (gain.low, gain.likely, gain.high) == (100_000, 200_000, 300_000)


def test_adding_an_option_changes_the_frontier(served_app, page):
    open_app(page, served_app.url + EXAMPLE, "concessions")
    before = wait_chart(page, "packages")
    options = ".nw-add-concessions-variables-options-label input >> nth=2"
    page.fill(options, "15 days")
    page.fill(".nw-add-concessions-variables-options-ours input >> nth=2", "100")
    page.fill(".nw-add-concessions-variables-options-theirs input >> nth=2", "100")
    page.click(".nw-add-button-concessions-variables-options >> nth=2")
    after = wait_chart_change(page, "packages", before)
    assert re.search(r"\((\d[\d,]*)\)", after[0]["name"]).group(1) != re.search(
        r"\((\d[\d,]*)\)", before[0]["name"]
    ).group(1)


def test_bad_value_is_refused_next_to_the_field(served_app, page):
    open_app(page, served_app.url + EXAMPLE)
    field = ".nw-field-deal-value input"
    page.fill(field, "-5")
    page.press(field, "Enter")
    page.wait_for_selector(":text('Must be at least 0.')", timeout=30_000)
    page.wait_for_function(
        "() => document.querySelector('.nw-field-deal-value input').value === '4,190,400'",
        timeout=30_000,
    )


def test_ten_pages_opened_at_once_all_show_the_app(start_server, browser):
    """A busy server is slow, not broken: no page loses its view to a timeout."""
    app = start_server()
    pages = [browser.new_context().new_page() for _ in range(10)]
    try:
        for page in pages:
            page.goto(app.url + EXAMPLE, wait_until="commit", timeout=READY)
        for page in pages:
            page.wait_for_selector(".nw-ready", timeout=READY)
            assert "Northwind" in page.inner_text(".nw-ready")
    finally:
        for page in pages:
            page.context.close()


def test_a_new_plan_shows_grey_notes_instead_of_empty_charts(served_app, page):
    open_app(page, served_app.url)
    page.click(".nw-new")
    page.fill(".nw-new-name input", "Empty charts deal")
    page.fill(".nw-new-counterpart input", "Acme Freight")
    page.click(".nw-dialog-create")
    page.wait_for_function(
        "() => document.querySelector('.nw-plan-picker select').selectedOptions[0]"
        ".value.includes('Empty charts deal')",
        timeout=30_000,
    )
    for section, chart, words in [
        ("scenarios", "quadrant", "Finish one estimate"),
        ("scenarios", "disagreement", "two or more people"),
        ("concessions", "zopa", "opening, target and walk-away"),
        ("relationship", "balance", "what each side contributes"),
    ]:
        page.click(f".nw-nav-{section}")
        note = page.wait_for_selector(f".nw-chart-{chart} :text('{words}')", timeout=60_000)
        assert note.evaluate("el => getComputedStyle(el).color") == "rgb(95, 107, 122)"
        assert page.locator(f".nw-chart-{chart} .js-plotly-plot").count() == 0


def test_a_browser_test_reaches_this_machine_and_no_other_host(served_app, page):
    open_app(page, served_app.url)  # this machine: the app loads
    # a request the app's page makes for another host fails at the proxy, on this machine
    sent = "fetch('http://192.0.2.1/x', {mode: 'no-cors'}).then(() => 'sent', () => 'failed')"
    with page.expect_event("requestfailed", timeout=15_000) as failed:
        assert page.evaluate(sent) == "failed"
    assert "ERR_PROXY_CONNECTION_FAILED" in (failed.value.failure or ""), failed.value.failure
    for url in ("http://192.0.2.1/", "http://example.com/"):  # an address, a name
        with pytest.raises(Exception, match="ERR_PROXY_CONNECTION_FAILED"):
            page.goto(url, timeout=15_000)
