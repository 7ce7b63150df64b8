from __future__ import annotations

import pytest
from django.urls import reverse

URL = reverse("pricing:compare", args=["2026-11"])


def test_anonymous_is_sent_to_login(client_for, default_catalog):
    assert client_for(None).get(URL).status_code == 302


@pytest.mark.parametrize("who", ["alice", "bob", "victor", "charlie"])
def test_every_signed_in_user_can_compare(client_for, default_catalog, request, who):
    assert client_for(request.getfixturevalue(who)).get(URL, {"size": 8}).status_code == 200


def test_an_8b_model_compares_together_and_fireworks(client_for, alice, default_catalog):
    body = client_for(alice).get(URL, {"size": 8}).content.decode()
    assert "Together AI" in body and "Fireworks AI" in body
    assert "$0.48" in body and "$0.54" in body and "$0.50" in body  # training
    assert "$0.18" in body and "$0.20" in body  # inference
    assert "OpenAI" not in body


def test_a_70b_model_uses_the_70_to_100b_band(client_for, alice, default_catalog):
    body = client_for(alice).get(URL, {"size": 70.6}).content.decode()
    assert "$2.90" in body and "$3.20" in body and "$0.88" in body
    assert "$0.48" not in body


def test_an_invalid_size_shows_an_error_not_a_crash(client_for, alice, default_catalog):
    response = client_for(alice).get(URL, {"size": "huge"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_htmx_gets_only_the_table(client_for, alice, default_catalog):
    response = client_for(alice).get(URL, {"size": 8}, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert 'id="comparison"' in response.content.decode()
