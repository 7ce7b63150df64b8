from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pricing.services import CatalogNotFound, catalog_clone, catalog_get


class Command(BaseCommand):
    help = "Copy every row of a catalog version into a new draft, the start of the next edit."

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help='A catalog slug or "latest".')
        parser.add_argument("new_slug")

    def handle(self, *args, **options) -> None:
        try:
            source = catalog_get(options["source"])
            draft = catalog_clone(source=source, slug=options["new_slug"])
        except (CatalogNotFound, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created draft {draft.slug} from {source.slug}."))
