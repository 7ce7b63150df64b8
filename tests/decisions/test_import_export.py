"""Export one scenario as scenario-format JSON; import one into a project."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions.models import Scenario
from tests.decisions.conftest import ROLES, assert_fragment, html


def export_url(scenario) -> str:
    return reverse("decisions:scenario_export", args=[scenario.pk])


def import_url(project) -> str:
    return reverse("decisions:scenario_import", args=[project.pk])


def upload(content: bytes | str, name: str = "scenario.json") -> SimpleUploadedFile:
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


@pytest.mark.parametrize("who", ROLES)
def test_members_download_the_full_scenario(request, client_for, scenario, who):
    response = client_for(request.getfixturevalue(who)).get(export_url(scenario))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'attachment; filename="brand-voice.json"' == response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["schema"] == "tunecase.scenario/v1"
    assert data["name"] == "Brand voice"
    assert data["inference"]["daily_calls"] == 10000


def test_an_invalid_draft_exports_as_typed(client_for, alice, scenario):
    scenario.inputs["inference"]["daily_calls"] = "ten thousand"
    scenario.save()
    data = json.loads(client_for(alice).get(export_url(scenario)).content)
    assert data["inference"]["daily_calls"] == "ten thousand"
    assert list(data)[0] == "schema"


def test_outsider_cannot_export(client_for, charlie, scenario):
    assert client_for(charlie).get(export_url(scenario)).status_code == 404


def test_export_then_import_round_trips(client_for, alice, scenario):
    client = client_for(alice)
    exported = client.get(export_url(scenario)).content
    response = client.post(import_url(scenario.project), {"file": upload(exported)})
    imported = Scenario.objects.exclude(pk=scenario.pk).get()
    assert response["Location"] == reverse("decisions:scenario_detail", args=[imported.pk])
    assert imported.inputs == json.loads(exported)


def test_a_minimal_scenario_imports_with_defaults(client_for, bob, default_catalog, project):
    minimal = json.dumps({"name": "Minimal", "training": {"base_model": "qwen3-8b"}})
    client_for(bob).post(import_url(project), {"file": upload(minimal)})
    scenario = Scenario.objects.get(name="Minimal")
    assert scenario.inputs["training"]["base_model"] == "qwen3-8b"
    assert scenario.inputs["horizon_months"] == 24
    assert scenario.created_by == bob


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
        (b"{not json", "is not JSON"),
        (b"[1, 2]", "must hold one JSON object"),
        (b"{" + b" " * (1024 * 1024) + b"}", "is larger than 1024 KB"),
    ],
)
def test_unreadable_files_are_refused_clearly(
    client_for, alice, default_catalog, project, content, message
):
    response = client_for(alice).post(import_url(project), {"file": upload(content)})
    assert response.status_code == 200
    assert message in html(response)
    assert "Nothing was imported" in html(response)
    assert not Scenario.objects.exists()


def test_every_validation_error_is_listed_and_nothing_is_created(
    client_for, alice, default_catalog, project
):
    bad = json.dumps(
        {
            "training": {"base_model": "llama-3.1-8b", "epochs": 0},
            "inference": {"daily_calls": -1},
            "data": {"quality": "sparkling"},
        }
    )
    response = client_for(alice).post(import_url(project), {"file": upload(bad)})
    page = html(response)
    for field in ("training.epochs", "inference.daily_calls", "data.quality"):
        assert field in page
    assert "3 problems" in page
    assert not Scenario.objects.exists()


def test_import_page_and_fragment(client_for, alice, default_catalog, project):
    assert "Scenario JSON file" in html(client_for(alice).get(import_url(project)))
    fragment = client_for(alice).get(import_url(project), headers={"HX-Request": "true"})
    assert_fragment(fragment)


def test_viewer_and_outsider_cannot_import(client_for, victor, charlie, default_catalog, project):
    data = json.dumps({"training": {"base_model": "qwen3-8b"}})
    assert client_for(victor).post(import_url(project), {"file": upload(data)}).status_code == 403
    assert client_for(charlie).post(import_url(project), {"file": upload(data)}).status_code == 404
    assert not Scenario.objects.exists()
