from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from decisions.tasks import noop


class Command(BaseCommand):
    help = "Send a no-op task through the broker and report the round trip to a worker."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait")

    def handle(self, *args, **options):
        if not settings.REDIS_URL:
            self.stdout.write("No REDIS_URL: tasks run inline, there is no worker to check.")
            return
        started = time.perf_counter()
        try:
            reply = noop.apply_async(retry=False).get(timeout=options["timeout"])
        except Exception as exc:  # the reason is what ops needs to see
            raise CommandError(f"no worker answered: {exc.__class__.__name__}: {exc}") from None
        elapsed = (time.perf_counter() - started) * 1000
        self.stdout.write(f"worker answered {reply!r} in {elapsed:.1f} ms")
