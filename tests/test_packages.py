"""Packages: the frontier, the Nash package and the best package against brute force."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import genius
from workbook.analysis.packages import (
    PackageInputError,
    best_package,
    nash_package,
    options_from_issues,
    package_count,
    pareto_frontier,
    planner_options,
)
from workbook.errors import WorkbookError
from workbook.model import ConcessionPlanner, Option, Variable
from workbook.store import example_plan

COLUMNS = ["issue", "option", "ours", "theirs"]
DIGITS = 12  # the documented grid: the largest possible total keeps 12 significant digits


# --- an independent reference: every package listed, scores on the documented grid --------


@dataclass
class Reference:
    """Every package in ``itertools.product`` order with exact grid scores for both sides."""

    issues: list
    packages: list[tuple]
    ours: list[int]
    theirs: list[int]
    exponents: tuple[int, int]

    def value(self, k: int, side: int) -> float:
        """A grid score as the nearest float."""
        return float(Fraction(k) / Fraction(10) ** self.exponents[side])

    def grid(self, value: float, side: int) -> int:
        return round(Fraction(value) * Fraction(10) ** self.exponents[side])


def reference(frame: pd.DataFrame) -> Reference:
    issues = list(dict.fromkeys(frame["issue"].tolist()))
    groups = [frame[frame["issue"] == issue] for issue in issues]
    exponents, grids = [], []
    for side in ("ours", "theirs"):
        bound = math.fsum(max(abs(v) for v in g[side].tolist()) for g in groups)
        e = 0 if bound == 0 else DIGITS - 1 - math.floor(math.log10(bound))
        exponents.append(e)
        grids.append(
            [[round(Fraction(v) * Fraction(10) ** e) for v in g[side].tolist()] for g in groups]
        )
    labels = [g["option"].tolist() for g in groups]
    packages, ours, theirs = [], [], []
    for combo in itertools.product(*(range(len(g)) for g in groups)):
        packages.append(tuple(labels[k][j] for k, j in enumerate(combo)))
        ours.append(sum(grids[0][k][j] for k, j in enumerate(combo)))
        theirs.append(sum(grids[1][k][j] for k, j in enumerate(combo)))
    return Reference(issues, packages, ours, theirs, (exponents[0], exponents[1]))


def beaten(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Which points another point dominates, by the definition: every pair compared."""
    mine_o, mine_t = ours[:, None], theirs[:, None]
    other_o, other_t = ours[None, :], theirs[None, :]
    better = (other_o > mine_o) | (other_t > mine_t)
    return ((other_o >= mine_o) & (other_t >= mine_t) & better).any(axis=1)


def reference_frontier(ref: Reference) -> list[int]:
    """Indices of the Pareto-optimal packages, the first of each score pair, ours descending."""
    first: dict[tuple[int, int], int] = {}
    for i, point in enumerate(zip(ref.ours, ref.theirs, strict=True)):
        first.setdefault(point, i)
    pts = np.array(list(first), dtype=np.int64)
    lost = beaten(pts[:, 0], pts[:, 1])
    kept = [i for i, out in zip(first.values(), lost, strict=True) if not out]
    return sorted(kept, key=lambda i: -ref.ours[i])


def reference_nash(ref: Reference, r_ours: float, r_theirs: float) -> int | None:
    lo, lt = ref.grid(r_ours, 0), ref.grid(r_theirs, 1)
    feasible = [i for i in range(len(ref.packages)) if ref.ours[i] >= lo and ref.theirs[i] >= lt]

    def key(i: int) -> tuple[int, int, int, int]:
        return (ref.ours[i] - lo) * (ref.theirs[i] - lt), ref.ours[i], ref.theirs[i], -i

    return max(feasible, key=key, default=None)


def reference_best(ref: Reference, floor: float) -> int | None:
    feasible = [i for i in range(len(ref.packages)) if ref.theirs[i] >= ref.grid(floor, 1)]
    return max(feasible, key=lambda i: (ref.ours[i], ref.theirs[i], -i), default=None)


def assert_package(row: pd.Series | None, ref: Reference, index: int | None) -> None:
    if index is None:
        assert row is None
        return
    assert row is not None
    assert tuple(row[ref.issues]) == ref.packages[index]
    assert row["ours"] == ref.value(ref.ours[index], 0)
    assert row["theirs"] == ref.value(ref.theirs[index], 1)


# --- random instances ------------------------------------------------------------------------


def pairs_of(value: st.SearchStrategy) -> st.SearchStrategy[tuple]:
    return st.tuples(value, value)


