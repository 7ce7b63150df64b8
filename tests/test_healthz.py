from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="localhost")
print(json.dumps({"status": response.status_code, **json.loads(response.content)}))
"""


def healthz_in_subprocess(**env) -> dict:
    """Ask /healthz in a fresh process configured by env, so real connections are tried."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    environment.pop("DATABASE_URL", None) if "DATABASE_URL" not in env else None
    environment.pop("REDIS_URL", None) if "REDIS_URL" not in env else None
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_healthz_reports_database_ok_and_inline_broker(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "inline"}


def test_healthz_answers_503_when_the_database_is_unreachable():
    # Port 9 (discard) has no PostgreSQL: the connection is refused at once.
    result = healthz_in_subprocess(DATABASE_URL="postgres://postgres@127.0.0.1:9/tunecase")
    assert result["status"] == 503
    assert result["database"].startswith("down")


def test_healthz_reports_an_unreachable_broker_without_failing():
    result = healthz_in_subprocess(REDIS_URL="redis://127.0.0.1:9/0")
    assert result["status"] == 200
    assert result["database"] == "ok"
    assert result["broker"].startswith("down")
