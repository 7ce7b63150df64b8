"""Worked examples W1-W10 of domain.md section 9.

Expected values are written from the spec, never computed by the code under test. A
`(low, high)` tuple means "within this band"; a number means equal to the cent or unit.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest

from decisions.engine import evaluate, parse_scenario, preview
from decisions.engine.economics import payback_months
from decisions.engine.memory import (
    gpus_needed,
    kv_cache_bytes,
    lora_trainable_params,
    training_memory,
)
from decisions.engine.pricebook import TrainingPrice
from decisions.engine.scenario import Training
from decisions.engine.serving import api_daily_cost, api_monthly_cost
from decisions.engine.training import (
    billed_tokens,
    managed_training_cost,
    self_hosted_training_cost,
    training_flops,
    wall_hours,
)

W5_CONFIG = Training(
    base_model="llama-2-7b", sequence_length=2048, batch_size=1, gradient_checkpointing=True
)


def w1_payback(book):
    return payback_months(8000, 500)


def w2_billed_tokens(book):
    # 10M dataset tokens x 3 epochs: 10,000 examples of 1,000 tokens, no validation set.
    return billed_tokens(10_000, 0, 1_000, 3)


def w2_cost(book):
    return managed_training_cost(w2_billed_tokens(book), 1.45)


def w2_cost_through_evaluate(book):
    row = TrainingPrice("together", "lora", 1.45, "https://www.together.ai/pricing",
                        date(2024, 9, 1), min_params_b=69, max_params_b=100)  # fmt: skip
    changed = replace(book, training=(row,))
    s = parse_scenario(_70b_job(platform="managed"), changed)
    return preview(s, changed)["training"]["cost"]


def _70b_job(**training):
    return {
        "data": {"train_examples": 10_000, "avg_tokens_per_example": 1_000,
                 "validation_examples": 0},
        "training": {"base_model": "llama-3.1-70b", "method": "lora", "epochs": 3, **training},
    }  # fmt: skip


def w3_cluster_hours(book):
    flops = training_flops(book.models["llama-3.1-70b"].active_params, 30e6, "lora")
    return wall_hours(flops, 8, 312, 0.35)


def w3_cost_at(book, cluster_per_hour):
    # setup hours 0: the seed's figure is the job's compute time only
    return self_hosted_training_cost(w3_cluster_hours(book), 0, 8, cluster_per_hour / 8)


def w3_hours_through_evaluate(book):
    job = _70b_job(platform="self_hosted", gpu="a100-80gb", gpus=8, mfu=0.35, setup_hours=0)
    return preview(parse_scenario(job, book), book)["training"]["wall_hours"]


def _w4_result(book):
    job = {
        "data": {"train_examples": 50_000, "avg_tokens_per_example": 1_000,
                 "validation_examples": 0},
        "training": {"base_model": "llama-2-7b", "method": "lora", "epochs": 1,
                     "provider": "together", "gpu": "h100-80gb", "setup_hours": 0},
    }  # fmt: skip
    return preview(parse_scenario(job, book), book)


def w4_managed_cost(book):
    return _w4_result(book)["training_alternatives"]["managed"]["cost"]


def w4_h100_compute_cost(book):
    alt = _w4_result(book)["training_alternatives"]["self_hosted"]
    assert alt["gpu"] == "h100-80gb" and alt["gpus"] == 1 and alt["per_gpu_hour"] == 1.49
    return alt["cost"]


def w5(book, method):
    return training_memory(book.models["llama-2-7b"], method, W5_CONFIG).expected


def w6_trainable(book):
    return lora_trainable_params(book.models["llama-2-7b"], 8, "qv")


def w7_gpus(book):
    config = replace(W5_CONFIG, base_model="llama-3.1-70b")
    return gpus_needed(training_memory(book.models["llama-3.1-70b"], "qlora", config), 80, 8)


def w8_kv_bytes(book):
    return kv_cache_bytes(book.models["llama-2-7b"], context=2048, batch=1, bytes_per_value=2)


def w9_result(book):
    scenario = {
        # 822 calls/day x 1,000 tokens on gpt-4o is ~$100/month of API spend
        "inference": {"daily_calls": 822},
        "costs": {"engineering_hours": 50, "hourly_rate": 100, "data_prep_share": 0,
                  "evaluation_hours": 0},
        "training": {"base_model": "llama-3.1-8b"},
    }  # fmt: skip
    result = evaluate(parse_scenario(scenario, book), book, samples=200)
    assert abs(result["monthly"]["baseline"] - 100) < 0.5
    assert 5_000 <= result["upfront_cost"] < 5_010
    return math.inf if result["payback_months"] is None else result["payback_months"]


def w10_daily(book):
    return api_daily_cost(10_000, 800, 200, 2.50, 10.00)


def w10_monthly(book):
    return api_monthly_cost(10_000, 800, 200, 2.50, 10.00)


def w10_through_evaluate(book):
    s = parse_scenario({"training": {"base_model": "llama-3.1-8b"}}, book)  # gpt-4o baseline
    return preview(s, book)["monthly"]["baseline"]


WORKED_EXAMPLES = [
    ("W1 payback", w1_payback, 16.0),
    ("W2 billed tokens", w2_billed_tokens, 30_000_000),
    ("W2 managed cost", w2_cost, 43.50),
    ("W2 through evaluate", w2_cost_through_evaluate, 43.50),
    ("W3 cluster hours", w3_cluster_hours, (2, 4)),
    ("W3 cost at $13/hour", lambda book: w3_cost_at(book, 13), (26, 88)),
    ("W3 cost at $22/hour", lambda book: w3_cost_at(book, 22), (26, 88)),
    ("W3 through evaluate", w3_hours_through_evaluate, (2, 4)),
    ("W4 managed at $0.48", w4_managed_cost, 24.00),
    ("W4 one H100 costs less", w4_h100_compute_cost, (0, 24.00)),
    ("W5 full", lambda book: w5(book, "full"), (60, math.inf)),
    ("W5 lora", lambda book: w5(book, "lora"), (16, 24)),
    ("W5 qlora", lambda book: w5(book, "qlora"), (6, 12)),
    ("W6 trainable", w6_trainable, 4_194_304),
    ("W7 70B QLoRA GPUs", w7_gpus, 1),
    ("W8 KV cache bytes", w8_kv_bytes, 1_073_741_824),
    ("W8 KV cache GB", lambda book: round(w8_kv_bytes(book) / 1e9, 2), 1.07),
    ("W9 payback", w9_result, (50, math.inf)),
    ("W10 per day", w10_daily, 40.00),
    ("W10 per month", w10_monthly, 1_216.67),
    ("W10 through evaluate", w10_through_evaluate, 1_216.67),
]


@pytest.mark.parametrize(("case", "compute", "expected"), WORKED_EXAMPLES,
                         ids=[w[0] for w in WORKED_EXAMPLES])  # fmt: skip
def test_it_reproduces_the_worked_example(book, case, compute, expected):
    actual = compute(book)
    if isinstance(expected, tuple):
        low, high = expected
        assert low <= actual <= high, f"{case}: {actual} not in [{low}, {high}]"
    elif isinstance(expected, int) and not isinstance(expected, bool):
        assert actual == expected, f"{case}: {actual} != {expected}"
    else:
        assert round(float(actual), 2) == expected, f"{case}: {actual} != {expected}"
