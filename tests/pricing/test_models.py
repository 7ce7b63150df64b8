"""Catalog versions: lifecycle, immutability enforced by the model layer, "latest"."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pricing.models import (
    BaseModel,
    CatalogLocked,
    CatalogVersion,
    GpuRentalPrice,
    InferencePrice,
    Provider,
    Status,
    TrainingPrice,
)


def test_publish_makes_a_version_immutable(default_catalog):
    price = TrainingPrice.objects.filter(version=default_catalog).first()
    price.price_per_1m = 0.01
    with pytest.raises(CatalogLocked):
        price.save()
    with pytest.raises(CatalogLocked):
        price.delete()
    provider = Provider.objects.get(version=default_catalog, slug="together")
    provider.name = "Changed"
    with pytest.raises(CatalogLocked):
        provider.save()
    price.refresh_from_db()
    assert price.price_per_1m != 0.01


def test_queryset_bulk_writes_are_refused_on_a_published_version(default_catalog):
    rows = InferencePrice.objects.filter(version=default_catalog)
    with pytest.raises(CatalogLocked):
        rows.update(input_per_1m=0)
    with pytest.raises(CatalogLocked):
        rows.delete()
    with pytest.raises(CatalogLocked):
        Provider.objects.bulk_create(
            [Provider(version=default_catalog, slug="new", name="New", kind="gpu_cloud")]
        )
    row = rows.first()
    row.input_per_1m = 0
    with pytest.raises(CatalogLocked):
        InferencePrice.objects.bulk_update([row], ["input_per_1m"])
    assert not InferencePrice.objects.filter(version=default_catalog, input_per_1m=0).exists()


def test_a_published_version_cannot_be_deleted_renamed_or_reopened(default_catalog):
    with pytest.raises(CatalogLocked):
        default_catalog.delete()
    with pytest.raises(CatalogLocked):
        CatalogVersion.objects.filter(pk=default_catalog.pk).delete()
    with pytest.raises(CatalogLocked):
        CatalogVersion.objects.filter(pk=default_catalog.pk).update(status=Status.DRAFT)
    default_catalog.slug = "renamed"
    with pytest.raises(CatalogLocked):
        default_catalog.save()
    default_catalog.refresh_from_db()
    default_catalog.status = Status.DRAFT
    with pytest.raises(CatalogLocked):
        default_catalog.save()
    assert CatalogVersion.objects.get(pk=default_catalog.pk).status == Status.PUBLISHED


def test_a_draft_is_editable(draft):
    price = GpuRentalPrice.objects.filter(version=draft).first()
    price.on_demand_per_hour = 9.99
    price.save()
    assert GpuRentalPrice.objects.filter(version=draft, on_demand_per_hour=9.99).count() == 1
    assert GpuRentalPrice.objects.filter(version=draft).update(notes="checked") > 0


def test_publish_then_retire_locks_and_moves_latest(default_catalog, draft):
    assert CatalogVersion.objects.latest_published() == default_catalog
    draft.publish()
    assert draft.status == Status.PUBLISHED and draft.published_at is not None
    assert CatalogVersion.objects.latest_published() == draft
    draft.retire()
    assert draft.status == Status.RETIRED
    assert CatalogVersion.objects.latest_published() == default_catalog
    with pytest.raises(CatalogLocked):
        draft.publish()
    with pytest.raises(CatalogLocked):
        Provider.objects.filter(version=draft).update(name="x")


def test_exactly_one_version_is_latest(default_catalog, draft):
    draft.publish()
    latest = [v.slug for v in CatalogVersion.objects.all() if v.is_latest]
    assert latest == ["2026-12"]


def test_a_draft_cannot_be_retired(draft):
    with pytest.raises(CatalogLocked):
        draft.retire()


def test_a_price_row_needs_source_and_date_in_the_database(small_draft):
    provider = Provider.objects.get(version=small_draft, slug="together")
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingPrice.objects.create(
            version=small_draft,
            provider=provider,
            method="lora",
            min_params_b=0,
            max_params_b=16,
            price_per_1m=1.0,
            source_url="",
            as_of="2026-01-01",
        )


def test_a_negative_price_is_refused_by_the_database(small_draft):
    provider = Provider.objects.get(version=small_draft, slug="together")
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingPrice.objects.create(
            version=small_draft,
            provider=provider,
            method="lora",
            min_params_b=16,
            max_params_b=70,
            price_per_1m=-1.0,
            source_url="https://example.com",
            as_of="2026-01-01",
        )


def test_clean_refuses_a_reference_to_another_version(small_draft, draft):
    foreign = Provider.objects.get(version=draft, slug="together")
    row = TrainingPrice(
        version=small_draft,
        provider=foreign,
        method="lora",
        min_params_b=16,
        max_params_b=70,
        price_per_1m=1.0,
        source_url="https://example.com",
        as_of="2026-01-01",
    )
    with pytest.raises(ValidationError):
        row.full_clean()


def test_stale_rows_are_older_than_the_setting(settings, default_catalog):
    settings.PRICE_STALE_DAYS = 90
    together = TrainingPrice.objects.filter(version=default_catalog, provider__slug="together")
    assert together.stale().count() == together.count()  # dated 2026-02-01
    settings.PRICE_STALE_DAYS = 100_000
    assert together.stale().count() == 0
    assert BaseModel.objects.filter(version=default_catalog).count() >= 16
