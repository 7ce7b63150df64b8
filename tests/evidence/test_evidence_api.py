"""The evidence endpoints of /api/v1/: token auth, error shapes, permissions, results."""

from __future__ import annotations

import json

import pytest

from accounts.models import ApiToken
from decisions.evidence import portfolio_create
from decisions.models import EvaluationResult, MeasuredRun, Portfolio
from decisions.services import scenario_create
from tests.conftest import scenario_inputs
from tests.evidence.conftest import outcomes, run_fields


def call(client, method, url, user=None, body=None, raw=None, content_type="application/json"):
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {ApiToken.issue(user=user, name='t')[1]}"
    kwargs = {"content_type": content_type, "headers": headers}
    if raw is not None or body is not None:
        kwargs["data"] = raw if raw is not None else json.dumps(body)
    return getattr(client, method.lower())(url, **kwargs)


@pytest.fixture
def urls(project, scenario):
    others = [
        scenario_create(project=project, user=None, name=f"T{i}", inputs=scenario_inputs())
        for i in (1, 2)
    ]
    portfolio = portfolio_create(project=project, user=None, name="P", scenarios=others)
    return {
        "evaluation": f"/api/v1/scenarios/{scenario.pk}/evaluation",
        "runs": f"/api/v1/projects/{project.pk}/runs",
        "calibration": f"/api/v1/projects/{project.pk}/calibration",
        "portfolios": f"/api/v1/projects/{project.pk}/portfolios",
        "portfolio": f"/api/v1/portfolios/{portfolio.pk}",
    }


def test_every_evidence_endpoint_wants_a_token(client, urls):
    for url in urls.values():
        response = call(client, "GET", url)
        assert response.status_code == 401, url
        assert response.json()["errors"][0]["message"] == "missing or invalid API token"


@pytest.mark.parametrize(("name", "status"), [("alice", 200), ("victor", 200), ("charlie", 404)])
def test_reading_follows_membership(client, urls, users, name, status):
    for url in urls.values():
        assert call(client, "GET", url, users[name]).status_code == status, url


POSTS = {
    "evaluation": {"test_set": {"examples": 80}},
    "runs": run_fields(),
}


@pytest.mark.parametrize(("name", "status"), [("bob", 201), ("victor", 403), ("charlie", 404)])
@pytest.mark.parametrize("what", ["evaluation", "runs"])
def test_changing_follows_roles(client, urls, users, name, status, what):
    response = call(client, "POST", urls[what], users[name], POSTS[what])
    assert response.status_code == status
    if status != 201:
        assert "errors" in response.json()


def test_evaluation_json_adds_results_with_intervals(client, urls, bob):
    body = {
        "test_set": {"examples": 80, "description": "tickets"},
        "candidates": [
            {"candidate": "base", "model": "llama-3.1-8b", "accuracy": 0.41},
            {
                "candidate": "finetuned",
                "accuracy": 0.775,
                "correct": 62,
                "total": 80,
                "measured_on": "2026-11-20",
            },
        ],
    }
    response = call(client, "POST", urls["evaluation"], bob, body)
    assert response.status_code == 201
    data = response.json()
    assert data["test_set"] == {"examples": 80, "description": "tickets"}
    finetuned = next(c for c in data["summary"]["candidates"] if c["candidate"] == "finetuned")
    assert (finetuned["ci_low"], finetuned["ci_high"]) == (0.6721, 0.8527)  # Wilson, by hand


def test_one_bad_candidate_rejects_the_whole_request(client, urls, bob):
    body = {
        "test_set": {"examples": 80},
        "candidates": [
            {"candidate": "base", "accuracy": 0.4},
            {"candidate": "finetuned", "accuracy": 2},
        ],
    }
    response = call(client, "POST", urls["evaluation"], bob, body)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "candidates.1.accuracy", "message": "must be <= 1"}
    ]
    assert not EvaluationResult.objects.exists()


def test_jsonl_outcomes_can_be_posted(client, urls, bob):
    rows = [(i, "finetuned", i < 62) for i in range(80)]
    response = call(
        client,
        "POST",
        urls["evaluation"],
        bob,
        raw=outcomes(rows),
        content_type="application/x-ndjson",
    )
    assert response.status_code == 201
    assert response.json()["results"][0]["accuracy"] == 0.775
    bad = call(
        client, "POST", urls["evaluation"], bob, raw=b"{}\n", content_type="application/x-ndjson"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "line 1"


def test_a_bad_run_names_its_fields(client, urls, bob):
    response = call(client, "POST", urls["runs"], bob, run_fields(gpu="h1000", extra=1))
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"gpu", "extra"}
    assert not MeasuredRun.objects.exists()


def test_calibration_fits_the_runs(client, urls, bob):
    call(client, "POST", urls["runs"], bob, run_fields())
    data = call(client, "GET", urls["calibration"], bob).json()
    assert data["fits"][0]["gpu"] == "h100-80gb" and data["fits"][0]["runs"] == 1
    # 4.5 x 8.03e9 x 3e7 / (989e12 x 1.3 x 3600) = 0.2342
    assert data["fits"][0]["mfu"] == pytest.approx(0.2342, abs=1e-4)
    assert data["runs"][0]["hours_error_after"] == pytest.approx(0.0, abs=1e-9)


def test_portfolios_are_created_and_compared(client, project, urls, bob):
    ids = list(project.scenarios.order_by("pk").values_list("pk", flat=True))
    response = call(client, "POST", urls["portfolios"], bob, {"name": "All", "scenarios": ids})
    assert response.status_code == 201
    data = call(client, "GET", response.json()["url"], bob).json()
    assert data["result"]["recommendation"]["deployment"] == "adapters"
    options = data["result"]["options"]
    assert options["adapters"]["total"] < options["merged"]["total"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "scenarios": [999999, 1000000]}, "scenarios"),
        ({"name": "X", "scenarios": "all"}, "scenarios"),
        ({"scenarios": []}, "name"),
        ({"name": "X", "scenarios": [], "colour": "red"}, "colour"),
    ],
)
def test_bad_portfolios_are_refused(client, urls, bob, body, field):
    before = Portfolio.objects.count()
    response = call(client, "POST", urls["portfolios"], bob, body)
    assert response.status_code == 400
    assert field in {e["field"] for e in response.json()["errors"]}
    assert Portfolio.objects.count() == before


def test_another_projects_scenarios_cannot_join(client, urls, bob, charlie):
    from tests.factories import ProjectFactory

    theirs = ProjectFactory(organisation=charlie.memberships.first().organisation)
    foreign = [
        scenario_create(project=theirs, user=None, name=f"F{i}", inputs=scenario_inputs())
        for i in (1, 2)
    ]
    body = {"name": "X", "scenarios": [s.pk for s in foreign]}
    assert call(client, "POST", urls["portfolios"], bob, body).status_code == 400
