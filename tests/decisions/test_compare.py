from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from decisions.services import scenario_create
from tests.decisions.conftest import ROLES, assert_fragment, html


@pytest.fixture
def second(scenario, alice):
    inputs = json.loads(json.dumps(scenario.inputs))
    inputs["inference"]["daily_calls"] = 40000
    return scenario_create(project=scenario.project, user=alice, name="High volume", inputs=inputs)


def url(project, *ids) -> str:
    query = "&".join(f"s={i}" for i in ids)
    return reverse("decisions:compare", args=[project.pk]) + (f"?{query}" if query else "")


@pytest.mark.parametrize("who", ROLES)
def test_members_compare_two_scenarios(request, client_for, scenario, second, who):
    page = html(
        client_for(request.getfixturevalue(who)).get(url(scenario.project, scenario.pk, second.pk))
    )
    assert "Brand voice" in page and "High volume" in page
    assert "Payback (months)" in page
    blob = re.search(
        r'<script id="chart-compare-data" type="application/json">(.*?)</script>', page, re.S
    )
    figure = json.loads(blob.group(1))
    assert len(figure["data"]) == 4  # API and fine-tune curve per scenario
    assert "<summary>Table</summary>" in page


def test_choosing_one_asks_for_two_to_four(client_for, alice, scenario):
    page = html(client_for(alice).get(url(scenario.project, scenario.pk)))
    assert "Choose 2 to 4 scenarios" in page
    assert "chart-compare-data" not in page


def test_without_a_choice_it_shows_the_picker(client_for, alice, scenario, second):
    page = html(client_for(alice).get(url(scenario.project)))
    assert 'name="s"' in page and "High volume" in page


def test_scenarios_of_another_project_are_ignored(client_for, charlie, alice, scenario, second):
    from tests.factories import ProjectFactory

    other = ProjectFactory(organisation=charlie.memberships.get().organisation)
    foreign = scenario_create(project=other, user=charlie, name="Rival plan")
    page = html(client_for(alice).get(url(scenario.project, scenario.pk, foreign.pk)))
    assert "Rival plan" not in page
    assert "Choose 2 to 4 scenarios" in page


def test_outsider_gets_404(client_for, charlie, scenario, second):
    response = client_for(charlie).get(url(scenario.project, scenario.pk, second.pk))
    assert response.status_code == 404


def test_htmx_gets_the_comparison_fragment(client_for, alice, scenario, second):
    response = client_for(alice).get(
        url(scenario.project, scenario.pk, second.pk), headers={"HX-Request": "true"}
    )
    assert_fragment(response)
    assert 'id="comparison"' in html(response)


def test_an_invalid_scenario_is_shown_as_needing_fixes(client_for, alice, scenario, second):
    second.inputs["inference"]["daily_calls"] = "abc"
    second.save()
    page = html(client_for(alice).get(url(scenario.project, scenario.pk, second.pk)))
    assert "needs fixing (1)" in page
