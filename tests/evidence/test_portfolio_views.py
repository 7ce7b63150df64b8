"""Portfolio pages: list and create, and one portfolio's comparison, for each role."""

from __future__ import annotations

import pytest

from decisions.evidence import portfolio_create
from decisions.models import Portfolio
from decisions.services import scenario_create
from tests.conftest import scenario_inputs


@pytest.fixture
def three(project, alice, default_catalog):
    return [
        scenario_create(project=project, user=alice, name=f"Task {i}", inputs=scenario_inputs())
        for i in (1, 2, 3)
    ]


@pytest.fixture
def portfolio(project, alice, three):
    return portfolio_create(project=project, user=alice, name="Support", scenarios=three)


def test_anonymous_is_sent_to_log_in(client, project, portfolio):
    for url in (f"/projects/{project.pk}/portfolios/", f"/portfolios/{portfolio.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("name", "status"), [("alice", 200), ("bob", 200), ("victor", 200), ("charlie", 404)]
)
def test_members_only(client_for, project, portfolio, users, name, status):
    client = client_for(users[name])
    assert client.get(f"/projects/{project.pk}/portfolios/").status_code == status
    assert client.get(f"/portfolios/{portfolio.pk}/").status_code == status


@pytest.mark.parametrize(("name", "status"), [("bob", 302), ("victor", 403), ("charlie", 404)])
def test_creating_a_portfolio(client_for, project, three, users, name, status):
    data = {"name": "Support", "scenarios": [s.pk for s in three]}
    response = client_for(users[name]).post(f"/projects/{project.pk}/portfolios/", data)
    assert response.status_code == status
    assert Portfolio.objects.exists() == (status == 302)


def test_one_scenario_is_not_a_portfolio(client_for, project, three, bob):
    data = {"name": "Solo", "scenarios": [three[0].pk]}
    response = client_for(bob).post(f"/projects/{project.pk}/portfolios/", data)
    assert response.status_code == 200
    assert "choose at least 2 scenarios" in response.content.decode()


def test_the_comparison_shows_the_recommendation_and_charts(client_for, portfolio, alice):
    page = client_for(alice).get(f"/portfolios/{portfolio.pk}/").content.decode()
    assert "Recommendation: adapters" in page
    assert "Adapters, one deployment" in page and "Merged models" in page
    assert 'data-figure="chart-portfolio-monthly"' in page
    assert 'data-figure="chart-portfolio-cumulative"' in page
