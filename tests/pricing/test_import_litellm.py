"""LiteLLM model_prices_and_context_window.json -> inference prices (excerpt in data/)."""

from __future__ import annotations

import json

from pricing.formats import litellm_model_name
from pricing.models import CatalogEvent, InferencePrice, Provider
from pricing.services import catalog_import

from .conftest import DATA

EXCERPT = (DATA / "litellm_excerpt.json").read_bytes()


def _import(version, content=EXCERPT, **kwargs):
    return catalog_import(version=version, content=content, fmt="litellm", **kwargs)


def test_it_creates_the_right_rows(small_draft):
    report = _import(small_draft)

    assert report.errors == []
    assert report.created == 9  # 8 inference prices + the deepinfra provider
    assert report.skipped_by_reason == {
        "sample_spec": 1,
        "mode:embedding": 1,
        "mode:image_generation": 1,
        "duplicate": 1,
        "unknown_model": 2,
    }
    rows = {
        (p.provider.slug, p.model.slug, p.fine_tuned): p
        for p in InferencePrice.objects.filter(version=small_draft).select_related(
            "provider", "model"
        )
    }
    assert set(rows) == {
        ("openai", "gpt-4o", False),
        ("openai", "gpt-4o-mini", False),
        ("openai", "gpt-4o", True),
        ("openai", "gpt-4o-mini", True),
        ("together", "llama-3.1-8b", False),
        ("together", "llama-3.1-70b", False),
        ("fireworks", "llama-3.1-8b", False),
        ("deepinfra", "llama-3.1-8b", False),
    }
    gpt4o = rows[("openai", "gpt-4o", False)]
    assert (gpt4o.input_per_1m, gpt4o.output_per_1m) == (2.5, 10.0)  # the undated entry wins
    assert (gpt4o.batch_input_per_1m, gpt4o.batch_output_per_1m) == (1.25, 5.0)
    assert gpt4o.cached_input_per_1m == 1.25
    ft = rows[("openai", "gpt-4o", True)]
    assert (ft.input_per_1m, ft.output_per_1m) == (3.75, 15.0)
    assert rows[("together", "llama-3.1-8b", False)].input_per_1m == 0.18
    assert rows[("fireworks", "llama-3.1-8b", False)].source_url == "https://fireworks.ai/pricing"
    assert "litellm" in rows[("together", "llama-3.1-8b", False)].source_url
    assert all(row.as_of is not None for row in rows.values())


def test_an_unknown_provider_becomes_a_new_imported_provider(small_draft):
    _import(small_draft)
    deepinfra = Provider.objects.get(version=small_draft, slug="deepinfra")
    assert deepinfra.imported
    assert not Provider.objects.filter(version=small_draft, slug="anthropic").exists()
    assert not Provider.objects.get(version=small_draft, slug="together").imported


def test_dry_run_counts_without_writing(small_draft, snapshot):
    before = snapshot(small_draft)
    report = _import(small_draft, dry_run=True)
    assert report.created == 9
    assert snapshot(small_draft) == before


def test_importing_twice_updates_nothing(small_draft):
    _import(small_draft)
    again = _import(small_draft)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9)


def test_a_changed_price_updates_the_row(small_draft):
    _import(small_draft)
    data = json.loads(EXCERPT)
    data["gpt-4o"]["input_cost_per_token"] = 2.0e-06
    report = _import(small_draft, json.dumps(data).encode())
    assert (report.created, report.updated) == (0, 1)
    row = InferencePrice.objects.get(version=small_draft, model__slug="gpt-4o", fine_tuned=False)
    assert row.input_per_1m == 2.0


def test_the_import_is_recorded(small_draft, alice):
    _import(small_draft, user=alice)
    event = CatalogEvent.objects.get(version=small_draft, action="import", user=alice)
    assert event.user == alice and event.counts["created"] == 9


def test_model_names_are_normalised():
    assert litellm_model_name("together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo") == (
        "llama-3.1-8b",
        False,
    )
    assert litellm_model_name("fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct")[
        0
    ] == ("llama-3.1-70b")
    assert litellm_model_name("ft:gpt-4o-2024-08-06") == ("gpt-4o", True)
    assert litellm_model_name("google/gemma-3-27b-it")[0] == "gemma-3-27b"
    assert litellm_model_name("mistralai/Mistral-7B-Instruct-v0.3")[0] == "mistral-7b-v0.3"
