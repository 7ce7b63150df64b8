"""The four questions, the verdict and the warnings, as a table of scenarios."""

from __future__ import annotations

import pytest

from decisions.engine import preview

BASE = {"training": {"base_model": "mistral-7b"}, "inference": {"daily_calls": 200_000}}


def merged(**sections) -> dict:
    data = {k: dict(v) for k, v in BASE.items()}
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values} if isinstance(values, dict) else values
    return data


VERDICTS = [
    # (case, scenario, verdict, {question id: answer})
    ("high volume, clean data", merged(), "fine-tune",
     {"prompting": "yes", "volume": "yes", "data": "yes", "velocity": "yes"}),
    ("prompting already good enough",
     merged(prompting={"prompting_quality": 0.97, "target_quality": 0.95}), "prompting",
     {"prompting": "no"}),
    ("only fresh knowledge missing",
     merged(prompting={"prompting_quality": 0.97, "needs_fresh_knowledge": True}), "rag",
     {"prompting": "partly"}),
    ("format and fresh knowledge",
     merged(prompting={"failure_modes": ["format", "knowledge"]}), "fine-tune+rag",
     {"prompting": "yes"}),
    ("low volume", merged(inference={"daily_calls": 100}), "stay-on-api", {"volume": "no"}),
    ("chasing the frontier", merged(velocity={"chasing_frontier": True}), "stay-on-api",
     {"velocity": "no"}),
    ("too little data", merged(data={"train_examples": 300}), "not-yet", {"data": "no"}),
    ("no evaluation set", merged(data={"eval_set_examples": 10}), "not-yet", {"data": "no"}),
    ("noisy data", merged(data={"quality": "noisy"}), "not-yet", {"data": "no"}),
    ("task needs more data", merged(use_case="task"), "not-yet", {"data": "no"}),
    ("mixed data", merged(data={"quality": "mixed"}), "fine-tune", {"data": "partly"}),
    # payback ~11 months > the 6-month refresh, but refreshes cost less than the first
    # build: the curves cross within 24 months at a positive NPV
    ("pays back over the horizon", merged(inference={"daily_calls": 15_000}), "fine-tune",
     {"volume": "partly", "velocity": "partly"}),
    # payback ~16 months: the curves cross in month 23 at a negative NPV
    ("crosses too late", {"training": {"base_model": "llama-3.1-8b"}}, "stay-on-api",
     {"volume": "partly", "velocity": "no"}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "data", "verdict", "answers"), VERDICTS,
                         ids=[v[0] for v in VERDICTS])  # fmt: skip
def test_the_rules_reach_the_verdict(book, scenario_of, case, data, verdict, answers):
    framework = preview(scenario_of(data), book)["framework"]
    got = {q["id"]: q["answer"] for q in framework["questions"]}
    assert framework["verdict"] == verdict, (case, framework["questions"])
    for qid, answer in answers.items():
        assert got[qid] == answer, (case, qid, framework["questions"])


def test_reasons_carry_the_numbers(book, scenario_of):
    r = preview(scenario_of(BASE), book)
    volume = next(q for q in r["framework"]["questions"] if q["id"] == "volume")
    assert f"{r['payback_months']:.1f} months" in volume["reason"]
    assert "200,000 calls/day" in volume["reason"]


WARNINGS = [
    ("custom licence", {"training": {"base_model": "llama-3.1-8b"}}, "700M MAU cap"),
    ("licence not allowed", {"training": {"base_model": "llama-3.1-8b"}},
     "not in the allowed list"),
    ("regulated on managed", merged(constraints={"regulated_data": True}), "managed platform"),
    ("small eval set", merged(data={"eval_set_examples": 20}), "below the 50-100"),
    ("no eval set", merged(data={"eval_set_examples": 0}), "no evaluation set"),
    ("too little data", merged(use_case="knowledge"), "below the 50,000"),
    ("noisy data", merged(data={"quality": "noisy"}), "noisy data"),
    ("frontier", merged(velocity={"chasing_frontier": True}), "chasing the frontier"),
    ("full needs a reason", merged(training={"base_model": "mistral-7b", "method": "full"}),
     "stated reason"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "data", "fragment"), WARNINGS, ids=[w[0] for w in WARNINGS])
def test_it_warns(book, scenario_of, case, data, fragment):
    warnings = preview(scenario_of(data), book)["framework"]["warnings"]
    assert any(fragment in w for w in warnings), warnings


def test_a_clean_apache_scenario_has_no_warnings(book, scenario_of):
    assert preview(scenario_of(BASE), book)["framework"]["warnings"] == []


def test_recommendation_names_method_platform_band_and_deployment(book, scenario_of):
    rec = preview(scenario_of(BASE), book)["framework"]["recommendation"]
    assert rec == {"method": "lora", "platform": "managed", "size_band": "7-13B",
                   "deployment": "adapter", "serving": "serverless"}  # fmt: skip
