from __future__ import annotations

import pytest
from django.urls import reverse

URL = reverse("pricing:prices", args=["2026-11"])


def test_anonymous_is_sent_to_login(client_for, default_catalog):
    assert client_for(None).get(URL).status_code == 302


@pytest.mark.parametrize("who", ["alice", "bob", "victor", "charlie"])
def test_every_signed_in_user_sees_all_prices_with_sources(
    client_for, default_catalog, request, who
):
    response = client_for(request.getfixturevalue(who)).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "https://openai.com/api/pricing/" in body
    assert "$12.36" in body and "$953.00" in body and "$0.48" in body
    assert "2026-02-01" in body


def test_stale_rows_are_flagged(client_for, alice, default_catalog, settings):
    settings.PRICE_STALE_DAYS = 90
    assert ">stale<" in client_for(alice).get(URL).content.decode()
    settings.PRICE_STALE_DAYS = 100_000
    assert ">stale<" not in client_for(alice).get(URL).content.decode()


def test_filter_by_kind_and_provider(client_for, alice, default_catalog):
    body = client_for(alice).get(URL, {"kind": "gpu_prices", "provider": "runpod"}).content.decode()
    assert "$3.29" in body and "$2.39" in body
    assert "$12.36" not in body  # AWS
    assert "<h2>Training (per 1M tokens)</h2>" not in body


def test_filter_by_model_keeps_its_size_band_rows(client_for, alice, default_catalog):
    response = client_for(alice).get(URL, {"model": "llama-3.1-70b", "kind": "training_prices"})
    body = response.content.decode()
    assert "$2.90" in body  # Together 70-100B band
    assert "$3.00" in body  # Fireworks 16-80B band
    assert "$0.48" not in body


def test_an_unknown_filter_value_is_ignored(client_for, alice, default_catalog):
    response = client_for(alice).get(URL, {"provider": "<script>"})
    assert response.status_code == 200
    assert "$12.36" in response.content.decode()


def test_htmx_gets_only_the_prices_fragment(client_for, alice, default_catalog):
    response = client_for(alice).get(
        URL, {"kind": "hosting_prices"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="prices">')
    assert "$3.36" in body
