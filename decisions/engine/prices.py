"""Price look-ups in a PriceBook: which catalog row prices a given job.

A row names either a model slug or a size band; the model row wins because it is the
more specific statement. Size bands match `min_params_b < params_b <= max_params_b` on
total parameters (MoE models are priced on total parameters). Every function returns the
row itself (never a bare number) so the result can cite its source URL and date.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from decisions.engine.pricebook import (
    BareMetalPrice,
    BaseModel,
    GpuRentalPrice,
    HostingPrice,
    InferencePrice,
    PriceBook,
    TrainingPrice,
)


def band_applies(min_params_b: float | None, max_params_b: float | None, params_b: float) -> bool:
    """True when a size-band row covers a model of `params_b` billion parameters."""
    if min_params_b is None and max_params_b is None:
        return False  # a row with no model and no band prices nothing
    above_min = min_params_b is None or params_b > min_params_b
    below_max = max_params_b is None or params_b <= max_params_b
    return above_min and below_max


def _most_specific(rows: Iterable[Any], model: BaseModel) -> Any | None:
    rows = list(rows)
    for row in rows:
        if row.model == model.slug:
            return row
    for row in rows:
        if row.model is None and band_applies(row.min_params_b, row.max_params_b, model.params_b):
            return row
    return None


def billing_method(method: str) -> str:
    """Managed platforms bill QLoRA jobs as LoRA (the quantisation is theirs to choose)."""
    return "full" if method == "full" else "lora"


def training_price(
    book: PriceBook, provider: str, model: BaseModel, method: str
) -> TrainingPrice | None:
    """The provider's managed fine-tuning price row for this model and method."""
    rows = (
        r for r in book.training if r.provider == provider and r.method == billing_method(method)
    )
    return _most_specific(rows, model)


def inference_price(
    book: PriceBook, provider: str, model: BaseModel, *, fine_tuned: bool
) -> InferencePrice | None:
    """The provider's per-token price for the model.

    For fine-tuned inference the fine-tuned row wins; providers that serve adapters at the
    base price (Together, Fireworks serverless LoRA) may list only base rows, so the base
    row is the fallback. Baseline (not fine-tuned) inference uses base rows only.
    """
    mine = [r for r in book.inference if r.provider == provider]
    if fine_tuned:
        row = _most_specific((r for r in mine if r.fine_tuned), model)
        if row is not None:
            return row
    return _most_specific((r for r in mine if not r.fine_tuned), model)


def gpu_rental_price(
    book: PriceBook, gpu: str, provider: str | None = None
) -> GpuRentalPrice | None:
    """The cheapest on-demand rental row for a GPU (from one provider when given)."""
    rows = [
        r for r in book.gpu_rental if r.gpu == gpu and (provider is None or r.provider == provider)
    ]
    return min(rows, key=lambda r: (r.on_demand_per_hour, r.provider), default=None)


def bare_metal_price(
    book: PriceBook, gpu: str, gpus: int, provider: str | None = None
) -> BareMetalPrice | None:
    """The cheapest bare-metal server with at least `gpus` of this GPU."""
    rows = [
        r
        for r in book.bare_metal
        if r.gpu == gpu and r.gpus >= gpus and (provider is None or r.provider == provider)
    ]
    return min(rows, key=lambda r: (r.per_month, r.provider), default=None)


def hosting_prices(book: PriceBook, provider: str | None = None) -> list[HostingPrice]:
    """Dedicated deployment rows, cheapest first."""
    rows = [r for r in book.hosting if provider is None or r.provider == provider]
    return sorted(rows, key=lambda r: (r.per_hour, r.provider, r.gpu))


def managed_providers(book: PriceBook) -> list[str]:
    """Providers with at least one managed fine-tuning price row."""
    return sorted({r.provider for r in book.training})


def inference_providers(book: PriceBook) -> list[str]:
    return sorted({r.provider for r in book.inference})


def price_used(kind: str, row: Any, item: str, value: float, unit: str) -> dict[str, Any]:
    """One line of the result's assumptions table."""
    return {
        "kind": kind,
        "provider": row.provider,
        "item": item,
        "value": float(value),
        "unit": unit,
        "source_url": row.source_url,
        "as_of": row.as_of.isoformat() if row.as_of else None,
    }
