"""The price book: a plain, immutable snapshot of one catalog version.

The engine reads prices only from here. `pricing` builds a PriceBook from a catalog
version in the database; tests and the command line can build one from the catalog
JSON file (`pricing/data/catalog-2026-11.json`) with `price_book_from_dict`.
No ORM object ever reaches the engine.

Units: parameters are counts (8.03e9, not 8.03), sizes in GB (1e9 bytes), TFLOPS dense
bf16, GB/s, money in USD. Size bands are in billions of parameters: a band row applies
to a model when `min_params_b < params_b <= max_params_b` (MoE models are priced on
total parameters). A row names either a model slug or a size band, never both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from types import MappingProxyType
from typing import Any

PROVIDER_KINDS = ("managed_finetuning", "gpu_cloud", "proprietary_api", "on_prem")
TRAINING_METHODS = ("lora", "full")


@dataclass(frozen=True)
class Provider:
    slug: str
    name: str
    kind: str  # one of PROVIDER_KINDS
    source_url: str = ""
    as_of: date | None = None


@dataclass(frozen=True)
class Gpu:
    slug: str
    name: str
    memory_gb: float
    bf16_tflops: float  # dense, no sparsity
    bandwidth_gbs: float
    source_url: str = ""
    as_of: date | None = None


@dataclass(frozen=True)
class BaseModel:
    slug: str
    name: str
    family: str
    total_params: float
    active_params: float  # == total_params for dense models
    open_weight: bool
    license: str  # SPDX id ("apache-2.0", "mit") or "custom"
    license_name: str = ""
    license_notes: str = ""  # user caps, geography, revenue limits, output rules
    release_date: date | None = None
    context_length: int = 0
    # Architecture; None for proprietary models whose config is not published.
    layers: int | None = None
    hidden_size: int | None = None
    intermediate_size: int | None = None
    attention_heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None  # None means hidden_size // attention_heads
    vocab_size: int | None = None
    num_experts: int = 0  # MoE: routed experts per layer (0 for dense)
    experts_per_token: int = 0
    moe_intermediate_size: int = 0
    source_url: str = ""
    as_of: date | None = None

    @property
    def params_b(self) -> float:
        return self.total_params / 1e9


@dataclass(frozen=True)
class TrainingPrice:
    """Managed fine-tuning, per 1M billed tokens."""

    provider: str
    method: str  # one of TRAINING_METHODS; QLoRA jobs are billed as LoRA
    price_per_1m: float
    source_url: str
    as_of: date
    model: str | None = None
    min_params_b: float | None = None
    max_params_b: float | None = None
    min_charge: float = 0.0


@dataclass(frozen=True)
class InferencePrice:
    """Per 1M tokens, for a base model or for fine-tuned (adapter / ft:) inference."""

    provider: str
    fine_tuned: bool
    input_per_1m: float
    output_per_1m: float
    source_url: str
    as_of: date
    model: str | None = None
    min_params_b: float | None = None
    max_params_b: float | None = None
    cached_input_per_1m: float | None = None
    batch_input_per_1m: float | None = None
    batch_output_per_1m: float | None = None


@dataclass(frozen=True)
class HostingPrice:
    """A dedicated deployment billed per hour whether it is busy or idle."""

    provider: str
    gpu: str
    gpus: int
    per_hour: float
    source_url: str
    as_of: date


@dataclass(frozen=True)
class GpuRentalPrice:
    provider: str
    gpu: str
    on_demand_per_hour: float  # per GPU
    source_url: str
    as_of: date
    spot_per_hour: float | None = None


@dataclass(frozen=True)
class BareMetalPrice:
    provider: str
    gpu: str
    gpus: int
    per_month: float
    source_url: str
    as_of: date
    label: str = ""


@dataclass(frozen=True)
class PriceBook:
    version: str
    published_at: date | None
    providers: Mapping[str, Provider]
    gpus: Mapping[str, Gpu]
    models: Mapping[str, BaseModel]
    training: tuple[TrainingPrice, ...] = ()
    inference: tuple[InferencePrice, ...] = ()
    hosting: tuple[HostingPrice, ...] = ()
    gpu_rental: tuple[GpuRentalPrice, ...] = ()
    bare_metal: tuple[BareMetalPrice, ...] = ()

    def __post_init__(self) -> None:
        for name in ("providers", "gpus", "models"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        for name in ("training", "inference", "hosting", "gpu_rental", "bare_metal"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


# The catalog JSON file and `export_catalog --format json` use these section names.
SECTIONS: dict[str, type] = {
    "providers": Provider,
    "gpus": Gpu,
    "models": BaseModel,
    "training_prices": TrainingPrice,
    "inference_prices": InferencePrice,
    "hosting_prices": HostingPrice,
    "gpu_prices": GpuRentalPrice,
    "bare_metal_prices": BareMetalPrice,
}


def _row(cls: type, data: Mapping[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in known}
    for key in ("as_of", "release_date"):
        if isinstance(values.get(key), str):
            values[key] = date.fromisoformat(values[key])
    return cls(**values)


def price_book_from_dict(data: Mapping[str, Any]) -> PriceBook:
    """Build a PriceBook from the catalog JSON shape (already validated by `pricing`)."""
    rows = {name: [_row(cls, r) for r in data.get(name, [])] for name, cls in SECTIONS.items()}
    published = data.get("published_at")
    return PriceBook(
        version=data["version"],
        published_at=date.fromisoformat(published[:10]) if published else None,
        providers={p.slug: p for p in rows["providers"]},
        gpus={g.slug: g for g in rows["gpus"]},
        models={m.slug: m for m in rows["models"]},
        training=rows["training_prices"],
        inference=rows["inference_prices"],
        hosting=rows["hosting_prices"],
        gpu_rental=rows["gpu_prices"],
        bare_metal=rows["bare_metal_prices"],
    )
