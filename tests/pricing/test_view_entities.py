"""The providers, models and GPUs pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

PAGES = ["pricing:providers", "pricing:models", "pricing:gpus"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client_for, default_catalog, page):
    assert client_for(None).get(reverse(page, args=["2026-11"])).status_code == 302


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["alice", "bob", "victor", "charlie"])
def test_every_signed_in_user_sees_them(client_for, default_catalog, request, page, who):
    response = client_for(request.getfixturevalue(who)).get(reverse(page, args=["2026-11"]))
    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_a_draft_is_hidden_from_non_staff(client_for, alice, draft, page):
    assert client_for(alice).get(reverse(page, args=["2026-12"])).status_code == 404
    alice.is_staff = True
    alice.save()
    assert client_for(alice).get(reverse(page, args=["2026-12"])).status_code == 200


def test_an_unknown_version_is_404(client_for, alice, default_catalog):
    assert client_for(alice).get(reverse("pricing:models", args=["1999-01"])).status_code == 404


def test_models_show_licence_notes(client_for, alice, default_catalog):
    body = client_for(alice).get(reverse("pricing:models", args=["2026-11"])).content.decode()
    assert "700 million monthly active users" in body  # Llama's cap
    assert "Gemma Terms of Use" in body
    assert "apache-2.0" in body
    assert "128 experts" in body  # Qwen3 MoE architecture


def test_providers_show_sources(client_for, alice, default_catalog):
    body = client_for(alice).get(reverse("pricing:providers", args=["2026-11"])).content.decode()
    assert "https://www.together.ai/pricing" in body
    assert "Managed fine-tuning" in body


def test_gpus_show_specs(client_for, alice, default_catalog):
    body = client_for(alice).get(reverse("pricing:gpus", args=["2026-11"])).content.decode()
    assert "NVIDIA H100 80GB SXM" in body and "3350" in body
