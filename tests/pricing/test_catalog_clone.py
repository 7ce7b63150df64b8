from __future__ import annotations

import pytest

from pricing.models import CatalogEvent, CatalogVersion, InferencePrice, Status, TrainingPrice
from pricing.services import catalog_clone, catalog_to_dict


def _rows(version):
    data = catalog_to_dict(version)
    return {k: v for k, v in data.items() if isinstance(v, list)}


def test_clone_yields_an_editable_copy_of_every_row(default_catalog):
    draft = catalog_clone(source=default_catalog, slug="2026-12")
    assert draft.status == Status.DRAFT
    assert draft.cloned_from == default_catalog
    assert _rows(draft) == _rows(default_catalog)
    row = TrainingPrice.objects.filter(version=draft).first()
    row.price_per_1m = 0.01
    row.save()
    assert TrainingPrice.objects.filter(version=default_catalog, price_per_1m=0.01).count() == 0


def test_clone_points_price_rows_at_the_copy_not_the_source(default_catalog):
    draft = catalog_clone(source=default_catalog, slug="2026-12")
    for price in InferencePrice.objects.filter(version=draft).select_related("provider", "model"):
        assert price.provider.version_id == draft.pk
        assert price.model is None or price.model.version_id == draft.pk


def test_clone_records_an_event(default_catalog, alice):
    draft = catalog_clone(source=default_catalog, slug="2026-12", user=alice)
    event = CatalogEvent.objects.get(version=draft)
    assert event.action == "clone" and event.user == alice
    assert event.counts["created"] == sum(len(v) for v in _rows(default_catalog).values())


def test_clone_refuses_an_existing_slug(default_catalog):
    with pytest.raises(ValueError):
        catalog_clone(source=default_catalog, slug="2026-11")
    assert CatalogVersion.objects.count() == 1
