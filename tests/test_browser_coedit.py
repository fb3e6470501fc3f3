"""Editing together in real browsers: clashes at the field, rows by identity, closed pages.

Each page has its own kernel; pages meet through the store (a real SQLite file).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from workbook import model as m
from workbook.store import PlanStore, example_plan

if TYPE_CHECKING:
    from conftest import ServedApp

pytestmark = pytest.mark.browser


def _open(page: Any, url: str) -> None:
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".nw-ready", timeout=120_000)


def _plan(served_app: ServedApp, plan_id: str) -> str:
    with PlanStore(served_app.db) as store:
        store.create(example_plan().model_copy(update={"id": plan_id, "name": plan_id}))
    return f"{served_app.url}?plan={plan_id}"


def _stored(served_app: ServedApp, plan_id: str) -> m.Plan:
    with PlanStore(served_app.db, read_only=True) as store:
        return store.load(plan_id).plan


def _wait_value(page: Any, selector: str, value: str) -> None:
    page.wait_for_function(
        "([sel, want]) => (document.querySelector(sel) || {}).value === want",
        arg=[selector, value],
        timeout=30_000,
    )


def _first_with(pages: list[Any], selector: str, timeout: float = 30.0) -> Any:
    """The first of ``pages`` on which ``selector`` is visible (a positive wait)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pg in pages:
            if pg.locator(selector).count():
                return pg
        pages[0].wait_for_timeout(100)
    raise AssertionError(f"no page shows {selector}")


def _saved(page: Any) -> None:
    page.wait_for_selector(".nw-save-status :text-matches('^Saved \\\\d')", timeout=30_000)


def test_the_same_field_edited_on_two_pages_is_decided_at_the_field(
    served_app: ServedApp, browser: Any, page: Any
) -> None:
    url = _plan(served_app, "same-field")
    other = browser.new_context()
    try:
        bo = other.new_page()
        _open(page, url)
        _open(bo, url)
        page.fill("input[placeholder='Your name']", "Ana")
        bo.fill("input[placeholder='Your name']", "Bo")
        page.fill(".nw-field-summary textarea", "Ana's summary")
        bo.fill(".nw-field-summary textarea", "Bo's summary")
        clashed = _first_with([page, bo], ".nw-clash:visible")  # the later save's page
        mine, theirs, who = (
            ("Ana's summary", "Bo's summary", "Bo")
            if clashed is page
            else ("Bo's summary", "Ana's summary", "Ana")
        )
        text = clashed.locator(".nw-clash:visible").inner_text()
        assert theirs in text and mine in text and who in text  # both values, and who
        assert clashed.locator(".nw-dialog:visible").count() == 0  # not in the page header
        clashed.click(".nw-clash:visible .nw-clash-take")
        _wait_value(clashed, ".nw-field-summary textarea", theirs)
        clashed.wait_for_selector(".nw-clash:visible", state="detached", timeout=15_000)
        _saved(clashed)
    finally:
        other.close()
    with PlanStore(served_app.db, read_only=True) as store:
        assert store.load("same-field").plan.summary == theirs  # the chosen value
        history = store.history("same-field")
        summaries = [store.load("same-field", h.revision).plan.summary for h in history]
        assert mine in summaries  # the other one stays in history


def test_rows_added_and_edited_at_once_both_survive(
    served_app: ServedApp, browser: Any, page: Any
) -> None:
    url = _plan(served_app, "rows-at-once")
    _open(page, url)
    role = ".nw-field-team-role input"
    count = page.locator(role).count()
    page.fill(role, "Edited on the page")  # the first row's role
    with PlanStore(served_app.db) as store:  # another page adds a row meanwhile
        stored = store.load("rows-at-once")
        plan = stored.plan.model_copy(
            update={"team": [*stored.plan.team, m.TeamMember(name="Added elsewhere")]}
        )
        store.save(plan, base_revision=stored.revision, author="Bo")
    page.wait_for_function(  # the added row appears, the edit stays
        "([sel, n]) => document.querySelectorAll(sel).length === n + 1",
        arg=[role, count],
        timeout=30_000,
    )
    _wait_value(page, role, "Edited on the page")
    _saved(page)
    plan = _stored(served_app, "rows-at-once")
    assert plan.team[0].role == "Edited on the page"
    assert plan.team[-1].name == "Added elsewhere"


def test_a_page_closed_right_after_typing_has_its_edit_stored(
    served_app: ServedApp, browser: Any
) -> None:
    plan_id = "closed-at-once"
    url = _plan(served_app, plan_id)
    context = browser.new_context()
    pg = context.new_page()
    _open(pg, url)
    pg.fill(".nw-field-summary textarea", "typed just before closing")
    pg.close(run_before_unload=True)  # no blur, no wait; the page asks to end its kernel
    context.close()
    with PlanStore(served_app.db, read_only=True) as store:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # a positive wait: the save arrives
            if store.load(plan_id).plan.summary == "typed just before closing":
                break
            time.sleep(0.2)
        assert store.load(plan_id).plan.summary == "typed just before closing"


def test_a_page_whose_server_stopped_keeps_the_edit_and_offers_it_after_a_restart(
    start_server: Any, browser: Any, tmp_path: Any
) -> None:
    from tests.conftest import _stop

    db = tmp_path / "plans.sqlite"
    with PlanStore(db) as store:
        store.create(example_plan().model_copy(update={"id": "offline", "name": "Offline"}))
    first = start_server(db=db)
    url = f"{first.url}?plan=offline"
    context = browser.new_context()
    try:
        pg = context.new_page()
        _open(pg, url)
        # while the server answers, the page never says it has gone: six answers in a row
        # span more than the silence after which it would
        pg.wait_for_function(
            "() => Number(document.querySelector('.nw-offline')?.dataset.answers || 0) >= 6",
            timeout=60_000,
        )
        assert not pg.is_visible(".nw-offline")
        height = "() => document.querySelector('.nw-offline').getBoundingClientRect().height"
        assert pg.evaluate(height) == 0
        _stop(first)  # the server goes away mid-edit
        pg.wait_for_selector(".nw-offline", state="visible", timeout=30_000)  # said at once
        pg.fill(".nw-field-summary textarea", "typed after the server went")
        second = _restart(first, tmp_path)  # same address: the same browser storage
        _open(pg, url)
        pg.wait_for_selector(".nw-dialog-restore", timeout=30_000)
        pg.click(".nw-dialog-restore")
        _wait_value(pg, ".nw-field-summary textarea", "typed after the server went")
        _saved(pg)
        assert _stored_at(db, "offline").summary == "typed after the server went"
    finally:
        context.close()
        if "second" in locals():
            _stop(second)


def _restart(app: Any, workdir: Any) -> Any:
    """The server started again on the same port and database as ``app``."""
    import os
    import subprocess
    import sys

    from tests.conftest import START_TIMEOUT, ServedApp, _wait_until_answering

    port = app.url.rsplit(":", 1)[1].strip("/")
    cmd = [sys.executable, "-m", "workbook.cli", "serve", "--port", port, "--db", str(app.db)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEGOTIATION_WORKBOOK")}
    log_path = workdir / "second.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [*cmd, "--no-browser"], stdout=log, stderr=subprocess.STDOUT, cwd=workdir, env=env
        )
    second = ServedApp(app.url, app.db, proc, log_path)
    _wait_until_answering(second, START_TIMEOUT)
    return second


def _stored_at(db: Any, plan_id: str) -> m.Plan:
    with PlanStore(db, read_only=True) as store:
        return store.load(plan_id).plan
