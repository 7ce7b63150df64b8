"""Full results are computed as jobs: on Celery workers when Redis is configured, inline
otherwise. A job survives a lost worker, a duplicate delivery and a broker outage:

- `job_request` creates the job and enqueues it after the transaction commits;
- if the broker cannot be reached the job waits as "pending" and `jobs_sweep` (run by
  Celery beat, or `manage.py sweep_jobs`) enqueues it again;
- `job_run` claims the job atomically, so only one delivery computes it, and stores the
  result and the job's "done" in one transaction, so a worker killed half-way leaves the
  job claimable again once its lease has run out.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from decisions.engine import ScenarioError
from decisions.models import Job, JobStatus, Scenario

log = logging.getLogger(__name__)

UNFINISHED = (JobStatus.PENDING, JobStatus.QUEUED, JobStatus.RUNNING)


def lease() -> timedelta:
    """How long a running job belongs to its worker: longer than the task's hard limit."""
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def job_request(*, scenario: Scenario, user=None, reason: str = "requested") -> Job:
    """The scenario's unfinished job, or a new one enqueued once this transaction commits."""
    job = scenario.jobs.filter(status__in=UNFINISHED).first()
    if job is not None:
        return job
    job = Job.objects.create(scenario=scenario, requested_by=user, reason=reason)
    transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    return job


def job_enqueue(*, job_id: int) -> bool:
    """Hand the job to the broker; when the broker is down, leave it pending for the sweep."""
    from decisions.tasks import compute_job

    try:
        # retry=False: fail within the socket timeouts instead of retrying for seconds.
        compute_job.apply_async(args=[job_id], retry=False)
    except (BrokerError, RedisError, OSError) as exc:
        log.warning("job %s: broker unavailable (%s); left pending", job_id, exc)
        Job.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.PENDING]).update(
            status=JobStatus.PENDING, error=f"Broker unavailable: {exc}"
        )
        return False
    return True


def job_claim(*, job_id: int) -> bool:
    """queued/pending -> running, or take over a running job whose worker died."""
    now = timezone.now()
    claimable = Q(status__in=[JobStatus.QUEUED, JobStatus.PENDING]) | Q(
        status=JobStatus.RUNNING, started__lt=now - lease()
    )
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING, started=now, progress=10, attempts=F("attempts") + 1, error=""
    )
    return claimed == 1


def job_run(*, job_id: int) -> bool:
    """Compute a claimed job. Returns False when another delivery already has it."""
    from decisions.services import scenario_evaluate

    if not job_claim(job_id=job_id):
        return False
    job = Job.objects.select_related("scenario", "requested_by").get(pk=job_id)
    try:
        with transaction.atomic():
            result = scenario_evaluate(scenario=job.scenario, user=job.requested_by)
            Job.objects.filter(pk=job_id).update(
                status=JobStatus.DONE, progress=100, result=result, finished=timezone.now()
            )
    except ScenarioError as exc:
        job_fail(job_id=job_id, error=str(exc))
    except DatabaseError:
        # Transient: let the task retry it.
        Job.objects.filter(pk=job_id).update(status=JobStatus.QUEUED, progress=0)
        raise
    return True


def job_fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=error[:2000], finished=timezone.now()
    )


def job_retry(*, job: Job) -> Job:
    """A failed job is retried as a new job, keeping the failure on record."""
    return job_request(scenario=job.scenario, user=job.requested_by, reason=job.reason)


def jobs_sweep() -> int:
    """Enqueue again what the broker never got or lost: pending jobs, queued jobs older
    than a minute (Redis keeps nothing on disk here), running jobs past their lease."""
    now = timezone.now()
    stale = (
        Q(status=JobStatus.PENDING)
        | Q(status=JobStatus.QUEUED, created__lt=now - timedelta(seconds=60))
        | Q(status=JobStatus.RUNNING, started__lt=now - lease())
    )
    ids = list(Job.objects.filter(stale).values_list("pk", flat=True)[:500])
    enqueued = 0
    for job_id in ids:
        Job.objects.filter(pk=job_id, status=JobStatus.PENDING).update(status=JobStatus.QUEUED)
        if job_enqueue(job_id=job_id):
            enqueued += 1
        else:
            break  # the broker is still down; the next sweep tries again
    return enqueued
