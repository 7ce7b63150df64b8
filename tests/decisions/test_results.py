"""The results page: computes on POST (editors), shows charts from the stored Result."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from decisions.models import Result
from decisions.services import scenario_evaluate
from tests.decisions.conftest import ROLES, assert_fragment, assert_page, html


def url(scenario) -> str:
    return reverse("decisions:results", args=[scenario.pk])


@pytest.mark.parametrize("who", ROLES)
def test_members_see_the_offer_to_compute(request, client_for, scenario, who):
    page = html(client_for(request.getfixturevalue(who)).get(url(scenario)))
    assert "No results yet" in page
    assert ("Compute results" in page) is (who != "victor")


def test_outsider_and_anonymous(client, client_for, charlie, scenario):
    assert client.get(url(scenario)).status_code == 302
    client = client_for(charlie)
    assert client.get(url(scenario)).status_code == 404
    assert client.post(url(scenario)).status_code == 404
    assert not Result.objects.exists()


def test_viewer_cannot_compute(client_for, victor, scenario):
    assert client_for(victor).post(url(scenario)).status_code == 403
    assert not Result.objects.exists()


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_editor_computes_and_sees_every_chart(
    request, client_for, scenario, who, django_capture_on_commit_callbacks
):
    client = client_for(request.getfixturevalue(who))
    # The job is enqueued once the request's transaction commits (inline without Redis).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(scenario))
    assert response["Location"] == url(scenario)
    result = Result.objects.get(scenario=scenario)
    assert result.catalog_version == "2026-11"
    assert result.verdict == result.output["framework"]["verdict"]
    assert result.inputs["inference"]["daily_calls"] == 10000
    page = html(client.get(url(scenario)))
    for chart in ("cumulative", "breakdown", "payback", "tornado", "volume", "memory"):
        assert f'data-figure="chart-{chart}-data"' in page
        blob = re.search(
            rf'<script id="chart-{chart}-data" type="application/json">(.*?)</script>', page, re.S
        )
        figure = json.loads(blob.group(1))
        assert figure["layout"]["title"]["text"]
    assert page.count("<summary>Table</summary>") == 6
    assert "<script>" not in page  # no inline code: only json_script data blocks
    assert "Prices used" in page


def test_viewer_sees_existing_results(client_for, victor, alice, scenario):
    scenario_evaluate(scenario=scenario, user=alice)
    page = html(client_for(victor).get(url(scenario)))
    assert "chart-cumulative-data" in page


def test_htmx_gets_the_results_fragment(client_for, alice, scenario):
    scenario_evaluate(scenario=scenario, user=alice)
    assert_fragment(client_for(alice).get(url(scenario), headers={"HX-Request": "true"}))
    assert_page(client_for(alice).get(url(scenario)))


def test_changed_inputs_make_the_result_stale(client_for, alice, scenario):
    scenario_evaluate(scenario=scenario, user=alice)
    scenario.inputs["inference"]["daily_calls"] = 30000
    scenario.save()
    page = html(client_for(alice).get(url(scenario)))
    assert "The inputs changed since the last results" in page
    assert "Compute results" in page


def test_invalid_inputs_refuse_to_compute_and_link_to_the_step(client_for, alice, scenario):
    scenario.inputs["inference"]["daily_calls"] = "abc"
    scenario.save()
    client = client_for(alice)
    response = client.post(url(scenario), follow=True)
    assert response.status_code == 200
    assert not Result.objects.exists()
    page = html(response)
    assert "Fix the inputs" in page
    assert reverse("decisions:wizard", args=[scenario.pk, 2]) in page


def test_a_result_that_never_pays_back_renders(
    client_for, alice, scenario, django_capture_on_commit_callbacks
):
    scenario.inputs["inference"]["daily_calls"] = 5
    scenario.inputs["inference"]["serving"] = "dedicated"
    scenario.save()
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(scenario))
    page = html(client.get(url(scenario)))
    assert "never" in page
    assert "chart-cumulative-data" in page
