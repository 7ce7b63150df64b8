from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken
from decisions.models import Project, Scenario
from tests.conftest import scenario_inputs
from tests.factories import ProjectFactory


@pytest.fixture
def token_for():
    def issue(user):
        return ApiToken.issue(user=user, name="test")[1]

    return issue


def call(client, method, url, token=None, body=None, raw=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    kwargs = {"content_type": "application/json", "headers": headers}
    if data is not None:
        kwargs["data"] = data
    return getattr(client, method.lower())(url, **kwargs)


@pytest.fixture
def urls(project, default_catalog):
    scenario = Scenario.objects.create(project=project, name="S", inputs=scenario_inputs())
    return {
        "evaluate": "/api/v1/evaluate",
        "projects": "/api/v1/projects",
        "project": f"/api/v1/projects/{project.pk}",
        "scenarios": f"/api/v1/projects/{project.pk}/scenarios",
        "scenario": f"/api/v1/scenarios/{scenario.pk}",
        "result": f"/api/v1/scenarios/{scenario.pk}/result",
        "catalogs": "/api/v1/catalogs",
        "catalog": "/api/v1/catalogs/2026-11",
    }


def test_every_endpoint_wants_a_token(client, urls):
    for url in urls.values():
        response = call(client, "GET", url)
        assert response.status_code in (401, 405), url
        if response.status_code == 401:
            assert response.json()["errors"][0]["message"] == "missing or invalid API token"
            assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_made_up_tokens_are_refused(client, alice, urls, token_for):
    token = token_for(alice)
    assert call(client, "GET", urls["projects"], token).status_code == 200
    ApiToken.objects.get(user=alice).revoke()
    assert call(client, "GET", urls["projects"], token).status_code == 401
    assert call(client, "GET", urls["projects"], "tc_made-up").status_code == 401


def test_token_is_stored_only_as_a_hash(alice, token_for):
    token = token_for(alice)
    stored = ApiToken.objects.get(user=alice)
    assert token not in {stored.token_hash, stored.hint, stored.name}
    assert len(stored.token_hash) == 64


def test_evaluate_returns_the_result_of_the_contract(client, alice, default_catalog, token_for):
    response = call(client, "POST", "/api/v1/evaluate", token_for(alice), scenario_inputs())
    assert response.status_code == 200
    result = response.json()
    assert result["schema"] == "tunecase.result/v1"
    assert result["catalog_version"] == "2026-11"
    assert result["framework"]["verdict"] in {
        "fine-tune",
        "fine-tune+rag",
        "rag",
        "prompting",
        "stay-on-api",
        "not-yet",
    }


def test_evaluate_names_every_bad_field(client, alice, default_catalog, token_for):
    body = scenario_inputs(inference={"daily_calls": -5}, training={"base_model": "llama-3-8b"})
    response = call(client, "POST", "/api/v1/evaluate", token_for(alice), body)
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"inference.daily_calls", "training.base_model"} <= fields
    suggestion = [e for e in response.json()["errors"] if e["field"] == "training.base_model"]
    assert "llama-3.1-8b" in suggestion[0]["message"]


@pytest.mark.parametrize(
    "raw, message",
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_evaluate_explains_a_body_it_cannot_read(
    client, alice, default_catalog, token_for, raw, message
):
    response = call(client, "POST", "/api/v1/evaluate", token_for(alice), raw=raw)
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]


def test_projects_list_only_the_token_owners_organisations(
    client, alice, charlie, project, token_for
):
    ProjectFactory(organisation=charlie.memberships.get().organisation, name="Secret plan")
    names = [
        p["name"]
        for p in call(client, "GET", "/api/v1/projects", token_for(alice)).json()["projects"]
    ]
    assert names == ["Support bot"]


def test_another_organisations_objects_are_404(client, charlie, urls, token_for):
    token = token_for(charlie)
    for name in ("project", "scenarios", "scenario", "result"):
        assert call(client, "GET", urls[name], token).status_code == 404, name
    assert call(client, "DELETE", urls["project"], token).status_code == 404
    assert Project.objects.filter(name="Support bot").exists()


def test_viewer_reads_but_cannot_change(client, victor, urls, token_for):
    token = token_for(victor)
    assert call(client, "GET", urls["scenario"], token).status_code == 200
    assert call(client, "PUT", urls["scenario"], token, scenario_inputs()).status_code == 403
    assert call(client, "POST", urls["scenarios"], token, scenario_inputs()).status_code == 403
    assert call(client, "DELETE", urls["project"], token).status_code == 403
    assert call(client, "POST", urls["result"], token).status_code == 403


