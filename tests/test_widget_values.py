"""Widget values sent over the kernel websocket by hand, as an attacker would send them.

A visitor's page speaks to its kernel with comm messages, and anything the page can send,
a script can send too: values outside a field's bounds, values of the wrong type, changes
to disabled fields. The model refuses them, the field shows the last good value again,
and nothing reaches the store. Neither do tracebacks reach the page, whatever fails.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.kernel_socket import KernelSocket
from workbook.serve import ERROR_MESSAGE
from workbook.store import PlanStore, example_plan

if TYPE_CHECKING:
    from conftest import ServedApp, StartServer

PLAN = example_plan().id
LEAKS = ("Traceback", 'File "', ".py", "site-packages", "Error:", "\x1b[")
"""Text that only a traceback, a source line or a log record would put in a message."""


@pytest.fixture(scope="module")
def app(start_server: StartServer) -> ServedApp:
    """The app on a server of its own, with the worked example."""
    return start_server()


def revisions(app: ServedApp, plan: str = PLAN) -> int:
    with PlanStore(app.db, read_only=True) as store:
        return len(store.history(plan))


@pytest.fixture(scope="module")
def page(app: ServedApp) -> Iterator[KernelSocket]:
    """One page's kernel, the worked example open, spoken to by hand."""
    sock = KernelSocket(app, app.get_page_config(f"plan={PLAN}")["kernelId"])
    yield sock
    sock.close()


def assert_nothing_leaked(sock: KernelSocket) -> None:
    """No message that reached the page carries a traceback, source or standard error."""
    for got in sock.received:
        assert not (got.msg_type == "stream" and got.content.get("name") == "stderr"), got
        if got.msg_type == "error":
            assert got.content["traceback"] == [ERROR_MESSAGE], got
        text = got.raw.decode("utf-8", errors="replace")
        for leak in LEAKS:
            assert leak not in text, f"{leak!r} in a {got.msg_type} message: {text[:300]}"


def messages_shown(states: dict[str, dict[str, Any]]) -> str:
    """The text of every HTML widget: the refusal messages under fields are among them."""
    return "\n".join(
        str(s.get("value", "")) for s in states.values() if s.get("_model_name") == "HTMLModel"
    )


# Each case: the field's DOM class (and which of them), the state sent, what the model
# says (None: the widget itself refuses the value's type, before the model sees it), and
# the trait read back with the value it must still have.
CASES = [
    ("nw-field-deal-value", 0, {"value": "-5"}, "Must be at least 0", "value", "4,190,400"),
    (
        "nw-field-deal-value",
        0,
        {"value": "1e30"},
        "Must be at most 1,000,000,000,000",
        "value",
        "4,190,400",
    ),
    ("nw-field-deal-value", 0, {"value": ["4200"]}, None, "value", "4,190,400"),
    ("nw-field-deal-value", 0, {"value": {"x": 1}}, None, "value", "4,190,400"),
    ("nw-field-deal-value", 0, {"value": 7}, None, "value", "4,190,400"),
    ("nw-field-deal-value", 0, {"value": None}, None, "value", "4,190,400"),
    ("nw-field-side", 0, {"index": 99}, None, "index", 0),
    ("nw-field-side", 0, {"index": -1}, None, "index", 0),
    ("nw-field-side", 0, {"index": None}, "Input should be", "index", 0),
    ("nw-field-date", 0, {"value": {"year": 99999, "month": 0, "date": 1}}, None, "value", None),
    ("nw-field-team-name", 0, {"value": "x" * 10_000}, "at most 120 characters", "value", None),
    ("nw-field-summary", 0, {"value": "y" * 10_000}, "at most 5,000 characters", "value", None),
]


@pytest.mark.parametrize(
    ("css", "nth", "sent", "message", "trait", "kept"),
    CASES,
    ids=[f"{c[0][9:]}-{next(iter(c[2].values()))!r:.20}" for c in CASES],
)
def test_refused_value_leaves_the_last_good_one(
    page: KernelSocket,
    css: str,
    nth: int,
    sent: dict[str, Any],
    message: str | None,
    trait: str,
    kept: Any,
) -> None:
    before = page.widget_states()
    model = page.find(before, css, nth)
    kept = before[model][trait] if kept is None else kept
    page.update(model, **sent)
    after = page.widget_states()
    assert after[model][trait] == kept
    if message is not None:
        assert message in messages_shown(after)
    assert_nothing_leaked(page)


def test_probability_out_of_bounds_is_refused(page: KernelSocket) -> None:
    """The value section is built when shown: click its navigation button, as the page does."""
    states = page.widget_states()
    page.click(page.find(states, "nw-nav-value"))
    states = page.widget_states()
    field = page.find(states, "nw-field-value-value-items-probability")
    kept = states[field]["value"]
    for text, message in [
        ("1.5", "Must be at most 1"),
        ("-0.1", "Must be at least 0"),
        ("1e400", "finite number"),
        ("nan", "is not a number"),
    ]:
        page.update(field, value=text)
        states = page.widget_states()
        assert states[field]["value"] == kept, text
        assert message in messages_shown(states), text
    assert_nothing_leaked(page)


