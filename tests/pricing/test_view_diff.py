from __future__ import annotations

import pytest
from django.urls import reverse

from pricing.models import GpuRentalPrice
from pricing.services import catalog_publish

URL = reverse("pricing:diff")


@pytest.fixture
def newer(draft):
    row = GpuRentalPrice.objects.get(version=draft, provider__slug="lambda", gpu__slug="h100-80gb")
    row.on_demand_per_hour = 2.99
    row.save()
    return catalog_publish(version=draft)


def test_anonymous_is_sent_to_login(client_for, db):
    assert client_for(None).get(URL).status_code == 302


@pytest.mark.parametrize("who", ["alice", "bob", "victor", "charlie"])
def test_every_signed_in_user_sees_the_diff(client_for, newer, request, who):
    response = client_for(request.getfixturevalue(who)).get(
        URL, {"from": "2026-11", "to": "2026-12"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>1</strong> row differs" in body
    assert "on_demand_per_hour" in body and "2.49" in body and "2.99" in body
    assert "20.1%" in body


def test_without_a_choice_it_shows_the_form(client_for, alice, newer):
    body = client_for(alice).get(URL).content.decode()
    assert 'name="from"' in body and "row differs" not in body


def test_a_draft_cannot_be_diffed_by_non_staff(client_for, alice, draft):
    response = client_for(alice).get(URL, {"from": "2026-11", "to": "2026-12"})
    assert response.status_code == 200
    assert "Choose two catalog versions" in response.content.decode()
