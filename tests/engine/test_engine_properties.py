"""Properties that hold for every valid input (hypothesis)."""

from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from decisions.engine import ScenarioError, evaluate, parse_scenario, preview

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODELS = ["llama-2-7b", "llama-3.1-8b", "llama-3.1-70b", "mistral-7b", "qwen3-8b",
          "gemma-3-27b"]  # fmt: skip


def _payback(result) -> float:
    return math.inf if result["payback_months"] is None else result["payback_months"]


@FAST
@given(
    model=st.sampled_from(MODELS),
    calls=st.floats(0, 1e6),
    more=st.floats(0, 1e6),
    tokens_in=st.integers(0, 5000),
    tokens_out=st.integers(1, 2000),
)
def test_more_daily_calls_never_lengthen_payback(book, model, calls, more, tokens_in, tokens_out):
    # serverless serving: the fine-tuned cost is per token (dedicated hosting is a
    # staircase, where one more replica can lengthen payback: that is real)
    def payback(daily_calls):
        data = {"training": {"base_model": model},
                "inference": {"daily_calls": daily_calls, "input_tokens_per_call": tokens_in,
                              "output_tokens_per_call": tokens_out}}  # fmt: skip
        return preview(parse_scenario(data, book), book)["payback_months"]

    low, high = payback(calls), payback(calls + more)
    low = math.inf if low is None else low
    high = math.inf if high is None else high
    assert high <= low


@FAST
@given(
    serving=st.sampled_from(["serverless", "dedicated", "self_hosted"]),
    calls=st.floats(1, 1e6),
    factor=st.floats(1.0, 10.0),
)
def test_a_higher_baseline_price_never_lengthens_payback(book, serving, calls, factor):
    data = {"training": {"base_model": "llama-3.1-8b"},
            "inference": {"daily_calls": calls, "serving": serving}}  # fmt: skip

    def payback(multiplier):
        rows = tuple(
            replace(r, input_per_1m=r.input_per_1m * multiplier,
                    output_per_1m=r.output_per_1m * multiplier)
            if r.provider == "openai" and r.model == "gpt-4o" and not r.fine_tuned else r
            for r in book.inference
        )  # fmt: skip
        priced = replace(book, inference=rows)
        return _payback(preview(parse_scenario(data, priced), priced))

    assert payback(factor) <= payback(1.0)


@FAST
@given(
    model=st.sampled_from(MODELS),
    method=st.sampled_from(["lora", "qlora", "full"]),
    platform=st.sampled_from(["managed", "self_hosted", "on_prem"]),
    epochs=st.integers(1, 10),
    extra=st.integers(0, 10),
    examples=st.integers(0, 200_000),
)
def test_more_epochs_never_lower_training_cost(book, model, method, platform, epochs, extra,
                                               examples):  # fmt: skip
    def cost(n):
        data = {"training": {"base_model": model, "method": method, "platform": platform,
                             "epochs": n, "gpu": "h100-80gb", "batch_size": 1},
                "data": {"train_examples": examples}}  # fmt: skip
        try:
            scenario = parse_scenario(data, book)
        except ScenarioError:  # e.g. 70B full fine-tuning beyond 64 GPUs at batch 1
            assume(False)
        return preview(scenario, book)["training"]["cost"]

    assert cost(epochs + extra) >= cost(epochs)


valid_scenarios = st.fixed_dictionaries(
    {
        "horizon_months": st.integers(1, 60),
        "use_case": st.sampled_from(["behavior", "task", "format", "knowledge"]),
        "data": st.fixed_dictionaries({
            "train_examples": st.integers(0, 1_000_000),
            "validation_examples": st.integers(0, 10_000),
            "avg_tokens_per_example": st.integers(1, 8000),
            "eval_set_examples": st.integers(0, 500),
            "quality": st.sampled_from(["clean", "mixed", "noisy", "unknown"]),
        }),
        "training": st.fixed_dictionaries({
            "base_model": st.sampled_from(MODELS),
            "method": st.sampled_from(["lora", "qlora", "full"]),
            "epochs": st.integers(1, 10),
            "platform": st.sampled_from(["managed", "self_hosted", "on_prem"]),
            "gpu": st.just("h100-80gb"),
            "batch_size": st.just(1),
            "mfu": st.floats(0.05, 1.0),
        }),
        "inference": st.fixed_dictionaries({
            "daily_calls": st.floats(0, 1e7),
            "input_tokens_per_call": st.integers(0, 20_000),
            "output_tokens_per_call": st.integers(0, 4_000),
            "monthly_growth": st.floats(-0.5, 0.5),
            "serving": st.sampled_from(["serverless", "dedicated", "self_hosted"]),
        }),
        "costs": st.fixed_dictionaries({
            "engineering_hours": st.floats(0, 2000),
            "hourly_rate": st.floats(0, 500),
            "data_prep_share": st.floats(0, 0.95),
            "maintenance_hours_per_month": st.floats(0, 100),
        }),
        "velocity": st.fixed_dictionaries({"refresh_months": st.integers(1, 24)}),
        "uncertainty": st.fixed_dictionaries({"samples": st.just(100),
                                              "seed": st.integers(0, 2**32 - 1)}),
    }
)  # fmt: skip


def _numbers(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _numbers(v, f"{path}.{i}")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield path, value


COSTS = ("upfront_cost", "refresh_cost", "training.cost", "monthly.baseline",
         "monthly.finetuned", "monthly_breakdown", "curves", "upfront_breakdown")  # fmt: skip


@FAST
@given(data=valid_scenarios)
def test_no_nan_and_no_negative_cost_for_any_valid_input(book, data):
    # what the catalog cannot place (e.g. no hosting row holds a 70B model) is reported
    # by parse_scenario, on a training or inference field
    try:
        scenario = parse_scenario(data, book)
    except ScenarioError as e:
        assert all(err["field"].startswith(("training.", "inference.")) for err in e.errors)
        return
    result = evaluate(scenario, book)
    for path, number in _numbers(result):
        assert math.isfinite(number), path
        if path.lstrip(".").startswith(COSTS):
            assert number >= 0, (path, number)
