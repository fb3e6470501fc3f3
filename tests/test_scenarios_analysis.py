"""Scenarios analysis: exact expectations, Monte Carlo, payoff and regret, disagreement, bad input.

Monte Carlo tolerance: a simulated mean must lie within ``SE_TOLERANCE`` (5) standard errors of
the exact expectation, plus ``FLOAT32`` (1e-6) of the largest amount involved, for the draws
are single precision. Under the null hypothesis a 5 SE miss has a probability of 6e-7; the
seeds are fixed, so the tests are deterministic anyway. Sample quantiles are checked through
the exact distribution function: ``|F(q-th sample quantile) - q|`` must stay within 5 standard
errors of a sample proportion, ``sqrt(q (1 - q) / n)``, plus one slice of ``ATOMS``.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from workbook import model as m
from workbook.analysis import scenarios as sa
from workbook.analysis.scenarios import (
    ATOMS,
    Highlight,
    ScenarioInputError,
    best_responses,
    disagreement,
    expected_values,
    greatest_cooperation,
    least_regret,
    montecarlo,
    most_damaging_retaliation,
    net_draws,
    payoff_table,
    sampling,
    simulate,
)
from workbook.errors import WorkbookError
from workbook.store import example_plan

SE_TOLERANCE = 5
FLOAT32 = 1e-6


# --- building scenarios -----------------------------------------------------------------------


def r(low: float, likely: float | None = None, high: float | None = None) -> dict:
    """A range; one number gives a single value."""
    likely = low if likely is None else likely
    return {"low": low, "likely": likely, "high": likely if high is None else high}


def est(who: str, gain=0.0, coop=(0.0, 0.0), retaliation=None) -> dict:
    """One participant's estimate: numbers are single values, tuples of three are ranges."""

    def rng(value):
        return r(*value) if isinstance(value, tuple) else r(value)

    return {
        "participant": who,
        "gain": rng(gain),
        "cooperation_probability": rng(coop[0]),
        "cooperation_value": rng(coop[1]),
        "retaliation": [
            {"competitor_id": cid, "probability": rng(p), "damage": rng(d)}
            for cid, (p, d) in (retaliation or {}).items()
        ],
    }


def scen(moves: dict[str, list[dict]], competitors=(), **settings) -> m.Scenarios:
    """Scenarios with moves named by their ids and competitors named by their ids."""
    return m.Scenarios.model_validate(
        {
            "competitors": [{"id": c, "name": c.title()} for c in competitors],
            "moves": [{"id": k, "name": k.title(), "estimates": v} for k, v in moves.items()],
            "seed": settings.pop("seed", 7),
            **settings,
        }
    )


def within_se(result: pd.DataFrame, scale: float) -> None:
    """Every simulated mean within the stated tolerance of the exact expected net value."""
    gap = (result["mean"] - result["expected_net"]).abs()
    limit = SE_TOLERANCE * result["std_error"] + FLOAT32 * scale
    assert (gap <= limit).all(), pd.concat([gap, limit], axis=1)


# --- exact expected values ----------------------------------------------------------------------


def test_single_values_give_the_exact_expectation_and_simulation_agrees():
    s = scen(
        {"cut": [est("Ann", gain=100, coop=(0.5, 40), retaliation={"rival": (0.25, 80)})]},
        competitors=["rival"],
    )
    row = expected_values(s).iloc[0]
    assert (row.gain, row.cooperation, row.retaliation, row.net) == (100, 20, 20, 100)
    assert row["retaliation: Rival"] == 20 and row.cooperation_probability == 0.5
    result = simulate(s, draws=50_000)
    within_se(result, 200)
    assert result.loc[0, "expected_net"] == 100
    # the net value takes four values: 100 + 40 c - 80 r; its quantiles are among them
    assert set(result.loc[0, ["p10", "p50", "p90"]]) <= {20.0, 60.0, 100.0, 140.0}