PAIRS = {  # (ours, theirs) of one option
    "zero-sum": st.integers(-3, 3).map(lambda k: (k, -k)),  # every package is optimal: many ties
    "small integers": pairs_of(st.integers(0, 2)),
    "integers": pairs_of(st.integers(-6, 6)),
    "decimals": pairs_of(st.integers(-30, 30).map(lambda k: k / 10)),
    "floats": pairs_of(st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)),
}


@st.composite
def option_tables(draw: st.DrawFn, kinds: tuple[str, ...] = tuple(PAIRS)) -> pd.DataFrame:
    """Up to 5 issues of 1 to 4 options, some identical; rows in any order."""
    pair_of = PAIRS[draw(st.sampled_from(kinds))]
    sizes = draw(
        st.lists(st.integers(1, 4), min_size=1, max_size=5).filter(lambda s: math.prod(s) <= 256)
    )
    rows = []
    for i, size in enumerate(sizes):
        pairs: list[tuple] = []
        for j in range(size):
            copy = pairs and draw(st.booleans())
            pair = draw(st.sampled_from(pairs)) if copy else draw(pair_of)
            pairs.append(pair)
            rows.append((f"issue {i}", f"option {j}", *pair))
    return pd.DataFrame(draw(st.permutations(rows)), columns=COLUMNS)


def threshold(draw: st.DrawFn, ref: Reference, side: int) -> float:
    """A reservation: some package's exact score (the boundary case) or any number near them."""
    scores = ref.ours if side == 0 else ref.theirs
    if draw(st.booleans()):
        return ref.value(draw(st.sampled_from(scores)), side)
    low, high = ref.value(min(scores), side), ref.value(max(scores), side)
    return draw(st.floats(low - 1, high + 1, allow_nan=False))


@settings(max_examples=100, deadline=None)
@given(frame=option_tables())
def test_frontier_is_every_undominated_score_pair_with_its_first_package(frame):
    ref = reference(frame)
    frontier = pareto_frontier(frame)
    assert list(frontier.columns) == ["ours", "theirs", *ref.issues]
    expected = reference_frontier(ref)
    assert len(frontier) == len(expected)
    for (_, row), index in zip(frontier.iterrows(), expected, strict=True):
        assert_package(row, ref, index)


@settings(max_examples=100, deadline=None)
@given(frame=option_tables(kinds=("decimals",)))
def test_decimal_values_give_the_mathematical_frontier(frame):
    """0.1 + 0.2 ties 0.3: the frontier is the one of the exact decimal sums."""
    tenths = frame.assign(**{s: [round(v * 10) for v in frame[s]] for s in ("ours", "theirs")})
    ref = reference(tenths)  # integers: exact, whatever the grid
    frontier = pareto_frontier(frame)
    expected = reference_frontier(ref)
    assert len(frontier) == len(expected)
    for (_, row), index in zip(frontier.iterrows(), expected, strict=True):
        assert tuple(row[ref.issues]) == ref.packages[index]
        assert Fraction(str(row["ours"])) * 10 == ref.value(ref.ours[index], 0)
        assert Fraction(str(row["theirs"])) * 10 == ref.value(ref.theirs[index], 1)


@settings(max_examples=100, deadline=None)
@given(frame=option_tables())
def test_frontier_is_within_rounding_of_the_exact_one(frame):
    """On the true (unrounded) scores: reported scores are close, and nothing is missed."""
    ref = reference(frame)
    values = {
        side: {
            (i, o): v for i, o, v in zip(frame["issue"], frame["option"], frame[side], strict=True)
        }
        for side in ("ours", "theirs")
    }
    true = np.array(
        [
            [
                math.fsum(values[side][(i, o)] for i, o in zip(ref.issues, p, strict=True))
                for p in ref.packages
            ]
            for side in ("ours", "theirs")
        ]
    )
    steps = [len(ref.issues) * 10.0**-e for e in ref.exponents]  # 2 × (issues × half a step)
    tol = np.array(steps)[:, None] * (1 + 1e-9)
    frontier = pareto_frontier(frame)
    got = frontier[["ours", "theirs"]].to_numpy().T
    for k, (_, row) in enumerate(frontier.iterrows()):
        index = ref.packages.index(tuple(row[ref.issues]))
        assert np.all(np.abs(true[:, index] - got[:, k]) <= tol[:, 0] / 2)
    for x in np.flatnonzero(~beaten(true[0], true[1])):
        assert np.any(np.all(got >= true[:, x : x + 1] - tol, axis=0))


