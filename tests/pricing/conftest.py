"""Catalog fixtures: the shipped default catalog (published) and small drafts to import into."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pricing.models import CatalogVersion
from pricing.services import (
    catalog_clone,
    catalog_import,
    catalog_load_default,
    catalog_to_dict,
    price_book_cache_clear,
)

DATA = Path(__file__).parent / "data"

SMALL_CATALOG = {
    "schema": "tunecase.catalog/v1",
    "version": "small",
    "providers": [
        {"slug": "together", "name": "Together AI", "kind": "managed_finetuning"},
        {"slug": "fireworks", "name": "Fireworks AI", "kind": "managed_finetuning"},
        {"slug": "openai", "name": "OpenAI", "kind": "proprietary_api"},
        {"slug": "lambda", "name": "Lambda", "kind": "gpu_cloud"},
    ],
    "gpus": [
        {
            "slug": "h100-80gb",
            "name": "H100",
            "memory_gb": 80,
            "bf16_tflops": 989,
            "bandwidth_gbs": 3350,
        }
    ],
    "models": [
        {
            "slug": slug,
            "name": slug,
            "family": "test",
            "total_params": params,
            "active_params": params,
            "open_weight": params > 0,
            "license": "custom" if params else "proprietary",
        }
        for slug, params in [
            ("llama-3.1-8b", 8.03e9),
            ("llama-3.1-70b", 70.6e9),
            ("gpt-4o", 0.0),
            ("gpt-4o-mini", 0.0),
        ]
    ],
    "training_prices": [
        {
            "provider": "together",
            "method": "lora",
            "min_params_b": 0,
            "max_params_b": 16,
            "price_per_1m": 0.48,
            "source_url": "https://www.together.ai/pricing",
            "as_of": "2026-02-01",
        }
    ],
    "gpu_prices": [
        {
            "provider": "lambda",
            "gpu": "h100-80gb",
            "on_demand_per_hour": 2.49,
            "source_url": "https://lambda.ai/service/gpu-cloud",
            "as_of": "2026-11-01",
        }
    ],
}


@pytest.fixture(autouse=True)
def _fresh_price_books():
    price_book_cache_clear()
    yield
    price_book_cache_clear()


@pytest.fixture
def default_catalog(db) -> CatalogVersion:
    version, _created = catalog_load_default()
    return version


@pytest.fixture
def draft(default_catalog) -> CatalogVersion:
    return catalog_clone(source=default_catalog, slug="2026-12")


@pytest.fixture
def small_draft(db) -> CatalogVersion:
    version = CatalogVersion.objects.create(slug="small")
    report = catalog_import(version=version, content=json.dumps(SMALL_CATALOG).encode(), fmt="json")
    assert report.ok, report.errors
    return version


@pytest.fixture
def snapshot():
    """snapshot(version) -> everything in it, to prove a failed import wrote nothing."""
    return catalog_to_dict
