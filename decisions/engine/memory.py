"""GPU memory for training (full, LoRA, QLoRA) and serving, per domain.md section 4.

Sizes are GB (1e9 bytes). Every estimate is a band, because published calculators are
often off by 30-50%:

- low: what the framework's own peak-allocated figure would show
  (`torch.cuda.max_memory_allocated`): weights, optimiser/adapter states, activations,
  logits and workspace. It leaves out the CUDA context.
- expected: low + the ~1 GB CUDA context, i.e. what `nvidia-smi` shows.
- high: expected x 1.1 for allocator fragmentation. Whether a configuration *fits* a GPU
  is decided on `high`, so "fits" is a promise, not a hope.

The estimate is per GPU. With `shards > 1` the weights (and, for full fine-tuning, the
gradient and optimiser states) are sharded ZeRO-3 / FSDP style; activations, logits and
the CUDA context are per GPU. LoRA and QLoRA replicate the weights when they fit on one
GPU (plain data parallel) and shard them only when they do not: `gpus_needed` returns the
smallest count, so a LoRA job that fits one GPU is never sharded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from decisions.engine.pricebook import BaseModel, PriceBook
from decisions.engine.scenario import METHODS, Training

GB = 1e9
BF16_BYTES = 2.0
FP32_BYTES = 4.0
# NF4 weights with double quantisation: 4 bits + 0.127 bit of constants per parameter.
NF4_BYTES_PER_PARAM = 0.5 + 0.127 / 8
# Mixed-precision AdamW: bf16 weights 2 + bf16 grads 2 + fp32 master 4 + Adam m, v 8.
FULL_ADAMW_BYTES_PER_PARAM = 16.0
# Adapter parameters are trained in full precision with AdamW: the same 16 bytes.
ADAPTER_BYTES_PER_PARAM = 16.0
LOGITS_BYTES_PER_VALUE = 2 + 4 + 4  # bf16 logits, fp32 upcast for the loss, fp32 grad
DEQUANT_WORKSPACE_GB = 0.3  # bitsandbytes de-quantises one layer at a time
CUDA_CONTEXT_GB = 1.0
FRAGMENTATION = 1.10
FITS_MAX_GPUS = 8  # the fits table covers one node


@dataclass(frozen=True)
class MemoryEstimate:
    """Per-GPU memory in GB; `components` add up to `low`."""

    components: dict[str, float]
    sharded: float  # the part of `low` divided across GPUs

    @property
    def low(self) -> float:
        return sum(self.components.values())

    @property
    def expected(self) -> float:
        return self.low + CUDA_CONTEXT_GB

    @property
    def high(self) -> float:
        return self.expected * FRAGMENTATION

    def band(self) -> dict[str, float]:
        return {"low": self.low, "expected": self.expected, "high": self.high}


def head_dim(model: BaseModel) -> int:
    return model.head_dim or model.hidden_size // model.attention_heads


def linear_shapes(model: BaseModel, targets: str) -> list[tuple[int, int, int]]:
    """(d_in, d_out, count) of the linear layers of one transformer block in `targets`.

    q is h -> heads x head_dim and o its inverse (head_dim x heads can differ from h, as
    in Gemma and Qwen3); k, v are h -> kv_heads x head_dim (GQA). The MLP is gate, up:
    h -> intermediate and down: intermediate -> h, once per routed expert for MoE models.
    """
    h = model.hidden_size
    q_out = model.attention_heads * head_dim(model)
    kv_out = (model.kv_heads or model.attention_heads) * head_dim(model)
    q, k, v, o = (h, q_out, 1), (h, kv_out, 1), (h, kv_out, 1), (q_out, h, 1)
    if targets == "qv":
        return [q, v]
    if targets == "attention":
        return [q, k, v, o]
    if model.num_experts:
        inter, experts = model.moe_intermediate_size, model.num_experts
    else:
        inter, experts = model.intermediate_size, 1
    return [q, k, v, o, (h, inter, experts), (h, inter, experts), (inter, h, experts)]


def lora_trainable_params(model: BaseModel, rank: int, targets: str) -> int:
    """Each adapted d_in -> d_out layer adds r x (d_in + d_out); summed over all layers."""
    per_layer = sum(rank * (d_in + d_out) * n for d_in, d_out, n in linear_shapes(model, targets))
    return per_layer * model.layers


def linear_params(model: BaseModel) -> int:
    """Parameters in the blocks' linear layers: the part QLoRA quantises to NF4."""
    per_layer = sum(d_in * d_out * n for d_in, d_out, n in linear_shapes(model, "all_linear"))
    return per_layer * model.layers


