"""The workshop mode driven without a browser: facilitator panel, projector, participants."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest

from tests.helpers import XSS, ManualScheduler, find, find_all
from workbook.brief import brief_markdown
from workbook.store import SERVE_IP_ENV, PlanStore
from workbook.ui.app import WorkbookApp, launch
from workbook.ui.forms import RowTable
from workbook.ui.workshop import (
    WORKSHOP,
    ParticipantView,
    Ticker,
    join_address,
    join_form_html,
    join_qr,
    join_qr_svg,
)
from workbook.workshop import JOIN_BASE_ENV

PLAN = "example-northwind"
T0 = dt.datetime.now(dt.UTC).replace(microsecond=0)


class Clock:
    """A settable clock for the app and the participants."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(tmp_path, clock):
    """The app on the worked example, in a fresh store, with a settable clock."""
    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()
        app = WorkbookApp(store, scheduler=ManualScheduler(), author="facilitator").start()
        app.workshop.now = clock
        yield app


@pytest.fixture
def store(app):
    return app.store


@pytest.fixture
def panel(app):
    app.show(WORKSHOP)
    return app.workshop.panel


def open_session(app, *prompts: str) -> str:
    find(app.widget, "nw-workshop-open").click()
    panel = app.workshop.panel
    for prompt in prompts:
        panel.questions.boxes[prompt].value = True
    return panel.live.session.code


def join(store, code, name, clock) -> ParticipantView:
    view = ParticipantView(store, scheduler=ManualScheduler(), now=clock)
    view.join(code, name)
    return view


def vote(view: ParticipantView, *candidates: str) -> None:
    card = view.cards["priorities"]
    for box in card.form.boxes:
        box.value = box.description in candidates
    card.send.click()


# --- the facilitator's panel in the app ------------------------------------------------


def test_workshop_button_shows_the_panel_and_a_section_hides_it(app):
    find(app.widget, "nw-workshop").click()
    panel = app.workshop.panel
    assert app.current == WORKSHOP
    assert app.stack.layout.display == "none" and app.workshop.panel_box.layout.display == ""
    assert "Running the workshop" in app.guidance.value
    assert all(b.button_style == "" for b in app.nav_buttons.values())
    assert "Open a session" in panel.control.code.value
    assert app.workshop.ticker.running
    app.show("scenarios")
    assert app.stack.layout.display == "" and app.workshop.panel_box.layout.display == "none"
    assert not app.workshop.ticker.running


def test_section_workshop_in_the_address_opens_the_panel(store):
    app = WorkbookApp(store, scheduler=ManualScheduler()).start(section=WORKSHOP)
    assert app.workshop.panel is not None and app.status_text == ""


def test_agenda_editor_and_parking_lot_edit_the_plan(app, panel, store):
    agenda = find(panel.widget, kind=RowTable, path=("workshop", "agenda"))
    agenda._new_widgets["section"].value = "ledger"
    agenda._new_widgets["minutes"].value = "15"
    assert agenda.add() is None
    assert app.session.plan.workshop.agenda[-1].section == "ledger"
    assert "160 minutes" in panel.timer.total.value
    parking = find(panel.widget, kind=RowTable, path=("workshop", "parking_lot"))
    parking._new_widgets["text"].value = "Who signs off above 5 % discount?"
    parking._new_widgets["raised_by"].value = "Tom"
    assert parking.add() is None
    app.scheduler.run()
    plan = store.load(PLAN).plan
    assert plan.workshop.parking_lot[-1].text == "Who signs off above 5 % discount?"
    assert "Who signs off above 5 % discount? (raised by Tom)" in brief_markdown(plan)


def test_timer_counts_down_signals_gently_and_moves_on(app, panel, clock):
    open_session(app)
    assert "20:00 left" in panel.timer.clock.value and "paused" in panel.timer.clock.value
    assert panel.timer.buttons["previous"].disabled and not panel.timer.buttons["next"].disabled
    find(app.widget, "nw-workshop-start").click()
    clock.advance(minutes=19)
    app.workshop._tick()
    assert "1:00 left" in panel.timer.clock.value and "Nearly time" in panel.timer.clock.value
    clock.advance(minutes=2)
    app.workshop._tick()
    assert "nw-clock-time_up" in panel.timer.clock.value and "1:00 over" in panel.timer.clock.value
    assert "Time is up" in panel.timer.clock.value
    find(app.widget, "nw-workshop-next").click()
    assert "Item 2 of 6 · Value proposition" in panel.timer.clock.value
    assert not panel.timer.buttons["previous"].disabled
    assert "25:00 left" in panel.timer.clock.value
    again = WorkbookApp(app.store, scheduler=ManualScheduler()).start(section=WORKSHOP)
    again.workshop.now = clock
    again.workshop.panel.refresh()
    assert "Item 2 of 6" in again.workshop.panel.timer.clock.value  # a reload finds the clock


