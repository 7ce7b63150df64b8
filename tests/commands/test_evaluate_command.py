from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command

from tests.conftest import scenario_inputs


def evaluate(*args, stdin: bytes | None = None, monkeypatch=None) -> tuple[int, dict]:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    try:
        call_command("evaluate", *args, stdout=out)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, json.loads(out.getvalue())


@pytest.fixture
def scenario_file(tmp_path):
    def write(data, raw: bytes | None = None):
        path = tmp_path / "scenario.json"
        path.write_bytes(raw if raw is not None else json.dumps(data).encode())
        return str(path)

    return write


def test_minimal_scenario_prints_the_result(default_catalog, scenario_file):
    code, result = evaluate(scenario_file({"training": {"base_model": "llama-3.1-8b"}}))
    assert code == 0
    assert result["schema"] == "tunecase.result/v1"
    assert result["catalog_version"] == "2026-11"
    assert len(result["curves"]["months"]) == 25  # months 0..24, the default horizon


def test_dash_reads_standard_input(default_catalog, monkeypatch):
    code, result = evaluate(
        "-", stdin=json.dumps(scenario_inputs()).encode(), monkeypatch=monkeypatch
    )
    assert code == 0
    assert result["framework"]["questions"][0]["id"] == "prompting"


def test_bad_input_prints_the_errors_object_and_exits_2(default_catalog, scenario_file, capsys):
    bad = scenario_inputs(inference={"daily_calls": -1, "baseline": {"model": "gpt-5o"}})
    code, answer = evaluate(scenario_file(bad))
    assert code == 2
    fields = {e["field"]: e["message"] for e in answer["errors"]}
    assert fields["inference.daily_calls"] == "must be >= 0"
    assert "gpt-4o" in fields["inference.baseline.model"]  # the nearest known slug
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "raw, message",
    [(b'{"training": ', "is not JSON"), (b"\xff\xfe", "is not UTF-8"), (b"[]", "one JSON object")],
)
def test_unreadable_files_are_named(default_catalog, scenario_file, raw, message):
    code, answer = evaluate(scenario_file(None, raw=raw))
    assert code == 2
    assert message in answer["errors"][0]["message"]


def test_unknown_catalog_lists_the_known_ones(default_catalog, scenario_file):
    code, answer = evaluate(scenario_file(scenario_inputs()), "--catalog", "1999-01")
    assert code == 2
    assert answer["errors"][0]["field"] == "catalog"
    assert "2026-11" in answer["errors"][0]["message"]


def test_same_input_gives_byte_identical_output(default_catalog, scenario_file):
    path = scenario_file(scenario_inputs())
    assert evaluate(path) == evaluate(path)
