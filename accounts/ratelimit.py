"""Login throttling: a few failed logins per username and address, more per address.

Failures are counted in Django's cache in fixed windows of LOGIN_FAILURE_WINDOW seconds:
LOGIN_FAILURES_PER_USER_IP for one username from one address (a password guesser), and
LOGIN_FAILURES_PER_IP for one address whatever the username (a credential sprayer; higher,
because an office shares one address). Every failure is logged to `tunecase.security`.

The counters live in the default cache. With the per-process LocMem cache each gunicorn
worker counts on its own, so the effective limit is the limit times the workers: still a
brake on guessing, and no login depends on Redis being up.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

log = logging.getLogger("tunecase.security")


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "")


def _window() -> int:
    return int(time.time() // settings.LOGIN_FAILURE_WINDOW)


def _keys(username: str, address: str) -> tuple[str, str]:
    # Usernames are hashed: the cache key must not depend on what an attacker types.
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    window = _window()
    return f"login-fail:ui:{name}:{address}:{window}", f"login-fail:ip:{address}:{window}"


def login_blocked(username: str, address: str) -> bool:
    """True once this username+address or this address has used up its failures."""
    user_key, ip_key = _keys(username, address)
    counts = cache.get_many([user_key, ip_key])
    return (
        counts.get(user_key, 0) >= settings.LOGIN_FAILURES_PER_USER_IP
        or counts.get(ip_key, 0) >= settings.LOGIN_FAILURES_PER_IP
    )


def _incr(key: str) -> int:
    timeout = settings.LOGIN_FAILURE_WINDOW + 60
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    """user_login_failed receiver: count the failure and log it (never the password)."""
    username = str(credentials.get("username", ""))[:150]
    address = client_address(request)
    user_key, ip_key = _keys(username, address)
    per_user, per_ip = _incr(user_key), _incr(ip_key)
    log.warning(
        "login failed: username=%r ip=%s failures=%s/%s per user+ip, %s/%s per ip",
        username,
        address,
        per_user,
        settings.LOGIN_FAILURES_PER_USER_IP,
        per_ip,
        settings.LOGIN_FAILURES_PER_IP,
    )


def login_succeeded(sender, request: HttpRequest, user, **kwargs) -> None:
    """user_logged_in receiver: the user's own counter starts again; the address's does not."""
    user_key, _ = _keys(user.get_username(), client_address(request))
    cache.delete(user_key)
    log.info("login: username=%r ip=%s", user.get_username(), client_address(request))


class LoginRateLimitBackend:
    """First in AUTHENTICATION_BACKENDS: refuses every login attempt from a blocked
    username+address, whichever form it comes through (ours or the admin's).

    It never authenticates anyone and has no get_user(), so it holds no sessions.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and login_blocked(str(username), client_address(request)):
            # PermissionDenied stops authenticate() at once: no other backend is tried.
            raise PermissionDenied("too many failed logins")
        return None