def test_answers_arrive_live_and_the_aggregate_follows(app, panel, store, clock):
    code = open_session(app, "priorities")
    voters = {
        "Ana": ["Bring their finance team in before the price talk"],
        "Ben": ["Trade every price move for term, volume or payment"],
        "Cy": [
            "Trade every price move for term, volume or payment",
            "Bring their finance team in before the price talk",
        ],
    }
    for name, choices in voters.items():
        vote(join(store, code, name, clock), *choices)
    app.scheduler.run()  # one poll of the store
    card = panel.results.cards["priorities"]
    assert "Answered by 3: Ana, Ben, Cy" in card.header.value
    assert "Joined (3): Ana, Ben, Cy" in panel.control.code.value
    assert card.summary.top == [
        "Bring their finance team in before the price talk",
        "Trade every price move for term, volume or payment",
    ]
    assert card.chart.figure is not None


def test_participants_see_only_their_own_answers_until_revealed(app, panel, store, clock):
    code = open_session(app, "priorities")
    ana, ben = join(store, code, "Ana", clock), join(store, code, "Ben", clock)
    vote(ana, "Bring their finance team in before the price talk")
    vote(ben, "Trade every price move for term, volume or payment")
    ana.ticker._tick()
    card = ana.cards["priorities"]
    assert "Only you see your answers" in card.team.value and card.chart.figure is None
    assert "Ben" not in "".join(w.value for w in find_all(ana.widget) if hasattr(w, "value")
                                and isinstance(w.value, str))  # fmt: skip
    find(app.widget, "nw-workshop-reveal").click()
    ana.ticker._tick()
    assert "The team's answers" in unescape(card.team.value) and card.chart.figure is not None
    assert "Hide answers" in find(app.widget, "nw-workshop-reveal").description


def test_a_reload_keeps_a_participants_answers(app, panel, store, clock):
    code = open_session(app, "priorities", "values:va-term")
    ana = join(store, code, "Ana", clock)
    values = ana.cards["values:va-term"]
    values.form.boxes["op-t1"].value = "55"
    values.send.click()
    vote(ana, "Bring their finance team in before the price talk")
    again = join(store, code.lower(), "ana", clock)
    assert again.name == "Ana"
    assert again.cards["values:va-term"].form.boxes["op-t1"].value == "55"
    assert [b.value for b in again.cards["priorities"].form.boxes] == [True, False]
    assert "Your answer is saved" in again.cards["priorities"].saved.value
    assert again.cards["priorities"].send.description == "Update my answer"


