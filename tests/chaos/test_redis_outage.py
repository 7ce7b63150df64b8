"""Redis stops while the site and a worker run, then comes back.

While it is down, pages answer 200 within a second and jobs wait as "pending"; once it
is back, the worker's beat sweep (every second here) enqueues them again and every job
completes. A worker killed mid-task is the other fault of the job system:
tests/jobs/test_worker.py::test_a_worker_killed_mid_task_loses_nothing.
"""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from decisions.jobs import job_request
from decisions.models import Job, JobStatus, Result, Scenario
from tests.conftest import scenario_inputs
from tests.services import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

FAST = 1.0  # seconds a page may take while Redis is down


def timed(call, *args, **kwargs):
    start = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - start


def statuses(jobs: list[Job]) -> set[str]:
    return set(Job.objects.filter(pk__in=[j.pk for j in jobs]).values_list("status", flat=True))


@pytest.fixture
def outage(project, default_catalog, alice, start_worker, broker, settings, client):
    """A worker with beat on the test's Redis, two scenarios, alice signed in."""
    # The catalog is published before the worker starts (its recompute stays inline).
    settings.REDIS_URL = broker.url
    start_worker("chaos", beat=True, JOB_SWEEP_SECONDS="1")
    client.force_login(alice)
    scenarios = [
        Scenario.objects.create(project=project, name=name, inputs=scenario_inputs(name=name))
        for name in ("Page", "Service")
    ]
    return client, scenarios


def test_pages_answer_while_redis_is_down_and_pending_jobs_complete_after(
    outage, project, alice, broker
):
    client, scenarios = outage
    broker.stop()

    urls = [
        reverse("decisions:results", args=[scenarios[0].pk]),
        reverse("decisions:project_detail", args=[project.pk]),
        reverse("decisions:scenario_detail", args=[scenarios[0].pk]),
        reverse("decisions:wizard", args=[scenarios[0].pk, 2]),
    ]
    for url in urls:
        response, seconds = timed(client.get, url)
        assert response.status_code == 200 and seconds < FAST, (url, seconds)
    health, seconds = timed(client.get, reverse("healthz"))
    assert health.status_code == 200 and seconds < FAST
    assert health.json()["broker"].startswith("down")

    # What job_enqueue leaves behind when the broker refuses: pending jobs.
    jobs = [
        Job.objects.create(scenario=s, requested_by=alice, status=JobStatus.PENDING)
        for s in scenarios
    ]
    broker.start()  # the same port: the worker reconnects on its own

    wait_for(lambda: statuses(jobs) == {JobStatus.DONE}, timeout=120, what="the pending jobs")
    for scenario in scenarios:
        assert Result.objects.filter(scenario=scenario).count() == 1
    page = client.get(urls[0])
    assert page.status_code == 200 and "data-figure" in page.content.decode()  # the charts
    assert client.get(reverse("healthz")).json()["broker"] == "ok"


# Asking for a job while Redis is down answers (the 500 this test found, from the Redis
# result backend, went with CELERY_TASK_IGNORE_RESULT) but takes 2 s: the refused broker
# connection is retried once (CELERY_BROKER_TRANSPORT_OPTIONS "max_retries": 1). With
# "max_retries": 0 it answers in ~30 ms and this test passes: a change for the lead, in
# the Celery settings. Strict: this turns red once fixed, and the marker must go.
def test_asking_for_results_while_redis_is_down_waits_as_pending(outage, alice, broker):
    client, scenarios = outage
    broker.stop()

    url = reverse("decisions:results", args=[scenarios[0].pk])
    client.raise_request_exception = False
    response, seconds = timed(client.post, url)
    assert response.status_code == 302 and seconds < FAST, (response.status_code, seconds)
    start = time.monotonic()
    job_request(scenario=scenarios[1], user=alice)
    assert time.monotonic() - start < FAST
    jobs = list(Job.objects.filter(scenario__in=scenarios))
    assert len(jobs) == 2 and statuses(jobs) == {JobStatus.PENDING}

    broker.start()
    wait_for(lambda: statuses(jobs) == {JobStatus.DONE}, timeout=120, what="the jobs")
    for scenario in scenarios:
        assert Result.objects.filter(scenario=scenario).count() == 1
