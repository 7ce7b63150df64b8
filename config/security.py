"""Security middleware: the Content-Security-Policy, the absolute session lifetime and a
log line for every refused authorisation.

All three are plain function middlewares (like `accounts.middleware`), configured in
settings: CSP_DIRECTIVES, SESSION_ABSOLUTE_AGE and the `tunecase.security` logger.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

log = logging.getLogger("tunecase.security")

# Set in the session at login; the absolute lifetime counts from it.
SESSION_STARTED_KEY = "_tunecase_auth_started"


def csp_header_value(directives: Mapping[str, list[str] | tuple[str, ...]]) -> str:
    """{"script-src": ["'self'"], ...} -> "script-src 'self'; ..." (empty lists: bare)."""
    parts = []
    for name, sources in directives.items():
        parts.append(" ".join([name, *sources]) if sources else name)
    return "; ".join(parts)


def content_security_policy(get_response: Callable[[HttpRequest], HttpResponse]):
    """Send the policy on every response that has not set its own.

    Computed once: the directives are settings, not per request. Report-only mode
    (CSP_REPORT_ONLY) lets an operator try a stricter policy without breaking pages.
    """
    value = csp_header_value(settings.CSP_DIRECTIVES)
    header = (
        "Content-Security-Policy-Report-Only"
        if settings.CSP_REPORT_ONLY
        else "Content-Security-Policy"
    )

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if value and header not in response:
            response[header] = value
        return response

    return middleware


def session_started(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: stamp the session so its absolute age can be checked."""
    if hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = int(time.time())


def absolute_session_lifetime(get_response: Callable[[HttpRequest], HttpResponse]):
    """Log out a session older than SESSION_ABSOLUTE_AGE seconds, however active it is.

    The idle timeout is SESSION_COOKIE_AGE renewed on every request
    (SESSION_SAVE_EVERY_REQUEST); this caps a session kept alive by constant use, e.g. a
    stolen cookie replayed by a script. Sessions from before this middleware carry no
    stamp: they get one now, so they too end within the limit.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - int(started) > settings.SESSION_ABSOLUTE_AGE:
                log.info(
                    "session ended: older than %s s user=%s path=%s",
                    settings.SESSION_ABSOLUTE_AGE,
                    user.get_username(),
                    request.path,
                )
                # logout() flushes the session and makes request.user anonymous, so the
                # view's @login_required sends the user to the login page.
                logout(request)
        return get_response(request)

    return middleware


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.get_username()
    return "anonymous"


class AuthorisationLog:
    """Log every refused authorisation to `tunecase.security`:

    - PermissionDenied and Http404 raised by a view (the access helpers raise them for a
      viewer changing something and for another organisation's object);
    - any other 401/403 response (CSRF failures, HttpResponseForbidden, API tokens);
    - 404 answers of the API, whose decorator turns Http404 into JSON itself.

    Unknown URLs are not logged: they never reach a view and would only add noise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        logged = getattr(request, "_tunecase_refusal_logged", False)
        api_404 = status == 404 and request.path.startswith("/api/")
        if not logged and (status in (401, 403) or api_404):
            self._log(request, status, getattr(response, "reason_phrase", ""))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied | Http404):
            status = 403 if isinstance(exception, PermissionDenied) else 404
            self._log(request, status, str(exception) or exception.__class__.__name__)
            request._tunecase_refusal_logged = True
        return None  # Django's own handling turns the exception into the response

    @staticmethod
    def _log(request: HttpRequest, status: int, reason: str) -> None:
        log.warning(
            "authorisation refused: %s %s %s user=%s ip=%s reason=%s",
            status,
            request.method,
            request.path,
            _who(request),
            client_address(request),
            reason,
        )