def test_bad_answers_get_a_message_next_to_the_form(app, panel, store, clock):
    code = open_session(app, "priorities", "estimate:mv-price", "values:va-term")
    ana = join(store, code, "Ana", clock)
    ana.cards["priorities"].send.click()
    assert "Tick one or two" in ana.cards["priorities"].message.value
    values = ana.cards["values:va-term"]
    values.form.boxes["op-t1"].value = "lots"
    values.send.click()
    assert "1 year: &#39;lots&#39; is not a number." in values.message.value
    estimate = ana.cards["estimate:mv-price"]
    rows = dict(zip([key for key, *_ in estimate.form.rows], estimate.form.ranges, strict=True))

    def problems() -> dict[str, str]:
        return {key: row.message.value for key, row in rows.items()}

    estimate.send.click()  # every row that cannot be used says so under itself
    assert "Our direct gain: enter low, likely and high" in problems()["gain"]
    assert "Chance the customer cooperates: enter low" in problems()["cooperation_probability"]
    assert "3 figures above need a look" in estimate.message.value
    boxes = {key: row.boxes for key, row in rows.items()}
    for key, triple in [
        ("gain", ("300k", "100k", "500k")),
        ("cooperation_probability", ("0.5", "0.5", "0.5")),
        ("cooperation_value", ("0", "1m", "2m")),
    ]:
        for box, text in zip(boxes[key], triple, strict=True):
            box.value = text
    estimate.send.click()
    assert "low (300000) must not be above likely (100000)" in problems()["gain"]
    assert problems()["cooperation_probability"] == problems()["cooperation_value"] == ""
    assert "1 figure above needs a look" in estimate.message.value
    boxes["gain"][0].value = "50k"
    for box in boxes["cp-trakko:probability"]:
        box.value = "0.3"
    estimate.send.click()
    assert "Trakko: give the damage too" in problems()["cp-trakko:damage"]
    assert problems()["gain"] == "" and problems()["cp-trakko:probability"] == ""
    boxes["cp-trakko:damage"][1].value = "200k"
    estimate.send.click()
    assert "Trakko: damage if it does: enter low, likely and high" in problems()["cp-trakko:damage"]
    boxes["cp-trakko:damage"][0].value = "100k"
    boxes["cp-trakko:damage"][2].value = "300k"
    estimate.send.click()
    assert estimate.message.value == ""
    assert not any(problems().values())
    saved = store.workshops.answers(code, "Ana")[-1].answer
    assert saved["cooperation_probability"] == {"low": 0.5, "likely": 0.5, "high": 0.5}
    assert saved["retaliation"][0]["competitor_id"] == "cp-trakko"


def test_ending_freezes_every_form(app, panel, store, clock):
    code = open_session(app, "priorities")
    ana = join(store, code, "Ana", clock)
    vote(ana, "Bring their finance team in before the price talk")
    find(app.widget, "nw-workshop-end").click()
    find(app.widget, "nw-workshop-end-confirm").click()
    assert "ended" in panel.control.code.value
    assert panel.control.buttons["open"].layout.display == ""
    assert all(b.disabled for b in panel.questions.boxes.values())
    card = ana.cards["priorities"]
    card.form.boxes[1].value = True
    card.send.click()  # the page has not polled yet: the store refuses
    assert "has ended" in card.message.value
    ana.ticker._tick()
    assert card.send.disabled and "session has ended" in ana.intro.value
    assert not ana.ticker.running
    assert "The team's answers" in unescape(card.team.value)  # results are shown after the end


def test_accepting_votes_values_and_estimates_changes_the_plan(app, panel, store, clock):
    code = open_session(app, "priorities", "values:va-term", "estimate:mv-price")
    for name, (t1, gain) in {
        "Ana": ("40", "10k"),
        "Ben": ("60", "30k"),
        "Cy": ("50", "20k"),
    }.items():
        view = join(store, code, name, clock)
        vote(view, "Trade every price move for term, volume or payment")
        view.cards["values:va-term"].form.boxes["op-t1"].value = t1
        view.cards["values:va-term"].send.click()
        estimate = view.cards["estimate:mv-price"]
        for key, _label, boxes, _req in estimate.form.rows[:3]:
            for box in boxes:
                box.value = "0.5" if key == "cooperation_probability" else gain
        estimate.send.click()
    app.scheduler.run()
    plan_before = app.session.plan
    # values: the median, edited before it is applied
    card = panel.results.cards["values:va-term"]
    find(card.widget, "nw-workshop-accept").click()
    editor_boxes = [w for w in find_all(card.editor) if getattr(w, "value", None) == "50"]
    assert editor_boxes, "the median is proposed"
    editor_boxes[0].value = "52"
    find(card.widget, "nw-workshop-apply").click()
    assert "Added to the plan" in card.message.value
    options = app.session.plan.concessions.variables[1].options
    others = [o.theirs for o in plan_before.concessions.variables[1].options[1:]]
    assert [o.theirs for o in options] == [52.0, *others]
    # votes: the top two become the priorities
    card = panel.results.cards["priorities"]
    find(card.widget, "nw-workshop-accept").click()
    find(card.widget, "nw-workshop-apply").click()
    texts = [p.text for p in app.session.plan.strategy.priorities]
    assert texts == ["Trade every price move for term, volume or payment"]
    assert app.session.plan.strategy.priorities[0].why == plan_before.strategy.priorities[1].why
    # estimates: the team's median as the "Workshop" participant
    card = panel.results.cards["estimate:mv-price"]
    find(card.widget, "nw-workshop-accept").click()
    find(card.widget, "nw-workshop-apply").click()
    workshop = app.session.plan.scenarios.moves[0].estimates[-1]
    assert (workshop.participant, workshop.gain.likely) == ("Workshop", 20_000)
    app.scheduler.run()
    assert store.load(PLAN).plan.scenarios.moves[0].estimates[-1].participant == "Workshop"


