"""A workshop in real Voilà and Chromium: one facilitator page, three participant pages."""

from __future__ import annotations

import datetime as dt
import io
import re
import signal
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM_ARGS, chromium_path
from workbook.store import PlanStore

pytestmark = pytest.mark.browser

PLAN = "example-northwind"
READY = 120_000  # ms: a cold kernel on a busy 2-core machine
FINANCE = "Bring their finance team in before the price talk"
TRADE = "Trade every price move for term, volume or payment"
VOTES = {"Ana": [FINANCE, TRADE], "Ben": [TRADE], "Chris": [TRADE]}
TERM_ONE_YEAR = {"Ana": "40", "Ben": "70", "Chris": "55"}


def open_page(browser: Any, url: str, ready: str = ".nw-ready") -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    host = urlsplit(url).hostname
    context.route(lambda u: urlsplit(u).hostname != host, lambda route: route.abort())
    page = context.new_page()
    page.goto(url, timeout=READY)
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
        assert len(store.workshops.answers(code)) == 6
    for page in (facilitator, *pages.values()):
        page.context.close()


def test_wrong_and_expired_codes_get_a_clear_message(served_app, browser):
    page = open_page(browser, f"{served_app.url}?join=ZZZ-ZZZ&name=Ana", ".nw-join-form")
    assert "No workshop session has the code ZZZZZZ" in page.inner_text(".nw-join-code-problem")
    assert page.input_value("input.nw-join-name") == "Ana"
    with PlanStore(served_app.db) as store:
        old = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        code = store.workshops.open(PLAN, now=old).code
    page.fill("input.nw-join-code", code)
    page.click(".nw-join-submit")
    page.wait_for_selector(".nw-join-code-problem:has-text('has expired')", timeout=READY)
    assert "Ask the facilitator for a new one" in page.inner_text(".nw-join-code-problem")
    page.context.close()


def test_a_participant_joins_from_the_start_page(served_app, browser):
    with PlanStore(served_app.db) as store:
        code = store.workshops.open(PLAN).code
    page = open_page(browser, served_app.url)
    page.fill("input.nw-start-join-code", code.lower())
    page.click(".nw-start-join-submit")
    page.wait_for_selector(".nw-join-form", timeout=READY)
    assert f"join={code.lower()}" in page.url
    assert page.input_value("input.nw-join-code").upper() == code
    assert not page.query_selector(".nw-join-code-problem")  # the code is good: just the name
    page.fill("input.nw-join-name", "Dana")
    page.click(".nw-join-submit")
    page.wait_for_selector(".nw-participant h2:has-text('Hello, Dana')", timeout=READY)
    with PlanStore(served_app.db, read_only=True) as store:
        assert "Dana" in store.workshops.participants(code)
    page.context.close()


