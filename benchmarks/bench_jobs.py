"""Job throughput on real workers: recompute 1,000 scenarios with 2 worker processes
after a catalog publish, and the round trip of a no-op task, measured in one run.

    .venv/bin/python benchmarks/bench_jobs.py [--scenarios 1000] [--workers 2]

Uses PostgreSQL when DATABASE_URL is set (a throwaway database is created and dropped),
else a temporary SQLite file; starts its own Redis and workers, and stops them after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        base, _, _ = url.rpartition("/")
        os.environ["DATABASE_URL"] = f"{base}/tunecase_bench_jobs"
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS tunecase_bench_jobs")
            conn.execute("CREATE DATABASE tunecase_bench_jobs")
    else:
        os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(), "bench-jobs.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_default_catalog", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--round-trips", type=int, default=50)
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth.models import User

    from accounts.services import organisation_create
    from config.celery import app
    from decisions.models import PriceChange, Project, Scenario
    from decisions.recompute import catalog_recompute_start
    from decisions.tasks import noop
    from tests.services import CeleryWorker, RedisServer, point_celery_at, wait_for

    redis = RedisServer().start()
    point_celery_at(app, redis.url)
    app.conf.task_always_eager = False
    workers = [CeleryWorker(redis.url, name=f"bench{i}") for i in range(args.workers)]
    try:
        for worker in workers:
            worker.start()
        user = User.objects.create_user("bench", password="bench-password")
        project = Project.objects.create(
            organisation=organisation_create(name="Bench", owner=user), name="Bench"
        )
        Scenario.objects.bulk_create(
            Scenario(
                project=project,
                name=f"S{i}",
                inputs={
                    "training": {"base_model": "llama-3.1-8b"},
                    "inference": {"daily_calls": 1000 + 37 * i},
                    "uncertainty": {"samples": 10_000, "seed": i},
                },
            )
            for i in range(args.scenarios)
        )

        trips = []
        for _ in range(args.round_trips):
            started = time.perf_counter()
            noop.apply_async().get(timeout=30)
            trips.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        catalog_recompute_start(catalog_version="2026-11")
        wait_for(
            lambda: PriceChange.objects.count() >= args.scenarios,
            timeout=1800,
            what="the recompute",
        )
        elapsed = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()

    quantiles = statistics.quantiles(trips, n=20)
    print(f"recompute_scenarios: {args.scenarios} scenarios")
    print(f"recompute_workers: {args.workers} processes")
    print(f"recompute_seconds: {elapsed:.1f} s")
    print(f"recompute_throughput: {args.scenarios / elapsed:.1f} scenarios/s")
    print(f"noop_round_trip_p50: {statistics.median(trips):.1f} ms")
    print(f"noop_round_trip_p95: {quantiles[18]:.1f} ms")


if __name__ == "__main__":
    main()
