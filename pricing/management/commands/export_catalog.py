from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pricing.services import CatalogNotFound, catalog_export, catalog_get


class Command(BaseCommand):
    help = (
        "Export a catalog version as CSV or JSON (the formats import_prices reads) "
        "to stdout or --output."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help='A catalog slug or "latest".')
        parser.add_argument("--format", required=True, choices=["csv", "json"])
        parser.add_argument("--output", type=Path, help="Write to this file instead of stdout.")

    def handle(self, *args, **options) -> None:
        try:
            version = catalog_get(options["slug"])
        except CatalogNotFound as exc:
            raise CommandError(str(exc)) from exc
        text = catalog_export(version=version, fmt=options["format"])
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
