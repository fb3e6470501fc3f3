"""User text is escaped wherever the app shows it, checked in a real browser.

A plan whose every free text carries markup, script and formula payloads is opened and
every section is shown; then the payload is typed into fields. Nothing may run: no
``window.__xss``, no dialog, no ``<img src=x>`` in the page; the payload shows as text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import XSS, poison
from workbook.content import load_content
from workbook.store import PlanStore, example_plan

if TYPE_CHECKING:
    from conftest import ServedApp, StartServer

pytestmark = pytest.mark.browser

READY = 120_000  # ms: a cold kernel on a busy 2-core machine
PAYLOAD = "<svg onload=window.__xss=2><img src=x onerror=window.__xss=3>" + XSS
"""Markup that runs script without a dialog, then the shared payload (which alerts)."""
# The plan gets the shorter shared payload: it is cut to each field's length, and
# names in a table must stay different from each other.


@pytest.fixture(scope="module")
def app(start_server: StartServer) -> ServedApp:
    return start_server()


@pytest.fixture(scope="module")
def poisoned(app: ServedApp) -> str:
    """A copy of the worked example with the payload in front of every free text."""
    plan = poison(example_plan()).model_copy(update={"id": "poisoned"})
    with PlanStore(app.db) as store:
        return store.create(plan, author=XSS[:80]).plan.id


def what_ran(page: Any, dialogs: list[str]) -> list[str]:
    """Signs of user markup that became page markup, or script that ran."""
    signs = [f"dialog {m!r}" for m in dialogs]
    if page.evaluate("window.__xss") is not None:
        signs.append(f"window.__xss = {page.evaluate('window.__xss')}")
    for selector in ("img[src='x']", "svg[onload]", "script:text('__xss')"):
        if page.locator(selector).count():
            signs.append(f"{page.locator(selector).count()} × {selector}")
    return signs


def test_user_text_is_escaped_in_every_section(app: ServedApp, poisoned: str, page: Any) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{app.url}?plan={poisoned}", timeout=READY)
    page.wait_for_selector(".nw-ready", timeout=READY)
    ran: dict[str, list[str]] = {}
    for key in load_content():
        page.click(f".nw-nav-{key}")
        page.wait_for_selector(f".nw-nav-{key}.mod-primary", timeout=30_000)
        page.wait_for_timeout(1500)  # tables, HTML and charts drawn
        if signs := what_ran(page, dialogs):
            ran[key] = signs
            dialogs.clear()
            page.evaluate("delete window.__xss")
    assert "window.__xss=1" in page.locator(".nw-app").inner_text()  # the brief, as text
    assert ran == {}


def test_typed_text_is_escaped(app: ServedApp, page: Any) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{app.url}?plan=example-northwind", timeout=READY)
    page.wait_for_selector(".nw-ready", timeout=READY)
    page.fill(".nw-field-counterpart input", PAYLOAD[:120])
    page.fill(".nw-field-summary textarea", PAYLOAD)
    page.fill(".nw-field-team-name input >> nth=0", PAYLOAD[:120])
    page.wait_for_selector(".nw-save-status :text-matches('^Saved \\\\d')", timeout=30_000)
    page.click(".nw-rename")
    page.fill(".nw-rename-name input", PAYLOAD[:120])
    page.click(".nw-dialog-rename")
    page.click(".nw-delete")  # the confirmation names the plan, as text; cancel it
    confirm = page.locator(".nw-dialog", has_text="It disappears from the list")
    confirm.wait_for(timeout=30_000)  # the rename dialog's buttons may still be on screen
    assert "<svg onload" in confirm.inner_text()
    page.click(".nw-dialog-cancel")
    page.click(".nw-nav-brief")
    page.wait_for_selector(".nw-nav-brief.mod-primary", timeout=30_000)
    page.wait_for_function(
        "() => document.querySelector('.nw-app').innerText.includes('<svg onload')",
        timeout=30_000,
    )
    assert what_ran(page, dialogs) == []
