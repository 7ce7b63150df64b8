"""Resolve a scenario against a price book: which rows price it, how many GPUs it needs.

The plan is everything about a scenario that does not vary in the Monte Carlo: the
catalog rows, token counts, FLOPs, GPU counts and replica throughput. `economics`
combines it with the uncertain drivers. `plan_problems` reports a scenario the catalog
cannot price (for `parse_scenario`, so the wizard shows it next to the field).

Choices when the scenario leaves them open (null provider):
- managed training: the managed provider with the lowest cost for this job;
- self-hosted training: the cheapest on-demand rental of `training.gpu`; on_prem uses
  the same rental price as the proxy of owned hardware's hourly cost;
- serverless serving: the provider with the lowest per-call price for the model;
- dedicated serving: the cheapest hosting row whose GPUs hold the serving footprint;
- self-hosted serving: per replica, the cheaper of on-demand rental x 730 h and the
  cheapest bare-metal server with enough of that GPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from decisions.engine import memory, prices
from decisions.engine.pricebook import (
    BaseModel,
    Gpu,
    GpuRentalPrice,
    InferencePrice,
    PriceBook,
    TrainingPrice,
)
from decisions.engine.scenario import MAX_GPUS, Scenario
from decisions.engine.serving import HOURS_PER_MONTH, replica_tokens_per_second
from decisions.engine.training import (
    billed_tokens,
    managed_training_cost,
    training_flops,
    training_tokens,
    validation_tokens,
)


class PlanError(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class ManagedTraining:
    row: TrainingPrice
    cost: float


@dataclass(frozen=True)
class SelfHostedTraining:
    gpu: Gpu
    gpus: int
    rental: GpuRentalPrice
    slowdown: float
    setup_hours: float
    memory_per_gpu: memory.MemoryEstimate


@dataclass(frozen=True)
class TrainingPlan:
    platform: str
    method: str
    billed_tokens: float
    train_tokens: float
    validation_tokens: float
    flops: float
    managed: ManagedTraining | None  # the managed option (chosen or cheapest)
    self_hosted: SelfHostedTraining | None  # the rented-GPU option on training.gpu


@dataclass(frozen=True)
class ServingPlan:
    kind: str  # serverless | dedicated | self_hosted
    provider: str
    price: InferencePrice | None  # serverless per-token row
    replica_per_hour: float  # dedicated / self-hosted: $ per replica-hour (730 h a month)
    replica_label: str
    tokens_per_second_per_replica: float
    row: Any = None  # the catalog row behind replica_per_hour (hosting, rental, bare metal)


@dataclass(frozen=True)
class Plan:
    scenario: Scenario
    model: BaseModel
    baseline: InferencePrice
    training: TrainingPlan
    serving: ServingPlan
    prices_used: tuple[dict[str, Any], ...]


def plan_problems(scenario: Scenario, book: PriceBook) -> list[dict[str, str]]:
    """What the catalog cannot price in this scenario (empty when it can all be priced)."""
    try:
        resolve_plan(scenario, book)
    except PlanError as e:
        return [{"field": e.field, "message": e.message}]
    return []


def resolve_plan(scenario: Scenario, book: PriceBook) -> Plan:
    model = book.models[scenario.training.base_model]
    baseline = _baseline_price(scenario, book)
    training = _training_plan(scenario, book, model)
    serving = _serving_plan(scenario, book, model)
    return Plan(
        scenario=scenario,
        model=model,
        baseline=baseline,
        training=training,
        serving=serving,
        prices_used=tuple(_prices_used(scenario, baseline, training, serving)),
    )


def _baseline_price(s: Scenario, book: PriceBook) -> InferencePrice:
    b = s.inference.baseline
    row = prices.inference_price(book, b.provider, book.models[b.model], fine_tuned=False)
    if row is None:
        raise PlanError("inference.baseline.model", f"{b.provider} has no price for '{b.model}'")
    return row


def _training_plan(s: Scenario, book: PriceBook, model: BaseModel) -> TrainingPlan:
    t, d = s.training, s.data
    evals = t.epochs if t.evals is None else t.evals
    train = training_tokens(d.train_examples, d.avg_tokens_per_example, t.epochs)
    validation = validation_tokens(d.validation_examples, d.avg_tokens_per_example, evals)
    billed = billed_tokens(
        d.train_examples, d.validation_examples, d.avg_tokens_per_example, t.epochs, evals
    )
    managed = _managed_option(s, book, model, billed)
    self_hosted = _self_hosted_option(s, book, model)
    if t.platform == "managed" and managed is None:
        if t.provider:
            message = f"{t.provider} has no {t.method} fine-tuning price for '{model.slug}'"
            raise PlanError("training.provider", message)
        message = f"no managed provider prices {t.method} fine-tuning of '{model.slug}'"
        raise PlanError("training.platform", message)
    if t.platform != "managed" and isinstance(self_hosted, PlanError):
        raise self_hosted
    return TrainingPlan(
        platform=t.platform,
        method=t.method,
        billed_tokens=billed,
        train_tokens=train,
        validation_tokens=validation,
        flops=training_flops(model.active_params, train, t.method, validation),
        managed=managed,
        self_hosted=None if isinstance(self_hosted, PlanError) else self_hosted,
    )


def _managed_option(
    s: Scenario, book: PriceBook, model: BaseModel, billed: float
) -> ManagedTraining | None:
    t = s.training
    # The chosen provider when the platform is managed; otherwise (a comparison only)
    # the chosen provider if it is a managed one, else the cheapest.
    if t.provider and (t.platform == "managed" or t.provider in prices.managed_providers(book)):
        candidates = [t.provider]
    else:
        candidates = prices.managed_providers(book)
    options = []
    for provider in candidates:
        row = prices.training_price(book, provider, model, t.method)
        if row is not None:
            cost = float(managed_training_cost(billed, row.price_per_1m, row.min_charge))
            options.append(ManagedTraining(row=row, cost=cost))
    return min(options, key=lambda o: (o.cost, o.row.provider), default=None)


def _self_hosted_option(
    s: Scenario, book: PriceBook, model: BaseModel
) -> SelfHostedTraining | PlanError:
    t = s.training
    gpu = book.gpus[t.gpu]
    single = memory.training_memory(model, t.method, t)
    needed = memory.gpus_needed(single, gpu.memory_gb, MAX_GPUS)
    if needed is None:
        return PlanError(
            "training.gpu",
            f"{t.method} training of '{model.slug}' needs more than {MAX_GPUS} x {gpu.slug}",
        )
    if t.gpus == "auto":
        gpus = needed
    elif t.gpus < needed:
        return PlanError(
            "training.gpus",
            f"{t.gpus} x {gpu.slug} cannot hold {t.method} training of '{model.slug}'; "
            f"it needs {needed}",
        )
    else:
        gpus = t.gpus
    # The chosen rental provider only when the platform rents GPUs.
    provider = t.provider if t.platform == "self_hosted" else None
    rental = prices.gpu_rental_price(book, gpu.slug, provider)
    if rental is None:
        where = "training.provider" if provider else "training.gpu"
        return PlanError(where, f"no on-demand rental price for {gpu.slug}" + (
            f" at {provider}" if provider else ""
        ))  # fmt: skip
    shards = 1 if needed == 1 else gpus
    return SelfHostedTraining(
        gpu=gpu,
        gpus=gpus,
        rental=rental,
        slowdown=t.qlora_dequant_slowdown if t.method == "qlora" else 1.0,
        setup_hours=t.setup_hours,
        memory_per_gpu=memory.training_memory(model, t.method, t, shards=shards),
    )


def serving_context(s: Scenario) -> int:
    """Tokens a request holds in the KV cache: its prompt plus its answer."""
    return s.inference.input_tokens_per_call + s.inference.output_tokens_per_call


def serving_estimate(s: Scenario, model: BaseModel) -> memory.MemoryEstimate:
    return memory.serving_memory(model, serving_context(s), s.inference.batching_factor)


def _serving_plan(s: Scenario, book: PriceBook, model: BaseModel) -> ServingPlan:
    inf = s.inference
    if inf.serving == "serverless":
        return _serverless_plan(s, book, model)
    estimate = serving_estimate(s, model)
    if inf.serving == "dedicated":
        for row in prices.hosting_prices(book, inf.serving_provider):
            gpu = book.gpus.get(row.gpu)
            if gpu is not None and gpu.memory_gb * row.gpus >= estimate.high:
                tps = _replica_tps(s, model, gpu, row.gpus)
                label = f"{row.gpus} x {row.gpu} at {row.provider}"
                return ServingPlan("dedicated", row.provider, None, row.per_hour, label, tps, row)
        where = "inference.serving_provider" if inf.serving_provider else "inference.serving"
        raise PlanError(
            where,
            f"no dedicated hosting row holds '{model.slug}' ({estimate.high:.1f} GB)",
        )
    gpu = book.gpus[inf.gpu or s.training.gpu]
    gpus = memory.gpus_needed(estimate, gpu.memory_gb, memory.FITS_MAX_GPUS)
    if gpus is None:
        raise PlanError("inference.gpu", f"'{model.slug}' does not fit 8 x {gpu.slug}")
    rental = prices.gpu_rental_price(book, gpu.slug, inf.serving_provider)
    metal = prices.bare_metal_price(book, gpu.slug, gpus, inf.serving_provider)
    options = []
    if rental is not None:
        options.append((rental.on_demand_per_hour * gpus, "rental", rental))
    if metal is not None:
        options.append((metal.per_month / HOURS_PER_MONTH, "bare metal", metal))
    if not options:
        raise PlanError("inference.gpu", f"no rental or bare-metal price for {gpu.slug}")
    per_hour, kind, row = min(options, key=lambda o: (o[0], o[1]))
    label = f"{gpus} x {gpu.slug} ({kind}) at {row.provider}"
    tps = _replica_tps(s, model, gpu, gpus)
    return ServingPlan("self_hosted", row.provider, None, per_hour, label, tps, row)


def _replica_tps(s: Scenario, model: BaseModel, gpu: Gpu, gpus: int) -> float:
    if s.inference.tokens_per_second_per_replica is not None:
        return s.inference.tokens_per_second_per_replica
    return replica_tokens_per_second(
        gpu.bandwidth_gbs, gpus, model.active_params, s.inference.batching_factor
    )


def _serverless_plan(s: Scenario, book: PriceBook, model: BaseModel) -> ServingPlan:
    inf = s.inference
    candidates = (
        [inf.serving_provider] if inf.serving_provider else prices.inference_providers(book)
    )
    options = []
    for provider in candidates:
        row = prices.inference_price(book, provider, model, fine_tuned=True)
        if row is not None:
            per_call = (
                inf.input_tokens_per_call * row.input_per_1m
                + inf.output_tokens_per_call * row.output_per_1m
            )
            options.append((per_call, provider, row))
    if not options:
        if inf.serving_provider:
            message = f"{inf.serving_provider} has no serverless price for '{model.slug}'"
            raise PlanError("inference.serving_provider", message)
        raise PlanError("inference.serving", f"no provider serves '{model.slug}' serverless")
    _, provider, row = min(options, key=lambda o: (o[0], o[1]))
    return ServingPlan("serverless", provider, row, 0.0, f"serverless at {provider}", 0.0)


def _prices_used(
    s: Scenario,
    baseline: InferencePrice,
    training: TrainingPlan,
    serving: ServingPlan,
) -> list[dict[str, Any]]:
    used = []
    b = s.inference.baseline.model
    used.append(
        prices.price_used(
            "inference", baseline, f"{b} input", baseline.input_per_1m, "USD/1M input tokens"
        )
    )
    used.append(
        prices.price_used(
            "inference", baseline, f"{b} output", baseline.output_per_1m, "USD/1M output tokens"
        )
    )
    if training.managed is not None:
        row = training.managed.row
        item = f"{row.model or _band(row)} {row.method} fine-tuning"
        used.append(prices.price_used("training", row, item, row.price_per_1m, "USD/1M tokens"))
    if training.self_hosted is not None:
        row = training.self_hosted.rental
        used.append(
            prices.price_used(
                "gpu_rental", row, f"{row.gpu} on-demand", row.on_demand_per_hour, "USD/GPU-hour"
            )
        )
    if serving.price is not None:
        row = serving.price
        kind = "fine-tuned" if row.fine_tuned else "base"
        item = f"{row.model or _band(row)} {kind}"
        used.append(
            prices.price_used(
                "inference", row, f"{item} input", row.input_per_1m, "USD/1M input tokens"
            )
        )
        used.append(
            prices.price_used(
                "inference", row, f"{item} output", row.output_per_1m, "USD/1M output tokens"
            )
        )
    elif serving.kind == "dedicated":
        row = serving.row
        used.append(
            prices.price_used("hosting", row, serving.replica_label, row.per_hour, "USD/hour")
        )
    elif isinstance(serving.row, GpuRentalPrice):
        row = serving.row
        used.append(
            prices.price_used(
                "gpu_rental",
                row,
                f"{row.gpu} on-demand (serving)",
                row.on_demand_per_hour,
                "USD/GPU-hour",
            )
        )
    else:
        row = serving.row
        used.append(
            prices.price_used(
                "bare_metal", row, f"{row.gpus} x {row.gpu} {row.label}", row.per_month, "USD/month"
            )
        )
    return used  # fmt: skip


def _band(row: Any) -> str:
    low = f"{row.min_params_b:g}" if row.min_params_b is not None else "0"
    high = f"{row.max_params_b:g}B" if row.max_params_b is not None else "+"
    return f"{low}-{high}"
