"""Hypothesis-generated uploads into the price and scenario imports: each ends in a clear
error or a correct import, an error leaves the database as it was, and over HTTP the
answer is never a 500.

Files are built from real exports (then damaged) as well as from scratch, so the fuzzer
reaches the row validators, not only the decoder. Examples are few (CI has 2 cores).
"""

from __future__ import annotations

import json
import random

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions.models import Scenario
from decisions.services import ImportRejected, scenario_import
from pricing.formats import SCHEMA
from pricing.services import ImportReport, catalog_clone, catalog_export, catalog_import
from tests.conftest import scenario_inputs

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- File strategies ---------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
junk_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "NaN", "-1", "1e400", "0x10", "null", "€", "a\x00b", "2026-13-45"]),
    st.text(max_size=12),
)
binary_junk = st.binary(max_size=3000)
deep_nesting = st.integers(min_value=50, max_value=20_000).map(
    lambda n: ("[" * n + "]" * n).encode()
) | st.integers(min_value=50, max_value=5_000).map(lambda n: ('{"a":' * n + "1" + "}" * n).encode())
bad_text = st.sampled_from(
    [b"\xef\xbb\xbf", b"\xff\xfe{}", b"section\n", b"\x00" * 100, "é".encode("latin-1"), b""]
)


def damaged_rows(rows: list[dict], draw) -> list[dict]:
    """Some rows of a real catalog section, with a few values swapped for junk."""
    picked = draw(st.lists(st.sampled_from(rows), max_size=4)) if rows else []
    out = []
    for row in picked:
        row = dict(row)
        for key in draw(st.lists(st.sampled_from(sorted(row)), max_size=3)):
            row[key] = draw(junk_scalars)
        if draw(st.booleans()):
            row[draw(st.text(min_size=1, max_size=8))] = draw(junk_scalars)
        out.append(row)
    return out


@st.composite
def catalog_json_files(draw, exported: dict) -> bytes:
    data: dict = {"schema": draw(st.sampled_from([SCHEMA, SCHEMA, "other/v9"]))}
    for section, rows in exported.items():
        if isinstance(rows, list) and draw(st.booleans()):
            data[section] = damaged_rows(rows, draw)
    if draw(st.booleans()):
        data[draw(st.text(max_size=8))] = draw(json_values)
    return json.dumps(data).encode()


@st.composite
def csv_files(draw, exported_csv: str) -> bytes:
    lines = exported_csv.splitlines()
    header, body = lines[0], lines[1:]
    kept = draw(st.lists(st.sampled_from(body), max_size=6)) if body else []
    rng = random.Random(draw(st.integers(0, 2**32)))
    damaged = []
    for line in kept:
        cells = line.split(",")
        for _ in range(draw(st.integers(0, 3))):
            cells[rng.randrange(len(cells))] = draw(st.text(max_size=10)).replace("\n", " ")
        damaged.append(",".join(cells))
    if draw(st.booleans()):
        damaged.append(draw(st.text(max_size=60)))
    if draw(st.integers(0, 5)) == 0:
        header = draw(st.text(max_size=40))
    return "\n".join([header, *damaged]).encode()


@st.composite
def litellm_files(draw) -> bytes:
    entry = st.fixed_dictionaries(
        {},
        optional={
            "input_cost_per_token": junk_scalars,
            "output_cost_per_token": junk_scalars,
            "litellm_provider": st.sampled_from(["openai", "together_ai", "", "x" * 200]),
            "mode": st.sampled_from(["chat", "embedding", "completion", ""]) | junk_scalars,
            "max_input_tokens": junk_scalars,
        },
    )
    names = st.sampled_from(
        ["gpt-4o", "together_ai/meta-llama/Llama-3.1-8B", "llama-3.1-8b", "sample_spec"]
    ) | st.text(max_size=30)
    data = draw(st.dictionaries(names, entry | json_values, max_size=6))
    return json.dumps(data).encode()


def price_files(exported: dict, exported_csv: str):
    return st.one_of(
        st.tuples(
            st.sampled_from(["json", "csv", "litellm"]), binary_junk | deep_nesting | bad_text
        ),
        st.tuples(st.just("json"), catalog_json_files(exported)),
        st.tuples(st.just("json"), json_values.map(lambda v: json.dumps(v).encode())),
        st.tuples(st.just("csv"), csv_files(exported_csv)),
        st.tuples(st.just("litellm"), litellm_files()),
    )


# --- Helpers -----------------------------------------------------------------------------


def pricing_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("pricing").get_models()}


@pytest.fixture
def draft(default_catalog, alice):
    return catalog_clone(source=default_catalog, slug="fuzz-draft", user=alice)


@pytest.fixture
def exports(default_catalog):
    return (
        json.loads(catalog_export(version=default_catalog, fmt="json")),
        catalog_export(version=default_catalog, fmt="csv"),
    )


# --- The price import service --------------------------------------------------------------