@settings(max_examples=100, deadline=None)
@given(frame=option_tables(), data=st.data())
def test_nash_package_is_the_brute_force_one(frame, data):
    ref = reference(frame)
    r_ours, r_theirs = threshold(data.draw, ref, 0), threshold(data.draw, ref, 1)
    row = nash_package(frame, our_reservation=r_ours, their_reservation=r_theirs)
    assert_package(row, ref, reference_nash(ref, r_ours, r_theirs))


@settings(max_examples=100, deadline=None)
@given(frame=option_tables(), data=st.data())
def test_best_package_is_the_brute_force_one(frame, data):
    ref = reference(frame)
    floor = threshold(data.draw, ref, 1)
    assert_package(best_package(frame, their_floor=floor), ref, reference_best(ref, floor))


# --- hand-made cases ---------------------------------------------------------------------------


def frame_of(issues: dict) -> pd.DataFrame:
    return options_from_issues(issues)


def points(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in frame.itertuples(index=False)]


def test_known_frontier_nash_and_best_package():
    table = frame_of(
        {
            "price": {"list": (10, 0), "discount": (6, 5)},
            "payment": {"30 days": (3, 0), "60 days": (0, 1)},
        }
    )
    assert points(pareto_frontier(table)) == [
        (13.0, 0.0, "list", "30 days"),
        (10.0, 1.0, "list", "60 days"),
        (9.0, 5.0, "discount", "30 days"),
        (6.0, 6.0, "discount", "60 days"),
    ]
    assert tuple(nash_package(table)) == (9.0, 5.0, "discount", "30 days")
    assert tuple(best_package(table, their_floor=2)) == (9.0, 5.0, "discount", "30 days")
    assert best_package(table, their_floor=6.5) is None


def test_tied_packages_appear_once_as_the_first_in_product_order():
    table = frame_of({"a": {"x": (1, 0), "y": (0, 1)}, "b": {"p": (0, 1), "q": (1, 0)}})
    assert points(pareto_frontier(table)) == [
        (2.0, 0.0, "x", "q"),
        (1.0, 1.0, "x", "p"),
        (0.0, 2.0, "y", "p"),
    ]


def test_a_tie_across_several_issues_keeps_the_first_package_in_product_order():
    table = frame_of(
        {
            "a": {"a0": (0, 2), "a1": (2, 0)},
            "b": {"b0": (0, 1), "b1": (1, 0)},
            "c": {"c0": (1, 0), "c1": (0, 1)},
        }
    )  # every package scores 4 in all; (a0, b1, c0) and (a1, b0, c1) both score (2, 2)
    assert points(pareto_frontier(table))[2] == (2.0, 2.0, "a0", "b1", "c0")


def test_identical_options_keep_the_first_and_a_one_option_issue_is_always_chosen():
    table = frame_of({"a": {"x": (1, 1), "y": (1, 1), "z": (0, 0)}, "fixed": {"only": (-2, 3)}})
    assert points(pareto_frontier(table)) == [(-1.0, 4.0, "x", "only")]


def test_sums_in_any_order_neither_split_nor_lose_a_tie():
    # 0.1 + 0.2 != 0.3 in floating point; on the grid the two packages tie.
    table = frame_of(
        {"a": {"x": (0.1, 0.3), "y": (0.3, 0.1)}, "b": {"p": (0.2, 0.0), "q": (0.0, 0.2)}}
    )
    assert points(pareto_frontier(table)) == [
        (0.5, 0.1, "y", "p"),
        (0.3, 0.3, "x", "p"),
        (0.1, 0.5, "x", "q"),
    ]


def test_money_and_tiny_values_keep_twelve_significant_digits():
    table = frame_of(
        {"a": {"x": (2.5e9, 1e-9), "y": (2.5e9 + 1, 0)}, "b": {"p": (1e9, 3e-9), "q": (0, 2e-9)}}
    )
    assert points(pareto_frontier(table)) == [(3.5e9 + 1, 3e-9, "y", "p"), (3.5e9, 4e-9, "x", "p")]


def test_reservations_are_inclusive_and_products_of_zero_still_count():
    table = frame_of({"a": {"x": (4, 1), "y": (2, 3), "z": (1, 4)}})
    assert nash_package(table)["a"] == "y"
    assert nash_package(table, our_reservation=4, their_reservation=1)["a"] == "x"  # product 0
    assert nash_package(table, our_reservation=4, their_reservation=1.5) is None
    assert best_package(table, their_floor=3)["a"] == "y"


