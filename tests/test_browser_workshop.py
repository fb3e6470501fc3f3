"""A workshop in real Voilà and Chromium: one facilitator page, three participant pages."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from workbook.store import PlanStore

pytestmark = pytest.mark.browser

PLAN = "example-northwind"
READY = 120_000  # ms: a cold kernel on a busy 2-core machine
FINANCE = "Bring their finance team in before the price talk"
TRADE = "Trade every price move for term, volume or payment"
VOTES = {"Ana": [FINANCE, TRADE], "Ben": [TRADE], "Chris": [TRADE]}
TERM_ONE_YEAR = {"Ana": "40", "Ben": "70", "Chris": "55"}


def open_page(browser: Any, url: str, ready: str = ".nw-ready") -> Any:
    page = browser.new_context().new_page()
    page.goto(url)
    page.wait_for_selector(ready, timeout=READY)
    return page


def answer(page: Any, name: str) -> None:
    """Vote and value the one-year term as ``name``, and wait until both are saved."""
    for candidate in VOTES[name]:
        page.locator(".nw-answer-priorities .widget-checkbox", has_text=candidate).locator(
            "input"
        ).check()
    page.click(".nw-answer-priorities .nw-answer-send")
    page.fill(".nw-answer-values input >> nth=0", TERM_ONE_YEAR[name])
    page.click(".nw-answer-values .nw-answer-send")
    for kind in ("priorities", "values"):
        page.wait_for_selector(f".nw-answer-{kind} .nw-answer-saved :text('saved')", timeout=30_000)


def table(page: Any, css: str) -> list[list[str]]:
    return page.evaluate(
        """css => [...document.querySelectorAll(`${css} tr`)].slice(1)
            .map(r => [...r.cells].map(c => c.innerText.trim()))""",
        css,
    )


def test_three_participants_answer_and_the_facilitator_sees_the_aggregate(served_app, browser):
    facilitator = open_page(browser, f"{served_app.url}?plan={PLAN}&section=workshop")
    facilitator.click(".nw-workshop-open")
    code = facilitator.inner_text(".nw-join-code-value").strip()
    for prompt in ("Vote", "Values · Contract term"):
        facilitator.locator(".nw-workshop-prompt", has_text=prompt).locator("input").check()
    facilitator.wait_for_selector(".nw-result:has-text('Contract term')", timeout=30_000)

    pages = {}
    for name in ("Ana", "Ben"):
        pages[name] = open_page(browser, f"{served_app.url}?join={code}&name={name}", ".nw-answer")
    join = open_page(browser, f"{served_app.url}?join", ".nw-join-form")
    join.fill("input.nw-join-code", code.lower())
    join.fill("input.nw-join-name", "Chris")
    join.click(".nw-join-submit")
    join.wait_for_selector(".nw-answer", timeout=READY)
    assert f"join={code.lower()}" in join.url and "name=Chris" in join.url
    pages["Chris"] = join

    for name, page in pages.items():
        answer(page, name)
    submitted = time.monotonic()
    facilitator.wait_for_selector(
        ".nw-result:has-text('Answered by 3') >> nth=1", state="attached", timeout=5_000
    )
    facilitator.wait_for_function(
        "() => document.querySelector('.nw-result-values')?.innerText.includes('55')",
        timeout=5_000,
    )
    seen = time.monotonic() - submitted
    assert seen < 5, f"the facilitator saw all answers after {seen:.1f} s"
    assert table(facilitator, ".nw-result-priorities") == [[TRADE, "3"], [FINANCE, "1"]]
    term = table(facilitator, ".nw-result-values")
    assert term[0] == ["1 year", "3", "55", "40 – 70"]
    assert "Joined (3): Ana, Ben, Chris" in facilitator.inner_text(".nw-workshop-joined")

    # Before the reveal a participant sees only their own answer; after it, the team's.
    ana = pages["Ana"]
    assert "Only you see your answers" in ana.inner_text(".nw-answer-priorities")
    assert "Ben" not in ana.inner_text(".nw-participant")
    facilitator.click(".nw-workshop-reveal")
    ana.wait_for_selector(".nw-answer-priorities .nw-chart-team-priorities .js-plotly-plot",
                          timeout=30_000)  # fmt: skip
    assert table(ana, ".nw-answer-priorities .nw-answer-team") == [[TRADE, "3"], [FINANCE, "1"]]

    # A reload keeps the participant's answers.
    ben = pages["Ben"]
    ben.reload()
    ben.wait_for_selector(".nw-answer", timeout=READY)
    boxes = ben.locator(".nw-answer-priorities .widget-checkbox")
    assert boxes.filter(has_text=TRADE).locator("input").is_checked()
    assert not boxes.filter(has_text=FINANCE).locator("input").is_checked()
    assert ben.input_value(".nw-answer-values input >> nth=0") == "70"

    with PlanStore(served_app.db, read_only=True) as store:
        assert len(store.workshop_answers(code)) == 6
    for page in (facilitator, *pages.values()):
        page.context.close()


def test_wrong_and_expired_codes_get_a_clear_message(served_app, browser):
    page = open_page(browser, f"{served_app.url}?join=ZZZ-ZZZ&name=Ana", ".nw-join-form")
    assert "No workshop session has the code ZZZZZZ" in page.inner_text(".nw-join-code-problem")
    assert page.input_value("input.nw-join-name") == "Ana"
    with PlanStore(served_app.db) as store:
        old = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        code = store.open_workshop(PLAN, now=old).code
    page.fill("input.nw-join-code", code)
    page.click(".nw-join-submit")
    page.wait_for_selector(".nw-join-code-problem:has-text('has expired')", timeout=READY)
    assert "Ask the facilitator for a new one" in page.inner_text(".nw-join-code-problem")
    page.context.close()
