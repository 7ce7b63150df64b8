"""Upfront, monthly, payback, cumulative curves, NPV and break-even volume (section 6).

`outcome(plan, drivers)` is the whole cost model in one place. Drivers are the uncertain
inputs; each is a float (the deterministic result, the tornado, the loop reference) or a
numpy array of samples (the vectorised Monte Carlo) and the same code serves both.
Arrays carry samples on the first axis and months on the last.

Timing conventions:
- month m = 0..H-1 is a month of service; `C(t)` is the cumulative cost after t months,
  so curves have H + 1 points and `C_ft(0)` is the upfront cost;
- a refresh happens at the start of months R, 2R, ... < H: it is in `C_ft(t)` from
  t = kR + 1, so a refresh that would only serve beyond the horizon is not charged;
- payback = upfront / month-0 savings (the seed's formula; growth shows in the curves);
- NPV discounts the flow of month m at the end of that month, at the monthly rate
  (1 + annual)^(1/12) - 1; the upfront cost is at t = 0.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TypeAlias

import numpy as np

from decisions.engine.plan import Plan
from decisions.engine.scenario import (
    MAX_DAILY_CALLS,
    UNCERTAIN_INPUT_NAMES,
    Scenario,
    uncertain_mode,
)
from decisions.engine.serving import (
    api_monthly_cost,
    daily_calls_by_month,
    dedicated_monthly_cost,
    peak_tokens_per_second,
    replicas_needed,
)
from decisions.engine.training import (
    engineering_cost,
    managed_training_cost,
    refresh_cost,
    self_hosted_training_cost,
    upfront_cost,
    wall_hours,
)

# A float for one evaluation, an array of samples for the Monte Carlo.
Value: TypeAlias = float | np.ndarray


@dataclass(frozen=True)
class Drivers:
    """The uncertain inputs (names as in scenario.UNCERTAIN_INPUTS); prices are multipliers."""

    daily_calls: Value
    input_tokens_per_call: Value
    output_tokens_per_call: Value
    baseline_price: Value
    finetuned_price: Value
    hosting_price: Value
    training_price: Value
    mfu: Value
    data_prep_share: Value
    engineering_hours: Value


# The Monte Carlo builds Drivers from scenario.UNCERTAIN_INPUTS by name: keep them in step.
assert tuple(f.name for f in fields(Drivers)) == UNCERTAIN_INPUT_NAMES


def drivers_at_mode(scenario: Scenario) -> Drivers:
    return Drivers(**{name: uncertain_mode(scenario, name) for name in UNCERTAIN_INPUT_NAMES})


@dataclass(frozen=True)
class Outcome:
    training: Value
    evaluation: float
    engineering: Value
    upfront: Value
    refresh: Value
    baseline_monthly: np.ndarray  # (..., H)
    finetuned_inference: np.ndarray  # (..., H)
    hosting: np.ndarray  # (..., H)
    maintenance: float  # per month

    @property
    def finetuned_monthly(self) -> np.ndarray:
        return self.finetuned_inference + self.hosting + self.maintenance

    @property
    def savings(self):
        """Month-0 savings: baseline - (inference + hosting + maintenance)."""
        return self.baseline_monthly[..., 0] - self.finetuned_monthly[..., 0]

    @property
    def payback(self):
        return payback_months(self.upfront, self.savings)


def training_cost(plan: Plan, d: Drivers):
    """Cost of one training run on the scenario's platform."""
    t = plan.training
    if t.platform == "managed":
        row = t.managed.row
        return managed_training_cost(
            t.billed_tokens, row.price_per_1m * d.training_price, row.min_charge
        )
    sh = t.self_hosted
    hours = wall_hours(t.flops, sh.gpus, sh.gpu.bf16_tflops, d.mfu, sh.slowdown)
    per_gpu_hour = sh.rental.on_demand_per_hour * d.training_price
    return self_hosted_training_cost(hours, sh.setup_hours, sh.gpus, per_gpu_hour)


def monthly_finetuned_inference(plan: Plan, d: Drivers, calls: np.ndarray) -> np.ndarray:
    """Per-token fine-tuned inference (serverless only; dedicated pays by the hour)."""
    if plan.serving.kind != "serverless":
        return np.zeros_like(calls)
    row = plan.serving.price
    return api_monthly_cost(
        calls,
        _col(d.input_tokens_per_call),
        _col(d.output_tokens_per_call),
        row.input_per_1m * _col(d.finetuned_price),
        row.output_per_1m * _col(d.finetuned_price),
    )


def monthly_hosting(plan: Plan, d: Drivers, calls: np.ndarray) -> np.ndarray:
    """Dedicated or self-hosted replicas, billed every hour: a staircase in volume."""
    sp = plan.serving
    if sp.kind == "serverless":
        return np.zeros_like(calls)
    peak = peak_tokens_per_second(
        calls, _col(d.output_tokens_per_call), plan.scenario.inference.peak_to_average
    )
    replicas = replicas_needed(peak, sp.tokens_per_second_per_replica)
    return dedicated_monthly_cost(replicas, sp.replica_per_hour * _col(d.hosting_price))


def monthly_baseline(plan: Plan, d: Drivers, calls: np.ndarray) -> np.ndarray:
    row = plan.baseline
    return api_monthly_cost(
        calls,
        _col(d.input_tokens_per_call),
        _col(d.output_tokens_per_call),
        row.input_per_1m * _col(d.baseline_price),
        row.output_per_1m * _col(d.baseline_price),
    )


