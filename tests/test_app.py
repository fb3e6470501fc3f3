"""The app shell driven without a browser: set widget values, click buttons, read the store."""

from __future__ import annotations

import json

import ipywidgets as W
import pytest

from tests.helpers import ManualScheduler, bound, find, find_all
from workbook.store import PlanStore
from workbook.ui.app import WorkbookApp, section_app
from workbook.ui.forms import RowTable
from workbook.ui.session import PlanSession

PLAN = "example-northwind"


@pytest.fixture
def store(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as s:
        s.ensure_example()
        yield s


@pytest.fixture
def scheduler():
    return ManualScheduler()


@pytest.fixture
def app(store, scheduler):
    return WorkbookApp(store, scheduler=scheduler, author="tester").start()


def test_opens_the_most_recent_plan_and_builds_only_the_visible_section(app):
    assert app.session.plan.id == PLAN
    assert list(app.views) == ["deal"]
    assert "nw-ready" in app.widget._dom_classes
    assert app.menu.picker.value == PLAN
    assert "5/5" in app.nav_meters["deal"].value
    app.show("scenarios")
    assert set(app.views) == {"deal", "scenarios"}
    assert app.stack.selected_index == app.keys.index("scenarios")
    assert app.nav_buttons["scenarios"].button_style == "primary"
    assert "Scenarios" in app.guidance.value


def test_every_section_builds_on_the_example_and_on_an_empty_plan(app):
    for key in app.keys:
        app.show(key)
    app.menu.ask_new()
    find(app.widget, "nw-new-name").value = "Blank"
    find(app.widget, "nw-dialog-create").click()
    assert app.session.plan.name == "Blank"
    for key in app.keys:
        app.show(key)
    assert "0/" in app.nav_meters["strategy"].value


def test_typing_saves_after_the_delay_and_survives_a_reload(app, store, scheduler):
    summary = bound(app.widget, ("summary",))
    summary.widget.value = "Renewal moved to February."
    assert "Editing" in app.saving.label.value
    scheduler.run()
    assert "Saved" in app.saving.label.value
    assert store.history(PLAN)[-1].author == "tester"
    again = WorkbookApp(store, scheduler=ManualScheduler()).start(plan=PLAN)
    assert bound(again.widget, ("summary",)).widget.value == "Renewal moved to February."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-3", "Must be at least 0."),
        ("1e30", "Must be at most 1,000,000,000,000."),
        ("lots", "'lots' is not a number."),
    ],
)
def test_bad_number_shows_a_message_keeps_the_last_good_value_and_saves_nothing(
    app, store, scheduler, typed, message
):
    field = bound(app.widget, ("deal_value",))
    field.widget.value = typed
    assert message in field.message.text
    assert field.widget.value == "4,190,400"
    assert app.session.plan.deal_value == 4_190_400
    scheduler.run()
    assert len(store.history(PLAN)) == 1


def test_number_field_understands_separators_and_suffixes(app):
    field = bound(app.widget, ("deal_value",))
    field.widget.value = "4.5m"
    assert app.session.plan.deal_value == 4_500_000
    field.widget.value = "4 600 000"
    assert app.session.plan.deal_value == 4_600_000


def test_user_text_is_escaped_in_the_page(app):
    bound(app.widget, ("counterpart",)).widget.value = "<img src=x onerror=alert(1)>"
    app.show("brief")
    brief = app.views["brief"].panels["brief.page"].text
    assert "<img src=x" not in brief and "&lt;img src=x onerror=alert(1)&gt;" in brief
    app.say("<b>hi</b>")
    assert "<b>hi" not in app.status.value


def test_emptied_required_text_keeps_the_last_good_text(app):
    name = bound(app.widget, ("name",))
    name.widget.value = ""
    assert "Cannot be empty" in name.message.text
    assert app.session.plan.name.startswith("Northwind")
    name.widget.value = "Northwind renewal"
    assert name.message.layout.display == "none"
    assert app.session.plan.name == "Northwind renewal"


