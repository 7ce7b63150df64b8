from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "x9Qz!" * 12,
    "ALLOWED_HOSTS": "tunecase.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    done = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr


def test_embedded_settings_fail_the_deploy_check():
    done = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="true")
    assert done.returncode != 0


def test_bad_boolean_fails_loudly():
    done = manage("check", DEBUG="maybe")
    assert done.returncode != 0
    assert "DEBUG='maybe'" in done.stderr


def test_production_refuses_to_start_without_a_secret_key():
    done = manage("check", DEBUG="false")
    assert done.returncode != 0
    assert "SECRET_KEY is required" in done.stderr


def test_unsupported_database_url_is_named():
    done = manage("check", DATABASE_URL="mysql://root@localhost/tunecase")
    assert done.returncode != 0
    assert "DATABASE_URL scheme 'mysql'" in done.stderr
