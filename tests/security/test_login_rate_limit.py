"""Failed logins are logged and throttled: 5 per username+address, 20 per address, per
15 minutes; then the login form answers 429 with a message, whatever the password."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import ratelimit

PASSWORD = "password"  # tests.factories.UserFactory's


def attempt(client, username: str, password: str = "wrong", ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_failures_are_logged_without_the_password(client, alice, caplog):
    with caplog.at_level(logging.WARNING, logger="tunecase.security"):
        response = attempt(client, "alice", "hunter2-secret")
    assert response.status_code == 200
    assert "login failed: username='alice' ip=10.0.0.1" in caplog.text
    assert "hunter2-secret" not in caplog.text


def test_the_sixth_try_is_refused_with_429_even_with_the_right_password(client, alice, caplog):
    for _ in range(settings.LOGIN_FAILURES_PER_USER_IP):
        assert attempt(client, "alice").status_code == 200
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert response["Retry-After"] == str(settings.LOGIN_FAILURE_WINDOW)
    assert "_auth_user_id" not in client.session
    assert "login refused, rate limited: username='alice'" in caplog.text


def test_the_limit_is_per_username_and_address(client, alice, bob):
    for _ in range(settings.LOGIN_FAILURES_PER_USER_IP):
        attempt(client, "alice")
    assert attempt(client, "alice", PASSWORD).status_code == 429
    # Another address, or another user from the same address, still gets in.
    assert attempt(client, "alice", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, "bob", PASSWORD).status_code == 302


def test_an_address_spraying_many_usernames_is_throttled(client, alice):
    for n in range(settings.LOGIN_FAILURES_PER_IP):
        attempt(client, f"user{n}")
    assert attempt(client, "alice", PASSWORD).status_code == 429
    assert attempt(client, "alice", PASSWORD, ip="10.0.0.9").status_code == 302


def test_the_block_lifts_after_the_window(client, alice, monkeypatch):
    for _ in range(settings.LOGIN_FAILURES_PER_USER_IP):
        attempt(client, "alice")
    assert attempt(client, "alice", PASSWORD).status_code == 429
    later = ratelimit.time.time() + settings.LOGIN_FAILURE_WINDOW
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_a_success_clears_the_users_own_count(client, alice):
    for _ in range(settings.LOGIN_FAILURES_PER_USER_IP - 1):
        attempt(client, "alice")
    assert attempt(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_FAILURES_PER_USER_IP - 1):
        attempt(client, "alice")
    assert attempt(client, "alice", PASSWORD).status_code == 302


@pytest.fixture
def staff(alice):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    return alice


def test_the_admin_login_is_throttled_too(client, staff):
    url = reverse("admin:login")
    for _ in range(settings.LOGIN_FAILURES_PER_USER_IP):
        client.post(url, {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(url, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 200  # the admin's own "please enter correct" page
    assert "_auth_user_id" not in client.session
