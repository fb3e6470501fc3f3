"""What the app's view path loads: pandas only when someone asks for a DataFrame.

The panels, their charts, the brief and the workshop's views compute on plain Python data;
importing pandas costs an app kernel about a third of its memory. Each test runs the app in
a fresh interpreter and reads ``sys.modules`` at the end.
"""

from __future__ import annotations

import subprocess
import sys

SHOW_EVERY_SECTION = """
import sys
from tests.helpers import ManualScheduler
from workbook.store import PlanStore
from workbook.ui.app import WorkbookApp
store = PlanStore({db!r})
store.ensure_example()
app = WorkbookApp(store, scheduler=ManualScheduler()).start()
for key in app.keys:
    app.show(key)
"""

ASK_WHAT_CHANGED = """
from tests.helpers import find
app.session.set(("summary",), "edited on the page")
app.flush()
app.menu.buttons["changes"].click()
assert "edited on the page" in find(app.widget, "nw-changes-list").value
"""

RUN_A_WORKSHOP = """
from tests.helpers import find
from workbook.ui.workshop import WORKSHOP, ParticipantView
app.show(WORKSHOP)
find(app.widget, "nw-workshop-open").click()
panel = app.workshop.panel
for prompt in ("priorities", "values:va-term", "estimate:mv-price"):
    panel.questions.boxes[prompt].value = True
code = panel.live.session.code
views = []
for name, (t1, gain) in {"Ana": ("40", "10k"), "Ben": ("60", "30k")}.items():
    view = ParticipantView(store, scheduler=ManualScheduler())
    view.join(code, name)
    card = view.cards["priorities"]
    for box in card.form.boxes:
        box.value = box.description.startswith("Trade every price move")
    card.send.click()
    view.cards["values:va-term"].form.boxes["op-t1"].value = t1
    view.cards["values:va-term"].send.click()
    estimate = view.cards["estimate:mv-price"]
    for key, _label, boxes, _required in estimate.form.rows[:3]:
        for box in boxes:
            box.value = "0.5" if key == "cooperation_probability" else gain
    estimate.send.click()
    views.append(view)
app.scheduler.run()
find(app.widget, "nw-workshop-reveal").click()
find(app.widget, "nw-projector-toggle").click()
app.scheduler.run()
for view in views:
    view.ticker._tick()
cards = list(app.workshop.projector.cards.values()) + list(panel.results.cards.values())
assert all(card.chart.figure is not None for card in cards), "every answer drawn"
assert all(card.chart.figure is not None for card in views[0].cards.values()), "revealed"
"""

REPORT = "print('pandas' in sys.modules)\n"


def loaded_after(script: str) -> str:
    """What ``script`` prints when run in a fresh interpreter from the repository's root."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    return done.stdout.strip().splitlines()[-1]


def test_showing_every_section_never_loads_pandas(tmp_path):
    script = SHOW_EVERY_SECTION.format(db=str(tmp_path / "plans.sqlite")) + REPORT
    assert loaded_after(script) == "False"


def test_reading_what_changed_never_loads_pandas(tmp_path):
    script = SHOW_EVERY_SECTION.format(db=str(tmp_path / "plans.sqlite")) + ASK_WHAT_CHANGED
    assert loaded_after(script + REPORT) == "False"


def test_a_whole_workshop_on_panel_projector_and_participant_pages_never_loads_pandas(tmp_path):
    script = SHOW_EVERY_SECTION.format(db=str(tmp_path / "plans.sqlite")) + RUN_A_WORKSHOP
    assert loaded_after(script + REPORT) == "False"


def test_an_analyst_asking_for_a_frame_gets_pandas(tmp_path):
    """The check above can fail: the same interpreter loads pandas for a DataFrame."""
    script = (
        SHOW_EVERY_SECTION.format(db=str(tmp_path / "plans.sqlite"))
        + "import workbook\n"
        + "frame = workbook.expected_values(app.session.plan.scenarios)\n"
        + "assert type(frame).__name__ == 'DataFrame'\n"
        + REPORT
    )
    assert loaded_after(script) == "True"
