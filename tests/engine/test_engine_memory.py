"""Memory estimates: exact LoRA counts (GQA, head_dim, MoE), the seed's bands, fits."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decisions.engine.memory import (
    fits,
    gpus_needed,
    linear_params,
    lora_trainable_params,
    serving_memory,
    training_memory,
)
from decisions.engine.scenario import Training

# (model, rank, targets, exact trainable parameters), by hand from the configs:
# r x (d_in + d_out) per adapted layer, summed, x layers.
TRAINABLE = [
    # q, v: 2 x 8 x (4096 + 4096) x 32
    ("llama-2-7b", 8, "qv", 4_194_304),
    # GQA: q 16x(4096+4096), k, v 16x(4096+1024), o 16x(4096+4096), gate/up/down
    # 16x(4096+14336): 1,310,720 per layer x 32 (the contract's example figure)
    ("llama-3.1-8b", 16, "all_linear", 41_943_040),
    # q 8x(4096+4096), k/v 8x(4096+1024), o 8x(4096+4096) = 212,992 x 32
    ("llama-3.1-8b", 8, "attention", 6_815_744),
    # Qwen3-8B: q is 4096 -> 32 x 128 = 4096, k/v 4096 -> 8 x 128; 36 layers
    ("qwen3-8b", 8, "qv", 8 * ((4096 + 4096) + (4096 + 1024)) * 36),
    # Gemma 3 27B: q is 5376 -> 32 x 128 = 4096 (not 5376), v 5376 -> 16 x 128; 62 layers
    ("gemma-3-27b", 8, "qv", 8 * ((5376 + 4096) + (5376 + 2048)) * 62),
    # MoE: every expert's gate/up/down is adapted (128 experts of 4096 <-> 1536)
    ("qwen3-235b-a22b", 8, "all_linear",
     (8 * ((4096 + 8192) + 2 * (4096 + 512) + (8192 + 4096))
      + 128 * 3 * 8 * (4096 + 1536)) * 94),
]  # fmt: skip


@pytest.mark.parametrize(("slug", "rank", "targets", "expected"), TRAINABLE)
def test_it_counts_lora_parameters_exactly(book, slug, rank, targets, expected):
    assert lora_trainable_params(book.models[slug], rank, targets) == expected


@pytest.mark.parametrize("slug", ["llama-2-7b", "llama-3.1-8b"])
@pytest.mark.parametrize("rank", [32, 48])
def test_lora_trains_one_to_two_percent_at_usual_ranks(book, slug, rank):
    model = book.models[slug]
    share = lora_trainable_params(model, rank, "all_linear") / model.total_params
    assert 0.01 <= share <= 0.02


def test_linear_layers_are_nearly_all_of_a_dense_models_parameters(book):
    # what QLoRA quantises: 70B minus embeddings and head (2 x 128,256 x 8,192)
    model = book.models["llama-3.1-70b"]
    assert linear_params(model) == 80 * (2 * 8192 * 8192 + 2 * 8192 * 1024 + 3 * 8192 * 28672)
    assert model.total_params - linear_params(model) == pytest.approx(2 * 128_256 * 8192, rel=0.1)


def test_the_band_is_low_expected_high_in_order(book):
    estimate = training_memory(book.models["llama-3.1-8b"], "lora", Training("llama-3.1-8b"))
    assert estimate.low < estimate.expected < estimate.high
    assert estimate.expected - estimate.low == pytest.approx(1.0)  # the CUDA context
    assert estimate.high == pytest.approx(estimate.expected * 1.1)


def test_eager_attention_and_no_checkpointing_cost_more_memory(book):
    model, base = book.models["llama-2-7b"], Training("llama-2-7b", batch_size=1)
    sdpa = training_memory(model, "lora", base).low
    assert training_memory(model, "lora", replace(base, attention="eager")).low > sdpa
    assert training_memory(model, "lora", replace(base, gradient_checkpointing=False)).low > sdpa


def test_a_70b_full_fine_tune_needs_several_gpus_and_a_1b_kv_cache_is_small(book):
    model = book.models["llama-3.1-70b"]
    full = training_memory(model, "full", Training("llama-3.1-70b", batch_size=1))
    assert full.expected > 16 * 70e9 / 1e9
    assert gpus_needed(full, 80, 8) is None  # more than one node of 80 GB
    serving = serving_memory(model, context=1000, batch=1)
    assert 141 < serving.expected < 145  # 141.2 GB of bf16 weights + a small cache


def test_fits_lists_every_gpu_and_method(book):
    rows = fits(book, book.models["llama-2-7b"], Training("llama-2-7b", batch_size=1))
    assert len(rows) == 3 * len(book.gpus)
    by_key = {(r["gpu"], r["method"]): r["gpus"] for r in rows}
    assert by_key[("rtx-4090-24gb", "qlora")] == 1  # 7B QLoRA fits a 24 GB card
    assert by_key[("h100-80gb", "lora")] == 1
    assert by_key[("h100-80gb", "full")] == 2  # 108 GB of states, sharded


@settings(max_examples=80, deadline=None)
@given(
    slug=st.sampled_from(["llama-2-7b", "llama-3.1-8b", "llama-3.1-70b", "qwen3-8b",
                          "gemma-3-27b", "qwen3-235b-a22b", "mistral-7b"]),
    rank=st.integers(1, 256),
    targets=st.sampled_from(["qv", "attention", "all_linear"]),
    seq=st.integers(128, 32768),
    batch=st.integers(1, 16),
    checkpointing=st.booleans(),
    attention=st.sampled_from(["eager", "sdpa", "flash"]),
)  # fmt: skip
def test_qlora_never_needs_more_memory_than_lora(
    book, slug, rank, targets, seq, batch, checkpointing, attention
):
    config = Training(slug, lora_rank=rank, lora_targets=targets, sequence_length=seq,
                      batch_size=batch, gradient_checkpointing=checkpointing,
                      attention=attention)  # fmt: skip
    model = book.models[slug]
    qlora, lora = training_memory(model, "qlora", config), training_memory(model, "lora", config)
    assert qlora.high <= lora.high and qlora.low <= lora.low
