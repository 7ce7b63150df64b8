"""Inference and serving cost per month, domain.md section 5.

A month is 365/12 days and 730 hours. Every function accepts floats or numpy arrays.

Dedicated and self-hosted deployments are a staircase in volume: replicas =
ceil(peak output tokens/s / tokens/s per replica), at least one, billed every hour
whether busy or idle. Throughput counts output (decode) tokens only: decode is
memory-bandwidth-bound, while prefill of the input is compute-bound and an order of
magnitude faster per token, so it does not set the replica count.
"""

from __future__ import annotations

import numpy as np

DAYS_PER_MONTH = 365 / 12
HOURS_PER_MONTH = 730.0
SECONDS_PER_DAY = 86_400.0
BF16_BYTES = 2.0


def daily_calls_by_month(daily_calls, monthly_growth: float, months: int):
    """daily_calls(m) = daily_calls x (1 + growth)^m for m = 0..months-1 (last axis)."""
    growth = (1.0 + monthly_growth) ** np.arange(months)
    return np.asarray(daily_calls, dtype=float)[..., None] * growth


def api_daily_cost(daily_calls, input_tokens, output_tokens, input_per_1m, output_per_1m):
    return daily_calls * (input_tokens * input_per_1m + output_tokens * output_per_1m) / 1e6


def api_monthly_cost(daily_calls, input_tokens, output_tokens, input_per_1m, output_per_1m):
    """daily_calls x days x (in x $in + out x $out) / 1e6."""
    daily = api_daily_cost(daily_calls, input_tokens, output_tokens, input_per_1m, output_per_1m)
    return daily * DAYS_PER_MONTH


def peak_tokens_per_second(daily_calls, output_tokens, peak_to_average: float):
    """Output tokens/s the deployment must sustain at the busiest hour."""
    return daily_calls * output_tokens / SECONDS_PER_DAY * peak_to_average


def replica_tokens_per_second(
    bandwidth_gbs: float, gpus: int, active_params: float, batching_factor: float
) -> float:
    """Decode throughput of one replica: each step reads every active weight once, so
    one stream runs at bandwidth / weight bytes; batching shares that read."""
    weight_bytes = active_params * BF16_BYTES
    return bandwidth_gbs * 1e9 * gpus / weight_bytes * batching_factor


def replicas_needed(peak_tps, tokens_per_second_per_replica: float):
    return np.maximum(1.0, np.ceil(peak_tps / tokens_per_second_per_replica))


def dedicated_monthly_cost(replicas, per_hour):
    """Replicas x $/hour x 730: idle hours are billed."""
    return replicas * per_hour * HOURS_PER_MONTH
