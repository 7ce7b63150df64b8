"""Tunecase's decision engine: pure Python + numpy, no Django.

    scenario = parse_scenario(json_data, book)   # raises ScenarioError(errors)
    result = evaluate(scenario, book)            # the result JSON of format v1
    panel = preview(scenario, book)              # same shape, no Monte Carlo (~1 ms)

Views, Celery tasks, the HTTP API and the `evaluate` command all call these functions.
The result holds plain JSON types only: money is rounded to cents and months to 0.1
here, at the edge (everything upstream is unrounded), and any non-finite number is null.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from decisions.engine import economics, evidence, framework, memory
from decisions.engine.calibration import Calibration, calibrated_memory, calibrated_scenario
from decisions.engine.plan import Plan, PlanError, resolve_plan, serving_estimate
from decisions.engine.pricebook import PriceBook
from decisions.engine.scenario import (
    Scenario,
    ScenarioError,
    parse_scenario,
    scenario_to_dict,
)
from decisions.engine.training import (
    platform_breakeven_tokens,
    self_hosted_training_cost,
    training_flops,
    wall_hours,
)
from decisions.engine.uncertainty import monte_carlo, tornado

RESULT_SCHEMA = "tunecase.result/v1"

__all__ = [
    "RESULT_SCHEMA",
    "Scenario",
    "ScenarioError",
    "evaluate",
    "parse_scenario",
    "preview",
    "scenario_to_dict",
]


def evaluate(scenario: Scenario, book: PriceBook, *, samples: int | None = None) -> dict:
    """The full result: deterministic figures, Monte Carlo bands, tornado, framework."""
    scenario, calibration = calibrated_scenario(scenario, book)
    plan = _plan(scenario, book)
    result = _deterministic(plan, book, calibration)
    n = samples if samples is not None else scenario.uncertainty.samples
    mc = monte_carlo(plan, n, scenario.uncertainty.seed)
    result["uncertainty"] = {
        "samples": mc["samples"],
        "seed": mc["seed"],
        "payback_months": {k: _months(v) for k, v in mc["payback_months"].items()},
        "probability_payback_within_refresh": round(mc["probability_payback_within_refresh"], 4),
        "probability_payback_within_horizon": round(mc["probability_payback_within_horizon"], 4),
        "payback_histogram": mc["payback_histogram"],
        "tornado_metric": "payback_months",
        "tornado": [
            {
                "input": row["input"],
                "low": _months(row["low"]),
                "high": _months(row["high"]),
                "low_value": _round_sig(row["low_value"]),
                "high_value": _round_sig(row["high_value"]),
            }
            for row in tornado(plan)
        ],
    }
    for band in ("p10", "p50", "p90"):
        result["curves"][f"finetuned_cumulative_{band}"] = _money_list(
            mc[f"finetuned_cumulative_{band}"]
        )
    return _json_safe(result)


def preview(scenario: Scenario, book: PriceBook) -> dict:
    """The result without Monte Carlo (uncertainty null), for the wizard's live panel."""
    scenario, calibration = calibrated_scenario(scenario, book)
    return _json_safe(_deterministic(_plan(scenario, book), book, calibration))


def _plan(scenario: Scenario, book: PriceBook) -> Plan:
    try:
        return resolve_plan(scenario, book)
    except PlanError as e:
        raise ScenarioError([{"field": e.field, "message": e.message}]) from e
    except KeyError as e:  # a Scenario built by hand with a slug the book lacks
        raise ScenarioError([{"field": "", "message": f"unknown catalog slug {e}"}]) from e


