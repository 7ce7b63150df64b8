from __future__ import annotations

import pytest

from pricing.models import GpuRentalPrice, Provider, TrainingPrice
from pricing.services import catalog_diff


def _by_section(diff):
    return {s.section: s for s in diff}


def test_identical_versions_have_no_diff(default_catalog, draft):
    assert sum(s.count for s in catalog_diff(old=default_catalog, new=draft)) == 0


def test_diff_lists_exactly_the_changed_rows(default_catalog, draft):
    row = GpuRentalPrice.objects.get(version=draft, provider__slug="lambda", gpu__slug="h100-80gb")
    row.on_demand_per_hour = 2.99
    row.save()
    TrainingPrice.objects.get(
        version=draft, provider__slug="together", method="full", min_params_b=0
    ).delete()
    lambda_ = Provider.objects.get(version=draft, slug="lambda")
    GpuRentalPrice.objects.create(
        version=draft,
        provider=lambda_,
        gpu=row.gpu.__class__.objects.get(version=draft, slug="h200-141gb"),
        on_demand_per_hour=3.29,
        source_url="https://lambda.ai/service/gpu-cloud",
        as_of="2026-11-20",
    )

    sections = _by_section(catalog_diff(old=default_catalog, new=draft))

    assert sum(s.count for s in sections.values()) == 3
    gpu = sections["gpu_prices"]
    assert [label for label, _ in gpu.added] == ["lambda · h200-141gb"]
    [(label, changes)] = gpu.changed
    assert label == "lambda · h100-80gb"
    [change] = changes
    assert (change.field, change.old, change.new) == ("on_demand_per_hour", 2.49, 2.99)
    assert change.pct == pytest.approx(20.08, abs=0.01)
    [(removed_label, removed_row)] = sections["training_prices"].removed
    assert removed_row["method"] == "full" and removed_row["price_per_1m"] == 0.54
    assert "together" in removed_label


def test_percent_change_is_none_from_zero(default_catalog):
    from pricing.services import FieldChange

    assert FieldChange("price", 0.0, 1.0).pct is None
    assert FieldChange("notes", "a", "b").pct is None
    assert FieldChange("price", 2.0, 1.0).pct == -50.0
