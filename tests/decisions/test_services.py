"""decisions.services and the wizard's value conversion, without HTTP."""

from __future__ import annotations

import pytest

from decisions.engine import ScenarioError
from decisions.forms import STEPS, WizardForm, display, step_of, typed_number
from decisions.models import Result, Scenario
from decisions.services import (
    DELETE,
    demo_seed,
    price_book_resolve,
    scenario_check,
    scenario_current_result,
    scenario_evaluate,
    scenario_save_draft,
    set_path,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("10000", 10000),
        ("10,000", 10000),
        ("0.3", 0.3),
        ("1e4", 1e4),
        ("-5", -5),
        ("abc", "abc"),
        ("1e999", "1e999"),
        ("nan", "nan"),
        ("12 000", 12000),
        ("", ""),
    ],
)
def test_typed_numbers_convert_or_stay_as_typed(typed, stored):
    assert typed_number(typed) == stored


@pytest.mark.parametrize(
    ("value", "text"),
    [(10000.0, "10000"), (0.1, "0.1"), (None, ""), (123456789.0, "123456789"), ("abc", "abc")],
)
def test_display_never_loses_digits(value, text):
    assert display(value) == text


def test_set_path_creates_replaces_and_deletes():
    data = {"inference": 5}
    set_path(data, "inference.baseline.model", "gpt-4o")
    assert data == {"inference": {"baseline": {"model": "gpt-4o"}}}
    set_path(data, "inference.baseline.model", DELETE)
    set_path(data, "missing.key", DELETE)
    assert data == {"inference": {"baseline": {}}}


def test_error_paths_map_to_their_step():
    assert step_of("inference.daily_calls") == 2
    assert step_of("prompting.failure_modes.0") == 1
    assert step_of("inference.baseline.model") == 2
    assert step_of("uncertainty.samples") is None


def test_every_step_field_is_a_scenario_format_path(default_catalog):
    from decisions.services import default_inputs, get_path

    inputs = default_inputs(name="x")
    for step in STEPS:
        for f in step.fields:
            assert get_path(inputs, f.path, default=KeyError) is not KeyError, f.path


def test_check_never_raises(default_catalog):
    assert scenario_check(inputs=[1, 2]).errors[0]["message"] == "must be a JSON object"
    checked = scenario_check(inputs={"catalog": "1999-01", "training": {"base_model": "x"}})
    assert checked.errors[0]["field"] == "catalog"
    assert not scenario_check(inputs={}).ok


def test_check_without_any_published_catalog(db):
    checked = scenario_check(inputs={"training": {"base_model": "llama-3.1-8b"}})
    assert checked.errors == [{"field": "catalog", "message": checked.errors[0]["message"]}]
    assert "no catalog is published" in checked.errors[0]["message"]


def test_price_book_is_resolved_in_one_place(default_catalog):
    assert price_book_resolve("latest").version == "2026-11"
    assert price_book_resolve(None).version == "2026-11"


def test_save_draft_keeps_invalid_values_and_reports_them(scenario):
    checked = scenario_save_draft(
        scenario=scenario, values={"inference.daily_calls": "abc"}, step=2
    )
    assert checked.errors == [{"field": "inference.daily_calls", "message": "must be a number"}]
    scenario.refresh_from_db()
    assert scenario.inputs["inference"]["daily_calls"] == "abc"
    assert scenario.step == 2


def test_wizard_form_shows_this_steps_errors_only(scenario):
    errors = [
        {"field": "inference.daily_calls", "message": "must be a number"},
        {"field": "data.quality", "message": "must be one of"},
    ]
    form = WizardForm(STEPS[2], scenario.inputs, None, errors)
    by_name = {f.name: f for f in form.fields}
    assert by_name["inference__daily_calls"].errors == ["must be a number"]
    assert form.has_errors and not form.other_errors


def test_evaluate_stores_a_result_that_matches_the_inputs(scenario, alice):
    result = scenario_evaluate(scenario=scenario, user=alice)
    assert result.payback_months == result.output["payback_months"]
    assert result.monthly_savings == result.output["monthly"]["savings"]
    assert result.output["uncertainty"]["payback_histogram"]["counts"]
    checked = scenario_check(inputs=scenario.inputs)
    assert scenario_current_result(scenario=scenario, checked=checked) == result
    scenario_save_draft(scenario=scenario, values={"inference.daily_calls": 9}, step=2)
    checked = scenario_check(inputs=scenario.inputs)
    assert scenario_current_result(scenario=scenario, checked=checked) is None


def test_evaluate_refuses_an_invalid_draft(scenario):
    scenario_save_draft(scenario=scenario, values={"inference.daily_calls": -1}, step=2)
    with pytest.raises(ScenarioError) as caught:
        scenario_evaluate(scenario=scenario)
    assert caught.value.errors[0]["field"] == "inference.daily_calls"
    assert not Result.objects.exists()


def test_demo_seed_adds_sample_scenarios_with_results_once_a_catalog_exists(default_catalog):
    assert demo_seed() is True
    scenarios = Scenario.objects.filter(project__name="Customer support assistant")
    assert scenarios.count() == 2
    for scenario in scenarios:
        assert scenario_check(inputs=scenario.inputs).ok
        assert scenario.inputs["prompting"]["failure_modes"] == ["format", "tone"]
        assert scenario.latest_result() is not None
    # The contrast the demo is for: high volume pays back, low volume does not.
    busy = scenarios.get(inputs__inference__daily_calls=20_000).latest_result()
    quiet = scenarios.get(inputs__inference__daily_calls=300).latest_result()
    assert busy.payback_months is not None
    assert quiet.payback_months is None or quiet.payback_months > busy.payback_months
