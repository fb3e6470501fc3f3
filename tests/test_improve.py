"""Improving a deal: every package at least as good for both sides, against brute force."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_packages import COLUMNS, Reference, option_tables, reference
from workbook.analysis.improve import describe, improvements
from workbook.analysis.packages import (
    PackageInputError,
    frontier,
    options_from_issues,
    pareto_frontier,
)


def reference_improvements(ref: Reference, base: int) -> list[int]:
    """Every package at least as good for both sides as ``base`` and better for one, listed
    by joint gain, then our gain, then ``itertools.product`` order."""
    top = max(ref.exponents)
    scale_o, scale_t = (10 ** (top - e) for e in ref.exponents)
    a, b = ref.ours[base], ref.theirs[base]
    better = [
        i
        for i in range(len(ref.packages))
        if ref.ours[i] >= a and ref.theirs[i] >= b and (ref.ours[i], ref.theirs[i]) != (a, b)
    ]
    joint = [o * scale_o + t * scale_t for o, t in zip(ref.ours, ref.theirs, strict=True)]
    return sorted(better, key=lambda i: (-joint[i], -ref.ours[i], i))


def as_package(ref: Reference, index: int) -> dict:
    return dict(zip(ref.issues, ref.packages[index], strict=True))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(frame=option_tables(), data=st.data())
def test_improvements_are_the_brute_force_ones_in_order(frame, data):
    ref = reference(frame)
    base = data.draw(st.integers(0, len(ref.packages) - 1))
    limit = data.draw(st.sampled_from([None, 1, 3]))
    expected = reference_improvements(ref, base)
    found = improvements(frame, as_package(ref, base), limit=limit)
    listed = expected if limit is None else expected[:limit]
    assert [tuple(row.options[i] for i in ref.issues) for row in found.rows] == [
        ref.packages[i] for i in listed
    ]
    assert found.more == (limit is not None and len(expected) > limit)
    assert found.efficient == (not expected)
    assert found.package.ours == ref.value(ref.ours[base], 0)
    for row, i in zip(found.rows, listed, strict=True):
        assert (row.ours, row.theirs) == (ref.value(ref.ours[i], 0), ref.value(ref.theirs[i], 1))
        assert row.gain_ours == ref.value(ref.ours[i] - ref.ours[base], 0)
        assert row.gain_theirs == ref.value(ref.theirs[i] - ref.theirs[base], 1)
        pairs = zip(ref.issues, ref.packages[i], ref.packages[base], strict=True)
        assert [c.issue for c in row.changes] == [issue for issue, a, b in pairs if a != b]
        assert all(c.before == as_package(ref, base)[c.issue] for c in row.changes)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(frame=option_tables(kinds=("zero-sum", "small integers")))
def test_every_frontier_package_and_every_tie_with_one_is_efficient(frame):
    ref = reference(frame)
    on_frontier = {
        (ref.grid(o, 0), ref.grid(t, 1))
        for o, t in pareto_frontier(frame)[["ours", "theirs"]].itertuples(index=False)
    }
    for i in range(len(ref.packages)):
        found = improvements(frame, as_package(ref, i), limit=1)
        assert found.efficient == ((ref.ours[i], ref.theirs[i]) in on_frontier)
        assert found.efficient == (not found.rows)


def test_a_known_deal_its_improvements_and_their_frame():
    table = options_from_issues(
        {
            "price": {"list": (10, 0), "discount": (6, 5)},
            "payment": {"30 days": (3, 0), "60 days": (0, 1), "90 days": (0, 0)},
            "term": {"3 years": (1, 1)},  # one option: never a change
        }
    )
    found = improvements(table, {"price": "list", "payment": "90 days", "term": "3 years"})
    assert [describe(row.changes) for row in found.rows] == [
        "payment: 90 days → 30 days",
        "payment: 90 days → 60 days",
    ]
    frame = found.to_frame()
    assert frame.columns.tolist() == [
        "ours",
        "theirs",
        "gain_ours",
        "gain_theirs",
        "joint_gain",
        "changes",
        "price",
        "payment",
        "term",
    ]
    assert frame[["ours", "theirs", "joint_gain"]].values.tolist() == [[14, 1, 3], [11, 2, 1]]
    efficient = improvements(table, {"price": "discount", "payment": "60 days", "term": "3 years"})
    assert efficient.efficient and efficient.to_frame().empty


def test_ties_in_joint_gain_go_to_our_gain_then_to_the_earliest_package():
    table = options_from_issues(
        {"a": {"base": (0, 0), "x": (1, 2), "y": (2, 1), "z": (2, 1)}, "b": {"only": (0, 0)}}
    )
    found = improvements(table, {"a": "base", "b": "only"})
    assert [row.options["a"] for row in found.rows] == ["y", "z", "x"]


def test_rows_a_series_and_a_package_all_name_the_deal():
    table = options_from_issues({"a": {"x": (0, 0), "y": (1, 1)}, "b": {"p": (1, 0), "q": (0, 0)}})
    rows = list(table.itertuples(index=False, name=None))
    deal = pd.Series({"ours": 0.0, "theirs": 0.0, "a": "x", "b": "q"})
    fronts = frontier(rows)
    answers = [
        improvements(rows, {"a": "x", "b": "q"}),
        improvements(table, deal),
        improvements(rows, fronts.package(len(fronts) - 1)),
    ]
    assert [len(a.rows) for a in answers] == [3, 3, 0]


def random_table(issues: int, options: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ours = rng.random((issues, options))
    theirs = 1 - ours + 0.2 * rng.random(ours.shape)
    return pd.DataFrame(
        {
            "issue": np.repeat([f"i{i}" for i in range(issues)], options),
            "option": np.tile([f"o{j}" for j in range(options)], issues),
            "ours": ours.ravel(),
            "theirs": theirs.ravel(),
        }
    )


def test_on_forty_issues_the_best_improvement_is_the_best_frontier_package_above_the_deal():
    table = random_table(40, 8, seed=3)
    deal = {f"i{i}": "o0" for i in range(40)}
    found = improvements(table, deal, limit=5)
    whole = pareto_frontier(table)
    above = whole[(whole["ours"] >= found.package.ours) & (whole["theirs"] >= found.package.theirs)]
    best = (above["ours"] + above["theirs"]).max()
    assert found.more and len(found.rows) == 5
    assert found.rows[0].ours + found.rows[0].theirs == pytest.approx(best, abs=1e-9)
    joint = [row.joint_gain for row in found.rows]
    assert joint == sorted(joint, reverse=True)
    for row in found.rows:
        assert row.gain_ours >= 0 and row.gain_theirs >= 0 and row.joint_gain > 0
    assert improvements(table, whole.iloc[len(whole) // 2]).efficient


@pytest.mark.parametrize(
    ("package", "limit", "message"),
    [
        ({"a": "x"}, 10, "the package has no option for the issue 'b'"),
        ({"a": "x", "b": "p", "c": "r"}, 10, "names an issue the options lack: 'c'"),
        ({"a": "w", "b": "p"}, 10, "the issue 'a' has no option 'w'"),
        (["x", "p"], 10, "must map each issue to its option, not list"),
        ({"a": "x", "b": "p"}, 0, "limit must be a positive whole number or None, not 0"),
    ],
)
def test_bad_packages_are_refused_with_a_message(package, limit, message):
    table = options_from_issues({"a": {"x": (0, 0), "y": (1, 1)}, "b": {"p": (1, 0)}})
    with pytest.raises(PackageInputError) as info:
        improvements(table, package, limit=limit)
    assert message in str(info.value)


def test_bad_options_are_refused_with_a_message():
    with pytest.raises(PackageInputError, match="not str"):
        improvements("price", {})
    with pytest.raises(PackageInputError, match="the options table is empty"):
        improvements(pd.DataFrame(columns=COLUMNS), {})
