"""Measured quality: the Wilson interval, per-example outcomes, question 1 and warnings.

Expected values are computed by hand here from the published formulas, never by the
code under test.
"""

from __future__ import annotations

import json
import math

import pytest

from decisions.engine import ScenarioError, parse_scenario, preview, scenario_to_dict
from decisions.engine.evidence import OutcomesError, parse_outcomes, wilson_interval

Z = 1.959964


def wilson_by_hand(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


@pytest.mark.parametrize(
    ("correct", "total", "low", "high"),
    [
        # Published values of the Wilson 95% interval (Newcombe 1998, table I, case 1-3).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
    ],
)
def test_wilson_interval_matches_published_values(correct, total, low, high):
    got_low, got_high = wilson_interval(correct, total)
    assert got_low == pytest.approx(low, abs=1e-4)
    assert got_high == pytest.approx(high, abs=1e-4)


def outcomes_jsonl(rows: list[tuple[str, str, bool]]) -> str:
    return "\n".join(json.dumps({"id": i, "candidate": c, "correct": ok}) for i, c, ok in rows)


def test_accuracy_and_interval_from_jsonl_match_a_hand_computation():
    rows = [(f"ex-{i}", "finetuned", i < 62) for i in range(80)]
    rows += [(f"ex-{i}", "base", i < 33) for i in range(80)]
    counts = parse_outcomes(outcomes_jsonl(rows) + "\n\n")
    finetuned = counts["finetuned"]
    assert (finetuned.correct, finetuned.total) == (62, 80)
    assert finetuned.accuracy == 0.775
    # By hand: p = 0.775, z^2 = 3.841459, z^2/n = 0.048018, z^2/2n = 0.024009,
    # centre = 0.799009 / 1.048018 = 0.762401,
    # half = (1.959964 / 1.048018) x sqrt(0.002179688 + 0.000150057)
    #      = 1.870162 x 0.048267 = 0.090268 -> [0.672133, 0.852668]
    low, high = finetuned.interval
    assert low == pytest.approx(0.672133, abs=1e-5)
    assert high == pytest.approx(0.852668, abs=1e-5)
    assert (low, high) == pytest.approx(wilson_by_hand(62, 80))
    assert (counts["base"].correct, counts["base"].total) == (33, 80)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ('{"id": 1, "candidate": "base", "correct": true}\nnot json', "line 2", "JSON object"),
        ('{"id": 1, "candidate": "base"}', "line 1", "misses correct"),
        ('{"id": 1, "candidate": "gpt", "correct": true}', "line 1", "candidate must be"),
        ('{"id": 1, "candidate": "base", "correct": "yes"}', "line 1", "true or false"),
        ('{"id": true, "candidate": "base", "correct": true}', "line 1", "id must be"),
        ("[1, 2]", "line 1", "JSON object"),
        (
            '{"id": 1, "candidate": "base", "correct": true}\n'
            '{"id": 1, "candidate": "base", "correct": false}',
            "line 2",
            "appears twice",
        ),
        ("\n\n", "file", "no outcomes"),
    ],
)
def test_bad_outcome_lines_are_reported_by_line(text, field, message):
    with pytest.raises(OutcomesError) as e:
        parse_outcomes(text)
    assert e.value.errors[0]["field"] == field
    assert message in e.value.errors[0]["message"]


def test_every_bad_line_is_reported():
    text = "x\n" + '{"id": 1, "candidate": "base", "correct": true}\n' + "y\n"
    with pytest.raises(OutcomesError) as e:
        parse_outcomes(text)
    assert [err["field"] for err in e.value.errors] == ["line 1", "line 3"]


SEED_EVALUATION = {
    "test_set": {"examples": 80, "description": "support tickets, March"},
    "candidates": [
        {"candidate": "baseline", "model": "gpt-4o", "accuracy": 0.85},
        {"candidate": "base", "model": "mistral-7b", "accuracy": 0.41},
        {"candidate": "finetuned", "model": "mistral-7b + adapter", "accuracy": 0.78,
         "format_reliability": 0.97, "measured_on": "2026-11-20", "notes": "v1"},
    ],
}  # fmt: skip


def with_evaluation(evaluation: dict, **prompting) -> dict:
    return {
        "training": {"base_model": "mistral-7b"},
        "inference": {"daily_calls": 200_000},
        "prompting": {"target_quality": 0.95, **prompting},
        "evaluation": evaluation,
    }


def question(result: dict, qid: str) -> dict:
    return next(q for q in result["framework"]["questions"] if q["id"] == qid)