def test_pert_and_triangular_means_computed_by_hand():
    s = scen({"a": [est("Ann", gain=(0, 10, 50), coop=((0.2, 0.5, 0.8), (0, 100, 200)))]})
    pert = expected_values(s).iloc[0]
    assert pert.gain == pytest.approx((0 + 4 * 10 + 50) / 6)  # 15
    assert pert.cooperation == pytest.approx(0.5 * 100)  # chance and value independent
    tri = expected_values(s.model_copy(update={"distribution": "triangular"})).iloc[0]
    assert tri.gain == pytest.approx((0 + 10 + 50) / 3)  # 20
    assert tri.cooperation == pytest.approx(0.5 * 100)
    for scenarios in (s, s.model_copy(update={"distribution": "triangular"})):
        within_se(simulate(scenarios, draws=100_000), 200)


def test_team_estimates_form_an_equal_weight_mixture():
    s = scen({"a": [est("Ann", gain=0), est("Bob", gain=100)]})
    assert expected_values(s).loc[0, "gain"] == 50
    draws = net_draws(s, draws=20_000)["A"].to_numpy()
    assert set(np.unique(draws)) == {0.0, 100.0}  # each draw from one participant, not averaged
    share = (draws == 100).mean()
    assert abs(share - 0.5) <= SE_TOLERANCE * math.sqrt(0.25 / draws.size)
    result = simulate(s, draws=20_000).iloc[0]
    assert (result.p10, result.p90, result.prob_loss) == (0, 100, 0)


def test_all_quantities_of_a_draw_come_from_the_same_participant():
    # Ann: gain 100 and certain damage 100; Bob: gain 0, no damage. Mixed per quantity, a
    # draw could show 0 - 100 or 100 - 0; kept together, it is 0 every time.
    s = scen(
        {
            "a": [
                est("Ann", gain=100, retaliation={"x": (1, 100)}),
                est("Bob", retaliation={"x": (0, 0)}),
            ]
        },
        competitors=["x"],
    )
    assert set(np.unique(net_draws(s, draws=5_000)["A"])) == {0.0}


def test_a_participant_without_a_view_is_left_out_of_that_competitors_pool():
    s = scen(
        {"a": [est("Ann", retaliation={"x": (1, 100)}), est("Bob", gain=(0, 10, 20))]},
        competitors=["x"],
    )
    row = expected_values(s).iloc[0]
    assert row.retaliation == 100  # Ann's view only; not (100 + 0) / 2
    assert row.gain == 5
    draws = net_draws(s, draws=20_000)["A"].to_numpy()
    assert (draws <= -80).all()  # Bob's draws take the damage from Ann: every draw has it
    within_se(simulate(s, draws=20_000), 200)


def test_pooled_retaliation_weights_damage_by_chance():
    s = scen(
        {
            "a": [
                est("Ann", retaliation={"x": (1, 100)}),
                est("Bob", retaliation={"x": (0.5, 40)}),
                est("Cy", gain=10),
            ]
        },
        competitors=["x"],
    )
    assert expected_values(s).loc[0, "retaliation"] == pytest.approx((100 + 0.5 * 40) / 2)
    # given that X retaliates, damage is 100 with weight 1 and 40 with weight 0.5
    assert payoff_table(s).iloc[0]["X retaliates"] == pytest.approx(10 / 3 - (100 + 20) / 1.5)
    within_se(simulate(s, draws=100_000), 200)


def test_a_competitor_nobody_estimated_on_a_move_does_not_retaliate_against_it():
    s = scen(
        {"a": [est("Ann", retaliation={"x": (1, 50)})], "b": [est("Ann", gain=5)]},
        competitors=["x"],
    )
    table = expected_values(s).set_index("move_id")
    assert table.loc["b", "retaliation"] == 0 and table.loc["a", "retaliation"] == 50
    assert payoff_table(s).loc["B", "X retaliates"] == 5


def test_example_plan_simulation_within_tolerance_of_the_exact_expectation():
    for distribution in ("pert", "triangular"):
        scenarios = example_plan().scenarios.model_copy(update={"distribution": distribution})
        exact, result = expected_values(scenarios), simulate(scenarios)
        assert list(result.columns) == [
            "move_id", "move", "mean", "std_error", "p10", "p50", "p90", "prob_loss",
            "expected_gain", "expected_cooperation", "expected_retaliation", "expected_net",
        ]  # fmt: skip
        within_se(result, 1e6)
        assert (result.p10 <= result.p50).all() and (result.p50 <= result.p90).all()
        assert result.prob_loss.between(0, 1).all()
        assert np.allclose(result.expected_net, exact.net)
        assert np.allclose(exact.net, exact.gain + exact.cooperation - exact.retaliation)


