"""Every malformed input is rejected with its row and field, and writes nothing."""

from __future__ import annotations

import json

import pytest

from pricing.services import catalog_import

HEADER = "section,provider,gpu,on_demand_per_hour,source_url,as_of\n"
GOOD = "gpu_prices,lambda,h100-80gb,2.29,https://lambda.ai/service/gpu-cloud,2026-11-20\n"


def csv_rows(*lines: str) -> bytes:
    return (HEADER + "".join(lines)).encode()


def json_gpu(**overrides) -> bytes:
    row = {
        "provider": "lambda",
        "gpu": "h100-80gb",
        "on_demand_per_hour": 2.29,
        "source_url": "https://lambda.ai/service/gpu-cloud",
        "as_of": "2026-11-20",
        **overrides,
    }
    return json.dumps(
        {"schema": "tunecase.catalog/v1", "version": "x", "gpu_prices": [row]}
    ).encode()


def litellm(**overrides) -> bytes:
    entry = {
        "input_cost_per_token": 1.8e-07,
        "output_cost_per_token": 1.8e-07,
        "litellm_provider": "together_ai",
        "mode": "chat",
        **overrides,
    }
    return json.dumps({"together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo": entry}).encode()


LLAMA = "together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"

CASES = [
    # (id, format, content, row, field, message)
    (
        "csv-wrong-type",
        "csv",
        csv_rows(GOOD, GOOD.replace("2.29", "cheap")),
        3,
        "on_demand_per_hour",
        "not a number",
    ),
    (
        "csv-negative",
        "csv",
        csv_rows(GOOD.replace("2.29", "-1")),
        2,
        "on_demand_per_hour",
        "negative",
    ),
    ("csv-nan", "csv", csv_rows(GOOD.replace("2.29", "nan")), 2, "on_demand_per_hour", "finite"),
    (
        "csv-unknown-provider",
        "csv",
        csv_rows(GOOD.replace("lambda,", "nimbus,", 1)),
        2,
        "provider",
        "unknown provider 'nimbus'",
    ),
    (
        "csv-unknown-gpu",
        "csv",
        csv_rows(GOOD.replace("h100-80gb", "b200")),
        2,
        "gpu",
        "unknown gpu",
    ),
    (
        "csv-bad-date",
        "csv",
        csv_rows(GOOD.replace("2026-11-20", "20/11/2026")),
        2,
        "as_of",
        "ISO date",
    ),
    (
        "csv-impossible-date",
        "csv",
        csv_rows(GOOD.replace("2026-11-20", "2026-02-30")),
        2,
        "as_of",
        "not a real date",
    ),
    (
        "csv-no-source",
        "csv",
        csv_rows(GOOD.replace("https://lambda.ai/service/gpu-cloud", "")),
        2,
        "source_url",
        "required",
    ),
    (
        "csv-not-http",
        "csv",
        csv_rows(GOOD.replace("https://", "ftp://")),
        2,
        "source_url",
        "http(s)",
    ),
    (
        "csv-javascript-url",
        "csv",
        csv_rows(GOOD.replace("https://lambda.ai/service/gpu-cloud", "javascript:alert(1)")),
        2,
        "source_url",
        "http(s)",
    ),
    (
        "csv-unknown-section",
        "csv",
        csv_rows(GOOD.replace("gpu_prices", "gpu_rentals")),
        2,
        "section",
        "not a catalog section",
    ),
    ("csv-duplicate", "csv", csv_rows(GOOD, GOOD), 3, None, "duplicate of row 2"),
    (
        "json-wrong-type",
        "json",
        json_gpu(on_demand_per_hour="2.29"),
        "gpu_prices[0]",
        "on_demand_per_hour",
        "must be a number",
    ),
    (
        "json-bool-as-number",
        "json",
        json_gpu(on_demand_per_hour=True),
        "gpu_prices[0]",
        "on_demand_per_hour",
        "must be a number",
    ),
    (
        "json-negative",
        "json",
        json_gpu(spot_per_hour=-0.5),
        "gpu_prices[0]",
        "spot_per_hour",
        "negative",
    ),
    (
        "json-unknown-provider",
        "json",
        json_gpu(provider="nimbus"),
        "gpu_prices[0]",
        "provider",
        "unknown provider",
    ),
    (
        "json-unknown-field",
        "json",
        json_gpu(price=3),
        "gpu_prices[0]",
        "price",
        "not a field of gpu_prices",
    ),
    (
        "json-missing-price",
        "json",
        json_gpu(on_demand_per_hour=None),
        "gpu_prices[0]",
        "on_demand_per_hour",
        "required",
    ),
    ("json-truncated", "json", json_gpu()[:-20], None, "file", "not valid JSON at line 1 column"),
    (
        "json-infinity",
        "json",
        json_gpu().replace(b"2.29", b"Infinity"),
        None,
        "file",
        "Infinity is not a valid number",
    ),
    ("json-not-an-object", "json", b"[1, 2]", None, "file", "must be an object"),
    (
        "litellm-wrong-type",
        "litellm",
        litellm(input_cost_per_token="0.18"),
        LLAMA,
        "input_cost_per_token",
        "finite number",
    ),
    (
        "litellm-negative",
        "litellm",
        litellm(output_cost_per_token=-1e-07),
        LLAMA,
        "output_cost_per_token",
        "negative",
    ),
    (
        "litellm-no-provider",
        "litellm",
        litellm(litellm_provider=None),
        LLAMA,
        "litellm_provider",
        "provider name",
    ),
    (
        "litellm-truncated",
        "litellm",
        litellm()[:40],
        None,
        "file",
        "not valid JSON at line 1 column",
    ),
    (
        "litellm-entry-not-object",
        "litellm",
        json.dumps({"gpt-4o": 3}).encode(),
        "gpt-4o",
        None,
        "must be an object",
    ),
]


