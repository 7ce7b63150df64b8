from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts.ratelimit import login_failed, login_succeeded
        from config.security import session_started

        user_login_failed.connect(login_failed, dispatch_uid="tunecase-login-failed")
        user_logged_in.connect(login_succeeded, dispatch_uid="tunecase-login-succeeded")
        user_logged_in.connect(session_started, dispatch_uid="tunecase-session-started")
