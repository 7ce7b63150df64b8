"""Adapter portfolios: several scenarios fine-tuned on one base model, served three ways.

- adapters: one shared deployment of the base model serves every scenario's LoRA adapter
  (vLLM / TGI multi-LoRA). Replicas are sized for the SUM of the scenarios' peak traffic;
  each scenario still pays its own training, evaluation and refreshes;
- merged: each adapter merged into its own copy of the model, one deployment each, sized
  for its own traffic (each scenario's own result on a dedicated deployment);
- api: every scenario stays on its baseline API.

A serverless scenario is costed on a dedicated deployment here: the question is how to
host the adapters, and serverless per-token pricing hides the hosting.

Serving many adapters from one replica costs some throughput (the adapter matmuls of a
mixed batch; multi-LoRA servers report single-digit to ~20% against a merged model):
ADAPTER_OVERHEAD = 10%, applied to replica throughput and to per-request latency. The
recommendation is adapters unless a stated reason says merge: a per-request latency
target the overhead breaks, regulated data in one scenario (isolation), or one scenario
carrying most of the traffic (sharing then saves little and costs that scenario speed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from decisions.engine import economics
from decisions.engine.calibration import calibrated_scenario
from decisions.engine.plan import Plan, PlanError, resolve_plan
from decisions.engine.pricebook import PriceBook
from decisions.engine.scenario import Scenario
from decisions.engine.serving import (
    daily_calls_by_month,
    dedicated_monthly_cost,
    peak_tokens_per_second,
    replicas_needed,
)

ADAPTER_OVERHEAD = 0.10
DOMINANT_SHARE = 0.80  # one scenario with this share of the peak traffic dominates
MIN_SCENARIOS = 2


class PortfolioError(ValueError):
    pass


@dataclass(frozen=True)
class Member:
    name: str
    scenario: Scenario
    plan: Plan
    outcome: economics.Outcome
    peak_tps: np.ndarray  # per month, output tokens/s at the busiest hour


def deployment_scenario(s: Scenario) -> Scenario:
    """The scenario on a deployment of its own: serverless becomes dedicated hosting."""
    if s.inference.serving != "serverless":
        return s
    return replace(s, inference=replace(s.inference, serving="dedicated", serving_provider=None))


def _member(name: str, scenario: Scenario, book: PriceBook, months: int) -> Member:
    scenario, _ = calibrated_scenario(deployment_scenario(scenario), book)
    try:
        plan = resolve_plan(scenario, book)
    except PlanError as e:
        raise PortfolioError(f"{name}: {e.field}: {e.message}") from e
    inf = scenario.inference
    calls = daily_calls_by_month(inf.daily_calls, inf.monthly_growth, months)
    return Member(
        name=name,
        scenario=scenario,
        plan=plan,
        outcome=economics.outcome(plan, economics.drivers_at_mode(scenario), months=months),
        peak_tps=peak_tokens_per_second(calls, inf.output_tokens_per_call, inf.peak_to_average),
    )


def request_seconds(member: Member, overhead: float = 0.0) -> float:
    """Decode time of one answer: output tokens at one stream's share of the replica."""
    stream_tps = member.plan.serving.tokens_per_second_per_replica
    stream_tps /= member.scenario.inference.batching_factor
    return member.scenario.inference.output_tokens_per_call / (stream_tps * (1.0 - overhead))


