"""Monte Carlo over the uncertain inputs, and the one-at-a-time tornado (section 7).

Every uncertain input is triangular(low, mode, high) around the scenario's value; the
ranges and their defaults are in `scenario.UNCERTAIN_INPUTS`. The draws are one
`(inputs, samples)` block of uniforms from `np.random.default_rng(seed)`, turned into
triangular values by the inverse CDF, so the same seed gives the same numbers on every
machine and the loop reference can replay exactly the same draws.

`monte_carlo` is vectorised end to end; `monte_carlo_loop` computes the same thing one
sample at a time in plain Python. The loop exists only so a test can check that the two
agree and the benchmark can measure the speed-up; nothing else calls it.

A payback that never happens is +inf in the samples: it counts as "not within" for
the probabilities and a percentile that lands on it is reported as null. The chart gets
a histogram binned here, never raw samples.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from decisions.engine.economics import (
    Drivers,
    drivers_at_mode,
    finetuned_cumulative,
    outcome,
)
from decisions.engine.plan import Plan
from decisions.engine.scenario import UNCERTAIN_INPUTS, Scenario, uncertain_range

PERCENTILES = (10, 50, 90)
HISTOGRAM_BINS = 24
# The cumulative-cost bands are a chart: they use the first 20,000 samples, whose P10/P90
# sampling error (~0.3% of the band) is far below what a chart shows. Payback percentiles,
# probabilities and the histogram use every sample.
CURVE_BAND_SAMPLES = 20_000


def triangular(u, low, mode, high):
    """Inverse CDF of triangular(low, mode, high) at uniforms u (degenerate-safe)."""
    u = np.asarray(u, dtype=float)
    width = high - low
    if width <= 0:
        return np.full_like(u, low)
    split = (mode - low) / width
    rising = low + np.sqrt(u * width * (mode - low))
    falling = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(u < split, rising, falling)


def draw_uniforms(seed: int, samples: int) -> np.ndarray:
    """One row of uniforms per uncertain input, in UNCERTAIN_INPUTS order."""
    return np.random.default_rng(seed).random((len(UNCERTAIN_INPUTS), samples))


def sample_drivers(scenario: Scenario, uniforms: np.ndarray) -> Drivers:
    values = {
        spec.name: triangular(uniforms[i], *uncertain_range(scenario, spec))
        for i, spec in enumerate(UNCERTAIN_INPUTS)
    }
    return Drivers(**values)


def monte_carlo(plan: Plan, samples: int, seed: int) -> dict[str, Any]:
    """Vectorised: every sample of every quantity is computed in one numpy pass."""
    drivers = sample_drivers(plan.scenario, draw_uniforms(seed, samples))
    payback = outcome(plan, drivers, months=1).payback
    head = Drivers(**{k: v[:CURVE_BAND_SAMPLES] for k, v in drivers.__dict__.items()})
    curves = finetuned_cumulative(outcome(plan, head), plan.scenario.velocity.refresh_months)
    return summarise(plan, payback, curves, samples, seed)


def monte_carlo_loop(plan: Plan, samples: int, seed: int) -> dict[str, Any]:
    """Reference implementation: the same draws and formulas, one sample at a time."""
    drivers = sample_drivers(plan.scenario, draw_uniforms(seed, samples))
    columns = drivers.__dict__
    payback = np.empty(samples)
    curves = np.empty((min(samples, CURVE_BAND_SAMPLES), plan.scenario.horizon_months + 1))
    for i in range(samples):
        one = Drivers(**{name: float(values[i]) for name, values in columns.items()})
        o = outcome(plan, one)
        payback[i] = o.payback
        if i < CURVE_BAND_SAMPLES:
            curves[i] = finetuned_cumulative(o, plan.scenario.velocity.refresh_months)
    return summarise(plan, payback, curves, samples, seed)


def percentiles(values: np.ndarray) -> list[float]:
    """P10/P50/P90 taken from the samples themselves (no interpolation across +inf)."""
    return [float(v) for v in np.percentile(values, PERCENTILES, method="inverted_cdf")]


def summarise(
    plan: Plan, payback: np.ndarray, curves: np.ndarray, samples: int, seed: int
) -> dict[str, Any]:
    s = plan.scenario
    horizon = s.horizon_months
    p10, p50, p90 = percentiles(payback)
    bands = np.percentile(curves, PERCENTILES, axis=0)
    edges = np.linspace(0.0, horizon, HISTOGRAM_BINS + 1)
    counts, _ = np.histogram(payback[payback <= horizon], bins=edges)
    return {
        "samples": samples,
        "seed": seed,
        "payback_months": {"p10": p10, "p50": p50, "p90": p90},
        "probability_payback_within_refresh": float(np.mean(payback <= s.velocity.refresh_months)),
        # payback as defined in economics (upfront / month-0 savings), not the curves
        "probability_payback_within_horizon": float(np.mean(payback <= horizon)),
        "payback_histogram": {
            "edges": edges.tolist(),
            "counts": [int(c) for c in counts],
            "beyond_horizon": int(np.sum(payback > horizon)),
            "never": int(np.sum(np.isinf(payback))),
        },
        "finetuned_cumulative_p10": bands[0].tolist(),
        "finetuned_cumulative_p50": bands[1].tolist(),
        "finetuned_cumulative_p90": bands[2].tolist(),
    }


def tornado(plan: Plan) -> list[dict[str, Any]]:
    """Payback months with one input at its low, then high, value, the rest at mode.

    `low`/`high` are the payback months (null: never pays back). Rows are sorted by the
    swing between them, with "never" and anything beyond the horizon counted as the
    horizon so that every row has a finite length.
    """
    s = plan.scenario
    mode = drivers_at_mode(s).__dict__
    ranges = [uncertain_range(s, spec) for spec in UNCERTAIN_INPUTS]
    rows = 2 * len(UNCERTAIN_INPUTS)
    columns = {name: np.full(rows, value, dtype=float) for name, value in mode.items()}
    for i, (spec, (low, _, high)) in enumerate(zip(UNCERTAIN_INPUTS, ranges, strict=True)):
        columns[spec.name][2 * i] = low
        columns[spec.name][2 * i + 1] = high
    payback = outcome(plan, Drivers(**columns), months=1).payback
    capped = np.minimum(payback, s.horizon_months)
    result = []
    for i, (spec, (low, _, high)) in enumerate(zip(UNCERTAIN_INPUTS, ranges, strict=True)):
        result.append(
            {
                "input": spec.name,
                "low": _finite_or_none(payback[2 * i]),
                "high": _finite_or_none(payback[2 * i + 1]),
                "low_value": low,
                "high_value": high,
                "swing": float(abs(capped[2 * i + 1] - capped[2 * i])),
            }
        )
    result.sort(key=lambda r: (-r["swing"], r["input"]))
    return result


def _finite_or_none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None