amounts = st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 2))
chances = st.floats(0, 1).map(lambda v: round(v, 3))


def three(values: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(values, min_size=3, max_size=3).map(lambda v: tuple(sorted(v)))


@st.composite
def random_scenarios(draw: st.DrawFn) -> m.Scenarios:
    competitors = [f"c{k}" for k in range(draw(st.integers(0, 3)))]
    moves = {}
    for i in range(draw(st.integers(1, 3))):
        people = draw(st.integers(1, 3))
        moves[f"m{i}"] = [
            est(
                f"P{j}",
                gain=draw(three(amounts)),
                coop=(draw(three(chances)), draw(three(amounts.map(abs)))),
                retaliation={
                    c: (draw(three(chances)), draw(three(amounts.map(abs))))
                    for c in competitors
                    if draw(st.booleans())
                },
            )
            for j in range(people)
        ]
    moves["m0"][0]["retaliation"] = [
        {"competitor_id": c, "probability": r(0.5), "damage": r(1)} for c in competitors
    ]  # every competitor estimated at least once
    distribution = draw(st.sampled_from(["pert", "triangular"]))
    return scen(moves, competitors, seed=draw(st.integers(0, 2**32 - 1)), distribution=distribution)


@settings(max_examples=60, deadline=None)
@given(s=random_scenarios())
def test_simulated_means_stay_within_tolerance_of_the_exact_ones(s):
    result = simulate(s, draws=4_000)
    within_se(result, 4e6)
    assert (result.p10 <= result.p50 + 1e-9).all() and (result.p50 <= result.p90 + 1e-9).all()


# --- sampling ------------------------------------------------------------------------------


def pert_cdf_integer(k: int, x: np.ndarray) -> np.ndarray:
    """CDF of Beta(k, 6 - k) for whole k: the chance that 5 uniforms put k or more below x."""
    return sum(math.comb(5, j) * x**j * (1 - x) ** (5 - j) for j in range(k, 6))


def pert_cdf_numeric(t: float) -> tuple[np.ndarray, np.ndarray]:
    """CDF of the standard PERT with likely value t, by the trapezoid rule on a fine grid."""
    x = np.linspace(0, 1, 2_000_001)
    a, b = 1 + 4 * t, 5 - 4 * t
    density = x ** (a - 1) * (1 - x) ** (b - 1)
    cdf = np.concatenate([[0], np.cumsum((density[1:] + density[:-1]) / 2)])
    return x, cdf / cdf[-1]


def triangular_cdf(t: float, x: np.ndarray) -> np.ndarray:
    return np.where(x <= t, x**2 / max(t, 1e-300), 1 - (1 - x) ** 2 / max(1 - t, 1e-300))


@pytest.mark.parametrize("t", [0.0, 0.1, 0.25, 0.3, 0.5, 0.61, 0.75, 0.97, 1.0])
@pytest.mark.parametrize("distribution", ["pert", "triangular"])
def test_every_atom_is_the_mean_of_its_slice(distribution, t):
    atoms = sampling._tables(np.array([[0.0, t, 1.0]]), np.array([1.0]), distribution)[0].astype(
        float
    )
    if distribution == "triangular":
        cdf = triangular_cdf(t, atoms)
        mean = (1 + t) / 3
    elif t * 4 == int(t * 4):
        cdf = pert_cdf_integer(int(1 + 4 * t), atoms)
        mean = (1 + 4 * t) / 6
    else:
        grid, values = pert_cdf_numeric(t)
        cdf = np.interp(atoms, grid, values)
        mean = (1 + 4 * t) / 6
    slices = np.arange(ATOMS)
    # the mean of slice i lies in slice i: F(atom) between i / ATOMS and (i + 1) / ATOMS
    assert (cdf >= slices / ATOMS - 1e-6).all() and (cdf <= (slices + 1) / ATOMS + 1e-6).all()
    assert atoms.mean() == pytest.approx(mean, abs=1e-6)


@pytest.mark.parametrize("likely", [0.0, 0.25, 0.5, 1.0])
@pytest.mark.parametrize("distribution", ["pert", "triangular"])
def test_sampled_quantiles_follow_the_distribution(distribution, likely):
    s = scen({"a": [est("Ann", gain=(10.0, 10 + 40 * likely, 50.0))]}, distribution=distribution)
    n = 200_000
    draws = np.sort(net_draws(s, draws=n)["A"].to_numpy(dtype=float))
    x = (draws - 10) / 40
    cdf = (
        pert_cdf_integer(int(1 + 4 * likely), x)
        if distribution == "pert"
        else triangular_cdf(likely, x)
    )
    for q in (0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99):
        i = int(q * (n - 1))
        assert abs(cdf[i] - q) <= SE_TOLERANCE * math.sqrt(q * (1 - q) / n) + 1 / ATOMS
    mean = (10 + 4 * (10 + 40 * likely) + 50) / 6 if distribution == "pert" else None
    mean = (10 + 10 + 40 * likely + 50) / 3 if mean is None else mean
    assert abs(draws.mean() - mean) <= SE_TOLERANCE * draws.std() / math.sqrt(n) + FLOAT32 * 50


def test_incomplete_beta_matches_the_binomial_form():
    x = np.linspace(0.001, 0.999, 999)
    for k in range(1, 6):
        a, b = np.array([[float(k)]]), np.array([[6.0 - k]])
        value = sampling._betainc(a, b, sampling._log_beta(a, b), x)[0]
        assert np.abs(value - pert_cdf_integer(k, x)).max() < 1e-13


def test_a_range_with_low_equal_to_high_is_that_value():
    s = scen({"a": [est("Ann", gain=(7.0, 7.0, 7.0), coop=(1, (3.0, 3.0, 3.0)))]})
    assert set(np.unique(net_draws(s, draws=1_000)["A"])) == {10.0}
    row = simulate(s, draws=1_000).iloc[0]
    assert (row["mean"], row.p10, row.p90, row.std_error, row.prob_loss) == (10, 10, 10, 0, 0)


@settings(max_examples=300, deadline=None)
@given(
    x=hnp.arrays(
        np.float32,
        st.integers(1, 3000),
        elements=st.one_of(
            st.floats(-1e6, 1e6, width=32), st.sampled_from([0.0, 1.0, -2.5, 1e-30, 3e-30])
        ),
    ),
    percents=st.lists(st.floats(0, 100), min_size=1, max_size=5),
)
def test_percentile_selection_equals_numpy(x, percents):
    got = montecarlo._percentiles(x, percents, montecarlo._Scratch(x.size))
    want = np.percentile(x.astype(float), percents)
    assert np.allclose(got, want, rtol=1e-12, atol=0)


def test_simulate_summarises_exactly_the_draws_of_net_draws():
    s = example_plan().scenarios
    figures, draws = simulate(s, draws=20_000), net_draws(s, draws=20_000)
    assert draws.columns.tolist() == figures.move.tolist()
    for (_, row), (_, column) in zip(figures.iterrows(), draws.items(), strict=True):
        x = column.to_numpy(dtype=float)
        assert row["mean"] == pytest.approx(x.mean(), rel=1e-12)
        assert row.std_error == pytest.approx(x.std(ddof=1) / math.sqrt(x.size), rel=1e-5)
        percentiles = np.percentile(x, [10, 50, 90])
        assert np.allclose(row[["p10", "p50", "p90"]].tolist(), percentiles, rtol=1e-12, atol=0)
        assert row.prob_loss == (x < 0).mean()


# --- seeds ---------------------------------------------------------------------------------


def test_same_inputs_and_seed_give_identical_figures_and_other_seeds_differ():
    s = example_plan().scenarios
    first = simulate(s, draws=5_000)
    pd.testing.assert_frame_equal(first, simulate(s.model_copy(deep=True), draws=5_000))
    other = simulate(s.model_copy(update={"seed": s.seed + 1}), draws=5_000)
    assert (first["mean"] != other["mean"]).all()
    assert (first.expected_net == other.expected_net).all()


def test_a_moves_figures_do_not_change_when_other_moves_change():
    s = example_plan().scenarios
    base = simulate(s, draws=5_000).set_index("move_id")
    fewer = s.model_copy(update={"moves": list(reversed(s.moves[1:]))})
    again = simulate(fewer, draws=5_000).set_index("move_id")
    pd.testing.assert_frame_equal(again, base.loc[again.index])


# --- highlights, payoff table, best responses, least regret ----------------------------------


def hand_made() -> m.Scenarios:
    """Three moves against two competitors, single values: every figure by hand."""
    return scen(
        {
            "price": [
                est("Ann", gain=-10, coop=(0.5, 100), retaliation={"x": (0.5, 60), "y": (1, 20)})
            ],
            "bundle": [
                est("Ann", gain=20, coop=(0.5, 40), retaliation={"x": (0.25, 40), "y": (0.5, 10)})
            ],
            "wait": [est("Ann", gain=0, retaliation={"x": (0, 0), "y": (0, 0)})],
        },
        competitors=["x", "y"],
    )


def test_payoff_table_by_hand():
    table = payoff_table(hand_made())
    expected = pd.DataFrame(
        {
            "No retaliation": [40.0, 40.0, 0.0],
            "X retaliates": [-20.0, 0.0, 0.0],
            "Y retaliates": [20.0, 30.0, 0.0],
            "All retaliate": [-40.0, -10.0, 0.0],
        },
        index=pd.Index(["Price", "Bundle", "Wait"], name="move"),
    )
    pd.testing.assert_frame_equal(table, expected)


def test_best_responses_and_least_regret_by_hand_with_ties_to_the_first_listed():
    table = payoff_table(hand_made())
    best = best_responses(table)
    assert best.index.name == "response"
    # "No retaliation": Price and Bundle tie at 40, Price is listed first
    assert best.best_move.tolist() == ["Price", "Bundle", "Bundle", "Wait"]
    assert best.payoff.tolist() == [40.0, 0.0, 30.0, 0.0]
    result = least_regret(table)
    regret = pd.DataFrame(
        {
            "No retaliation": [0.0, 0.0, 40.0],
            "X retaliates": [20.0, 0.0, 0.0],
            "Y retaliates": [10.0, 0.0, 30.0],
            "All retaliate": [40.0, 10.0, 0.0],
            "Max regret": [40.0, 10.0, 40.0],
        },
        index=table.index,
    )
    pd.testing.assert_frame_equal(result.regret, regret)
    assert (result.move, result.max_regret) == ("Bundle", 10.0)
    tie = least_regret(pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]}, index=["p", "q"]))
    assert tie.move == "p" and tie.max_regret == 1.0


