from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from decisions.services import demo_seed


class Command(BaseCommand):
    help = "Create the demo account (demo / tunecase-demo) and a sample project; embedded only."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo runs only in the embedded setup (DEMO_MODE / DEBUG on)")
        created = demo_seed()
        if created:
            self.stdout.write("Created the demo account 'demo' (password tunecase-demo)")
        else:
            self.stdout.write("Demo account already present; nothing changed")