def decode_qr(locator: Any) -> list[str]:
    """What a phone reads from the QR code as the browser drew it."""
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(locator.screenshot())).convert("L")
    return [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.fixture
def room_browser(browser: Any) -> Any:
    """Chromium that finds ``workshop.test`` on this machine, as a laptop in the room would
    find the facilitator's machine by its name."""
    args = [
        *CHROMIUM_ARGS,
        "--host-resolver-rules=MAP workshop.test 127.0.0.1",
        "--proxy-bypass-list=workshop.test",  # this machine by another name
    ]
    launched = browser.browser_type.launch(executable_path=chromium_path(), args=args)
    yield launched
    launched.close()


def test_panel_and_projector_show_the_join_address_and_a_qr_code_that_opens_it(
    start_server, room_browser
):
    # Served on the room's network under a name (sign-in is the access tests' concern).
    args = ["--ip", "0.0.0.0", "--allow-host", "workshop.test", "--no-sign-in-on-network"]
    app = start_server(args=args)
    port = urlsplit(app.url).port
    room = f"http://workshop.test:{port}/"
    page = open_page(room_browser, f"{room}?plan={PLAN}&section=workshop")
    page.click(".nw-workshop-open")
    code = page.inner_text(".nw-workshop-code .nw-join-code-value").strip()
    join = f"{room}join/{code}"
    address = page.locator(".nw-workshop-code .nw-join-address")
    assert address.inner_text().strip() == join.removeprefix("http://")
    assert decode_qr(page.locator(".nw-workshop-code .nw-join-qr")) == [join]

    page.click(".nw-projector-toggle")
    page.wait_for_selector(".nw-projector-join .nw-join-qr", timeout=30_000)
    big = page.locator(".nw-projector-join .nw-join-address")
    assert big.inner_text().strip() == join.removeprefix("http://")
    assert float(big.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px")) >= 30
    assert decode_qr(page.locator(".nw-projector-join .nw-join-qr")) == [join]
    page.click(".nw-projector-dark-toggle")
    page.wait_for_selector(".nw-projector-dark", timeout=30_000)
    assert decode_qr(page.locator(".nw-projector-join .nw-join-qr")) == [join]
    page.context.close()


def test_with_sign_in_the_qr_code_lets_a_participant_answer_and_reach_nothing_else(
    start_server, room_browser
):
    app = start_server(args=["--ip", "0.0.0.0", "--allow-host", "workshop.test"])
    deadline = time.monotonic() + 60
    while not (token := re.search(r"/\?token=([0-9a-f]{32,})", app.log())):
        assert time.monotonic() < deadline, app.log()
        time.sleep(0.2)
    room = f"http://workshop.test:{urlsplit(app.url).port}/"
    facilitator = open_page(
        room_browser, f"{room}?token={token.group(1)}&plan={PLAN}&section=workshop"
    )
    facilitator.click(".nw-workshop-open")
    code = facilitator.inner_text(".nw-workshop-code .nw-join-code-value").strip()
    facilitator.locator(".nw-workshop-prompt", has_text="Vote").locator("input").check()
    [join] = decode_qr(facilitator.locator(".nw-workshop-code .nw-join-qr"))
    assert join == f"{room}join/{code}"

    participant = open_page(room_browser, join, ".nw-join-form")  # no sign-in asked
    assert participant.input_value("input.nw-join-code") == code
    participant.fill("input.nw-join-name", "Dana")
    participant.click(".nw-join-submit")
    participant.wait_for_selector(".nw-answer", timeout=READY)
    participant.locator(".nw-answer-priorities .widget-checkbox", has_text=TRADE).locator(
        "input"
    ).check()
    participant.click(".nw-answer-priorities .nw-answer-send")
    facilitator.wait_for_selector(
        ".nw-result:has-text('Answered by 1')", state="attached", timeout=30_000
    )
    assert "Joined (1): Dana" in facilitator.inner_text(".nw-workshop-joined")

    # The participant's cookie opens nothing of the plan, whatever address they try.
    participant.goto(f"{room}?plan={PLAN}&section=brief", timeout=READY)
    participant.wait_for_selector(".nw-join-form", timeout=READY)
    assert participant.locator(".nw-plan-picker, .nw-brief, .nw-nav").count() == 0
    assert "Northwind" not in participant.inner_text("body")
    participant.goto(f"{room}voila/files/app.ipynb", timeout=READY)
    assert "Sign in" in participant.inner_text("body") or "403" in participant.inner_text("body")
    for page in (facilitator, participant):
        page.context.close()


def test_served_on_this_machine_only_the_panel_says_the_room_cannot_join(served_app, browser):
    page = open_page(browser, f"{served_app.url}?plan={PLAN}&section=workshop")
    if page.is_visible(".nw-workshop-end"):  # a session left open by another test
        page.click(".nw-workshop-end")
        page.click(".nw-workshop-end-confirm")
    page.click(".nw-workshop-open")
    note = page.locator(".nw-workshop-code .nw-join-note")
    note.wait_for(timeout=30_000)
    assert "Only this computer can open this address" in note.inner_text()
    assert "--ip 0.0.0.0" in note.inner_text()
    assert page.locator(".nw-workshop-code .nw-join-qr").count() == 0
    page.context.close()


NOISE = re.compile(r"No such comm|is not trusted|Traceback|KeyboardInterrupt")


def test_no_comm_trust_or_traceback_noise_in_the_console_or_the_log(start_server, browser):
    app = start_server()
    heard: list[str] = []

    def listen(page: Any) -> Any:
        page.on("console", lambda m: heard.append(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: heard.append(f"page error: {e}"))
        return page

    facilitator = listen(open_page(browser, f"{app.url}?plan={PLAN}&section=workshop"))
    facilitator.click(".nw-workshop-open")
    code = facilitator.inner_text(".nw-join-code-value").strip()
    facilitator.locator(".nw-workshop-prompt", has_text="Values · Contract term").locator(
        "input"
    ).check()
    ana = listen(open_page(browser, f"{app.url}?join={code}&name=Ana", ".nw-answer"))
    ana.fill(".nw-answer-values input >> nth=0", "40")
    ana.click(".nw-answer-values .nw-answer-send")
    ana.wait_for_selector(".nw-answer-values .nw-answer-saved :text('saved')", timeout=30_000)
    facilitator.wait_for_selector(".nw-result:has-text('Answered by 1')", timeout=30_000)
    facilitator.click(".nw-projector-toggle")
    facilitator.wait_for_selector(".nw-projector-join", timeout=30_000)
    facilitator.click(".nw-projector-leave")
    facilitator.click(".nw-nav-scenarios")
    facilitator.wait_for_selector(".nw-nav-scenarios.mod-primary", timeout=30_000)
    ana.reload()
    ana.wait_for_selector(".nw-answer", timeout=READY)
    for page in (facilitator, ana):
        page.context.close()
    # Stop as Ctrl-C does while a fresh kernel is still starting for the next visitor.
    app.get_page()
    app.proc.send_signal(signal.SIGINT)
    assert app.proc.wait(timeout=90) == 0
    log = app.log()
    assert not [line for line in heard if NOISE.search(line)], heard
    assert not NOISE.search(log), log
    assert log.rstrip().endswith("negotiation-workbook: the server has stopped."), log[-2000:]
