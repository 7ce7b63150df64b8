"""The measured runs page and the calibration page, for each role."""

from __future__ import annotations

import pytest

from decisions.evidence import measured_run_add
from decisions.models import MeasuredRun
from tests.evidence.conftest import run_fields


def runs_url(project) -> str:
    return f"/projects/{project.pk}/runs/"


def calibration_url(project) -> str:
    return f"/projects/{project.pk}/calibration/"


@pytest.mark.parametrize("path", [runs_url, calibration_url])
def test_anonymous_is_sent_to_log_in(client, project, default_catalog, path):
    response = client.get(path(project))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", [runs_url, calibration_url])
@pytest.mark.parametrize(
    ("name", "status"), [("alice", 200), ("bob", 200), ("victor", 200), ("charlie", 404)]
)
def test_members_only(client_for, project, default_catalog, users, path, name, status):
    assert client_for(users[name]).get(path(project)).status_code == status


@pytest.mark.parametrize(
    ("name", "status"), [("alice", 302), ("bob", 302), ("victor", 403), ("charlie", 404)]
)
def test_recording_a_run(client_for, project, default_catalog, users, name, status):
    response = client_for(users[name]).post(runs_url(project), run_fields())
    assert response.status_code == status
    assert MeasuredRun.objects.filter(project=project).exists() == (status == 302)


def test_an_impossible_run_is_refused_next_to_its_field(client_for, project, default_catalog, bob):
    response = client_for(bob).post(runs_url(project), run_fields(wall_hours="0.0001"))
    assert response.status_code == 200
    assert "which is impossible" in response.content.decode()
    assert not MeasuredRun.objects.exists()


def test_the_calibration_table_shows_before_and_after(client_for, project, default_catalog, alice):
    measured_run_add(project=project, user=alice, run=run_fields())
    page = client_for(alice).get(calibration_url(project)).content.decode()
    assert "Fitted MFU" in page
    assert "h100-80gb" in page
    assert "+0.0%" in page  # one run: the in-sample fit reproduces it
    assert "Mean absolute error" in page


def test_an_empty_calibration_says_so(client_for, project, default_catalog, alice):
    page = client_for(alice).get(calibration_url(project)).content.decode()
    assert "No runs yet" in page
