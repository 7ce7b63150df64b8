"""The evidence endpoints of /api/v1/ (routes in decisions/api_urls.py, documented in
decisions/openapi.py): the same token auth, error shapes and permission rules as
decisions.api, whose `api_view` decorator they use."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.urls import reverse

from decisions.access import portfolio_for, project_for
from decisions.api import api_view, json_body, scenario_for_api
from decisions.engine import ScenarioError
from decisions.engine.portfolio import PortfolioError
from decisions.evidence import (
    calibration_report,
    evaluation_add,
    evaluation_jsonl_import,
    evaluation_summary,
    measured_run_add,
    portfolio_create,
    portfolio_evaluate,
)
from decisions.models import EvaluationResult, EvaluationSet, MeasuredRun, Portfolio, Scenario

JSONL_CONTENT_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")


# --- Serialisers ---------------------------------------------------------------------------


def evaluation_json(scenario: Scenario) -> dict[str, Any]:
    evaluation_set = EvaluationSet.objects.filter(scenario=scenario).first()
    results = EvaluationResult.objects.filter(evaluation_set__scenario=scenario)
    return {
        "scenario": scenario.pk,
        "test_set": None
        if evaluation_set is None
        else {"examples": evaluation_set.examples, "description": evaluation_set.description},
        "results": [{"id": r.pk, **r.as_format()} for r in results],
        "summary": evaluation_summary(scenario=scenario),
        "url": reverse("api:scenario_evaluation", args=[scenario.pk]),
    }


def run_json(run: MeasuredRun) -> dict[str, Any]:
    return {"id": run.pk, "project": run.project_id, **run.as_format(),
            "created": run.created.isoformat()}  # fmt: skip


def portfolio_json(portfolio: Portfolio) -> dict[str, Any]:
    return {
        "id": portfolio.pk,
        "project": portfolio.project_id,
        "name": portfolio.name,
        "scenarios": sorted(s.pk for s in portfolio.scenarios.all()),
        "latency_target_seconds": portfolio.latency_target_seconds,
        "url": reverse("api:portfolio", args=[portfolio.pk]),
    }


# --- Views ---------------------------------------------------------------------------------


@api_view("GET", "POST")
def scenario_evaluation(request, scenario_id: int):
    """GET: test set, results and intervals. POST: scenario-format `evaluation` JSON, or
    per-example outcomes as JSON Lines (Content-Type application/x-ndjson)."""
    scenario = scenario_for_api(request, scenario_id, edit=request.method == "POST")
    if request.method == "GET":
        return JsonResponse(evaluation_json(scenario))
    if request.content_type in JSONL_CONTENT_TYPES:
        evaluation_jsonl_import(scenario=scenario, user=request.user, content=request.body)
    else:
        evaluation_add(scenario=scenario, user=request.user, data=json_body(request))
    return JsonResponse(evaluation_json(scenario), status=201)


@api_view("GET", "POST")
def project_runs(request, project_id: int):
    project, _ = project_for(request, project_id, edit=request.method == "POST")
    if request.method == "GET":
        return JsonResponse({"runs": [run_json(r) for r in project.measured_runs.all()]})
    run = measured_run_add(project=project, user=request.user, run=json_body(request))
    return JsonResponse(run_json(run), status=201)


@api_view("GET")
def project_calibration(request, project_id: int):
    project, _ = project_for(request, project_id)
    report = calibration_report(project=project)
    rows = []
    for row in report["rows"]:
        stored = row["stored"]
        values = {k: v for k, v in row.items() if k not in ("run", "stored")}
        rows.append({"id": stored.pk, **stored.as_format(), **values})
    return JsonResponse(
        {
            "catalog_version": report["catalog_version"],
            "fits": [fit.as_dict() for fit in report["fits"]],
            "runs": rows,
            "mean_absolute_error": report["errors"],
            "skipped_runs": [run.pk for run in report["skipped"]],
        }
    )


@api_view("GET", "POST")
def project_portfolios(request, project_id: int):
    project, _ = project_for(request, project_id, edit=request.method == "POST")
    if request.method == "GET":
        rows = project.portfolios.prefetch_related("scenarios")
        return JsonResponse({"portfolios": [portfolio_json(p) for p in rows]})
    data = json_body(request)
    portfolio = portfolio_create(
        project=project, user=request.user, **portfolio_fields(project, data)
    )
    return JsonResponse(portfolio_json(portfolio), status=201)


def portfolio_fields(project, data: dict[str, Any]) -> dict[str, Any]:
    errors = [
        {"field": k, "message": "unknown key"}
        for k in sorted(set(data) - {"name", "scenarios", "latency_target_seconds"})
    ]
    name = data.get("name")
    if not isinstance(name, str):
        errors.append({"field": "name", "message": "is required: a string"})
    ids = data.get("scenarios")
    if not isinstance(ids, list) or not all(type(i) is int for i in ids):
        errors.append({"field": "scenarios", "message": "must be a list of scenario ids"})
        ids = []
    scenarios = list(project.scenarios.filter(pk__in=ids))
    if len(scenarios) != len(set(ids)):
        errors.append({"field": "scenarios", "message": "must be scenarios of this project"})
    latency = data.get("latency_target_seconds")
    if latency is not None and (isinstance(latency, bool) or not isinstance(latency, int | float)):
        errors.append({"field": "latency_target_seconds", "message": "must be a number"})
    if errors:
        raise ScenarioError(errors)
    return {"name": name.strip(), "scenarios": scenarios, "latency_target_seconds": latency}


@api_view("GET")
def portfolio(request, portfolio_id: int):
    """The portfolio with adapters vs merged vs API (or the problem that prevents it)."""
    portfolio, _ = portfolio_for(request, portfolio_id)
    body = portfolio_json(portfolio)
    try:
        body["result"], body["problem"] = portfolio_evaluate(portfolio=portfolio), None
    except PortfolioError as e:
        body["result"], body["problem"] = None, str(e)
    return JsonResponse(body)
