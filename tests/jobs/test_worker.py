"""Jobs on a real Redis and real worker processes: the round trip, a worker killed in the
middle of a task, a duplicate delivery, and a broker that goes away."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command

from decisions.jobs import job_request
from decisions.models import Job, JobStatus, Result, Scenario
from decisions.tasks import compute_job
from tests.conftest import scenario_inputs
from tests.services import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def job_status(job_id: int) -> str:
    return Job.objects.get(pk=job_id).status


# Tests ask for the catalog before the worker: publishing it starts a recompute, which
# must not reach the test's broker and add results of its own.
@pytest.fixture
def scenario(project, default_catalog):
    return Scenario.objects.create(project=project, name="Bot", inputs=scenario_inputs())


def test_worker_check_reports_the_round_trip(start_worker, settings, capsys):
    start_worker()
    settings.REDIS_URL = "redis://configured"  # the command only checks that one is set
    call_command("worker_check", "--timeout", "20")
    assert "worker answered 'pong'" in capsys.readouterr().out


def test_a_job_goes_through_the_worker(scenario, alice, start_worker):
    start_worker()
    job = job_request(scenario=scenario, user=alice)
    wait_for(lambda: job_status(job.pk) == JobStatus.DONE, timeout=60, what="the job")
    job.refresh_from_db()
    assert job.result.scenario == scenario
    assert job.progress == 100
    assert Result.objects.filter(scenario=scenario).count() == 1


def test_a_duplicate_delivery_does_not_compute_twice(scenario, alice, start_worker):
    start_worker()
    job = job_request(scenario=scenario, user=alice)
    compute_job.apply_async(args=[job.pk])  # the broker delivers it a second time
    compute_job.apply_async(args=[job.pk])
    wait_for(lambda: job_status(job.pk) == JobStatus.DONE, timeout=60, what="the job")
    time.sleep(2)  # give the extra deliveries time to run (and find nothing to do)
    assert Result.objects.filter(scenario=scenario).count() == 1
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_a_worker_killed_mid_task_loses_nothing(project, default_catalog, alice, start_worker):
    # A big Monte Carlo keeps the worker busy long enough to kill it in the middle.
    slow = Scenario.objects.create(
        project=project, name="Slow", inputs=scenario_inputs(uncertainty={"samples": 2_000_000})
    )
    lease = {"JOB_LEASE_SECONDS": "3", "CELERY_VISIBILITY_TIMEOUT": "3", "JOB_SWEEP_SECONDS": "1"}
    first = start_worker("doomed", **lease)
    job = job_request(scenario=slow, user=alice)
    wait_for(lambda: job_status(job.pk) == JobStatus.RUNNING, timeout=60, what="job to start")
    first.kill()
    assert job_status(job.pk) == JobStatus.RUNNING
    assert not Result.objects.filter(scenario=slow).exists()

    start_worker("rescuer", beat=True, **lease)
    wait_for(lambda: job_status(job.pk) == JobStatus.DONE, timeout=120, what="the rescued job")
    assert Result.objects.filter(scenario=slow).count() == 1
    assert Job.objects.get(pk=job.pk).attempts >= 2