@pytest.mark.parametrize(
    ("fmt", "content", "row", "field", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_it_rejects_malformed_input_and_writes_nothing(
    small_draft, snapshot, fmt, content, row, field, message
):
    before = snapshot(small_draft)
    report = catalog_import(version=small_draft, content=content, fmt=fmt)
    assert report.errors, report.as_dict()
    assert any(
        e["row"] == row and e["field"] == field and message in e["message"] for e in report.errors
    ), report.errors
    assert (report.created, report.updated) == (0, 0)
    assert snapshot(small_draft) == before


@pytest.mark.parametrize("fmt", ["csv", "json", "litellm"])
def test_it_rejects_a_file_that_is_not_utf8(small_draft, snapshot, fmt):
    before = snapshot(small_draft)
    content = csv_rows(GOOD).replace(b"lambda.ai", "lambdä.ai".encode("latin-1"))
    report = catalog_import(version=small_draft, content=content, fmt=fmt)
    offset = content.index(b"\xe4")
    assert report.errors == [
        {"row": None, "field": "file", "message": f"file is not UTF-8 (byte {offset})"}
    ]
    assert snapshot(small_draft) == before


def test_it_rejects_an_oversized_file(settings, small_draft, snapshot):
    settings.PRICE_IMPORT_MAX_BYTES = 100
    before = snapshot(small_draft)
    report = catalog_import(version=small_draft, content=csv_rows(GOOD, GOOD, GOOD), fmt="csv")
    [error] = report.errors
    assert error["field"] == "file" and "too large" in error["message"]
    assert "the limit is 100 bytes" in error["message"]
    assert snapshot(small_draft) == before


def test_it_rejects_too_many_rows(settings, small_draft):
    settings.PRICE_IMPORT_MAX_ROWS = 1
    report = catalog_import(version=small_draft, content=csv_rows(GOOD, GOOD), fmt="csv")
    assert report.errors[0]["field"] == "file"
    assert "too many rows" in report.errors[0]["message"]


def test_it_rejects_deep_nesting(settings, small_draft):
    settings.PRICE_IMPORT_MAX_DEPTH = 4
    deep = {"gpt-4o": {"mode": "chat", "a": {"b": {"c": {"d": 1}}}}}
    report = catalog_import(version=small_draft, content=json.dumps(deep).encode(), fmt="litellm")
    assert "nested too deeply" in report.errors[0]["message"]


def test_it_survives_pathological_nesting(small_draft):
    content = b"[" * 200_000 + b"]" * 200_000
    report = catalog_import(version=small_draft, content=content, fmt="json")
    assert report.errors[0]["field"] == "file"


def test_one_bad_row_among_good_ones_writes_nothing(small_draft, snapshot):
    before = snapshot(small_draft)
    bad = GOOD.replace("h100-80gb,2.29", "h100-80gb,-3")
    content = csv_rows(GOOD.replace("lambda", "fireworks", 1), bad)
    report = catalog_import(version=small_draft, content=content, fmt="csv")
    assert [e["row"] for e in report.errors] == [3]
    assert snapshot(small_draft) == before


def test_only_drafts_accept_imports(default_catalog, snapshot):
    before = snapshot(default_catalog)
    report = catalog_import(version=default_catalog, content=csv_rows(GOOD), fmt="csv")
    assert report.errors[0]["field"] == "catalog"
    assert "only drafts accept imports" in report.errors[0]["message"]
    assert snapshot(default_catalog) == before


def test_an_unknown_format_is_rejected(small_draft):
    report = catalog_import(version=small_draft, content=b"{}", fmt="yaml")
    assert "unknown format" in report.errors[0]["message"]
