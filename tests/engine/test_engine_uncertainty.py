"""Monte Carlo: seeded, deterministic, vectorised == loop, sane bands and tornado."""

from __future__ import annotations

import json

import numpy as np
import pytest

from decisions.engine import evaluate, preview
from decisions.engine.plan import resolve_plan
from decisions.engine.uncertainty import monte_carlo, monte_carlo_loop, triangular

SCENARIO = {
    "training": {"base_model": "llama-3.1-8b"},
    "inference": {"daily_calls": 30_000},
    "uncertainty": {"samples": 4000, "seed": 11},
}


def test_the_same_seed_gives_byte_identical_results(book, scenario_of):
    s = scenario_of(SCENARIO)
    first = json.dumps(evaluate(s, book), sort_keys=True)
    assert first == json.dumps(evaluate(s, book), sort_keys=True)


def test_different_seeds_move_the_median_payback_by_little(book, scenario_of):
    medians = []
    for seed in (1, 2, 3):
        data = {**SCENARIO, "uncertainty": {"samples": 10_000, "seed": seed}}
        medians.append(evaluate(scenario_of(data), book)["uncertainty"]["payback_months"]["p50"])
    assert max(medians) - min(medians) < 0.05 * min(medians)


def test_vectorised_and_loop_agree_on_the_same_draws(book, scenario_of):
    s = scenario_of({**SCENARIO, "inference": {"serving": "dedicated", "monthly_growth": 0.03}})
    plan = resolve_plan(s, book)
    vectorised, loop = monte_carlo(plan, 300, 5), monte_carlo_loop(plan, 300, 5)
    assert vectorised["payback_histogram"] == loop["payback_histogram"]
    for key in ("probability_payback_within_refresh", "probability_payback_within_horizon"):
        assert vectorised[key] == loop[key]
    for band in ("p10", "p50", "p90"):
        assert vectorised["payback_months"][band] == pytest.approx(loop["payback_months"][band])
        np.testing.assert_allclose(
            vectorised[f"finetuned_cumulative_{band}"], loop[f"finetuned_cumulative_{band}"]
        )


def test_bands_bracket_the_median_and_probabilities_are_fractions(book, scenario_of):
    result = evaluate(scenario_of(SCENARIO), book)
    u, curves = result["uncertainty"], result["curves"]
    p = u["payback_months"]
    assert p["p10"] <= p["p50"] <= p["p90"]
    assert 0 <= u["probability_payback_within_refresh"] <= u["probability_payback_within_horizon"]
    assert u["probability_payback_within_horizon"] <= 1
    assert all(
        lo <= mid <= hi
        for lo, mid, hi in zip(curves["finetuned_cumulative_p10"],
                               curves["finetuned_cumulative_p50"],
                               curves["finetuned_cumulative_p90"], strict=True)
    )  # fmt: skip
    histogram = u["payback_histogram"]
    assert len(histogram["edges"]) == len(histogram["counts"]) + 1
    assert sum(histogram["counts"]) + histogram["beyond_horizon"] == u["samples"]


def test_a_never_paying_scenario_reports_null_percentiles(book, scenario_of):
    data = {**SCENARIO, "inference": {"daily_calls": 10, "serving": "dedicated"}}
    u = evaluate(scenario_of(data), book)["uncertainty"]
    assert u["payback_months"] == {"p10": None, "p50": None, "p90": None}
    assert u["probability_payback_within_horizon"] == 0
    assert u["payback_histogram"]["never"] == u["samples"]


def test_the_tornado_is_sorted_by_swing_and_names_every_input(book, scenario_of):
    tornado = evaluate(scenario_of(SCENARIO), book)["uncertainty"]["tornado"]
    assert {row["input"] for row in tornado} >= {"daily_calls", "mfu", "data_prep_share"}
    swings = [abs(r["high"] - r["low"]) for r in tornado]
    assert swings == sorted(swings, reverse=True)
    calls = next(r for r in tornado if r["input"] == "daily_calls")
    assert calls["high"] < calls["low"]  # more volume, faster payback


def test_preview_has_no_monte_carlo(book, scenario_of):
    result = preview(scenario_of(SCENARIO), book)
    assert result["uncertainty"] is None
    assert result["curves"]["finetuned_cumulative_p10"] is None


@pytest.mark.parametrize(("low", "mode", "high"), [(0, 0.5, 1), (2, 2, 5), (1, 3, 3), (4, 4, 4)])
def test_triangular_draws_stay_in_range_and_centre_on_the_mean(low, mode, high):
    draws = triangular(np.random.default_rng(0).random(50_000), low, mode, high)
    assert draws.min() >= low and draws.max() <= high
    assert draws.mean() == pytest.approx((low + mode + high) / 3, abs=0.02)