def test_highlights_name_the_moves_by_hand():
    s = hand_made()
    assert most_damaging_retaliation(s) == Highlight("price", "Price", 50.0, "X")
    assert greatest_cooperation(s) == Highlight("price", "Price", 50.0)
    quiet = scen({"a": [est("Ann", gain=1)]})
    assert most_damaging_retaliation(quiet) is None and greatest_cooperation(quiet) is None


def test_one_competitor_has_no_all_retaliate_column_and_names_repeat_safely():
    s = scen({"a": [est("Ann", retaliation={"x": (1, 5)})]}, competitors=["x"])
    assert payoff_table(s).columns.tolist() == ["No retaliation", "X retaliates"]
    twins = s.model_copy(update={"moves": [s.moves[0], s.moves[0].model_copy(update={"id": "b"})]})
    assert payoff_table(twins).index.tolist() == ["A (a)", "A (b)"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pd.DataFrame(), "at least one move"),
        (pd.DataFrame({"a": ["x"]}), "must be a number"),
        (pd.DataFrame({"a": [np.nan]}), "finite"),
        (pd.DataFrame({"a": [1.0, 2.0]}, index=["m", "m"]), "unique"),
    ],
)
def test_bad_payoff_tables_are_refused(table, message):
    for function in (best_responses, least_regret):
        with pytest.raises(ScenarioInputError, match=message):
            function(table)