def test_price_files_import_cleanly_or_change_nothing(draft, exports, alice):
    exported, exported_csv = exports

    @FUZZ
    @given(price_files(exported, exported_csv), st.booleans())
    def check(file, dry_run):
        fmt, content = file
        before = pricing_counts()
        report = catalog_import(
            version=draft, content=content, fmt=fmt, dry_run=dry_run, user=alice
        )
        assert isinstance(report, ImportReport)
        if report.errors:
            for error in report.errors:
                assert error["message"], error  # every error says what is wrong
            assert pricing_counts() == before
            assert report.created == report.updated == 0 or report.errors
        elif dry_run:
            assert pricing_counts() == before

    check()


def test_the_exported_files_import_back_unchanged(draft, exports, alice):
    exported, exported_csv = exports
    for fmt, content in (("json", json.dumps(exported).encode()), ("csv", exported_csv.encode())):
        before = pricing_counts()
        report = catalog_import(version=draft, content=content, fmt=fmt, user=alice)
        assert report.ok, report.errors[:3]
        assert report.created == report.updated == 0
        assert pricing_counts() == {
            **before,
            "pricing.CatalogEvent": before["pricing.CatalogEvent"] + 1,
        }


# --- The scenario import service ------------------------------------------------------------


@st.composite
def scenario_files(draw) -> bytes:
    base = scenario_inputs()
    kind = draw(st.integers(0, 4))
    if kind == 0:
        # Deep nesting has its own test below (it finds a bug the lead is fixing).
        return draw(binary_junk | bad_text)
    if kind == 1:
        return json.dumps(draw(json_values)).encode()
    # A valid scenario with a few values or sections damaged.
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(0, 3))):
        section = draw(st.sampled_from([*base, "inference", "data", "prompting", "hosting"]))
        if isinstance(data.get(section), dict) and draw(st.booleans()):
            data[section][draw(st.text(max_size=12))] = draw(junk_scalars)
        else:
            data[section] = draw(junk_scalars | json_values)
    return json.dumps(data).encode()


def test_scenario_files_import_or_are_rejected_cleanly(project, default_catalog, alice):
    @FUZZ
    @given(scenario_files())
    def check(content):
        before = Scenario.objects.count()
        try:
            scenario = scenario_import(project=project, user=alice, content=content)
        except ImportRejected as exc:
            assert exc.errors and all(e["message"] for e in exc.errors)
            assert Scenario.objects.count() == before
        else:
            assert Scenario.objects.count() == before + 1
            assert scenario.project == project

    check()


# --- Over HTTP: never a 500 -----------------------------------------------------------------


def upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_admin_import_never_answers_500(client, draft, exports, alice):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    client.force_login(alice)
    client.raise_request_exception = False
    url = reverse("admin:pricing_catalogversion_import", args=[draft.pk])
    exported, exported_csv = exports

    @settings(FUZZ, max_examples=25)
    @given(price_files(exported, exported_csv))
    def check(file):
        fmt, content = file
        before = pricing_counts()
        response = client.post(url, {"format": fmt, "file": upload(content, f"prices.{fmt}")})
        assert response.status_code == 200, response.status_code
        assert pricing_counts() == before  # the first step is a dry run

    check()


def test_the_scenario_import_page_never_answers_500(client, project, default_catalog, alice):
    client.force_login(alice)
    client.raise_request_exception = False
    url = reverse("decisions:scenario_import", args=[project.pk])

    @settings(FUZZ, max_examples=25)
    @given(scenario_files())
    def check(content):
        response = client.post(url, {"file": upload(content, "scenario.json")})
        assert response.status_code in (200, 302), response.status_code

    check()


def test_the_api_never_answers_500_to_a_fuzzed_body(world):
    from tests.security.conftest import client_as

    client = client_as(world, "editor")
    client.raise_request_exception = False
    url = reverse("api:project_scenarios", args=[world.project.pk])

    @settings(FUZZ, max_examples=25)
    @given(scenario_files())
    def check(content):
        response = client.post(url, content, content_type="application/json")
        assert response.status_code in (201, 400), response.status_code
        assert response["Content-Type"] == "application/json"

    check()


# A deeply nested file makes json.loads raise RecursionError (once a 500 page: the error
# handler read `e.msg`, which only a JSONDecodeError has).
DEEP = ("[" * 100_000 + "]" * 100_000).encode()


def test_a_deeply_nested_scenario_file_is_rejected(project, alice):
    with pytest.raises(ImportRejected, match="nested too deeply"):
        scenario_import(project=project, user=alice, content=DEEP)


def test_a_deeply_nested_upload_is_not_a_500(client, project, alice):
    client.force_login(alice)
    client.raise_request_exception = False
    url = reverse("decisions:scenario_import", args=[project.pk])
    assert client.post(url, {"file": upload(DEEP, "deep.json")}).status_code == 200


def test_a_deeply_nested_api_body_is_a_400(world):
    from tests.security.conftest import client_as

    client = client_as(world, "editor")
    client.raise_request_exception = False
    url = reverse("api:project_scenarios", args=[world.project.pk])
    assert client.post(url, DEEP, content_type="application/json").status_code == 400
