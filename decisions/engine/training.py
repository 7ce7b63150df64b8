"""Training cost: managed (billed per token) and self-hosted (GPU time), domain.md section 3.

Every function computes one quantity and accepts floats or numpy arrays, so the Monte
Carlo reuses exactly the formulas the deterministic result uses.

Gradient checkpointing: `training_flops` counts model FLOPs only (6 or 4.5 x P per
token), and the MFU default 0.35 is a *model* FLOPs utilisation measured on fine-tuning
runs with checkpointing on, so the recompute is already inside it (W3's 2-4 hours on
8 x A100 holds with this reading). Turning checkpointing off does not speed the estimate
up: we keep the user's MFU rather than invent a second constant, which errs on the slow,
expensive side.
"""

from __future__ import annotations

import numpy as np

FLOPS_PER_PARAM_TOKEN = {
    "full": 6.0,  # forward 2 + backward 4
    "lora": 4.5,  # no weight gradients for the frozen base: 0.75 x 6 (ftune)
    "qlora": 4.5,
}
FORWARD_FLOPS_PER_PARAM_TOKEN = 2.0  # validation passes are forward only
SCALING_PER_EXTRA_GPU = 0.95
SCALING_FLOOR = 0.8
SECONDS_PER_HOUR = 3600.0


def training_tokens(train_examples: float, avg_tokens: float, epochs: float) -> float:
    return train_examples * avg_tokens * epochs


def validation_tokens(validation_examples: float, avg_tokens: float, evals: float) -> float:
    return validation_examples * avg_tokens * evals


def billed_tokens(
    train_examples: float,
    validation_examples: float,
    avg_tokens: float,
    epochs: float,
    evals: float | None = None,
) -> float:
    """Together bills training tokens x epochs plus validation tokens x evaluations."""
    evals = epochs if evals is None else evals
    return training_tokens(train_examples, avg_tokens, epochs) + validation_tokens(
        validation_examples, avg_tokens, evals
    )


def managed_training_cost(billed: float, price_per_1m, min_charge: float = 0.0):
    return np.maximum(min_charge, billed / 1e6 * price_per_1m)


def training_flops(
    active_params: float, train_tokens: float, method: str, validation_tokens: float = 0.0
) -> float:
    """k x P_active x tokens, plus a forward pass over the validation tokens."""
    return (
        FLOPS_PER_PARAM_TOKEN[method] * active_params * train_tokens
        + FORWARD_FLOPS_PER_PARAM_TOKEN * active_params * validation_tokens
    )


def scaling_efficiency(gpus: int) -> float:
    """Multi-GPU efficiency: 0.95^(n-1), never below 0.8."""
    return max(SCALING_FLOOR, SCALING_PER_EXTRA_GPU ** (gpus - 1))


def wall_hours(flops: float, gpus: int, peak_tflops: float, mfu, slowdown: float = 1.0):
    """Hours the n-GPU job runs: FLOPs / (n x peak x MFU x scaling(n)), x QLoRA slowdown."""
    flops_per_second = gpus * peak_tflops * 1e12 * mfu * scaling_efficiency(gpus)
    return flops / flops_per_second * slowdown / SECONDS_PER_HOUR


def self_hosted_training_cost(hours, setup_hours: float, gpus: int, per_gpu_hour):
    """(job hours + setup hours) x n GPUs x $/GPU-hour: idle setup time is billed too."""
    return (hours + setup_hours) * gpus * per_gpu_hour


def engineering_cost(hours, hourly_rate: float):
    return hours * hourly_rate


def prep_gross_up(direct, prep_share):
    """Data preparation is a share of the whole project: total = direct / (1 - share)."""
    return direct / (1.0 - prep_share)


def upfront_cost(training, evaluation, engineering, prep_share):
    """Training + evaluation + engineering, grossed up for data preparation."""
    return prep_gross_up(training + evaluation + engineering, prep_share)


def refresh_cost(training, evaluation, upfront, direct, refresh_prep_share: float):
    """A refresh repeats training and evaluation and a share of the preparation work."""
    preparation = upfront - direct
    return training + evaluation + refresh_prep_share * preparation


def platform_breakeven_tokens(
    price_per_1m: float, cost_per_token_self_hosted: float, fixed_self_hosted: float
) -> float | None:
    """Training tokens above which renting GPUs beats the managed per-token price.

    Solves price x T = a x T + b (the managed minimum charge is ignored: it only matters
    for tiny jobs). None when renting never wins.
    """
    managed_per_token = price_per_1m / 1e6
    if managed_per_token <= cost_per_token_self_hosted:
        return None
    return fixed_self_hosted / (managed_per_token - cost_per_token_self_hosted)