def test_table_add_refuses_a_third_priority_and_accepts_rows(app, scheduler, store):
    app.show("strategy")
    view = app.views["strategy"]
    tables = [
        t for t in find_all(view.widget, kind=RowTable) if t.path == ("strategy", "priorities")
    ]
    table = tables[0]
    table._new_widgets["text"].value = "Listen more"
    assert table.add() == "Keep it to two priorities at most: focus is the point."
    assert "focus is the point" in table.add_message.text
    strengths = next(
        t for t in find_all(view.widget, kind=RowTable) if t.path == ("strategy", "strengths")
    )
    assert strengths.add() == "Strength: cannot be empty"
    strengths._new_widgets["text"].value = "We answer within a day"
    assert strengths.add() is None
    assert app.session.plan.strategy.strengths[-1].text == "We answer within a day"
    scheduler.run()
    assert store.load(PLAN).plan.strategy.strengths[-1].text == "We answer within a day"


def test_row_buttons_move_and_remove(app):
    app.show("deal")
    team = next(t for t in find_all(app.widget, kind=RowTable) if t.path == ("team",))
    names = [m.name for m in app.session.plan.team]
    down = next(b for b in find_all(team, kind=W.Button) if b.tooltip == "Move down")
    down.click()
    assert [m.name for m in app.session.plan.team][:2] == [names[1], names[0]]
    remove = next(b for b in find_all(team, kind=W.Button) if b.tooltip == "Remove this row")
    remove.click()
    assert len(app.session.plan.team) == len(names) - 1


def test_create_rename_duplicate_delete(app, store):
    app.menu.buttons["new"].click()
    find(app.widget, "nw-new-name").value = "Acme supply 2027"
    find(app.widget, "nw-new-counterpart").value = "Acme"
    find(app.widget, "nw-new-side").value = "buy"
    find(app.widget, "nw-new-deal_value").value = "250k"
    find(app.widget, "nw-new-currency").value = "usd"
    find(app.widget, "nw-dialog-create").click()
    plan = app.session.plan
    assert (plan.name, plan.side, plan.deal_value, plan.currency) == (
        "Acme supply 2027",
        "buy",
        250_000,
        "USD",
    )
    assert app.menu.picker.value == plan.id and app.current == "deal"

    app.menu.buttons["rename"].click()
    find(app.widget, "nw-rename-name").value = "Acme supply 2027-28"
    find(app.widget, "nw-dialog-rename").click()
    assert store.load(plan.id).plan.name == "Acme supply 2027-28"

    app.menu.buttons["duplicate"].click()
    assert app.session.plan.name == "Acme supply 2027-28 (copy)"
    copy_id = app.session.plan.id

    app.menu.buttons["delete"].click()
    assert "Delete Acme supply 2027-28 (copy)?" in app.dialog.box.children[0].value
    find(app.widget, "nw-dialog-cancel").click()
    assert copy_id in [p.id for p in store.list_plans()]
    app.menu.buttons["delete"].click()
    find(app.widget, "nw-dialog-delete").click()
    assert copy_id not in [p.id for p in store.list_plans()]
    assert app.session.plan.id != copy_id


def test_new_plan_form_names_bad_fields_and_creates_nothing(app, store):
    before = len(store.list_plans())
    app.menu.buttons["new"].click()
    find(app.widget, "nw-new-currency").value = "euro"
    find(app.widget, "nw-dialog-create").click()
    messages = " ".join(getattr(w, "text", "") for w in find_all(app.dialog.box, kind=W.HTML))
    assert "Cannot be empty" in messages
    assert "three-letter currency code" in messages
    assert len(store.list_plans()) == before


def test_picker_switches_plans_and_saves_the_old_one_first(app, store, scheduler):
    other = store.create(store.load(PLAN).plan.model_copy(update={"id": "other", "name": "Other"}))
    app.menu.refresh(selected=PLAN)
    bound(app.widget, ("summary",)).widget.value = "edited before switching"
    app.menu.picker.value = other.plan.id
    assert app.session.plan.id == "other"
    assert store.load(PLAN).plan.summary == "edited before switching"


