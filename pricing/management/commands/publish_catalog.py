from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pricing.models import CatalogLocked
from pricing.services import CatalogNotFound, catalog_get, catalog_publish


class Command(BaseCommand):
    help = "Publish a draft catalog version: from then on it never changes and becomes the latest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")

    def handle(self, *args, **options) -> None:
        try:
            version = catalog_publish(version=catalog_get(options["slug"]))
        except (CatalogNotFound, CatalogLocked) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Published {version.slug}; it is now the latest catalog.")
        )
