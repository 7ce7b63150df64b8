"""Reading price files: limits, decoding, one parser per format, one row validator.

Nothing here touches the database. Each parser turns a file into catalog rows (the
catalog JSON shape: section name + a dict of plain values, references by slug) and a
list of errors `{"row": ..., "field": ..., "message": ...}`; `validate_row` checks one
row against its section's fields. `pricing.services.catalog_import` decides what to write.

Formats:
- json: the catalog JSON file (`{"schema": "tunecase.catalog/v1", "version": ..., <sections>}`),
  the same file `export_catalog --format json` writes.
- csv: one row per catalog row; the `section` column names the catalog section
  (providers, gpus, models, training_prices, inference_prices, hosting_prices, gpu_prices,
  bare_metal_prices) and the other columns are the union of all sections' fields; a cell
  left empty means "not given". (`section`, not `kind`: providers have a `kind` field.)
- litellm: BerriAI/litellm `model_prices_and_context_window.json`, chat entries only.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from decisions.engine.pricebook import PROVIDER_KINDS, SECTIONS, TRAINING_METHODS
from pricing.models import SECTION_MODELS

FORMATS = ("json", "csv", "litellm")
SCHEMA = "tunecase.catalog/v1"
LITELLM_SOURCE = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"


def max_bytes() -> int:
    return getattr(settings, "PRICE_IMPORT_MAX_BYTES", 25 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "PRICE_IMPORT_MAX_ROWS", 50_000)


def max_depth() -> int:
    return getattr(settings, "PRICE_IMPORT_MAX_DEPTH", 20)


class FileRejected(Exception):
    """The file as a whole cannot be read; carries one error dict."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.error = {"row": None, "field": "file", "message": message}


# --- Field specs, derived from the engine's dataclasses so the two never drift --------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # "str", "float", "int", "bool", "date"
    required: bool
    nullable: bool
    default: Any = None


def _spec(f: Any) -> FieldSpec:
    annotation = str(f.type).replace(" ", "")
    nullable = annotation.endswith("|None")
    kind = annotation.removesuffix("|None")
    required = f.default is MISSING and f.default_factory is MISSING
    return FieldSpec(f.name, kind, required, nullable, None if required else f.default)


# Keys our catalog rows carry beyond the engine's fields; price_book_from_dict ignores them.
EXTRA_FIELDS: dict[str, list[FieldSpec]] = {
    "providers": [FieldSpec("imported", "bool", False, False, False)],
}
NOTES = FieldSpec("notes", "str", False, False, "")


def _stored(section: str) -> set[str]:
    """Fields the catalog tables hold. An engine field added later (with a default) is
    ignored here until pricing stores it, instead of breaking every import and export."""
    model = SECTION_MODELS[section]
    return {f.name for f in model._meta.get_fields()} | set(REFERENCE_SECTIONS)


REFERENCE_SECTIONS = {"provider": "providers", "model": "models", "gpu": "gpus"}
FIELD_SPECS: dict[str, dict[str, FieldSpec]] = {
    section: {
        spec.name: spec
        for spec in [_spec(f) for f in fields(cls)] + EXTRA_FIELDS.get(section, []) + [NOTES]
        if spec.name in _stored(section)
    }
    for section, cls in SECTIONS.items()
}
ENTITY_SECTIONS = ("providers", "gpus", "models")

# Numbers that must be strictly positive; every other number only >= 0.
POSITIVE_FIELDS = {"memory_gb", "bf16_tflops", "bandwidth_gbs", "gpus"}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def csv_columns() -> list[str]:
    columns = ["section"]
    for specs in FIELD_SPECS.values():
        columns += [name for name in specs if name not in columns]
    return columns


# --- Reading bytes safely ---------------------------------------------------------------


def check_size(size: int) -> None:
    if size > max_bytes():
        raise FileRejected(f"file is too large: {size:,} bytes, the limit is {max_bytes():,} bytes")


def decode_text(content: bytes) -> str:
    check_size(len(content))
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileRejected(f"file is not UTF-8 (byte {exc.start})") from None
    return text.removeprefix("\ufeff")