def test_a_refused_plan_change_is_shown_next_to_the_editor(app, panel, store, clock):
    code = open_session(app, "values:va-term")
    stored = app.session.plan.concessions.variables[1].options[0].theirs
    view = join(store, code, "Ana", clock)
    view.cards["values:va-term"].form.boxes["op-t1"].value = "40"
    view.cards["values:va-term"].send.click()
    app.scheduler.run()
    card = panel.results.cards["values:va-term"]
    find(card.widget, "nw-workshop-accept").click()
    box = next(w for w in find_all(card.editor) if getattr(w, "value", None) == "40")
    box.value = "1e13"
    find(card.widget, "nw-workshop-apply").click()
    assert "Must be at most" in card.message.value
    assert app.session.plan.concessions.variables[1].options[0].theirs == stored


def test_prompt_list_follows_moves_and_variables_but_not_every_edit(app, panel):
    box = panel.questions.boxes["estimate:mv-price"]
    app.session.set(("scenarios", "moves", 0, "estimates", 0, "gain", "high"), 2_000_000)
    assert panel.questions.boxes["estimate:mv-price"] is box
    app.session.set(("scenarios", "moves", 0, "name"), "Cut the price by 6 %")
    renamed = panel.questions.boxes["estimate:mv-price"]
    assert renamed.description == "Estimate · Cut the price by 6 %"
    assert not box.comm  # the old box was closed
    assert panel.questions.candidates.comm is not None  # the candidates stay


def test_an_empty_plan_still_offers_the_vote(app):
    app.menu.ask_new()
    find(app.widget, "nw-new-name").value = "Blank"
    find(app.widget, "nw-dialog-create").click()
    app.show(WORKSHOP)
    assert list(app.workshop.panel.questions.boxes) == ["priorities"]
    assert "Add sections to the agenda" in app.workshop.panel.timer.clock.value


def test_vote_needs_two_candidates(app, panel):
    open_session(app)
    panel.questions.candidates.value = ["Only this one"]
    panel.questions.boxes["priorities"].value = True
    assert "Candidates: needs at least 2 entries. Then tick" in panel.questions.message.value
    assert "validation" not in panel.questions.message.value
    assert panel.questions.boxes["priorities"].value is False
    panel.questions.candidates.value = ["Only this one", "And this"]
    panel.questions.boxes["priorities"].value = True
    assert panel.live.session.prompt("priorities").candidates == ["Only this one", "And this"]
    panel.questions.candidates.value = ["Only this one", "And this", "A third"]
    assert len(panel.live.session.prompt("priorities").candidates) == 3


# --- the projector ----------------------------------------------------------------------


def test_projector_replaces_the_app_and_shows_the_question_and_answers(app, panel, store, clock):
    code = open_session(app, "priorities")
    find(app.widget, "nw-projector-toggle").click()
    projector = app.workshop.projector
    assert [c.layout.display for c in app.widget.children] == ["none", "none", "none", ""]
    assert "Strategy alignment" in projector.heading.value
    assert code in projector.join.value
    assert "which one or two things will we do better" in projector.heading.value
    assert "20:00 left" in projector.clock.value
    vote(join(store, code, "Ana", clock), "Bring their finance team in before the price talk")
    app.scheduler.run()
    card = projector.cards["priorities"]
    assert "1 of 1 answered: Ana" in card.title.value and "stay hidden" in card.figures.value
    assert card.chart.figure is None and card.chart.layout.display == "none"
    find(app.widget, "nw-workshop-reveal").click()
    assert card.chart.figure is not None and card.chart.figure.layout.font.size == 17
    assert "Bring their finance team in" in card.figures.value
    projector.dark.value = True
    assert "nw-projector-dark" in projector.widget._dom_classes
    assert card.chart.figure.layout.template.layout.paper_bgcolor == "rgba(0,0,0,0)"
    find(app.widget, "nw-projector-leave").click()
    assert [c.layout.display for c in app.widget.children] == ["", "", "", "none"]
    assert app.workshop.projector is None


