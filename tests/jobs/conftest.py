from __future__ import annotations

import shutil

import pytest

from tests.conftest import require
from tests.services import CeleryWorker, RedisServer, point_celery_at


@pytest.fixture
def redis_server():
    """A Redis of the test's own, on a free port, that the test may stop and start."""
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    """Point this process's Celery app at the test's Redis for sending tasks."""
    from config.celery import app

    before = (app.conf.broker_url, app.conf.result_backend)
    point_celery_at(app, redis_server.url)
    yield redis_server
    point_celery_at(app, *before)


@pytest.fixture
def start_worker(broker):
    """start_worker(**env) -> a running worker on the test's broker; all stopped at the end."""
    workers: list[CeleryWorker] = []

    def start(name: str = "w1", *, beat: bool = False, **env: str) -> CeleryWorker:
        worker = CeleryWorker(broker.url, name=name, **env).start(beat=beat)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
