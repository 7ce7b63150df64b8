"""Catalog actions other apps and admin call: price books, clone, publish, diff, import, export.

`catalog_to_dict` is the one serialiser: the JSON export, the diff and the engine's price
book all start from it, so they cannot disagree about what a catalog contains.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Min, Q

from decisions.engine.pricebook import PriceBook, price_book_from_dict
from pricing import formats
from pricing.models import (
    NATURAL_KEYS,
    REFERENCES,
    SECTION_MODELS,
    CatalogEvent,
    CatalogLocked,
    CatalogVersion,
    Status,
)
from pricing.models import BaseModel as BaseModelRow
from pricing.models import InferencePrice as InferencePriceRow
from pricing.models import TrainingPrice as TrainingPriceRow
from pricing.signals import catalog_published

DEFAULT_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "catalog-2026-11.json"


class CatalogNotFound(Exception):
    pass


# --- Finding and serialising a version -----------------------------------------------------


def catalog_get(slug_or_latest: str = "latest") -> CatalogVersion:
    """A version by slug, or "latest": the newest published one."""
    if slug_or_latest == "latest":
        version = CatalogVersion.objects.latest_published()
    else:
        version = CatalogVersion.objects.filter(slug=slug_or_latest).first()
    if version is None:
        known = ", ".join(CatalogVersion.objects.order_by("slug").values_list("slug", flat=True))
        what = (
            "no catalog is published"
            if slug_or_latest == "latest"
            else f"no catalog {slug_or_latest!r}"
        )
        raise CatalogNotFound(f"{what}; known catalogs: {known or 'none'}")
    return version


def _value_column(name: str) -> str:
    # Price rows reference providers/models/GPUs by slug in the dict shape.
    return f"{name}__slug" if name in REFERENCES else name


def section_rows(version: CatalogVersion, section: str) -> list[dict[str, Any]]:
    names = list(formats.FIELD_SPECS[section])
    model = SECTION_MODELS[section]
    rows = model.objects.filter(version=version).values(*[_value_column(n) for n in names])
    return [{name: _plain(row[_value_column(name)]) for name in names} for row in rows]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def catalog_to_dict(version: CatalogVersion) -> dict[str, Any]:
    """The catalog JSON shape (`decisions.engine.pricebook.price_book_from_dict` reads it)."""
    data: dict[str, Any] = {
        "schema": formats.SCHEMA,
        "version": version.slug,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "status": version.status,
    }
    for section in SECTION_MODELS:
        data[section] = section_rows(version, section)
    return data


# Published versions never change, so their price book is built once per process.
# The key includes published_at so a test database that reuses a slug cannot hit a stale book.
_PRICE_BOOKS: dict[tuple[int, datetime], PriceBook] = {}


def price_book_for(slug_or_latest: str = "latest") -> PriceBook:
    """The engine's immutable PriceBook for a catalog version; ms after the first call."""
    version = catalog_get(slug_or_latest)
    if not version.is_locked:
        return price_book_from_dict(catalog_to_dict(version))
    key = (version.pk, version.published_at)
    book = _PRICE_BOOKS.get(key)
    if book is None:
        book = _PRICE_BOOKS[key] = price_book_from_dict(catalog_to_dict(version))
    return book


def price_book_cache_clear() -> None:
    _PRICE_BOOKS.clear()


# --- Lifecycle ----------------------------------------------------------------------------


def _record(
    version: CatalogVersion, action: str, user: Any, summary: str, counts: dict | None = None
) -> None:
    CatalogEvent.objects.create(
        version=version,
        action=action,
        user=user if getattr(user, "is_authenticated", False) else None,
        summary=summary[:300],
        counts=counts or {},
    )


def catalog_publish(*, version: CatalogVersion, user: Any = None) -> CatalogVersion:
    with transaction.atomic():
        version.publish()
        _record(version, CatalogEvent.Action.PUBLISH, user, f"Published {version.slug}")
        catalog_published.send(sender=CatalogVersion, version=version)
    return version


def catalog_retire(*, version: CatalogVersion, user: Any = None) -> CatalogVersion:
    with transaction.atomic():
        version.retire()
        _record(version, CatalogEvent.Action.RETIRE, user, f"Retired {version.slug}")
    return version


def catalog_clone(*, source: CatalogVersion, slug: str, user: Any = None) -> CatalogVersion:
    """A new draft holding a copy of every row of `source`: the next edit starts here."""
    if CatalogVersion.objects.filter(slug=slug).exists():
        raise ValueError(f"a catalog {slug!r} already exists")
    with transaction.atomic():
        draft = CatalogVersion.objects.create(
            slug=slug,
            cloned_from=source,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            notes=f"Cloned from {source.slug}.",
        )
        counts = _write_rows(draft, catalog_to_dict(source), existing={})
        _record(draft, CatalogEvent.Action.CLONE, user, f"Cloned from {source.slug}", counts)
    return draft


