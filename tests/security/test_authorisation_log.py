"""Refused authorisations are logged to `tunecase.security` with who, what and where."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from tests.security.conftest import client_as

pytestmark = pytest.mark.usefixtures("caplog")


def refusals(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "tunecase.security" and "authorisation refused" in r.getMessage()
    ]


@pytest.fixture(autouse=True)
def capture(caplog):
    caplog.set_level(logging.INFO, logger="tunecase.security")


def test_a_viewer_changing_something_is_logged(world, caplog):
    url = reverse("decisions:project_edit", args=[world.project.pk])
    assert client_as(world, "viewer").post(url, {"name": "x"}).status_code == 403
    [line] = refusals(caplog)
    assert f"403 POST {url} user=victor" in line


def test_an_outsider_probing_an_object_is_logged(world, caplog):
    url = reverse("decisions:scenario_detail", args=[world.scenario.pk])
    assert client_as(world, "outsider").get(url).status_code == 404
    [line] = refusals(caplog)
    assert f"404 GET {url} user=charlie" in line


def test_a_foreign_api_token_is_logged(world, caplog):
    url = reverse("api:scenario", args=[world.scenario.pk])
    assert client_as(world, "foreign_token").get(url).status_code == 404
    [line] = refusals(caplog)
    assert f"404 GET {url} user=charlie" in line


def test_a_missing_api_token_is_logged(world, caplog):
    url = reverse("api:projects")
    assert client_as(world, "anonymous").get(url).status_code == 401
    [line] = refusals(caplog)
    assert f"401 GET {url} user=anonymous" in line


def test_a_csrf_failure_is_logged(world, caplog):
    client = client_as(world, "owner", enforce_csrf_checks=True)
    url = reverse("decisions:scenario_duplicate", args=[world.scenario.pk])
    assert client.post(url).status_code == 403
    [line] = refusals(caplog)
    assert f"403 POST {url} user=alice" in line


def test_a_permitted_request_logs_nothing(world, caplog):
    url = reverse("decisions:scenario_detail", args=[world.scenario.pk])
    assert client_as(world, "viewer").get(url).status_code == 200
    assert refusals(caplog) == []
