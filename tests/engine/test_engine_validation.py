"""parse_scenario: the single validation layer. Every bad input gives a dotted field path
and a message; nothing but ScenarioError ever escapes; defaults round-trip."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions.engine import ScenarioError, parse_scenario, scenario_to_dict

MINIMAL = {"training": {"base_model": "llama-3.1-8b"}}


def with_(section: str, **values) -> dict:
    """The minimal scenario with keys of one section set (section "" = top level)."""
    data = {"training": {"base_model": "llama-3.1-8b"}}
    if section:
        data.setdefault(section, {}).update(values)
    else:
        data.update(values)
    return data


BAD_INPUTS = [
    # (case, scenario, field, message fragment)
    ("not an object", [1, 2], "", "must be a JSON object"),
    ("missing training", {}, "training.base_model", "is required"),
    ("missing base_model", {"training": {"method": "lora"}}, "training.base_model", "is required"),
    ("section of wrong type", {"training": 5}, "training", "must be an object"),
    ("prompting of wrong type", with_("", prompting=[]), "prompting", "must be an object"),
    ("baseline of wrong type", with_("inference", baseline="gpt-4o"),
     "inference.baseline", "must be an object"),
    ("bad schema", with_("", schema="tunecase.scenario/v2"), "schema", "tunecase.scenario/v1"),
    ("unknown top-level key", with_("", horizon=12), "horizon", "unknown key"),
    ("unknown section key", with_("inference", daily_call=5), "inference.daily_call",
     "did you mean: daily_calls"),
    ("unknown range", with_("uncertainty", ranges={"volume": [1, 2]}),
     "uncertainty.ranges.volume", "unknown key"),
    ("negative calls", with_("inference", daily_calls=-1), "inference.daily_calls", "must be >= 0"),
    ("absurd calls", with_("inference", daily_calls=1e9), "inference.daily_calls", "must be <="),
    ("string for a number", with_("inference", daily_calls="10000"), "inference.daily_calls",
     "must be a number"),
    ("bool for a number", with_("costs", hourly_rate=True), "costs.hourly_rate",
     "must be a number"),
    ("NaN", with_("costs", hourly_rate=float("nan")), "costs.hourly_rate", "finite"),
    ("huge integer", with_("costs", hourly_rate=10**400), "costs.hourly_rate", "finite"),
    ("fractional count", with_("data", train_examples=10.5), "data.train_examples",
     "must be an integer"),
    ("negative price-like", with_("costs", engineering_hours=-5), "costs.engineering_hours",
     "must be >= 0"),
    ("prep share divides by zero", with_("costs", data_prep_share=1.0), "costs.data_prep_share",
     "must be <="),
    ("zero avg tokens", with_("data", avg_tokens_per_example=0), "data.avg_tokens_per_example",
     "must be >= 1"),
    ("zero MFU (a divisor)", with_("training", base_model="llama-3.1-8b", mfu=0),
     "training.mfu", "must be > 0"),
    ("zero refresh interval", with_("velocity", refresh_months=0), "velocity.refresh_months",
     "must be >= 1"),
    ("zero tokens/s (a divisor)",
     with_("inference", tokens_per_second_per_replica=0), "inference.tokens_per_second_per_replica",
     "must be > 0"),
    ("absurd horizon", with_("", horizon_months=1000), "horizon_months", "must be <= 120"),
    ("absurd GPU count", with_("training", base_model="llama-3.1-8b", gpus=1000),
     "training.gpus", "must be <= 64"),
    ("bad gpus string", with_("training", base_model="llama-3.1-8b", gpus="many"),
     "training.gpus", "auto"),
    ("too few samples", with_("uncertainty", samples=5), "uncertainty.samples", "must be >="),
    ("bad enum", with_("training", base_model="llama-3.1-8b", method="dora"), "training.method",
     "must be one of full, lora, qlora"),
    ("bad use case", with_("", use_case="chat"), "use_case", "must be one of"),
    ("bad list item", with_("prompting", failure_modes=["format", "speed"]),
     "prompting.failure_modes.1", "must be one of"),
    ("list of wrong type", with_("constraints", allowed_licenses="mit"),
     "constraints.allowed_licenses", "list"),
    ("bool of wrong type", with_("velocity", chasing_frontier="yes"), "velocity.chasing_frontier",
     "true or false"),
    ("unknown model", {"training": {"base_model": "llama-3-8b"}}, "training.base_model",
     "unknown model 'llama-3-8b'; did you mean: llama-3.1-8b"),
    ("proprietary base model", {"training": {"base_model": "gpt-4o"}}, "training.base_model",
     "no published architecture"),
    ("unknown gpu", with_("training", base_model="llama-3.1-8b", gpu="h100"), "training.gpu",
     "did you mean: h100-80gb"),
    ("unknown provider", with_("training", base_model="llama-3.1-8b", provider="togther"),
     "training.provider", "did you mean: together"),
    ("unknown baseline model", with_("inference", baseline={"model": "gpt-4"}),
     "inference.baseline.model", "did you mean: gpt-4o"),
    ("unknown baseline key", with_("inference", baseline={"modle": "gpt-4o"}),
     "inference.baseline.modle", "unknown key"),
    ("range without the mode", with_("uncertainty", ranges={"daily_calls": [1, 5]}),
     "uncertainty.ranges.daily_calls", "must contain the scenario's value"),
    ("range of wrong shape", with_("uncertainty", ranges={"mfu": [0.3]}),
     "uncertainty.ranges.mfu", "[low, high]"),
    ("provider without a price", with_("training", base_model="llama-3.1-8b",
                                        provider="openai"),
     "training.provider", "no lora fine-tuning price"),
    ("too few GPUs for the job",
     with_("training", base_model="llama-3.1-70b", method="full", platform="self_hosted",
           gpus=2),
     "training.gpus", "needs"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "data", "field", "fragment"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_it_rejects_bad_input_with_the_field_path(book, case, data, field, fragment):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data, book)
    matching = [e for e in caught.value.errors if e["field"] == field]
    assert matching, f"{case}: no error for {field!r} in {caught.value.errors}"
    assert any(fragment in e["message"] for e in matching), matching


def test_it_collects_every_problem_at_once(book):
    data = {
        "training": {"base_model": "llama-3-8b", "epochs": 0},
        "inference": {"daily_calls": -1},
        "costs": {"hourly_rate": "a lot"},
    }
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data, book)
    fields = {e["field"] for e in caught.value.errors}
    assert {"training.epochs", "inference.daily_calls", "costs.hourly_rate"} <= fields


def test_it_fills_every_default_from_the_minimal_scenario(book):
    s = parse_scenario(MINIMAL, book)
    assert s.training.method == "lora" and s.training.lora_rank == 16
    assert s.inference.daily_calls == 10_000
    assert s.costs.data_prep_share == 0.30 and s.velocity.refresh_months == 6
    assert s.uncertainty.samples == 10_000 and s.horizon_months == 24


def test_the_full_dict_round_trips_through_parse_scenario(book):
    data = {
        "schema": "tunecase.scenario/v1",
        "name": "Support replies",
        "training": {"base_model": "mistral-7b", "method": "qlora", "gpus": 2,
                     "platform": "self_hosted", "gpu": "a100-80gb"},
        "inference": {"serving": "dedicated", "monthly_growth": 0.05},
        "uncertainty": {"ranges": {"daily_calls": [5000, 20000]}},
    }  # fmt: skip
    s = parse_scenario(data, book)
    full = scenario_to_dict(s)
    assert full["schema"] == "tunecase.scenario/v1"
    assert full["training"]["gpus"] == 2 and full["training"]["provider"] is None
    assert full["uncertainty"]["ranges"] == {"daily_calls": [5000.0, 20000.0]}
    assert parse_scenario(full, book) == s
    assert scenario_to_dict(parse_scenario(full, book)) == full


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12,
)  # fmt: skip
SECTION_KEYS = {
    "training": ["base_model", "method", "epochs", "gpus", "mfu", "provider", "gpu"],
    "inference": ["daily_calls", "baseline", "serving", "monthly_growth"],
    "data": ["train_examples", "quality"],
    "uncertainty": ["samples", "seed", "ranges"],
    "costs": ["data_prep_share"],
}


@st.composite
def perturbed_scenarios(draw):
    """A valid scenario with a few known keys set to arbitrary JSON values."""
    data = {"training": {"base_model": "llama-3.1-8b"}}
    for _ in range(draw(st.integers(1, 4))):
        section = draw(st.sampled_from(sorted(SECTION_KEYS) + [""]))
        value = draw(json_values)
        if section == "":
            data[draw(st.sampled_from(["schema", "horizon_months", "use_case", "catalog"]))] = value
        elif draw(st.booleans()):
            data[section] = value
        else:
            part = data.setdefault(section, {})
            if isinstance(part, dict):
                part[draw(st.sampled_from(SECTION_KEYS[section]))] = value
    return data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=json_values | perturbed_scenarios())
def test_it_never_raises_anything_but_scenario_error(book, data):
    try:
        parse_scenario(data, book)
    except ScenarioError as e:
        assert e.errors and all(set(x) == {"field", "message"} for x in e.errors)
