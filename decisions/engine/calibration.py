"""Calibration: what the team's measured training runs say about MFU and memory.

For each run the engine's own formulas give what it *would* have estimated; comparing
with what was measured gives, per (GPU type, method):

- the MFU the run implies: the utilisation at which `training.wall_hours` reproduces the
  measured hours. Hours scale as 1 / MFU, so it is the estimate at MFU 1 divided by the
  measured hours, i.e. FLOPs / (n x peak x scaling(n) x hours x 3600) (x the QLoRA
  slowdown): no second copy of the formula. The fitted MFU is the median over the runs,
  so one run with a stalled data loader does not drag the estimate;
- a memory correction factor: measured peak per GPU / the engine's expected per-GPU
  memory (weights, states, activations, logits and the CUDA context, as nvidia-smi shows),
  averaged over the runs that report a peak.

A scenario uses the fit for its own (training.gpu, training.method) only: a calibration
on H100 LoRA says nothing about A100 full fine-tuning.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from decisions.engine.memory import MemoryEstimate, gpus_needed, training_memory
from decisions.engine.pricebook import PriceBook
from decisions.engine.scenario import MAX_GPUS, MeasuredRun, Scenario, Training
from decisions.engine.training import training_flops, wall_hours

DEFAULTS = Training(base_model="")


@dataclass(frozen=True)
class Calibration:
    """The fit for one (GPU type, method), with how many runs support each figure."""

    gpu: str
    method: str
    mfu: float
    runs: int
    memory_factor: float | None  # None: no run of this group reported its peak memory
    memory_runs: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "gpu": self.gpu,
            "method": self.method,
            "mfu": round(self.mfu, 4),
            "runs": self.runs,
            "memory_factor": None if self.memory_factor is None else round(self.memory_factor, 3),
            "memory_runs": self.memory_runs,
        }


def run_training(run: MeasuredRun) -> Training:
    """The run's settings as training inputs (the rest at the format's defaults)."""
    return Training(
        base_model=run.base_model,
        method=run.method,
        lora_rank=run.lora_rank,
        batch_size=run.batch_size,
        sequence_length=run.sequence_length,
        gpu=run.gpu,
        gpus=run.gpus,
    )


def run_slowdown(run: MeasuredRun, qlora_slowdown: float) -> float:
    return qlora_slowdown if run.method == "qlora" else 1.0


def run_estimated_hours(
    run: MeasuredRun,
    book: PriceBook,
    mfu: float,
    qlora_slowdown: float = DEFAULTS.qlora_dequant_slowdown,
) -> float:
    """The engine's wall-hours estimate for the run's job at the given MFU."""
    model, gpu = book.models[run.base_model], book.gpus[run.gpu]
    flops = training_flops(model.active_params, run.tokens, run.method)
    slowdown = run_slowdown(run, qlora_slowdown)
    return float(wall_hours(flops, run.gpus, gpu.bf16_tflops, mfu, slowdown))


def run_implied_mfu(
    run: MeasuredRun, book: PriceBook, qlora_slowdown: float = DEFAULTS.qlora_dequant_slowdown
) -> float:
    """The MFU at which the engine's estimate equals the measured wall hours."""
    return run_estimated_hours(run, book, 1.0, qlora_slowdown) / run.wall_hours


def run_expected_memory(run: MeasuredRun, book: PriceBook) -> MemoryEstimate:
    """The engine's per-GPU training memory for the run, sharded as the plan would."""
    model, gpu = book.models[run.base_model], book.gpus[run.gpu]
    training = run_training(run)
    single = training_memory(model, run.method, training)
    shards = 1 if gpus_needed(single, gpu.memory_gb, MAX_GPUS) == 1 else run.gpus
    return training_memory(model, run.method, training, shards=shards)


