"""Scenario inputs (format v1) and the single validation layer that builds them.

Every default of the public contract lives in the dataclasses below and nowhere else:
the wizard, the HTTP API, the `evaluate` command and imports all call `parse_scenario`,
so a rule written here holds everywhere. The defaults are the values of the example in
docs/scenario-format.md; keys added beyond the contract are marked "(added)" with the
reason for their default.

`parse_scenario` collects every problem it finds and raises one `ScenarioError`; it never
raises anything else for JSON-like input, so callers can turn the error list straight into
a 400 response or exit status 2.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from decisions.engine.pricebook import PriceBook

SCENARIO_SCHEMA = "tunecase.scenario/v1"

USE_CASES = ("behavior", "task", "format", "knowledge")
FAILURE_MODES = ("format", "tone", "behavior", "task_errors", "knowledge")
DATA_QUALITIES = ("clean", "mixed", "noisy", "unknown")
METHODS = ("full", "lora", "qlora")
LORA_TARGETS = ("qv", "attention", "all_linear")
ATTENTIONS = ("eager", "sdpa", "flash")
PLATFORMS = ("managed", "self_hosted", "on_prem")
SERVINGS = ("serverless", "dedicated", "self_hosted")
# Evaluation candidates: the prompted baseline API model, the open base model prompted,
# and the fine-tuned adapter.
CANDIDATES = ("baseline", "base", "finetuned")

# Sanity limits: a value outside them is a typing mistake, not a scenario. 1e8 calls a day
# is ~1,150 calls a second around the clock, beyond any single fine-tuned deployment.
MAX_DAILY_CALLS = 1e8
MAX_TOKENS_PER_CALL = 2_000_000
MAX_EXAMPLES = 100_000_000
MAX_GPUS = 64  # "auto" searches 1..MAX_GPUS (8 nodes of 8)
MAX_SAMPLES = 2_000_000
MIN_SAMPLES = 100
MAX_CANDIDATES = 30
MAX_MEASURED_RUNS = 500
MAX_NOTES = 2000


@dataclass(frozen=True)
class Prompting:
    failure_modes: tuple[str, ...] = ()
    needs_fresh_knowledge: bool = False
    prompting_quality: float = 0.85  # seed: ~85% format reliability by prompting
    target_quality: float = 0.95  # seed: 95%+ after fine-tuning


@dataclass(frozen=True)
class Data:
    train_examples: int = 2000
    validation_examples: int = 200
    avg_tokens_per_example: int = 600
    eval_set_examples: int = 80
    quality: str = "clean"


@dataclass(frozen=True)
class Training:
    base_model: str
    method: str = "lora"
    lora_rank: int = 16
    lora_targets: str = "all_linear"
    epochs: int = 3
    sequence_length: int = 2048
    batch_size: int = 4  # per-GPU micro-batch
    gradient_checkpointing: bool = True
    attention: str = "sdpa"
    platform: str = "managed"
    # null: the cheapest provider pricing this job (managed fine-tuning or GPU rental).
    provider: str | None = None
    gpu: str = "h100-80gb"
    gpus: int | str = "auto"
    # Model FLOPs utilisation measured on runs WITH gradient checkpointing (the recipe
    # fine-tuning frameworks use): the recompute is already inside this figure.
    mfu: float = 0.35
    evals: int | None = None  # (added) validation passes; null = one per epoch, as Together
    setup_hours: float = 1.0  # (added) domain default: environment, download, checkpoint
    qlora_dequant_slowdown: float = 1.3  # (added) domain default


@dataclass(frozen=True)
class Baseline:
    provider: str = "openai"
    model: str = "gpt-4o"


@dataclass(frozen=True)
class Inference:
    daily_calls: float = 10_000.0
    input_tokens_per_call: int = 800
    output_tokens_per_call: int = 200
    monthly_growth: float = 0.0
    baseline: Baseline = field(default_factory=Baseline)
    serving: str = "serverless"
    serving_provider: str | None = None  # null: the cheapest provider serving the model
    # (added) dedicated / self-hosted serving. Busy hours carry most traffic: the peak is
    # ~3x the 24-hour average.
    peak_to_average: float = 3.0
    # (added) concurrent decode streams per replica; decode is memory-bandwidth-bound, so
    # throughput grows ~linearly with batch until compute-bound. 8 is conservative for
    # continuous-batching servers (vLLM, TGI).
    batching_factor: float = 8.0
    # (added) null: bandwidth / weight bytes x batching_factor, in output tokens/s.
    tokens_per_second_per_replica: float | None = None
    gpu: str | None = None  # (added) self-hosted serving GPU; null = training.gpu


@dataclass(frozen=True)
class Costs:
    engineering_hours: float = 80.0
    hourly_rate: float = 150.0
    data_prep_share: float = 0.30
    discount_rate_annual: float = 0.10
    # (added) expert review of the 50-100 example evaluation set per training run; the
    # token cost of running it is under a dollar and is ignored.
    evaluation_hours: float = 8.0
    # (added) the seed folds upkeep into the 20-40% preparation share, so 0 avoids
    # counting it twice; set it for monitoring / on-call work.
    maintenance_hours_per_month: float = 0.0


@dataclass(frozen=True)
class Velocity:
    refresh_months: int = 6
    chasing_frontier: bool = False
    refresh_prep_share: float = 0.25  # (added) domain default


@dataclass(frozen=True)
class Constraints:
    regulated_data: bool = False
    allowed_licenses: tuple[str, ...] = ("apache-2.0", "mit")


@dataclass(frozen=True)
class Uncertainty:
    samples: int = 10_000
    seed: int = 7
    # (added) {"daily_calls": [low, high]}: overrides a default range; see UNCERTAIN_INPUTS.
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class HeldOutSet:
    """The team's own evaluation set: examples with defined correct outputs."""

    examples: int = 0
    description: str = ""