def test_user_text_is_escaped_in_panel_projector_and_participant_view(app, store, clock):
    name = XSS[:60]
    app.session.set(("name",), XSS[:120])
    app.show(WORKSHOP)
    panel = app.workshop.panel
    code = open_session(app, "priorities")
    panel.questions.candidates.value = [XSS[:120], "Plain"]
    view = join(store, code, name, clock)
    view.ticker._tick()
    vote(view, XSS[:120])
    app.scheduler.run()
    find(app.widget, "nw-workshop-reveal").click()
    find(app.widget, "nw-projector-toggle").click()
    view.ticker._tick()
    card = app.workshop.projector.cards["priorities"]
    texts = [
        panel.control.code.value,
        panel.results.cards["priorities"].header.value,
        panel.results.cards["priorities"].figures.value,
        app.workshop.projector.heading.value,
        card.title.value,
        card.figures.value,
        view.heading.value,
        view.cards["priorities"].team.value,
        join_form_html(XSS[:16], XSS[:60], {"code": XSS}),
    ]
    for text in texts:
        assert "<img" not in text and "<script" not in text


# --- participants -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "where", "message"),
    [
        ("ZZZZZZ", "Ana", "code", "No workshop session has the code ZZZZZZ"),
        ("ABC", "Ana", "code", "6 letters and digits"),
        ("{code}", "", "name", "Enter your name"),
        ("{code}", "Workshop", "name", "stands for the whole team"),
    ],
)
def test_a_wrong_code_or_name_shows_the_form_with_a_message(
    app, store, clock, code, name, where, message
):
    real = store.workshops.open(PLAN).code
    view = join(store, code.format(code=real), name, clock)
    assert "nw-join-form" in view.intro.value
    assert f"nw-join-{where}-problem" in view.intro.value
    assert message.replace("'", "&#x27;") in view.intro.value
    assert view.cards == {} and "nw-ready" in view.widget._dom_classes


def test_an_empty_join_form_asks_without_scolding(store, clock):
    view = join(store, "", None, clock)
    assert "nw-join-form" in view.intro.value and "problem" not in view.intro.value
    view = join(store, "K7PQ3M", None, clock)  # a link with the code alone: just ask
    assert (
        "No workshop session" in view.intro.value and "nw-join-name-problem" not in view.intro.value
    )


def test_an_expired_code_gets_a_clear_message(store, clock):
    code = store.workshops.open(PLAN, now=T0 - dt.timedelta(hours=13)).code
    view = join(store, code, "Ana", clock)
    assert "has expired. Ask the facilitator for a new one." in view.intro.value


def test_participant_waits_until_a_question_is_opened(app, panel, store, clock):
    code = open_session(app)
    ana = join(store, code, "Ana", clock)
    assert "No question is open yet" in ana.body.children[0].value
    panel.questions.boxes["estimate:mv-price"].value = True
    ana.ticker._tick()
    assert list(ana.cards) == ["estimate:mv-price"]
    panel.questions.boxes["estimate:mv-price"].value = False
    ana.ticker._tick()
    assert ana.cards == {}


