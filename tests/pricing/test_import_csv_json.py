"""CSV and catalog-JSON imports, and the export -> import round trip."""

from __future__ import annotations

import json

from pricing.models import GpuRentalPrice
from pricing.services import catalog_export, catalog_import, catalog_to_dict

CSV_HEADER = "section,provider,gpu,on_demand_per_hour,spot_per_hour,source_url,as_of\n"


def test_csv_creates_and_updates_gpu_prices(small_draft):
    content = (
        CSV_HEADER
        + "gpu_prices,lambda,h100-80gb,2.29,,https://lambda.ai/service/gpu-cloud,2026-11-20\n"
    ).encode()
    report = catalog_import(version=small_draft, content=content, fmt="csv")
    assert report.errors == []
    assert (report.created, report.updated) == (0, 1)
    row = GpuRentalPrice.objects.get(version=small_draft)
    assert row.on_demand_per_hour == 2.29
    assert str(row.as_of) == "2026-11-20"


def test_json_can_add_a_provider_and_its_prices_together(small_draft):
    data = {
        "schema": "tunecase.catalog/v1",
        "version": "x",
        "providers": [{"slug": "runpod", "name": "RunPod", "kind": "gpu_cloud"}],
        "gpu_prices": [
            {
                "provider": "runpod",
                "gpu": "h100-80gb",
                "on_demand_per_hour": 3.29,
                "spot_per_hour": 2.39,
                "source_url": "https://www.runpod.io/pricing",
                "as_of": "2026-11-01",
            }
        ],
    }
    report = catalog_import(version=small_draft, content=json.dumps(data).encode(), fmt="json")
    assert report.errors == []
    assert report.created == 2
    assert (
        GpuRentalPrice.objects.get(version=small_draft, provider__slug="runpod").spot_per_hour
        == 2.39
    )


def _rows(version):
    return {k: v for k, v in catalog_to_dict(version).items() if isinstance(v, list)}


def test_csv_export_imports_back_into_an_empty_draft_unchanged(default_catalog):
    from pricing.models import CatalogVersion

    empty = CatalogVersion.objects.create(slug="round-trip")
    text = catalog_export(version=default_catalog, fmt="csv")
    report = catalog_import(version=empty, content=text.encode(), fmt="csv")
    assert report.errors == []
    assert _rows(empty) == _rows(default_catalog)


def test_json_export_imports_back_into_an_empty_draft_unchanged(default_catalog):
    from pricing.models import CatalogVersion

    empty = CatalogVersion.objects.create(slug="round-trip")
    text = catalog_export(version=default_catalog, fmt="json")
    report = catalog_import(version=empty, content=text.encode(), fmt="json")
    assert report.errors == []
    assert _rows(empty) == _rows(default_catalog)


def test_reimporting_the_export_into_a_clone_changes_nothing(default_catalog, draft):
    text = catalog_export(version=default_catalog, fmt="csv")
    report = catalog_import(version=draft, content=text.encode(), fmt="csv")
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == sum(len(v) for v in _rows(default_catalog).values())
