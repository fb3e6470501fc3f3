"""Equivalent simultaneous offers against brute force: every package, every set of offers."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import workbook
from workbook.analysis import offers
from workbook.analysis.offers import equivalent_offer_set, equivalent_offers
from workbook.analysis.packages import PackageInputError, options_from_issues, planner_rows
from workbook.store import example_plan

DIGITS = 12


def grid_exponent(groups: list[list[float]]) -> int:
    bound = math.fsum(max(abs(v) for v in g) for g in groups)
    return 0 if bound == 0 else DIGITS - 1 - math.floor(math.log10(bound))


def on_grid(value: float, e: int) -> int:
    return round(Fraction(value) * Fraction(10) ** e)


def brute_force(frame: pd.DataFrame, our_value: float, k: int, tolerance: float) -> list[tuple]:
    """The offers by definition: every package listed, every k-set of candidates scored."""
    issues = list(dict.fromkeys(frame["issue"].tolist()))
    groups = [frame[frame["issue"] == i] for i in issues]
    e_ours = grid_exponent([g["ours"].tolist() for g in groups])
    e_theirs = grid_exponent([g["theirs"].tolist() for g in groups])
    ours = [[on_grid(v, e_ours) for v in g["ours"].tolist()] for g in groups]
    theirs = [[on_grid(v, e_theirs) for v in g["theirs"].tolist()] for g in groups]
    labels = [g["option"].tolist() for g in groups]
    packages = []  # (ours, theirs, profile, labels), in itertools.product order
    for combo in itertools.product(*(range(len(g)) for g in groups)):
        profile = tuple(theirs[n][j] for n, j in enumerate(combo))
        packages.append(
            (
                sum(ours[n][j] for n, j in enumerate(combo)),
                sum(profile),
                profile,
                tuple(labels[n][j] for n, j in enumerate(combo)),
            )
        )
    efficient, seen = [], set()
    for p in packages:
        dominated = any(
            q[0] >= p[0] and q[1] >= p[1] and (q[0] > p[0] or q[1] > p[1]) for q in packages
        )
        if not dominated and (p[0], p[2]) not in seen:  # alike for us and for them: once
            seen.add((p[0], p[2]))
            efficient.append(p)
    efficient.sort(key=lambda p: -p[0])  # the frontier's order: ours descending
    target, tol = on_grid(our_value, e_ours), on_grid(tolerance, e_ours)
    inside = [p for p in efficient if abs(p[0] - target) <= tol]
    if len(inside) <= k:
        return [p[3] for p in inside]

    def distance(a: tuple, b: tuple) -> int:
        return sum(abs(x - y) for x, y in zip(a[2], b[2], strict=True))

    best, best_key = None, None
    for combo in itertools.combinations(range(len(inside)), k):  # lexicographic order
        d = [distance(inside[a], inside[b]) for a, b in itertools.combinations(combo, 2)]
        key = (min(d), sum(d))
        if best_key is None or key > best_key:
            best, best_key = combo, key
    return [inside[i][3] for i in best]


def random_table(rng: np.random.Generator) -> pd.DataFrame:
    """Small tables with ties (few distinct values) and issues with a single option."""
    issues = int(rng.integers(1, 5))
    levels = rng.choice([3, 5, 1000])  # few levels make ties in scores and distances
    records = []
    for i in range(issues):
        for j in range(int(rng.integers(1, 5))):
            ours = float(rng.integers(0, levels)) / 4
            theirs = float(rng.integers(0, levels)) / 4
            records.append((f"issue {i}", f"option {j}", ours, theirs))
    return pd.DataFrame.from_records(records, columns=["issue", "option", "ours", "theirs"])


@pytest.mark.parametrize("seed", range(120))
def test_offers_match_brute_force_on_random_tables(seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = random_table(rng)
    k = int(rng.integers(2, 4))
    ours_totals = [
        sum(c) for c in itertools.product(*(g["ours"].tolist() for _, g in table.groupby("issue")))
    ]
    our_value = float(rng.choice(ours_totals))
    tolerance = float(rng.choice([0, 0.25, 0.5, 1, 100]))
    expected = brute_force(table, our_value, k, tolerance)
    got = equivalent_offers(table, our_value, k=k, tolerance=tolerance)
    issues = list(dict.fromkeys(table["issue"].tolist()))
    assert [tuple(row) for row in got[issues].itertuples(index=False)] == expected


def test_offers_accept_rows_a_planner_and_a_table_alike() -> None:
    planner = example_plan().concessions
    rows = planner_rows(planner)
    frame = pd.DataFrame(rows, columns=["issue", "option", "ours", "theirs"])
    by_rows = equivalent_offer_set(rows, 60, k=3, tolerance=2)
    assert equivalent_offer_set(planner, 60, k=3, tolerance=2) == by_rows
    assert [p.options for p in by_rows.packages] == [
        dict(row) for row in equivalent_offers(frame, 60, 3, 2).iloc[:, 3:].to_dict("records")
    ]
    assert len(by_rows.packages) == 3
    assert all(abs(p.ours - 60) <= 2 for p in by_rows.packages)


def test_equal_packages_for_us_that_differ_on_every_issue_are_chosen() -> None:
    table = options_from_issues(
        {
            "price": {"list": (10, 0), "discount": (6, 4)},
            "term": {"1 year": (0, 4), "3 years": (4, 0)},
        }
    )
    frame = equivalent_offers(table, our_value=10, k=2, tolerance=0)
    assert frame[["price", "term"]].values.tolist() == [["list", "1 year"], ["discount", "3 years"]]
    assert frame.attrs == {"spread": 8.0, "candidates": 2, "tolerance": 0.0}


def test_too_few_candidates_give_fewer_offers() -> None:
    table = options_from_issues({"price": {"list": (10, 0), "discount": (6, 4)}})
    assert equivalent_offers(table, our_value=10, k=3, tolerance=0)["price"].tolist() == ["list"]
    assert equivalent_offers(table, our_value=50, k=3, tolerance=1).empty


def test_the_default_tolerance_is_two_percent_of_our_range() -> None:
    table = options_from_issues({"price": {"a": (0, 9), "b": (50, 5), "c": (100, 0)}})
    assert equivalent_offer_set(table, 51).tolerance == 2.0
    assert [p.options["price"] for p in equivalent_offer_set(table, 52).packages] == ["b"]
    assert equivalent_offer_set(table, 52.5).packages == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"k": 1}, "k must be 2 or 3"),
        ({"k": 4}, "k must be 2 or 3"),
        ({"tolerance": -1}, "tolerance must be a number of 0 or more"),
        ({"tolerance": float("nan")}, "tolerance must be a number of 0 or more"),
        ({"our_value": "ten"}, "our_value must be a finite number"),
    ],
)
def test_bad_arguments_say_what_is_wrong(arguments: dict, message: str) -> None:
    table = options_from_issues({"price": {"list": (10, 0), "discount": (6, 4)}})
    call = {"our_value": 10, "k": 2, "tolerance": 1} | arguments
    with pytest.raises(PackageInputError, match=message):
        equivalent_offers(table, **call)


def test_public_api_exposes_equivalent_offers() -> None:
    assert workbook.equivalent_offers is equivalent_offers
    assert "equivalent_offers" in workbook.__all__


def test_too_many_equally_efficient_packages_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """Options that trade one for one make every package efficient: 2**12 of them, over a
    limit lowered to 1,000 (the real one, 200,000, takes 2**18 such packages to pass)."""
    monkeypatch.setattr(offers, "MAX_EFFICIENT", 1_000)
    table = options_from_issues({f"issue {i}": {"a": (0, 1), "b": (1, 0)} for i in range(12)})
    with pytest.raises(PackageInputError, match="more than 1,000 packages are equally efficient"):
        equivalent_offers(table, our_value=6, k=2, tolerance=6)
    monkeypatch.setattr(offers, "MAX_EFFICIENT", 5_000)  # under the limit, offers are found
    assert len(equivalent_offers(table, our_value=6, k=2, tolerance=0)) == 2