def test_two_pages_merge_different_fields_and_see_each_others_saves(store):
    s1, s2 = ManualScheduler(), ManualScheduler()
    one = WorkbookApp(store, scheduler=s1, author="ana").start(plan=PLAN)
    two = WorkbookApp(store, scheduler=s2, author="bo").start(plan=PLAN)
    bound(one.widget, ("summary",)).widget.value = "ana was here"
    s1.run()
    bound(two.widget, ("counterpart",)).widget.value = "Northwind AB"
    s2.run()  # takes in ana's save and saves on top of it
    assert "Saved" in two.saving.label.value
    assert two.dialog.box.layout.display == "none"  # nothing to decide
    latest = store.load(PLAN).plan
    assert (latest.summary, latest.counterpart) == ("ana was here", "Northwind AB")
    assert bound(two.widget, ("summary",)).widget.value == "ana was here"
    s1.run()  # the first page's live check
    assert bound(one.widget, ("counterpart",)).widget.value == "Northwind AB"


def test_the_same_field_changed_on_two_pages_asks_at_the_field(store):
    s1, s2 = ManualScheduler(), ManualScheduler()
    one = WorkbookApp(store, scheduler=s1, author="ana").start(plan=PLAN)
    two = WorkbookApp(store, scheduler=s2, author="bo").start(plan=PLAN)
    bound(one.widget, ("summary",)).widget.value = "ana again"
    bound(two.widget, ("summary",)).widget.value = "bo insists"
    s1.run()
    s2.run()
    field = find(two.widget, "nw-field-summary")
    notice = field.binding.clash
    assert notice.layout.display == ""
    assert "ana" in notice.text.value and "ana again" in notice.text.value
    assert "bo insists" in notice.text.value
    assert find(one.widget, "nw-field-summary").binding.clash.layout.display == "none"
    assert store.load(PLAN).plan.summary == "bo insists"
    notice.take.click()
    assert notice.layout.display == "none"
    assert field.value == "ana again"
    s2.run()
    assert store.load(PLAN).plan.summary == "ana again"
    summaries = [store.load(PLAN, h.revision).plan.summary for h in store.history(PLAN)]
    assert "bo insists" in summaries  # the value not chosen stays in history


def test_read_only_app_shows_everything_and_changes_nothing(tmp_path):
    path = tmp_path / "plans.sqlite"
    with PlanStore(path) as s:
        s.ensure_example()
    with PlanStore(path, read_only=True) as ro:
        app = WorkbookApp(ro, scheduler=ManualScheduler()).start()
        for key in app.keys:
            app.show(key)
        assert all(b.disabled for k, b in app.menu.buttons.items() if k != "changes")
        app.menu.buttons["changes"].click()  # reading the history changes nothing
        assert "Nothing has changed" in find(app.widget, "nw-changes-list").value
        summary = bound(app.widget, ("summary",))
        assert summary.widget.disabled
        summary.widget.value = "sneaky"  # a value sent over the websocket anyway
        assert "read-only" in summary.message.text
        assert summary.widget.value.startswith("Northwind's 900-vehicle")
        assert not find_all(app.widget, kind=W.Button, description="Add member")
        from workbook.ui.forms import bindings_under

        assert all(b.widget.disabled for b in bindings_under(app.widget))
        assert not find_all(app.widget, kind=W.TagsInput)
        assert len(ro.history(PLAN)) == 1


