from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pricing import formats
from pricing.services import CatalogNotFound, ImportReport, catalog_get, catalog_import


class Command(BaseCommand):
    help = """Import prices into a draft catalog, all or nothing.

Formats:
  json     the catalog JSON file (what `export_catalog --format json` writes)
  csv      one row per catalog row: a `section` column (providers, gpus, models,
           training_prices, inference_prices, hosting_prices, gpu_prices,
           bare_metal_prices) and the union of all sections' fields as columns
           (what `export_catalog --format csv` writes); an empty cell means "not
           given" (an existing row keeps its value). Cells exported with a leading
           ' (formula protection) are read back without it.
  litellm  BerriAI/litellm model_prices_and_context_window.json: chat entries become
           inference prices (per token -> per 1M) of models the catalog knows; ft:
           entries are fine-tuned prices of their base model; an unknown
           litellm_provider becomes a new provider marked imported. Skipped, and
           counted by reason: sample_spec, mode:<x> (not chat), unknown_model,
           no_price, duplicate (a dated snapshot when the undated entry exists).

Rows are matched by their natural key: a match is updated, anything else created.
Any error: nothing is written and the command exits with status 2."""

    def create_parser(self, *args, **kwargs):
        parser = super().create_parser(*args, **kwargs)
        from argparse import RawDescriptionHelpFormatter

        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=formats.FORMATS)
        parser.add_argument("--catalog", required=True, help="Slug of a draft catalog version.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count, write nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options) -> None:
        try:
            version = catalog_get(options["catalog"])
        except CatalogNotFound as exc:
            raise CommandError(str(exc), returncode=2) from exc
        path: Path = options["file"]
        try:
            # Refuse an oversized file before reading it into memory.
            formats.check_size(path.stat().st_size)
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}", returncode=2) from exc
        except formats.FileRejected as exc:
            report = ImportReport(
                catalog=version.slug, dry_run=options["dry_run"], errors=[exc.error]
            )
        else:
            report = catalog_import(
                version=version, content=content, fmt=options["format"], dry_run=options["dry_run"]
            )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, default=str))
        else:
            self._print(report)
        if report.errors:
            sys.exit(2)

    def _print(self, report) -> None:
        verb = "Would import" if report.dry_run else "Imported"
        if report.errors:
            self.stderr.write(f"{len(report.errors)} error(s); nothing was written:")
            for error in report.errors:
                self.stderr.write(
                    f"  row {error['row']}, field {error['field']}: {error['message']}"
                )
            return
        self.stdout.write(
            f"{verb} into {report.catalog}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.skipped} skipped"
        )
        for reason, count in sorted(report.skipped_by_reason.items()):
            self.stdout.write(f"  skipped {count}: {reason}")
