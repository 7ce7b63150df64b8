"""Share links: a read-only report for people outside the organisation.

The token is random (256 bits), shown once and stored only as its SHA-256. A link shows
the result it was made for, never a newer one, so what a reader saw stays what they see.
Lookups are rate limited per client address, so tokens cannot be guessed by brute force.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from accounts.models import hash_token
from decisions.models import Result, Scenario, ShareLink

DEFAULT_DAYS = 30
MAX_DAYS = 365


def share_link_create(
    *, scenario: Scenario, result: Result, label: str, days: int, user
) -> tuple[ShareLink, str]:
    """A new link to `result`; returns (link, token). The token is not kept."""
    token = secrets.token_urlsafe(32)
    link = ShareLink.objects.create(
        scenario=scenario,
        result=result,
        label=label,
        token_hash=hash_token(token),
        created_by=user,
        expires=timezone.now() + timedelta(days=days),
    )
    return link, token


def share_link_find(token: str) -> ShareLink | None:
    """The link for a token whatever its state (the caller checks `is_usable`)."""
    return (
        ShareLink.objects.select_related("scenario", "result")
        .filter(token_hash=hash_token(token))
        .first()
    )


def share_link_viewed(*, link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk).update(views=F("views") + 1, last_viewed=timezone.now())


def share_link_revoke(*, link: ShareLink) -> None:
    if link.revoked is None:
        link.revoked = timezone.now()
        link.save(update_fields=["revoked"])


def share_lookup_allowed(client_address: str) -> bool:
    """At most SHARE_LOOKUPS_PER_MINUTE lookups a minute from one address."""
    key = f"share-lookups:{client_address}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= settings.SHARE_LOOKUPS_PER_MINUTE
