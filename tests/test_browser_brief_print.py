"""The exported HTML brief printed by a real Chromium: the one-page brief fills page 1 of
A4 and of Letter, the details follow on the next pages, and nothing is fetched."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.helpers import XSS, poison
from workbook import model as m
from workbook.brief import brief_html
from workbook.store import example_plan

pytestmark = pytest.mark.browser

HIDE = "{display:none !important}"


def pages(pdf: bytes) -> int:
    """The number of pages in a PDF that Chromium printed."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def busy_plan() -> m.Plan:
    """The worked example with a longer story, twice the steps and more open questions."""
    plan = example_plan().model_copy(deep=True)
    plan.summary = " ".join([plan.summary] * 2)
    plan.concessions.steps += [
        step.model_copy(update={"id": f"{step.id}-again"}) for step in plan.concessions.steps
    ]
    plan.workshop.parking_lot += [
        m.ParkingItem(text=f"Who signs off a discount above {n} %?", raised_by="Priya Nair")
        for n in (5, 8, 10, 12)
    ]
    return plan


@pytest.fixture(params=["example", "busy"])
def opened(browser: Any, request: Any) -> Any:
    """A page showing an exported brief, with every request it makes recorded."""
    plan = example_plan() if request.param == "example" else busy_plan()
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_content(brief_html(plan), wait_until="load")
    yield page, requests
    context.close()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_one_page_brief_prints_on_page_one_and_details_after_it(opened, paper):
    opened, requests = opened
    everything = pages(opened.pdf(format=paper))
    opened.add_style_tag(content=f".nw-details{HIDE}")
    assert pages(opened.pdf(format=paper)) == 1  # the brief alone fits one page
    opened.add_style_tag(content=f".nw-details{{display:block !important}}.nw-one-page{HIDE}")
    details = pages(opened.pdf(format=paper))
    assert details >= 2 and everything == 1 + details  # details start on page 2
    assert [u for u in requests if not u.startswith(("about:", "data:"))] == []


def test_exported_brief_runs_nothing_and_shows_user_text_as_text(browser):
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_content(brief_html(poison(example_plan())), wait_until="load")
    assert page.evaluate("window.__xss") is None and dialogs == []
    assert page.locator("img, script, svg foreignObject, a").count() == 0
    assert page.locator("svg").count() >= 7
    assert XSS[:40] in page.locator(".nw-one-page").inner_text()
    context.close()