def test_errors_in_callbacks_become_a_friendly_status_line(app, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(app.store, "duplicate", boom)
    app.menu.buttons["duplicate"].click()
    assert "Something went wrong" in app.status_text
    assert "internal detail" not in app.status.value


def test_unknown_plan_or_section_in_the_url_falls_back_with_a_note(store):
    app = WorkbookApp(store, scheduler=ManualScheduler()).start(plan="nope", section="hacks")
    assert app.session.plan.id == PLAN and app.current == "deal"
    assert "No negotiation 'nope' was found" in app.status_text
    assert "There is no section 'hacks'" in app.status_text


def test_empty_store_opens_the_new_plan_form(tmp_path):
    with PlanStore(tmp_path / "empty.sqlite") as store:
        app = WorkbookApp(store, scheduler=ManualScheduler()).start()
        assert app.session is None
        assert app.dialog.box.layout.display == ""
        find(app.widget, "nw-new-name").value = "First"
        find(app.widget, "nw-dialog-create").click()
        assert app.session.plan.name == "First"


def test_section_app_shows_one_section_of_the_chosen_plan(store, tmp_path):
    box = section_app("strategy", PLAN, db=store.path)
    assert box.session.plan.id == PLAN
    assert bound(box, ("strategy", "compete_where")).widget.value
    with pytest.raises(Exception, match="no section 'nope'"):
        section_app("nope", db=store.path)


def test_leaving_a_field_or_the_page_saves_at_once(store):
    app = WorkbookApp(store, scheduler=ManualScheduler(), author="ana").start(plan=PLAN)
    bound(app.widget, ("summary",)).widget.value = "typed, then the page was hidden"
    assert store.load(PLAN).plan.summary != "typed, then the page was hidden"
    app.saving.guard._message(app.saving.guard, {"kind": "flush"}, [])  # what the page sends
    assert store.load(PLAN).plan.summary == "typed, then the page was hidden"


def test_edits_kept_in_the_browser_are_offered_and_merged_onto_the_latest(store):
    from workbook.ui.guard import parse_kept

    app = WorkbookApp(store, scheduler=ManualScheduler(), author="ana").start(plan=PLAN)
    base = store.load(PLAN)
    other = base.plan.model_copy(update={"counterpart": "Saved meanwhile"})
    store.save(other, base_revision=base.revision, author="bo")
    text = json.dumps(
        {
            "base": base.revision,
            "at": "2026-11-29T10:00:00Z",
            "edits": {"summary": "typed offline", "deal_value": "4,000,000", "nope.3": "x"},
        }
    )
    app.saving.guard._message(app.saving.guard, {"kind": "kept", "plan_id": PLAN, "text": text}, [])
    assert "were kept in this browser" in app.dialog.box.children[0].value
    find(app.widget, "nw-dialog-restore").click()
    latest = store.load(PLAN).plan
    assert (latest.summary, latest.deal_value, latest.counterpart) == (
        "typed offline",
        4_000_000,
        "Saved meanwhile",
    )
    assert "Restored 2 of 3" in app.status_text
    assert bound(app.widget, ("summary",)).widget.value == "typed offline"
    assert parse_kept("not json") is None
    assert parse_kept(json.dumps({"base": "1", "edits": {"a": "b"}})) is None
    assert parse_kept(json.dumps({"base": 1, "edits": {"a": 5}})) is None


def test_each_user_picks_only_their_plans_and_a_viewer_page_edits_nothing(tmp_path):
    from workbook import model as m

    path = tmp_path / "plans.sqlite"
    with PlanStore(path) as local:
        local.ensure_example()
    with PlanStore(path, user="ana") as ana_store, PlanStore(path, user="bo") as bo_store:
        ana_plan = ana_store.create(m.Plan(name="Ana's tender")).plan.id
        bo_plan = bo_store.create(m.Plan(name="Bo's renewal")).plan.id
        bo_store.share(bo_plan, "ana", "viewer")
        ana = WorkbookApp(ana_store, scheduler=ManualScheduler()).start(plan=bo_plan)
        assert {v for _, v in ana.menu.picker.options} == {ana_plan, bo_plan, PLAN}
        assert ana.session.read_only
        assert ana.menu.buttons["rename"].disabled and ana.menu.buttons["delete"].disabled
        assert not ana.menu.buttons["new"].disabled and not ana.menu.buttons["duplicate"].disabled
        summary = bound(ana.widget, ("summary",))
        assert summary.widget.disabled
        summary.widget.value = "sneaky"  # a value sent over the websocket anyway
        ana.flush()
        assert "read-only" in summary.message.text
        assert len(bo_store.history(bo_plan)) == 1
        bo = WorkbookApp(bo_store, scheduler=ManualScheduler()).start()
        assert {v for _, v in bo.menu.picker.options} == {bo_plan, PLAN}
        ana.open(ana_plan)
        assert not ana.session.read_only and not ana.menu.buttons["delete"].disabled


def test_what_changed_lists_each_change_with_its_authors_escaped(store):
    start = store.latest_revision(PLAN)
    store.workshops.open(PLAN)
    ana = PlanSession(store, store.load(PLAN), scheduler=ManualScheduler(), author="<b>ana</b>")
    bo = PlanSession(store, store.load(PLAN), scheduler=ManualScheduler(), author="bo")
    ana.set(("summary",), "ana was here")
    ana.flush()
    bo.set(("counterpart",), "Northwind AB")
    bo.flush()  # a merged save: bo's, made on top of ana's
    page = WorkbookApp(store, scheduler=ManualScheduler(), author="cy").start(plan=PLAN)
    page.menu.buttons["changes"].click()
    picker = find(page.widget, "nw-changes-since")
    labels = [label for label, _value in picker.options]
    assert labels[0].startswith("the start of the last workshop")
    assert page.menu.changes_view.since[picker.value] == start
    assert labels[1].startswith(f"revision {start + 2} · bo and <b>ana</b> (merged) · today")
    assert labels[2].startswith(f"revision {start + 1} · <b>ana</b> · today")
    listed = find(page.widget, "nw-changes-list").value
    assert "Northwind AB · bo · today" in listed
    assert "ana was here · &lt;b&gt;ana&lt;/b&gt; · today" in listed
    assert "<b>ana</b>" not in listed
    picker.value = 2  # since ana's save: bo's change alone
    listed = find(page.widget, "nw-changes-list").value
    assert "Northwind AB" in listed and "ana was here" not in listed


def test_sharing_in_the_app_adds_changes_and_removes_members(tmp_path):
    from workbook import model as m

    path = tmp_path / "plans.sqlite"
    with PlanStore(path, user="ana") as ana_store, PlanStore(path, user="bo") as bo_store:
        plan = ana_store.create(m.Plan(name="Ana's tender")).plan.id
        ana = WorkbookApp(ana_store, scheduler=ManualScheduler()).start(plan=plan)
        assert not ana.menu.buttons["share"].disabled
        ana.menu.buttons["share"].click()
        find(ana.widget, "nw-share-name").value = "bo"
        find(ana.widget, "nw-dialog-add").click()
        assert ana_store.members(plan) == [("ana", "owner"), ("bo", "viewer")]
        bo = WorkbookApp(bo_store, scheduler=ManualScheduler()).start(plan=plan)
        assert bo.session.read_only and bo.menu.buttons["share"].disabled
        find_all(ana.widget, "nw-share-role")[1].value = "editor"
        assert ana_store.members(plan) == [("ana", "owner"), ("bo", "editor")]
        find_all(ana.widget, "nw-share-role")[0].value = "viewer"  # the last owner stays
        assert "at least one owner" in ana.dialog.box.children[-2].text
        assert ana_store.members(plan)[0] == ("ana", "owner")
        find(ana.widget, "nw-dialog-add").click()
        assert "Type the name" in ana.dialog.box.children[-2].text
        find_all(ana.widget, "nw-share-remove")[1].click()
        assert ana_store.members(plan) == [("ana", "owner")]
        assert [p.id for p in bo_store.list_plans()] == []


def test_the_header_shows_who_else_is_on_the_plan_and_where(store):
    s1, s2 = ManualScheduler(), ManualScheduler()
    one = WorkbookApp(store, scheduler=s1, author="<i>Priya</i>").start(plan=PLAN)
    two = WorkbookApp(store, scheduler=s2, author="Ana").start(plan=PLAN)
    one.show("concessions")
    two.show("value")
    s1.run()  # each page's live tick marks it present and reads who else is
    s2.run()
    s1.run()
    titles = {k: one.content[k].title for k in ("concessions", "value")}
    assert find(one.widget, "nw-presence").value.count("Also here:") == 1
    assert f"Ana ({titles['value']})" in one.live.presence.value
    assert f"&lt;i&gt;Priya&lt;/i&gt; ({titles['concessions']})" in two.live.presence.value
    assert "<i>Priya</i>" not in two.live.presence.value and "Priya" not in one.live.presence.value
    two.leave()  # the page closed: its kernel shuts down and says so at once
    s1.run()
    assert "Also here" not in one.live.presence.value
    assert [p.name for p in store.here(PLAN)] == ["<i>Priya</i>"]