@dataclass(frozen=True)
class CandidateResult:
    """One candidate measured on the held-out set (rates are fractions)."""

    candidate: str = "finetuned"  # one of CANDIDATES
    model: str = ""  # a free label ("gpt-4o", "llama-3.1-8b + adapter v2"), not a slug
    accuracy: float = 0.0
    format_reliability: float | None = None
    measured_on: str | None = None  # ISO date, YYYY-MM-DD
    notes: str = ""
    # (added) counts behind the accuracy when uploaded as per-example outcomes; null: the
    # confidence interval uses the test set's size.
    correct: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class Evaluation:
    test_set: HeldOutSet = field(default_factory=HeldOutSet)
    candidates: tuple[CandidateResult, ...] = ()

    def candidate(self, kind: str) -> CandidateResult | None:
        return next((c for c in self.candidates if c.candidate == kind), None)


@dataclass(frozen=True)
class MeasuredRun:
    """A training run the team actually did; `calibration` learns MFU and memory from it.

    `tokens` are every training token the run processed (epochs included);
    `peak_memory_gb` is per GPU, as nvidia-smi shows it (null: not measured).
    """

    gpu: str = ""
    gpus: int = 1
    tokens: int = 0
    wall_hours: float = 0.0
    peak_memory_gb: float | None = None
    cost: float | None = None
    method: str = "lora"
    base_model: str = ""
    lora_rank: int = 16
    batch_size: int = 4
    sequence_length: int = 2048


@dataclass(frozen=True)
class Scenario:
    training: Training
    schema: str = SCENARIO_SCHEMA
    name: str = ""
    catalog: str = "latest"  # the caller resolves it to a catalog version
    horizon_months: int = 24
    use_case: str = "behavior"
    prompting: Prompting = field(default_factory=Prompting)
    data: Data = field(default_factory=Data)
    inference: Inference = field(default_factory=Inference)
    costs: Costs = field(default_factory=Costs)
    velocity: Velocity = field(default_factory=Velocity)
    constraints: Constraints = field(default_factory=Constraints)
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    # (added) evidence: measured quality on the team's test set, and measured training runs
    evaluation: Evaluation | None = None
    measured_runs: tuple[MeasuredRun, ...] = ()


@dataclass(frozen=True)
class UncertainInput:
    """One Monte Carlo input: triangular(low, mode, high) around the scenario's value.

    Price inputs are multipliers of the catalog price (mode 1.0); the others are in the
    input's own unit. The default range is `mode x (low_factor, high_factor)` when
    `relative`, else `mode + (low_offset, high_offset)`, clipped to [floor, ceiling].
    A user range in `uncertainty.ranges` replaces the default (same unit as the mode).
    """

    name: str
    relative: bool
    low: float
    high: float
    floor: float = 0.0
    ceiling: float = math.inf