# --- disagreement ------------------------------------------------------------------------


def test_disagreement_widest_first_with_the_extremes_named():
    s = scen(
        {
            "a": [
                est(
                    "Ann", gain=(0, 10, 20), coop=(0.5, (0, 50, 100)), retaliation={"x": (0.1, 10)}
                ),
                est(
                    "Bob",
                    gain=(20, 30, 40),
                    coop=(0.5, (50, 75, 100)),
                    retaliation={"x": (0.9, 10)},
                ),
                est("Cy", gain=(10, 20, 30), coop=(0.5, (0, 50, 100))),
            ]
        },
        competitors=["x"],
    )
    table = disagreement(s)
    assert table[["quantity", "competitor"]].values.tolist() == [
        ["retaliation_probability", "X"],  # (0.9 - 0.1) / (0.9 - 0.1) = 1
        ["gain", ""],  # (30 - 10) / (40 - 0) = 0.5
        ["cooperation_value", ""],  # (75 - 50) / (100 - 0) = 0.25
        ["cooperation_probability", ""],  # all the same: 0
        ["retaliation_damage", "X"],  # single values, all equal: 0
    ]
    assert table.spread.tolist() == [1.0, 0.5, 0.25, 0.0, 0.0]
    gain = table.iloc[1]
    assert (gain.lowest, gain.highest, gain.lowest_mean, gain.highest_mean) == (
        "Ann",
        "Bob",
        10,
        30,
    )
    assert gain.likely == {"Ann": 10, "Bob": 30, "Cy": 20} and gain.participants == 3
    assert table.iloc[0].participants == 2  # Cy gave no view on X
    assert table.iloc[3].lowest == table.iloc[3].highest == "Ann"  # ties: the first listed


