"""Fixtures for the decision pages: a published catalog and a scenario in `project`."""

from __future__ import annotations

import pytest

from decisions.services import scenario_create

ROLES = ["alice", "bob", "victor"]  # owner, editor, viewer
EDITORS = ["alice", "bob"]


@pytest.fixture
def scenario(default_catalog, project, alice):
    return scenario_create(project=project, user=alice, name="Brand voice")


@pytest.fixture
def user(request):
    """Parametrise with a fixture name ("alice", ...) or None for anonymous."""
    name = getattr(request, "param", None)
    return request.getfixturevalue(name) if name else None


def html(response) -> str:
    return response.content.decode()


def assert_fragment(response) -> None:
    assert response.status_code == 200
    assert "<html" not in html(response)


def assert_page(response) -> None:
    assert response.status_code == 200
    assert "<html" in html(response)
