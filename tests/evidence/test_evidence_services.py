"""decisions.evidence: test sets, results, per-example uploads and the evidence hook."""

from __future__ import annotations

import math
from datetime import date

import pytest

from decisions.engine import ScenarioError
from decisions.evidence import (
    JSONL_MAX_BYTES,
    evaluation_jsonl_import,
    evaluation_result_add,
    evaluation_set_save,
    evaluation_summary,
    scenario_inputs_with_evidence,
)
from decisions.models import EvaluationResult, EvaluationSet
from decisions.services import scenario_check, scenario_preview
from tests.evidence.conftest import outcomes

Z = 1.959964


def test_a_result_needs_a_test_set(scenario, alice):
    with pytest.raises(ScenarioError) as e:
        evaluation_result_add(scenario=scenario, user=alice, candidate="base", accuracy=0.4)
    assert e.value.errors[0]["field"] == "test_set"


def test_results_are_validated_by_the_engine(scenario, alice):
    evaluation_set_save(scenario=scenario, examples=80)
    with pytest.raises(ScenarioError) as e:
        evaluation_result_add(scenario=scenario, user=alice, candidate="gpt", accuracy=1.4)
    fields = {err["field"] for err in e.value.errors}
    assert fields == {"candidate", "accuracy"}
    assert not EvaluationResult.objects.exists()


def test_the_test_set_is_validated_by_the_engine(scenario):
    with pytest.raises(ScenarioError) as e:
        evaluation_set_save(scenario=scenario, examples=0)
    assert e.value.errors[0]["field"] == "test_set.examples"
    assert not EvaluationSet.objects.exists()


def test_jsonl_upload_computes_accuracy_and_interval_by_hand(scenario, alice):
    rows = [(f"ex-{i}", "finetuned", i < 62) for i in range(80)]
    rows += [(f"ex-{i}", "base", i < 33) for i in range(80)]
    added = evaluation_jsonl_import(
        scenario=scenario, user=alice, content=outcomes(rows), measured_on=date(2026, 11, 20)
    )
    by_candidate = {r.candidate: r for r in added}
    assert (by_candidate["finetuned"].correct, by_candidate["finetuned"].total) == (62, 80)
    assert by_candidate["finetuned"].accuracy == 0.775
    assert by_candidate["base"].accuracy == 33 / 80
    assert scenario.evaluation_set.examples == 80  # created from the file
    # Wilson 95% by hand: p = 0.775, n = 80
    p, n = 0.775, 80
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    summary = evaluation_summary(scenario=scenario)
    finetuned = next(c for c in summary["candidates"] if c["candidate"] == "finetuned")
    assert finetuned["ci_low"] == pytest.approx(centre - half, abs=1e-4)  # 0.6721
    assert finetuned["ci_high"] == pytest.approx(centre + half, abs=1e-4)  # 0.8527


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [
        (b"\xff\xfe bad", "file", "UTF-8"),
        (b'{"id": 1, "candidate": "base", "correct": true}\n{"id": 2}', "line 2", "misses"),
        (b"", "file", "no outcomes"),
    ],
)
def test_a_bad_file_writes_nothing(scenario, alice, content, field, message):
    with pytest.raises(ScenarioError) as e:
        evaluation_jsonl_import(scenario=scenario, user=alice, content=content)
    assert e.value.errors[0]["field"] == field
    assert message in e.value.errors[0]["message"]
    assert not EvaluationResult.objects.exists()
    assert not EvaluationSet.objects.exists()


def test_a_file_over_5_mb_is_refused(scenario, alice):
    with pytest.raises(ScenarioError) as e:
        evaluation_jsonl_import(scenario=scenario, user=alice, content=b" " * (JSONL_MAX_BYTES + 1))
    assert "larger than 5 MB" in e.value.errors[0]["message"]


def test_the_hook_puts_the_newest_evidence_into_the_inputs(scenario, alice):
    evaluation_set_save(scenario=scenario, examples=80, description="tickets")
    for day, accuracy in ((1, 0.60), (20, 0.78)):
        evaluation_result_add(
            scenario=scenario,
            user=alice,
            candidate="finetuned",
            model="adapter",
            accuracy=accuracy,
            measured_on=date(2026, 11, day),
        )
    evaluation_result_add(scenario=scenario, user=alice, candidate="base", accuracy=0.41)
    inputs = scenario_inputs_with_evidence(scenario)
    candidates = inputs["evaluation"]["candidates"]
    assert [(c["candidate"], c["accuracy"]) for c in candidates] == [
        ("finetuned", 0.78),
        ("base", 0.41),
    ]
    assert "evaluation" not in scenario.inputs  # the draft is not changed
    checked = scenario_check(inputs=inputs)
    assert checked.ok, checked.errors
    reason = scenario_preview(checked=checked)["framework"]["questions"][0]["reason"]
    assert "measured on 80 examples: base 41% -> fine-tuned 78% against a 95% target" in reason


def test_a_small_test_set_is_warned_about(scenario, alice):
    evaluation_set_save(scenario=scenario, examples=30)
    evaluation_result_add(scenario=scenario, user=alice, candidate="base", accuracy=0.5)
    checked = scenario_check(inputs=scenario_inputs_with_evidence(scenario))
    warnings = scenario_preview(checked=checked)["framework"]["warnings"]
    assert any("30 examples, below the 50-100" in w for w in warnings)


def test_no_evidence_leaves_the_inputs_alone(scenario):
    assert scenario_inputs_with_evidence(scenario) == scenario.inputs
