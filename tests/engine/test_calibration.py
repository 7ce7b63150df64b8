"""Calibration from measured runs: recover the MFU that generated them, apply it only
to the same GPU type and method, and the validation table.

Synthetic runs are generated here by hand from the domain's formula
hours = k x P x tokens / (n x peak x MFU x 0.95^(n-1)) / 3600 (k = 4.5 for LoRA).
"""

from __future__ import annotations

import pytest

from decisions.engine import ScenarioError, evaluate, parse_scenario, preview
from decisions.engine.calibration import calibrate, validation_rows
from decisions.engine.memory import training_memory
from decisions.engine.scenario import MeasuredRun, Training

P_8B = 8.03e9  # llama-3.1-8b, dense: active = total
H100_PEAK = 989e12
A100_PEAK = 312e12


def synthetic_hours(tokens: float, gpus: int, peak: float, mfu: float, k: float = 4.5) -> float:
    scaling = max(0.8, 0.95 ** (gpus - 1))
    return k * P_8B * tokens / (gpus * peak * mfu * scaling) / 3600


def run(tokens: float, gpus: int = 1, mfu: float = 0.30, **kw) -> dict:
    fields = {"gpu": "h100-80gb", "gpus": gpus, "tokens": int(tokens), "method": "lora",
              "base_model": "llama-3.1-8b"}  # fmt: skip
    fields.update(kw)
    peak = H100_PEAK if fields["gpu"] == "h100-80gb" else A100_PEAK
    k = 6.0 if fields["method"] == "full" else 4.5
    fields["wall_hours"] = synthetic_hours(tokens, gpus, peak, mfu, k)
    return fields


THREE_RUNS = [run(10e6), run(30e6, gpus=2), run(75e6, gpus=4)]


def scenario(book, runs, **training) -> dict:
    return {
        "training": {"base_model": "llama-3.1-8b", "platform": "self_hosted", **training},
        "uncertainty": {"samples": 200, "seed": 7},
        "measured_runs": runs,
    }


def test_three_synthetic_runs_recover_the_mfu_within_two_percent(book):
    runs = parse_scenario(scenario(book, THREE_RUNS), book).measured_runs
    fit = calibrate(runs, book)[("h100-80gb", "lora")]
    assert fit.runs == 3
    assert fit.mfu == pytest.approx(0.30, rel=0.02)


def test_the_median_ignores_one_stalled_run(book):
    runs = parse_scenario(scenario(book, [*THREE_RUNS, run(20e6, mfu=0.05)]), book).measured_runs
    assert calibrate(runs, book)[("h100-80gb", "lora")].mfu == pytest.approx(0.30, rel=0.02)


@pytest.mark.parametrize(
    ("training", "calibrated"),
    [
        ({"gpu": "h100-80gb", "method": "lora"}, True),
        ({"gpu": "a100-80gb", "method": "lora"}, False),  # another GPU type
        ({"gpu": "h100-80gb", "method": "qlora"}, False),  # another method
        ({"gpu": "h100-80gb", "method": "full", "gpus": 4}, False),
    ],
)
def test_estimates_change_only_for_the_calibrated_gpu_and_method(book, training, calibrated):
    with_runs = preview(parse_scenario(scenario(book, THREE_RUNS, **training), book), book)
    without = preview(parse_scenario(scenario(book, [], **training), book), book)
    block = with_runs["training"].pop("calibration")
    assert without["training"].pop("calibration") is None
    if not calibrated:
        assert block is None
        assert with_runs["training"] == without["training"]
        assert with_runs["upfront_cost"] == without["upfront_cost"]
        return
    assert block["runs"] == 3
    assert block["mfu"] == pytest.approx(0.30, rel=0.02)
    assert "3 measured runs" in block["note"]
    # The default scenario trains 2,000 x 600 x 3 = 3.6M tokens plus 200 x 600 x 3 = 0.36M
    # validation tokens (forward only, 2 x P): FLOPs = 4.5 P 3.6e6 + 2 P 0.36e6.
    flops = 4.5 * P_8B * 3.6e6 + 2 * P_8B * 0.36e6
    assert with_runs["training"]["wall_hours"] == pytest.approx(
        flops / (H100_PEAK * 0.30) / 3600, abs=0.01
    )
    assert without["training"]["wall_hours"] == pytest.approx(
        flops / (H100_PEAK * 0.35) / 3600, abs=0.01
    )
    assert with_runs["training"]["cost"] > without["training"]["cost"]


def test_the_memory_factor_is_measured_over_expected(book):
    training = Training(base_model="llama-3.1-8b", method="lora", lora_rank=16, batch_size=4,
                        sequence_length=2048)  # fmt: skip
    expected = training_memory(book.models["llama-3.1-8b"], "lora", training).expected
    runs = [run(10e6, peak_memory_gb=expected * 1.10), run(20e6, peak_memory_gb=expected * 1.06),
            run(30e6)]  # fmt: skip
    scenario_ = parse_scenario(scenario(book, runs), book)
    fit = calibrate(scenario_.measured_runs, book)[("h100-80gb", "lora")]
    assert fit.memory_factor == pytest.approx(1.08)
    assert (fit.runs, fit.memory_runs) == (3, 2)
    block = evaluate(scenario_, book)["training"]["calibration"]
    assert block["memory_factor"] == pytest.approx(1.08, abs=1e-3)
    assert block["memory_gb"]["expected"] == pytest.approx(expected * 1.08, abs=0.01)


def test_the_validation_table_shows_error_before_and_after(book):
    runs = [MeasuredRun(**r) for r in THREE_RUNS]
    rows = validation_rows(runs, book, default_mfu=0.35)
    for row in rows:
        # Default MFU 0.35 against a true 0.30: estimates are 0.30 / 0.35 - 1 = -14.3% off.
        assert row["hours_error_before"] == pytest.approx(0.30 / 0.35 - 1, abs=1e-3)
        assert row["hours_error_after"] == pytest.approx(0.0, abs=0.02)
        assert row["implied_mfu"] == pytest.approx(0.30, rel=1e-3)
        assert row["memory_error_before"] is None  # no peak measured


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"gpu": "h999"}, "measured_runs.0.gpu", "unknown gpu"),
        ({"base_model": "gpt-4o"}, "measured_runs.0.base_model", "no published architecture"),
        ({"wall_hours": 0}, "measured_runs.0.wall_hours", "> 0"),
        ({"wall_hours": 0.001}, "measured_runs.0.wall_hours", "impossible"),
        ({"method": "dpo"}, "measured_runs.0.method", "must be one of"),
        ({"gpus": 0}, "measured_runs.0.gpus", ">= 1"),
        ({"speed": 3}, "measured_runs.0.speed", "unknown key"),
    ],
)
def test_bad_runs_name_the_field(book, change, field, message):
    with pytest.raises(ScenarioError) as e:
        parse_scenario(scenario(book, [{**run(10e6), **change}]), book)
    errors = {err["field"]: err["message"] for err in e.value.errors}
    assert field in errors, e.value.errors
    assert message in errors[field]


def test_a_run_missing_its_hours_is_refused(book):
    incomplete = {k: v for k, v in run(10e6).items() if k != "wall_hours"}
    with pytest.raises(ScenarioError) as e:
        parse_scenario(scenario(book, [incomplete]), book)
    assert {"field": "measured_runs.0.wall_hours", "message": "is required"} in e.value.errors
