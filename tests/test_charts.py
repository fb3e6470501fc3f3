"""Charts: labels stay categories in the plan's order, and empty charts say what they need."""

from __future__ import annotations

import pytest

from tests.helpers import ManualScheduler, find_all
from workbook.analysis.workshop import summarize
from workbook.charts.workshop import values_chart
from workbook.store import PlanStore
from workbook.ui.app import WorkbookApp
from workbook.ui.plot import FigureView
from workbook.ui.style import COLORS
from workbook.workshop import OptionRef, ValuesAnswer, ValuesPrompt

SECTIONS = ("strategy", "value", "scenarios", "concessions", "relationship", "ledger")


def test_option_labels_that_look_like_numbers_stay_categories_in_plan_order():
    labels = ["List price (0 %)", "-1.5 %", "-3 %", "2027"]
    prompt = ValuesPrompt(
        variable_id="va-price",
        variable="Price",
        options=[OptionRef(id=f"op{i}", label=label) for i, label in enumerate(labels)],
    )
    answers = {
        "Ana": ValuesAnswer(values={"op0": 0, "op1": 40, "op2": 90, "op3": 10}),
        "Ben": ValuesAnswer(values={"op0": 5, "op1": 50, "op2": 70}),
    }
    figure = values_chart(summarize(prompt, answers))
    axis = figure.layout.xaxis
    assert axis.type == "category"
    assert list(axis.categoryarray) == labels
    assert list(figure.data[0].x) == labels  # every bar, the "0 %" one too


def label_axes(figure):
    """(axis, labels) for every axis of a figure whose traces carry text labels."""
    for trace in figure.data:
        for letter in ("x", "y"):
            values = getattr(trace, letter, None)
            if values is None or not any(isinstance(v, str) for v in values):
                continue
            name = getattr(trace, f"{letter}axis", None) or letter
            yield figure.layout[name.replace(letter, f"{letter}axis", 1)], list(values)


@pytest.fixture
def app(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()
        yield WorkbookApp(store, scheduler=ManualScheduler()).start()


def charts(app):
    for key in SECTIONS:
        app.show(key)
        yield from ((key, view) for view in find_all(app.views[key].widget, kind=FigureView))


def test_every_chart_that_shows_labels_draws_them_as_categories(app):
    checked = 0
    for key, view in charts(app):
        if view.figure is None:
            continue
        for axis, values in label_axes(view.figure):
            if axis.visible is False:
                continue
            assert axis.type == "category", (key, axis)
            assert set(values) <= set(axis.categoryarray), (key, values)
            checked += 1
    assert checked >= 6


def test_an_empty_plan_shows_grey_notes_saying_what_to_enter_never_empty_charts(tmp_path):
    from workbook.model import Plan

    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.create(Plan(name="A new deal", counterpart="Acme"))
        app = WorkbookApp(store, scheduler=ManualScheduler()).start()
        shown = 0
        for key, view in charts(app):
            assert view.figure is None, (key, view._dom_classes)
            assert view.spec is None, (key, view._dom_classes)
            assert len(view.note.split()) >= 4, (key, view._dom_classes, view.note)
            shown += 1
        assert shown >= 8
    # the note is drawn in the palette's neutral grey
    assert f"var(--nw-muted, {COLORS['muted']})" in FigureView._css


def plotly_json(value):
    """A figure's plotly JSON with plotly's typed arrays read back as lists."""
    import base64

    import numpy as np

    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {k: plotly_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plotly_json(v) for v in value]
    return value


def test_every_chart_is_a_figure_plotly_accepts_as_it_is(app):
    import json

    checked = 0
    for key, view in charts(app):
        if view.figure is None:
            continue
        ours = json.loads(view.figure.to_json())
        validated = view.figure.to_go()  # raises on a property plotly does not know
        assert plotly_json(json.loads(validated.to_json())) == ours, key
        checked += 1
    assert checked >= 10


def test_drawing_every_section_never_loads_plotlys_validators(tmp_path):
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from tests.helpers import ManualScheduler\n"
        "from workbook.store import PlanStore\n"
        "from workbook.ui.app import WorkbookApp\n"
        f"store = PlanStore({str(tmp_path / 'plans.sqlite')!r})\n"
        "store.ensure_example()\n"
        "app = WorkbookApp(store, scheduler=ManualScheduler()).start()\n"
        "for key in app.keys:\n"
        "    app.show(key)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('_plotly_utils', 'plotly.graph'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_plotly_js_is_asked_for_only_once_a_chart_has_a_figure(tmp_path):
    from workbook.ui.plot import PLOTLY_MIME, PlotlyLoader

    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.ensure_example()
        app = WorkbookApp(store, scheduler=ManualScheduler()).start(section="deal")
        (loader,) = find_all(app.widget, kind=PlotlyLoader)
        assert loader.outputs == ()  # the deal section has no chart: no plotly.js yet
        app.show("value")
        (output,) = loader.outputs
        assert PLOTLY_MIME in output["data"]
        chart = next(v for _, v in charts(app) if v.spec is not None)
        assert chart.spec["data"] and chart.spec["config"]["displaylogo"] is False
