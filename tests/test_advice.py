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


def codes_in_the_code() -> dict[str, list[str]]:
    """Every "section.name" string in the package's Python code below the UI (the views
    show what the analysis returns; their panels have names of that shape), with where it
    is."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] == "ui":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and CODE.match(text) and not _model_path(text):
                where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
                found.setdefault(text, []).append(where)
    return found


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