def test_question_one_cites_the_measured_quality(scenario_of, book):
    result = preview(scenario_of(with_evaluation(SEED_EVALUATION)), book)
    prompting = question(result, "prompting")
    assert prompting["answer"] == "yes"
    assert (
        "measured on 80 examples: baseline 85%, base 41% -> fine-tuned 78%" in (prompting["reason"])
    )
    assert "against a 95% target" in prompting["reason"]
    block = result["evaluation"]
    assert [c["candidate"] for c in block["candidates"]] == ["baseline", "base", "finetuned"]
    low, high = wilson_by_hand(round(0.78 * 80), 80)  # 62.4 -> the interval on 80 examples
    finetuned = block["candidates"][2]
    assert finetuned["ci_low"] < 0.78 < finetuned["ci_high"]
    assert finetuned["ci_low"] == pytest.approx(low, abs=0.01)
    assert finetuned["ci_high"] == pytest.approx(high, abs=0.01)


@pytest.mark.parametrize(
    ("candidates", "estimate", "answer"),
    [
        # measured prompting meets the target although the estimate said it would not
        ([{"candidate": "baseline", "accuracy": 0.96}], 0.5, "no"),
        # measured prompting misses the target although the estimate said it meets it
        ([{"candidate": "base", "accuracy": 0.60}], 0.99, "yes"),
        # only a fine-tuned candidate measured: the estimate still decides
        ([{"candidate": "finetuned", "accuracy": 0.90}], 0.99, "no"),
    ],
)
def test_measured_quality_replaces_the_estimate(scenario_of, book, candidates, estimate, answer):
    evaluation = {"test_set": {"examples": 100}, "candidates": candidates}
    data = with_evaluation(evaluation, prompting_quality=estimate)
    assert question(preview(scenario_of(data), book), "prompting")["answer"] == answer


def test_a_test_set_under_50_examples_is_warned_about(scenario_of, book):
    small = {**SEED_EVALUATION, "test_set": {"examples": 30}}
    warnings = preview(scenario_of(with_evaluation(small)), book)["framework"]["warnings"]
    assert any("30 examples, below the 50-100" in w for w in warnings)
    warnings = preview(scenario_of(with_evaluation(SEED_EVALUATION)), book)["framework"]["warnings"]
    assert not any("below the 50-100" in w for w in warnings)


def test_no_evaluation_keeps_the_v1_shape(scenario_of, book):
    scenario = scenario_of({"training": {"base_model": "mistral-7b"}})
    assert "evaluation" not in scenario_to_dict(scenario)
    assert "measured_runs" not in scenario_to_dict(scenario)
    assert preview(scenario, book)["evaluation"] is None


def test_evaluation_round_trips(scenario_of):
    scenario = scenario_of(with_evaluation(SEED_EVALUATION))
    again = scenario_of(scenario_to_dict(scenario))
    assert again == scenario
    assert scenario_to_dict(again)["evaluation"]["candidates"][2]["measured_on"] == "2026-11-20"


@pytest.mark.parametrize(
    ("evaluation", "field", "message"),
    [
        ({"candidates": []}, "evaluation.test_set", "is required"),
        ({"test_set": {}}, "evaluation.test_set.examples", "is required"),
        ({"test_set": {"examples": 0}}, "evaluation.test_set.examples", ">= 1"),
        ({"test_set": {"examples": 80}, "candidates": [{"accuracy": 0.5}]},
         "evaluation.candidates.0.candidate", "is required"),
        ({"test_set": {"examples": 80}, "candidates": [{"candidate": "gpt", "accuracy": 0.5}]},
         "evaluation.candidates.0.candidate", "must be one of"),
        ({"test_set": {"examples": 80}, "candidates": [{"candidate": "base", "accuracy": 1.5}]},
         "evaluation.candidates.0.accuracy", "<= 1"),
        ({"test_set": {"examples": 80},
          "candidates": [{"candidate": "base", "accuracy": 0.5, "measured_on": "20-11-2026"}]},
         "evaluation.candidates.0.measured_on", "YYYY-MM-DD"),
        ({"test_set": {"examples": 80},
          "candidates": [{"candidate": "base", "accuracy": 0.5, "correct": 9, "total": 8}]},
         "evaluation.candidates.0.correct", "<= total"),
        ({"test_set": {"examples": 80},
          "candidates": [{"candidate": "base", "accuracy": 0.5, "correct": 6, "total": 8}]},
         "evaluation.candidates.0.accuracy", "correct / total"),
        ({"test_set": {"examples": 80}, "candidates": [{"candidate": "base", "accuracy": 0.5,
                                                         "color": "red"}]},
         "evaluation.candidates.0.color", "unknown key"),
        ({"test_set": {"examples": 80}, "candidates": "many"},
         "evaluation.candidates", "must be a list"),
        ("yes", "evaluation", "must be an object"),
    ],
)  # fmt: skip
def test_bad_evaluations_name_the_field(book, evaluation, field, message):
    data = {"training": {"base_model": "mistral-7b"}, "evaluation": evaluation}
    with pytest.raises(ScenarioError) as e:
        parse_scenario(data, book)
    errors = {err["field"]: err["message"] for err in e.value.errors}
    assert field in errors, e.value.errors
    assert message in errors[field]