def test_disagreement_needs_two_participants():
    table = disagreement(scen({"a": [est("Ann", gain=1)]}))
    assert table.empty and "spread" in table.columns


def test_example_plan_disagreement_is_sorted_and_unit_free():
    table = disagreement(example_plan().scenarios)
    assert table.spread.is_monotonic_decreasing and table.spread.between(0, 1).all()
    assert {"gain", "cooperation_probability", "retaliation_damage"} <= set(table.quantity)


# --- bad input ------------------------------------------------------------------------------

ANALYSES = [
    expected_values,
    simulate,
    net_draws,
    payoff_table,
    disagreement,
    most_damaging_retaliation,
    greatest_cooperation,
]


def constructed(field: str, value: m.Range) -> m.Scenarios:
    """A valid plan with one range replaced, as model_construct lets anyone do."""
    s = scen({"a": [est("Ann", retaliation={"x": (0.5, 10)})]}, competitors=["x"])
    estimate = s.moves[0].estimates[0]
    if field in ("probability", "damage"):
        target = estimate.retaliation[0].model_copy(update={field: value})
        estimate = estimate.model_copy(update={"retaliation": [target]})
    else:
        estimate = estimate.model_copy(update={field: value})
    return s.model_copy(update={"moves": [s.moves[0].model_copy(update={"estimates": [estimate]})]})


