from __future__ import annotations

import csv
import io
import json

from pricing.formats import FORMULA_TRIGGERS
from pricing.models import Provider
from pricing.services import catalog_export


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_exported_csv_has_no_formula_triggering_cell(draft):
    # Text an attacker could slip into a catalog through an import or the admin.
    together = Provider.objects.get(version=draft, slug="together")
    together.name = '=HYPERLINK("http://evil.example","click")'
    together.notes = "+1 555 0100"
    together.save()
    for slug, name in [("at", "@SUM(A1)"), ("minus", "-2+3"), ("tab", "\tcmd"), ("cr", "\rcmd")]:
        Provider.objects.create(version=draft, slug=slug, name=name, kind="gpu_cloud")

    cells = _cells(catalog_export(version=draft, fmt="csv"))

    assert not [c for c in cells if c.startswith(FORMULA_TRIGGERS)]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert "'@SUM(A1)" in cells


def test_escaped_cells_import_back_as_the_original_text(draft):
    from pricing.models import CatalogVersion
    from pricing.services import catalog_import

    Provider.objects.create(version=draft, slug="at", name="@home", kind="gpu_cloud")
    empty = CatalogVersion.objects.create(slug="copy")
    report = catalog_import(
        version=empty, content=catalog_export(version=draft, fmt="csv").encode(), fmt="csv"
    )
    assert report.errors == []
    assert Provider.objects.get(version=empty, slug="at").name == "@home"


def test_json_export_is_the_catalog_file_shape(default_catalog):
    data = json.loads(catalog_export(version=default_catalog, fmt="json"))
    assert data["schema"] == "tunecase.catalog/v1"
    assert data["version"] == "2026-11"
    assert data["published_at"].startswith(str(default_catalog.published_at.date()))
    row = data["training_prices"][0]
    assert {"provider", "method", "price_per_1m", "source_url", "as_of"} <= set(row)
