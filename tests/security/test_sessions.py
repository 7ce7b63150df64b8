"""Sessions end after SESSION_COOKIE_AGE idle and SESSION_ABSOLUTE_AGE in total; production
cookies are __Host- prefixed, Secure, HttpOnly and SameSite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from config.security import SESSION_STARTED_KEY

ROOT = Path(__file__).resolve().parents[2]


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_every_request_renews_the_idle_window(client, alice):
    client.force_login(alice)
    row = session_row(client)
    row.expire_date = timezone.now() + timedelta(seconds=30)
    row.save()
    response = client.get(reverse("decisions:project_list"))
    assert response.status_code == 200
    renewed = session_row(client).expire_date - timezone.now()
    assert renewed > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_an_idle_session_is_over(client, alice):
    client.force_login(alice)
    row = session_row(client)
    row.expire_date = timezone.now() - timedelta(seconds=1)
    row.save()
    response = client.get(reverse("decisions:project_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_ends_at_its_absolute_age_however_active(client, alice, caplog):
    client.force_login(alice)
    session = client.session
    assert session[SESSION_STARTED_KEY] >= int(time.time()) - 5  # stamped at login
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_AGE - 1
    session.save()
    response = client.get(reverse("decisions:project_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "session ended" in caplog.text
    # Logged out for good, not only for that request.
    assert client.get(reverse("decisions:project_list")).status_code == 302


def test_a_young_session_is_kept(client, alice):
    client.force_login(alice)
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_AGE + 60
    session.save()
    assert client.get(reverse("decisions:project_list")).status_code == 200


def test_the_session_lifetimes_are_set():
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert 60 <= settings.SESSION_COOKIE_AGE < settings.SESSION_ABSOLUTE_AGE
    assert settings.SESSION_ABSOLUTE_AGE <= 24 * 3600


# Runs in a child process with the production environment: DEBUG off changes the cookie
# names and flags at import time, which override_settings cannot reproduce.
PRODUCTION_PROBE = """
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.contrib.auth.models import User

call_command("migrate", verbosity=0)
User.objects.create_user("alice", password="correct horse battery staple")
plain = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
with override_settings(STORAGES=plain):  # no collectstatic manifest in a test
    c = Client()
    page = c.get("/accounts/login/", secure=True)
    done = c.post("/accounts/login/", {"username": "alice",
                  "password": "correct horse battery staple"}, secure=True)
def attrs(morsel):
    return {k: morsel[k] for k in ("secure", "httponly", "samesite", "path", "domain")}
print(json.dumps({
    "login_page": page.status_code, "login": done.status_code,
    "csrf": {n: attrs(m) for n, m in page.cookies.items()},
    "session": {n: attrs(m) for n, m in done.cookies.items() if "session" in n},
    "hsts": page.headers.get("Strict-Transport-Security", ""),
    "csp": page.headers.get("Content-Security-Policy", ""),
    "plain_http": Client().get("/accounts/login/").status_code,
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "SQLITE_PATH": str(tmp_path_factory.mktemp("prod") / "db.sqlite3"),
    }
    env.pop("SECURE_SSL_REDIRECT", None)
    out = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_cookies_are_host_prefixed_secure_and_httponly(production):
    assert production["login_page"] == 200 and production["login"] == 302
    for jar in ("csrf", "session"):
        [(name, cookie)] = production[jar].items()
        assert name.startswith("__Host-"), name
        # __Host- cookies must be Secure, for path /, with no Domain attribute.
        assert cookie["secure"] is True and cookie["path"] == "/" and cookie["domain"] == ""
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


def test_production_redirects_plain_http_and_sends_hsts_and_csp(production):
    assert production["plain_http"] == 301
    assert "max-age=31536000" in production["hsts"]
    assert "script-src 'self'" in production["csp"]