def evaluate_portfolio(
    scenarios: Sequence[tuple[str, Scenario]],
    book: PriceBook,
    *,
    latency_target_seconds: float | None = None,
    adapter_overhead: float = ADAPTER_OVERHEAD,
) -> dict[str, Any]:
    """Monthly and cumulative cost of adapters vs merged vs API, and the recommendation.

    `scenarios` are (name, parsed scenario) pairs on one base model.
    """
    if len(scenarios) < MIN_SCENARIOS:
        raise PortfolioError(f"a portfolio needs at least {MIN_SCENARIOS} scenarios")
    base_models = {s.training.base_model for _, s in scenarios}
    if len(base_models) != 1:
        raise PortfolioError(
            f"adapters share one base model; these use {', '.join(sorted(base_models))}"
        )
    months = max(s.horizon_months for _, s in scenarios)
    members = [_member(name, s, book, months) for name, s in scenarios]

    # The shared deployment: the scenarios' replica with the lowest cost per token/s.
    host = min(members, key=lambda m: _cost_per_token_rate(m.plan))
    shared_tps = host.plan.serving.tokens_per_second_per_replica * (1.0 - adapter_overhead)
    total_peak = sum(m.peak_tps for m in members)
    shared_replicas = replicas_needed(total_peak, shared_tps)
    shared_hosting = dedicated_monthly_cost(shared_replicas, host.plan.serving.replica_per_hour)

    merged = sum(
        economics.finetuned_cumulative(m.outcome, m.scenario.velocity.refresh_months)
        for m in members
    )
    without_hosting = sum(
        economics.finetuned_cumulative(
            replace(m.outcome, hosting=np.zeros_like(m.outcome.hosting)),
            m.scenario.velocity.refresh_months,
        )
        for m in members
    )
    adapters = without_hosting + np.concatenate([[0.0], np.cumsum(shared_hosting)])
    api = sum(economics.baseline_cumulative(m.outcome.baseline_monthly) for m in members)
    maintenance = sum(m.outcome.maintenance for m in members)
    upfront = float(sum(m.outcome.upfront for m in members))

    options = {
        "adapters": _option(
            adapters,
            monthly=float(shared_hosting[0]) + maintenance,
            hosting=float(shared_hosting[0]),
            replicas=int(shared_replicas[0]),
            upfront=upfront,
        ),
        "merged": _option(
            merged,
            monthly=float(sum(m.outcome.finetuned_monthly[0] for m in members)),
            hosting=float(sum(m.outcome.hosting[0] for m in members)),
            replicas=int(sum(_replicas(m)[0] for m in members)),
            upfront=upfront,
        ),
        "api": _option(api, monthly=float(sum(m.outcome.baseline_monthly[0] for m in members))),
    }
    shares = [float(m.peak_tps[0] / total_peak[0]) if total_peak[0] > 0 else 0.0 for m in members]
    deployment, reason = _recommend(
        members, shares, options, months, latency_target_seconds, adapter_overhead
    )
    cheapest = min(options, key=lambda k: options[k]["total"])
    return {
        "base_model": members[0].scenario.training.base_model,
        "horizon_months": months,
        "months": list(range(months + 1)),
        "shared_deployment": {
            "replica": host.plan.serving.replica_label,
            "per_hour": host.plan.serving.replica_per_hour,
            "tokens_per_second_per_replica": round(shared_tps, 1),
            "adapter_overhead": adapter_overhead,
        },
        "scenarios": [
            {
                "name": m.name,
                "daily_calls": m.scenario.inference.daily_calls,
                "peak_tokens_per_second": round(float(m.peak_tps[0]), 2),
                "traffic_share": round(share, 4),
                "replicas": int(_replicas(m)[0]),
                "replica": m.plan.serving.replica_label,
                "hosting_monthly": _money(m.outcome.hosting[0]),
                "api_monthly": _money(m.outcome.baseline_monthly[0]),
                "upfront": _money(m.outcome.upfront),
                "training": _money(m.outcome.training),
                "regulated_data": m.scenario.constraints.regulated_data,
                "request_seconds": round(request_seconds(m), 3),
                "request_seconds_adapter": round(request_seconds(m, adapter_overhead), 3),
            }
            for m, share in zip(members, shares, strict=True)
        ],
        "options": options,
        "recommendation": {"deployment": deployment, "reason": reason},
        "cheapest": cheapest,
    }


def _cost_per_token_rate(plan: Plan) -> float:
    return plan.serving.replica_per_hour / plan.serving.tokens_per_second_per_replica


def _replicas(m: Member) -> np.ndarray:
    return replicas_needed(m.peak_tps, m.plan.serving.tokens_per_second_per_replica)


def _option(
    cumulative: np.ndarray,
    *,
    monthly: float,
    hosting: float | None = None,
    replicas: int | None = None,
    upfront: float = 0.0,
) -> dict[str, Any]:
    return {
        "upfront": _money(upfront),
        "monthly": _money(monthly),
        "hosting_monthly": None if hosting is None else _money(hosting),
        "replicas": replicas,
        "cumulative": [_money(v) for v in cumulative],
        "total": _money(cumulative[-1]),
    }


def _recommend(
    members: list[Member],
    shares: list[float],
    options: dict[str, dict[str, Any]],
    months: int,
    latency_target: float | None,
    overhead: float,
) -> tuple[str, str]:
    """Adapters unless latency, isolation, a dominant volume or cost says merge."""
    reasons = []
    if latency_target is not None:
        slow = [
            m.name
            for m in members
            if request_seconds(m, overhead) > latency_target >= request_seconds(m)
        ]
        if slow:
            reasons.append(
                f"latency: with adapters {', '.join(slow)} would miss the "
                f"{latency_target:g} s per-request target that a merged model meets"
            )
    regulated = [m.name for m in members if m.scenario.constraints.regulated_data]
    if regulated:
        reasons.append(
            f"isolation: {', '.join(regulated)} handles regulated data; a deployment of its "
            "own keeps its requests and weights apart from the other tasks"
        )
    top = max(range(len(members)), key=lambda i: shares[i])
    if len(members) > 1 and shares[top] >= DOMINANT_SHARE:
        reasons.append(
            f"volume: {members[top].name} carries {shares[top]:.0%} of the peak traffic; "
            "sharing saves little and a merged model serves it without the adapter overhead"
        )
    adapters, merged = options["adapters"], options["merged"]
    if adapters["total"] > merged["total"]:
        reasons.append(
            f"cost: adapters cost ${adapters['total']:,.2f} over {months} months against "
            f"${merged['total']:,.2f} merged"
        )
    if reasons:
        return "merged", "Merge: " + "; ".join(reasons) + "."
    saving = merged["total"] - adapters["total"]
    return "adapters", (
        f"Adapters: one deployment of {adapters['replicas']} replica(s) sized for the "
        f"combined traffic instead of {merged['replicas']} for separate merged models, "
        f"${adapters['monthly']:,.2f}/month against ${merged['monthly']:,.2f}, saving "
        f"${saving:,.2f} over {months} months."
    )


def _money(x: Any) -> float:
    return round(float(x), 2)
