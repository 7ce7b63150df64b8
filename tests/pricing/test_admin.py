from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pricing.models import (
    CatalogEvent,
    CatalogVersion,
    InferencePrice,
    Provider,
    Status,
    TrainingPrice,
)

from .conftest import DATA


@pytest.fixture
def admin_client_(client, db):
    admin = User.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "catalogversion",
        "provider",
        "gpu",
        "basemodel",
        "trainingprice",
        "inferenceprice",
        "hostingprice",
        "gpurentalprice",
        "baremetalprice",
        "catalogevent",
    ],
)
def test_every_changelist_renders(admin_client_, default_catalog, model):
    response = admin_client_.get(reverse(f"admin:pricing_{model}_changelist"))
    assert response.status_code == 200


def test_price_lists_filter_stale_rows(admin_client_, default_catalog, settings):
    settings.PRICE_STALE_DAYS = 90
    response = admin_client_.get(
        reverse("admin:pricing_trainingprice_changelist"), {"stale": "yes"}
    )
    stale = TrainingPrice.objects.filter(provider__slug="together").count()
    assert f"{stale} training prices" in response.content.decode()


def test_a_published_version_is_read_only(admin_client_, default_catalog):
    url = reverse("admin:pricing_catalogversion_change", args=[default_catalog.pk])
    body = admin_client_.get(url).content.decode()
    assert 'name="_save"' not in body
    assert "Import prices" not in body
    provider = Provider.objects.get(version=default_catalog, slug="together")
    body = admin_client_.get(
        reverse("admin:pricing_provider_change", args=[provider.pk])
    ).content.decode()
    assert 'name="_save"' not in body
    response = admin_client_.post(
        reverse("admin:pricing_provider_change", args=[provider.pk]),
        {"name": "Hacked", "slug": "together", "kind": "gpu_cloud", "version": default_catalog.pk},
    )
    assert response.status_code == 403
    assert Provider.objects.get(pk=provider.pk).name == "Together AI"


def test_a_draft_provider_page_has_inline_prices(admin_client_, draft):
    provider = Provider.objects.get(version=draft, slug="together")
    body = admin_client_.get(
        reverse("admin:pricing_provider_change", args=[provider.pk])
    ).content.decode()
    assert 'name="_save"' in body
    assert "trainingprice" in body.lower()


def test_actions_clone_publish_retire(admin_client_, default_catalog):
    url = reverse("admin:pricing_catalogversion_changelist")
    admin_client_.post(url, {"action": "clone", "_selected_action": [default_catalog.pk]})
    draft = CatalogVersion.objects.get(slug="2026-11-draft")
    assert draft.status == Status.DRAFT
    admin_client_.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.is_latest
    admin_client_.post(url, {"action": "retire", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.RETIRED
    actions = set(CatalogEvent.objects.filter(version=draft).values_list("action", flat=True))
    assert actions == {"clone", "publish", "retire"}
    assert CatalogEvent.objects.filter(version=draft, user__username="root").count() == 3


def test_history_is_shown_on_the_version_page(admin_client_, draft):
    url = reverse("admin:pricing_catalogversion_change", args=[draft.pk])
    body = admin_client_.get(url).content.decode()
    assert "Cloned from 2026-11" in body
    assert "Import prices" in body


def test_import_previews_then_confirms(admin_client_, small_draft):
    url = reverse("admin:pricing_catalogversion_import", args=[small_draft.pk])
    upload = SimpleUploadedFile("prices.json", (DATA / "litellm_excerpt.json").read_bytes())
    response = admin_client_.post(url, {"file": upload, "format": "litellm"})
    body = response.content.decode()
    assert "Would create: 9" in body
    assert not InferencePrice.objects.filter(version=small_draft).exists()
    token = response.context["token"]

    response = admin_client_.post(url, {"token": token})
    assert response.status_code == 302
    assert InferencePrice.objects.filter(version=small_draft).count() == 8


def test_import_shows_errors_and_offers_no_confirm(admin_client_, small_draft):
    url = reverse("admin:pricing_catalogversion_import", args=[small_draft.pk])
    content = (
        b"section,provider,gpu,on_demand_per_hour,source_url,as_of\n"
        b"gpu_prices,nimbus,h100-80gb,2.0,https://nimbus.example,2026-11-01\n"
    )
    upload = SimpleUploadedFile("prices.csv", content)
    body = admin_client_.post(url, {"file": upload, "format": "csv"}).content.decode()
    assert "nothing was written" in body
    assert "unknown provider" in body
    assert 'name="token"' not in body


def test_import_into_a_published_version_is_refused(admin_client_, default_catalog):
    url = reverse("admin:pricing_catalogversion_import", args=[default_catalog.pk])
    assert admin_client_.get(url).status_code == 302


def test_a_forged_token_is_refused(admin_client_, small_draft):
    url = reverse("admin:pricing_catalogversion_import", args=[small_draft.pk])
    response = admin_client_.post(url, {"token": "forged"})
    assert response.status_code == 302
    assert not InferencePrice.objects.filter(version=small_draft).exists()


def test_export_downloads(admin_client_, default_catalog):
    url = reverse("admin:pricing_catalogversion_export", args=[default_catalog.pk, "csv"])
    response = admin_client_.get(url)
    assert response["Content-Type"] == "text/csv"
    assert b"section," in response.content


def test_non_staff_cannot_reach_the_admin_import(client_for, alice, small_draft):
    url = reverse("admin:pricing_catalogversion_import", args=[small_draft.pk])
    assert client_for(alice).get(url).status_code == 302