def _depth(value: Any) -> int:
    """Nesting depth, iteratively: a hostile file must not exhaust the Python stack."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item)
    return deepest


def load_json(text: str) -> Any:
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise FileRejected(
            f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise FileRejected(
            f"JSON is nested too deeply (the limit is {max_depth()} levels)"
        ) from None
    except ValueError as exc:
        raise FileRejected(str(exc)) from None
    if _depth(data) > max_depth():
        raise FileRejected(f"JSON is nested too deeply (the limit is {max_depth()} levels)")
    return data


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON and not prices.
    raise ValueError(f"{name} is not a valid number in JSON")


def _check_row_count(count: int) -> None:
    if count > max_rows():
        raise FileRejected(f"too many rows: {count:,}, the limit is {max_rows():,}")


# --- One row ----------------------------------------------------------------------------


class _Invalid(Exception):
    pass


def _number(value: Any, kind: str, from_text: bool) -> float | int:
    if from_text:
        try:
            value = int(value) if kind == "int" else float(value)
        except ValueError:
            raise _Invalid(
                f"{value!r} is not a {'whole number' if kind == 'int' else 'number'}"
            ) from None
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid(f"must be a number, not {type(value).__name__}")
    if not math.isfinite(value):
        raise _Invalid("must be a finite number")
    if kind == "int":
        if float(value) != int(value):
            raise _Invalid("must be a whole number")
        return int(value)
    return float(value)


def _coerce(spec: FieldSpec, value: Any, from_text: bool) -> Any:
    if spec.kind in ("float", "int"):
        return _number(value, spec.kind, from_text)
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        if from_text and str(value).strip().lower() in {"true", "1", "yes"}:
            return True
        if from_text and str(value).strip().lower() in {"false", "0", "no"}:
            return False
        raise _Invalid("must be true or false")
    if spec.kind == "date":
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise _Invalid("must be an ISO date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise _Invalid(f"{value!r} is not a real date") from None
    if not isinstance(value, str):
        raise _Invalid(f"must be text, not {type(value).__name__}")
    return value.strip()


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def validate_row(
    section: str, raw: dict[str, Any], row: Any, *, from_text: bool = False
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Type and sanity checks on one row. Returns the clean row and its errors.
    References (provider, model, gpu) are checked later, against the whole catalog."""
    specs = FIELD_SPECS[section]
    errors: list[dict[str, Any]] = []
    clean: dict[str, Any] = {}

    def error(name: str, message: str) -> None:
        errors.append({"row": row, "field": name, "message": message})

    for name, value in raw.items():
        blank = value is None or (from_text and isinstance(value, str) and value.strip() == "")
        if name not in specs:
            if not blank:
                error(name, f"is not a field of {section}")
            continue
        if blank:
            continue
        try:
            clean[name] = _coerce(specs[name], value, from_text)
        except _Invalid as exc:
            error(name, str(exc))

    bad = {e["field"] for e in errors}
    for name, spec in specs.items():
        if spec.required and name not in clean and name not in bad:
            error(name, "is required")
        value = clean.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if name in POSITIVE_FIELDS and value <= 0:
                error(name, "must be greater than 0")
            elif value < 0:
                error(name, "must not be negative")

    is_price = section not in ENTITY_SECTIONS
    if clean.get("source_url") and not _is_http_url(clean["source_url"]):
        error("source_url", "must be an http(s) URL")
    if is_price and "source_url" in clean and not clean["source_url"]:
        error("source_url", "every price needs a source URL")
    if "slug" in clean and not SLUG_RE.match(clean["slug"]):
        error("slug", "use lowercase letters, digits, '.', '-' and '_'")
    if section == "providers" and "kind" in clean and clean["kind"] not in PROVIDER_KINDS:
        error("kind", f"must be one of {', '.join(PROVIDER_KINDS)}")
    if (
        section == "training_prices"
        and "method" in clean
        and clean["method"] not in TRAINING_METHODS
    ):
        error("method", f"must be one of {', '.join(TRAINING_METHODS)}")
    if section in ("training_prices", "inference_prices"):
        _check_model_or_band(clean, error)
    if section == "models" and clean.get("active_params", 0) > clean.get("total_params", math.inf):
        error("active_params", "cannot exceed total_params")
    return clean, errors


def _check_model_or_band(clean: dict[str, Any], error: Any) -> None:
    has_model = bool(clean.get("model"))
    low, high = clean.get("min_params_b"), clean.get("max_params_b")
    has_band = low is not None or high is not None
    if has_model and has_band:
        error("model", "name a model or a size band, not both")
    elif not has_model and not has_band:
        error("model", "name a model or a size band (min_params_b, max_params_b)")
    elif has_band and (low is None or high is None):
        error("max_params_b" if high is None else "min_params_b", "a size band needs both ends")
    elif has_band and high <= low:
        error("max_params_b", "must be greater than min_params_b")


# --- Parsed file --------------------------------------------------------------------------


