"""The world the security tests attack: Acme (alice owner, bob editor, victor viewer) with a
project, a scenario holding a result, a share link, jobs and an invitation; Rival (charlie,
the outsider); an API token for each person; and a client for every role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import ApiToken, Invitation
from decisions.jobs import job_request
from decisions.models import Job, JobStatus, Scenario
from decisions.services import scenario_evaluate
from decisions.sharing import share_link_create
from tests.conftest import scenario_inputs

# Who knocks. The members' clients hold a session and send their own API token;
# share_holder and foreign_token hold no session.
ROLES = ("anonymous", "viewer", "editor", "owner", "outsider", "share_holder", "foreign_token")


@dataclass
class World:
    organisation: Any
    users: dict[str, Any]
    project: Any
    scenario: Any
    result: Any
    share_token: str
    share_link: Any
    job: Any
    failed_job: Any
    invitation_token: str
    catalog_slug: str
    portfolio: Any
    api_tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(alice, bob, victor, charlie, project, default_catalog) -> World:
    scenario = Scenario.objects.create(
        project=project, name="Support replies", inputs=scenario_inputs()
    )
    result = scenario_evaluate(scenario=scenario, user=alice)
    link, share_token = share_link_create(
        scenario=scenario, result=result, label="Finance", days=7, user=alice
    )
    failed_job = Job.objects.create(
        scenario=scenario, requested_by=alice, status=JobStatus.FAILED, error="boom"
    )
    # In the test transaction on_commit never fires: the job stays queued, as if a
    # worker had not picked it up yet.
    job = job_request(scenario=scenario, user=alice)
    _, invitation_token = Invitation.issue(
        organisation=project.organisation, role="viewer", created_by=alice
    )
    from decisions.models import Portfolio

    portfolio = Portfolio.objects.create(project=project, name="Support", created_by=alice)
    portfolio.scenarios.add(scenario)
    users = {"viewer": victor, "editor": bob, "owner": alice, "outsider": charlie}
    tokens = {role: ApiToken.issue(user=user, name="matrix")[1] for role, user in users.items()}
    return World(
        organisation=project.organisation,
        users=users,
        project=project,
        scenario=scenario,
        result=result,
        share_token=share_token,
        share_link=link,
        job=job,
        failed_job=failed_job,
        invitation_token=invitation_token,
        catalog_slug=default_catalog.slug,
        portfolio=portfolio,
        api_tokens=tokens,
    )


def client_as(world: World, role: str, *, enforce_csrf_checks: bool = False) -> Client:
    """A client for `role`: a session for members, a Bearer token where the role has one."""
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    if role in world.users:
        client.force_login(world.users[role])
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.api_tokens[role]}"
    elif role == "foreign_token":
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.api_tokens['outsider']}"
    return client


@pytest.fixture(autouse=True)
def fresh_cache():
    """Login and share-link throttles count in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_pdf(monkeypatch):
    """Chromium takes seconds per PDF; the permission tests only need the view's answer."""
    monkeypatch.setattr("decisions.report_views.html_to_pdf", lambda html: b"%PDF-1.4 test")
