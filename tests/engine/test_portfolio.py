"""Adapter portfolios: adapters on one deployment vs merged models vs the API.

The test book's cheapest dedicated hosting that holds an 8B model is Fireworks'
1 x A100-80GB at $2.90/hour; a month is 730 hours. Values are computed by hand here.
"""

from __future__ import annotations

import pytest

from decisions.engine import parse_scenario
from decisions.engine.portfolio import PortfolioError, evaluate_portfolio

HOUR_PRICE = 2.90
REPLICA_MONTH = HOUR_PRICE * 730  # $2,117.00
# A100: 2,039 GB/s / (8.03e9 x 2 bytes) x batching 8 = 1,015.69 output tokens/s
REPLICA_TPS = 2039e9 / (8.03e9 * 2) * 8


def scenarios(book, *changes: dict) -> list[tuple[str, object]]:
    out = []
    for i, change in enumerate(changes):
        data = {"training": {"base_model": "llama-3.1-8b"}, **change}
        out.append((f"task {i + 1}", parse_scenario(data, book)))
    return out


def test_three_scenarios_on_one_8b_base_are_cheaper_as_adapters(book):
    result = evaluate_portfolio(scenarios(book, {}, {}, {}), book)
    adapters, merged, api = (result["options"][k] for k in ("adapters", "merged", "api"))
    # Each task peaks at 10,000 x 200 / 86,400 x 3 = 69.4 tokens/s; together 208.3 tokens/s,
    # well within one shared replica at 90% of 1,015.7 tokens/s.
    assert result["scenarios"][0]["peak_tokens_per_second"] == pytest.approx(69.44, abs=0.01)
    assert adapters["replicas"] == 1 and merged["replicas"] == 3
    assert adapters["hosting_monthly"] == pytest.approx(REPLICA_MONTH)  # 2,117.00
    assert merged["hosting_monthly"] == pytest.approx(3 * REPLICA_MONTH)  # 6,351.00
    # Same training for both (one adapter per task); hosting differs by 2 replicas x 24 months.
    assert adapters["upfront"] == merged["upfront"]
    assert merged["total"] - adapters["total"] == pytest.approx(2 * REPLICA_MONTH * 24, abs=0.05)
    # The API: 3 x 10,000 calls x 365/12 days x (800 x 2.50 + 200 x 10.00) / 1e6 per month.
    assert api["monthly"] == pytest.approx(3 * 10_000 * 365 / 12 * 4000 / 1e6, abs=0.01)
    assert result["recommendation"]["deployment"] == "adapters"
    assert "$2,117.00/month against $6,351.00" in result["recommendation"]["reason"]
    assert result["shared_deployment"]["tokens_per_second_per_replica"] == pytest.approx(
        REPLICA_TPS * 0.9, abs=0.1
    )
    assert len(adapters["cumulative"]) == 25


@pytest.mark.parametrize(
    ("changes", "options", "reason"),
    [
        # isolation: regulated data in one scenario
        (({}, {"constraints": {"regulated_data": True}}, {}), {}, "isolation: task 2"),
        # one scenario carries 1e6 / (1e6 + 2 x 1e4) = 98% of the traffic
        (({"inference": {"daily_calls": 1_000_000}}, {}, {}), {}, "volume: task 1 carries 98%"),
        # latency: 200 tokens at one stream's 1,015.7 / 8 = 126.96 tokens/s = 1.575 s merged,
        # 1.75 s with the 10% adapter overhead; a 1.6 s target breaks only with adapters
        (({}, {}, {}), {"latency_target_seconds": 1.6}, "latency: with adapters task 1, task 2"),
    ],
)
def test_a_stated_reason_recommends_merging(book, changes, options, reason):
    result = evaluate_portfolio(scenarios(book, *changes), book, **options)
    assert result["recommendation"]["deployment"] == "merged"
    assert reason in result["recommendation"]["reason"]


def test_a_loose_latency_target_keeps_adapters(book):
    result = evaluate_portfolio(scenarios(book, {}, {}), book, latency_target_seconds=2.0)
    assert result["recommendation"]["deployment"] == "adapters"
    assert result["scenarios"][0]["request_seconds"] == pytest.approx(200 / (REPLICA_TPS / 8), 1e-3)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (({},), "at least 2"),
        (({}, {"training": {"base_model": "mistral-7b"}}), "share one base model"),
    ],
)
def test_a_portfolio_needs_several_scenarios_on_one_base(book, changes, message):
    with pytest.raises(PortfolioError, match=message):
        evaluate_portfolio(scenarios(book, *changes), book)
