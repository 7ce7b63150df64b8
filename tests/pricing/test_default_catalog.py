from __future__ import annotations

from django.core.management import call_command

from pricing.models import SECTION_MODELS, CatalogVersion, Status
from pricing.services import PRICE_KINDS, catalog_to_dict

MODELS = {
    "llama-2-7b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "mistral-7b-v0.3",
    "qwen3-8b", "qwen3-32b", "qwen3-235b-a22b", "gemma-3-1b", "gemma-3-4b", "gemma-3-12b",
    "gemma-3-27b", "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini",
}  # fmt: skip
PROVIDERS = {"together", "fireworks", "openai", "vast-ai", "lambda", "runpod", "aws", "on-prem"}
GPUS = {
    "a100-80gb", "a100-40gb", "h100-80gb", "h200-141gb", "l40s-48gb", "rtx-4090-24gb",
    "rtx-3090-24gb", "l4-24gb",
}  # fmt: skip


def test_it_loads_and_publishes_the_default_catalog(default_catalog):
    data = catalog_to_dict(default_catalog)
    assert default_catalog.status == Status.PUBLISHED
    assert {m["slug"] for m in data["models"]} >= MODELS
    assert {p["slug"] for p in data["providers"]} >= PROVIDERS
    assert {g["slug"] for g in data["gpus"]} >= GPUS


def test_every_price_row_has_a_source_and_a_date(default_catalog):
    data = catalog_to_dict(default_catalog)
    for section in PRICE_KINDS:
        assert data[section], section
        for row in data[section]:
            assert row["source_url"].startswith("https://"), row
            assert row["as_of"], row


def test_section_10_prices_are_there(default_catalog):
    data = catalog_to_dict(default_catalog)

    def inference(provider, model, fine_tuned):
        [row] = [
            r
            for r in data["inference_prices"]
            if (r["provider"], r["model"], r["fine_tuned"]) == (provider, model, fine_tuned)
        ]
        return row["input_per_1m"], row["output_per_1m"]

    assert inference("openai", "gpt-4o", True) == (3.75, 15.0)
    assert inference("openai", "gpt-4o-mini", False) == (0.15, 0.6)
    assert inference("together", "llama-3.1-405b", False) == (3.5, 3.5)
    assert inference("together", "llama-3.1-8b", True) == (0.18, 0.18)
    gpu = {(r["provider"], r["gpu"]): r for r in data["gpu_prices"]}
    assert gpu[("vast-ai", "h100-80gb")]["on_demand_per_hour"] == 1.49
    assert gpu[("runpod", "h100-80gb")]["spot_per_hour"] == 2.39
    assert gpu[("aws", "h100-80gb")]["on_demand_per_hour"] == 12.36
    assert {r["per_month"] for r in data["bare_metal_prices"]} == {953.0, 3200.0}


def test_llama_70b_falls_in_the_70_to_100b_together_band(default_catalog):
    data = catalog_to_dict(default_catalog)
    params_b = next(m for m in data["models"] if m["slug"] == "llama-3.1-70b")["total_params"] / 1e9
    [band] = [
        r
        for r in data["training_prices"]
        if r["provider"] == "together"
        and r["method"] == "lora"
        and r["min_params_b"] is not None
        and r["min_params_b"] < params_b <= r["max_params_b"]
    ]
    assert band["price_per_1m"] == 2.9


def test_loading_twice_changes_nothing(db, capsys):
    call_command("load_default_catalog")
    counts = [model.objects.count() for model in SECTION_MODELS.values()]
    call_command("load_default_catalog")
    assert [model.objects.count() for model in SECTION_MODELS.values()] == counts
    assert CatalogVersion.objects.count() == 1
    out = capsys.readouterr().out
    assert "Created and published catalog 2026-11" in out
    assert "already exists" in out