def launch_plainly(db):
    """``launch()`` in a thread of its own: no event loop runs there, as in a plain script."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(launch, db=db).result()


def test_launch_with_join_in_the_address_shows_the_participant_view(store, monkeypatch):
    code = store.workshops.open(PLAN).code
    monkeypatch.setenv("QUERY_STRING", f"join={code.lower()}&name=Ana+Lima")
    widget = launch_plainly(store.path)
    assert "nw-participant" in widget._dom_classes
    assert "Hello, Ana Lima" in widget.children[1].value
    monkeypatch.setenv("QUERY_STRING", "join")
    assert "nw-join-form" in launch_plainly(store.path).children[2].value


def test_ticker_repeats_stops_and_never_recurses():
    calls: list[int] = []
    scheduler = ManualScheduler()
    ticker = Ticker(scheduler, 1.0, lambda: calls.append(1))
    ticker.start()
    ticker.start()
    scheduler.run()
    scheduler.run()
    assert len(calls) == 2
    ticker.stop()
    scheduler.run()
    assert len(calls) == 2
    at_once = Ticker(lambda _d, fn: fn(), 1.0, lambda: calls.append(1))
    at_once.start()  # a scheduler with no event loop runs at once: one call, no chain
    assert len(calls) == 3


# --- the way in: the start page, the join address and its QR code -------------------------

SERVED = {"SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8866", "SCRIPT_NAME": "/"}


@pytest.mark.parametrize(
    ("env", "network", "url", "reachable", "note"),
    [
        # the facilitator opened the app by an address the room can reach: that one
        ({**SERVED, "SERVER_NAME": "192.168.4.20", SERVE_IP_ENV: "0.0.0.0"}, None,
         "http://192.168.4.20:8866/join/K7PQ3M", True, ""),
        # served on all addresses, opened on this machine: its network address
        ({**SERVED, SERVE_IP_ENV: "0.0.0.0"}, "10.20.30.40",
         "http://10.20.30.40:8866/join/K7PQ3M", True, ""),
        # served on one network address, opened on this machine: that address
        ({**SERVED, SERVE_IP_ENV: "172.16.0.9"}, None,
         "http://172.16.0.9:8866/join/K7PQ3M", True, ""),
        # served on this machine only: said plainly, with the way out
        ({**SERVED, SERVE_IP_ENV: "127.0.0.1"}, None,
         "http://127.0.0.1:8866/join/K7PQ3M", False, "--ip 0.0.0.0"),
        ({**SERVED, "SERVER_NAME": "localhost"}, None,
         "http://localhost:8866/join/K7PQ3M", False, "Only this computer"),
        # behind JupyterHub: the hub's address, which takes each participant to their server
        ({**SERVED, SERVE_IP_ENV: "127.0.0.1", "SCRIPT_NAME": "/user/ann/",
          JOIN_BASE_ENV: "/hub/user-redirect"}, None,
         "http://127.0.0.1:8866/hub/user-redirect/join/K7PQ3M", True, ""),
        # served on all addresses, but this machine has no network
        ({**SERVED, SERVE_IP_ENV: "0.0.0.0"}, "",
         "http://127.0.0.1:8866/join/K7PQ3M", False, "no network address"),
    ],
)  # fmt: skip
def test_the_join_address_is_one_participants_can_reach(env, network, url, reachable, note):
    address = join_address("K7PQ3M", env, network=lambda: network or None)
    assert (address.url, address.reachable) == (url, reachable)
    assert note in address.note and bool(address.note) == (not reachable)
    assert address.shown == url.removeprefix("http://")


def test_no_join_address_outside_a_served_app():
    assert join_address("K7PQ3M", {}) is None


def test_the_join_qr_code_opens_the_join_address():
    import numpy as np
    import zxingcpp

    url = "http://192.168.4.20:8866/join/K7PQ3M"
    matrix = np.array(list(join_qr(url).matrix_iter(scale=4, border=4)), dtype=np.uint8)
    decoded = zxingcpp.read_barcodes((1 - matrix) * 255)
    assert [d.text for d in decoded] == [url]
    svg = join_qr_svg(url, "120px")
    assert svg.count("<svg") == 1 and "nw-join-qr" in svg and "http" not in svg.split(">", 2)[2]


def test_panel_and_projector_show_the_join_address_and_qr_code(app, panel):
    app.workshop.env = {**SERVED, "SERVER_NAME": "192.168.4.20"}
    code = open_session(app)
    find(app.widget, "nw-projector-toggle").click()
    for html in (panel.control.code.value, app.workshop.projector.join.value):
        assert f"192.168.4.20:8866/join/{code}" in html
        assert "nw-join-qr" in html and "<svg" in html and code in html
    assert "56px" in app.workshop.projector.join.value  # large type on the shared screen
    app.workshop.toggle_projector()
    app.workshop.env = SERVED  # served on loopback: no QR code, and the reason why
    panel.refresh()
    code = panel.control.code.value
    assert "<svg" not in code and "Only this computer" in code
    assert "--ip 0.0.0.0" in panel.control.code.value


def test_the_start_page_offers_to_join_a_workshop(app):
    entry = find(app.widget, "nw-start-join")
    assert "Join a workshop" in entry.value
    assert '<form method="get"' in entry.value and 'name="join"' in entry.value
    assert 'name="name"' not in entry.value  # the join page asks the name next


# --- the facilitator's panel: the order of use, and buttons that say why --------------------


def test_the_panel_runs_in_the_order_of_use(panel):
    def position(css: str) -> int:
        return next(i for i, w in enumerate(panel.widget.children) if find_all(w, css))

    agenda, code = position("nw-workshop-agenda"), position("nw-workshop-code")
    clock, parking = position("nw-workshop-clock"), position("nw-workshop-parking")
    assert agenda < code < clock < parking


def test_a_disabled_button_says_why(app, panel):
    start = panel.timer.buttons["start"]
    assert start.disabled and "Open a workshop session" in start.tooltip
    assert "Open a workshop session" in panel.timer.hint.value
    assert panel.timer.hint.layout.display == ""
    assert "Open a workshop session" in panel.questions.hint.value
    open_session(app)
    assert not start.disabled and start.tooltip == ""
    assert panel.timer.buttons["previous"].disabled
    assert "first item" in panel.timer.buttons["previous"].tooltip
    assert panel.questions.hint.layout.display == "none"
    app.session.set(("workshop", "agenda"), [])
    assert start.disabled and "Add a section to the agenda" in panel.timer.hint.value


def test_a_read_only_workbook_says_why_it_cannot_open_a_session(store):
    app = WorkbookApp(store, read_only=True, scheduler=ManualScheduler()).start(section=WORKSHOP)
    button = app.workshop.panel.control.buttons["open"]
    assert button.disabled and "read-only" in button.tooltip
    assert "read-only" in app.workshop.panel.control.hint.value


# --- participants: one move at a time, a message per figure --------------------------------


def test_estimate_questions_come_one_move_at_a_time(app, panel, store, clock):
    code = open_session(app, "estimate:mv-price", "estimate:mv-exclusive", "priorities")
    ana = join(store, code, "Ana", clock)
    price, exclusive = ana.cards["estimate:mv-price"], ana.cards["estimate:mv-exclusive"]
    assert ana.stepper in ana.body.children
    assert price.widget.layout.display == "" and exclusive.widget.layout.display == "none"
    assert ana.cards["priorities"].widget.layout.display in ("", None)
    assert "Move 1 of 2" in ana.move_label.value
    assert ana.move_buttons["previous"].disabled
    ana.move_buttons["next"].click()
    assert price.widget.layout.display == "none" and exclusive.widget.layout.display == ""
    ana.move_buttons["previous"].click()
    for key, _label, boxes, _required in price.form.rows[:3]:
        for box in boxes:
            box.value = "0.5" if key == "cooperation_probability" else "10k"
    price.send.click()  # saved: on to the move not answered yet
    assert ana.move == "estimate:mv-exclusive" and "Move 2 of 2" in ana.move_label.value


def test_every_competitor_row_names_its_competitor(app, panel, store, clock):
    code = open_session(app, "estimate:mv-price")
    card = join(store, code, "Ana", clock).cards["estimate:mv-price"]
    rows = dict(zip([key for key, *_ in card.form.rows], card.form.ranges, strict=True))
    for key in rows:
        if ":" in key:
            rows[key].boxes[1].value = "lots" if key.endswith("probability") else "-5"
    card.send.click()
    for key, row in rows.items():
        if ":" in key:
            name = "FleetSense" if "fleetsense" in key else "Trakko"
            assert row.message.value.count(name) == 1, (key, row.message.value)
            assert row.message.layout.display == ""


def test_accepting_values_for_their_side_keeps_each_participants_estimate(app, panel, store, clock):
    code = open_session(app, "values:va-term")
    for name, t1 in {"Ana": "40", "Ben": "60", "Cy": "50"}.items():
        view = join(store, code, name, clock)
        view.cards["values:va-term"].form.boxes["op-t1"].value = t1
        view.cards["values:va-term"].send.click()
    app.scheduler.run()
    assert app.session.plan.concessions.their_estimates == []
    card = panel.results.cards["values:va-term"]
    find(card.widget, "nw-workshop-accept").click()
    find(card.widget, "nw-workshop-apply").click()
    kept = {e.name: e.values for e in app.session.plan.concessions.their_estimates}
    assert kept == {"Ana": {"op-t1": 40.0}, "Ben": {"op-t1": 60.0}, "Cy": {"op-t1": 50.0}}
    from workbook.analysis.rehearse import robust_packages

    found = robust_packages(app.session.plan.concessions)
    assert found is not None and found.estimates == ["the plan", "Ana", "Ben", "Cy"]
