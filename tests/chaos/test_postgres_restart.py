"""PostgreSQL restarts (`pg_ctl restart -m fast`) while gunicorn serves a stream of reads
and API writes.

Requests in flight when the server goes down may fail; every request sent after it is
back must succeed on the first try (CONN_HEALTH_CHECKS drops each worker's dead
persistent connection before use), and everything created before or acknowledged during
the run is still there. The cluster and gunicorn are the test's own: the shared
PostgreSQL on 5432 is never touched.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import require, scenario_inputs
from tests.services import ROOT, Gunicorn, PostgresCluster, postgres_bin

pytestmark = pytest.mark.postgres

# Run in a child process against the throwaway cluster: the data the pages will read.
SEED = """
import json, django
django.setup()
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from accounts.models import ApiToken
from accounts.services import organisation_create
from decisions.jobs import job_request
from decisions.models import Project, Scenario
from decisions.services import scenario_evaluate
from decisions.sharing import share_link_create
from tests.conftest import scenario_inputs

user = User.objects.create_user("alice", password="unused-Password-1")
org = organisation_create(name="Acme", owner=user)
project = Project.objects.create(organisation=org, name="Bot", created_by=user)
scenario = Scenario.objects.create(project=project, name="Replies", inputs=scenario_inputs())
result = scenario_evaluate(scenario=scenario, user=user)
job = job_request(scenario=scenario, user=user)
_, share = share_link_create(scenario=scenario, result=result, label="x", days=7, user=user)
_, token = ApiToken.issue(user=user, name="chaos")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps({"project": project.pk, "scenario": scenario.pk, "job": job.pk,
                  "share": share, "token": token, "session": session.session_key}))
"""


@dataclass
class Outcome:
    started: float
    finished: float
    path: str
    status: int | str


@dataclass
class Traffic:
    """Requests sent in a loop by a few threads until stopped."""

    port: int
    seed: dict
    outcomes: list[Outcome] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pages(self) -> list[tuple[str, str, bytes | None, int]]:
        s = self.seed
        create = json.dumps(scenario_inputs(name="Made during the restart")).encode()
        return [
            ("GET", "/healthz", None, 200),
            ("GET", "/projects/", None, 200),
            ("GET", f"/projects/{s['project']}/", None, 200),
            ("GET", f"/scenarios/{s['scenario']}/results/", None, 200),
            ("GET", f"/shared/{s['share']}/", None, 200),
            ("GET", f"/api/v1/jobs/{s['job']}", None, 200),
            ("POST", f"/api/v1/projects/{s['project']}/scenarios", create, 201),
        ]

    def send(self, method: str, path: str, body: bytes | None) -> tuple[int | str, bytes]:
        headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": f"__Host-sessionid={self.seed['session']}",
            "Authorization": f"Bearer {self.seed['token']}",
            "Content-Type": "application/json",
        }
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            return exc.__class__.__name__, b""
        finally:
            conn.close()

    def loop(self) -> None:
        pages = self.pages()
        n = 0
        while not self.stop.is_set():
            method, path, body, _ = pages[n % len(pages)]
            n += 1
            started = time.monotonic()
            status, content = self.send(method, path, body)
            with self.lock:
                self.outcomes.append(Outcome(started, time.monotonic(), path, status))
                if status == 201:
                    self.created.append(json.loads(content)["id"])
            time.sleep(0.02)


def run_manage(env: dict[str, str], *args: str, code: str | None = None) -> str:
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.fixture
def cluster():
    require(postgres_bin("initdb") is not None, "PostgreSQL server binaries are not installed")
    require(postgres_bin("pg_ctl") is not None, "pg_ctl is not installed")
    if os.geteuid() == 0:
        require(Path("/usr/sbin/runuser").exists() or Path("/sbin/runuser").exists(), "runuser")
    server = PostgresCluster().start()
    yield server
    server.stop()


def test_no_error_survives_a_postgres_restart_and_nothing_is_lost(cluster, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "chaos-" + "x" * 44,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_PROXY_SSL_HEADER_ENABLED": "true",
        "DATABASE_URL": cluster.url,
        "REDIS_URL": "",
        "STATIC_ROOT": str(tmp_path / "static"),
        "LOG_LEVEL": "ERROR",
    }
    run_manage(env, "migrate", "--noinput", "-v", "0")
    run_manage(env, "collectstatic", "--noinput", "-v", "0")
    run_manage(env, "load_default_catalog")
    seed = json.loads(run_manage(env, code=SEED).strip().splitlines()[-1])

    server = Gunicorn(env, workers=2).start()
    traffic = Traffic(server.port, seed)
    threads = [threading.Thread(target=traffic.loop, daemon=True) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(3)  # every worker holds a persistent connection by now
        down = time.monotonic()
        cluster.restart()
        back = time.monotonic()
        time.sleep(5)
    finally:
        traffic.stop.set()
        for thread in threads:
            thread.join(timeout=30)
        server.stop()

    # Shown with -s: requests did fail while the server was down, so the restart really
    # cut the workers' connections and "no error after" means something.
    during = [o for o in traffic.outcomes if o.finished >= down and o.started <= back]
    print(
        f"\nrequests: {len(traffic.outcomes)}, during the restart: {len(during)}, "
        f"failed then: {sum(o.status not in (200, 201) for o in during)}, "
        f"restart took {back - down:.1f} s"
    )
    expected = {path: status for _, path, _, status in traffic.pages()}
    before = [o for o in traffic.outcomes if o.finished < down]
    after = [o for o in traffic.outcomes if o.started > back]
    assert before and all(o.status == expected[o.path] for o in before), "unhealthy before"
    assert len({o.path for o in after}) == len(expected), "every page was asked again"
    failed = [(o.path, o.status) for o in after if o.status != expected[o.path]]
    assert not failed, f"errors after the restart: {failed[:10]}"

    import psycopg

    with psycopg.connect(cluster.url) as conn:
        scenarios = {row[0] for row in conn.execute("SELECT id FROM decisions_scenario")}
        jobs = {row[0] for row in conn.execute("SELECT id FROM decisions_job")}
    assert seed["scenario"] in scenarios and seed["job"] in jobs
    assert traffic.created, "the API created scenarios during the run"
    assert set(traffic.created) <= scenarios, "an acknowledged scenario was lost"