def _deterministic(
    plan: Plan, book: PriceBook, calibration: Calibration | None = None
) -> dict[str, Any]:
    s = plan.scenario
    o = economics.outcome(plan, economics.drivers_at_mode(s))
    c_api = economics.baseline_cumulative(o.baseline_monthly)
    c_ft = economics.finetuned_cumulative(o, s.velocity.refresh_months)
    baseline0 = float(o.baseline_monthly[0])
    finetuned0 = float(o.finetuned_monthly[0])
    payback = economics.payback_months(o.upfront, o.savings)
    calls_axis = economics.daily_calls_axis(s.inference.daily_calls)
    breakeven_calls = economics.breakeven_daily_calls(plan)
    result: dict[str, Any] = {
        "schema": RESULT_SCHEMA,
        "catalog_version": book.version,
        "training": {
            **_training_block(plan, float(o.training)),
            "calibration": _calibration_block(plan, calibration),
        },
        "memory_gb": {},
        "memory_breakdown": {},
        "fits": memory.fits(book, plan.model, s.training),
        "upfront_cost": _money(o.upfront),
        "monthly": {
            "baseline": _money(baseline0),
            "finetuned": _money(finetuned0),
            "savings": _money(baseline0 - finetuned0),
        },
        "monthly_breakdown": {
            "baseline_api": _money(baseline0),
            "finetuned_inference": _money(o.finetuned_inference[0]),
            "hosting": _money(o.hosting[0]),
            "maintenance": _money(o.maintenance),
        },
        "upfront_breakdown": {
            "training": _money(o.training),
            "evaluation": _money(o.evaluation),
            "engineering": _money(o.engineering),
            "data_preparation": _money(o.upfront - o.training - o.evaluation - o.engineering),
        },
        "refresh_cost": _money(o.refresh),
        "payback_months": _months(payback),
        "breakeven_month": economics.breakeven_month(c_api, c_ft),
        "breakeven_daily_calls": None if breakeven_calls is None else int(breakeven_calls),
        "npv": _money(economics.npv(c_api, c_ft, s.costs.discount_rate_annual)),
        "uncertainty": None,
        "curves": {
            "months": list(range(s.horizon_months + 1)),
            "baseline_cumulative": _money_list(c_api),
            "finetuned_cumulative": _money_list(c_ft),
            "finetuned_cumulative_p10": None,
            "finetuned_cumulative_p50": None,
            "finetuned_cumulative_p90": None,
        },
        "payback_by_daily_calls": {
            "daily_calls": [int(x) for x in calls_axis],
            "payback_months": [
                _months(p) for p in economics.payback_for_daily_calls(plan, calls_axis)
            ],
        },
        "training_alternatives": _training_alternatives(plan),
        "serving": {
            "kind": plan.serving.kind,
            "provider": plan.serving.provider,
            "replica": plan.serving.replica_label,
            "tokens_per_second_per_replica": _round_sig(plan.serving.tokens_per_second_per_replica),
        },
        "prices_used": list(plan.prices_used),
    }
    for method in ("full", "lora", "qlora"):
        estimate = memory.training_memory(plan.model, method, s.training)
        result["memory_gb"][method] = _gb_band(estimate)
        result["memory_breakdown"][method] = _gb_components(estimate)
    serving = serving_estimate(s, plan.model)
    result["memory_gb"]["serving"] = _gb_band(serving)
    result["memory_breakdown"]["serving"] = _gb_components(serving)
    result["evaluation"] = evidence.evaluation_block(s.evaluation, s.prompting.target_quality)
    baseline_model = book.models[s.inference.baseline.model]
    result["framework"] = framework.assess(s, plan.model, baseline_model, result)
    return result


def _training_block(plan: Plan, cost: float) -> dict[str, Any]:
    s, t = plan.scenario, plan.training
    if s.training.method == "full":
        trainable = plan.model.total_params
    else:
        trainable = memory.lora_trainable_params(
            plan.model, s.training.lora_rank, s.training.lora_targets
        )
    sh = t.self_hosted
    hours = (
        None
        if sh is None
        else float(wall_hours(t.flops, sh.gpus, sh.gpu.bf16_tflops, s.training.mfu, sh.slowdown))
    )
    provider = t.managed.row.provider if t.platform == "managed" else (sh.rental.provider)
    return {
        "platform": t.platform,
        "provider": provider,
        "method": t.method,
        "billed_tokens": int(round(t.billed_tokens)),
        "training_tokens": int(round(t.train_tokens)),
        "flops": float(t.flops),
        "trainable_params": int(trainable),
        "trainable_share": round(trainable / plan.model.total_params, 4),
        "cost": _money(cost),
        # Compute estimate on training.gpu (also shown for managed jobs, as a size).
        "gpu": None if sh is None else sh.gpu.slug,
        "gpus": None if sh is None else sh.gpus,
        "wall_hours": None if hours is None else round(hours, 2),
        "gpu_hours": None if hours is None else round(hours * sh.gpus, 2),
    }


