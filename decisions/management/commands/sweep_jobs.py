from __future__ import annotations

from django.core.management.base import BaseCommand

from decisions.jobs import jobs_sweep


class Command(BaseCommand):
    help = "Enqueue again the jobs the broker never got or lost (what Celery beat runs)."

    def handle(self, *args, **options):
        self.stdout.write(f"enqueued {jobs_sweep()} job(s)")
