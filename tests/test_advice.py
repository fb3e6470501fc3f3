"""Advice lives with the content: every code the analysis can emit has a text in a section's
``[advice]`` table, every text there is used, and the words reach the user unchanged."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import workbook
from workbook.analysis.checks import consistency_checks
from workbook.analysis.relationship import reciprocity_balance, relationship_flags
from workbook.content import AdviceError, advice, advice_codes, load_content
from workbook.flags import Flag
from workbook.model import Plan
from workbook.sections import section
from workbook.store import example_plan

PACKAGE = Path(workbook.__file__).resolve().parent
CODE = re.compile(rf"^(?:{'|'.join(load_content())})\.[a-z0-9_]+$")


def _model_path(text: str) -> bool:
    """Whether ``text`` is a field of a section's model ("strategy.strengths"), not a code."""
    key, _, name = text.partition(".")
    attribute = section(key).attribute
    field = Plan.model_fields.get(attribute or "")
    model = getattr(field, "annotation", None)
    return name in getattr(model, "model_fields", {})


def _advice_call(node: ast.AST) -> str | None:
    """The code of an ``advice("section.name", ...)`` call, or None."""
    if not (isinstance(node, ast.Call) and node.args):
        return None
    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
    first = node.args[0]
    if name == "advice" and isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def codes_in_the_code() -> dict[str, list[str]]:
    """Every "section.name" string in the package's Python code below the UI, and every
    code the UI's views pass to ``advice`` (their panels have names of that shape too, so
    only those calls count there), with where it is."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        in_ui = path.relative_to(PACKAGE).parts[0] == "ui"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if in_ui:
                text = _advice_call(node)
            else:
                text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and CODE.match(text) and not _model_path(text):
                where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
                found.setdefault(text, []).append(where)
    return found


def test_the_views_codes_are_among_the_codes_in_the_code():
    """The views' texts count as used: the scan reads their ``advice`` calls."""
    views = {
        c for c, where in codes_in_the_code().items() if any(w.startswith("ui") for w in where)
    }
    assert "strategy.fit_chart_empty" in views


def test_every_code_the_analysis_emits_has_a_text():
    missing = {c: w for c, w in codes_in_the_code().items() if c not in advice_codes()}
    assert missing == {}


def test_every_advice_text_is_used():
    used = set(codes_in_the_code())
    unused = [c for c in advice_codes() if c not in used and c.removesuffix("_fix") not in used]
    assert unused == []


def test_a_check_has_a_fix_text_for_its_code():
    from workbook.analysis import checks

    source = Path(checks.__file__).read_text(encoding="utf-8")
    for code in set(
        re.findall(r'"((?:concessions|scenarios|value|ledger)\.check_[a-z_]+)"', source)
    ):
        assert f"{code}_fix" in advice_codes(), code


def test_the_placeholders_of_each_text_are_well_formed():
    for code in advice_codes():
        key, _, name = code.partition(".")
        text = load_content()[key].advice[name]
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        assert all(re.fullmatch(r"[a-z_]+", f) for f in fields), (code, fields)


def test_a_flag_reads_its_words_from_the_content_and_fills_them_in():
    flag = Flag.of("problem", "Step 2", "concessions.step_not_shrinking", cost=1500, previous=1200)
    assert flag.reason == (
        "costs 1,500, not less than the step before (1,200): shrinking steps tell them the "
        "bottom is near"
    )
    assert flag.text == f"Step 2: {flag.reason}"


def test_an_unknown_code_or_a_missing_value_says_which():
    with pytest.raises(AdviceError, match=r"value\.nothing_like_this"):
        advice("value.nothing_like_this")
    with pytest.raises(AdviceError, match=r"concessions\.step_not_shrinking"):
        advice("concessions.step_not_shrinking", cost=1)


def test_an_analyst_rewords_advice_in_their_own_content_folder(tmp_path, monkeypatch):
    (tmp_path / "value.toml").write_text(
        'key = "value"\n[advice]\nno_proof = "show the proof, or drop the claim"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("NEGOTIATION_WORKBOOK_CONTENT", str(tmp_path))
    assert (
        Flag.of("warning", "Fast", "value.no_proof").reason == "show the proof, or drop the claim"
    )
    assert advice("value.no_alternative") == "name what the customer would choose instead"


def test_the_example_plan_raises_flags_and_checks_that_all_read():
    plan = example_plan()
    plan.relationship.contributions = plan.relationship.contributions[:1]
    flags = relationship_flags(plan)
    assert flags and all(f.reason and "{" not in f.reason for f in flags)
    balance = reciprocity_balance(plan.relationship)
    assert balance.verdict and "{" not in balance.verdict
    for check in consistency_checks(plan):
        assert check.fix and "{" not in check.detail


def test_an_analyst_rewords_an_empty_state_and_a_chart_note_and_the_app_shows_them(
    tmp_path, monkeypatch
):
    import ipywidgets as W

    from tests.helpers import ManualScheduler, find_all, walk
    from workbook.content import CONTENT_ENV
    from workbook.store import PlanStore
    from workbook.ui.app import WorkbookApp
    from workbook.ui.plot import FigureView

    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "strategy.toml").write_text(
        'key = "strategy"\n[advice]\n'
        'fit_empty_no_objectives = "First write down what the company is aiming for."\n'
        'fit_chart_empty = "The fit appears once the aims are written down."\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CONTENT_ENV, str(folder))
    with PlanStore(tmp_path / "plans.sqlite") as store:
        store.create(Plan(name="A new deal", counterpart="Acme"))
        app = WorkbookApp(store, scheduler=ManualScheduler()).start()
        app.show("strategy")
        root = app.views["strategy"].widget
        notes = [view.note for view in find_all(root, kind=FigureView)]
        shown = " ".join(w.value for w in walk(root) if isinstance(w, W.HTML))
    assert "The fit appears once the aims are written down." in notes
    assert "First write down what the company is aiming for." in shown
    assert "Add the company's objectives to see the fit." not in notes
    assert "Enter your company's strategic objectives below" not in shown
