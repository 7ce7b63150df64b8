from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pricing.services import DEFAULT_CATALOG_PATH, catalog_load_default


class Command(BaseCommand):
    help = (
        "Create and publish the default price catalog (pricing/data/catalog-2026-11.json) "
        "if it is missing. Idempotent: when the version exists, nothing changes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--file", type=Path, default=DEFAULT_CATALOG_PATH, help="Catalog JSON file."
        )

    def handle(self, *args, **options) -> None:
        try:
            version, created = catalog_load_default(path=options["file"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] == 0:
            return
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created and published catalog {version.slug}."))
        else:
            self.stdout.write(
                f"Catalog {version.slug} already exists ({version.status}); nothing changed."
            )
