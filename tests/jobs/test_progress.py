"""The results page while a job is on its way: progress, delay, failure and retry."""

from __future__ import annotations

from django.urls import reverse

from decisions.jobs import job_fail
from decisions.models import Job, JobStatus, Result, Scenario
from tests.conftest import scenario_inputs


def results_url(scenario):
    return reverse("decisions:results", args=[scenario.pk])


def progress_url(job):
    return reverse("decisions:job_progress", args=[job.scenario_id, job.pk])


def make_scenario(project):
    return Scenario.objects.create(project=project, name="Bot", inputs=scenario_inputs())


def test_a_queued_job_shows_a_polling_progress_bar(client_for, alice, project, default_catalog):
    scenario = make_scenario(project)
    client = client_for(alice)
    client.post(results_url(scenario))  # the job waits for the commit: still queued here
    job = Job.objects.get(scenario=scenario)
    assert job.status == JobStatus.QUEUED
    page = client.get(results_url(scenario)).content.decode()
    assert f'hx-get="{progress_url(job)}"' in page and 'hx-trigger="every 1s"' in page
    assert '<meta http-equiv="refresh"' in page  # without JavaScript the page reloads
    fragment = client.get(progress_url(job), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()


def test_polling_stops_with_286_when_the_job_is_done(
    client_for, alice, project, default_catalog, django_capture_on_commit_callbacks
):
    scenario = make_scenario(project)
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(results_url(scenario))
    job = Job.objects.get(scenario=scenario)
    response = client.get(progress_url(job), headers={"HX-Request": "true"})
    assert response.status_code == 286
    assert response["HX-Refresh"] == "true"
    assert Result.objects.filter(scenario=scenario).count() == 1


def test_a_pending_job_says_computing_is_delayed(client_for, alice, project, default_catalog):
    scenario = make_scenario(project)
    Job.objects.create(scenario=scenario, status=JobStatus.PENDING)
    page = client_for(alice).get(results_url(scenario)).content.decode()
    assert "Computing is delayed" in page


def test_a_failure_shows_the_reason_and_retries(
    client_for, alice, victor, project, default_catalog, django_capture_on_commit_callbacks
):
    scenario = make_scenario(project)
    job = Job.objects.create(scenario=scenario)
    job_fail(job_id=job.pk, error="worker ran out of memory")
    page = client_for(alice).get(results_url(scenario)).content.decode()
    assert "worker ran out of memory" in page and "Retry" in page
    retry = reverse("decisions:job_retry", args=[scenario.pk, job.pk])
    assert client_for(victor).post(retry).status_code == 403
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(retry).status_code == 302
    assert Job.objects.filter(scenario=scenario, status=JobStatus.DONE).count() == 1


def test_outsiders_cannot_poll_a_job(client_for, charlie, project, default_catalog):
    job = Job.objects.create(scenario=make_scenario(project))
    response = client_for(charlie).get(progress_url(job), headers={"HX-Request": "true"})
    assert response.status_code == 404


def test_the_broker_being_down_leaves_the_job_pending(project, default_catalog, settings):
    from config.celery import app
    from decisions.jobs import job_enqueue
    from tests.services import free_port, point_celery_at

    scenario = make_scenario(project)
    job = Job.objects.create(scenario=scenario)
    eager, broker, backend = (
        app.conf.task_always_eager,
        app.conf.broker_url,
        app.conf.result_backend,
    )
    app.conf.task_always_eager = False
    point_celery_at(app, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    try:
        assert job_enqueue(job_id=job.pk) is False
    finally:
        app.conf.task_always_eager = eager
        point_celery_at(app, broker, backend)
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    assert "Broker unavailable" in job.error