def _calibration_block(plan: Plan, fit: Calibration | None) -> dict[str, Any] | None:
    """What the measured runs changed: the MFU used and the memory they imply (or null)."""
    if fit is None:
        return None
    s = plan.scenario
    block = fit.as_dict()
    block["note"] = (
        f"MFU {fit.mfu:.2f} fitted on {fit.runs} measured run{'s' if fit.runs != 1 else ''} "
        f"of {fit.method} on {fit.gpu}"
    )
    block["memory_gb"] = None
    if fit.memory_factor is not None:
        estimate = memory.training_memory(plan.model, s.training.method, s.training)
        block["memory_gb"] = {k: round(v, 2) for k, v in calibrated_memory(estimate, fit).items()}
    return block


def _training_alternatives(plan: Plan) -> dict[str, Any]:
    """Managed vs rented GPUs for the same job, and the token count where they cross."""
    s, t = plan.scenario, plan.training
    managed = None
    if t.managed is not None:
        managed = {
            "provider": t.managed.row.provider,
            "price_per_1m": t.managed.row.price_per_1m,
            "cost": _money(t.managed.cost),
        }
    self_hosted, crossover = None, None
    sh = t.self_hosted
    if sh is not None:
        rate = sh.rental.on_demand_per_hour
        hours = wall_hours(t.flops, sh.gpus, sh.gpu.bf16_tflops, s.training.mfu, sh.slowdown)
        self_hosted = {
            "provider": sh.rental.provider,
            "gpu": sh.gpu.slug,
            "gpus": sh.gpus,
            "per_gpu_hour": rate,
            "wall_hours": round(float(hours), 2),
            "setup_hours": sh.setup_hours,
            "cost": _money(self_hosted_training_cost(hours, sh.setup_hours, sh.gpus, rate)),
        }
        if t.managed is not None:
            per_million = training_flops(plan.model.active_params, 1e6, t.method)
            hours_per_million = wall_hours(
                per_million, sh.gpus, sh.gpu.bf16_tflops, s.training.mfu, sh.slowdown
            )
            crossover = platform_breakeven_tokens(
                t.managed.row.price_per_1m,
                self_hosted_training_cost(hours_per_million, 0.0, sh.gpus, rate) / 1e6,
                self_hosted_training_cost(0.0, sh.setup_hours, sh.gpus, rate),
            )
    cheaper = None
    if managed and self_hosted:
        cheaper = "managed" if managed["cost"] <= self_hosted["cost"] else "self_hosted"
    return {
        "managed": managed,
        "self_hosted": self_hosted,
        "cheaper": cheaper,
        "breakeven_training_tokens": None if crossover is None else int(math.ceil(crossover)),
    }


def _money(x: Any) -> float:
    return round(float(x), 2)


def _money_list(values: Any) -> list[float]:
    return [round(float(v), 2) for v in np.asarray(values)]


def _months(x: Any) -> float | None:
    if x is None or not math.isfinite(float(x)):
        return None
    return round(float(x), 1)


def _round_sig(x: float) -> float:
    return float(f"{float(x):.6g}")


def _gb_band(estimate: memory.MemoryEstimate) -> dict[str, float]:
    return {k: round(v, 2) for k, v in estimate.band().items()}


def _gb_components(estimate: memory.MemoryEstimate) -> dict[str, float]:
    parts = {k: round(v, 3) for k, v in estimate.components.items()}
    parts["cuda_context"] = memory.CUDA_CONTEXT_GB
    return parts


def _json_safe(value: Any) -> Any:
    """Plain JSON types only: numpy scalars become Python numbers, NaN/inf become null."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value