def _model_kwargs(
    section: str, row: dict[str, Any], ids: dict[str, dict[str, int]]
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for name, value in row.items():
        if name in REFERENCES:
            kwargs[f"{name}_id"] = ids[REFERENCES[name]][value] if value else None
        elif isinstance(value, str) and formats.FIELD_SPECS[section][name].kind == "date":
            kwargs[name] = date.fromisoformat(value)
        else:
            kwargs[name] = value
    return kwargs


def _write_rows(
    version: CatalogVersion, data: dict[str, Any], existing: dict[str, dict[tuple, int]]
) -> dict[str, int]:
    """Create or update rows (catalog dict shape) in `version`; references first.
    `existing` maps section -> natural key -> pk of rows to update."""
    counts = {"created": 0, "updated": 0}
    ids: dict[str, dict[str, int]] = {}
    for section, model in SECTION_MODELS.items():
        to_create = []
        for row in data.get(section, []):
            kwargs = _model_kwargs(section, row, ids)
            pk = existing.get(section, {}).get(natural_key(section, row))
            if pk is None:
                to_create.append(model(version=version, **kwargs))
            else:
                obj = model.objects.get(pk=pk)
                for name, value in kwargs.items():
                    setattr(obj, name, value)
                obj.save()
                counts["updated"] += 1
        model.objects.bulk_create(to_create)
        counts["created"] += len(to_create)
        if section in formats.ENTITY_SECTIONS:
            ids[section] = dict(model.objects.filter(version=version).values_list("slug", "pk"))
    return counts


def natural_key(section: str, row: dict[str, Any]) -> tuple:
    specs = formats.FIELD_SPECS[section]
    return tuple(row.get(name, specs[name].default) for name in NATURAL_KEYS[section])


def key_label(section: str, key: tuple) -> str:
    parts = []
    for name, value in zip(NATURAL_KEYS[section], key, strict=True):
        if value in (None, ""):
            continue
        if name == "fine_tuned":
            parts.append("fine-tuned" if value else "base")
        elif name == "min_params_b":
            parts.append(f">{value:g}B")
        elif name == "max_params_b":
            parts.append(f"<={value:g}B")
        elif name == "gpus":
            parts.append(f"{value} GPU")
        else:
            parts.append(str(value))
    return " · ".join(parts)


# --- Diff -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    @property
    def pct(self) -> float | None:
        numbers = all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in (self.old, self.new)
        )
        if not numbers or not self.old:
            return None
        return (self.new - self.old) / self.old * 100


