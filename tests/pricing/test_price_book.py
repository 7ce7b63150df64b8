from __future__ import annotations

import json
import time

import pytest

from decisions.engine.pricebook import PriceBook, price_book_from_dict
from pricing.models import GpuRentalPrice
from pricing.services import DEFAULT_CATALOG_PATH, CatalogNotFound, price_book_for


def test_latest_is_the_default_catalog(default_catalog):
    book = price_book_for()
    assert isinstance(book, PriceBook)
    assert book.version == "2026-11"
    assert book.published_at == default_catalog.published_at.date()
    assert book.models["qwen3-235b-a22b"].active_params == 22e9
    assert book.gpus["h100-80gb"].bf16_tflops == 989
    together = [t for t in book.training if t.provider == "together" and t.method == "lora"]
    assert sorted(t.price_per_1m for t in together) == [0.48, 1.5, 2.9]


def test_the_book_holds_no_orm_objects(default_catalog):
    book = price_book_for("2026-11")
    for row in [*book.training, *book.inference, *book.gpu_rental, *book.models.values()]:
        assert type(row).__module__ == "decisions.engine.pricebook"


def test_the_book_equals_the_shipped_file(default_catalog):
    from_file = price_book_from_dict(json.loads(DEFAULT_CATALOG_PATH.read_text()))
    from_db = price_book_for("2026-11")
    assert set(from_db.models) == set(from_file.models)
    for section in ("training", "inference", "hosting", "gpu_rental", "bare_metal"):
        assert set(getattr(from_db, section)) == set(getattr(from_file, section)), section
    assert dict(from_db.models) == dict(from_file.models)


def test_an_unknown_slug_names_the_known_ones(default_catalog):
    with pytest.raises(CatalogNotFound, match="2026-11"):
        price_book_for("1999-01")


def test_latest_without_any_published_catalog(db):
    with pytest.raises(CatalogNotFound, match="no catalog is published"):
        price_book_for()


def test_published_books_are_cached_and_fast(default_catalog, django_assert_max_num_queries):
    first = price_book_for()
    start = time.perf_counter()
    with django_assert_max_num_queries(1):
        again = price_book_for()
    assert again is first
    assert time.perf_counter() - start < 0.05


def test_drafts_are_not_cached(draft):
    before = price_book_for("2026-12")
    row = GpuRentalPrice.objects.get(version=draft, provider__slug="vast-ai", gpu__slug="h100-80gb")
    row.on_demand_per_hour = 1.99
    row.save()
    after = price_book_for("2026-12")
    assert before is not after
    assert any(p.on_demand_per_hour == 1.99 for p in after.gpu_rental)