def outcome(plan: Plan, d: Drivers, months: int | None = None) -> Outcome:
    """Every money quantity of the scenario for the given drivers, over `months` months."""
    s = plan.scenario
    months = s.horizon_months if months is None else months
    calls = daily_calls_by_month(d.daily_calls, s.inference.monthly_growth, months)
    training = training_cost(plan, d)
    evaluation = engineering_cost(s.costs.evaluation_hours, s.costs.hourly_rate)
    engineering = engineering_cost(d.engineering_hours, s.costs.hourly_rate)
    upfront = upfront_cost(training, evaluation, engineering, d.data_prep_share)
    direct = training + evaluation + engineering
    return Outcome(
        training=training,
        evaluation=evaluation,
        engineering=engineering,
        upfront=upfront,
        refresh=refresh_cost(training, evaluation, upfront, direct, s.velocity.refresh_prep_share),
        baseline_monthly=monthly_baseline(plan, d, calls),
        finetuned_inference=monthly_finetuned_inference(plan, d, calls),
        hosting=monthly_hosting(plan, d, calls),
        maintenance=engineering_cost(s.costs.maintenance_hours_per_month, s.costs.hourly_rate),
    )


def _col(x):
    """A driver as a column against the month axis (a float stays a float)."""
    return np.asarray(x, dtype=float)[..., None] if np.ndim(x) else x


def payback_months(upfront, monthly_savings):
    """upfront / monthly savings; +inf (never) when savings <= 0.

    Savings of a fraction of a cent overflow to +inf too, which the result shows as
    "never" (null): the right reading of a payback of 10^300 months.
    """
    upfront = np.asarray(upfront, dtype=float)
    savings = np.asarray(monthly_savings, dtype=float)
    never = np.full(np.broadcast(upfront, savings).shape, np.inf)
    with np.errstate(over="ignore"):
        out = np.divide(upfront, savings, out=never, where=savings > 0)
    return out if out.ndim else float(out)


def refresh_months_mask(horizon: int, refresh_months: int) -> np.ndarray:
    """1.0 at months R, 2R, ... < horizon (the months that start with a refresh)."""
    m = np.arange(horizon)
    return ((m > 0) & (m % refresh_months == 0)).astype(float)


def baseline_cumulative(baseline_monthly: np.ndarray) -> np.ndarray:
    """C_api(t) for t = 0..H."""
    zero = np.zeros(baseline_monthly.shape[:-1] + (1,))
    return np.concatenate([zero, np.cumsum(baseline_monthly, axis=-1)], axis=-1)


def finetuned_cumulative(o: Outcome, refresh_months: int) -> np.ndarray:
    """C_ft(t) = upfront + monthly fine-tuned costs + refreshes, t = 0..H."""
    monthly = o.finetuned_monthly
    flows = monthly + _col(o.refresh) * refresh_months_mask(monthly.shape[-1], refresh_months)
    upfront = _col(o.upfront)
    start = np.zeros(monthly.shape[:-1] + (1,)) + upfront
    return np.concatenate([start, upfront + np.cumsum(flows, axis=-1)], axis=-1)


def breakeven_month(c_api: np.ndarray, c_ft: np.ndarray) -> int | None:
    """First t with C_ft(t) <= C_api(t); None if never within the horizon."""
    hits = np.flatnonzero(c_ft <= c_api)
    return int(hits[0]) if hits.size else None


def monthly_discount_rate(annual_rate: float) -> float:
    return (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0


def npv(c_api: np.ndarray, c_ft: np.ndarray, annual_rate: float) -> float:
    """Net present value of choosing the fine-tune: discounted (C_api - C_ft) flows."""
    difference = c_api - c_ft
    flows = np.diff(difference, prepend=0.0)
    t = np.arange(flows.size)
    return float(np.sum(flows / (1.0 + monthly_discount_rate(annual_rate)) ** t))


def payback_for_daily_calls(plan: Plan, daily_calls: np.ndarray) -> np.ndarray:
    """Payback months at each volume, every other input at its mode."""
    base = drivers_at_mode(plan.scenario)
    d = Drivers(**{**base.__dict__, "daily_calls": np.asarray(daily_calls, dtype=float)})
    return outcome(plan, d, months=1).payback


def breakeven_daily_calls(plan: Plan) -> float | None:
    """The lowest daily volume at which payback <= the refresh interval (the model pays
    for itself before it is replaced); None if no volume up to the limit does.

    Hosting is a staircase, so payback is not monotone in volume: a log-spaced grid
    finds the first volume that pays back, a finer grid in that bracket refines it.
    """
    target = plan.scenario.velocity.refresh_months
    grid = np.concatenate([[0.0], np.geomspace(1.0, MAX_DAILY_CALLS, 400)])
    ok = payback_for_daily_calls(plan, grid) <= target
    if not ok.any():
        return None
    i = int(np.argmax(ok))
    if i == 0:
        return 0.0
    fine = np.linspace(grid[i - 1], grid[i], 257)
    fine_ok = payback_for_daily_calls(plan, fine) <= target
    return float(np.ceil(fine[int(np.argmax(fine_ok))]))


def daily_calls_axis(daily_calls: float, points: int = 30) -> np.ndarray:
    """Log-spaced volumes for the payback-by-volume chart, spanning the scenario's."""
    low = min(10.0, max(daily_calls, 1.0) / 10.0)
    high = min(max(1e6, daily_calls * 10.0), MAX_DAILY_CALLS)
    return np.unique(np.round(np.geomspace(low, high, points)))