@dataclass
class ParsedFile:
    rows: list[tuple[str, dict[str, Any], Any]] = field(default_factory=list)  # section, row, ref
    errors: list[dict[str, Any]] = field(default_factory=list)
    skipped_by_reason: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped_by_reason[reason] = self.skipped_by_reason.get(reason, 0) + 1

    def add(self, section: str, raw: dict[str, Any], ref: Any, *, from_text: bool = False) -> None:
        clean, errors = validate_row(section, raw, ref, from_text=from_text)
        self.errors += errors
        if not errors:
            self.rows.append((section, clean, ref))


def parse(content: bytes, fmt: str, *, known_models: set[str] | None = None) -> ParsedFile:
    """Decode, parse and validate a file; file-level problems come back as one error."""
    if fmt not in FORMATS:
        raise FileRejected(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    text = decode_text(content)
    if fmt == "csv":
        return parse_csv(text)
    data = load_json(text)
    if fmt == "litellm":
        return parse_litellm(data, known_models)
    return parse_catalog_json(data)


def parse_catalog_json(data: Any) -> ParsedFile:
    parsed = ParsedFile()
    if not isinstance(data, dict):
        raise FileRejected("the catalog JSON must be an object with one list per section")
    if data.get("schema", SCHEMA) != SCHEMA:
        raise FileRejected(f"schema {data.get('schema')!r} is not {SCHEMA!r}")
    unknown = set(data) - set(SECTIONS) - {"schema", "version", "published_at", "status", "notes"}
    for key in sorted(unknown):
        parsed.errors.append({"row": None, "field": key, "message": "is not a catalog section"})
    _check_row_count(sum(len(v) for k, v in data.items() if k in SECTIONS and isinstance(v, list)))
    for section in SECTIONS:
        rows = data.get(section, [])
        if not isinstance(rows, list):
            parsed.errors.append(
                {"row": None, "field": section, "message": "must be a list of rows"}
            )
            continue
        for index, raw in enumerate(rows):
            ref = f"{section}[{index}]"
            if not isinstance(raw, dict):
                parsed.errors.append({"row": ref, "field": None, "message": "must be an object"})
                continue
            parsed.add(section, raw, ref)
    return parsed


def parse_csv(text: str) -> ParsedFile:
    parsed = ParsedFile()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "section" not in reader.fieldnames:
        raise FileRejected("the CSV needs a header row with a 'section' column")
    try:
        for count, raw in enumerate(reader, start=1):
            _check_row_count(count)
            line = reader.line_num
            if None in raw:
                parsed.errors.append(
                    {"row": line, "field": None, "message": "more cells than header columns"}
                )
                continue
            section = (raw.pop("section") or "").strip()
            if section not in SECTIONS:
                parsed.errors.append(
                    {
                        "row": line,
                        "field": "section",
                        "message": f"{section!r} is not a catalog section",
                    }
                )
                continue
            parsed.add(
                section, {k: _unescape_cell(v) for k, v in raw.items()}, line, from_text=True
            )
    except csv.Error as exc:
        raise FileRejected(f"not valid CSV at line {reader.line_num}: {exc}") from None
    return parsed


def _unescape_cell(value: str | None) -> str | None:
    # Export prefixes formula-looking cells with "'" (see escape_cell); undo it on the way in.
    if value and value.startswith("'") and value[1:2] in FORMULA_TRIGGERS:
        return value[1:]
    return value


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """Spreadsheets run a cell starting with = + - @ tab or CR as a formula (OWASP CSV
    injection): prefix it with a quote so it is shown as text. Numbers are written as
    numbers, so only text needs it; a negative number never reaches a catalog."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# --- LiteLLM ------------------------------------------------------------------------------

LITELLM_PROVIDERS = {
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "openai": "openai",
    "text-completion-openai": "openai",
    "lambda_ai": "lambda",
    "bedrock": "aws",
    "bedrock_converse": "aws",
    "sagemaker": "aws",
}
# Names normalisation cannot reach. Keep it small and explicit.
LITELLM_MODEL_ALIASES: dict[str, str] = {
    "mistral-7b-v0.3": "mistral-7b-v0.3",
}
_DATE_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}$")


def litellm_model_name(name: str) -> tuple[str, bool]:
    """Normalise a LiteLLM model key to our slug shape; also say whether it was a dated
    snapshot, so the undated (current) entry wins when both exist.

    together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo -> llama-3.1-8b
    fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct -> llama-3.1-70b
    ft:gpt-4o-2024-08-06 -> gpt-4o (the caller notes the ft: prefix)
    """
    base = name.removeprefix("ft:").split("/")[-1].split(":")[0].lower()
    dated = bool(_DATE_SUFFIX.search(base))
    base = _DATE_SUFFIX.sub("", base).removeprefix("meta-")
    base = re.sub(r"v(\d+)p(\d+)", r"\1.\2", base)  # Fireworks spells 3.1 as v3p1
    base = base.replace("-instruct", "")
    for suffix in ("-turbo", "-hf", "-chat", "-it"):
        base = base.removesuffix(suffix)
    return LITELLM_MODEL_ALIASES.get(base, base), dated


def _litellm_price(entry: dict[str, Any], key: str, name: str, parsed: ParsedFile) -> float | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        parsed.errors.append({"row": name, "field": key, "message": "must be a finite number"})
        return None
    if value < 0:
        parsed.errors.append({"row": name, "field": key, "message": "must not be negative"})
        return None
    # Per token -> per 1M tokens; rounding removes float noise
    # (1.8e-07 * 1e6 = 0.18000000000000002).
    return round(value * 1e6, 6)


def parse_litellm(data: Any, known_models: set[str] | None = None) -> ParsedFile:
    """LiteLLM chat entries -> inference prices. Models we do not have are skipped with
    reason "unknown_model": the catalog only prices models it can describe (a row without
    parameters or architecture would mislead the engine). Providers we do not know are
    created, marked imported. `max_input_tokens` is not imported: the model's own
    config is the authority for context length."""
    parsed = ParsedFile()
    if not isinstance(data, dict):
        raise FileRejected("a LiteLLM price file must be an object keyed by model name")
    _check_row_count(len(data))
    known_models = known_models or set()
    today = timezone.localdate().isoformat()
    chosen: dict[tuple[str, str, bool], tuple[bool, str, dict[str, Any]]] = {}
    new_providers: dict[str, str] = {}

    for name, entry in data.items():
        if name == "sample_spec":
            parsed.skip("sample_spec")
            continue
        if not isinstance(entry, dict):
            parsed.errors.append({"row": name, "field": None, "message": "must be an object"})
            continue
        mode = entry.get("mode")
        if mode != "chat":
            parsed.skip(f"mode:{mode if isinstance(mode, str) else 'missing'}")
            continue
        provider_name = entry.get("litellm_provider")
        if not isinstance(provider_name, str) or not provider_name.strip():
            parsed.errors.append(
                {"row": name, "field": "litellm_provider", "message": "must be a provider name"}
            )
            continue
        prices = {
            ours: _litellm_price(entry, theirs, name, parsed)
            for ours, theirs in (
                ("input_per_1m", "input_cost_per_token"),
                ("output_per_1m", "output_cost_per_token"),
                ("batch_input_per_1m", "input_cost_per_token_batches"),
                ("batch_output_per_1m", "output_cost_per_token_batches"),
                ("cached_input_per_1m", "cache_read_input_token_cost"),
            )
        }
        if any(e["row"] == name for e in parsed.errors):
            continue
        if prices["input_per_1m"] is None or prices["output_per_1m"] is None:
            parsed.skip("no_price")
            continue
        slug, dated = litellm_model_name(name)
        if slug not in known_models:
            parsed.skip("unknown_model")
            continue
        provider = LITELLM_PROVIDERS.get(provider_name, slugify(provider_name.replace("_", "-")))
        if provider_name not in LITELLM_PROVIDERS:
            new_providers[provider] = provider_name
        source = entry.get("source")
        row = {
            "provider": provider,
            "model": slug,
            "fine_tuned": name.startswith("ft:"),
            **{k: v for k, v in prices.items() if v is not None},
            "source_url": source
            if isinstance(source, str) and _is_http_url(source)
            else LITELLM_SOURCE,
            "as_of": today,
            "notes": f"litellm: {name}"[:300],
        }
        key = (provider, slug, row["fine_tuned"])
        if key in chosen:
            parsed.skip("duplicate")
            # The undated entry is the current price: it replaces a dated snapshot.
            if chosen[key][0] and not dated:
                chosen[key] = (dated, name, row)
            continue
        chosen[key] = (dated, name, row)

    for provider, original in sorted(new_providers.items()):
        parsed.add(
            "providers",
            {
                "slug": provider,
                "name": original,
                "kind": "proprietary_api",
                "imported": True,
                "source_url": LITELLM_SOURCE,
                "as_of": today,
                "notes": f"imported from LiteLLM provider {original!r}; check its kind",
            },
            f"provider {original}",
        )
    for _dated, name, row in chosen.values():
        parsed.add("inference_prices", row, name)
    return parsed