BAD = {
    "no moves": (scen({}), "no moves yet"),
    "no estimates": (scen({"cut": []}), "no move has a finished estimate yet"),
    "only unfinished estimates": (
        scen({"cut": [{"participant": "Ann", "gain": {"low": 10}}]}),
        "no move has a finished estimate yet",
    ),
    "unknown competitor": (
        m.Scenarios.model_construct(
            competitors=[],
            moves=[
                m.Move.model_construct(
                    id="a",
                    name="Cut",
                    estimates=[
                        m.MoveEstimate.model_validate(est("Ann", retaliation={"ghost": (0.5, 1)}))
                    ],
                )
            ],
            seed=1,
            draws=1_000,
            distribution="pert",
        ),
        "Ann's estimate for the move “Cut” names a competitor that is not in the list "
        r"\(identifier 'ghost'\)",
    ),
    "low above likely": (
        constructed("gain", m.Range.model_construct(low=5.0, likely=3.0, high=9.0)),
        r"Ann's estimate for the move “A”: the gain: low \(5\) must not be above likely \(3\)",
    ),
    "probability above one": (
        constructed(
            "cooperation_probability",
            m.ProbabilityRange.model_construct(low=0.2, likely=0.5, high=1.5),
        ),
        "the chance of cooperation: a probability must lie between 0 and 1",
    ),
    "retaliation probability below zero": (
        constructed("probability", m.ProbabilityRange.model_construct(low=-0.1, likely=0, high=0)),
        "the chance that X retaliates: a probability must lie between 0 and 1",
    ),
    "negative damage": (
        constructed("damage", m.AmountRange.model_construct(low=-1.0, likely=0, high=0)),
        "the damage if X retaliates: an amount cannot be negative",
    ),
    "not finite": (
        constructed("gain", m.Range.model_construct(low=0, likely=float("nan"), high=1)),
        "the gain: every value must be a finite number",
    ),
    "not a range": (constructed("gain", None), "the gain must be a range of three numbers"),
    "bad distribution": (
        scen({"a": [est("Ann")]}).model_copy(update={"distribution": "normal"}),
        "'pert' or 'triangular'",
    ),
    "negative seed": (scen({"a": [est("Ann")]}).model_copy(update={"seed": -1}), "random seed"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_answered_with_a_clear_message(case):
    scenarios, message = BAD[case]
    for analysis in ANALYSES:
        with pytest.raises(ScenarioInputError, match=message) as info:
            analysis(scenarios)
        assert isinstance(info.value, WorkbookError) and isinstance(info.value, ValueError)


def test_moves_without_a_finished_estimate_are_left_out_and_listed():
    done = est("Ann", gain=(10, 20, 40), coop=((0.2, 0.5, 0.6), 100), retaliation={"x": (0.5, 8)})
    typing = {"participant": "Bob", "gain": {"low": 5.0, "likely": 9.0}}  # high not typed yet
    full = scen({"a": [done, typing], "b": [], "c": [typing]}, competitors=["x"])
    alone = scen({"a": [done]}, competitors=["x"])
    for analysis in (expected_values, simulate, payoff_table, disagreement):
        pd.testing.assert_frame_equal(analysis(full), analysis(alone))
    cover = sa.estimate_coverage(full)
    assert cover.missing["move"].tolist() == ["B", "C"]
    assert cover.moves["unfinished"].tolist() == [["Bob"], [], ["Bob"]]
    assert cover.moves["finished"].tolist() == [["Ann"], [], []]
    assert cover.competitors == []


def test_an_unfinished_range_is_never_read_as_zero():
    zeros = est("Bob", gain=(0, 0, 0.8))
    unfinished = {**zeros, "gain": {"high": 0.8}}
    ann = est("Ann", gain=(100, 200, 300))
    with_zeros = expected_values(scen({"a": [ann, zeros]}))
    with_unfinished = expected_values(scen({"a": [ann, unfinished]}))
    assert with_unfinished.gain[0] == pytest.approx(200)
    assert with_zeros.gain[0] != pytest.approx(200)
    assert with_unfinished.participants[0] == 1


def test_a_competitor_nobody_estimated_is_left_out_and_listed():
    s = scen({"a": [est("Ann", retaliation={"x": (0.5, 1)})]}, competitors=["x", "y"])
    assert payoff_table(s).columns.tolist() == ["No retaliation", "X retaliates"]
    assert "retaliation: Y" not in expected_values(s).columns
    assert sa.estimate_coverage(s).competitors == ["Y"]


def test_twice_the_same_competitor_in_one_estimate_is_refused():
    s = scen({"a": [est("Ann", retaliation={"x": (0.5, 1)})]}, competitors=["x"])
    estimate = s.moves[0].estimates[0]
    twice = estimate.model_construct(**{**dict(estimate), "retaliation": estimate.retaliation * 2})
    s = s.model_copy(update={"moves": [s.moves[0].model_copy(update={"estimates": [twice]})]})
    with pytest.raises(ScenarioInputError, match="estimates the competitor “X” twice"):
        expected_values(s)


@pytest.mark.parametrize("draws", [0, 99, 10_000_001, 2.5, True])
def test_the_number_of_draws_is_checked(draws):
    with pytest.raises(ScenarioInputError, match="number of draws"):
        simulate(scen({"a": [est("Ann")]}), draws=draws)


def test_the_module_examples_run():
    assert doctest.testmod(sa, raise_on_error=False).failed == 0
