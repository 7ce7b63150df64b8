"""Chaos tests reuse the job tests' Redis, broker and worker fixtures (tests/jobs/conftest.py):
the services are the test's own, on free ports, so stopping them touches nothing shared."""

from __future__ import annotations

from tests.jobs.conftest import broker, redis_server, start_worker  # noqa: F401
