"""decisions.evidence: measured runs, the calibration report and portfolios."""

from __future__ import annotations

import pytest

from decisions.engine import ScenarioError
from decisions.engine.portfolio import PortfolioError
from decisions.evidence import (
    calibration_report,
    measured_run_add,
    portfolio_create,
    portfolio_evaluate,
    scenario_inputs_with_evidence,
)
from decisions.models import MeasuredRun
from decisions.services import scenario_check, scenario_create, scenario_preview
from tests.conftest import scenario_inputs
from tests.evidence.conftest import run_fields

P_8B = 8.03e9
H100_PEAK = 989e12


def test_a_run_is_validated_with_relative_field_names(project, alice, default_catalog):
    with pytest.raises(ScenarioError) as e:
        measured_run_add(project=project, user=alice, run=run_fields(gpu="h1000", wall_hours=-1))
    fields = {err["field"] for err in e.value.errors}
    assert fields == {"gpu", "wall_hours"}
    assert not MeasuredRun.objects.exists()


def test_runs_calibrate_the_matching_scenario_only(project, alice, default_catalog):
    # Three runs at MFU 0.30 by hand: hours = 4.5 x P x tokens / (989e12 x 0.30) / 3600.
    for tokens in (10e6, 30e6, 60e6):
        hours = 4.5 * P_8B * tokens / (H100_PEAK * 0.30) / 3600
        measured_run_add(
            project=project, user=alice, run=run_fields(tokens=int(tokens), wall_hours=hours)
        )
    training = {"base_model": "llama-3.1-8b", "platform": "self_hosted"}
    h100 = scenario_create(
        project=project,
        user=alice,
        name="H100",
        inputs=scenario_inputs(training={**training, "gpu": "h100-80gb"}),
    )
    a100 = scenario_create(
        project=project,
        user=alice,
        name="A100",
        inputs=scenario_inputs(training={**training, "gpu": "a100-80gb"}),
    )
    on_h100 = scenario_preview(checked=scenario_check(inputs=scenario_inputs_with_evidence(h100)))
    on_a100 = scenario_preview(checked=scenario_check(inputs=scenario_inputs_with_evidence(a100)))
    assert on_h100["training"]["calibration"]["runs"] == 3
    assert on_h100["training"]["calibration"]["mfu"] == pytest.approx(0.30, rel=0.02)
    assert on_a100["training"]["calibration"] is None
    plain = scenario_preview(checked=scenario_check(inputs=a100.inputs))
    assert on_a100["training"] == plain["training"]


def test_the_calibration_report_has_every_run(project, alice, default_catalog):
    measured_run_add(project=project, user=alice, run=run_fields())
    measured_run_add(project=project, user=alice, run=run_fields(method="qlora", tokens=20_000_000))
    report = calibration_report(project=project)
    assert len(report["rows"]) == 2
    assert {(f.gpu, f.method, f.runs) for f in report["fits"]} == {
        ("h100-80gb", "lora", 1),
        ("h100-80gb", "qlora", 1),
    }
    # One run per group: in-sample, the fit reproduces it exactly.
    assert report["errors"]["hours_error_after"] == pytest.approx(0.0, abs=1e-9)
    assert report["errors"]["memory_error_after"] == pytest.approx(0.0, abs=1e-9)


def scenarios_on(project, alice, *base_models):
    return [
        scenario_create(
            project=project,
            user=alice,
            name=f"Task {i}",
            inputs=scenario_inputs(training={"base_model": model}),
        )
        for i, model in enumerate(base_models, start=1)
    ]


def test_a_portfolio_of_three_8b_scenarios_is_cheaper_as_adapters(project, alice, default_catalog):
    scenarios = scenarios_on(project, alice, *["llama-3.1-8b"] * 3)
    portfolio = portfolio_create(project=project, user=alice, name="Support", scenarios=scenarios)
    result = portfolio_evaluate(portfolio=portfolio)
    adapters, merged = result["options"]["adapters"], result["options"]["merged"]
    assert adapters["replicas"] == 1 and merged["replicas"] == 3
    replica_month = result["shared_deployment"]["per_hour"] * 730
    assert adapters["hosting_monthly"] == pytest.approx(replica_month, abs=0.01)
    assert merged["hosting_monthly"] == pytest.approx(3 * replica_month, abs=0.01)
    assert adapters["total"] < merged["total"]
    assert result["recommendation"]["deployment"] == "adapters"
    assert result["catalog_version"] == "2026-11"


@pytest.mark.parametrize(
    ("models", "message"),
    [(["llama-3.1-8b"], "at least 2"), (["llama-3.1-8b", "mistral-7b"], "one base model")],
)
def test_a_portfolio_needs_scenarios_on_one_base(project, alice, default_catalog, models, message):
    with pytest.raises(ScenarioError) as e:
        portfolio_create(
            project=project, user=alice, name="P", scenarios=scenarios_on(project, alice, *models)
        )
    assert message in e.value.errors[0]["message"]


def test_a_scenario_that_does_not_validate_is_named(project, alice, default_catalog):
    scenarios = scenarios_on(project, alice, "llama-3.1-8b", "llama-3.1-8b")
    portfolio = portfolio_create(project=project, user=alice, name="P", scenarios=scenarios)
    scenarios[1].inputs["inference"] = {"daily_calls": -5}
    scenarios[1].save()
    with pytest.raises(PortfolioError, match="Task 2 does not validate"):
        portfolio_evaluate(portfolio=portfolio)
