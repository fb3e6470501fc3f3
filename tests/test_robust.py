"""Packages that survive the team's disagreement: the robust frontier against brute force."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_packages import PAIRS, beaten, option_tables, reference, reference_nash
from workbook.analysis.packages import PackageInputError, options_from_issues
from workbook.analysis.robust import robust_frontier


@st.composite
def estimates(draw: st.DrawFn) -> list[pd.DataFrame]:
    """One to four tables sharing issues, options and our values; their values redrawn
    (or copied from another estimate, or from another row: ties across and within)."""
    frame = draw(option_tables())
    kind = draw(st.sampled_from(["zero-sum", "small integers", "integers", "decimals"]))
    tables = [frame]
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()) and len(tables) > 1:
            theirs = list(draw(st.sampled_from(tables))["theirs"])
        else:
            theirs = [draw(PAIRS[kind])[1] for _ in range(len(frame))]
        tables.append(frame.assign(theirs=theirs))
    return tables


def reference_robust(tables: list[pd.DataFrame]) -> tuple[list[tuple], list[list[bool]]]:
    """Every package, Pareto-optimal under each estimate or not (the definition, pair by
    pair); one package per vector of scores (the first), ordered as documented."""
    refs = [reference(t) for t in tables]
    ours = np.array(refs[0].ours, dtype=object)
    optimal = [~beaten(np.array(ref.ours), np.array(ref.theirs)) for ref in refs]
    first: dict[tuple, int] = {}
    for i in range(len(refs[0].packages)):
        first.setdefault((refs[0].ours[i], *(ref.theirs[i] for ref in refs)), i)
    kept = [i for i in first.values() if any(o[i] for o in optimal)]
    kept.sort(key=lambda i: (-sum(bool(o[i]) for o in optimal), -ours[i], i))
    return [refs[0].packages[i] for i in kept], [[bool(o[i]) for o in optimal] for i in kept]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(tables=estimates())
def test_the_robust_frontier_is_the_brute_force_one(tables):
    found = robust_frontier(tables)
    refs = [reference(t) for t in tables]
    ref = refs[0]
    packages, optimal = reference_robust(tables)
    assert [tuple(row.options[i] for i in ref.issues) for row in found.rows] == packages
    names = [f"estimate {k + 1}" for k in range(len(tables))]
    for row, flags in zip(found.rows, optimal, strict=True):
        assert row.optimal_under == tuple(n for n, f in zip(names, flags, strict=True) if f)
        assert row.share == sum(flags) / len(tables)
        index = ref.packages.index(tuple(row.options[i] for i in ref.issues))
        assert row.ours == ref.value(ref.ours[index], 0)
        for each, theirs in zip(refs, row.theirs, strict=True):
            assert theirs == each.value(each.theirs[index], 1)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(tables=estimates(), data=st.data())
def test_the_nash_package_under_each_estimate_is_the_brute_force_one_and_is_listed(tables, data):
    r_ours = data.draw(st.sampled_from([0.0, -1.0, 1.0]))
    r_theirs = data.draw(st.sampled_from([0.0, -1.0, 1.0]))
    found = robust_frontier(tables, our_reservation=r_ours, their_reservation=r_theirs)
    listed = {tuple(row.options.values()): row for row in found.rows}
    for k, table in enumerate(tables):
        name = f"estimate {k + 1}"
        ref = reference(table)
        index = reference_nash(ref, r_ours, r_theirs)
        package = found.nash[name]
        if index is None:
            assert package is None
            continue
        assert tuple(package.options.values()) == ref.packages[index]
        row = listed[ref.packages[index]]
        assert name in row.nash_under and name in row.optimal_under


def test_one_estimate_gives_the_frontier_and_agreeing_estimates_share_it_all():
    table = options_from_issues(
        {"price": {"list": (10, 0), "discount": (6, 5)}, "payment": {"30": (3, 0), "60": (0, 1)}}
    )
    alone = robust_frontier({"Anna": table})
    assert [(row.ours, row.theirs) for row in alone.rows] == [
        (13.0, (0.0,)),
        (10.0, (1.0,)),
        (9.0, (5.0,)),
        (6.0, (6.0,)),
    ]
    both = robust_frontier({"Anna": table, "Ben": table})
    assert [row.share for row in both.rows] == [1.0] * 4
    assert len(both.everywhere()) == 4


def test_a_disagreement_splits_the_frontier_and_moves_the_nash_package():
    anna = options_from_issues({"a": {"x": (2, 0), "y": (1, 2), "z": (0, 3)}})
    ben = options_from_issues({"a": {"x": (2, 0), "y": (1, 0), "z": (0, 3)}})
    found = robust_frontier({"Anna": anna, "Ben": ben})
    assert [(r.options["a"], r.optimal_under, r.nash_under) for r in found.rows] == [
        ("x", ("Anna", "Ben"), ("Ben",)),
        ("z", ("Anna", "Ben"), ()),
        ("y", ("Anna",), ("Anna",)),
    ]
    frame = found.to_frame()
    assert frame.columns.tolist() == [
        "ours",
        "theirs (Anna)",
        "theirs (Ben)",
        "share",
        "optimal_under",
        "nash_under",
        "a",
    ]
    assert frame["share"].tolist() == [1.0, 1.0, 0.5]
    nash = found.nash_frame()
    assert nash[["estimate", "a", "share"]].values.tolist() == [
        ["Anna", "y", 0.5],
        ["Ben", "x", 1.0],
    ]


def test_forty_issues_and_three_estimates_keep_only_what_some_estimate_finds_optimal():
    rng = np.random.default_rng(5)
    ours = rng.random((40, 6))
    base = pd.DataFrame(
        {
            "issue": np.repeat([f"i{i}" for i in range(40)], 6),
            "option": np.tile([f"o{j}" for j in range(6)], 40),
            "ours": ours.ravel(),
            "theirs": 0.0,
        }
    )
    tables = [base.assign(theirs=rng.random(240)) for _ in range(3)]
    found = robust_frontier(tables)
    from workbook.analysis.packages import pareto_frontier

    for k, table in enumerate(tables):
        name = f"estimate {k + 1}"
        front = pareto_frontier(table)
        mine = [r for r in found.rows if name in r.optimal_under]
        assert sorted((r.ours, r.theirs[k]) for r in mine) == sorted(
            front[["ours", "theirs"]].itertuples(index=False, name=None)
        )


@pytest.mark.parametrize(
    ("estimates", "message"),
    [
        ("table", "must map each estimate's name to its options table, not str"),
        ({}, "there is no estimate"),
        ({"Anna": [("a", "x", 1, 1)], "Ben": [("a", "y", 1, 1)]}, "'Ben' has other issues"),
        ({"Anna": [("a", "x", 1, 1)], "Ben": [("a", "x", 2, 1)]}, "'Ben' has other values for us"),
        ({"Anna": [("a", "x", 1, "1")]}, "estimate 'Anna': the value 'theirs'"),
    ],
)
def test_bad_estimates_are_refused_with_a_message(estimates, message):
    with pytest.raises(PackageInputError) as info:
        robust_frontier(estimates)
    assert message in str(info.value)