def test_editor_creates_reads_updates_and_deletes_a_scenario(client, bob, urls, token_for):
    token = token_for(bob)
    created = call(client, "POST", urls["scenarios"], token, scenario_inputs(name="From API"))
    assert created.status_code == 201
    url = created.json()["url"]
    stored = call(client, "GET", url, token).json()
    assert stored["name"] == "From API"
    assert stored["inputs"]["inference"]["daily_calls"] == 10000  # defaults written out

    changed = scenario_inputs(name="Renamed", inference={"daily_calls": 500})
    assert (
        call(client, "PUT", url, token, changed).json()["inputs"]["inference"]["daily_calls"] == 500
    )
    assert call(client, "DELETE", url, token).status_code == 204
    assert call(client, "GET", url, token).status_code == 404


def test_invalid_scenario_is_refused_and_nothing_is_created(client, bob, urls, token_for):
    before = Scenario.objects.count()
    response = call(client, "POST", urls["scenarios"], token_for(bob), {"training": {}})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "training.base_model", "message": "is required"}]
    assert Scenario.objects.count() == before


def test_result_is_computed_on_request_and_then_readable(
    client, bob, urls, token_for, django_capture_on_commit_callbacks
):
    token = token_for(bob)
    assert call(client, "GET", urls["result"], token).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        job = call(client, "POST", urls["result"], token)
    assert job.status_code == 202
    assert call(client, "GET", job.json()["url"], token).json()["status"] == "done"
    result = call(client, "GET", urls["result"], token).json()
    assert result["catalog_version"] == "2026-11"
    assert result["result"]["schema"] == "tunecase.result/v1"


def test_projects_create_and_patch_validate_their_fields(client, bob, token_for):
    token = token_for(bob)
    bad = call(client, "POST", "/api/v1/projects", token, {"name": "", "colour": "red"})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"name", "colour"}
    made = call(client, "POST", "/api/v1/projects", token, {"name": "Invoices"})
    assert made.status_code == 201
    patched = call(client, "PATCH", made.json()["url"], token, {"archived": True})
    assert patched.json()["archived"] is True


def test_catalogs_are_listed_and_readable(client, alice, default_catalog, token_for):
    token = token_for(alice)
    listing = call(client, "GET", "/api/v1/catalogs", token).json()["catalogs"]
    assert [(c["slug"], c["latest"]) for c in listing] == [("2026-11", True)]
    catalog = call(client, "GET", "/api/v1/catalogs/2026-11", token).json()
    assert catalog["version"] == "2026-11"
    assert all(row["source_url"] and row["as_of"] for row in catalog["training_prices"])
    assert call(client, "GET", "/api/v1/catalogs/1999-01", token).status_code == 404


def test_openapi_document_describes_every_api_route(client, db):
    from decisions.api_urls import urlpatterns

    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    routes = {
        "/" + str(p.pattern).replace("<int:", "{").replace("<slug:", "{").replace(">", "}")
        for p in urlpatterns
    }
    assert routes - {"/openapi.json", "/docs"} == set(spec["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_create_api_token_prints_the_token_last(alice, client, capsys):
    call_command("create_api_token", "alice")
    token = capsys.readouterr().out.split()[-1]
    assert call(client, "GET", "/api/v1/projects", token).status_code == 200


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
sections = ["training", "inference", "data", "costs", "prompting", "velocity", "uncertainty"]
scenario_like = st.fixed_dictionaries(
    {},
    optional={
        **{
            name: st.dictionaries(
                st.sampled_from(["base_model", "daily_calls", "epochs", "method", "samples"]),
                json_values,
                max_size=3,
            )
            for name in sections
        },
        "horizon_months": json_values,
        "catalog": json_values,
    },
)


@pytest.fixture
def bob_token(bob, token_for):
    return token_for(bob)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=scenario_like | json_values)
def test_no_body_makes_the_api_fail_with_a_server_error(client, urls, bob_token, body):
    for method, name in (
        ("POST", "evaluate"),
        ("POST", "scenarios"),
        ("PUT", "scenario"),
        ("POST", "projects"),
    ):
        response = call(client, method, urls[name], bob_token, body)
        assert response.status_code < 500, (method, name, body, response.content[:300])