# Price ranges: +-15% around the catalog (prices drift and third-party copies disagree).
# MFU 0.25-0.45 around 0.35 and preparation 20-40% are the domain's ranges. Engineering
# hours skew high because estimates overrun more often than they underrun.
UNCERTAIN_INPUTS: tuple[UncertainInput, ...] = (
    UncertainInput("daily_calls", True, 0.7, 1.3, ceiling=MAX_DAILY_CALLS),
    UncertainInput("input_tokens_per_call", True, 0.8, 1.2),
    UncertainInput("output_tokens_per_call", True, 0.8, 1.2),
    UncertainInput("baseline_price", True, 0.85, 1.15),
    UncertainInput("finetuned_price", True, 0.85, 1.15),
    UncertainInput("hosting_price", True, 0.85, 1.15),
    UncertainInput("training_price", True, 0.85, 1.15),
    UncertainInput("mfu", True, 0.25 / 0.35, 0.45 / 0.35, ceiling=1.0),
    UncertainInput("data_prep_share", False, -0.10, 0.10, ceiling=0.95),
    UncertainInput("engineering_hours", True, 0.75, 1.5),
)
UNCERTAIN_INPUT_NAMES = tuple(u.name for u in UNCERTAIN_INPUTS)


def uncertain_mode(scenario: Scenario, name: str) -> float:
    """The scenario's own value of an uncertain input (1.0 for price multipliers)."""
    modes = {
        "daily_calls": scenario.inference.daily_calls,
        "input_tokens_per_call": scenario.inference.input_tokens_per_call,
        "output_tokens_per_call": scenario.inference.output_tokens_per_call,
        "mfu": scenario.training.mfu,
        "data_prep_share": scenario.costs.data_prep_share,
        "engineering_hours": scenario.costs.engineering_hours,
    }
    return float(modes.get(name, 1.0))


def uncertain_range(scenario: Scenario, spec: UncertainInput) -> tuple[float, float, float]:
    """(low, mode, high) of one uncertain input: the user's range or the default."""
    mode = uncertain_mode(scenario, spec.name)
    if spec.name in scenario.uncertainty.ranges:
        low, high = scenario.uncertainty.ranges[spec.name]
        return float(low), mode, float(high)
    if spec.relative:
        low, high = mode * spec.low, mode * spec.high
    else:
        low, high = mode + spec.low, mode + spec.high
    low = min(max(low, spec.floor), mode)
    high = max(min(high, spec.ceiling), mode)
    return low, mode, high


