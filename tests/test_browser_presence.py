"""Who is here, in real browsers: two pages on one plan each show the other and its section."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from workbook.content import load_content
from workbook.store import PlanStore, example_plan

if TYPE_CHECKING:
    from conftest import ServedApp

pytestmark = pytest.mark.browser


def _open(page: Any, url: str) -> None:
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".nw-ready", timeout=120_000)


def test_two_pages_on_one_plan_each_show_the_other_with_its_section(
    served_app: ServedApp, browser: Any, page: Any
) -> None:
    with PlanStore(served_app.db) as store:
        store.create(example_plan().model_copy(update={"id": "together", "name": "together"}))
    url = f"{served_app.url}?plan=together"
    titles = {k: c.title for k, c in load_content().items()}
    other = browser.new_context()
    try:
        ana = other.new_page()
        _open(page, url)
        _open(ana, url)
        page.fill("input[placeholder='Your name']", "Priya")
        ana.fill("input[placeholder='Your name']", "Ana")
        page.click(".nw-nav-concessions")
        ana.click(".nw-nav-value")
        page.locator(".nw-presence").get_by_text(f"Also here: Ana ({titles['value']})").wait_for(
            timeout=30_000
        )
        ana.locator(".nw-presence").get_by_text(
            f"Also here: Priya ({titles['concessions']})"
        ).wait_for(timeout=30_000)
    finally:
        other.close()