def calibrate(
    runs: Iterable[MeasuredRun],
    book: PriceBook,
    qlora_slowdown: float = DEFAULTS.qlora_dequant_slowdown,
) -> dict[tuple[str, str], Calibration]:
    """Per (GPU type, method): the median implied MFU and the mean memory factor."""
    groups: dict[tuple[str, str], list[MeasuredRun]] = {}
    for run in runs:
        groups.setdefault((run.gpu, run.method), []).append(run)
    fits = {}
    for (gpu, method), group in sorted(groups.items()):
        mfus = [run_implied_mfu(run, book, qlora_slowdown) for run in group]
        ratios = [
            run.peak_memory_gb / run_expected_memory(run, book).expected
            for run in group
            if run.peak_memory_gb is not None
        ]
        fits[(gpu, method)] = Calibration(
            gpu=gpu,
            method=method,
            mfu=statistics.median(mfus),
            runs=len(group),
            memory_factor=statistics.fmean(ratios) if ratios else None,
            memory_runs=len(ratios),
        )
    return fits


def scenario_calibration(scenario: Scenario, book: PriceBook) -> Calibration | None:
    """The fit for the scenario's own training GPU and method, if its runs give one."""
    t = scenario.training
    fits = calibrate(scenario.measured_runs, book, t.qlora_dequant_slowdown)
    return fits.get((t.gpu, t.method))


def calibrated_scenario(scenario: Scenario, book: PriceBook) -> tuple[Scenario, Calibration | None]:
    """The scenario with its MFU replaced by the calibrated one (unchanged without a fit)."""
    fit = scenario_calibration(scenario, book)
    if fit is None:
        return scenario, None
    # Capped at 1: parse_scenario refuses runs above the peak, a hand-built one may not.
    training = replace(scenario.training, mfu=min(fit.mfu, 1.0))
    return replace(scenario, training=training), fit


def calibrated_memory(estimate: MemoryEstimate, fit: Calibration | None) -> dict[str, float]:
    """The memory band scaled by the measured factor (the model's band without one)."""
    factor = 1.0 if fit is None or fit.memory_factor is None else fit.memory_factor
    return {k: v * factor for k, v in estimate.band().items()}


def relative_error(estimate: float, actual: float) -> float:
    """(estimate - actual) / actual: +0.25 means the estimate was 25% too high."""
    return (estimate - actual) / actual


def validation_rows(
    runs: Iterable[MeasuredRun],
    book: PriceBook,
    *,
    default_mfu: float = DEFAULTS.mfu,
    qlora_slowdown: float = DEFAULTS.qlora_dequant_slowdown,
) -> list[dict[str, Any]]:
    """Estimate vs actual for every run, before (default MFU, model memory) and after
    calibration. "After" is in-sample: each run is part of the fit it is checked against."""
    runs = list(runs)
    fits = calibrate(runs, book, qlora_slowdown)
    rows = []
    for run in runs:
        fit = fits[(run.gpu, run.method)]
        before = run_estimated_hours(run, book, default_mfu, qlora_slowdown)
        after = run_estimated_hours(run, book, fit.mfu, qlora_slowdown)
        memory = run_expected_memory(run, book).expected
        row: dict[str, Any] = {
            "run": run,
            "implied_mfu": run_implied_mfu(run, book, qlora_slowdown),
            "hours_before": before,
            "hours_error_before": relative_error(before, run.wall_hours),
            "hours_after": after,
            "hours_error_after": relative_error(after, run.wall_hours),
            "memory_before": memory,
            "memory_after": None,
            "memory_error_before": None,
            "memory_error_after": None,
        }
        if fit.memory_factor is not None:
            row["memory_after"] = memory * fit.memory_factor
        if run.peak_memory_gb is not None:
            row["memory_error_before"] = relative_error(memory, run.peak_memory_gb)
            if row["memory_after"] is not None:
                row["memory_error_after"] = relative_error(row["memory_after"], run.peak_memory_gb)
        rows.append(row)
    return rows


def mean_absolute_error(rows: list[dict[str, Any]], key: str) -> float | None:
    """Mean |relative error| of one column of `validation_rows` (None if no value)."""
    values = [abs(row[key]) for row in rows if row[key] is not None]
    return statistics.fmean(values) if values else None