class ScenarioError(ValueError):
    """Every problem found in a scenario: `errors` is [{"field": ..., "message": ...}]."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


# --- the reader: walks the JSON, converts values, records problems by dotted path ----


class _Reader:
    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append({"field": path, "message": message})

    def section(self, data: Mapping, key: str, known: Iterable[str], path: str) -> Mapping | None:
        """The sub-object `data[key]` ({} when absent), its unknown keys reported."""
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            self.error(path, "must be an object")
            return None
        self.unknown_keys(value, known, path)
        return value

    def unknown_keys(self, data: Mapping, known: Iterable[str], path: str) -> None:
        known = list(known)
        for key in data:
            if key not in known:
                where = f"{path}.{key}" if path else str(key)
                self.error(where, f"unknown key{_suggest(str(key), known)}")

    def number(
        self,
        data: Mapping,
        key: str,
        path: str,
        default: Any,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        above: float | None = None,
        below: float | None = None,
        integer: bool = False,
        nullable: bool = False,
    ) -> Any:
        where = f"{path}.{key}" if path else key
        if key not in data:
            return default
        value = data[key]
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(where, "must be an integer" if integer else "must be a number")
            return default
        if not _finite(value):
            self.error(where, "must be a finite number")
            return default
        if integer:
            if isinstance(value, float) and not value.is_integer():
                self.error(where, "must be an integer")
                return default
            value = int(value)
        else:
            value = float(value)
        problems = [
            (minimum is not None and value < minimum, f"must be >= {_fmt(minimum)}"),
            (maximum is not None and value > maximum, f"must be <= {_fmt(maximum)}"),
            (above is not None and value <= above, f"must be > {_fmt(above)}"),
            (below is not None and value >= below, f"must be < {_fmt(below)}"),
        ]
        for failed, message in problems:
            if failed:
                self.error(where, message)
                return default
        return value

    def boolean(self, data: Mapping, key: str, path: str, default: bool) -> bool:
        if key not in data:
            return default
        if not isinstance(data[key], bool):
            self.error(f"{path}.{key}" if path else key, "must be true or false")
            return default
        return data[key]

    def string(
        self,
        data: Mapping,
        key: str,
        path: str,
        default: Any,
        *,
        choices: Iterable[str] | None = None,
        nullable: bool = False,
        max_length: int = 200,
    ) -> Any:
        where = f"{path}.{key}" if path else key
        if key not in data:
            return default
        value = data[key]
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            self.error(where, "must be a string")
            return default
        if len(value) > max_length:
            self.error(where, f"must be at most {max_length} characters")
            return default
        if choices is not None and value not in choices:
            self.error(where, f"must be one of {', '.join(choices)}")
            return default
        return value

    def string_list(
        self,
        data: Mapping,
        key: str,
        path: str,
        default: tuple[str, ...],
        choices: Iterable[str] | None = None,
    ) -> tuple[str, ...]:
        where = f"{path}.{key}"
        if key not in data:
            return default
        value = data[key]
        if not isinstance(value, list | tuple):
            self.error(where, "must be a list of strings")
            return default
        items = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.error(f"{where}.{i}", "must be a string")
            elif choices is not None and item not in choices:
                self.error(f"{where}.{i}", f"must be one of {', '.join(choices)}")
            else:
                items.append(item)
        return tuple(items)


def _finite(value: float) -> bool:
    """True for a finite number; a huge JSON integer overflows float and is not one."""
    try:
        return math.isfinite(value) and abs(value) < 1e300
    except OverflowError:
        return False


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
    return f"; did you mean: {', '.join(close)}" if close else ""


def _slug_error(kind: str, slug: str, known: Iterable[str]) -> str:
    return f"unknown {kind} '{slug}'{_suggest(slug, known)}"


def _field_names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


# --- sections ------------------------------------------------------------------------


def _prompting(r: _Reader, data: Mapping) -> Prompting:
    p = "prompting"
    d = Prompting()
    return Prompting(
        failure_modes=r.string_list(data, "failure_modes", p, d.failure_modes, FAILURE_MODES),
        needs_fresh_knowledge=r.boolean(data, "needs_fresh_knowledge", p, False),
        prompting_quality=r.number(data, "prompting_quality", p, d.prompting_quality,
                                   minimum=0, maximum=1),
        target_quality=r.number(data, "target_quality", p, d.target_quality,
                                minimum=0, maximum=1),
    )  # fmt: skip


def _data(r: _Reader, data: Mapping) -> Data:
    p = "data"
    d = Data()
    return Data(
        train_examples=r.number(data, "train_examples", p, d.train_examples, integer=True,
                                minimum=0, maximum=MAX_EXAMPLES),
        validation_examples=r.number(data, "validation_examples", p, d.validation_examples,
                                     integer=True, minimum=0, maximum=MAX_EXAMPLES),
        avg_tokens_per_example=r.number(data, "avg_tokens_per_example", p,
                                        d.avg_tokens_per_example, integer=True,
                                        minimum=1, maximum=MAX_TOKENS_PER_CALL),
        eval_set_examples=r.number(data, "eval_set_examples", p, d.eval_set_examples,
                                   integer=True, minimum=0, maximum=1_000_000),
        quality=r.string(data, "quality", p, d.quality, choices=DATA_QUALITIES),
    )  # fmt: skip


def _training(r: _Reader, data: Mapping) -> Training:
    p = "training"
    d = Training(base_model="")
    base_model = r.string(data, "base_model", p, None)
    if "base_model" not in data:
        r.error("training.base_model", "is required")
    gpus: int | str = d.gpus
    if "gpus" in data and data["gpus"] != "auto":
        if isinstance(data["gpus"], str):
            r.error("training.gpus", 'must be "auto" or a count')
        else:
            gpus = r.number(data, "gpus", p, d.gpus, integer=True, minimum=1, maximum=MAX_GPUS)
    return Training(
        base_model=base_model or "",
        method=r.string(data, "method", p, d.method, choices=METHODS),
        lora_rank=r.number(data, "lora_rank", p, d.lora_rank, integer=True,
                           minimum=1, maximum=4096),
        lora_targets=r.string(data, "lora_targets", p, d.lora_targets, choices=LORA_TARGETS),
        epochs=r.number(data, "epochs", p, d.epochs, integer=True, minimum=1, maximum=100),
        sequence_length=r.number(data, "sequence_length", p, d.sequence_length, integer=True,
                                 minimum=1, maximum=1_048_576),
        batch_size=r.number(data, "batch_size", p, d.batch_size, integer=True,
                            minimum=1, maximum=4096),
        gradient_checkpointing=r.boolean(data, "gradient_checkpointing", p,
                                         d.gradient_checkpointing),
        attention=r.string(data, "attention", p, d.attention, choices=ATTENTIONS),
        platform=r.string(data, "platform", p, d.platform, choices=PLATFORMS),
        provider=r.string(data, "provider", p, d.provider, nullable=True),
        gpu=r.string(data, "gpu", p, d.gpu),
        gpus=gpus,
        mfu=r.number(data, "mfu", p, d.mfu, above=0, maximum=1),
        evals=r.number(data, "evals", p, d.evals, integer=True, minimum=0, maximum=1000,
                       nullable=True),
        setup_hours=r.number(data, "setup_hours", p, d.setup_hours, minimum=0, maximum=1000),
        qlora_dequant_slowdown=r.number(data, "qlora_dequant_slowdown", p,
                                        d.qlora_dequant_slowdown, minimum=1, maximum=10),
    )  # fmt: skip


def _inference(r: _Reader, data: Mapping) -> Inference:
    p = "inference"
    d = Inference()
    baseline = d.baseline
    raw = r.section(data, "baseline", _field_names(Baseline), "inference.baseline")
    if raw is not None:
        baseline = Baseline(
            provider=r.string(raw, "provider", "inference.baseline", d.baseline.provider),
            model=r.string(raw, "model", "inference.baseline", d.baseline.model),
        )
    return Inference(
        daily_calls=r.number(data, "daily_calls", p, d.daily_calls, minimum=0,
                             maximum=MAX_DAILY_CALLS),
        input_tokens_per_call=r.number(data, "input_tokens_per_call", p,
                                       d.input_tokens_per_call, integer=True, minimum=0,
                                       maximum=MAX_TOKENS_PER_CALL),
        output_tokens_per_call=r.number(data, "output_tokens_per_call", p,
                                        d.output_tokens_per_call, integer=True, minimum=0,
                                        maximum=MAX_TOKENS_PER_CALL),
        monthly_growth=r.number(data, "monthly_growth", p, d.monthly_growth,
                                minimum=-0.5, maximum=1.0),
        baseline=baseline,
        serving=r.string(data, "serving", p, d.serving, choices=SERVINGS),
        serving_provider=r.string(data, "serving_provider", p, d.serving_provider,
                                  nullable=True),
        peak_to_average=r.number(data, "peak_to_average", p, d.peak_to_average,
                                 minimum=1, maximum=100),
        batching_factor=r.number(data, "batching_factor", p, d.batching_factor,
                                 above=0, maximum=4096),
        tokens_per_second_per_replica=r.number(data, "tokens_per_second_per_replica", p,
                                               None, above=0, maximum=1e8, nullable=True),
        gpu=r.string(data, "gpu", p, d.gpu, nullable=True),
    )  # fmt: skip


def _costs(r: _Reader, data: Mapping) -> Costs:
    p = "costs"
    d = Costs()
    return Costs(
        engineering_hours=r.number(data, "engineering_hours", p, d.engineering_hours,
                                   minimum=0, maximum=100_000),
        hourly_rate=r.number(data, "hourly_rate", p, d.hourly_rate, minimum=0, maximum=10_000),
        data_prep_share=r.number(data, "data_prep_share", p, d.data_prep_share,
                                 minimum=0, maximum=0.95),
        discount_rate_annual=r.number(data, "discount_rate_annual", p,
                                      d.discount_rate_annual, minimum=0, maximum=1),
        evaluation_hours=r.number(data, "evaluation_hours", p, d.evaluation_hours,
                                  minimum=0, maximum=10_000),
        maintenance_hours_per_month=r.number(data, "maintenance_hours_per_month", p,
                                             d.maintenance_hours_per_month,
                                             minimum=0, maximum=10_000),
    )  # fmt: skip


def _velocity(r: _Reader, data: Mapping) -> Velocity:
    p = "velocity"
    d = Velocity()
    return Velocity(
        refresh_months=r.number(data, "refresh_months", p, d.refresh_months, integer=True,
                                minimum=1, maximum=120),
        chasing_frontier=r.boolean(data, "chasing_frontier", p, d.chasing_frontier),
        refresh_prep_share=r.number(data, "refresh_prep_share", p, d.refresh_prep_share,
                                    minimum=0, maximum=1),
    )  # fmt: skip


def _constraints(r: _Reader, data: Mapping) -> Constraints:
    d = Constraints()
    licenses = r.string_list(data, "allowed_licenses", "constraints", d.allowed_licenses)
    return Constraints(
        regulated_data=r.boolean(data, "regulated_data", "constraints", d.regulated_data),
        allowed_licenses=tuple(x.lower() for x in licenses),
    )


def _uncertainty(r: _Reader, data: Mapping) -> Uncertainty:
    p = "uncertainty"
    d = Uncertainty()
    ranges: dict[str, tuple[float, float]] = {}
    raw = r.section(data, "ranges", UNCERTAIN_INPUT_NAMES, "uncertainty.ranges")
    for name, value in (raw or {}).items():
        if name not in UNCERTAIN_INPUT_NAMES:
            continue
        where = f"uncertainty.ranges.{name}"
        if (
            not isinstance(value, list | tuple)
            or len(value) != 2
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
            or not all(_finite(v) for v in value)
        ):
            r.error(where, "must be [low, high], two numbers")
        elif value[0] < 0 or value[0] > value[1]:
            r.error(where, "must satisfy 0 <= low <= high")
        else:
            ranges[name] = (float(value[0]), float(value[1]))
    return Uncertainty(
        samples=r.number(data, "samples", p, d.samples, integer=True, minimum=MIN_SAMPLES,
                         maximum=MAX_SAMPLES),
        seed=r.number(data, "seed", p, d.seed, integer=True, minimum=0, maximum=2**32 - 1),
        ranges=ranges,
    )  # fmt: skip


def _required(r: _Reader, data: Mapping, keys: Iterable[str], path: str) -> None:
    for key in keys:
        if key not in data:
            r.error(f"{path}.{key}", "is required")


def _items(r: _Reader, data: Mapping, key: str, path: str, limit: int) -> list[tuple[str, Mapping]]:
    """(dotted path, object) of every item of the list `data[key]`; problems recorded."""
    where = f"{path}.{key}" if path else key
    value = data.get(key) or []
    if not isinstance(value, list | tuple):
        r.error(where, "must be a list")
        return []
    if len(value) > limit:
        r.error(where, f"must have at most {limit} items")
        return []
    items = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping):
            items.append((f"{where}.{i}", item))
        else:
            r.error(f"{where}.{i}", "must be an object")
    return items


def _iso_date(r: _Reader, data: Mapping, key: str, path: str) -> str | None:
    value = r.string(data, key, path, None, nullable=True, max_length=10)
    if value is None:
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        value = ""
    if len(value) != 10:
        r.error(f"{path}.{key}", "must be a date, YYYY-MM-DD")
        return None
    return value


def _evaluation(r: _Reader, data: Mapping) -> Evaluation | None:
    """`evaluation` (added): the test set and the measured quality of each candidate."""
    if data.get("evaluation") is None:
        return None
    raw = r.section(data, "evaluation", _field_names(Evaluation), "evaluation")
    if raw is None:
        return None
    p = "evaluation.test_set"
    test_set = HeldOutSet()
    raw_set = r.section(raw, "test_set", _field_names(HeldOutSet), p)
    if "test_set" not in raw:
        r.error(p, "is required")
    elif raw_set is not None:
        _required(r, raw_set, ["examples"], p)
        test_set = HeldOutSet(
            examples=r.number(raw_set, "examples", p, 0, integer=True, minimum=1,
                              maximum=MAX_EXAMPLES),
            description=r.string(raw_set, "description", p, "", max_length=MAX_NOTES),
        )  # fmt: skip
    candidates = []
    for where, item in _items(r, raw, "candidates", "evaluation", MAX_CANDIDATES):
        r.unknown_keys(item, _field_names(CandidateResult), where)
        _required(r, item, ["candidate", "accuracy"], where)
        c = CandidateResult(
            candidate=r.string(item, "candidate", where, "finetuned", choices=CANDIDATES),
            model=r.string(item, "model", where, ""),
            accuracy=r.number(item, "accuracy", where, 0.0, minimum=0, maximum=1),
            format_reliability=r.number(item, "format_reliability", where, None, minimum=0,
                                        maximum=1, nullable=True),
            measured_on=_iso_date(r, item, "measured_on", where),
            notes=r.string(item, "notes", where, "", max_length=MAX_NOTES),
            correct=r.number(item, "correct", where, None, integer=True, minimum=0,
                             maximum=MAX_EXAMPLES, nullable=True),
            total=r.number(item, "total", where, None, integer=True, minimum=1,
                           maximum=MAX_EXAMPLES, nullable=True),
        )  # fmt: skip
        if (c.correct is None) != (c.total is None):
            r.error(f"{where}.total", "correct and total go together")
        elif c.correct is not None and c.correct > c.total:
            r.error(f"{where}.correct", "must be <= total")
        elif c.correct is not None and abs(c.accuracy - c.correct / c.total) > 5e-4:
            r.error(f"{where}.accuracy", f"must equal correct / total ({c.correct / c.total:.4f})")
        candidates.append(c)
    return Evaluation(test_set=test_set, candidates=tuple(candidates))


def _measured_runs(r: _Reader, data: Mapping) -> tuple[MeasuredRun, ...]:
    """`measured_runs` (added): training runs the team did, to calibrate the engine."""
    d = MeasuredRun()
    runs = []
    for where, item in _items(r, data, "measured_runs", "", MAX_MEASURED_RUNS):
        r.unknown_keys(item, _field_names(MeasuredRun), where)
        _required(r, item, ["gpu", "tokens", "wall_hours", "base_model"], where)
        runs.append(MeasuredRun(
            gpu=r.string(item, "gpu", where, d.gpu),
            gpus=r.number(item, "gpus", where, d.gpus, integer=True, minimum=1,
                          maximum=MAX_GPUS),
            tokens=r.number(item, "tokens", where, d.tokens, integer=True, minimum=1,
                            maximum=1e15),
            wall_hours=r.number(item, "wall_hours", where, d.wall_hours, above=0,
                                maximum=100_000),
            peak_memory_gb=r.number(item, "peak_memory_gb", where, None, above=0,
                                    maximum=10_000, nullable=True),
            cost=r.number(item, "cost", where, None, minimum=0, maximum=1e9, nullable=True),
            method=r.string(item, "method", where, d.method, choices=METHODS),
            base_model=r.string(item, "base_model", where, d.base_model),
            lora_rank=r.number(item, "lora_rank", where, d.lora_rank, integer=True,
                               minimum=1, maximum=4096),
            batch_size=r.number(item, "batch_size", where, d.batch_size, integer=True,
                                minimum=1, maximum=4096),
            sequence_length=r.number(item, "sequence_length", where, d.sequence_length,
                                     integer=True, minimum=1, maximum=1_048_576),
        ))  # fmt: skip
    return tuple(runs)


_SECTIONS: dict[str, tuple[type, Callable[[_Reader, Mapping], Any]]] = {
    "prompting": (Prompting, _prompting),
    "data": (Data, _data),
    "training": (Training, _training),
    "inference": (Inference, _inference),
    "costs": (Costs, _costs),
    "velocity": (Velocity, _velocity),
    "constraints": (Constraints, _constraints),
    "uncertainty": (Uncertainty, _uncertainty),
}


def parse_scenario(data: Mapping, book: PriceBook) -> Scenario:
    """Validate JSON-like `data` against format v1 and the price book; fill the defaults.

    Raises ScenarioError listing every problem (dotted field paths); nothing else.
    """
    r = _Reader()
    if not isinstance(data, Mapping):
        raise ScenarioError([{"field": "", "message": "must be a JSON object"}])
    r.unknown_keys(data, _field_names(Scenario), "")
    if "schema" in data and data["schema"] != SCENARIO_SCHEMA:
        r.error("schema", f'must be "{SCENARIO_SCHEMA}"')
    parts: dict[str, Any] = {}
    for key, (cls, read) in _SECTIONS.items():
        section = r.section(data, key, _field_names(cls), key)
        if section is not None:
            parts[key] = read(r, section)
    d = Scenario(training=Training(base_model=""))
    top = {
        "name": r.string(data, "name", "", d.name),
        "catalog": r.string(data, "catalog", "", d.catalog, max_length=40),
        "horizon_months": r.number(data, "horizon_months", "", d.horizon_months,
                                   integer=True, minimum=1, maximum=120),
        "use_case": r.string(data, "use_case", "", d.use_case, choices=USE_CASES),
        "evaluation": _evaluation(r, data),
        "measured_runs": _measured_runs(r, data),
    }  # fmt: skip
    # Invalid values were replaced by their defaults above, so the slugs can still be
    # checked: the user sees every problem at once, each field named once.
    scenario = Scenario(**top, **parts) if "training" in parts else None
    if scenario is not None:
        _check_catalog(r, scenario, book)
    if r.errors:
        raise ScenarioError(_first_per_field(r.errors))
    # Imported lazily: the plan needs the scenario types defined above.
    from decisions.engine.plan import plan_problems

    problems = plan_problems(scenario, book)
    if problems:
        raise ScenarioError(problems)
    return scenario


def _first_per_field(errors: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[str] = set()
    kept = []
    for error in errors:
        if error["field"] not in seen:
            seen.add(error["field"])
            kept.append(error)
    return kept


def _check_catalog(r: _Reader, s: Scenario, book: PriceBook) -> None:
    """Slugs must name catalog rows; an unknown one lists the nearest known slugs."""
    model = book.models.get(s.training.base_model)
    if model is None:
        r.error("training.base_model", _slug_error("model", s.training.base_model, book.models))
    elif not _has_architecture(model):
        r.error(
            "training.base_model",
            f"'{model.slug}' has no published architecture; choose an open-weight model",
        )
    if s.training.gpu not in book.gpus:
        r.error("training.gpu", _slug_error("gpu", s.training.gpu, book.gpus))
    if s.inference.gpu is not None and s.inference.gpu not in book.gpus:
        r.error("inference.gpu", _slug_error("gpu", s.inference.gpu, book.gpus))
    for where, slug in (
        ("training.provider", s.training.provider),
        ("inference.serving_provider", s.inference.serving_provider),
        ("inference.baseline.provider", s.inference.baseline.provider),
    ):
        if slug is not None and slug not in book.providers:
            r.error(where, _slug_error("provider", slug, book.providers))
    if s.inference.baseline.model not in book.models:
        r.error(
            "inference.baseline.model",
            _slug_error("model", s.inference.baseline.model, book.models),
        )
    for i, run in enumerate(s.measured_runs):
        _check_run(r, f"measured_runs.{i}", run, book)
    for name, (low, high) in s.uncertainty.ranges.items():
        mode = uncertain_mode(s, name)
        if not low <= mode <= high:
            r.error(
                f"uncertainty.ranges.{name}",
                f"must contain the scenario's value {mode:g} (low <= value <= high)",
            )


def _check_run(r: _Reader, where: str, run: MeasuredRun, book: PriceBook) -> None:
    """A run names catalog slugs and cannot be faster than the GPUs' peak allows."""
    model = book.models.get(run.base_model)
    known = True
    if run.gpu not in book.gpus:
        r.error(f"{where}.gpu", _slug_error("gpu", run.gpu, book.gpus))
        known = False
    if model is None:
        r.error(f"{where}.base_model", _slug_error("model", run.base_model, book.models))
        known = False
    elif not _has_architecture(model):
        r.error(f"{where}.base_model", f"'{model.slug}' has no published architecture")
        known = False
    if not known or not run.tokens or not run.wall_hours:
        return
    # Imported lazily: calibration needs the scenario types defined above.
    from decisions.engine.calibration import run_implied_mfu

    mfu = run_implied_mfu(run, book)
    if mfu > 1.0:
        r.error(
            f"{where}.wall_hours",
            f"implies {mfu:.0%} of the GPUs' peak FLOPs, which is impossible: "
            "check tokens, GPUs and hours",
        )


def _has_architecture(model: Any) -> bool:
    """The memory and FLOPs formulas need the whole config, not just a parameter count."""
    mlp = model.moe_intermediate_size if model.num_experts else model.intermediate_size
    sizes = (model.layers, model.hidden_size, model.attention_heads, model.vocab_size, mlp)
    return all(sizes) and model.total_params > 0 and model.active_params > 0


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The full v1 JSON of a scenario, every default written out (round-trips)."""
    out = _plain(asdict(scenario))
    out["uncertainty"]["ranges"] = {k: list(v) for k, v in scenario.uncertainty.ranges.items()}
    # The evidence keys are optional: written out only when there is evidence, so a
    # scenario without any keeps exactly its v1 shape.
    if scenario.evaluation is None:
        out.pop("evaluation")
    if not scenario.measured_runs:
        out.pop("measured_runs")
    ordered = {"schema": out.pop("schema")}
    ordered.update(out)
    return ordered


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