@dataclass
class SectionDiff:
    section: str
    added: list[tuple[str, dict]] = field(default_factory=list)
    removed: list[tuple[str, dict]] = field(default_factory=list)
    changed: list[tuple[str, list[FieldChange]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


# Provenance changes alone are not price changes, but they are still shown.
def catalog_diff(*, old: CatalogVersion, new: CatalogVersion) -> list[SectionDiff]:
    """Rows added, removed and changed between two versions, paired by natural key."""
    before, after = catalog_to_dict(old), catalog_to_dict(new)
    result = []
    for section in SECTION_MODELS:
        old_rows = {natural_key(section, r): r for r in before[section]}
        new_rows = {natural_key(section, r): r for r in after[section]}
        diff = SectionDiff(section)
        for key in sorted(new_rows.keys() - old_rows.keys(), key=str):
            diff.added.append((key_label(section, key), new_rows[key]))
        for key in sorted(old_rows.keys() - new_rows.keys(), key=str):
            diff.removed.append((key_label(section, key), old_rows[key]))
        for key in sorted(old_rows.keys() & new_rows.keys(), key=str):
            changes = [
                FieldChange(name, old_rows[key][name], new_rows[key][name])
                for name in old_rows[key]
                if old_rows[key][name] != new_rows[key][name]
            ]
            if changes:
                diff.changed.append((key_label(section, key), changes))
        result.append(diff)
    return result


# --- Import ---------------------------------------------------------------------------------


@dataclass
class ImportReport:
    catalog: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(self.skipped_by_reason.values())

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "catalog": self.catalog,
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "skipped_by_reason": self.skipped_by_reason,
            "errors": self.errors,
        }


def catalog_import(
    *, version: CatalogVersion, content: bytes, fmt: str, dry_run: bool = False, user: Any = None
) -> ImportReport:
    """Parse and validate the whole file, then write it in one transaction, or nothing.
    Dry run: the same checks and counts, no write."""
    report = ImportReport(catalog=version.slug, dry_run=dry_run)
    if version.status != Status.DRAFT:
        report.errors.append(
            {
                "row": None,
                "field": "catalog",
                "message": f"catalog {version.slug} is {version.status}: only drafts accept "
                "imports (clone it to a new draft first)",
            }
        )
        return report
    current = catalog_to_dict(version)
    try:
        parsed = formats.parse(content, fmt, known_models={m["slug"] for m in current["models"]})
    except formats.FileRejected as exc:
        report.errors.append(exc.error)
        return report
    report.skipped_by_reason = parsed.skipped_by_reason
    report.errors = list(parsed.errors)
    incoming = _check_against_catalog(parsed, current, report)
    if report.errors:
        return report

    existing_pks = _existing_pks(version)
    to_write: dict[str, list[dict]] = {section: [] for section in SECTION_MODELS}
    for section, rows in incoming.items():
        stored = {natural_key(section, r): r for r in current[section]}
        for key, row in rows.items():
            full = {**stored.get(key, {}), **row}
            if key not in stored:
                report.created += 1
            elif full == stored[key]:
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            to_write[section].append(full)
    if dry_run:
        return report
    try:
        with transaction.atomic():
            _write_rows(version, to_write, existing_pks)
            _record(
                version,
                CatalogEvent.Action.IMPORT,
                user,
                f"Imported {fmt}: {report.created} created, {report.updated} updated",
                {
                    k: v
                    for k, v in report.as_dict().items()
                    if k in ("created", "updated", "unchanged", "skipped")
                },
            )
    except CatalogLocked as exc:  # published between our check and the write
        report.errors.append({"row": None, "field": "catalog", "message": str(exc)})
        report.created = report.updated = 0
    return report


def _check_against_catalog(
    parsed: formats.ParsedFile, current: dict[str, Any], report: ImportReport
) -> dict[str, dict[tuple, dict]]:
    """Duplicates within the file and references to providers/models/GPUs that exist
    neither in the catalog nor in the file. Returns rows by section and natural key."""
    incoming: dict[str, dict[tuple, dict]] = {section: {} for section in SECTION_MODELS}
    refs: dict[tuple, Any] = {}
    for section, row, ref in parsed.rows:
        key = natural_key(section, {**_dated(section, row)})
        if key in incoming[section]:
            report.errors.append(
                {"row": ref, "field": None, "message": f"duplicate of row {refs[(section, key)]}"}
            )
            continue
        incoming[section][key] = _dated(section, row)
        refs[(section, key)] = ref
    known = {
        section: {r["slug"] for r in current[section]} | {k[0] for k in incoming[section]}
        for section in formats.ENTITY_SECTIONS
    }
    for section, rows in incoming.items():
        for key, row in rows.items():
            for name, target in REFERENCES.items():
                slug = row.get(name)
                if slug and slug not in known[target]:
                    report.errors.append(
                        {
                            "row": refs[(section, key)],
                            "field": name,
                            "message": f"unknown {name} {slug!r}: not in catalog {report.catalog}",
                        }
                    )
    return incoming


def _dated(section: str, row: dict[str, Any]) -> dict[str, Any]:
    """Validated rows hold date objects; the catalog dict holds ISO strings."""
    return {k: _plain(v) for k, v in row.items()}


def _existing_pks(version: CatalogVersion) -> dict[str, dict[tuple, int]]:
    result = {}
    for section, model in SECTION_MODELS.items():
        names = NATURAL_KEYS[section]
        rows = model.objects.filter(version=version).values(
            "pk", *[_value_column(n) for n in names]
        )
        result[section] = {tuple(r[_value_column(n)] for n in names): r["pk"] for r in rows}
    return result


# --- Export ------------------------------------------------------------------------------------


def catalog_export(*, version: CatalogVersion, fmt: str) -> str:
    data = catalog_to_dict(version)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _catalog_csv(data)
    raise ValueError(f"unknown export format {fmt!r}: use csv or json")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return formats.escape_cell(str(value))


def _catalog_csv(data: dict[str, Any]) -> str:
    columns = formats.csv_columns()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for section in SECTION_MODELS:
        for row in data[section]:
            cells = {"section": section, **row}
            writer.writerow([_csv_cell(cells.get(name)) for name in columns])
    return out.getvalue()


# --- Default catalog -----------------------------------------------------------------------


def catalog_load_default(
    *, user: Any = None, path: Path = DEFAULT_CATALOG_PATH
) -> tuple[CatalogVersion, bool]:
    """Create and publish the shipped catalog if it is missing; otherwise change nothing.
    Returns the version and whether it was created."""
    content = path.read_bytes()
    slug = json.loads(content)["version"]
    existing = CatalogVersion.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        version = CatalogVersion.objects.create(
            slug=slug, notes=f"Default catalog shipped in {path.name}.", created_by=None
        )
        _record(version, CatalogEvent.Action.CREATE, user, f"Loaded from {path.name}")
        report = catalog_import(version=version, content=content, fmt="json", user=user)
        if report.errors:
            raise ValueError(f"{path.name} is invalid: {report.errors[:5]}")
        catalog_publish(version=version, user=user)
    return version, True


# --- Catalog pages: one function per quantity -----------------------------------------------

PRICE_KINDS: dict[str, str] = {
    "training_prices": "Training (per 1M tokens)",
    "inference_prices": "Inference (per 1M tokens)",
    "hosting_prices": "Dedicated hosting (per hour)",
    "gpu_prices": "GPU rental (per GPU-hour)",
    "bare_metal_prices": "Bare metal (per month)",
}


def catalog_prices(
    *, version: CatalogVersion, kind: str = "", provider: str = "", model: str = ""
) -> dict[str, list]:
    """Price rows of a version by kind, filtered by kind, provider slug and model slug.
    A model filter keeps rows for that model and size-band rows that apply to it."""
    result = {}
    model_obj = BaseModelRow.objects.filter(version=version, slug=model).first() if model else None
    for section in PRICE_KINDS:
        if kind and section != kind:
            continue
        rows = SECTION_MODELS[section].objects.filter(version=version).select_related("provider")
        rows = rows.select_related(
            "model" if section in ("training_prices", "inference_prices") else "gpu"
        )
        if provider:
            rows = rows.filter(provider__slug=provider)
        if model:
            if section not in ("training_prices", "inference_prices"):
                continue
            rows = rows.filter(_applies_to(model_obj, model))
        result[section] = list(rows)
    return result


def _applies_to(model_obj: Any, slug: str) -> Q:
    if model_obj is None:
        return Q(model__slug=slug)
    size = model_obj.params_b
    return Q(model=model_obj) | Q(min_params_b__lt=size, max_params_b__gte=size)


def catalog_oldest_price(version: CatalogVersion) -> date | None:
    """The as_of date of the oldest price row in the version."""
    dates = [
        SECTION_MODELS[s].objects.filter(version=version).aggregate(oldest=Min("as_of"))["oldest"]
        for s in PRICE_KINDS
    ]
    dates = [d for d in dates if d is not None]
    return min(dates) if dates else None


def catalog_stale_count(version: CatalogVersion, days: int | None = None) -> int:
    """Price rows older than PRICE_STALE_DAYS. Only prices go stale: GPU specs and model
    configs do not drift."""
    return sum(
        SECTION_MODELS[s].objects.filter(version=version).stale(days).count() for s in PRICE_KINDS
    )


def catalog_price_count(version: CatalogVersion) -> int:
    return sum(SECTION_MODELS[s].objects.filter(version=version).count() for s in PRICE_KINDS)


@dataclass
class CompareRow:
    provider: Any
    applies_to: str
    lora: float | None = None
    full: float | None = None
    min_charge: float | None = None
    input_per_1m: float | None = None
    output_per_1m: float | None = None
    ft_input_per_1m: float | None = None
    ft_output_per_1m: float | None = None


def catalog_compare(*, version: CatalogVersion, size_b: float) -> list[CompareRow]:
    """Training and inference prices each provider charges for a model of `size_b` billion
    parameters: size-band rows containing it, and rows for models within 25% of that size."""
    near = Q(
        model__total_params__gt=size_b * 1e9 / 1.25, model__total_params__lte=size_b * 1e9 * 1.25
    )
    in_band = Q(min_params_b__lt=size_b, max_params_b__gte=size_b)
    table: dict[tuple[str, str], CompareRow] = {}

    def row_for(price: Any) -> CompareRow:
        key = (price.provider.slug, price.band_label)
        if key not in table:
            table[key] = CompareRow(provider=price.provider, applies_to=price.band_label)
        return table[key]

    for price in TrainingPriceRow.objects.filter(
        Q(version=version) & (near | in_band)
    ).select_related("provider", "model"):
        row = row_for(price)
        setattr(row, price.method, price.price_per_1m)
        row.min_charge = price.min_charge or row.min_charge
    for price in InferencePriceRow.objects.filter(
        Q(version=version) & (near | in_band)
    ).select_related("provider", "model"):
        row = row_for(price)
        prefix = "ft_" if price.fine_tuned else ""
        setattr(row, f"{prefix}input_per_1m", price.input_per_1m)
        setattr(row, f"{prefix}output_per_1m", price.output_per_1m)
    return sorted(table.values(), key=lambda r: (r.provider.slug, r.applies_to))
