from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from pricing.models import CatalogVersion, InferencePrice, Status

from .conftest import DATA


def test_import_prices_json_report(small_draft, capsys):
    call_command(
        "import_prices", str(DATA / "litellm_excerpt.json"), "--format", "litellm",
        "--catalog", "small", "--json",
    )  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert {"created", "updated", "skipped", "skipped_by_reason", "errors"} <= set(report)
    assert report["created"] == 9 and report["skipped"] == 6
    assert report["skipped_by_reason"]["sample_spec"] == 1
    assert report["errors"] == []


def test_import_prices_dry_run_writes_nothing(small_draft, capsys):
    call_command(
        "import_prices", str(DATA / "litellm_excerpt.json"), "--format", "litellm",
        "--catalog", "small", "--dry-run",
    )  # fmt: skip
    assert "Would import into small: 9 created" in capsys.readouterr().out
    assert not InferencePrice.objects.filter(version=small_draft).exists()


def test_import_prices_exits_2_on_any_error(small_draft, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"gpt-4o": {"mode": "chat", "litellm_provider": "openai", ')
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_prices", str(bad), "--format", "litellm", "--catalog", "small", "--json"
        )
    assert exit_info.value.code == 2
    report = json.loads(capsys.readouterr().out)
    assert report["errors"][0]["field"] == "file"


def test_import_prices_refuses_a_published_catalog(default_catalog, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_prices", str(DATA / "litellm_excerpt.json"), "--format", "litellm",
            "--catalog", "2026-11",
        )  # fmt: skip
    assert exit_info.value.code == 2
    assert "only drafts accept imports" in capsys.readouterr().err


def test_import_prices_unknown_catalog(db):
    with pytest.raises(CommandError, match="no catalog 'nope'"):
        call_command("import_prices", "x.json", "--format", "json", "--catalog", "nope")


def test_export_catalog_csv_and_json(default_catalog, capsys):
    call_command("export_catalog", "2026-11", "--format", "csv")
    assert capsys.readouterr().out.startswith("section,")
    call_command("export_catalog", "latest", "--format", "json")
    assert json.loads(capsys.readouterr().out)["version"] == "2026-11"


def test_clone_then_publish(default_catalog, capsys):
    call_command("clone_catalog", "2026-11", "2026-12")
    assert CatalogVersion.objects.get(slug="2026-12").status == Status.DRAFT
    call_command("publish_catalog", "2026-12")
    assert CatalogVersion.objects.latest_published().slug == "2026-12"
    with pytest.raises(CommandError, match="Only a draft"):
        call_command("publish_catalog", "2026-12")
    with pytest.raises(CommandError, match="already exists"):
        call_command("clone_catalog", "2026-11", "2026-12")


def test_import_prices_refuses_an_oversized_file_before_reading_it(
    small_draft, tmp_path, settings, capsys
):
    settings.PRICE_IMPORT_MAX_BYTES = 10
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 11)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_prices", str(big), "--format", "csv", "--catalog", "small", "--json")
    assert exit_info.value.code == 2
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert error == {
        "row": None,
        "field": "file",
        "message": "file is too large: 11 bytes, the limit is 10 bytes",
    }