def kv_cache_bytes(model: BaseModel, context: float, batch: float, bytes_per_value=2.0) -> float:
    """KV = 2 (K and V) x layers x kv_heads x head_dim x context x batch x bytes."""
    kv_heads = model.kv_heads or model.attention_heads
    return 2 * model.layers * kv_heads * head_dim(model) * context * batch * bytes_per_value


def activation_bytes(model: BaseModel, training: Training) -> float:
    """Activations (Korthikanti et al.), bytes.

    A layer's working set is seq x batch x hidden x (34 + 5 x heads x seq / hidden); the
    5 x heads x seq term is the attention matrix that only eager attention materialises.
    With checkpointing each layer keeps its 2-byte input (2 x seq x batch x hidden) and one
    layer's working set is live during recompute; without it every layer keeps its set.
    """
    seq, batch, h = training.sequence_length, training.batch_size, model.hidden_size
    per_token = 34.0
    if training.attention == "eager":
        per_token += 5.0 * model.attention_heads * seq / h
    working_set = seq * batch * h * per_token
    if training.gradient_checkpointing:
        return 2.0 * seq * batch * h * model.layers + working_set
    return working_set * model.layers


def logits_bytes(model: BaseModel, training: Training) -> float:
    """The loss upcasts the logits: batch x seq x vocab x (2 + 4 + 4) bytes."""
    return (
        training.batch_size * training.sequence_length * model.vocab_size * (LOGITS_BYTES_PER_VALUE)
    )


def training_memory(
    model: BaseModel, method: str, training: Training, shards: int = 1
) -> MemoryEstimate:
    """Per-GPU training memory for `method` (full, lora, qlora) with `shards` GPUs."""
    activations = activation_bytes(model, training) / GB
    logits = logits_bytes(model, training) / GB
    adapter = (
        lora_trainable_params(model, training.lora_rank, training.lora_targets)
        * ADAPTER_BYTES_PER_PARAM
        / GB
    )
    if method == "full":
        states = model.total_params * FULL_ADAMW_BYTES_PER_PARAM / GB
        components = {"weights_and_optimizer": states / shards}
        sharded = states
    elif method == "lora":
        weights = model.total_params * BF16_BYTES / GB
        components = {"weights": weights / shards, "adapter": adapter}
        sharded = weights
    else:  # qlora
        quantised = linear_params(model)
        # Embeddings, output head and norms stay unquantised and k-bit preparation
        # upcasts them to fp32; deriving them from total_params counts tied embeddings once.
        other = max(model.total_params - quantised, 0.0)
        weights = (quantised * NF4_BYTES_PER_PARAM + other * FP32_BYTES) / GB
        components = {
            "weights": weights / shards,
            "adapter": adapter,
            "dequant_workspace": DEQUANT_WORKSPACE_GB,
        }
        sharded = weights
    components["activations"] = activations
    components["logits"] = logits
    return MemoryEstimate(components=components, sharded=sharded)


def serving_memory(model: BaseModel, context: float, batch: float) -> MemoryEstimate:
    """bf16 weights + fp16 KV cache for `batch` concurrent requests of `context` tokens."""
    weights = model.total_params * BF16_BYTES / GB
    kv = kv_cache_bytes(model, context, batch) / GB
    return MemoryEstimate(components={"weights": weights, "kv_cache": kv}, sharded=weights + kv)


def gpus_needed(estimate: MemoryEstimate, gpu_memory_gb: float, max_gpus: int) -> int | None:
    """The fewest GPUs whose memory holds the `high` figure, or None beyond `max_gpus`.

    Per-GPU high = (sharded / n + unsharded + CUDA context) x fragmentation; solved for n.
    """
    unsharded = estimate.low - estimate.sharded + CUDA_CONTEXT_GB
    room = gpu_memory_gb / FRAGMENTATION - unsharded
    if room <= 0:
        return None
    n = max(1, math.ceil(estimate.sharded / room - 1e-9))
    return n if n <= max_gpus else None


def fits(book: PriceBook, model: BaseModel, training: Training) -> list[dict]:
    """For every catalog GPU and method, the GPUs needed on one node (1..8) or None."""
    rows = []
    estimates = {m: training_memory(model, m, training) for m in METHODS}
    for gpu in sorted(book.gpus.values(), key=lambda g: (g.memory_gb, g.slug)):
        for method in ("qlora", "lora", "full"):
            needed = gpus_needed(estimates[method], gpu.memory_gb, FITS_MAX_GPUS)
            rows.append({"gpu": gpu.slug, "method": method, "gpus": needed})
    return rows
