"""Celery tasks: thin. They take ids and call decisions.jobs / decisions.recompute."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from decisions import jobs, recompute


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def compute_job(job_id: int) -> bool:
    return jobs.job_run(job_id=job_id)


@shared_task(acks_late=True)
def sweep_jobs() -> int:
    return jobs.jobs_sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_for_catalog(catalog_version: str) -> int:
    return recompute.catalog_recompute_start(catalog_version=catalog_version)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_jitter=True,
    max_retries=5,
)
def recompute_batch(scenario_ids: list[int], catalog_version: str) -> int:
    return recompute.scenarios_recompute(scenario_ids=scenario_ids, catalog_version=catalog_version)


@shared_task(ignore_result=False)
def noop() -> str:
    """For `manage.py worker_check`: proves a worker takes tasks from the broker."""
    return "pong"
