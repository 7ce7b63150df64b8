from __future__ import annotations

import pytest
from django.urls import reverse

from tests.decisions.conftest import ROLES, assert_fragment, html


def url(scenario) -> str:
    return reverse("decisions:summary", args=[scenario.pk])


@pytest.mark.parametrize("who", ROLES)
def test_members_get_the_summary_fragment(request, client_for, scenario, who):
    response = client_for(request.getfixturevalue(who)).get(
        url(scenario), headers={"HX-Request": "true"}
    )
    assert_fragment(response)
    body = html(response)
    assert 'id="summary"' in body
    assert "16.2 months" in body  # the default scenario's payback
    assert "$1,216.67" in body


def test_without_htmx_it_sends_to_the_overview(client_for, alice, scenario):
    response = client_for(alice).get(url(scenario))
    assert response["Location"] == reverse("decisions:scenario_detail", args=[scenario.pk])


def test_outsider_gets_404(client_for, charlie, scenario):
    assert client_for(charlie).get(url(scenario), headers={"HX-Request": "true"}).status_code == 404


def test_invalid_draft_says_what_to_fix(client_for, alice, scenario):
    scenario.inputs["data"]["quality"] = "sparkling"
    scenario.save()
    body = html(client_for(alice).get(url(scenario), headers={"HX-Request": "true"}))
    assert "To see the numbers, fix" in body
    assert "data.quality" in body
    assert reverse("decisions:wizard", args=[scenario.pk, 3]) in body