def test_refused_values_saved_nothing(app: ServedApp, page: KernelSocket) -> None:
    """After the refusals above nothing is saved; a good value still is (the check works)."""
    count = revisions(app)
    states = page.flush_saves()  # anything accepted would be saved by now
    assert revisions(app) == count
    page.update(page.find(states, "nw-field-deal-value"), value="4,300,000")
    deadline = time.monotonic() + 30
    while revisions(app) == count:
        assert time.monotonic() < deadline, "a good value was not saved"
        time.sleep(0.2)
    with PlanStore(app.db, read_only=True) as store:
        assert store.load(PLAN).plan.deal_value == 4_300_000


def test_crafted_messages_that_fail_in_the_kernel_leak_nothing(app: ServedApp) -> None:
    """Handlers that raise send the page a neutral error at most, and the page keeps working.

    Without the server's own filter, the first error message also left the page's
    websocket deaf to every later message.
    """
    sock = KernelSocket(app, app.get_page_config(f"plan={PLAN}")["kernelId"])
    try:
        states = sock.widget_states()
        field = sock.find(states, "nw-field-currency")
        sock.update(field, value=["EUR"])  # a traitlets error inside ipywidgets
        sock.send("shell", "comm_msg", {"comm_id": field, "data": {"state": {}}})  # no method
        sock.send("shell", "comm_msg", {"comm_id": "no-such-comm", "data": {}})  # logged
        sock.send(  # an unknown widget protocol version: logged with a traceback
            "shell",
            "comm_open",
            {"comm_id": "c0ffee", "target_name": "jupyter.widget.control", "data": {}},
            metadata={"version": "0.1"},
        )
        sock.update(field, value="USD")  # a good value after all that
        states = sock.widget_states()
        assert states[field]["value"] == "USD"
        assert any(got.msg_type == "error" for got in sock.received)
        assert_nothing_leaked(sock)
    finally:
        sock.close()
    assert "error kept from the page" in app.log()
    assert "standard error" in app.log()


def test_failing_callback_shows_the_friendly_message_only(app: ServedApp) -> None:
    """A plan whose stored data cannot be read, picked in the plan list by hand."""
    with PlanStore(app.db) as store:
        broken = store.create(example_plan().model_copy(update={"name": "Unreadable"})).plan.id
    with sqlite3.connect(app.db) as con:  # damage it, and list it last
        con.execute("UPDATE revisions SET data = '{not json' WHERE plan_id = ?", (broken,))
        con.execute("UPDATE plans SET updated_at = '2000-01-01' WHERE id = ?", (broken,))
    con.close()
    sock = KernelSocket(app, app.get_page_config(f"plan={PLAN}")["kernelId"])
    try:
        states = sock.widget_states()
        picker = sock.find(states, "nw-plan-picker")
        labels = states[picker]["_options_labels"]
        sock.update(picker, index=next(i for i, x in enumerate(labels) if x.startswith("Unread")))
        states = sock.widget_states()
        status = states[sock.find(states, "nw-status")]["value"]
        assert "Something went wrong there. Your saved work is safe; please try again." in status
        assert_nothing_leaked(sock)
    finally:
        sock.close()


@pytest.fixture(scope="module")
def read_only_app(start_server: StartServer, tmp_path_factory: pytest.TempPathFactory) -> Any:
    db = tmp_path_factory.mktemp("read-only") / "plans.sqlite"
    with PlanStore(db) as store:
        store.ensure_example()
    return start_server(db=db, args=["--read-only"])


def test_read_only_fields_sent_values_change_nothing(read_only_app: ServedApp) -> None:
    """Disabled fields and buttons, enabled and used by hand: the store does not change."""
    app = read_only_app
    count = revisions(app)
    with PlanStore(app.db, read_only=True) as store:
        plans = store.list_plans()
    sock = KernelSocket(app, app.get_page_config(f"plan={PLAN}")["kernelId"])
    try:
        states = sock.widget_states()
        value, summary = (
            sock.find(states, "nw-field-deal-value"),
            sock.find(states, "nw-field-summary"),
        )
        assert states[value]["disabled"] and states[summary]["disabled"]
        kept = states[value]["value"], states[summary]["value"]
        sock.update(value, disabled=False, value="1")
        sock.update(summary, disabled=False, value="Changed by a script")
        for button in ("nw-delete", "nw-duplicate", "nw-new", "nw-rename", "nw-share"):
            model = sock.find(states, button)
            sock.update(model, disabled=False)
            sock.click(model)
        states = sock.widget_states()
        assert (states[value]["value"], states[summary]["value"]) == kept
        assert "read-only" in messages_shown(states)
        assert_nothing_leaked(sock)
        sock.flush_saves()  # a read-only page saves nothing, even when asked to
    finally:
        sock.close()
    assert revisions(app) == count
    with PlanStore(app.db, read_only=True) as store:
        assert store.list_plans() == plans