def test_nash_ties_go_to_the_higher_score_for_us():
    table = frame_of({"a": {"x": (1, 4), "y": (4, 1), "z": (2, 2)}})
    assert nash_package(table)["a"] == "y"


def test_best_package_ties_for_us_go_to_the_package_better_for_them():
    table = frame_of({"a": {"x": (5, 1), "y": (5, 2), "z": (1, 9)}})
    assert best_package(table, their_floor=0)["a"] == "y"


def test_many_issues_are_solved_without_listing_the_packages():
    rng = np.random.default_rng(7)
    rows = [
        (f"i{i}", f"o{j}", *rng.integers(-50, 50, 2).tolist()) for i in range(60) for j in range(10)
    ]
    table = pd.DataFrame(rows, columns=COLUMNS)
    assert package_count(table) == 10**60
    frontier = pareto_frontier(table)
    assert frontier["ours"].is_monotonic_decreasing and frontier["theirs"].is_monotonic_increasing
    lookup = table.set_index(["issue", "option"])
    for _, row in frontier.sample(5, random_state=1).iterrows():
        chosen = [(i, row[i]) for i in table["issue"].unique()]
        assert lookup.loc[chosen, ["ours", "theirs"]].sum().tolist() == [row["ours"], row["theirs"]]


def test_the_plan_planner_gives_the_options_table():
    planner = example_plan().concessions
    table = planner_options(planner)
    assert list(table.columns) == COLUMNS
    assert set(table["issue"]) == {v.name for v in planner.variables if v.options}
    assert len(pareto_frontier(table)) >= 2


def test_planner_variables_without_options_are_left_out():
    price = Variable(name="Price", weight_ours=50, weight_theirs=20)
    price.options = [Option(label="list", ours=10), Option(label="5% off", ours=6, theirs=5)]
    planner = ConcessionPlanner(variables=[Variable(name="Scope"), price])
    assert points(planner_options(planner)) == [
        ("Price", "list", 5.0, 0.0),
        ("Price", "5% off", 3.0, 1.0),
    ]
    with pytest.raises(PackageInputError, match="empty"):
        pareto_frontier(planner_options(ConcessionPlanner()))


# --- bad input --------------------------------------------------------------------------------


def table(**changes: list) -> pd.DataFrame:
    data = {"issue": ["price", "price", "term"], "option": ["low", "high", "1 year"]}
    data |= {"ours": [1.0, 2.0, 0.0], "theirs": [2.0, 1.0, 0.0]} | changes
    return pd.DataFrame(data)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([1, 2], "must be a table (DataFrame), not list"),
        (table().drop(columns=["theirs", "issue"]), "no column 'issue', 'theirs'"),
        (table().iloc[:0], "the options table is empty"),
        (
            table(ours=[1.0, "2", 0.0]),
            "'ours' of option 'high' of issue 'price' is not a number: '2'",
        ),
        (
            table(theirs=[1.0, True, 0.0]),
            "'theirs' of option 'high' of issue 'price' is not a number",
        ),
        (
            table(ours=[1.0, 2.0, np.nan]),
            "option '1 year' of issue 'term' is not a finite number: nan",
        ),
        (
            table(theirs=[np.inf, 2.0, 0.0]),
            "option 'low' of issue 'price' is not a finite number: inf",
        ),
        (table(option=["low", "low", "1 year"]), "the issue 'price' has the option 'low' twice"),
        (table(issue=["price", None, "term"]), "row 1 of the options table has no issue"),
        (table(option=["low", "high", np.nan]), "row 2 of the options table has no option"),
        (table(issue=["price", "price", "ours"]), "an issue cannot be called 'ours'"),
        (table(ours=[1e308, 1e308, 1e308]), "the 'ours' values are too large to add up"),
        (table(ours=[1, 2, 10**400]), "of option '1 year' of issue 'term' is not a finite number"),
        (table(issue=["price", ["a"], "term"]), "row 1 of the options table: names must be text"),
        (pd.concat([table(), table()["ours"]], axis=1), "two columns named 'ours'"),
    ],
)
def test_bad_options_are_refused_with_a_message(options, message):
    for call in (pareto_frontier, package_count, lambda o: best_package(o, 0), nash_package):
        with pytest.raises(PackageInputError) as info:
            call(options)
        assert message in str(info.value)
        assert isinstance(info.value, WorkbookError | ValueError)


@pytest.mark.parametrize(
    ("issues", "message"),
    [
        ({"price": {"low": (1, 2)}, "term": {}}, "the issue 'term' has no options"),
        ({"price": {"low": (1, 2, 3)}}, "option 'low' of issue 'price' needs two values"),
        ({}, "the options table is empty"),
        ({"price": {"low": (1, "x")}}, "is not a number: 'x'"),
    ],
)
def test_bad_issues_are_refused_with_a_message(issues, message):
    with pytest.raises(PackageInputError) as info:
        options_from_issues(issues)
    assert message in str(info.value)


@pytest.mark.parametrize("bad", [np.nan, np.inf, "1", None, 10**400])
def test_bad_reservations_are_refused_with_a_message(bad):
    with pytest.raises(PackageInputError, match=r"^our_reservation must be a finite number"):
        nash_package(table(), our_reservation=bad)
    with pytest.raises(PackageInputError, match=r"^their_reservation must be a finite number"):
        nash_package(table(), their_reservation=bad)
    with pytest.raises(PackageInputError, match=r"^their_floor must be a finite number"):
        best_package(table(), their_floor=bad)


# --- GENIUS / ANAC scenarios ---------------------------------------------------------------------

ENUMERATION_LIMIT = 10_000_000  # brute force lists every package: all ten scenarios fit
TOO_MANY = "{:,} outcomes: too many to enumerate"
ABSENT = f"no scenarios in {genius.folder()}: set {genius.ENV} to the GENIUS scenarios folder"
SCENARIOS = [
    pytest.param(
        s,
        id=s.name,
        marks=pytest.mark.skipif(
            s.outcomes > ENUMERATION_LIMIT, reason=TOO_MANY.format(s.outcomes)
        ),
    )
    for s in genius.scenarios()
] or [pytest.param(None, marks=pytest.mark.skip(reason=ABSENT))]
DECIMALS = 10  # brute-force totals are summed in another order: ties are matched at 1e-10


def pareto_points(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """The distinct undominated (ours, theirs) points, ours descending."""
    order = np.lexsort((-theirs, -ours))
    ranked = theirs[order]
    keep = np.r_[True, ranked[1:] > np.maximum.accumulate(ranked)[:-1]]
    return np.column_stack([ours[order][keep], theirs[order][keep]])


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_frontier_matches_brute_force(scenario):
    """The linear frontier, and the GENIUS one after ``min(1, ·)``, against every package.

    GENIUS clips each side's score at 1. Clipping is monotone, so the clipped frontier is the
    clipped linear frontier less the points that clipping made equal or dominated: both are
    compared, the clipped one by clipping our frontier and filtering it again.
    """
    options = scenario.options()
    frontier = pareto_frontier(options)
    ours, theirs = (np.round(s, DECIMALS) for s in scenario.all_scores())
    got = frontier[["ours", "theirs"]].to_numpy()
    np.testing.assert_allclose(got, pareto_points(ours, theirs), rtol=0, atol=1e-9)
    clipped = pareto_points(np.minimum(1, got[:, 0]), np.minimum(1, got[:, 1]))
    expected = pareto_points(np.minimum(1, ours), np.minimum(1, theirs))
    np.testing.assert_allclose(clipped, expected, rtol=0, atol=1e-9)
    names = [issue for issue, _ in scenario.issues]
    for row in frontier.itertuples(index=False):
        picked = list(zip(names, row[2:], strict=True))
        again = [math.fsum(scenario.contribution(side, i, o) for i, o in picked) for side in "ab"]
        np.testing.assert_allclose(again, row[:2], rtol=0, atol=1e-9)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_nash_and_best_packages_match_brute_force(scenario):
    options = scenario.options()
    ours, theirs = (np.round(s, DECIMALS) for s in scenario.all_scores())
    r_ours, r_theirs = scenario.reservations["a"], scenario.reservations["b"]
    nash = nash_package(options, our_reservation=r_ours, their_reservation=r_theirs)
    feasible = (ours >= r_ours) & (theirs >= r_theirs)
    best_product = np.max(np.where(feasible, (ours - r_ours) * (theirs - r_theirs), -1))
    assert (nash["ours"] - r_ours) * (nash["theirs"] - r_theirs) == pytest.approx(
        best_product, abs=1e-9
    )
    for floor in (r_theirs, 0.5, 0.7, 0.9):
        best = best_package(options, their_floor=floor)
        assert best["theirs"] >= floor - 1e-12
        assert best["ours"] == pytest.approx(ours[theirs >= floor].max(), abs=1e-9)
